"""Build a `FrameIndex` by decoding every picture once, as FFmpeg's command line would.

Empty packets (the slots a sparse AVI leaves) are skipped, a packet that fails to
decode is recorded and passed over (FFmpeg goes on too), pictures the decoder marks
corrupt are listed as damaged. Afterwards a few seeks check that a picture's timestamp
still names it when decoding starts at a keyframe; where it does not, the index says
the file must be read from the start.
"""

from __future__ import annotations

import contextlib
import itertools
from collections import OrderedDict
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

from workbench.video.decoder import Decoder, open_video
from workbench.video.errors import VideoError
from workbench.video.index import METHOD, FrameIndex
from workbench.video.timeline import build_timeline

SEEK_CHECKS = 3  # keyframes whose seek is tried after the decode
SEEK_RUN = 6  # pictures compared after each of those seeks
# formats whose timestamps may jump (FFmpeg's AVFMT_TS_DISCONT): forward jumps re-laid
DISCONT_FORMATS = frozenset({"mpegts", "mpegtsraw", "mpeg", "mpegvideo", "vob", "dvd"})
JUMP_S = 10  # FFmpeg's -dts_delta_threshold


class SignalSink(Protocol):
    def push(self, av_frame: Any) -> None: ...
    def close(self) -> None: ...
    def abandon(self) -> None: ...


class SignalMaker(Protocol):
    """Given the video's rotation, a sink for every decoded picture (in output order)."""

    def __call__(self, rotation: int) -> SignalSink: ...


def decode_index(path: Path, threads: int = 0, signals: SignalMaker | None = None) -> FrameIndex:
    """Decode the whole first video stream once and index its pictures (`signals`: also
    hand every decoded picture, exact, to this maker of the keyframe pass's signals).
    A still's or a document's index comes from its own reader: one frame, or one a page."""
    import av

    from workbench.video.media_kind import page_index

    path = Path(path)
    paged = page_index(path)
    if paged is not None:
        return paged
    rotation = _rotation(path)
    sink = [signals(rotation)] if signals is not None else []
    stamps: list[int | None] = []
    keys: list[int] = []
    damaged: list[int] = []
    missing: list[int] = []
    packets = 0

    def take(frames: Any) -> None:
        for frame in frames:
            n = len(stamps)
            stamps.append(frame.pts)
            if frame.key_frame:
                keys.append(n)
            if frame.is_corrupt:
                damaged.append(n)
            if sink:
                try:
                    sink[0].push(frame)
                except Exception:  # the signals only save time later: the index goes on
                    sink.pop().abandon()

    try:
        container, stream = open_video(path, threads)
        if not sink:  # deblocking changes pixels, never which pictures come out or
            stream.codec_context.options = {"skip_loop_filter": "all"}  # their stamps
        with container, _single_cv_thread():
            if stream.time_base is None:
                raise VideoError(f"{path.name} has no time base for its video stream.")
            time_base = Fraction(stream.time_base)
            try:
                for packet in container.demux(stream):
                    if packet.size == 0:
                        continue
                    packets += 1
                    try:
                        take(packet.decode())
                    except av.error.FFmpegError:
                        missing.append(len(stamps))
            except av.error.FFmpegError:
                missing.append(len(stamps))  # the container itself is damaged from here on
            try:
                take(stream.codec_context.decode(None))
            except av.error.FFmpegError:
                missing.append(len(stamps))
            if not stamps:
                raise VideoError(f"{path.name} has a video stream with no decodable frames in it.")
            rate = stream.average_rate or stream.guessed_rate
            declared = int(stream.frames or 0)
            origin = _origin(container, stream, stamps)
            jump = None
            if set(container.format.name.split(",")) & DISCONT_FORMATS:
                jump = int(JUMP_S / time_base)
            cc = stream.codec_context
            width, height = int(cc.width), int(cc.height)
        if sink:
            sink[0].close()
    except BaseException:
        if sink:
            sink.pop().abandon()
        raise
    fallback = round(1 / (float(rate) * time_base)) if rate else None
    line = build_timeline(stamps, origin, fallback, jump)
    fps = float(rate) if rate else _measured_fps(line.ticks, time_base)
    index = FrameIndex(
        pts=line.ticks,
        keyframes=tuple(sorted({0, *keys})),
        time_base=time_base,
        fps=fps,
        rotation=rotation,
        width=width,
        height=height,
        stamps=tuple(stamps),
        seekable=False,
        damaged=tuple(damaged),
        missing=tuple(sorted(set(missing))),
        packets=packets,
        declared=declared,
        timing=_timing(line.ticks, line.step, line.discontinuities, fps, time_base, missing),
        repaired=line.repaired,
        method=METHOD,
    )
    if _unique(stamps):
        seekable = _seeks_agree(path, index)
        index = FrameIndex(**{**index.__dict__, "seekable": seekable})
    return index


@contextlib.contextmanager
def _single_cv_thread() -> Iterator[None]:
    """64x36 pictures: an OpenCV thread pool costs more than it saves."""
    import cv2

    before = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield
    finally:
        cv2.setNumThreads(before)


def _origin(container: Any, stream: Any, stamps: list[int | None]) -> int:
    """Time zero, in stream ticks: the container's start as FFmpeg counts it."""
    if container.start_time is not None:
        return int(Fraction(container.start_time, 1_000_000) / Fraction(stream.time_base))
    known = [s for s in stamps if s is not None]
    return min(known) if known else 0


def _measured_fps(ticks: tuple[int, ...], time_base: Fraction) -> float:
    span = float((ticks[-1] - ticks[0]) * time_base) if len(ticks) > 1 else 0.0
    return (len(ticks) - 1) / span if span > 0 else 0.0


def _timing(
    ticks: tuple[int, ...],
    step: int,
    jumps: int,
    fps: float,
    time_base: Fraction,
    missing: list[int],
) -> str:
    """constant | variable (uneven steps) | sparse (fewer pictures than the rate's slots,
    with gaps) | discontinuous (timestamps jumped back and were re-laid). The holes that
    damaged data leaves (before the `missing` frames) are damage, not timing."""
    if jumps:
        return "discontinuous"
    holes = set(missing)
    gaps = [b - a for n, (a, b) in enumerate(itertools.pairwise(ticks), 1) if n not in holes]
    if not gaps:
        return "constant"
    nominal = 1 / (fps * time_base) if fps else Fraction(step)
    if max(gaps) >= 3 * nominal:
        slots = sum(gaps) / nominal + 1
        if len(gaps) + 1 < 0.9 * slots:
            return "sparse"
    tolerance = max(1, step // 50)
    return "variable" if max(gaps) - min(gaps) > tolerance else "constant"


def _unique(stamps: list[int | None]) -> bool:
    return None not in stamps and len(set(stamps)) == len(stamps)


def _seeks_agree(path: Path, index: FrameIndex) -> bool:
    """Seek to a few keyframes; the stamps decoded from each must be the index's own."""
    keys = [k for k in index.keyframes if k > 0]
    if not keys:
        return True
    picks = sorted({keys[len(keys) * (j + 1) // (SEEK_CHECKS + 1)] for j in range(SEEK_CHECKS)})
    probe = FrameIndex(**{**index.__dict__, "seekable": True})
    decoder = Decoder(path, probe)
    try:
        for key in picks:
            last = min(len(index) - 1, key + SEEK_RUN - 1)
            got = [pos for pos, _ in decoder.frames(key, last)]
            if got != list(range(key, last + 1)):
                return False
            decoder.reset()
    except VideoError:
        return False
    finally:
        decoder.close()
    return True


def _rotation(path: Path) -> int:
    import av

    try:
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                return round(getattr(frame, "rotation", 0) or 0) % 360
    except av.error.FFmpegError:
        return 0
    return 0


_MEMO: OrderedDict[tuple[str, int, int], FrameIndex] = OrderedDict()
_MEMO_SIZE = 16


def build_index(path: Path) -> FrameIndex:
    """The index of `path`: memoised by path, size and mtime; read from the case when the
    file is an original in a case folder and its index is stored; else decoded once."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise VideoError(f"{path} cannot be read ({exc.strerror}).") from exc
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key in _MEMO:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    index = stored_index(path)
    if index is None:
        index = decode_index(path)
    remember(path, index)
    return index


def remember(path: Path, index: FrameIndex) -> None:
    st = Path(path).stat()
    _MEMO[(str(Path(path).resolve()), st.st_size, st.st_mtime_ns)] = index
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)


def stored_index(path: Path) -> FrameIndex | None:
    """The index stored in the case for an original at `<case>/media/<sha256>.<ext>`."""
    path = Path(path)
    db = path.parent.parent / "case.db"
    if path.parent.name != "media" or not db.is_file():
        return None
    from workbench.case import frame_index

    record = frame_index.load_file(db, path.stem)
    from workbench.video.media_kind import page_methods

    if record is None or record.get("method") not in (METHOD, *page_methods()):
        return None
    return FrameIndex.from_dict(record)
