"""The keyframe pass on signals stored at ingest: no picture is decoded for the scan,
only the keyframes themselves, each exactly (frame N as `FrameReader` gives it).

The decisions (`Analyzer`) are the ones a decoding pass makes, fed the very signals that
pass would compute (`signal_file`). The keyframes' pictures are decoded from the keyframe
before each, in order, one decoder going forward when the next one is in the same group
of pictures; a damaged file (or one whose timestamps cannot be seeked by) is decoded
from its start up to its last keyframe instead: the pictures decoding from the start
gives, with the same frame threads as at ingest.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from workbench.progress import ProgressSink
from workbench.video.decoder import Decoder
from workbench.video.index import FrameIndex
from workbench.video.keyframes import Analyzer, ShotAnalysis
from workbench.video.scan import TASK
from workbench.video.signal_file import StoredSignals
from workbench.video.signals import ScanParams
from workbench.video.thumbs import (
    StoredKeyframe,
    frame_rgb,
    keyframe_thumbnails,
    store_picture,
    thumb_folder,
)


def decode_pictures(
    path: Path, index: FrameIndex, wanted: Sequence[int]
) -> Iterator[tuple[int, Any]]:
    """(index, av.VideoFrame) of each wanted frame (sorted), decoding as little as it may."""
    if not wanted:
        return
    decoder = Decoder(path, index, threads=0)
    try:
        if index.seekable and not index.damaged and not index.missing:
            for k in wanted:
                for pos, frame in decoder.frames(k, k):
                    if pos == k:
                        yield pos, frame
        else:
            want = set(wanted)
            for pos, frame in decoder.frames(0, wanted[-1], from_start=True):
                if pos in want:
                    yield pos, frame
    finally:
        decoder.close()


def signal_pass(
    path: Path,
    index: FrameIndex,
    params: ScanParams,
    signals: StoredSignals,
    where: tuple[Path, Path, str, str],
    progress: ProgressSink,
) -> tuple[ShotAnalysis, list[StoredKeyframe]]:
    """Shots and keyframes from stored signals, then the keyframes' pictures decoded.
    `where`: (case folder, its temporary folder, video sha256, run key).
    Raises `SignalFileError` when the file turns out damaged while it is read."""
    root, tmp_dir, sha256, key = where
    analyzer = Analyzer(params)
    total = len(index)
    for sig in signals:
        analyzer.push(sig)
        if analyzer.frames % 500 == 0:
            progress.update(TASK, analyzer.frames, total)
    result = analyzer.finish()
    progress.update(TASK, total, total)
    folder = thumb_folder(root, sha256, key)
    by_index = {kf.index: kf for kf in result.keyframes}
    stored: list[StoredKeyframe] = []
    for pos, frame in decode_pictures(Path(path), index, sorted(by_index)):
        kf = by_index.pop(pos)
        stored.append(store_picture(root, tmp_dir, folder, kf, frame_rgb(frame, index.rotation)))
        progress.update("keyframe thumbnails", len(stored), len(result.keyframes))
    if by_index:  # not met on the way (never expected): FrameReader tries each again
        again = ShotAnalysis((), tuple(by_index.values()), result.frame_count, params)
        stored += keyframe_thumbnails(root, tmp_dir, Path(path), sha256, key, again, progress)
        stored.sort(key=lambda s: s.keyframe.index)
    return result, stored
