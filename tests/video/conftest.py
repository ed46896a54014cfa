"""Session-wide synthetic clips for the footage-engine tests (each written once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.video import video_footage as footage


@pytest.fixture(scope="session")
def vdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("video")


@pytest.fixture(scope="session")
def gop12(vdir: Path) -> Path:
    """120 numbered frames, 160x120, 25 fps, a keyframe every 12 frames, B-frames."""
    return footage.numbered_clip(vdir / "gop12.mp4", count=120, gop=12)


@pytest.fixture(scope="session")
def vfr_pts() -> list[int]:
    gaps = [40, 40, 10, 90, 33, 7, 120, 40, 15, 60, 200, 40, 25, 35, 80]
    pts, t = [], 0
    for k in range(60):
        pts.append(t)
        t += gaps[k % len(gaps)]
    return pts


@pytest.fixture(scope="session")
def vfr(vdir: Path, vfr_pts: list[int]) -> Path:
    return footage.vfr_clip(vdir / "vfr.mp4", vfr_pts)


@pytest.fixture(scope="session")
def rotated(vdir: Path, gop12: Path) -> Path:
    return footage.rotated_copy(gop12, vdir / "rotated.mp4", 90)


@pytest.fixture(scope="session")
def cuts(vdir: Path) -> Path:
    return footage.cuts_clip(vdir / "cuts.mp4", cuts=(30, 75), count=110)


@pytest.fixture(scope="session")
def fade(vdir: Path) -> Path:
    return footage.fade_clip(vdir / "fade.mp4")


@pytest.fixture(scope="session")
def dissolve(vdir: Path) -> Path:
    return footage.dissolve_clip(vdir / "dissolve.mp4", length=20)


@pytest.fixture(scope="session")
def static(vdir: Path) -> Path:
    return footage.static_clip(vdir / "static.mp4")


@pytest.fixture(scope="session")
def pan(vdir: Path) -> Path:
    return footage.pan_clip(vdir / "pan.mp4")


@pytest.fixture(scope="session")
def matrix_clip(vdir: Path):
    """Make (once per session) a clip of the container/codec/timing matrix by name."""
    from tests.video import matrix

    made: dict[str, Path] = {}
    folder = vdir / "matrix"
    folder.mkdir(exist_ok=True)

    def make(name: str) -> Path:
        if name not in made:
            made[name] = matrix.CLIPS[name](folder)
        return made[name]

    return make
