"""Between the picture on screen and the frame's own pixels.

The Review page shows a region of a frame (the whole frame, or a zoom box) scaled to a
display size; the browser may scale it again. A click or a dragged rectangle comes back
in the pixels of the image as shown, and every box the case stores is in the source
frame's pixels. `View` holds the mapping both ways. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.case.boxes import XYWH

Box = XYWH  # x, y, w, h in source-frame pixels


class BoxError(ValueError):
    """A box typed or dragged that is not a rectangle inside the frame."""


@dataclass(frozen=True)
class View:
    """A region `box` of a `frame_w` x `frame_h` frame, shown at `display_w` x `display_h`."""

    frame_w: int
    frame_h: int
    box: Box  # the source region shown (the whole frame when not zoomed)
    display_w: int
    display_h: int

    @classmethod
    def whole(cls, frame_w: int, frame_h: int, display_w: int, display_h: int) -> View:
        return cls(frame_w, frame_h, XYWH(0, 0, frame_w, frame_h), display_w, display_h)

    @property
    def zoomed(self) -> bool:
        return self.box != (0, 0, self.frame_w, self.frame_h)

    @property
    def scale(self) -> float:
        """Displayed pixels per source pixel (horizontal)."""
        return self.display_w / self.box[2]

    def to_source(
        self, x: float, y: float, shown_w: float | None = None, shown_h: float | None = None
    ) -> tuple[float, float]:
        """A point of the image as shown (`shown_w` x `shown_h`, default: display size)
        to the frame's own pixels, clamped to the frame."""
        sw = shown_w or self.display_w
        sh = shown_h or self.display_h
        bx, by, bw, bh = self.box
        sx = bx + x * bw / sw
        sy = by + y * bh / sh
        return _clamp(sx, 0, self.frame_w), _clamp(sy, 0, self.frame_h)

    def to_display(self, x: float, y: float) -> tuple[float, float]:
        """A point in the frame's pixels to the display image's pixels (may fall outside)."""
        bx, by, bw, bh = self.box
        return (x - bx) * self.display_w / bw, (y - by) * self.display_h / bh

    def rect_to_source(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        shown_w: float | None = None,
        shown_h: float | None = None,
        min_size: int = 2,
    ) -> Box | None:
        """A dragged rectangle (either direction, ends possibly off the image) as an
        (x, y, w, h) box in the frame's pixels; None for a click without a real drag."""
        ax, ay = self.to_source(x1, y1, shown_w, shown_h)
        bx, by = self.to_source(x2, y2, shown_w, shown_h)
        left, right = sorted((ax, bx))
        top, bottom = sorted((ay, by))
        x0, y0 = int(left), int(top)
        w = min(self.frame_w, round(right)) - x0
        h = min(self.frame_h, round(bottom)) - y0
        if w < min_size or h < min_size:
            return None
        return XYWH(x0, y0, w, h)

    def box_to_display(self, box: Box) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of a source box in display pixels."""
        x, y, w, h = box
        ax, ay = self.to_display(x, y)
        bx, by = self.to_display(x + w, y + h)
        return ax, ay, bx, by


def _clamp(v: float, lo: float, hi: float) -> float:
    return min(max(v, lo), hi)


def display_size(box_w: int, box_h: int, width: int) -> tuple[int, int]:
    """The display size of a `box_w` x `box_h` region shown `width` pixels wide."""
    width = max(1, int(width))
    return width, max(1, round(box_h * width / box_w))


def parse_box(text: str, frame_w: int | None = None, frame_h: int | None = None) -> Box:
    """'x,y,w,h' (spaces allowed) as a box; checked against the frame when its size is given."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if len(parts) != 4:
        raise BoxError(f"A box is four numbers x,y,w,h, not {text.strip()!r}.")
    try:
        x, y, w, h = (round(float(p)) for p in parts)
    except ValueError as exc:
        raise BoxError(f"A box is four numbers x,y,w,h, not {text.strip()!r}.") from exc
    box = XYWH(x, y, w, h)
    if w <= 0 or h <= 0 or x < 0 or y < 0:
        raise BoxError(
            f"The box {format_box(box)} needs x, y >= 0 and a positive width and height."
        )
    if frame_w is not None and frame_h is not None and (x + w > frame_w or y + h > frame_h):
        raise BoxError(f"The box {format_box(box)} is not inside the {frame_w}x{frame_h} frame.")
    return box


def format_box(box: Box) -> str:
    return ",".join(str(int(v)) for v in box)


def clamp_box(box: Box, frame_w: int, frame_h: int) -> Box | None:
    """The part of `box` inside the frame, or None when nothing of it is."""
    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(frame_w, x + w), min(frame_h, y + h)
    if x1 <= x0 or y1 <= y0:
        return None
    return XYWH(x0, y0, x1 - x0, y1 - y0)


def bbox_of(points: list[tuple[float, float]] | tuple[tuple[float, float], ...]) -> Box:
    """The (x, y, w, h) box around points (corners of a quad), in whole pixels."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, y0 = int(min(xs)), int(min(ys))
    return XYWH(x0, y0, max(1, round(max(xs)) - x0), max(1, round(max(ys)) - y0))
