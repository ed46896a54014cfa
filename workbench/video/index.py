"""The frame index of a video: every frame's presentation timestamp, found by demuxing once.

Frame N is the N-th frame in presentation order (packets sorted by pts), which holds
for constant and variable frame rates alike. Building the index reads packets only,
never decodes them (except one frame, for the rotation), and is memoised per file.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from workbench.video.errors import VideoError

_MEMO: OrderedDict[tuple[str, int, int], FrameIndex] = OrderedDict()
_MEMO_SIZE = 16


@dataclass(frozen=True)
class FrameIndex:
    """Presentation timestamps (sorted) and keyframe positions of one video stream."""

    pts: tuple[int, ...]
    keyframes: tuple[int, ...]  # frame indices (presentation order) of keyframes, ascending
    time_base: Fraction
    fps: float
    rotation: int  # degrees counter-clockwise the picture must turn to display upright
    width: int  # stored (coded) size, before rotation
    height: int

    def __len__(self) -> int:
        return len(self.pts)

    def time(self, index: int) -> float:
        return float(self.pts[index] * self.time_base)

    def time_exact(self, index: int) -> Fraction:
        return self.pts[index] * self.time_base

    def index_at(self, t: float | Fraction) -> int:
        """The frame shown at time `t` seconds: the last frame whose pts is not after `t`."""
        if t < 0:
            raise VideoError(f"A time cannot be negative ({float(t):.3f} s).")
        limit = self.end_time()
        if t > limit:
            raise VideoError(f"{float(t):.3f} s is past the end of the video ({limit:.3f} s).")
        target = seconds(t) / self.time_base
        pos = bisect.bisect_right(self.pts, target) - 1
        return max(pos, 0)

    def end_time(self) -> float:
        """When the last frame stops being shown (its pts plus one average frame duration)."""
        step = 1.0 / self.fps if self.fps else 0.0
        return self.time(len(self.pts) - 1) + step

    def keyframe_before(self, index: int) -> int:
        """The last keyframe at or before `index` (0 when there is none)."""
        pos = bisect.bisect_right(self.keyframes, index) - 1
        return self.keyframes[pos] if pos >= 0 else 0

    def keyframe_before_strict(self, keyframe: int) -> int | None:
        pos = bisect.bisect_left(self.keyframes, keyframe) - 1
        return self.keyframes[pos] if pos >= 0 else None

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) as displayed, after rotation."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height


def seconds(t: float | int | Fraction) -> Fraction:
    """A time as an exact fraction, reading a float as the decimal it prints as (0.2 is 1/5)."""
    return Fraction(repr(t)) if isinstance(t, float) else Fraction(t)


def build_index(path: Path) -> FrameIndex:
    """Demux every packet of the first video stream once; memoised by path, size and mtime."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise VideoError(f"{path} cannot be read ({exc.strerror}).") from exc
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key in _MEMO:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    index = _demux_index(path)
    _MEMO[key] = index
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return index


def _demux_index(path: Path) -> FrameIndex:
    import av

    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        raise VideoError(f"{path.name} cannot be opened as a video ({exc}).") from exc
    with container:
        if not container.streams.video:
            raise VideoError(f"{path.name} holds no video stream.")
        stream = container.streams.video[0]
        pts_list: list[int] = []
        key_pts: list[int] = []
        for packet in container.demux(stream):
            if packet.size == 0 or packet.is_discard:
                continue
            ts = packet.pts if packet.pts is not None else packet.dts
            if ts is None:
                raise VideoError(f"{path.name} has frames without timestamps; remux it first.")
            pts_list.append(int(ts))
            if packet.is_keyframe:
                key_pts.append(int(ts))
        if not pts_list:
            raise VideoError(f"{path.name} has a video stream with no frames in it.")
        pts_list.sort()
        position = {p: i for i, p in enumerate(pts_list)}
        keyframes = sorted({position[p] for p in key_pts} | {0})
        if stream.time_base is None:
            raise VideoError(f"{path.name} has no time base for its video stream.")
        time_base = Fraction(stream.time_base)
        rate = stream.average_rate or stream.guessed_rate
        if rate:
            fps = float(rate)
        elif len(pts_list) > 1:
            fps = (len(pts_list) - 1) / float((pts_list[-1] - pts_list[0]) * time_base)
        else:
            fps = 0.0
        cc = stream.codec_context
        width, height = int(cc.width), int(cc.height)
    return FrameIndex(
        pts=tuple(pts_list),
        keyframes=tuple(keyframes),
        time_base=time_base,
        fps=fps,
        rotation=_rotation(path),
        width=width,
        height=height,
    )


def _rotation(path: Path) -> int:
    import av

    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            return round(getattr(frame, "rotation", 0) or 0) % 360
    return 0
