"""The two ways a box is written, as two named types (never a bare 4-tuple).

- `XYXY`: corners x0, y0, x1, y1 in a frame's own pixels (x1, y1 exclusive): how
  observations store `bbox` and how `workbench findings` prints it.
- `XYWH`: corner and size x, y, w, h: how a person types a box (`--box X,Y,W,H`), draws
  one on the Review page, and how manual notes are given.

Both are NamedTuples, so they unpack and compare like the tuples they replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class XYXY(NamedTuple):
    x0: int
    y0: int
    x1: int
    y1: int

    @classmethod
    def of(cls, values: Sequence[float]) -> XYXY:
        """From any four numbers x0, y0, x1, y1 (rounded to pixels)."""
        x0, y0, x1, y1 = (int(round(v)) for v in values)  # noqa: RUF046 (numpy floats)
        return cls(x0, y0, x1, y1)

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def to_xywh(self) -> XYWH:
        return XYWH(self.x0, self.y0, self.width, self.height)


class XYWH(NamedTuple):
    x: int
    y: int
    w: int
    h: int

    @classmethod
    def parse(cls, text: str) -> XYWH:
        """`X,Y,W,H` as typed; ValueError with one sentence when it is not that."""
        try:
            x, y, w, h = (int(v.strip()) for v in str(text).split(","))
        except ValueError:
            raise ValueError(
                f"{text!r} is not a box; give it as X,Y,W,H in the frame's pixels."
            ) from None
        if w <= 0 or h <= 0:
            raise ValueError(f"The box {text!r} has no area (its width and height must be > 0).")
        return cls(x, y, w, h)

    def to_xyxy(self) -> XYXY:
        return XYXY(self.x, self.y, self.x + self.w, self.y + self.h)
