"""Frame N is FFmpeg's picture N, on every container, codec and timing quirk of the
matrix: each clip's pictures carry their own number, and FFmpeg's command line (every
picture its decoder outputs, `select=eq(n\\,N)`) is the reference."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from tests.video import matrix
from workbench.synth import read_index_strip
from workbench.video import FrameReader
from workbench.video.index_build import build_index

CLIPS = sorted(matrix.CLIPS)


@cache
def truth(path: Path) -> matrix.Truth:
    return matrix.ffmpeg_truth(path)


def same_picture(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to the rounding of two RGB conversions of the same decoded picture."""
    return a.shape == b.shape and float(np.abs(a.astype(int) - b.astype(int)).mean()) < 1.5


def number(rgb: np.ndarray, path: Path) -> int:
    upright = np.rot90(rgb, -1) if "rotated" in path.name else rgb
    return read_index_strip(np.ascontiguousarray(upright))


@pytest.mark.parametrize("name", CLIPS)
def test_frame_n_is_ffmpegs_picture_n(name: str, matrix_clip) -> None:
    path = matrix_clip(name)
    ref = truth(path)
    index = build_index(path)
    assert len(index) == len(ref.pictures), "the index counts the pictures FFmpeg decodes"
    rng = random.Random(f"matrix-{name}")
    picks = [rng.randrange(len(index)) for _ in range(8)] + [0, len(index) - 1]
    with FrameReader(path, cache_frames=4) as reader:
        for n in picks + picks[::-1]:  # forward and backward seeks
            frame = reader.get(n)
            assert frame.ref.index == n
            assert same_picture(frame.rgb, ref.pictures[n]), f"frame {n}"
            assert number(frame.rgb, path) == number(ref.pictures[n], path)
            assert frame.ref.time_s == pytest.approx(ref.times[n], abs=1e-3)
    n = picks[0]
    assert same_picture(build_reader_frame(path, n), matrix.ffmpeg_select(path, n))


def build_reader_frame(path: Path, n: int) -> np.ndarray:
    with FrameReader(path) as reader:
        return reader.get(n).rgb


@pytest.mark.parametrize("name", CLIPS)
def test_time_t_gives_the_picture_on_screen(name: str, matrix_clip) -> None:
    path = matrix_clip(name)
    ref = truth(path)
    rng = random.Random(f"time-{name}")
    with FrameReader(path, cache_frames=4) as reader:
        for _ in range(6):
            n = rng.randrange(len(ref.times) - 1)
            start, end = ref.times[n], ref.times[n + 1]
            if end <= start:
                continue
            t = start + (end - start) * rng.uniform(0.05, 0.95)
            assert reader.index_at(t) == n
            assert same_picture(reader.at_time(t).rgb, ref.pictures[n])


def test_stepping_through_packed_b_frames_never_skips_or_repeats(matrix_clip) -> None:
    path = matrix_clip("xvid-packed-bframes-avi")
    numbers = truth(path).numbers
    with FrameReader(path, cache_frames=4) as reader:
        got = [read_index_strip(reader.get(20).rgb)]
        got += [read_index_strip(reader.next().rgb) for _ in range(12)]
        got += [read_index_strip(reader.prev().rgb) for _ in range(20)]
    assert got == numbers[20:33] + numbers[12:32][::-1]


@pytest.mark.parametrize(
    "name, timing",
    [
        ("sparse-vfr-avi", "sparse"),
        ("sparse-vfr-mkv", "sparse"),
        ("mpeg2-interlaced-ts-wrap-jump", "discontinuous"),
        ("h264-bframes-mp4", "constant"),
        ("xvid-packed-bframes-avi", "constant"),
    ],
)
def test_timing_is_flagged(name: str, timing: str, matrix_clip) -> None:
    index = build_index(matrix_clip(name))
    assert index.timing == timing
    assert list(index.pts) == sorted(index.pts)
    assert index.method.startswith("workbench.video.index/")
