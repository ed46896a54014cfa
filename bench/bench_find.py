"""Find-everywhere at archive scale (benchmark, not a test): time, memory, recall, precision.

    .venv/bin/python bench/bench_find.py [--archive 100000] [--built 3000] [--plain-sample 120]

The question: a box around a mark on one frame, searched in an archive of 1,000 videos
(~100,000 keyframes) in under 60 s on 2 cores. The plain way, the logo matcher on every
keyframe, is the reference, timed in the same run on a sample and multiplied out.

Material (what the generator did not produce is named):
* backgrounds: the photographs scikit-image ships (astronaut, coffee, chelsea, rocket,
  motorcycle, retina, hubble, immunohistochemistry, brick, grass, gravel, coins, moon,
  page, text, camera), those of Debian's opencv-doc (baboon, building, fruits, home, ...,
  box_in_scene) and generated control rooms (synthlogos.render_scene), each
  keyframe a random crop (up to 40 %) rescaled to 480x270, recoloured (gain, gamma,
  channel mix), one in two mirrored;
* marks searched for: scikit-image's logo and OpenCV's logo (from opencv-doc; neither
  made by us) and a generated fictional logo; each is pasted into `--positives`
  keyframes, 50-130 px wide, turned -25..25 degrees, in perspective, with blur, noise
  and JPEG (synthlogos.paste_logo);
* the reference is the box around the mark upright at 140 px on a frame of its own.

What is measured and what is multiplied out:
* `--built` keyframes (all positives among them) are really described and indexed
  (RootSIFT words with scale, angle and a Hamming signature per point,
  workbench.recognize.find.index); the build rate is per keyframe, done once at
  analysis time;
* the rest of the archive up to `--archive` keyframes is made of postings resampled
  from the built negatives (each a real keyframe's with 30 % of its words replaced by
  words drawn with the archive's word frequencies, with random signatures): the
  inverted file then has the size and the word statistics of 100,000 keyframes, and
  the search over it is timed for real; verification runs on the real keyframes among
  the candidates and costs the same per candidate whichever they are;
* verification scans the regions the candidates' consistent votes point at (the product's
  find/places.py); `--compare` also verifies each candidate on its whole keyframe, as
  before index format 4; the keyframes are made before the clock starts, and the CPU
  time to decode one from an H.264 clip with the product's FrameReader (measured in the
  same run) is added to each candidate;
* the plain matcher is timed on `--plain-sample` keyframes and multiplied by the archive.
Recall and precision are over the built keyframes: a verified match counts as right on
a keyframe with that mark when its box overlaps the true one by IoU >= 0.3.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.recognize import synthlogos as synth
from workbench.recognize.find.index import (
    IndexParams,
    Vocabulary,
    WordIndex,
    describe_points,
    query,
)
from workbench.recognize.find.places import regions, voted
from workbench.recognize.find.scan import SCAN_WIDTH, ScanningMatcher
from workbench.recognize.logos import LogoLibrary, LogoReference, MatchParams

W, H = 480, 270
PHOTOS = (
    "astronaut.png",
    "coffee.png",
    "chelsea.png",
    "rocket.jpg",
    "motorcycle_left.png",
    "retina.jpg",
    "hubble_deep_field.jpg",
    "ihc.png",
    "brick.png",
    "grass.png",
    "gravel.png",
    "coins.png",
    "moon.png",
    "page.png",
    "text.png",
    "camera.png",
)


OPENCV_DOC = Path("/usr/share/doc/opencv-doc/examples/data")  # Debian's opencv-doc
OPENCV_PHOTOS = (
    "baboon.jpg",
    "building.jpg",
    "fruits.jpg",
    "home.jpg",
    "messi5.jpg",
    "orange.jpg",
    "starry_night.jpg",
    "smarties.png",
    "stuff.jpg",
    "board.jpg",
    "aero1.jpg",
    "butterfly.jpg",
    "graf1.png",
    "leuvenA.jpg",
    "sudoku.png",
    "notes.png",
    "licenseplate_motion.jpg",
    "box_in_scene.png",
)


def _read(folder: Path, names: tuple[str, ...]) -> list[np.ndarray]:
    out = []
    for name in names:
        img = cv2.imread(str(folder / name), cv2.IMREAD_COLOR)
        if img is not None:
            out.append(np.ascontiguousarray(img[..., ::-1]))
    return out


def photos() -> list[np.ndarray]:
    import skimage

    return _read(Path(skimage.__file__).parent / "data", PHOTOS) + _read(OPENCV_DOC, OPENCV_PHOTOS)


def opencv_logo() -> np.ndarray | None:
    rgba = cv2.imread(str(OPENCV_DOC / "opencv-logo.png"), -1)
    if rgba is None:
        return None
    if rgba.shape[2] == 4:
        alpha = rgba[..., 3:4].astype(np.float32) / 255
        return (rgba[..., 2::-1] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    return np.ascontiguousarray(rgba[..., ::-1])


def skimage_logo() -> np.ndarray:
    import skimage

    rgba = cv2.imread(str(Path(skimage.__file__).parent / "data" / "logo.png"), -1)
    alpha = rgba[..., 3:4].astype(np.float32) / 255
    rgb = (rgba[..., 2::-1] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    ys, xs = np.nonzero(alpha[..., 0] > 0.1)
    return np.ascontiguousarray(rgb[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1])


class Archive:
    """Keyframe i, made again on demand from i alone (nothing is kept but the truth)."""

    def __init__(
        self,
        marks: dict[str, np.ndarray],
        built: int,
        positives: int,
        size: tuple[int, int] = (W, H),
        mark_widths: tuple[float, float] = (50, 130),
    ) -> None:
        self.size, self.mark_widths = size, mark_widths
        self.bases = photos()
        self.real = len(self.bases)
        room = (max(960, size[0]), max(540, size[1]))
        self.bases += [synth.render_scene(s, *room) for s in range(8)]
        self.marks = marks
        rng = np.random.default_rng(5)
        slots = rng.choice(built, size=positives * len(marks), replace=False)
        self.planted = {
            int(i): name
            for n, name in enumerate(marks)
            for i in slots[n * positives : (n + 1) * positives]
        }
        self.truth: dict[int, tuple[float, float, float, float]] = {}

    def keyframe(self, i: int) -> np.ndarray:
        rng = np.random.default_rng(1000 + i)
        base = self.bases[int(rng.integers(len(self.bases)))]
        h, w = base.shape[:2]
        fw, fh = self.size
        k = rng.uniform(0.6, 1.0)
        cw, ch = int(w * k), int(min(h, w * k * fh / fw))
        x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
        grow = cv2.INTER_AREA if cw >= fw else cv2.INTER_CUBIC  # small photos are enlarged
        img = cv2.resize(base[y : y + ch, x : x + cw], (fw, fh), interpolation=grow)
        if rng.random() < 0.5:
            img = img[:, ::-1]
        gain = rng.uniform(0.7, 1.2, 3)
        gamma = rng.uniform(0.75, 1.3)
        img = np.clip(255 * ((img / 255.0) ** gamma) * gain, 0, 255).astype(np.uint8)
        name = self.planted.get(i)
        if name is None:
            return np.ascontiguousarray(img)
        mark = self.marks[name]
        p = synth.random_placement(
            rng, self.size, mark.shape[1::-1], width=self.mark_widths, hard=True
        )
        p = synth.Placement(
            **{**p.__dict__, "rotation": float(rng.uniform(-25, 25)), "invert": False}
        )
        frame, quad = synth.paste_logo(np.ascontiguousarray(img), mark, p)
        lo, hi = quad.min(0), quad.max(0)
        self.truth[i] = (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
        return frame


def reference_of(mark: np.ndarray) -> np.ndarray:
    """The box a person draws around the mark, upright at 140 px, on a plain frame."""
    scene = synth.render_scene(99, 640, 360)
    p = synth.Placement(width=140, center=(320, 180))
    frame, quad = synth.paste_logo(scene, mark, p)
    (x0, y0), (x1, y1) = np.floor(quad.min(0)).astype(int), np.ceil(quad.max(0)).astype(int)
    return np.ascontiguousarray(frame[y0:y1, x0:x1])


SCAN_LIMIT = SCAN_WIDTH  # --scan-width (0: the matcher's own scan scale at any width)


def matcher_for(crop: np.ndarray, label: str) -> ScanningMatcher:
    """The logo matcher as the product's find everywhere verifies with it."""
    lib = LogoLibrary(Path("."), (LogoReference(label, None, Path(label), crop),), label)
    return ScanningMatcher(lib, MatchParams(), SCAN_LIMIT)


def encode_clip(path: Path, pictures: list[np.ndarray], pan: int = 2, fps: int = 25) -> None:
    """H.264 (libx264, a keyframe every 2 s, as broadcasts are cut) of `pictures`, each
    held one second and panning `pan` px a frame."""
    import subprocess

    import imageio_ffmpeg

    h, w = pictures[0].shape[:2]
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo",
           "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps), "-i", "-", "-c:v", "libx264",
           "-preset", "veryfast", "-g", str(2 * fps), "-pix_fmt", "yuv420p", str(path)]  # fmt: skip
    enc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    assert enc.stdin is not None
    for picture in pictures:
        for n in range(fps):
            enc.stdin.write(np.ascontiguousarray(np.roll(picture, pan * n, 1)).tobytes())
    enc.stdin.close()
    if enc.wait() != 0:
        raise SystemExit(f"ffmpeg failed on {path.name}")


def decode_cost(archive: Archive, seconds: int = 12) -> float:
    """CPU seconds to get one keyframe from an H.264 clip with the product's FrameReader:
    a clip of archive keyframes (`encode_clip`), read at sparse increasing indices as
    candidates are."""
    import tempfile

    from workbench.video.frames import FrameReader

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.mp4"
        encode_clip(path, [archive.keyframe(i) for i in range(seconds)])
        indices = list(range(7, seconds * 25, 23))
        with FrameReader(path) as reader:
            reader.get(0)
            c0 = time.process_time()
            for i in indices:
                reader.get(i)
            return (time.process_time() - c0) / len(indices)


def kept_on_disk(index: WordIndex, vocab: Vocabulary) -> tuple[float, WordIndex]:
    """Write the sorted index as the product keeps it, then time loading it back."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "inverted.npz"
        frames = np.array([f for _, f in index.keys], np.int64)
        videos = np.array([src == "real" for src, _ in index.keys], np.int32)
        np.savez(path, video=videos, frame=frames, **index.arrays())
        t0 = time.perf_counter()
        with np.load(path, allow_pickle=False) as z:
            names = ("resampled", "real")
            keys = [(names[v], int(f)) for v, f in zip(z["video"], z["frame"], strict=True)]
            again = WordIndex.from_arrays(vocab, keys, {k: z[k] for k in z.files})
        return time.perf_counter() - t0, again


def iou(a, b) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - iw * ih
    return iw * ih / union if union > 0 else 0.0


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sweep(archive, index, vocab, params, crop, name, want) -> list[str]:
    """Filter recall at `params.candidates` for other Hamming thresholds and views."""
    from dataclasses import replace

    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    out = []
    for label, change in (
        ("hamming 10", {"hamming": 10}),
        ("hamming 18", {"hamming": 18}),
        ("views 1.0 only", {"view_scales": (1.0,)}),
        ("views to 0.25", {"view_scales": (1.0, 0.7, 0.5, 0.35, 0.25)}),
    ):
        p = replace(params, **change)
        found = index.search(query(gray, vocab, p), p.candidates, p.hamming)
        kept = sum(
            1
            for pos, _ in found
            if index.keys[pos][0] == "real" and archive.planted.get(index.keys[pos][1]) == name
        )
        out.append(f"{label}: {kept / want:.2f}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--archive", type=int, default=100_000)
    ap.add_argument("--built", type=int, default=3000)
    ap.add_argument("--positives", type=int, default=40)
    ap.add_argument("--plain-sample", type=int, default=120)
    ap.add_argument("--candidates", type=int, default=IndexParams().candidates)
    ap.add_argument("--hamming", type=int, default=IndexParams().hamming)
    ap.add_argument("--features", type=int, default=IndexParams().features)
    ap.add_argument(
        "--frame-width",
        type=int,
        default=W,
        help="keyframes this wide (16:9); 1280 with --mark-widths 100,300 is 720p footage",
    )
    ap.add_argument("--mark-widths", default="50,130", help="px, smallest and largest mark")
    ap.add_argument("--thumb", type=int, default=0, help="describe at this width (0: the frame's)")
    ap.add_argument("--scan-width", type=int, default=SCAN_WIDTH, help="0: the matcher's scale")
    ap.add_argument("--sweep", action="store_true", help="filter recall of other settings")
    ap.add_argument(
        "--compare", action="store_true", help="also verify candidates on the whole keyframe"
    )
    args = ap.parse_args()
    global SCAN_LIMIT
    SCAN_LIMIT = args.scan_width
    cv2.setNumThreads(1)
    size = (args.frame_width, args.frame_width * 9 // 16)
    widths = tuple(float(v) for v in args.mark_widths.split(","))
    params = IndexParams(
        thumb_width=args.thumb or size[0],
        candidates=args.candidates,
        hamming=args.hamming,
        features=args.features,
    )
    marks = {"skimage-logo": skimage_logo()}
    cv_logo = opencv_logo()
    if cv_logo is not None:
        marks["opencv-logo"] = cv_logo
    else:
        print("note: Debian's opencv-doc is not installed: its photos and logo are left out")
    marks["generated-logo"] = synth.render_logo("Korgan Vision", seed=41, width=300)
    archive = Archive(marks, args.built, args.positives, size, (widths[0], widths[1]))
    print(
        f"cores {os.cpu_count()}, load {os.getloadavg()[0]:.1f}; backgrounds: "
        f"{archive.real} photos (scikit-image, opencv-doc) + 8 generated rooms; "
        f"marks: {', '.join(marks)}; keyframes {size[0]}x{size[1]}, marks "
        f"{widths[0]:.0f}-{widths[1]:.0f} px wide, described {params.thumb_width} px wide"
    )

    # -- index build (analysis time): describe, then quantise -------------------------
    t0 = time.process_time()
    descs = [
        describe_points(
            cv2.cvtColor(archive.keyframe(i), cv2.COLOR_RGB2GRAY),
            params.features,
            params.thumb_width,  # as the product's index describes a keyframe
        )
        for i in range(args.built)
    ]
    t_desc = time.process_time() - t0
    sample = np.concatenate([p.desc for p in descs[:400]])
    t0 = time.process_time()
    vocab = Vocabulary.train(sample[:: max(1, len(sample) // params.train_sample)], params.words)
    t_vocab = time.process_time() - t0
    t0 = time.process_time()
    sets = [vocab.postings(p) for p in descs]
    t_quant = time.process_time() - t0
    del descs
    per_kf = (t_desc + t_quant) / args.built
    print(
        f"index build: {args.built} keyframes described and quantised in "
        f"{t_desc + t_quant:.1f} CPU s ({1 / per_kf:.0f} keyframes/s per core; the frames "
        f"are generated too, so this over-counts); vocabulary of {len(vocab.centres)} words "
        f"trained in {t_vocab:.1f} CPU s (once per case)"
    )

    # -- the archive: real sets, then resampled ones up to --archive ---------------------
    index = WordIndex(vocab)
    index.extend([("real", i) for i in range(args.built)], sets)
    negatives = [s for i, s in enumerate(sets) if i not in archive.planted]
    flat = np.concatenate(negatives)["word"]
    counts = np.bincount(flat, minlength=len(vocab.centres)) + 1
    freq = counts / counts.sum()
    rng = np.random.default_rng(11)
    extra = args.archive - args.built
    for j in range(extra):
        s = negatives[int(rng.integers(len(negatives)))].copy()
        swap = np.flatnonzero(rng.random(len(s)) < 0.3)
        s["word"][swap] = rng.choice(len(freq), len(swap), p=freq)
        s["sig"][swap] = rng.integers(0, 2**63, len(swap), dtype=np.int64).astype(np.uint64) * 2
        s["sig"][swap] += rng.integers(0, 2, len(swap)).astype(np.uint64)
        index.add(("resampled", j), s)
    t0 = time.perf_counter()
    mem = index.nbytes()
    t_inv = time.perf_counter() - t0
    print(
        f"archive: {len(index)} keyframes ({args.built} built for real, {extra} resampled), "
        f"{index.postings / len(index):.0f} postings each; "
        f"inverted file {mem / 2**20:.0f} MiB "
        f"built in {t_inv:.1f} s; process peak RSS {rss_mib():.0f} MiB"
    )
    t_load, index = kept_on_disk(index, vocab)
    print(
        f"the sorted index kept on disk as the product keeps it (find/archive.word_index): "
        f"loaded in {t_load:.1f} s, which each search pays (sorting again: {t_inv:.1f} s)"
    )

    # -- the plain reference: the logo matcher on every keyframe -------------------------
    refs = {name: reference_of(m) for name, m in marks.items()}
    plain = matcher_for(refs["skimage-logo"], "skimage-logo")
    sample = [archive.keyframe(args.built - 1 - i) for i in range(args.plain_sample)]
    t0, c0 = time.perf_counter(), time.process_time()
    for frame in sample:
        plain.match(frame)
    plain_s = (time.process_time() - c0) / args.plain_sample
    plain_wall = (time.perf_counter() - t0) / args.plain_sample
    plain_total = plain_s * args.archive
    print(
        f"plain matcher: {plain_s * 1000:.0f} ms CPU ({plain_wall * 1000:.0f} ms wall) per "
        f"keyframe (sample of {args.plain_sample}) -> {plain_total:.0f} CPU s for "
        f"{args.archive} keyframes (multiplied out), {plain_total / 2:.0f} s on 2 cores"
    )

    decode_s = decode_cost(archive)
    print(
        f"decoding a keyframe as the product does (FrameReader, H.264 {size[0]}x{size[1]}, "
        f"2-s GOP, sparse indices): {decode_s * 1000:.0f} ms CPU, added to each candidate"
    )

    # -- find everywhere: search, then verify the candidates ---------------------------
    for name, crop in refs.items():
        matcher = matcher_for(crop, name)
        t0 = time.perf_counter()
        q = query(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY), vocab, params)
        found = index.search(q, params.candidates, params.hamming)
        t_search = time.perf_counter() - t0
        ranked = [index.keys[p] for p, _ in index.search(q, 4 * params.candidates, params.hamming)]
        levels = sorted(
            {
                params.candidates // 4,
                params.candidates // 2,
                params.candidates,
                2 * params.candidates,
                4 * params.candidates,
            }
        )
        kept_at = {
            n: sum(1 for src, i in ranked[:n] if src == "real" and archive.planted.get(i) == name)
            for n in levels
        }
        t0 = time.perf_counter()
        votes = voted(index, q, params.hamming, [p for p, _ in found])
        t_search += time.perf_counter() - t0
        real = [index.keys[p][1] for p, _ in found if index.keys[p][0] == "real"]
        filtered_in = sum(archive.planted.get(i) == name for i in real)
        real_share = len(real) / max(1, len(found))
        want = [i for i, n in archive.planted.items() if n == name]
        ref_size = (crop.shape[1], crop.shape[0])
        print(
            f"\n{name}: {len(q.words)} query points; search {t_search * 1000:.0f} ms over "
            f"{len(index)} keyframes (with the votes' places of its {len(found)} candidates); "
            f"the filter kept {filtered_in}/{len(want)} planted keyframes"
        )
        pos_of = {index.keys[p][1]: p for p, _ in found if index.keys[p][0] == "real"}
        for mode in (
            ("around the votes", "whole keyframe") if args.compare else ("around the votes",)
        ):
            pictures = {i: archive.keyframe(i) for i in real}  # made outside the clock
            t0, c0 = time.perf_counter(), time.process_time()
            hits, whole, share = [], 0, []
            for i in real:
                frame = pictures[i]
                boxes = None
                if mode == "around the votes":
                    v = votes.get(pos_of[i])
                    boxes = regions(v, ref_size, size, params.thumb_width)
                    whole += boxes is None
                    area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes or [])
                    share.append(area / (size[0] * size[1]) if boxes else 1.0)
                for m in matcher.match(frame, boxes):
                    hits.append((i, m.bbox))
            t_verify = time.perf_counter() - t0
            cpu_verify = time.process_time() - c0
            t_verify_all = t_verify / max(real_share, 1e-9)  # every candidate verified
            cpu_all = cpu_verify / max(real_share, 1e-9) + decode_s * len(found)
            right = {
                i
                for i, box in hits
                if archive.planted.get(i) == name and iou(box, archive.truth[i]) >= 0.3
            }
            wrong = [i for i, box in hits if i not in right]
            total = t_load + t_search + cpu_all / 2  # the candidates split over 2 cores
            scanned = (
                f"; regions {np.mean(share):.2f} of a keyframe on average, {whole} of "
                f"{len(real)} scanned whole"
                if share
                else ""
            )
            print(
                f"  verified {mode}: {len(found)} candidates {cpu_all:.1f} CPU s with decoding "
                f"({cpu_verify / max(1, len(real)):.3f} s each + {decode_s:.3f} s to decode; "
                f"matching {t_verify_all:.1f} s wall at "
                f"this load) -> find everywhere {total:.1f} s on 2 cores "
                f"({'meets' if total < 60 else 'MISSES'} < 60 s), plain matcher "
                f"{plain_total / 2 / total:.0f}x slower{scanned}"
            )
            print(
                f"    recall {len(right)}/{len(want)} = {len(right) / len(want):.2f}, precision "
                f"{len(right)}/{len(right) + len(wrong)} = "
                f"{len(right) / max(1, len(right) + len(wrong)):.2f}"
            )
        # the plain matcher on the planted keyframes: what verification alone can find
        upper = sum(
            any(iou(m.bbox, archive.truth[i]) >= 0.3 for m in matcher.match(archive.keyframe(i)))
            for i in want
        )
        print(f"  the plain matcher on every planted keyframe finds {upper}/{len(want)}")
        top = [index.keys[p] for p, _ in found]
        clones = sum(src == "resampled" for src, _ in top)
        print(
            f"  candidates: {len(top) - clones} real keyframes, {clones} resampled word sets "
            f"({(args.archive - args.built) / args.built:.0f} per real negative in the archive)"
        )
        print(
            "  filter recall by candidates verified: "
            + ", ".join(f"{n}: {k / len(want):.2f}" for n, k in kept_at.items())
        )
        if args.sweep:
            print(
                "  filter recall at " + str(params.candidates) + " candidates by setting: ", end=""
            )
            print(", ".join(sweep(archive, index, vocab, params, crop, name, len(want))))
    print(
        f"\npeak RSS {rss_mib():.0f} MiB; '2 cores' = CPU seconds / 2 (candidates are "
        f"independent; the run itself is single-threaded); load at the end "
        f"{os.getloadavg()[0]:.1f}"
    )
    if math.isnan(plain_s):  # pragma: no cover
        sys.exit(1)


if __name__ == "__main__":
    main()
