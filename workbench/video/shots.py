"""Shot boundaries from frame signals: hard cuts, fades through black, dissolves.

Fades are decided on the frame they happen. A cut is decided `flash_frames` frames
later: if the picture returns to what it was before the jump within them, the jump was
a camera flash or a strobe (a brightness spike over the same picture), not a cut. A
dissolve is decided once the gradual change is over, at most `latency` frames later,
placed where it is half done.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

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
        self._prev_gray: np.ndarray | None = None
        self._held: tuple[int, np.ndarray, float] | None = None  # (cut?, picture before, jump)
        self._flash_until = -1  # no cut is looked for up to this frame (a flash's return)
        self.flashes: set[int] = set()  # frames found to be flashes (never keyframes)
        self._before: tuple[list[float], bool] = ([], False)
        self._skip_recent = False

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

        found += self._settle(sig)
        far_enough = i - self.last_boundary >= p.min_shot_frames
        average = sum(self._recent) / len(self._recent) if self._recent else 0.0
        strong = sig.diff >= p.cut_threshold and sig.diff >= p.cut_ratio * average
        calm = self._held is None and i > self._flash_until and self._prev_gray is not None
        if i > 0 and far_enough and strong and sig.changed >= p.cut_area and calm:
            assert self._prev_gray is not None
            self._held = (i, self._prev_gray, _luma_change(self._prev_gray, sig.gray))
            self._before = (list(self._recent), self._content)  # restored if it is a flash
            self._recent.clear()
            self._content = False
        self._prev_gray = sig.gray

        black = sig.luma < p.black_level
        if black:
            self._in_black = True
        else:
            if self._in_black and self._content and i - self.last_boundary >= p.min_shot_frames:
                found.append(self._mark(i, "fade"))
            self._in_black = False
            self._content = True
        if not self._skip_recent:
            self._recent.append(sig.diff)
        self._skip_recent = False
        return found

    def finish(self, last_index: int) -> list[Boundary]:
        held = [self._mark(self._held[0], "cut")] if self._held is not None else []
        self._held = None
        return held + self._close_run(last_index + 1)

    def _settle(self, sig: FrameSignal) -> list[Boundary]:
        """Decide a held cut: a flash if this picture is back to the one before the jump,
        a cut once `flash_frames` frames have passed without that."""
        if self._held is None:
            return []
        start, before, jump = self._held
        back = _luma_change(before, sig.gray)
        if back <= max(self.p.flash_back, self.p.flash_return * jump):
            self._held = None
            self._flash_until = sig.index
            self.flashes.update(range(start, sig.index))
            recent, self._content = self._before
            self._recent = deque(recent, maxlen=self._recent.maxlen)
            self._skip_recent = True  # nor does the return from the flash count
            return []
        if sig.index - start >= self.p.flash_frames:
            self._held = None
            return [self._mark(start, "cut")]
        return []

    def _close_run(self, now: int) -> list[Boundary]:
        if not self._run:
            return []
        centre = round(statistics.median(self._run))
        self._run = []
        # a gradual change right after another boundary is its tail (one dissolve seen
        # as two runs, or the end of a fade-in): no second boundary
        gap = max(self.p.min_shot_frames, self.p.dissolve_window // 2)
        if centre - self.last_boundary >= gap and centre < now:
            return [self._mark(centre, "dissolve")]
        return []

    def _mark(self, index: int, kind: str) -> Boundary:
        held = self._held
        if kind != "cut" and held is not None and 0 <= held[0] - index < self.p.min_shot_frames:
            self._held = None  # the gradual transition just found explains the jump
        self.last_boundary = index
        return Boundary(index, kind)


def _luma_change(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two analysis frames' luma (0-255)."""
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())
