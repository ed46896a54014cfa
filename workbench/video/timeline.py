"""A monotone display timeline from the timestamps a decoder puts on its pictures.

Decoders do not always hand out increasing timestamps: packed B-frames and AVI's
decode-order stamps swap neighbours, broadcast captures jump back at a discontinuity,
some files have pictures with no timestamp at all. Frame N is the N-th picture out of
the decoder whatever its stamp says; its time is read from this timeline, which keeps
each picture's own timestamp wherever the stamps are sane and repairs them locally
where they are not:

- a picture without a timestamp gets the previous one's plus one frame at the stream's
  rate (the typical step between stamps when the rate is unknown);
- within a run of pictures, stamps are sorted (a local reordering, as B-frames cause);
- a stamp that jumps back by more than `REORDER_FRAMES` frame steps starts a new run,
  which is placed one step after the end of the run before it (a discontinuity); in
  formats that allow discontinuities (MPEG transport and program streams) so does a jump
  forward of more than `jump_s` seconds, as FFmpeg's command line re-lays them
  (its -dts_delta_threshold, 10 s).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

REORDER_FRAMES = 16  # a jump back further than this many frame steps is a discontinuity


@dataclass(frozen=True)
class Timeline:
    ticks: tuple[int, ...]  # one per picture, in decoder output order, non-decreasing
    step: int  # the typical frame step, in ticks
    repaired: int  # pictures whose time is not their own timestamp minus the origin
    discontinuities: int  # jumps back that started a new run


def frame_step(stamps: Sequence[int | None], fallback: int | None) -> int:
    """The typical distance between neighbouring stamps (the median of the positive ones)."""
    known = sorted({s for s in stamps if s is not None})
    gaps = [b - a for a, b in itertools.pairwise(known) if b > a]
    return max(1, int(statistics.median(gaps))) if gaps else max(1, fallback or 1)


def build_timeline(
    stamps: Sequence[int | None],
    origin: int,
    fallback_step: int | None,
    jump: int | None = None,
) -> Timeline:
    """Ticks relative to `origin` for every picture, in output order, never decreasing.
    `fallback_step`: one frame at the stream's declared rate (None: unknown); `jump`: a
    forward jump of more ticks than this is a discontinuity too."""
    step = frame_step(stamps, fallback_step)
    fill = max(1, fallback_step) if fallback_step else step
    runs: list[list[int]] = []
    run_max: int | None = None
    last: int | None = None
    for stamp in stamps:
        value = stamp if stamp is not None else (last + fill if last is not None else origin)
        back = run_max is not None and value < run_max - REORDER_FRAMES * step
        ahead = jump is not None and last is not None and value > last + jump
        if run_max is None or back or ahead:
            runs.append([])
            run_max = value
        runs[-1].append(value)
        run_max = max(run_max, value)
        last = value
    ticks: list[int] = []
    shift = 0
    for n, run in enumerate(runs):
        ordered = sorted(run)
        if n:
            shift = ticks[-1] + step - (ordered[0] - origin)
        ticks += [value - origin + shift for value in ordered]
    repaired = sum(s is None or s - origin != t for s, t in zip(stamps, ticks, strict=True))
    return Timeline(tuple(ticks), step, repaired, len(runs) - 1 if runs else 0)
