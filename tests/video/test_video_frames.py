"""Exact frame access: by index, by time, stepping, variable frame rate, rotation."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from tests.video import video_footage as footage
from workbench.synth import read_index_strip
from workbench.video import FrameReader, VideoError, pixel_sha256


def test_index_lists_every_frame_and_keyframe(gop12: Path) -> None:
    reader = FrameReader(gop12)
    assert len(reader) == 120
    assert reader.fps == 25
    assert reader.index.keyframes == tuple(range(0, 120, 12))
    assert reader.rotation == 0


def test_random_seeks_by_index_decode_the_asked_frame(gop12: Path) -> None:
    rng = random.Random(7)
    with FrameReader(gop12) as reader:
        for index in [rng.randrange(120) for _ in range(60)] + [119, 0, 119, 11, 12, 13]:
            frame = reader.get(index)
            assert read_index_strip(frame.rgb) == index
            assert frame.ref.index == index
            assert frame.ref.time_s == pytest.approx(index / 25)
            assert frame.rgb.shape == (120, 160, 3) and frame.rgb.dtype == np.uint8


def test_random_seeks_by_time_give_the_frame_on_screen(gop12: Path) -> None:
    rng = random.Random(8)
    with FrameReader(gop12) as reader:
        for _ in range(60):
            expected = rng.randrange(120)
            t = (expected + rng.uniform(0.05, 0.95)) / 25
            assert read_index_strip(reader.at_time(t).rgb) == expected
        assert reader.index_at(0.0) == 0
        assert reader.index_at(1.0) == 25  # exactly on a frame's timestamp: that frame


@pytest.mark.parametrize(
    "start, moves",
    [
        (5, [1] * 30 + [-1] * 30),  # forward then back across GOP boundaries 12, 24, 36
        (36, [-1] * 14 + [1] * 3 + [-1] * 5),  # backwards from a keyframe into the GOP before
        (110, [1] * 12 + [-1] * 4),  # up to the end: the last frame repeats, never overruns
        (3, [-1] * 6 + [1] * 2),  # down to the start
        (47, [1, -1] * 6 + [1, 1, -1, 1, 1, 1]),  # zig-zag over the keyframe at 48
    ],
)
def test_stepping_never_skips_or_repeats(gop12: Path, start: int, moves: list[int]) -> None:
    with FrameReader(gop12, cache_frames=8) as reader:
        position = start
        assert read_index_strip(reader.get(start).rgb) == start
        for move in moves:
            position = min(max(position + move, 0), 119)
            frame = reader.next() if move > 0 else reader.prev()
            assert frame.ref.index == position
            assert read_index_strip(frame.rgb) == position


def test_iter_range_is_consecutive(gop12: Path) -> None:
    with FrameReader(gop12) as reader:
        reader.get(100)
        got = [read_index_strip(f.rgb) for f in reader.iter_range(20, 50)]
    assert got == list(range(20, 51))


def test_pixel_hash_is_stable_and_rederivable(gop12: Path) -> None:
    with FrameReader(gop12) as a, FrameReader(gop12, cache_frames=1) as b:
        first = a.get(37)
        b.get(90)
        second = b.get(37)  # decoded again, through another seek
    assert first.ref == second.ref
    assert first.ref.pixel_sha256 == pixel_sha256(second.rgb)
    assert np.array_equal(first.rgb, second.rgb)
    assert not first.rgb.flags.writeable


def test_frame_ref_names_the_video(gop12: Path) -> None:
    import hashlib

    digest = hashlib.sha256(gop12.read_bytes()).hexdigest()
    ref = FrameReader(gop12).get(3).ref
    assert ref.video_sha256 == digest and ref.fps == 25
    assert set(ref.to_dict()) == {"video_sha256", "index", "time_s", "fps", "pixel_sha256"}


def test_out_of_range_is_a_clear_error(gop12: Path) -> None:
    reader = FrameReader(gop12)
    with pytest.raises(VideoError, match="120 frames"):
        reader.get(120)
    with pytest.raises(VideoError, match="past the end"):
        reader.at_time(60.0)
    with pytest.raises(VideoError, match="negative"):
        reader.at_time(-1.0)


def test_variable_frame_rate_times(vfr: Path, vfr_pts: list[int]) -> None:
    rng = random.Random(9)
    with FrameReader(vfr) as reader:
        assert len(reader) == len(vfr_pts)
        assert [reader.time_of(i) for i in range(len(reader))] == [p / 1000 for p in vfr_pts]
        for _ in range(50):
            t = rng.uniform(0, vfr_pts[-1] / 1000)
            expected = max(i for i, p in enumerate(vfr_pts) if p / 1000 <= t)
            frame = reader.at_time(t)
            assert frame.ref.index == expected
            assert read_index_strip(frame.rgb) == expected
            assert frame.ref.time_s == vfr_pts[expected] / 1000
        # a frame shown for a long time (200 ms gap) answers for every time inside it
        long_start = next(i for i in range(len(vfr_pts) - 1) if vfr_pts[i + 1] - vfr_pts[i] == 200)
        for dt in (0.0, 0.05, 0.199):
            assert reader.index_at(vfr_pts[long_start] / 1000 + dt) == long_start


def test_rotation_metadata_turns_the_picture_upright(gop12: Path, rotated: Path) -> None:
    with FrameReader(rotated) as reader:
        assert reader.rotation == 90
        frame = reader.get(0)
        assert frame.rgb.shape == (160, 120, 3)  # transposed: 120 wide, 160 high
        shown = footage.ffmpeg_frame(rotated, width=120, height=160)
        assert np.abs(frame.rgb.astype(int) - shown.astype(int)).mean() < 1.0
        for index in (5, 61, 118, 30):
            upright = reader.get(index).rgb
            assert read_index_strip(np.rot90(upright, -1)) == index
