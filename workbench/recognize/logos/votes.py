"""From nearest neighbours to candidates: a ratio test per reference, then pose votes.

The shared index answers "which reference descriptors are nearest"; Lowe's ratio test is
applied per reference (the best match in reference r against the next-best match in r at
another place, or the farthest neighbour fetched when r has no second one), so two logos
that share a letter do not cancel each other. Each surviving match predicts where the
whole reference lies in the frame (a similarity: centre, scale, angle from the keypoint
pair); matches that agree fall into the same bin (Lowe 2004, section 7.3), and bins with
`min_votes` votes become candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.recognize.logos.features import Features
from workbench.recognize.logos.index import ReferenceIndex

SAME_PLACE_PX = 4.0  # two reference keypoints this close are the same place at another scale


@dataclass(frozen=True)
class Putative:
    query: np.ndarray  # (m,) indices into the frame's features
    train: np.ndarray  # (m,) indices into the reference index
    weight: np.ndarray  # (m,) 1 - distance ratio: how much better than the runner-up


@dataclass(frozen=True)
class Candidate:
    ref: int
    votes: int  # distinct frame keypoints that agree
    weight: float  # sum of their match weights: the ranking of candidates
    center: tuple[float, float]  # predicted centre of the reference in the frame, px
    scale: float  # predicted frame px per reference px
    angle: float  # predicted rotation, degrees (OpenCV keypoint convention)


def ratio_test(idx: np.ndarray, dist: np.ndarray, index: ReferenceIndex, ratio: float,
               squared: bool) -> Putative:  # fmt: skip
    """Per-reference ratio test over the k neighbours (sorted by distance) of each descriptor."""
    if idx.size == 0:
        return Putative(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
    order = np.arange(idx.shape[1])
    before = order[None, :, None] > order[None, None, :]  # [j, j2]: j2 comes before j
    after = order[None, :, None] < order[None, None, :]
    refs, pts = index.ref[idx], index.pts[idx]  # (n, k), (n, k, 2)
    same_ref = refs[:, :, None] == refs[:, None, :]
    first = ~np.any(same_ref & before, axis=2)  # the nearest neighbour within its reference
    far = ((pts[:, :, None, :] - pts[:, None, :, :]) ** 2).sum(axis=3) >= SAME_PLACE_PX**2
    runner_up = same_ref & far & after
    j2 = np.argmax(runner_up, axis=2)
    d2 = np.where(runner_up.any(axis=2), np.take_along_axis(dist, j2, axis=1), dist[:, -1:])
    ok = first & (dist < (ratio * ratio if squared else ratio) * d2)
    qi, kj = np.nonzero(ok)
    rel = dist[qi, kj] / np.maximum(d2[qi, kj], 1e-9)
    weight = 1.0 - (np.sqrt(rel) if squared else rel)
    return Putative(qi.astype(np.int64), idx[qi, kj], weight.astype(np.float32))


def _rotate(vectors: np.ndarray, radians: np.ndarray | float) -> np.ndarray:
    c, s = np.cos(radians), np.sin(radians)
    x, y = vectors[:, 0], vectors[:, 1]
    return np.stack([c * x - s * y, s * x + c * y], axis=1)


def pose_votes(frame: Features, putative: Putative, index: ReferenceIndex, min_votes: int,
               limit: int) -> list[Candidate]:  # fmt: skip
    """Candidates, best first, from bins of predicted (reference, centre, scale, angle)."""
    q, t, w = putative.query, putative.train, putative.weight
    if len(q) < min_votes:
        return []
    ref = index.ref[t].astype(np.int64)
    scale = frame.sizes[q] / np.maximum(index.sizes_kp[t], 1e-3)
    angle = np.deg2rad(frame.angles[q] - index.angles[t])
    center = frame.pts[q] + scale[:, None] * _rotate(index.sizes[ref] / 2 - index.pts[t], angle)
    bin_xy = np.maximum(scale * index.sizes[ref, 0] * 0.5, 8.0)  # half the predicted width
    log_s = np.log2(scale)
    turns = (np.rad2deg(angle) % 360) / 30.0
    found = []
    for off in np.ndindex(2, 2, 2, 2):  # grids shifted by half a bin in each dimension
        o = np.array(off, np.float64) * 0.5
        bx = np.floor(center[:, 0] / bin_xy + o[0]).astype(np.int64) + 8192
        by = np.floor(center[:, 1] / bin_xy + o[1]).astype(np.int64) + 8192
        bl = np.floor(log_s + o[2]).astype(np.int64) + 32
        ba = np.floor(turns + o[3]).astype(np.int64) % 12
        keys = (((ref * 16384 + bx) * 16384 + by) * 64 + bl) * 16 + ba
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        inverse = inverse.ravel()
        mi = np.flatnonzero(counts[inverse] >= min_votes)
        if not len(mi):
            continue
        # one vote per frame keypoint and bin (SIFT gives some keypoints two orientations)
        pair = inverse[mi] * (len(frame) + 1) + q[mi]
        order = np.lexsort((-w[mi], pair))
        firsts = mi[order[np.r_[True, pair[order][1:] != pair[order][:-1]]]]
        b, n = inverse[firsts], len(counts)
        votes = np.bincount(b, minlength=n)
        good = np.flatnonzero(votes >= min_votes)
        if not len(good):
            continue
        wsum = np.bincount(b, weights=w[firsts], minlength=n)

        def mean(
            v: np.ndarray, b: np.ndarray = b, n: int = n, votes: np.ndarray = votes
        ) -> np.ndarray:
            return np.bincount(b, weights=v, minlength=n) / np.maximum(votes, 1)

        cx, cy, ls = mean(center[firsts, 0]), mean(center[firsts, 1]), mean(log_s[firsts])
        deg = np.rad2deg(np.arctan2(mean(np.sin(angle[firsts])), mean(np.cos(angle[firsts]))))
        rb = np.zeros(n, np.int64)
        rb[b] = ref[firsts]
        found += [(wsum[u], votes[u], rb[u], cx[u], cy[u], 2.0 ** ls[u], deg[u]) for u in good]
    found.sort(key=lambda f: -f[0])
    out: list[Candidate] = []
    for weight, votes, r, x, y, sc, ang in found:
        reach = 0.6 * sc * float(index.sizes[r, 0])  # the same logo, found in another grid
        if any(c.ref == r and np.hypot(c.center[0] - x, c.center[1] - y) < reach for c in out):
            continue
        out.append(Candidate(int(r), int(votes), float(weight), (float(x), float(y)), float(sc),
                             float(ang)))  # fmt: skip
        if len(out) >= limit:
            break
    return out


def consistent(frame: Features, putative: Putative, index: ReferenceIndex, cand: Candidate,
               slack: float = 0.75) -> np.ndarray:  # fmt: skip
    """Indices of the putative matches to `cand.ref` that land near its predicted place."""
    q, t = putative.query, putative.train
    sel = np.flatnonzero(index.ref[t] == cand.ref)
    if not len(sel):
        return sel
    w, h = index.sizes[cand.ref]
    rel = index.pts[t[sel]] - np.array([w / 2, h / 2], np.float32)
    pred = np.array(cand.center, np.float32) + cand.scale * _rotate(rel, np.deg2rad(cand.angle))
    err = np.hypot(*(frame.pts[q[sel]] - pred).T)
    return sel[err <= slack * cand.scale * max(w, h) / 2]
