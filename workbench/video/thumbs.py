"""Keyframe thumbnails and pixel hashes: what the case keeps of each keyframe's picture."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from workbench.progress import ProgressSink
from workbench.video.decoder import upright
from workbench.video.errors import VideoError
from workbench.video.frames import FrameReader, pixel_sha256
from workbench.video.keyframes import Keyframe, ShotAnalysis

THUMB_WIDTH = 320


@dataclass(frozen=True)
class StoredKeyframe:
    keyframe: Keyframe
    pixel_sha256: str
    thumbnail_path: str  # relative to the case folder


def thumb_folder(root: Path, sha256: str, key: str) -> Path:
    """The keyframes' folder relative to the case folder (created under `root`)."""
    folder = Path("derived") / "keyframes" / sha256 / key
    (root / folder).mkdir(parents=True, exist_ok=True)
    return folder


def store_picture(
    root: Path, tmp_dir: Path, folder: Path, kf: Keyframe, rgb: np.ndarray
) -> StoredKeyframe:
    """Hash the full picture's RGB pixels and write its JPEG thumbnail."""
    rel = (folder / f"{kf.index:07d}.jpg").as_posix()
    write_thumbnail(root / rel, rgb, tmp_dir)
    return StoredKeyframe(kf, pixel_sha256(rgb), rel)


def frame_rgb(av_frame: Any, rotation: int) -> np.ndarray:
    """A decoded frame's RGB pixels, upright, exactly as `FrameReader` returns them."""
    return np.ascontiguousarray(upright(av_frame.to_ndarray(format="rgb24", threads=1), rotation))


def write_thumbnail(dest: Path, rgb: np.ndarray, tmp_dir: Path) -> None:
    h, w = rgb.shape[:2]
    if w > THUMB_WIDTH:
        size = (THUMB_WIDTH, max(1, round(h * THUMB_WIDTH / w)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90]
    )
    if not ok:
        raise VideoError(f"Could not encode the thumbnail {dest.name}.")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="thumb-", suffix=".jpg", dir=tmp_dir)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data.tobytes())
    os.replace(tmp, dest)


def keyframe_thumbnails(
    root: Path,
    tmp_dir: Path,
    path: Path,
    sha256: str,
    key: str,
    result: ShotAnalysis,
    progress: ProgressSink,
) -> list[StoredKeyframe]:
    """Decode each keyframe in full, hash its pixels and write a JPEG thumbnail under
    `root` (the case folder; needs no database, so any worker that sees it can do it)."""
    folder = thumb_folder(root, sha256, key)
    out: list[StoredKeyframe] = []
    with FrameReader(path, video_sha256=sha256, cache_frames=2) as reader:
        for n, kf in enumerate(result.keyframes):
            try:
                frame = reader.get(kf.index)
            except VideoError:  # one frame that cannot be decoded never fails the video:
                continue  # it is left out, and the audit entry counts what was skipped
            out.append(store_picture(root, tmp_dir, folder, kf, frame.rgb))
            progress.update("keyframe thumbnails", n + 1, len(result.keyframes))
    return out
