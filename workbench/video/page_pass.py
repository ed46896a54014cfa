"""The keyframe pass of a still or a document: every page is its own shot and keyframe.

A still has one frame and a PDF one frame a page, so there is nothing to detect: each
page is a shot that starts it and the keyframe the recognizers read, hashed and
thumbnailed like a keyframe of footage.
"""

from __future__ import annotations

from pathlib import Path

import cv2

from workbench.progress import NullProgress, ProgressSink
from workbench.video.errors import VideoError
from workbench.video.frames import FrameReader
from workbench.video.index import FrameIndex
from workbench.video.keyframes import Keyframe, ShotAnalysis
from workbench.video.shots import Shot
from workbench.video.signals import ScanParams, phash64
from workbench.video.thumbs import StoredKeyframe, store_picture, thumb_folder

TASK = "pages"


def page_pass(
    path: Path,
    index: FrameIndex,
    params: ScanParams,
    root: Path,
    tmp_dir: Path,
    sha256: str,
    key: str,
    progress: ProgressSink | None = None,
) -> tuple[ShotAnalysis, list[StoredKeyframe]]:
    """One shot and one keyframe (reason "page") per page, thumbnailed as it is read."""
    progress = progress or NullProgress()
    folder = thumb_folder(root, sha256, key)
    shots: list[Shot] = []
    keyframes: list[Keyframe] = []
    stored: list[StoredKeyframe] = []
    total = len(index)
    with FrameReader(Path(path), sha256, cache_frames=1, index=index) as reader:
        for n in range(total):
            t = index.time(n)
            shots.append(Shot(n, n, n, t, t, "start" if n == 0 else "cut"))  # a new page
            try:
                rgb = reader.get(n).rgb
            except VideoError:  # a page that cannot be rendered is left out, not fatal
                continue
            gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
            kf = Keyframe(n, t, f"{phash64(gray):016x}", "page", n)
            keyframes.append(kf)
            stored.append(store_picture(root, tmp_dir, folder, kf, rgb))
            progress.update(TASK, n + 1, total)
    return ShotAnalysis(tuple(shots), tuple(keyframes), total, params), stored
