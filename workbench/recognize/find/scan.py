"""How wide a keyframe is scanned when a reference is verified on it."""

from __future__ import annotations

SCAN_WIDTH = 720  # px: a keyframe scanned wider than this is scanned this wide when verifying
#                   (the matcher's cost grows with the pixels scanned; 720p at the matcher's
#                   0.75 would be 960 px: bench_find.py --frame-width 1280 measures both)


def scan_scale(base: float, width: int, limit: int = SCAN_WIDTH) -> float:
    """The scale a keyframe `width` px wide is scanned at when verifying a reference: the
    matcher's own (`base`) unless that scans it wider than `limit` px."""
    return base if width * base <= limit else round(limit / width, 4)
