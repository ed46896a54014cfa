"""Shot boundaries and keyframes on clips with known transitions.

Tolerances: hard cuts within 1 frame of the true cut; a fade through black within
3 frames of the first frame of the new picture; a dissolve within 3 frames of its
half-way point.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from tests.video import video_footage as footage
from workbench.video import ScanParams, analyze_video
from workbench.video.scan import plan_segments


def starts(path: Path, **kw: object) -> list[int]:
    return [s.first_index for s in analyze_video(path, **kw).shots]  # type: ignore[arg-type]


def test_hard_cuts(cuts: Path) -> None:
    result = analyze_video(cuts)
    assert len(result.shots) == 3
    for shot, expected in zip(result.shots[1:], (30, 75), strict=True):
        assert abs(shot.first_index - expected) <= 1
        assert shot.transition == "cut"
    assert result.shots[0].first_index == 0 and result.shots[-1].last_index == 109
    for a, b in pairwise(result.shots):
        assert b.first_index == a.last_index + 1  # shots tile the video
    assert result.shots[1].first_time == pytest.approx(result.shots[1].first_index / 25)
    shot_starts = {k.index for k in result.keyframes if k.reason == "shot_start"}
    assert shot_starts == {s.first_index for s in result.shots}
    assert result.frame_count == 110


def test_fade_to_black_and_up(fade: Path) -> None:
    result = analyze_video(fade)
    assert [s.transition for s in result.shots] == ["start", "fade"]
    assert abs(result.shots[1].first_index - 48) <= 3


def test_dissolve(dissolve: Path) -> None:
    result = analyze_video(dissolve)
    assert [s.transition for s in result.shots] == ["start", "dissolve"]
    assert abs(result.shots[1].first_index - 40) <= 3


@pytest.mark.parametrize("length", [12, 40])
def test_dissolves_short_and_long(vdir: Path, length: int) -> None:
    path = footage.dissolve_clip(vdir / f"dissolve{length}.mp4", length=length)
    result = analyze_video(path)
    assert [s.transition for s in result.shots] == ["start", "dissolve"]
    assert abs(result.shots[1].first_index - (30 + length / 2)) <= 3


def test_static_shot_gives_few_keyframes(static: Path) -> None:
    result = analyze_video(static)
    assert len(result.shots) == 1
    assert 1 <= len(result.keyframes) <= 2


def test_slow_pan_gives_several_keyframes(pan: Path) -> None:
    result = analyze_video(pan)
    assert len(result.shots) == 1  # a pan is neither a cut nor a dissolve
    assert len(result.keyframes) >= 4
    gaps = [b.index - a.index for a, b in pairwise(result.keyframes)]
    assert max(gaps) <= 30  # the pan moves 90 px a second: never a second without one


def test_a_panel_opening_is_a_keyframe_not_a_cut(vdir: Path) -> None:
    result = analyze_video(footage.panel_clip(vdir / "panel.mp4"))
    assert len(result.shots) == 1
    assert [k.index for k in result.keyframes] == [0, 20]


def test_thresholds_matter(cuts: Path) -> None:
    assert starts(cuts, params=ScanParams(cut_threshold=500.0)) == [0]


def test_segments_cover_the_video() -> None:
    spans = plan_segments(1000, workers=2)
    assert spans[0][0] == 0 and spans[-1][1] == 999
    assert all(b[0] == a[1] + 1 for a, b in pairwise(spans))
    assert plan_segments(100, 2, starts=[30, 75]) == [(0, 29), (30, 74), (75, 99)]


@pytest.mark.parametrize("name, borders", [("cuts", [30, 75]), ("dissolve", [38, 44])])
def test_parallel_segments_equal_one_pass(
    request: pytest.FixtureRequest, name: str, borders: list[int]
) -> None:
    """Segment borders exactly on the cuts, and inside the dissolve, change nothing."""
    path = request.getfixturevalue(name)
    updates: list[tuple[float, float | None]] = []

    class Sink:
        def update(self, task: str, completed: float, total: float | None = None) -> None:
            updates.append((completed, total))

    single = analyze_video(path)
    parallel = analyze_video(path, workers=2, progress=Sink(), segment_starts=borders)
    assert parallel == single
    assert updates[-1][0] == updates[-1][1] == single.frame_count
    assert [u[0] for u in updates] == sorted(u[0] for u in updates)


def test_flashes_are_not_cuts_and_transitions_stay(vdir: Path) -> None:
    result = analyze_video(footage.flash_clip(vdir / "flashes.mp4"))
    found = [(s.first_index, s.transition) for s in result.shots[1:]]
    kinds = [k for _, k in found]
    assert kinds == ["cut", "cut", "fade", "dissolve"], found
    assert [i for i, _ in found[:2]] == list(footage.FLASH_CUTS)
    assert abs(found[2][0] - footage.FLASH_FADE) <= 3
    assert abs(found[3][0] - footage.FLASH_DISSOLVE) <= 3
    assert not {k.index for k in result.keyframes} & set(footage.FLASHES)
