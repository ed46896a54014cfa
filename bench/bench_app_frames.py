"""Benchmark of the Review page's frame service (not a test): prints timings and ratios.

    .venv/bin/python bench/bench_app_frames.py [--seconds 12] [--steps 40] [--keep DIR]

Generates a 1920x1080, 25 fps H.264 clip (a keyframe every 50 frames, B-frames, each
frame's index burned in as a binary strip), then measures, in this run, the server time
of one frame step as the page does it: `FrameService.render` (exact frame, reader kept
open between steps) resized to the 960 px display width, plus the JPEG encode the
browser receives. Steps: +1, -1, +10, -10 and a random jump, interleaved in a random
walk. The view cache is kept to one entry, so going back to a frame just shown decodes
or fetches it again rather than reusing the finished picture.

Baselines on the same targets, each step also rendered and encoded the same way:
- naive seek: open the file with a fresh container, seek to the keyframe before the
  target, decode forward to it (what a page without a kept reader would do);
- decode from the start: open the file and decode every frame up to the target
  (a few steps only; it grows with the position in the video).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.app.coords import display_size
from workbench.app.frames import FrameService, encode, resize_to
from workbench.case.media import sha256_file
from workbench.synth import draw_text, read_index_strip, write_video
from workbench.video.index import FrameIndex
from workbench.video.index_build import build_index

W, H, FPS, GOP, DISPLAY = 1920, 1080, 25, 50, 960
TARGET_MS = 150.0


def frames(count: int) -> Iterator[np.ndarray]:
    """Busy 1080p pictures: random panels per 4 s shot, a moving block, text, the index."""
    from PIL import Image

    rng = np.random.default_rng(0)
    stills = []
    for shot in range(count // 100 + 1):
        arr = np.empty((H, W, 3), np.uint8)
        arr[:] = rng.integers(30, 200, 3)
        for _ in range(40):
            x, y = int(rng.integers(0, W - 300)), int(rng.integers(0, H - 200))
            arr[y : y + int(rng.integers(40, 200)), x : x + int(rng.integers(40, 300))] = (
                rng.integers(0, 256, 3)
            )
        noise = rng.integers(0, 12, (H, W, 1), dtype=np.uint8)
        arr = np.clip(arr.astype(np.int16) + noise - 6, 0, 255).astype(np.uint8)
        img = Image.fromarray(arr)
        draw_text(img, (60, 60), f"SHOT {shot}  Оператор 4  VendorX  SmartCity", 64)
        stills.append(np.asarray(img))
    cell = W // 16
    for i in range(count):
        out = stills[i // 100].copy()
        x = 100 + (i * 9) % (W - 400)
        out[400:520, x : x + 120] = (250, 250, 250)
        for bit in range(16):
            out[H - 48 :, bit * cell : (bit + 1) * cell] = 255 if (i >> bit) & 1 else 0
        yield out


def walk(count: int, steps: int, seed: int = 7) -> list[tuple[str, int]]:
    """(kind, target) pairs: each kind `steps` times, shuffled, as a clamped random walk."""
    rng = random.Random(seed)
    kinds = ["+1", "-1", "+10", "-10", "jump"] * steps
    rng.shuffle(kinds)
    here = count // 2
    out = []
    for kind in kinds:
        jump = kind == "jump"
        here = rng.randrange(count) if jump else min(max(here + int(kind), 0), count - 1)
        out.append((kind, here))
    return out


def display(rgb: np.ndarray) -> bytes:
    h, w = rgb.shape[:2]
    return encode(resize_to(rgb, display_size(w, h, DISPLAY)))


def naive_seek(path: Path, index: FrameIndex, target: int) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        want = index.pts[target]
        container.seek(index.pts[index.keyframe_before(target)], stream=stream, backward=True)
        for frame in container.decode(stream):
            if frame.pts == want:
                return frame.to_ndarray(format="rgb24")
    raise IndexError(target)


def naive_start(path: Path, index: FrameIndex, target: int) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        want = index.pts[target]
        for frame in container.decode(stream):
            if frame.pts == want:
                return frame.to_ndarray(format="rgb24")
    raise IndexError(target)


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(values) * 1000, p95 * 1000


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=12)
    ap.add_argument("--steps", type=int, default=40, help="steps of each kind")
    ap.add_argument("--pause", type=float, default=0.3, help="seconds between steps")
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()
    import av

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-app-frames-"))
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / "bench1080p.mp4"
    count = args.seconds * FPS
    if not clip.exists():
        t, _ = timed(lambda: write_video(clip, frames(count), fps=FPS, gop=GOP, crf=23))
        print(f"generated {clip.name}: {count} frames {W}x{H}, GOP {GOP}, in {t:.1f} s")
    sha = sha256_file(clip)
    index = build_index(clip)
    print(
        f"machine: {os.cpu_count()} cores; PyAV {av.__version__}; clip {clip.stat().st_size >> 10}"
        f" KiB, {len(index)} frames, keyframes {list(index.keyframes)[:6]}..."
    )
    plan = walk(len(index), args.steps)

    # the frame service, reader kept open (as st.cache_resource keeps it): steps back to
    # back (no idle time, so no prefetch), then with a pause between steps and prefetch on
    ours = run_service(clip, sha, plan, prefetch=False, pause=0.0)
    paused = run_service(clip, sha, plan, prefetch=True, pause=args.pause)

    # naive: a fresh container per step, seek to the keyframe before, decode forward
    naive: dict[str, list[float]] = {}
    for kind, target in plan:
        t, rgb = timed(lambda t=target: naive_seek(clip, index, t))
        t2, _ = timed(lambda r=rgb: display(r))  # type: ignore[misc]
        naive.setdefault(kind, []).append(t + t2)
        assert read_index_strip(rgb) == target  # type: ignore[arg-type]
    # naive: decode from the start (a few steps; cost grows with the position)
    start_plan = plan[:: max(1, len(plan) // 8)][:8]
    from_start = []
    for _, target in start_plan:
        t, rgb = timed(lambda t=target: naive_start(clip, index, t))
        t2, _ = timed(lambda r=rgb: display(r))  # type: ignore[misc]
        from_start.append(t + t2)

    print(f"\nserver time per step, 1080p -> {DISPLAY} px JPEG (ms)      median    p95")
    all_ours = [v for vs in ours.values() for v in vs]
    all_naive = [v for vs in naive.values() for v in vs]
    for kind in ["+1", "-1", "+10", "-10", "jump"]:
        o_med, o_p95 = ms(ours[kind])
        n_med, _ = ms(naive[kind])
        print(
            f"  {kind:>5}  frame service {o_med:7.1f} {o_p95:7.1f}   naive seek {n_med:7.1f}"
            f"   -> {n_med / o_med:5.1f}x"
        )
    o_med, o_p95 = ms(all_ours)
    n_med, n_p95 = ms(all_naive)
    print(f"  with {args.pause:.2f} s between steps and background prefetch of earlier frames:")
    for kind in ["+1", "-1", "+10", "-10", "jump"]:
        p_med, p_p95 = ms(paused[kind])
        print(f"  {kind:>5}  frame service {p_med:7.1f} {p_p95:7.1f}")
    all_paused = [v for vs in paused.values() for v in vs]
    p_med, p_p95 = ms(all_paused)
    print(f"  all    frame service {p_med:7.1f} {p_p95:7.1f}   -> {n_med / p_med:.1f}x naive")
    print("  back to back, no prefetch:")
    s_med, s_p95 = ms(from_start)
    print(f"  all    frame service {o_med:7.1f} {o_p95:7.1f}   ({len(all_ours)} steps)")
    print(f"  all    naive seek    {n_med:7.1f} {n_p95:7.1f}   -> {n_med / o_med:.1f}x slower")
    print(
        f"  decode from start    {s_med:7.1f} {s_p95:7.1f}   ({len(from_start)} steps)"
        f" -> {s_med / o_med:.1f}x slower"
    )
    for name, p95 in (("back to back", o_p95), ("with pauses + prefetch", p_p95)):
        verdict = "meets" if p95 <= TARGET_MS else "misses"
        print(f"target <= {TARGET_MS:.0f} ms per step, {name}: p95 {p95:.1f} ms {verdict} it")
    jump_p95 = ms(ours["jump"])[1]
    print(
        f"  (random jumps, bounded by decoding up to a GOP of {GOP} frames: p95 {jump_p95:.1f} ms)"
    )


def run_service(
    clip: Path, sha: str, plan: list[tuple[str, int]], prefetch: bool, pause: float
) -> dict[str, list[float]]:
    service = FrameService(max_views=1, prefetch=prefetch)
    service.render(clip, sha, 0, width=DISPLAY)  # open the reader outside the timing
    times: dict[str, list[float]] = {}
    wrong = 0
    for kind, target in plan:
        if pause:
            time.sleep(pause)
        t, data = timed(lambda t=target: encode(service.render(clip, sha, t, width=DISPLAY).rgb))
        times.setdefault(kind, []).append(t)
        assert isinstance(data, bytes) and data[:2] == b"\xff\xd8"
        shown = service.render(clip, sha, target, width=DISPLAY)  # view cache hit, untimed
        wrong += shown.ref.index != target or read_index_strip(shown.rgb) != target
    assert wrong == 0, f"{wrong} steps showed a wrong frame"
    service.close()
    return times


if __name__ == "__main__":
    main()
