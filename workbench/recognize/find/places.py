"""Where in a candidate keyframe the word index's votes came from, so that verifying a
reference there scans the region around them rather than the whole keyframe.

A candidate is chosen because many of the reference's points meet postings of the
keyframe with one scale ratio and one angle difference (index.py). Those consistent pairs
lie on the appearance, and their scale ratio says how big it is there: a square of one and
a half times the appearance's diagonal around their densest cluster holds it, and the logo
matcher costs in proportion to the pixels it scans (a 200-px mark in a 1280x720 keyframe:
about a sixth of the pixels). Votes in several places (the mark twice in one keyframe) give up
to three regions; regions covering most of the keyframe give none: the whole keyframe is scanned.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.recognize.find.index import (
    ANGLE_BINS,
    SCALE_BINS,
    SCALE_STEP,
    Query,
    WordIndex,
    peak_bin,
)

MARGIN = 24  # px around a region: SIFT finds no point within a few px of an image's edge
WHOLE = 0.6  # regions covering more of the keyframe than this: scan the keyframe
SECOND = 0.25  # another cluster counts when it holds at least this share of the first's votes
MOST = 3  # regions a keyframe
SIZE_ERROR = 1.5  # a region reaches this many half-diagonals of the appearance (as its
#                   votes' scale says) from their centre, plus MARGIN: bench_find --frame-width
#                   1280 found true appearances needing 0.8-1.5 (edges of the frame aside)
MIN_SIDE = 64  # px: a region is at least this wide and high
Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in keyframe px


@dataclass(frozen=True)
class Votes:
    """A candidate keyframe's consistent votes (in its peak angle and scale bins)."""

    xy: np.ndarray  # (n, 2) float32: shares of the keyframe's width and height
    weight: np.ndarray  # (n,) float32
    log_scale: float  # weighted median of log2(size in the described keyframe / in the crop)


EMPTY = Votes(np.zeros((0, 2), np.float32), np.zeros(0, np.float32), 0.0)  # scan it whole


def voted(
    index: WordIndex, query: Query, hamming: int, positions: Sequence[int]
) -> dict[int, Votes]:
    """The consistent votes of each keyframe at `positions` (in `index.keys`): the pairs in
    its two best neighbouring angle bins and two best neighbouring scale bins, as the
    search scored it. One more pass over the query's words, kept to these keyframes."""
    pos = np.asarray(positions, np.int64)
    if not len(pos):
        return {}
    slot = np.full(len(index.keys), -1, np.int64)
    slot[pos] = np.arange(len(pos))
    parts: list[tuple[np.ndarray, ...]] = []
    for p in index.pairs(query, hamming):
        local = slot[p.frame]
        keep = local >= 0
        if keep.any():
            cols = (p.weight, p.angle_bin, p.scale_bin, p.log_scale, p.posting)
            parts.append((local[keep], *(c[keep] for c in cols)))
    if not parts:
        return {}
    local, weight, ab, sb, ds, rows = (np.concatenate(c) for c in zip(*parts, strict=True))
    m = len(pos)
    by_angle = np.bincount(local * ANGLE_BINS + ab, weight, m * ANGLE_BINS)
    by_scale = np.bincount(local * SCALE_BINS + sb, weight, m * SCALE_BINS)
    top_a = peak_bin(by_angle.reshape(m, ANGLE_BINS))
    top_s = peak_bin(by_scale.reshape(m, SCALE_BINS))
    good = ((ab == top_a[local]) | (ab == (top_a[local] + 1) % ANGLE_BINS)) & (
        (sb == top_s[local]) | (sb == (top_s[local] + 1) % SCALE_BINS)
    )
    local, weight, ds, rows = local[good], weight[good], ds[good], rows[good]
    xy = index.places(rows)
    order = np.argsort(local, kind="stable")
    bounds = np.searchsorted(local[order], np.arange(m + 1))
    out = {}
    for k in range(m):
        sel = order[bounds[k] : bounds[k + 1]]
        if len(sel):
            w = weight[sel].astype(np.float32)
            out[int(pos[k])] = Votes(xy[sel], w, _median(ds[sel], w) / SCALE_STEP)
    return out


def _median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cum, cum[-1] / 2)])


def regions(
    votes: Votes | None,
    ref_size: tuple[int, int],
    frame_size: tuple[int, int],
    thumb_width: int,
) -> list[Box] | None:
    """Boxes (x0, y0, x1, y1, keyframe px) to scan for a reference `ref_size` (w, h) px in
    a keyframe `frame_size` (w, h) described `thumb_width` px wide; None: scan it whole."""
    if votes is None or not len(votes.weight):
        return None
    fw, fh = frame_size
    per_px = min(1.0, thumb_width / fw)  # described px per keyframe px
    diag = math.hypot(*ref_size) * 2.0**votes.log_scale / per_px
    radius = 0.5 * diag
    half = SIZE_ERROR * radius + MARGIN
    pts = votes.xy.astype(np.float64) * (fw, fh)
    w = votes.weight.astype(np.float64)
    near = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) < radius
    free = np.ones(len(pts), bool)
    boxes: list[Box] = []
    first = 0.0
    while free.any() and len(boxes) < MOST:
        density = (near & free[None, :]) @ w * free
        i = int(density.argmax())
        inside = near[i] & free
        mass = w[inside].sum()  # 0 when every word there is in every keyframe (idf 0)
        centre = (pts[inside] * w[inside, None]).sum(0) / mass if mass > 0 else pts[inside].mean(0)
        held = float(w[free & (np.hypot(*(pts - centre).T) < radius)].sum())
        if boxes and held < SECOND * first:
            break
        first = first or held
        hx, hy = max(half, MIN_SIDE / 2), max(half, MIN_SIDE / 2)
        x0, y0 = max(0, math.floor(centre[0] - hx)), max(0, math.floor(centre[1] - hy))
        x1, y1 = min(fw, math.ceil(centre[0] + hx)), min(fh, math.ceil(centre[1] + hy))
        boxes.append((x0, y0, x1, y1))
        free &= np.hypot(*(pts - centre).T) >= 2 * radius
    area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
    return boxes if boxes and area <= WHOLE * fw * fh else None
