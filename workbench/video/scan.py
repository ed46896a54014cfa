"""The shot and keyframe pass over a whole video, in one process or split over many.

Segments are scanned in parallel (each decoded from the keyframe before its warm-up
frames) and their signals fed, in order, to one `Analyzer`, so the result is the same
whatever the number of workers or where the segment borders fall.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from workbench.progress import NullProgress, ProgressSink
from workbench.video.decoder import Decoder
from workbench.video.index import FrameIndex
from workbench.video.index_build import build_index
from workbench.video.keyframes import Analyzer, ShotAnalysis
from workbench.video.signals import FrameSignal, ScanParams, SignalExtractor, small_frame

TASK = "shots and keyframes"
SEGMENT_FRAMES = 1500  # at most this many frames per parallel task
MIN_PARALLEL_FRAMES = 1500  # shorter videos are scanned in-process (starting workers costs more)
THREADED_CORES = 2  # up to this many cores, one process decoding with frame threads (and
#                     keeping the keyframes it decodes) beats segments in processes


def scan_signals(
    path: Path,
    index: FrameIndex,
    params: ScanParams,
    first: int = 0,
    last: int | None = None,
    threads: int = 0,
) -> Iterator[FrameSignal]:
    """Signals of frames `first`..`last`, warmed up on the frames just before `first`."""
    for sig, _ in scan_frames(path, index, params, first, last, threads):
        yield sig


def scan_frames(
    path: Path,
    index: FrameIndex,
    params: ScanParams,
    first: int = 0,
    last: int | None = None,
    threads: int = 0,
) -> Iterator[tuple[FrameSignal, Any]]:
    """(signal, decoded av.VideoFrame) of frames `first`..`last`, warmed up on the frames
    just before `first`.

    Every picture is decoded in full (skipping the deblocking filter was tried: it
    saves a sixth of the decoding but moves keyframes on HEVC and on a slow pan).
    `threads` 0: FFmpeg's frame and slice threads decode the next pictures while this
    thread analyses the last one (PyAV lets go of the GIL while it decodes)."""
    import cv2

    last = len(index) - 1 if last is None else last
    start = max(0, first - params.dissolve_window - 1)
    extractor = SignalExtractor(params)
    decoder = Decoder(path, index, threads=threads)
    cv_threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # 64x36 pictures: a thread pool costs more than it saves
    try:
        for pos, frame in decoder.frames(start, last):
            sig = extractor.push(pos, index.time(pos), small_frame(frame, params, index.rotation))
            if pos >= first:
                yield sig, frame
    finally:
        cv2.setNumThreads(cv_threads)
        decoder.close()


def plan_segments(
    frame_count: int, workers: int, starts: Sequence[int] | None = None
) -> list[tuple[int, int]]:
    """(first, last) frame ranges covering the video: given starts, or even splits."""
    if starts is None:
        count = max(workers * 4, math.ceil(frame_count / SEGMENT_FRAMES))
        count = max(1, min(count, frame_count // 64 or 1))
        starts = [frame_count * k // count for k in range(count)]
    cuts = sorted({0, *(s for s in starts if 0 < s < frame_count)})
    ends = [*cuts[1:], frame_count]
    return [(a, b - 1) for a, b in zip(cuts, ends, strict=True)]


_WORKER: dict[str, object] = {}


def _init_worker(path: str, index: FrameIndex, params: ScanParams) -> None:
    import cv2

    cv2.setNumThreads(1)  # one process per core: no thread pools competing inside it
    _WORKER.update(path=path, index=index, params=params)


def _scan_segment(span: tuple[int, int]) -> list[FrameSignal]:
    path, index, params = _WORKER["path"], _WORKER["index"], _WORKER["params"]
    assert isinstance(index, FrameIndex) and isinstance(params, ScanParams)
    return list(scan_signals(Path(str(path)), index, params, span[0], span[1], threads=1))


def analyze_video(
    path: Path,
    params: ScanParams | None = None,
    workers: int = 1,
    progress: ProgressSink | None = None,
    segment_starts: Sequence[int] | None = None,
) -> ShotAnalysis:
    """Shots and keyframes of a video; `workers` > 1 scans segments in parallel processes
    (for videos of `MIN_PARALLEL_FRAMES` or more, or when `segment_starts` are given)."""
    params = params or ScanParams()
    progress = progress or NullProgress()
    index = build_index(Path(path))
    total = len(index)
    analyzer = Analyzer(params)
    progress.update(TASK, 0, total)
    spans = plan_segments(total, workers, segment_starts)
    if segment_starts is None and total < MIN_PARALLEL_FRAMES:
        spans = [(0, total - 1)]
    if workers <= 1 or len(spans) == 1:
        for sig in scan_signals(Path(path), index, params):
            analyzer.push(sig)
            if analyzer.frames % 50 == 0:
                progress.update(TASK, analyzer.frames, total)
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(str(path), index, params),
        ) as pool:
            for signals in pool.map(_scan_segment, spans):
                for sig in signals:
                    analyzer.push(sig)
                progress.update(TASK, analyzer.frames, total)
    result = analyzer.finish()
    progress.update(TASK, total, total)
    return result
