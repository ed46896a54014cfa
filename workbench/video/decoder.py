"""A positioned decoder: seek to the keyframe before a frame, then decode forward.

Frames come out in decoder output order, each tagged with its index in the frame
index. From the start of the file a picture's index is its count (exactly as the index
was built); after a seek it is found by the timestamp the decoder puts on it, which the
index has checked names the same picture (`FrameIndex.seekable`). Packets that fail to
decode are passed over, as FFmpeg does. The decoder stays where it stopped, so asking
for the next frame costs one decode.
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


def open_video(path: Path, threads: int = 0) -> tuple[Any, Any]:
    """(container, first video stream), decoding with frame and slice threads."""
    import av

    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        raise VideoError(f"{Path(path).name} cannot be opened as a video ({exc}).") from exc
    if not container.streams.video:
        container.close()
        raise VideoError(f"{Path(path).name} holds no video stream.")
    stream = container.streams.video[0]
    if threads == 1:
        stream.thread_count = 1
    else:
        stream.thread_type = "AUTO"
        stream.thread_count = threads
    return container, stream


class Decoder:
    """Owns one open container; yields (index, av.VideoFrame) from wherever it stands."""

    def __init__(self, path: Path, index: FrameIndex, threads: int = 0):
        self.path = Path(path)
        self.index = index
        self._threads = threads
        self._by_stamp: dict[int | None, int] | None = None
        if index.seekable:
            self._by_stamp = {index.stamp(i): i for i in range(len(index))}
        self._container: Any = None
        self._stream: Any = None
        self._frames: Iterator[tuple[int, Any]] | None = None
        self.last: int = -1  # index of the last frame this decoder produced; -1: none yet
        self._open()

    def _open(self) -> None:
        if self._container is not None:
            self._container.close()
        self._container, self._stream = open_video(self.path, self._threads)

    def close(self) -> None:
        self._frames = None
        if self._container is not None:
            self._container.close()
            self._container = None

    def reset(self) -> None:
        """Forget the position: the next request seeks."""
        self._frames = None
        self.last = -1

    def _decoded(self) -> Iterator[Any]:
        import av

        try:
            for packet in self._container.demux(self._stream):
                if packet.size == 0:
                    continue
                try:
                    yield from packet.decode()
                except av.error.FFmpegError:
                    continue  # a damaged packet: FFmpeg goes on with the next one
        except av.error.FFmpegError:
            pass  # the container is damaged from here on
        try:
            yield from self._stream.codec_context.decode(None)
        except av.error.FFmpegError:
            return

    def _counted(self) -> Iterator[tuple[int, Any]]:
        """From the start of the file: the n-th picture out is frame n."""
        yield from enumerate(self._decoded())

    def _stamped(self) -> Iterator[tuple[int, Any]]:
        assert self._by_stamp is not None
        for frame in self._decoded():
            pos = self._by_stamp.get(frame.pts)
            if pos is not None:
                yield pos, frame

    def next_frame(self) -> tuple[int, Any] | None:
        """The next decoded frame in output order, or None at the end of the stream."""
        if self._frames is None:
            self._from_start()
        assert self._frames is not None
        item = next(self._frames, None)
        if item is not None:
            self.last = item[0]
        return item

    def _from_start(self) -> None:
        self._open()
        self._frames = self._counted()
        self.last = -1

    def seek_before(self, target: int) -> None:
        """Position so that decoding forward reaches `target`, starting at a keyframe.

        Seeks to the last keyframe before `target`; if the demuxer lands after it (some
        containers seek by decoding timestamp), tries the keyframe before, and so on;
        when nothing works, or the file cannot be seeked in, decodes from the start.
        """
        key: int | None = self.index.keyframe_before(target)
        while self._by_stamp is not None and key is not None and key > 0:
            stamp = self.index.stamp(key)
            if stamp is None:
                break
            try:
                self._container.seek(stamp, stream=self._stream, backward=True)
            except Exception:
                break
            self._stream.codec_context.flush_buffers()
            frames = self._stamped()
            first = self._first_from(frames, key)
            if first is not None and first[0] <= target:
                self._frames = _prepend(first, frames)
                self.last = first[0] - 1
                return
            key = self.index.keyframe_before_strict(key)
        self._from_start()

    @staticmethod
    def _first_from(frames: Iterator[tuple[int, Any]], key: int) -> tuple[int, Any] | None:
        """The first picture at or after keyframe `key` (pictures before it, such as an
        open GOP's leading B-frames, need what came before the seek: they are dropped)."""
        for item in frames:
            if item[0] >= key:
                return item
        return None

    def frames(self, first: int, last: int, from_start: bool = False) -> Iterator[tuple[int, Any]]:
        """Every frame from `first` to `last` inclusive, seeking only when it must
        (`from_start`: decode from the file's start, the way the index was built)."""
        if from_start:
            self._from_start()
        elif not (self.last < first and self.index.keyframe_before(first) <= self.last + 1):
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
