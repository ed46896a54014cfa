"""Logo matching benchmark (not a test): precision, recall and keyframes/s, printed.

    .venv/bin/python bench/bench_logos.py [--frames 200] [--timing-frames 24] [--quick]

Everything is generated (workbench.recognize.synthlogos): 200 fictional references;
an evaluation set of 720p control-room frames, half with one library logo 100-300 px
wide under random perspective, rotation, blur, noise, moiré, JPEG and inversion, half
without (one in two of those shows a fictional logo that is not in the library).
A match counts as right when its label is the pasted logo's and its box overlaps the
true box by IoU >= 0.5; any other match is a false positive.

Compared in the same run:
* workbench: LogoMatcher with default MatchParams (and the 'fast' preset, and the
  defaults without the word check that confirms weak candidates by reading their words);
* naive: plain SIFT on the frame, a brute-force matcher per reference (ratio 0.75),
  RANSAC homography, a match when it has >= 10 inliers (the OpenCV tutorial recipe):
  no shared index, no multi-scale pass, no inverted references, no appearance check.

Speed: keyframes/s at 720p against libraries of 10, 50 and 200 references, one frame
at a time and two at a time (`match_many(workers=2)`, OpenCV single-threaded), plus the
CPU seconds per frame and what they give on two idle cores (2 / CPU s: frames are
independent and OpenCV releases the GIL). The load average is printed: other work on
the machine lowers the wall-clock rates, not the CPU time much.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.recognize import synthlogos as synth
from workbench.recognize.logos import LogoLibrary, LogoMatcher, MatchParams

SIZES = (10, 50, 200)
EVAL_LIBRARY = 50
TARGET_KFPS = 20.0


@dataclass
class Frame:
    rgb: np.ndarray
    label: str | None  # the library logo in it, if any
    box: tuple[float, float, float, float] | None  # its true box
    distractor: bool
    width: float


def iou(a, b) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def make_frames(
    labels: list[str], others: list[str], count: int, seed: int, heldout: bool = False
) -> list[Frame]:
    """`heldout`: scenes from evaluation generator B (video walls, dialogs, phones, signs,
    paper) instead of synthlogos' own, and B's degradations (motion blur, defocus, moiré,
    interlacing, glare, H.264 at a low bit rate) over the whole frame after the paste."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(count):
        if heldout:
            from workbench.recognize.evalgen.second import make_frame_b

            scene = make_frame_b(50_000 + 1000 * (seed - 7) + i, float(rng.uniform(0, 0.6))).rgb
        else:
            scene = synth.render_scene(10_000 + 1000 * (seed - 7) + i)
        positive = i % 2 == 0
        distractor = not positive and i % 4 == 1
        if positive or distractor:
            name = labels[int(rng.integers(len(labels)))] if positive else others[i // 4]
            logo = synth.render_logo(name)
        else:
            name, logo = None, None
        size = (logo.shape[1], logo.shape[0]) if logo is not None else (360, 130)
        place = synth.random_placement(rng, (1280, 720), size, width=(100.0, 300.0))
        rgb, quad = synth.paste_logo(scene, logo, place)
        if heldout:
            from workbench.recognize.evalgen.degrade import degrade

            rgb = degrade(rgb, rng, float(rng.uniform(0, 0.6)))[0]
        box = (*quad.min(0), *quad.max(0)) if positive else None
        frames.append(Frame(rgb, name if positive else None, box, distractor, place.width))
    return frames


PHOTO_DIRS = (Path("/usr/share/doc/opencv-doc/examples/data"),)
PHOTO_SKIP = ("Logo", "logo", "chessboard", "left", "right", "digits", "gradient", "mask")


def real_photos() -> list[tuple[str, np.ndarray]]:
    """Photographs shipped by packages (Debian's opencv-doc, scikit-image's data), none
    made by our generators, at least 400 px on their short side... or whatever they are:
    each becomes a 1280x720 scene (resized to cover it, then centre-cropped)."""
    found: list[tuple[str, np.ndarray]] = []
    for folder in PHOTO_DIRS:
        for path in sorted(folder.glob("*.jpg")) + sorted(folder.glob("*.png")):
            if any(word in path.name for word in PHOTO_SKIP):
                continue  # logos themselves, calibration boards, sparse tables
            bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if bgr is not None and min(bgr.shape[:2]) >= 240:
                found.append((path.name, bgr[:, :, ::-1]))
    try:
        from skimage import data as skdata

        for name in ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field"):
            rgb = getattr(skdata, name)()
            found.append((f"skimage:{name}", rgb[:, :, :3]))
    except Exception:  # scikit-image is a test tool: without it, opencv-doc's photos only
        pass
    return found


def cover(rgb: np.ndarray, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    h, w = rgb.shape[:2]
    f = max(size[0] / w, size[1] / h)
    big = cv2.resize(rgb, (round(w * f), round(h * f)), interpolation=cv2.INTER_CUBIC)
    y, x = (big.shape[0] - size[1]) // 2, (big.shape[1] - size[0]) // 2
    return np.ascontiguousarray(big[y : y + size[1], x : x + size[0]])


def make_photo_frames(labels: list[str], others: list[str], count: int, seed: int) -> list[Frame]:
    """`count` frames on real photographs (not our generators' scenes): half with a
    library logo pasted 100-300 px wide under random perspective, one in four with a logo
    not in the library; generator B's degradations over the whole frame."""
    from workbench.recognize.evalgen.degrade import degrade

    photos = real_photos()
    rng = np.random.default_rng(seed + 1000)
    frames = []
    for i in range(count):
        scene = cover(photos[i % len(photos)][1])
        positive = i % 2 == 0
        distractor = not positive and i % 4 == 1
        name = None
        logo = None
        if positive or distractor:
            name = (
                labels[int(rng.integers(len(labels)))] if positive else others[i // 4 % len(others)]
            )
            logo = synth.render_logo(name)
        size = (logo.shape[1], logo.shape[0]) if logo is not None else (360, 130)
        place = synth.random_placement(rng, (1280, 720), size, width=(100.0, 300.0))
        rgb, quad = synth.paste_logo(scene, logo, place)
        rgb = degrade(rgb, rng, float(rng.uniform(0, 0.6)))[0]
        box = (*quad.min(0), *quad.max(0)) if positive else None
        frames.append(Frame(rgb, name if positive else None, box, distractor, place.width))
    return frames


def evaluate(results: list[list[tuple[str, tuple, float]]], frames: list[Frame],
             thresholds: list[float]) -> list[tuple[float, float, float, int, int]]:  # fmt: skip
    """(threshold, precision, recall, true positives, false positives) per threshold."""
    rows = []
    positives = sum(f.label is not None for f in frames)
    for t in thresholds:
        tp = fp = 0
        for found, f in zip(results, frames, strict=True):
            hit = False
            for label, box, score in found:
                if score < t:
                    continue
                if not hit and label == f.label and iou(box, f.box) >= 0.5:
                    hit = True
                else:
                    fp += 1
            tp += hit
        precision = tp / (tp + fp) if tp + fp else 1.0
        rows.append((t, precision, tp / positives, tp, fp))
    return rows


def misses(results: list, frames: list[Frame], threshold: float) -> None:
    """The logos missed, by width: where the recall is lost."""
    by: dict[str, list[int]] = {}
    for found, f in zip(results, frames, strict=True):
        if f.label is None:
            continue
        hit = any(lab == f.label and iou(box, f.box) >= 0.5 and sc >= threshold
                  for lab, box, sc in found)  # fmt: skip
        bucket = "100-150" if f.width < 150 else "150-220" if f.width < 220 else "220-300"
        by.setdefault(bucket, [0, 0])[hit] += 1
    print("    recall by logo width: " + ", ".join(
        f"{k} px {v[1]}/{v[0] + v[1]}" for k, v in sorted(by.items())))  # fmt: skip


class Naive:
    """Plain SIFT + a brute-force matcher per reference + RANSAC, no extras."""

    def __init__(self, library: LogoLibrary) -> None:
        self.sift = cv2.SIFT_create()
        self.bf = cv2.BFMatcher(cv2.NORM_L2)
        self.refs = []
        for r in library.references:
            gray = cv2.cvtColor(r.rgb, cv2.COLOR_RGB2GRAY)
            kps, desc = self.sift.detectAndCompute(gray, None)
            pts = np.float32([k.pt for k in kps])
            self.refs.append((r.label, pts, desc, gray.shape))

    def match(self, rgb: np.ndarray) -> list[tuple[str, tuple, float]]:
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        kps, desc = self.sift.detectAndCompute(gray, None)
        if desc is None:
            return []
        qpts = np.float32([k.pt for k in kps])
        out = []
        for label, pts, rdesc, (h, w) in self.refs:
            pairs = self.bf.knnMatch(desc, rdesc, k=2)
            good = [m for m, *n in pairs if n and m.distance < 0.75 * n[0].distance]
            if len(good) < 10:
                continue
            src = pts[[m.trainIdx for m in good]]
            dst = qpts[[m.queryIdx for m in good]]
            h_mat, mask = cv2.findHomography(src, dst, cv2.RANSAC, 5.0)
            if h_mat is None:
                continue
            corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
            quad = cv2.perspectiveTransform(corners[None], h_mat)[0]
            out.append((label, (*quad.min(0), *quad.max(0)), float(mask.sum())))
        return out


def run_matcher(match, frames: list[Frame]) -> tuple[list, float, float]:
    results = []
    wall, cpu = time.perf_counter(), time.process_time()
    for f in frames:
        results.append(match(f.rgb))
    return (
        results,
        (time.perf_counter() - wall) / len(frames),
        (time.process_time() - cpu) / len(frames),
    )


def ours(matcher: LogoMatcher):
    def match(rgb: np.ndarray) -> list[tuple[str, tuple, float]]:
        return [(m.label, m.bbox, m.score) for m in matcher.match(rgb)]

    return match


def print_rows(name: str, rows, chosen: float) -> None:
    for t, p, r, tp, fp in rows:
        mark = "  <- threshold" if t == chosen else ""
        print(f"  {name:<16} t={t:<5g} precision {p:.3f}  recall {r:.3f}  (TP {tp}, FP {fp}){mark}")


def speed(library: LogoLibrary, params: MatchParams, frames: list[Frame], cache: Path) -> str:
    t0 = time.perf_counter()
    matcher = LogoMatcher(library, params, cache_dir=cache)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    LogoMatcher(library, params, cache_dir=cache)
    cached = time.perf_counter() - t0
    rgbs = [f.rgb for f in frames]
    matcher.match(rgbs[0])  # warm up
    cv2.setNumThreads(1)
    c0, w0 = time.process_time(), time.perf_counter()
    for rgb in rgbs:
        matcher.match(rgb)
    one, cpu = (time.perf_counter() - w0) / len(rgbs), (time.process_time() - c0) / len(rgbs)
    w0 = time.perf_counter()
    list(matcher.match_many(rgbs, workers=2))
    two = (time.perf_counter() - w0) / len(rgbs)
    cv2.setNumThreads(os.cpu_count() or 1)
    return (f"{len(library):>4} refs  index {build:5.1f} s (cached {cached:4.2f} s)  "
            f"1 worker {1 / one:5.1f} kf/s  2 workers {1 / two:5.1f} kf/s  "
            f"CPU {cpu:.3f} s/kf (2 idle cores: ~{2 / cpu:4.1f} kf/s)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=200)
    ap.add_argument("--timing-frames", type=int, default=24)
    ap.add_argument("--quick", action="store_true", help="40 frames, 8 timing frames")
    ap.add_argument("--heldout", action="store_true", help="generator B's scenes and degradations")
    ap.add_argument(
        "--seed", type=int, default=7, help="of the evaluation set (tune on one, check another)"
    )
    ap.add_argument(
        "--photos",
        type=int,
        default=0,
        help="also N frames on real photographs shipped by opencv-doc and scikit-image",
    )
    ap.add_argument("--no-naive", action="store_true", help="skip the plain SIFT reference")
    ap.add_argument("--previous", action="store_true", help="also the defaults of before")
    ap.add_argument("--no-fast", action="store_true", help="skip the 'fast' preset")
    ap.add_argument(
        "--no-words-row", action="store_true", help="skip the row without the word check"
    )
    args = ap.parse_args()
    if args.quick:
        args.frames, args.timing_frames = 40, 8
    print(f"opencv {cv2.__version__}, {os.cpu_count()} CPUs, numpy {np.__version__}, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    names = list(synth.DEMO_LOGOS) + synth.fictional_names(max(SIZES) - 6, seed=1)
    others = synth.fictional_names(args.frames // 4 + 1, seed=2, avoid=tuple(names))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        libs = {
            n: LogoLibrary.load(synth.write_library(root / f"lib{n}", names[:n])) for n in SIZES
        }
        t0 = time.perf_counter()
        frames = make_frames(names[:EVAL_LIBRARY], others, args.frames, args.seed, args.heldout)
        photos = make_photo_frames(names[:EVAL_LIBRARY], others, args.photos, args.seed)
        pos = sum(f.label is not None for f in frames)
        dis = sum(f.distractor for f in frames)
        print(
            f"evaluation set: {len(frames)} frames 1280x720 ({pos} with a library logo "
            f"100-300 px wide, {dis} with a logo not in the library, "
            f"{len(frames) - pos - dis} with none"
            f"{'; held-out scenes and degradations' if args.heldout else ''});"
            f" seed {args.seed}; made in {time.perf_counter() - t0:.0f} s"
        )
        if photos:
            print(
                f"and {len(photos)} frames on {len(real_photos())} real photographs "
                f"({sum(f.label is not None for f in photos)} with a library logo)"
            )
        print(f"\nprecision / recall against {EVAL_LIBRARY} references, logos >= 100 px wide:")
        presets = {"workbench": MatchParams()}
        if not args.no_words_row:  # the same without the word check (logos/words.py)
            presets["no word check"] = MatchParams(word_checks=0)
        if args.previous:  # the defaults before RootSIFT and the fourth reference view
            presets["previous"] = MatchParams(rootsift=False, reference_scales=(1.0, 0.6, 0.35))
        if not args.no_fast:
            presets["workbench-fast"] = MatchParams.fast()
        timings = {}
        sets = {"generated": frames, "real photos": photos}
        for name, params in presets.items():
            matcher = LogoMatcher(libs[EVAL_LIBRARY], params)
            for what, chosen in sets.items():
                if not chosen:
                    continue
                results, wall, cpu = run_matcher(ours(matcher), chosen)
                grid = sorted({params.threshold, 0.4, 0.6, 0.7})
                print_rows(f"{name} ({what})", evaluate(results, chosen, grid), params.threshold)
                if what == "generated":
                    timings[name] = (wall, cpu)
                    misses(results, chosen, params.threshold)
        if not args.no_naive:
            naive = Naive(libs[EVAL_LIBRARY])
            for what, chosen in sets.items():
                if chosen:
                    results, wall, cpu = run_matcher(naive.match, chosen)
                    grid = [8, 10, 15, 20]
                    print_rows(f"naive SIFT+BF ({what})", evaluate(results, chosen, grid), 10)
                    if what == "generated":
                        timings["naive SIFT+BF"] = (wall, cpu)
        for name, (wall, cpu) in timings.items():
            print(f"  {name:<16} {wall:.3f} s/frame wall, {cpu:.3f} s CPU (1 frame at a time)")
        timing = frames[: args.timing_frames]
        for name, params in presets.items() if timing else ():
            print(f"\nspeed of {name} on {len(timing)} keyframes at 720p:")
            for n in SIZES:
                print("  " + speed(libs[n], params, timing, root / f"cache-{name}"))
        print(
            f"\ntarget: >= {TARGET_KFPS:g} keyframes/s against 50 references on 2 cores; "
            "logo recall >= 0.9 at precision >= 0.95 (logos >= 100 px)"
        )


if __name__ == "__main__":
    main()
