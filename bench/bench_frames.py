"""Benchmark of the footage engine (not a test): prints timings and ratios.

    .venv/bin/python bench/bench_frames.py [--seconds 20] [--keep DIR]
    .venv/bin/python bench/bench_frames.py --pass-seconds 120 [--long-minutes 10] [--keep DIR]

The second form runs the whole keyframe pass (`workbench analyze --stages keyframes`)
against `ffmpeg -f null`, PySceneDetect, on a generated 2-minute control-room clip with
cuts, flashes, a strobe, fades and dissolves (bench/footage_clip.py), on Debian
opencv-doc's real sample videos, and its peak memory on a clip N minutes long
(bench/footage_pass.py).

Generates a 1280x720, 25 fps H.264 clip (a keyframe every 50 frames, B-frames, a cut
every 4 s, each frame's index burned in), then measures on it, in this run:
- frame-exact random access (FrameReader.get) against decoding from the start each time;
- sequential decoding against `ffmpeg -i clip -f null -` (same FFmpeg family);
- the shot and keyframe pass with 1 and 2 worker processes;
- against PySceneDetect's ContentDetector and AdaptiveDetector (PyAV backend), when
  `scenedetect` is importable: time and the cuts found against the known ones, on this
  clip (hard cuts every 100 frames) and on a 12 s 720p clip with two hard cuts, a fade
  through black and a dissolve. PySceneDetect is no dependency of the project: its
  wheel requires `opencv-python`, which clashes with our `opencv-python-headless`, so
  install it without its dependencies: `.venv/bin/pip install --no-deps scenedetect`
  (it also needs click, platformdirs and tqdm).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from workbench.synth import draw_text, read_index_strip
from workbench.video import FrameReader, analyze_video
from workbench.video.decoder import Decoder

W, H, FPS, GOP = 1280, 720, 25, 50


def frames(count: int):
    from PIL import Image

    rng = np.random.default_rng(0)
    stills = []
    for shot in range(count // 100 + 1):
        img = Image.new("RGB", (W, H), tuple(int(v) for v in rng.integers(30, 200, 3)))
        arr = np.asarray(img).copy()
        for _ in range(20):
            x, y = int(rng.integers(0, W - 200)), int(rng.integers(0, H - 150))
            arr[y : y + int(rng.integers(40, 150)), x : x + int(rng.integers(40, 200))] = (
                rng.integers(0, 256, 3)
            )
        img = Image.fromarray(arr)
        draw_text(img, (40, 40), f"SHOT {shot}  Оператор 4  VendorX", 48)
        stills.append(np.asarray(img))
    cell = W // 16
    for i in range(count):
        out = stills[i // 100].copy()
        x = 100 + (i * 6) % (W - 300)
        out[300:380, x : x + 80] = (250, 250, 250)
        for bit in range(16):
            out[H - 24 :, bit * cell : (bit + 1) * cell] = 255 if (i >> bit) & 1 else 0
        yield out


# The transitions clip: (kind, first frame, last frame) of each change.
TRANSITIONS = [
    ("cut", 80, 80),
    ("fade", 140, 169),  # B fades out over 140-151, black 152-157, C fades in 158-169
    ("dissolve", 220, 239),  # C dissolves into D over 20 frames
    ("cut", 270, 270),
]
TRANSITION_FRAMES = 300
TOLERANCE = 2  # frames either side of a cut (of a gradual transition's span)


def _still(seed: int) -> np.ndarray:
    from PIL import Image

    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (W, H), tuple(int(v) for v in rng.integers(30, 200, 3)))
    arr = np.asarray(img).copy()
    for _ in range(20):
        x, y = int(rng.integers(0, W - 200)), int(rng.integers(0, H - 150))
        h, w = int(rng.integers(40, 150)), int(rng.integers(40, 200))
        arr[y : y + h, x : x + w] = rng.integers(0, 256, 3)
    img = Image.fromarray(arr)
    draw_text(img, (40, 40), f"SCENE {seed}", 48)
    return np.asarray(img)


def transition_frames():
    """300 frames: A | cut 80 | B, fade out, black, fade in | C, dissolve | D | cut 270 | E."""
    a, b, c, d, e = (_still(100 + n).astype(np.float32) for n in range(5))

    def picture(i: int) -> np.ndarray:
        if i < 80:
            return a
        if i < 140:
            return b
        if i < 152:
            return b * (1 - (i - 139) / 12)
        if i < 158:
            return np.zeros_like(a)
        if i < 170:
            return c * ((i - 157) / 12)
        if i < 220:
            return c
        if i < 240:
            k = (i - 220 + 0.5) / 20
            return c * (1 - k) + d * k
        return d if i < 270 else e

    for i in range(TRANSITION_FRAMES):
        out = picture(i).copy()
        x = 100 + (i * 6) % (W - 300)
        level = min(1.0, float(out.mean()) / 100)  # the moving square fades with the picture
        out[300:380, x : x + 80] = 250 * level
        yield np.clip(out, 0, 255).astype(np.uint8)


def score(found: list[int], truth: list[tuple[int, int]]) -> tuple[int, list[int], list[int]]:
    """Match found cuts one to one to the true spans (first, last), each widened by
    TOLERANCE: (hits, the missed spans' first frames, the false cuts)."""
    left = sorted(found)
    missed = []
    for lo, hi in truth:
        match = next((f for f in left if lo - TOLERANCE <= f <= hi + TOLERANCE), None)
        if match is None:
            missed.append(lo)
        else:
            left.remove(match)
    return len(truth) - len(missed), missed, left


def pyscenedetect_cuts(path: Path, detector_cls) -> tuple[list[int], str]:
    import scenedetect  # type: ignore[import-not-found]

    video = scenedetect.open_video(str(path), backend="pyav")
    manager = scenedetect.SceneManager()
    manager.add_detector(detector_cls())
    manager.detect_scenes(video)
    scenes = manager.get_scene_list()
    return [start.frame_num for start, _ in scenes[1:]], video.BACKEND_NAME


def compare_pyscenedetect(folder: Path, clip: Path, count: int) -> None:
    """PySceneDetect's ContentDetector and AdaptiveDetector against our shot pass
    (1 worker), on the bench clip and on the transitions clip."""
    try:
        import scenedetect  # type: ignore[import-not-found]
    except ImportError:
        print(
            "PySceneDetect: not importable here, comparison skipped "
            "(install: .venv/bin/pip install --no-deps scenedetect; it also needs "
            "click, platformdirs, tqdm)"
        )
        return
    from workbench.synth import write_video

    trans = folder / "bench720p-transitions.mp4"
    if not trans.exists():
        t, _ = timed(lambda: write_video(trans, transition_frames(), fps=FPS, gop=GOP, crf=23))
        print(f"generated {trans.name}: {TRANSITION_FRAMES} frames {W}x{H} in {t:.1f} s")
    spans = ", ".join(
        f"{kind} {lo}" + (f"-{hi}" if hi > lo else "") for kind, lo, hi in TRANSITIONS
    )
    clips = [
        (clip, count, [(n, n) for n in range(100, count, 100)], "hard cuts every 100 frames"),
        (trans, TRANSITION_FRAMES, [(lo, hi) for _, lo, hi in TRANSITIONS], spans),
    ]
    print(
        f"PySceneDetect {scenedetect.__version__} vs ours (1 worker); a cut is found when "
        f"within ±{TOLERANCE} frames of a true one (of a fade's or dissolve's span)"
    )
    for path, n, truth, what in clips:
        print(f"  {path.name}, {n} frames: {what}")
        # timed again here, warm, as PySceneDetect is (the pass above was the first call)
        t_ours, result = timed(lambda p=path: analyze_video(p, workers=1))
        rows = [("ours", t_ours, [s.first_index for s in result.shots[1:]], "")]
        for cls in (scenedetect.ContentDetector, scenedetect.AdaptiveDetector):
            t, (cuts, backend) = timed(lambda p=path, c=cls: pyscenedetect_cuts(p, c))
            rows.append((f"{cls.__name__} ({backend})", t, cuts, f"; ours/PySD {t / t_ours:.2f}x"))
        for name, t, cuts, ratio in rows:
            hits, missed, false = score(cuts, truth)
            print(
                f"    {name:<27} {t:6.2f} s {n / t:5.0f} fps{ratio}; cuts at {cuts}: "
                f"{hits}/{len(truth)} found, missed {missed or '-'}, false {false or '-'}"
            )


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def naive_get(path: Path, index: int) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        for n, frame in enumerate(container.decode(video=0)):
            if n == index:
                return frame.to_ndarray(format="rgb24")
    raise IndexError(index)


def _busy(_: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - start


def cpu_scaling() -> float:
    """How fast each of 2 parallel CPU-bound processes runs, relative to one alone."""
    import multiprocessing

    alone = _busy(0)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        both = pool.map(_busy, [0, 1])
    return alone / max(both)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--pass-seconds", type=int, default=0)
    ap.add_argument("--long-minutes", type=int, default=0)
    ap.add_argument(
        "--before",
        type=Path,
        help="another checkout (e.g. `git archive` of main): its ingest + pass timed too",
    )
    args = ap.parse_args()
    if args.pass_seconds:
        from footage_pass import main as pass_main

        folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-pass-"))
        folder.mkdir(parents=True, exist_ok=True)
        pass_main(folder, args.pass_seconds, args.long_minutes, args.before)
        return
    import av
    import imageio_ffmpeg

    from workbench.synth import write_video

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-frames-"))
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / "bench720p.mp4"
    count = args.seconds * FPS
    if not clip.exists():
        t, _ = timed(lambda: write_video(clip, frames(count), fps=FPS, gop=GOP, crf=23))
        print(f"generated {clip.name}: {count} frames {W}x{H} in {t:.1f} s")
    size = clip.stat().st_size >> 10
    print(f"machine: {os.cpu_count()} cores; PyAV {av.__version__}; clip {size} KiB")

    # 1. random access
    rng = random.Random(1)
    picks = [rng.randrange(count) for _ in range(60)]
    reader = FrameReader(clip, cache_frames=1)
    reader.get(0)  # open the decoder and build the index outside the timing
    t_seek, got = timed(lambda: [read_index_strip(reader.get(i).rgb) for i in picks])
    assert got == picks, "random access returned a wrong frame"
    naive_picks = picks[:8]
    t_naive, got = timed(lambda: [read_index_strip(naive_get(clip, i)) for i in naive_picks])
    assert got == naive_picks
    per_seek, per_naive = t_seek / len(picks), t_naive / len(naive_picks)
    print(
        f"random frame-exact access: {per_seek * 1000:.1f} ms/frame (GOP {GOP}); "
        f"decode from the start: {per_naive * 1000:.1f} ms/frame "
        f"-> {per_naive / per_seek:.1f}x faster"
    )

    # 2. sequential decoding
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    t_ff, _ = timed(
        lambda: subprocess.run(
            [ffmpeg, "-v", "error", "-i", str(clip), "-f", "null", "-"], check=True
        )
    )
    fresh = FrameReader(clip, cache_frames=2)
    t_rgb, n_rgb = timed(lambda: sum(1 for _ in fresh.iter_range(0, count - 1)))
    decoder = Decoder(clip, fresh.index)
    t_raw, n_raw = timed(lambda: sum(1 for _ in decoder.frames(0, count - 1)))
    decoder.close()
    fps_ff, fps_rgb, fps_raw = count / t_ff, n_rgb / t_rgb, n_raw / t_raw
    print(f"sequential: ffmpeg -f null {fps_ff:.0f} fps (incl. process start)")
    print(f"  Decoder, no conversion      {fps_raw:.0f} fps = {fps_raw / fps_ff:.2f}x ffmpeg")
    print(f"  FrameReader, RGB + sha256   {fps_rgb:.0f} fps = {fps_rgb / fps_ff:.2f}x ffmpeg")

    # 3. shots and keyframes
    speed = {}
    results = {}
    halves = [count // 2]  # force the parallel path even on a short clip
    for workers in (1, 2):
        starts = halves if workers > 1 else None
        t, result = timed(
            lambda w=workers, s=starts: analyze_video(clip, workers=w, segment_starts=s)
        )
        speed[workers], results[workers] = count / t, result
        print(
            f"shot+keyframe pass, {workers} worker(s): {speed[workers]:.0f} fps ({t:.2f} s), "
            f"{len(result.shots)} shots, {len(result.keyframes)} keyframes"
        )
    same = results[1] == results[2]
    print(f"  2 workers / 1 worker: {speed[2] / speed[1]:.2f}x; same result: {same}")
    print(f"  (for scale: 2 busy processes here each run at {cpu_scaling():.2f}x one alone)")
    compare_pyscenedetect(folder, clip, count)


if __name__ == "__main__":
    main()
