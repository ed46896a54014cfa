"""Typed results of recognition, shared by every engine."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BBox = tuple[int, int, int, int]  # x0, y0, x1, y1 in the source frame's pixels
Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


def quad_of(points: Iterable[tuple[float, float]]) -> Quad:
    """Four corners (x, y) as a Quad; ValueError when there are not exactly four."""
    a, b, c, d = points
    return (a, b, c, d)


@dataclass(frozen=True)
class TextHit:
    text: str
    bbox: BBox
    score: float  # 0..1, the engine's own confidence
    engine: str  # name and version, e.g. "tesseract 5.3.0 eng+rus+kaz"
    quad: Quad | None = None
    # every engine's reading of this line, (engine, text, score), when engines were
    # compared: kept in the observation's provenance
    readings: tuple[tuple[str, str, float], ...] = ()

    def shifted(self, dx: int, dy: int, scale: float = 1.0) -> TextHit:
        """Map a hit read on a crop (offset dx, dy, upscaled by `scale`) to frame pixels."""
        x0, y0, x1, y1 = self.bbox
        box = (
            round(x0 / scale) + dx,
            round(y0 / scale) + dy,
            round(x1 / scale) + dx,
            round(y1 / scale) + dy,
        )
        quad = None
        if self.quad is not None:
            quad = quad_of((x / scale + dx, y / scale + dy) for x, y in self.quad)
        return TextHit(self.text, box, self.score, self.engine, quad, self.readings)


def iou(a: BBox, b: BBox) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    if inter == 0:
        return 0.0
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area if area else 0.0
