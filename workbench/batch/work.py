"""What a worker does with a task; the same code in-process, in a local process pool and
on a Ray node, so every executor computes the same results.

A worker keeps its OCR engines and the last videos it opened between tasks.
"""

from __future__ import annotations

import atexit
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.batch.tasks import (
    EngineVersion,
    IndexVideo,
    MakeThumbs,
    ReadKeyframes,
    ReadResult,
    ScanResult,
    ScanSegment,
    SegmentResult,
    Task,
    Thumbs,
    WholeScan,
)
from workbench.progress import NullProgress, ProgressSink
from workbench.recognize.ocr import OcrEngine, make_engine
from workbench.video.frames import FrameReader
from workbench.video.keyframes import ShotAnalysis

if TYPE_CHECKING:
    import numpy as np

_ENGINES: dict[str, OcrEngine] = {}
_READERS: OrderedDict[tuple[str, str], FrameReader] = OrderedDict()
_READERS_KEPT = 2
_SETUP = False


def _setup() -> None:
    global _SETUP
    if not _SETUP:
        import cv2

        cv2.setNumThreads(1)  # one worker per core: no thread pools competing inside it
        _SETUP = True


def engine(name: str) -> OcrEngine:
    if name not in _ENGINES:
        _ENGINES[name] = make_engine(name)
    return _ENGINES[name]


def _reader(path: str, sha256: str) -> FrameReader:
    key = (path, sha256)
    if key in _READERS:
        _READERS.move_to_end(key)
        return _READERS[key]
    reader = FrameReader(Path(path), sha256)
    _READERS[key] = reader
    while len(_READERS) > _READERS_KEPT:
        _READERS.popitem(last=False)[1].close()
    return reader


@atexit.register
def _close_readers() -> None:
    """Close the kept readers before the interpreter goes (an open PDF otherwise makes
    pypdfium2 warn on stderr at exit)."""
    while _READERS:
        _READERS.popitem()[1].close()


def _thumbs(video_path: str, sha256: str, analysis: ShotAnalysis, thumbs: Thumbs):
    from workbench.video.thumbs import keyframe_thumbnails

    return tuple(
        keyframe_thumbnails(
            Path(thumbs.root),
            Path(thumbs.tmp_dir),
            Path(video_path),
            sha256,
            thumbs.key,
            analysis,
            NullProgress(),
        )
    )


def whole_scan(task: WholeScan, progress: ProgressSink | None = None) -> ScanResult:
    """Shots, keyframes and thumbnails of one video in one decode."""
    from workbench.video.index_build import build_index
    from workbench.video.keyframe_pass import Thumbs as Where
    from workbench.video.keyframe_pass import keyframe_pass

    path, t = Path(task.video.path), task.thumbs
    where = Where(Path(t.root), Path(t.tmp_dir), task.video.sha256, t.key)
    index = build_index(path)
    analysis, stored = keyframe_pass(path, index, task.params, where, task.threads, progress)
    return ScanResult(analysis, tuple(stored))


def run_task(task: Task) -> object:
    """Compute one task; raises on failure (the executor reports it to the driver)."""
    _setup()
    if isinstance(task, WholeScan):
        return whole_scan(task)
    if isinstance(task, IndexVideo):
        from workbench.video.index_build import build_index

        return len(build_index(Path(task.video.path)))
    if isinstance(task, ScanSegment):
        from workbench.video.index_build import build_index
        from workbench.video.scan import scan_signals

        path = Path(task.video.path)
        first, last = task.span
        signals = scan_signals(path, build_index(path), task.params, first, last, threads=1)
        return SegmentResult(task.span, tuple(signals))
    if isinstance(task, MakeThumbs):
        return ScanResult(
            task.analysis, _thumbs(task.video.path, task.video.sha256, task.analysis, task.thumbs)
        )
    if isinstance(task, EngineVersion):
        return engine(task.engine).version()
    if isinstance(task, ReadKeyframes):
        from workbench.recognize.stage_text import read_keyframe

        ocr = engine(task.params.engine)
        reader = _reader(task.video.path, task.video.sha256)
        reads = []
        held: tuple[int, np.ndarray] | None = None  # the previous keyframe's small grey picture
        spans = task.spans or (None,) * len(task.items)
        for (index, previous), span in zip(task.items, spans, strict=True):
            gray = held[1] if held is not None and held[0] == previous else None
            read, small = read_keyframe(reader, ocr, task.params, index, previous, gray, span)
            reads.append(read)
            held = (index, small)
        return ReadResult(tuple(reads))
    raise TypeError(f"unknown task {type(task).__name__}")
