"""The spatial transform between two aligned frames of copies of the same footage.

A copy rescales, crops and letterboxes the picture, so a point of frame A lands at
`scale * p + (tx, ty)` in frame B. The centre of B's picture (inside its black bars, and
away from the corners and the bottom where channels put logos and tickers) is searched
in A rescaled over a range of scales (normalised cross-correlation); the best scale and
place give the transform. Its score says how well it fits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import cv2
import numpy as np

from workbench.video.fingerprint import active_box

METHOD = "workbench.video.frame_transform/2"
WORK_WIDTH = 240  # frame A is compared at this width
SCALES = 22  # scales tried coarsely, over 0.7x-1.4x the scale of B's picture to A's
CENTRE = 0.6  # share of B's picture (each side) used as the template
STRETCH_BELOW = 0.95  # a uniform scale fitting worse than this (but at least STRETCH_FROM,
STRETCH_FROM = 0.6  # not an unrelated picture): other aspect ratios are tried
TICKER = 15  # per cent of the picture's height at its bottom left out of the motion check
MOTION_MIN = 1.5  # mean grey levels of change: less is a still picture (coding noise)
ASPECTS = (0.82, 0.87, 0.92, 0.96, 1.04, 1.09, 1.15, 1.22)  # a crop of up to 20 % stretched


@dataclass(frozen=True)
class Similarity:
    scale: float
    tx: float
    ty: float
    score: float  # normalised cross-correlation of the best fit, -1..1
    method: str = METHOD
    aspect: float = 1.0  # vertical scale / horizontal scale (a crop stretched to fill)

    @property
    def scale_y(self) -> float:
        return self.scale * self.aspect

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def box(self, box: list[int] | tuple[int, ...], width: int, height: int) -> list[int]:
        """A box [x0, y0, x1, y1] of frame A mapped into frame B (clipped to B)."""
        x0, y0, x1, y1 = (float(v) for v in box)
        mapped = [self.scale * x0 + self.tx, self.scale_y * y0 + self.ty]
        mapped += [self.scale * x1 + self.tx, self.scale_y * y1 + self.ty]
        return [
            round(min(max(mapped[0], 0), width)),
            round(min(max(mapped[1], 0), height)),
            round(min(max(mapped[2], 0), width)),
            round(min(max(mapped[3], 0), height)),
        ]

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.scale * x + self.tx, self.scale_y * y + self.ty


def _gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb


def picture_box(gray: np.ndarray) -> tuple[int, int, int, int]:
    """The picture inside black bars, in full-size pixels (found on a 64x36 copy)."""
    h, w = gray.shape
    small = cv2.resize(gray, (64, 36), interpolation=cv2.INTER_AREA)
    x0, y0, x1, y1 = active_box(small)
    return (w * x0 // 64, h * y0 // 36, w * x1 // 64, h * y1 // 36)


def estimate(rgb_a: np.ndarray, rgb_b: np.ndarray) -> Similarity:
    """The transform from frame A's pixels to frame B's: the scale searched coarsely at
    half the working width, then finely around the best one at the working width; where
    that fits only fairly, other aspect ratios too (a crop stretched to fill the frame)."""
    a, b = _gray(rgb_a), _gray(rgb_b)
    best = _refined(a, b, _search(a, b, WORK_WIDTH // 2, None, SCALES))
    if STRETCH_FROM <= best.score < STRETCH_BELOW:  # a crop stretched to fill the frame?
        coarse = None
        for aspect in ASPECTS:
            span = (best.scale * 0.9, best.scale * 1.1)
            found = _search(a, b, WORK_WIDTH // 2, span, 5, aspect)
            if coarse is None or found.score > coarse.score:
                coarse = found
        if coarse is not None:
            stretched = _refined(a, b, coarse)
            if stretched.score > best.score:
                best = stretched
    return Similarity(
        round(best.scale, 5),
        round(best.tx, 2),
        round(best.ty, 2),
        round(best.score, 4),
        aspect=round(best.aspect, 5),
    )


def _refined(a: np.ndarray, b: np.ndarray, coarse: Similarity) -> Similarity:
    """A coarse fit searched again at the working width, around its scale."""
    span = (coarse.scale * 0.96, coarse.scale * 1.04)
    fine = _search(a, b, WORK_WIDTH, span, 7, coarse.aspect)
    return fine if fine.score >= coarse.score - 0.02 else coarse


def _search(
    a: np.ndarray,
    b: np.ndarray,
    width: int,
    scales: tuple[float, float] | None,
    steps: int,
    aspect: float = 1.0,
) -> Similarity:
    k = width / a.shape[1]  # A at `width`; B by the same factor
    a_small = cv2.resize(a, None, fx=k, fy=k, interpolation=cv2.INTER_AREA).astype(np.float32)
    b_small = cv2.resize(b, None, fx=k, fy=k, interpolation=cv2.INTER_AREA).astype(np.float32)
    bx0, by0, bx1, by1 = picture_box(b_small.astype(np.uint8))
    bw, bh = bx1 - bx0, by1 - by0
    tw, th = max(8, int(bw * CENTRE)), max(8, int(bh * CENTRE))
    tx0 = bx0 + (bw - tw) // 2
    ty0 = by0 + int((bh - th) * 0.4)  # a little above the centre: tickers run at the bottom
    template = b_small[ty0 : ty0 + th, tx0 : tx0 + tw]
    base = bw / a_small.shape[1]
    low, high = scales or (base * 0.7, base * 1.4)
    best = Similarity(base, bx0 / k, by0 / k, -1.0, aspect=aspect)
    for s in np.linspace(low, high, steps):
        fy = float(s) * aspect
        scaled = cv2.resize(a_small, None, fx=float(s), fy=fy, interpolation=cv2.INTER_AREA)
        if scaled.shape[0] < th or scaled.shape[1] < tw:
            continue
        res = cv2.matchTemplate(scaled, template, cv2.TM_CCOEFF_NORMED)
        _, score, _, (lx, ly) = cv2.minMaxLoc(res)
        if score > best.score:
            # p_b_small = s * p_a_small + (tx0 - lx, ty0 - ly); in full-size pixels:
            best = Similarity(float(s), (tx0 - lx) / k, (ty0 - ly) / k, float(score), aspect=aspect)
    return best


def agreement(rgb_a: np.ndarray, rgb_b: np.ndarray, t: Similarity) -> float:
    """How well frame A, moved by `t`, agrees with frame B inside the centre of B's
    picture (normalised cross-correlation, -1..1), measured as `estimate` measures it:
    both frames at the working width of A."""
    k = WORK_WIDTH / rgb_a.shape[1]
    a_small, b_small = _small(rgb_a, k), _small(rgb_b, k)
    return _ncc(*_centre(_moved(a_small, b_small.shape, t, k), b_small, b_small))


def motion_agreement(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], t: Similarity
) -> float | None:
    """How well the change between two frames of A (moved by `t`) agrees with the change
    between the aligned frames of B, over B's picture where A's lands on it, above the
    band of a ticker (normalised
    cross-correlation of the difference pictures, -1..1); None where neither changes
    (a still picture: no evidence either way). Look-alike rooms fit one frame, not the
    way their pictures move."""
    k = WORK_WIDTH / a[0].shape[1]
    b0, b1 = _small(b[0], k), _small(b[1], k)
    moved = _moved(_small(a[1], k) - _small(a[0], k), b0.shape, t, k)
    seen = _moved(np.ones_like(_small(a[0], k)), b0.shape, t, k) > 0.99  # A's picture in B
    x0, y0, x1, y1 = picture_box(b0.astype(np.uint8))
    y1 -= (y1 - y0) * TICKER // 100  # not the band where a ticker runs
    keep = seen[y0:y1, x0:x1]
    p, q = moved[y0:y1, x0:x1][keep], (b1 - b0)[y0:y1, x0:x1][keep]
    if p.size < 64:
        return None
    if max(float(np.abs(p).mean()), float(np.abs(q).mean())) < MOTION_MIN:
        return None
    return _ncc(p, q)


def _small(rgb: np.ndarray, k: float) -> np.ndarray:
    return cv2.resize(_gray(rgb), None, fx=k, fy=k, interpolation=cv2.INTER_AREA).astype(np.float32)


def _moved(a_small: np.ndarray, shape: tuple[int, ...], t: Similarity, k: float) -> np.ndarray:
    h, w = shape[:2]
    m = np.array([[t.scale, 0, t.tx * k], [0, t.scale_y, t.ty * k]], np.float32)
    flags = cv2.INTER_AREA if t.scale < 1 else cv2.INTER_LINEAR
    return cv2.warpAffine(a_small, m, (w, h), flags=flags)


def _centre(p: np.ndarray, q: np.ndarray, b_small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The centre of B's picture (inside its bars, a little above the middle) of p and q."""
    bx0, by0, bx1, by1 = picture_box(b_small.astype(np.uint8))
    bw, bh = bx1 - bx0, by1 - by0
    tw, th = max(8, int(bw * CENTRE)), max(8, int(bh * CENTRE))
    x0, y0 = bx0 + (bw - tw) // 2, by0 + int((bh - th) * 0.4)
    return p[y0 : y0 + th, x0 : x0 + tw].ravel(), q[y0 : y0 + th, x0 : x0 + tw].ravel()


def _ncc(p: np.ndarray, q: np.ndarray) -> float:
    p, q = p - p.mean(), q - q.mean()
    denom = float(np.sqrt((p * p).sum() * (q * q).sum()))
    return float((p * q).sum() / denom) if denom > 0 else 0.0


def inverse(t: Similarity) -> Similarity:
    return Similarity(1 / t.scale, -t.tx / t.scale, -t.ty / t.scale_y, t.score, aspect=1 / t.aspect)
