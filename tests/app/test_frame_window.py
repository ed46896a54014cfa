"""The keyboard viewer's window of frames (issue 16, key-to-picture): direction-aware,
rendered at most a budget of new pictures per request, always contiguous around the
frame asked for, and every picture is the frame its index names (real H.264 decoding)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from workbench.app import frame_window
from workbench.app.frames import FrameService
from workbench.synth import numbered_frames, read_index_strip, write_video
from workbench.video.enhance import Chain

COUNT = 90


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("window") / "numbered.mp4"
    write_video(path, numbered_frames(COUNT), fps=25, gop=30)
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def burned(uri: str) -> int:
    data = base64.b64decode(uri.split(",", 1)[1])
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return read_index_strip(cv2.resize(bgr, (320, 240))[:, :, ::-1])


def test_the_window_leans_the_way_the_viewer_steps() -> None:
    ahead, behind = frame_window.AHEAD, frame_window.BEHIND
    assert frame_window.window_range(100, 1000, 1) == range(100 - behind, 100 + ahead + 1)
    assert frame_window.window_range(100, 1000, -1) == range(100 - ahead, 100 + behind + 1)
    assert frame_window.window_range(995, 1000, 1) == range(1000 - ahead - behind - 1, 1000)
    assert frame_window.window_range(3, 10, -1) == range(0, 10)  # a short video: all of it


def test_a_cold_window_is_capped_then_grows_and_each_picture_is_its_frame(
    clip: tuple[Path, str],
) -> None:
    path, sha = clip
    service = FrameService()

    def build(center: int, direction: int = 1, budget: int = 10) -> list[int]:
        view = frame_window.ViewSettings(path, sha, COUNT, Chain(), None, 320)
        frames = frame_window.build(service, view, center, direction=direction, budget=budget)
        indexes = [f.index for f in frames]
        assert indexes == list(range(indexes[0], indexes[-1] + 1)) and center in indexes
        assert [burned(f.uri) for f in frames] == indexes  # the picture is the frame named
        return indexes

    try:
        first = build(40)
        assert first == list(range(40, 50))  # the frame, then ahead first: budget 10
        assert build(40) == list(range(40, 60))  # the kept ones plus 10 more ahead
        whole = frame_window.window_range(40, COUNT, 1)
        assert build(40, budget=100) == list(whole)  # then behind as well
        frame_window._KEPT.clear()  # nothing kept: a cold window, stepping backwards
        back = build(70, direction=-1, budget=5)
        assert back == list(range(66, 71))  # stepping back: the frames before it first
    finally:
        service.close()
