"""Exact frame access: a frame by index or by time, for constant and variable frame rates.

Every frame comes back as an upright RGB uint8 array with a `FrameRef`: which video
(sha256), which frame (index in presentation order), when (pts x time_base), and the
sha256 of the returned pixels, so anyone with the same decoder can re-derive them.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypedDict

import numpy as np

from workbench.case.media import sha256_file
from workbench.video.decoder import Decoder, upright
from workbench.video.errors import VideoError
from workbench.video.index import FrameIndex
from workbench.video.index_build import build_index
from workbench.video.media_kind import VIDEO, PageDecoder, kind_of_index


@cache
def decoder_version() -> str:
    """Names what turns the file into pixels; part of a pixel hash's provenance."""
    import av

    ff = getattr(av, "ffmpeg_version_info", "?")
    return f"PyAV {av.__version__} / FFmpeg {ff} / rgb24"


class Unhashed(TypedDict):
    """A FrameRef's fields but the pixel hash (computed when first asked for)."""

    video_sha256: str
    index: int
    time_s: float
    fps: float


@dataclass(frozen=True)
class FrameRef:
    """Where a frame comes from and what its pixels are."""

    video_sha256: str
    index: int  # position in presentation order, from 0
    time_s: float  # pts x time_base
    fps: float  # the stream's average frame rate
    pixel_sha256: str  # sha256 of the returned RGB array's bytes (upright, row-major)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Frame:
    """Decoded pixels and their FrameRef. The pixel hash is computed when `ref` is first
    read: frames decoded on the way to another one (stepping back inside a GOP, prefetch)
    never pay for hashing (~8 ms at 1080p) unless someone asks where they come from."""

    __slots__ = ("_partial", "_ref", "rgb")

    def __init__(
        self, rgb: np.ndarray, ref: FrameRef | None = None, partial: Unhashed | None = None
    ) -> None:
        if ref is None and partial is None:
            raise ValueError("a Frame needs its FrameRef or the fields to make one")
        self.rgb = rgb  # (height, width, 3) uint8, read-only
        self._ref = ref
        self._partial = partial

    @property
    def index(self) -> int:
        """The frame's index, without hashing its pixels."""
        if self._ref is not None:
            return self._ref.index
        assert self._partial is not None  # __init__ takes one of the two
        return int(self._partial["index"])

    @property
    def ref(self) -> FrameRef:
        if self._ref is None:
            assert self._partial is not None  # __init__ takes one of the two
            self._ref = FrameRef(**self._partial, pixel_sha256=pixel_sha256(self.rgb))
        return self._ref

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Frame) and self.ref == other.ref

    def __hash__(self) -> int:
        return hash(self.ref)

    def __repr__(self) -> str:
        return f"Frame({self.ref!r})"


def pixel_sha256(rgb: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(rgb).tobytes()).hexdigest()


class FrameReader:
    """Random and sequential access to the frames of one video file.

    Sequential reads (`next`, `prev`, `get(i + 1)`) reuse the open decoder and a small
    LRU cache of decoded frames, so stepping never skips or repeats a frame.
    """

    def __init__(
        self,
        path: Path,
        video_sha256: str | None = None,
        cache_frames: int = 32,
        threads: int = 0,
        index: FrameIndex | None = None,
    ):
        self.path = Path(path)
        self.index = index or build_index(self.path)
        self.video_sha256 = video_sha256 or sha256_file(self.path)
        self.cache_frames = max(1, cache_frames)
        self._threads = threads
        self._cache: OrderedDict[int, Frame] = OrderedDict()
        self._decoder: Decoder | PageDecoder | None = None
        self.position: int | None = None  # index of the frame returned last
        self.kind = kind_of_index(self.index)  # video | still | document (frame N: page N + 1)

    # -- facts -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.index)

    @property
    def frame_count(self) -> int:
        return len(self.index)

    @property
    def fps(self) -> float:
        return self.index.fps

    @property
    def rotation(self) -> int:
        return self.index.rotation

    def time_of(self, index: int) -> float:
        return self.index.time(self._check(index))

    def index_at(self, t: float) -> int:
        return self.index.index_at(t)

    # -- access ------------------------------------------------------------
    def get(self, index: int) -> Frame:
        """Frame `index` (0-based, presentation order)."""
        self._check(index)
        frame = self._cache.get(index)
        if frame is None:
            frame = self._decode(index)
        else:
            self._cache.move_to_end(index)
        self.position = index
        return frame

    def at_time(self, t: float) -> Frame:
        """The frame on screen at `t` seconds."""
        return self.get(self.index.index_at(t))

    def step(self, delta: int) -> Frame:
        here = -1 if self.position is None else self.position
        return self.get(min(max(here + delta, 0), len(self) - 1))

    def next(self) -> Frame:
        return self.step(1)

    def prev(self) -> Frame:
        return self.step(-1)

    def iter_range(self, first: int, last: int) -> Iterator[Frame]:
        """Frames `first`..`last` inclusive, decoded in one forward pass."""
        self._check(first)
        self._check(last)
        decoder = self._open()
        for pos, av_frame in decoder.frames(first, last):
            frame = self._cache.get(pos) or self._wrap(pos, av_frame)
            self._remember(frame)
            self.position = pos
            yield frame

    # -- internals ---------------------------------------------------------
    def _check(self, index: int) -> int:
        if not 0 <= index < len(self.index):
            raise VideoError(
                f"Frame {index} is not in {self.path.name} (it has {len(self.index)} frames)."
            )
        return index

    def _open(self) -> Decoder | PageDecoder:
        if self._decoder is None:
            if self.kind == VIDEO:
                self._decoder = Decoder(self.path, self.index, threads=self._threads)
            else:  # a still or a document's pages: same interface, RGB arrays out
                self._decoder = PageDecoder(self.path, self.index)
        return self._decoder

    def _wrap(self, index: int, av_frame: Any) -> Frame:
        if isinstance(av_frame, np.ndarray):
            rgb = av_frame
        else:
            rgb = upright(av_frame.to_ndarray(format="rgb24", threads=1), self.index.rotation)
            rgb = np.ascontiguousarray(rgb)
        rgb.flags.writeable = False
        partial: Unhashed = {
            "video_sha256": self.video_sha256,
            "index": index,
            "time_s": self.index.time(index),
            "fps": self.index.fps,
        }
        return Frame(rgb, partial=partial)

    def _remember(self, frame: Frame) -> None:
        self._cache[frame.index] = frame
        self._cache.move_to_end(frame.index)
        while len(self._cache) > self.cache_frames:
            self._cache.popitem(last=False)

    def _decode(self, target: int) -> Frame:
        decoder = self._open()
        # stepping backwards: also keep the frames just before the target for the next steps
        backward = decoder.last >= target
        first = target
        if backward and self.kind == VIDEO:
            first = max(0, target - self.cache_frames // 2)
        found: Frame | None = None
        for from_start in (False, True):  # a seek that misses: read from the start, as indexed
            for pos, av_frame in decoder.frames(first, target, from_start=from_start):
                frame = self._cache.get(pos) or self._wrap(pos, av_frame)
                self._remember(frame)
                if pos == target:
                    found = frame
            if found is not None:
                break
        if found is None:
            raise VideoError(f"Frame {target} of {self.path.name} could not be decoded.")
        return found

    def close(self) -> None:
        if self._decoder is not None:
            self._decoder.close()
            self._decoder = None
        self._cache.clear()

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
