"""The display timeline repaired from decoder stamps (pure function: every quirk a
container can hand over, including those FFmpeg's muxers refuse to write)."""

from __future__ import annotations

from itertools import pairwise

from workbench.video.timeline import REORDER_FRAMES, build_timeline


def test_clean_stamps_are_kept_relative_to_the_origin() -> None:
    line = build_timeline([100, 140, 180, 220], origin=100, fallback_step=40)
    assert line.ticks == (0, 40, 80, 120) and line.repaired == 0 and line.step == 40


def test_locally_swapped_stamps_are_sorted() -> None:
    # packed B-frames: the decoder hands out 2, 5, 3, 6, 8, 7 for pictures 0..5
    line = build_timeline([2, 5, 3, 6, 8, 7], origin=0, fallback_step=1)
    assert line.ticks == (2, 3, 5, 6, 7, 8)
    assert line.discontinuities == 0 and line.repaired == 4


def test_missing_stamps_follow_the_previous_picture() -> None:
    line = build_timeline([0, 10, None, None, 40], origin=0, fallback_step=10)
    assert line.ticks == (0, 10, 20, 30, 40) and line.repaired == 2


def test_no_stamps_at_all_use_the_frame_rate() -> None:
    line = build_timeline([None] * 4, origin=0, fallback_step=48000)
    assert build_timeline([None] * 2, origin=0, fallback_step=None).ticks == (0, 1)
    assert line.ticks == (0, 48000, 96000, 144000)


def test_repeated_stamps_stay_in_order() -> None:
    line = build_timeline([0, 40, 40, 80], origin=0, fallback_step=40)
    assert line.ticks == (0, 40, 40, 80)


def test_a_jump_back_is_a_discontinuity_laid_after_the_run_before() -> None:
    stamps = [1000 + 10 * k for k in range(30)] + [50 + 10 * k for k in range(5)]
    line = build_timeline(stamps, origin=1000, fallback_step=10)
    assert line.discontinuities == 1
    assert line.ticks[29:32] == (290, 300, 310)
    assert all(b > a for a, b in pairwise(line.ticks))


def test_a_small_step_back_is_reordering_not_a_discontinuity() -> None:
    stamps = [0, 10, 20, 30, 30 - 10 * (REORDER_FRAMES - 1), 40]
    line = build_timeline(stamps, origin=0, fallback_step=10)
    assert line.discontinuities == 0 and list(line.ticks) == sorted(stamps)


def test_a_forward_jump_is_kept_unless_the_format_allows_discontinuities() -> None:
    stamps = [0, 10, 20, 100_000, 100_010]
    assert build_timeline(stamps, 0, 10).ticks == tuple(stamps)
    relaid = build_timeline(stamps, 0, 10, jump=1000)
    assert relaid.ticks == (0, 10, 20, 30, 40) and relaid.discontinuities == 1
