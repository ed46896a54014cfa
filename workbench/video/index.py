"""The frame index of a video: frame N is the N-th picture FFmpeg's decoder outputs.

Packets are not pictures (a packed-B-frame AVI holds two pictures in one packet and a
placeholder in the next; a damaged stretch holds packets that give none), so the index
is built by decoding the whole stream once (`index_build`) and recording each picture's
timestamp, keyframe flag and damage. Its time comes from a repaired, monotone timeline
(`timeline`), relative to the container's start as FFmpeg counts it.

An index is built once per file: memoised in the process, and, for an original in a
case folder, stored in the case (`workbench.case.frame_index`) so that the app, the
workers and later commands read it instead of decoding the file again.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from workbench.video.errors import VideoError

METHOD = "workbench.video.index/2 decode"  # what built the index, stored with it


@dataclass(frozen=True)
class FrameIndex:
    """Every picture of one video stream in decoder output order."""

    pts: tuple[int, ...]  # display time of each picture in time_base ticks, non-decreasing
    keyframes: tuple[int, ...]  # frame indices of pictures decoding can start at, ascending
    time_base: Fraction
    fps: float
    rotation: int  # degrees counter-clockwise the picture must turn to display upright
    width: int  # stored (coded) size, before rotation
    height: int
    stamps: tuple[int | None, ...] = ()  # the pts each picture carries out of the decoder
    seekable: bool = True  # False: stamps do not identify pictures after a seek; decode from 0
    damaged: tuple[int, ...] = ()  # pictures the decoder marked corrupt (concealed errors)
    missing: tuple[int, ...] = ()  # frame indices before which packets gave no picture
    packets: int = 0  # non-empty packets in the stream
    declared: int = 0  # frames (or frame slots) the container's header declares
    timing: str = "constant"  # constant | variable | sparse | discontinuous
    repaired: int = 0  # pictures whose time is not their own timestamp
    method: str = METHOD
    dpi: float = 0.0  # documents: the resolution pages are rendered at (0 for footage)

    def __len__(self) -> int:
        return len(self.pts)

    def time(self, index: int) -> float:
        return float(self.pts[index] * self.time_base)

    def index_at(self, t: float | Fraction) -> int:
        """The frame shown at time `t` seconds: the last frame whose time is not after `t`."""
        if t < 0:
            raise VideoError(f"A time cannot be negative ({float(t):.3f} s).")
        limit = self.end_time()
        if t > limit:
            raise VideoError(f"{float(t):.3f} s is past the end of the video ({limit:.3f} s).")
        target = seconds(t) / self.time_base
        pos = bisect.bisect_right(self.pts, target) - 1
        return max(pos, 0)

    def end_time(self) -> float:
        """When the last frame stops being shown (its time plus one average frame duration)."""
        step = 1.0 / self.fps if self.fps else 0.0
        return self.time(len(self.pts) - 1) + step

    def keyframe_before(self, index: int) -> int:
        """The last keyframe at or before `index` (0 when there is none)."""
        pos = bisect.bisect_right(self.keyframes, index) - 1
        return self.keyframes[pos] if pos >= 0 else 0

    def keyframe_before_strict(self, keyframe: int) -> int | None:
        pos = bisect.bisect_left(self.keyframes, keyframe) - 1
        return self.keyframes[pos] if pos >= 0 else None

    def stamp(self, index: int) -> int | None:
        return self.stamps[index] if self.stamps else self.pts[index]

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) as displayed, after rotation."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height

    @property
    def problems(self) -> dict[str, Any]:
        """What a person should know about this file's frames (empty when nothing)."""
        out: dict[str, Any] = {}
        if self.damaged:
            out["damaged_frames"] = list(self.damaged)
        if self.missing:
            out["missing_before"] = list(self.missing)
        if self.timing != "constant":
            out["timing"] = self.timing
        if self.declared and self.declared != len(self):
            out["declared_frames"] = self.declared
            out["decoded_frames"] = len(self)
        return out

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["time_base"] = [self.time_base.numerator, self.time_base.denominator]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FrameIndex:
        num, den = d["time_base"]
        fields = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        for name in ("pts", "keyframes", "stamps", "damaged", "missing"):
            fields[name] = tuple(fields.get(name) or ())
        return cls(**(fields | {"time_base": Fraction(num, den)}))


def seconds(t: float | int | Fraction) -> Fraction:
    """A time as an exact fraction, reading a float as the decimal it prints as (0.2 is 1/5)."""
    return Fraction(repr(t)) if isinstance(t, float) else Fraction(t)
