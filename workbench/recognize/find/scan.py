"""How a keyframe is scanned when a reference is verified on it: how wide, and where."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the logo matcher imports OpenCV: only when a matcher is made
    from workbench.recognize.logos import LogoLibrary, LogoMatch, LogoMatcher, MatchParams

SCAN_WIDTH = 720  # px: a keyframe scanned wider than this is scanned this wide when verifying
#                   (the matcher's cost grows with the pixels scanned; 720p at the matcher's
#                   0.75 would be 960 px: bench_find.py --frame-width 1280 measures both)
SAME_PLACE = 0.33  # matches from two regions overlapping by more than this are one


def scan_scale(base: float, width: int, limit: int = SCAN_WIDTH) -> float:
    """The scale a keyframe `width` px wide is scanned at when verifying a reference: the
    matcher's own (`base`) unless that scans it wider than `limit` px."""
    return base if width * base <= limit else round(limit / width, 4)


class ScanningMatcher:
    """The logo matcher as find everywhere verifies with it: a keyframe is scanned at
    `scan_scale` (at most `limit` px wide; 0: the matcher's own scale at any width) and,
    given regions (places.regions), only those are scanned, at the scale the whole
    keyframe would be, and the matches come back in keyframe px."""

    def __init__(
        self, library: LogoLibrary, params: MatchParams | None = None, limit: int = SCAN_WIDTH
    ) -> None:
        from workbench.recognize.logos import LogoMatcher

        self.logos = LogoMatcher(library, params)
        self.library, self.limit = library, limit
        self._scaled: dict[float, LogoMatcher] = {}  # scan scale -> a matcher scanning at it

    def matcher_for(self, width: int) -> LogoMatcher:
        """The logo matcher for a keyframe `width` px wide (`scan_scale`)."""
        base = self.logos.params.scan_scale
        scale = scan_scale(base, width, self.limit) if self.limit else base
        if scale == base:
            return self.logos
        if scale not in self._scaled:
            from workbench.recognize.logos import LogoMatcher

            params = replace(self.logos.params, scan_scale=scale)
            self._scaled[scale] = LogoMatcher(self.library, params)
        return self._scaled[scale]

    def match(
        self, rgb: np.ndarray, boxes: list[tuple[int, int, int, int]] | None = None
    ) -> list[LogoMatch]:
        matcher = self.matcher_for(rgb.shape[1])
        if not boxes:
            return matcher.match(rgb)
        found: list[LogoMatch] = []
        for x0, y0, x1, y1 in boxes:
            if x1 - x0 < 16 or y1 - y0 < 16:
                continue
            for m in matcher.match(np.ascontiguousarray(rgb[y0:y1, x0:x1])):
                found.append(_moved(m, x0, y0))
        kept: list[LogoMatch] = []
        for m in sorted(found, key=lambda m: -m.score):
            if all(_iou(m.bbox, k.bbox) <= SAME_PLACE for k in kept):
                kept.append(m)
        return kept


def _moved(m: LogoMatch, dx: int, dy: int) -> LogoMatch:
    quad = tuple((round(x + dx, 2), round(y + dy, 2)) for x, y in m.quad)
    x0, y0, x1, y1 = m.bbox
    bbox = (round(x0 + dx, 2), round(y0 + dy, 2), round(x1 + dx, 2), round(y1 + dy, 2))
    return replace(m, quad=quad, bbox=bbox)


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - iw * ih
    return iw * ih / union if union > 0 else 0.0
