"""The whole keyframe pass of one video in one decode: signals, shots, keyframes, and
each keyframe's pixel hash and thumbnail from the picture the scan just decoded.

A frame's fate is decided `latency` frames after it is decoded, so the decoded frames
of that window are held (they are the decoder's own buffers, not copies) and a keyframe
is hashed and thumbnailed from them the moment it is decided: no second decode. When
that window would take more memory than `HOLD_BYTES` (4K), the keyframes are decoded
again afterwards instead. Either way the pixels are those `FrameReader` returns.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.progress import NullProgress, ProgressSink
from workbench.video.index import FrameIndex
from workbench.video.keyframes import Analyzer, Keyframe, ShotAnalysis
from workbench.video.media_kind import page_methods
from workbench.video.scan import TASK, scan_frames
from workbench.video.signals import ScanParams
from workbench.video.thumbs import StoredKeyframe, frame_rgb, store_picture, thumb_folder

if TYPE_CHECKING:
    from workbench.video.signal_file import SignalWriter

HOLD_BYTES = 256 << 20  # decoded frames held while their keyframe decision is pending


@dataclass(frozen=True)
class Thumbs:
    """Where thumbnails go: the case folder, its temporary folder, the run's key."""

    root: Path
    tmp_dir: Path
    sha256: str
    key: str


def holds_frames(index: FrameIndex, params: ScanParams) -> bool:
    """Whether the decision window of decoded frames fits in `HOLD_BYTES`."""
    window = Analyzer(params).detector.latency + 2
    return index.width * index.height * 3 // 2 * window <= HOLD_BYTES


def keyframe_pass(
    path: Path,
    index: FrameIndex,
    params: ScanParams,
    thumbs: Thumbs,
    threads: int = 0,
    progress: ProgressSink | None = None,
    hold: bool | None = None,
    stored_signals: bool = True,
) -> tuple[ShotAnalysis, list[StoredKeyframe]]:
    """Shots and keyframes of the whole video, and the keyframes stored as pictures
    (`hold` False: decoded again afterwards; None: held when they fit `HOLD_BYTES`).

    With `stored_signals`, signals that ingest computed for this case original (checked
    whole and current: `signal_file.open_signals`) replace the decode of every picture;
    only the keyframes are decoded then."""
    progress = progress or NullProgress()
    root, tmp_dir = Path(thumbs.root), Path(thumbs.tmp_dir)
    if stored_signals:
        from workbench.video.signal_file import SignalFileError, open_signals
        from workbench.video.signal_pass import signal_pass

        signals = open_signals(Path(path), index, params)
        if signals is not None:
            where = (root, tmp_dir, thumbs.sha256, thumbs.key)
            try:
                return signal_pass(Path(path), index, params, signals, where, progress)
            except SignalFileError:
                pass  # damaged under our feet: decode every picture as below
    writer = _writer(Path(path), index, params, tmp_dir, threads) if stored_signals else None
    try:
        done = _decoding_pass(path, index, params, thumbs, threads, progress, hold, writer)
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    if writer is not None:
        from workbench.video.signal_file import keep

        try:  # a derived file: when it cannot be written, the next pass decodes again
            writer.close()
            keep(writer.dest, Path(path), Path(path).stem)
        except OSError:
            writer.abandon()
    return done


def _writer(
    path: Path, index: FrameIndex, params: ScanParams, tmp_dir: Path, threads: int
) -> SignalWriter | None:
    """Where the decoding pass writes its signals again for a case original (missing,
    stale or damaged ones are replaced), when they are the ones ingest would make: decoded
    with frame threads from the start."""
    from workbench.video.signal_file import signals_path, temp_writer

    if threads != 0 or signals_path(path) is None:
        return None
    return temp_writer(tmp_dir, params, index.rotation)


def _decoding_pass(
    path: Path,
    index: FrameIndex,
    params: ScanParams,
    thumbs: Thumbs,
    threads: int,
    progress: ProgressSink,
    hold: bool | None,
    writer: SignalWriter | None,
) -> tuple[ShotAnalysis, list[StoredKeyframe]]:
    """Every picture decoded: signals, decisions, keyframe pictures as they are met."""
    from workbench.video.thumbs import keyframe_thumbnails

    root, tmp_dir = Path(thumbs.root), Path(thumbs.tmp_dir)
    if index.method in page_methods():  # a still or a document: a keyframe a page
        from workbench.video.page_pass import page_pass

        return page_pass(path, index, params, root, tmp_dir, thumbs.sha256, thumbs.key, progress)
    analyzer = Analyzer(params)
    total = len(index)
    progress.update(TASK, 0, total)
    hold = holds_frames(index, params) if hold is None else hold
    held: deque[tuple[int, Any]] = deque()
    folder = thumb_folder(root, thumbs.sha256, thumbs.key)
    stored: list[StoredKeyframe] = []

    missed: list[Keyframe] = []  # not among the held frames (never expected): decoded again
    done = 0

    def store_decided() -> None:
        nonlocal done
        for kf in analyzer.decided[done:]:
            done += 1
            while held and held[0][0] < kf.index:
                held.popleft()
            if not held or held[0][0] != kf.index:
                missed.append(kf)
                continue
            rgb = frame_rgb(held[0][1], index.rotation)
            stored.append(store_picture(root, tmp_dir, folder, kf, rgb))

    for sig, frame in scan_frames(Path(path), index, params, threads=threads):
        analyzer.push(sig)
        if writer is not None:
            writer.add(sig)
        if hold:
            held.append((sig.index, frame))
            store_decided()
            first = analyzer.undecided
            while held and first is not None and held[0][0] < first:
                held.popleft()
        if analyzer.frames % 50 == 0:
            progress.update(TASK, analyzer.frames, total)
    result = analyzer.finish()
    progress.update(TASK, total, total)
    if not hold:
        return result, keyframe_thumbnails(
            root, tmp_dir, Path(path), thumbs.sha256, thumbs.key, result, progress
        )
    store_decided()
    if missed:
        again = ShotAnalysis((), tuple(missed), result.frame_count, params)
        stored += keyframe_thumbnails(
            root, tmp_dir, Path(path), thumbs.sha256, thumbs.key, again, progress
        )
        stored.sort(key=lambda s: s.keyframe.index)
    return result, stored
