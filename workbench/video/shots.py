"""Shot boundaries from frame signals: hard cuts, fades through black, dissolves.

Cuts and fades are decided on the frame they happen; a dissolve is decided once the
gradual change is over, at most `latency` frames later, placed where it is half done.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from workbench.video.signals import FrameSignal, ScanParams


@dataclass(frozen=True)
class Shot:
    shot_no: int  # from 0
    first_index: int
    last_index: int
    first_time: float
    last_time: float
    transition: str  # how the shot begins: start | cut | fade | dissolve

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Boundary:
    index: int  # first frame of the new shot
    kind: str  # cut | fade | dissolve


class ShotDetector:
    """Feed signals in frame order; each `push` returns the boundaries decided by it."""

    def __init__(self, params: ScanParams):
        self.p = params
        self.last_boundary = 0
        self._recent: deque[float] = deque(maxlen=8)
        self._in_black = False
        self._content = False  # a non-black frame was seen in this shot before the black run
        self._run: list[float] = []
        self._run_closed = False

    @property
    def latency(self) -> int:
        """The most frames a decision can lag behind the frame it is about."""
        return self.p.max_dissolve_frames + self.p.dissolve_window + 2

    def push(self, sig: FrameSignal) -> list[Boundary]:
        found: list[Boundary] = []
        i, p = sig.index, self.p
        if sig.dissolve is not None:
            if not self._run_closed:
                self._run.append(sig.dissolve)
                if len(self._run) >= p.max_dissolve_frames:
                    found += self._close_run(i)
                    self._run_closed = True
        else:
            found += self._close_run(i)
            self._run_closed = False

        far_enough = i - self.last_boundary >= p.min_shot_frames
        average = sum(self._recent) / len(self._recent) if self._recent else 0.0
        strong = sig.diff >= p.cut_threshold and sig.diff >= p.cut_ratio * average
        if i > 0 and far_enough and strong and sig.changed >= p.cut_area:
            found.append(self._mark(i, "cut"))
            self._recent.clear()
            self._content = False

        black = sig.luma < p.black_level
        if black:
            self._in_black = True
        else:
            if self._in_black and self._content and i - self.last_boundary >= p.min_shot_frames:
                found.append(self._mark(i, "fade"))
            self._in_black = False
            self._content = True
        self._recent.append(sig.diff)
        return found

    def finish(self, last_index: int) -> list[Boundary]:
        return self._close_run(last_index + 1)

    def _close_run(self, now: int) -> list[Boundary]:
        if not self._run:
            return []
        centre = round(statistics.median(self._run))
        self._run = []
        if centre - self.last_boundary >= self.p.min_shot_frames and centre < now:
            return [self._mark(centre, "dissolve")]
        return []

    def _mark(self, index: int, kind: str) -> Boundary:
        self.last_boundary = index
        return Boundary(index, kind)
