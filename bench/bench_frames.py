"""Benchmark of the footage engine (not a test): prints timings and ratios.

    .venv/bin/python bench/bench_frames.py [--seconds 20] [--keep DIR]

Generates a 1280x720, 25 fps H.264 clip (a keyframe every 50 frames, B-frames, a cut
every 4 s, each frame's index burned in), then measures on it, in this run:
- frame-exact random access (FrameReader.get) against decoding from the start each time;
- sequential decoding against `ffmpeg -i clip -f null -` (same FFmpeg family);
- the shot and keyframe pass with 1 and 2 worker processes, and PySceneDetect's
  ContentDetector when `scenedetect` is importable.
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
    args = ap.parse_args()
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
    try:
        import scenedetect  # type: ignore[import-not-found]
    except ImportError:
        print("PySceneDetect: not importable here, comparison skipped")
    else:
        t, scenes = timed(lambda: scenedetect.detect(str(clip), scenedetect.ContentDetector()))
        print(
            f"PySceneDetect {scenedetect.__version__} ContentDetector: {count / t:.0f} fps, "
            f"{len(scenes)} scenes; ours (1 worker) / PySceneDetect: {speed[1] * t / count:.2f}x"
        )


if __name__ == "__main__":
    main()
