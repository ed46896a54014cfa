"""Boxes and quads drawn over the frame on screen: machine suggestions (OCR, logos,
interfaces), human notes, the selected box, screen corners. No Streamlit here.

Recognition runs on keyframes, so a frame between keyframes shows the observations of
the nearest keyframe of its shot, and says so.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from workbench.app.coords import Box, View
from workbench.case.observations import Observation, withdrawn
from workbench.synth import font

STATUS_COLOURS: dict[str, tuple[int, int, int]] = {
    "suggested": (255, 191, 0),  # amber: machine output, not yet reviewed
    "confirmed": (40, 220, 90),  # green
    "rejected": (230, 50, 50),  # red
}
SELECTION_COLOUR = (0, 220, 255)
QUAD_COLOUR = (255, 0, 220)
POINT_COLOUR = (255, 255, 255)
KIND_NAMES = {
    "ocr": "OCR",
    "logo": "logo",
    "interface": "UI",
    "capability": "cap",
    "manual": "note",
}


@dataclass(frozen=True)
class FrameObservations:
    """The observations drawn on frame `index`: its own (notes and suggestions), and,
    when it has no machine suggestion of its own, those of `source_index` (the nearest
    frame with machine suggestions in the same shot), marked as `borrowed`."""

    index: int
    source_index: int | None
    observations: tuple[Observation, ...]
    borrowed: frozenset[int] = frozenset()

    @property
    def exact(self) -> bool:
        return self.source_index == self.index

    def describe(self) -> str:
        n = len(self.observations)
        if self.source_index is None or not n:
            return "no observations on this frame or its keyframe"
        if self.exact:
            return f"{_count(n)} on this frame"
        gap = self.index - self.source_index
        where = (
            f"{abs(gap)} frame{'s' if abs(gap) != 1 else ''} {'earlier' if gap > 0 else 'later'}"
        )
        own = n - len(self.borrowed)
        mine = f"{_count(own)} on this frame, " if own else ""
        return (
            f"{mine}{_count(len(self.borrowed))} from frame {self.source_index} ({where},"
            " dashed boxes)"
        )


def _count(n: int) -> str:
    return f"{n} observation{'s' if n != 1 else ''}"


def for_frame(
    observations: Iterable[Observation],
    index: int,
    kinds: Iterable[str] | None = None,
    shot_bounds: tuple[int, int] | None = None,
) -> FrameObservations:
    """Observations of `kinds` on frame `index`, else on the nearest frame that has some
    (the earlier one on a tie) within `shot_bounds` (first, last index) when given."""
    wanted = set(kinds) if kinds is not None else None
    by_frame: dict[int, list[Observation]] = {}
    for obs in observations:
        if wanted is not None and obs.kind not in wanted:
            continue
        if (obs.bbox is None and obs.quad is None) or withdrawn(obs):
            continue
        by_frame.setdefault(obs.frame_index, []).append(obs)
    own = tuple(by_frame.get(index, ()))
    if any(o.kind != "manual" for o in own):
        return FrameObservations(index, index, own)
    # a note on this frame does not hide the suggestions of the nearest keyframe
    frames = sorted(
        f
        for f, found in by_frame.items()
        if any(o.kind != "manual" for o in found)
        and (shot_bounds is None or shot_bounds[0] <= f <= shot_bounds[1])
    )
    if not frames:
        return FrameObservations(index, index if own else None, own)
    pos = bisect.bisect_left(frames, index)
    candidates = [frames[p] for p in (pos - 1, pos) if 0 <= p < len(frames)]
    best = min(candidates, key=lambda f: (abs(f - index), f > index))
    lent = tuple(o for o in by_frame[best] if o.kind != "manual")
    return FrameObservations(index, best, own + lent, frozenset(o.id for o in lent))


def label_of(obs: Observation) -> str:
    kind = KIND_NAMES.get(obs.kind, obs.kind)
    what = obs.label or obs.text or ""
    what = what.replace("\n", " ")
    if len(what) > 40:
        what = what[:39] + "…"
    score = f" {obs.score:.2f}" if obs.score is not None else ""
    vendor = f" → {obs.vendor}" if obs.vendor and obs.vendor != what else ""
    return f"#{obs.id} {kind}{score}: {what}{vendor}".strip()


def draw(
    rgb: np.ndarray,
    view: View,
    observations: Sequence[Observation] = (),
    selection: Box | None = None,
    quads: Sequence[Sequence[tuple[float, float]]] = (),
    points: Sequence[tuple[float, float]] = (),
    labels: bool = True,
    borrowed: frozenset[int] = frozenset(),
    highlight: int | None = None,
) -> np.ndarray:
    """A copy of the display image `rgb` with boxes and quads (given in the frame's
    pixels) drawn at their place in `view`, labelled and coloured by status. Boxes
    `borrowed` from another frame are dashed and their labels say which frame; the
    `highlight`ed observation gets a thicker white frame around its box."""
    img = Image.fromarray(np.ascontiguousarray(rgb))
    pen = ImageDraw.Draw(img)
    size = max(11, min(18, view.display_w // 60))
    text_font = font(size)
    width = 2 if view.display_w >= 480 else 1
    for obs in observations:
        colour = STATUS_COLOURS.get(obs.status, (200, 200, 200))
        lent = obs.id in borrowed
        if obs.quad:
            pts = [view.to_display(float(x), float(y)) for x, y in obs.quad]
        else:
            assert obs.bbox is not None
            x0, y0, x1, y1 = obs.bbox
            (ax, ay), (bx, by) = view.to_display(x0, y0), view.to_display(x1, y1)
            pts = [(ax, ay), (bx, ay), (bx, by), (ax, by)]
        if obs.id == highlight:
            pen.line([*pts, pts[0]], fill=(255, 255, 255), width=width + 4)
        _outline(pen, pts, colour, width, dashed=lent)
        if labels:
            text = label_of(obs) + (f" (frame {obs.frame_index})" if lent else "")
            top = min(p[1] for p in pts)
            bottom = max(p[1] for p in pts)
            left = min(p[0] for p in pts)
            _label(pen, (left, top, bottom), text, colour, text_font, size, view)
    for quad in quads:
        pts = [view.to_display(float(x), float(y)) for x, y in quad]
        pen.line([*pts, pts[0]], fill=QUAD_COLOUR, width=width)
        for n, (px, py) in enumerate(pts):
            pen.text((px + 3, py + 1), str(n + 1), fill=QUAD_COLOUR, font=text_font)
    for n, (x, y) in enumerate(points):
        px, py = view.to_display(x, y)
        r = 4
        pen.ellipse([px - r, py - r, px + r, py + r], outline=POINT_COLOUR, width=2)
        pen.text((px + 6, py - size), str(n + 1), fill=POINT_COLOUR, font=text_font)
    if selection is not None:
        ax, ay, bx, by = view.box_to_display(selection)
        pen.rectangle([ax, ay, bx, by], outline=SELECTION_COLOUR, width=width + 1)
    return np.asarray(img)


def _outline(
    pen: ImageDraw.ImageDraw,
    pts: Sequence[tuple[float, float]],
    colour: tuple[int, int, int],
    width: int,
    dashed: bool,
) -> None:
    """A closed outline through `pts`: solid, or dashed (6 px on, 5 px off)."""
    ring = [*pts, pts[0]]
    if not dashed:
        pen.line(ring, fill=colour, width=width)
        return
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        length = max(1.0, ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
        t = 0.0
        while t < length:
            u = min(t + 6, length)
            a, b = t / length, u / length
            seg = [
                (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a),
                (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b),
            ]
            pen.line(seg, fill=colour, width=width)
            t += 11


def _label(
    pen: ImageDraw.ImageDraw,
    anchor: tuple[float, float, float],
    text: str,
    colour: tuple[int, int, int],
    text_font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    size: int,
    view: View,
) -> None:
    """The label above the box, or below it when there is no room above (never over the
    text it describes), and inside the picture's right edge."""
    x, top, bottom = anchor
    y = top - size - 4 if top - size - 4 >= 0 else bottom + 3
    box = pen.textbbox((0, 0), text, font=text_font)
    x = min(max(0.0, x), max(0.0, view.display_w - (box[2] - box[0]) - 3))
    box = pen.textbbox((x, y), text, font=text_font)
    pen.rectangle([box[0] - 2, box[1] - 1, box[2] + 2, box[3] + 1], fill=(0, 0, 0))
    pen.text((x, y), text, fill=colour, font=text_font)
