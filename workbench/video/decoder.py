"""A positioned decoder: seek to the keyframe before a frame, then decode forward.

Frames come out in presentation order, each tagged with its index in the frame index.
The decoder stays where it stopped, so asking for the next frame costs one decode.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from workbench.video.errors import VideoError
from workbench.video.index import FrameIndex


def upright(array: np.ndarray, rotation: int) -> np.ndarray:
    """Turn a decoded array by `rotation` degrees counter-clockwise (as FFmpeg displays it)."""
    k = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(array, k)) if k else array


class Decoder:
    """Owns one open container; yields (index, av.VideoFrame) from wherever it stands."""

    def __init__(self, path: Path, index: FrameIndex, threads: int = 0):
        import av

        self.path = Path(path)
        self.index = index
        try:
            self._container = av.open(str(path))
        except av.error.FFmpegError as exc:
            raise VideoError(f"{self.path.name} cannot be opened as a video ({exc}).") from exc
        self._stream = self._container.streams.video[0]
        if threads == 1:
            self._stream.thread_count = 1
        else:
            self._stream.thread_type = "AUTO"  # frame and slice threads (0: one per core)
            self._stream.thread_count = threads
        self._by_pts = {p: i for i, p in enumerate(index.pts)}
        self._frames: Iterator[tuple[int, Any]] | None = None
        self.last: int = -1  # index of the last frame this decoder produced; -1: none yet

    def close(self) -> None:
        self._frames = None
        self._container.close()

    def _iterate(self) -> Iterator[tuple[int, Any]]:
        for packet in self._container.demux(self._stream):
            for frame in packet.decode():
                ts = frame.pts if frame.pts is not None else frame.dts
                pos = None if ts is None else self._by_pts.get(ts)
                if pos is not None:
                    yield pos, frame

    def next_frame(self) -> tuple[int, Any] | None:
        """The next decoded frame in presentation order, or None at the end of the stream."""
        if self._frames is None:
            self._frames = self._iterate()
        item = next(self._frames, None)
        if item is not None:
            self.last = item[0]
        return item

    def seek_before(self, target: int) -> None:
        """Position so that decoding forward reaches `target`, starting at a keyframe.

        Seeks to the last keyframe before `target`; if the demuxer lands after it (some
        containers seek by decoding timestamp), tries the keyframe before, and so on.
        """
        key: int | None = self.index.keyframe_before(target)
        while key is not None:
            self._container.seek(self.index.pts[key], stream=self._stream, backward=True)
            frames = self._iterate()
            first = next(frames, None)
            if first is not None and first[0] <= target:
                self._frames = _prepend(first, frames)
                self.last = first[0] - 1
                return
            key = self.index.keyframe_before_strict(key) if key else None
        raise VideoError(f"Frame {target} of {self.path.name} cannot be decoded.")

    def frames(self, first: int, last: int) -> Iterator[tuple[int, Any]]:
        """Every frame from `first` to `last` inclusive, seeking only when it must."""
        if not (self.last < first and self.index.keyframe_before(first) <= self.last + 1):
            self.seek_before(first)
        while True:
            item = self.next_frame()
            if item is None:
                return
            pos, frame = item
            if pos < first:
                continue
            yield pos, frame
            if pos >= last:
                return


def _prepend(item: tuple[int, Any], rest: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    yield item
    yield from rest
