"""Verification of a candidate, and its score.

1. A homography reference -> frame from the candidate's matches (OpenCV's USAC_ACCURATE
   RANSAC, then least squares on the inliers).
2. Sanity of the projected quad: convex, not mirrored, not tiny, corners between 35 and
   145 degrees, opposite sides within 3x, aspect within 3x of the reference's.
3. The appearance check (appearance()) and the score below.
4. The fit polished on pixels (ECC) when that moves the corners only a little, so the
   quad follows the logo's outline rather than where its keypoints happen to be.

Score
-----
A candidate that survives RANSAC (at least `min_inliers` distinct inliers) and whose
projected quad is one a camera can make of a flat logo is scored from two numbers that
mean the same for every logo:

* `look`: how alike the frame inside the quad and the reference are (appearance());
  the mean normalised cross-correlation over the textured cells of the reference, in
  0..1. A different logo that shares a symbol or a word agrees only in those cells;
* `inliers`: distinct RANSAC inliers (once per 2 px cell in both images).

    score = look * (1 - exp(-inliers / 4))

so a logo that looks the same (look 0.9) is scored 0.75 on 6 inliers and 0.88 on 10. The
default threshold 0.5 is the one bench/bench_logos.py measures precision and recall at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from workbench.recognize.logos.index import ReferenceIndex, cells

INLIER_SCALE = 4.0
LOOK_GRID = (4, 2)  # cells (across, down) of the appearance check
MIN_TEXTURE = 6.0  # grey-level std below which a cell of the reference counts as flat
MIN_LOOK_TO_ALIGN = 0.3  # below this, polishing the fit on pixels is not worth it
MAX_POLISH_MOVE = 0.2  # share of the quad's width a polish may move a corner (strong
# perspective on a small logo: keypoints on one side extrapolate the other side badly)


@dataclass(frozen=True)
class Verified:
    ref: int
    homography: np.ndarray  # 3x3, reference px -> frame px
    quad: np.ndarray  # (4, 2) float32: TL, TR, BR, BL of the reference in frame px
    inliers: int  # distinct
    matches: int  # putative matches given to RANSAC
    coverage: float  # share of the reference's textured cells holding an inlier
    polarity: int  # 0 as drawn, 1 inverted
    look: float = 0.0  # appearance agreement, see appearance()
    score: float = 0.0
    word: float = 0.0  # similarity of the words read to the reference's (words.py); 0: unread


def score(inliers: int, look: float) -> float:
    return look * (1.0 - math.exp(-inliers / INLIER_SCALE))


def distinct(points: np.ndarray, cell: float = 2.0) -> int:
    return len(np.unique(np.floor(points / cell).astype(np.int64), axis=0)) if len(points) else 0


def quad_ok(quad: np.ndarray, ref_size: tuple[float, float], min_area: float = 200.0) -> bool:
    """Reject projections no camera makes of a flat logo: folded, mirrored, tiny, sheared."""
    if not np.all(np.isfinite(quad)):
        return False
    edges = np.roll(quad, -1, axis=0) - quad  # TL->TR, TR->BR, BR->BL, BL->TL
    nxt = np.roll(edges, -1, axis=0)
    cross = edges[:, 0] * nxt[:, 1] - edges[:, 1] * nxt[:, 0]
    if not np.all(cross > 0):  # convex and not mirrored (clockwise on screen)
        return False
    lengths = np.hypot(edges[:, 0], edges[:, 1])
    if lengths.min() < 6 or cv2.contourArea(quad) < min_area:
        return False
    if max(lengths[0] / lengths[2], lengths[2] / lengths[0]) > 3.0:
        return False
    if max(lengths[1] / lengths[3], lengths[3] / lengths[1]) > 3.0:
        return False
    cosines = -(edges * np.roll(edges, 1, axis=0)).sum(1) / (lengths * np.roll(lengths, 1))
    if np.any(np.abs(cosines) > math.cos(math.radians(35))):  # corners within 35..145 degrees
        return False
    aspect = (lengths[0] + lengths[2]) / (lengths[1] + lengths[3])
    ref_aspect = ref_size[0] / ref_size[1]
    return 1 / 3 <= aspect / ref_aspect <= 3


def _compare_scale(h_mat: np.ndarray, w: int, h: int) -> float:
    """Reference px -> comparison px: the size the logo has in the frame, at most 1."""
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    quad = cv2.perspectiveTransform(corners[None], h_mat)[0]
    width = (np.hypot(*(quad[1] - quad[0])) + np.hypot(*(quad[2] - quad[3]))) / 2
    return float(np.clip(width / w, 48 / w, 1.0))


def _template(ref_gray: np.ndarray, k: float, inverted: bool) -> np.ndarray:
    h, w = ref_gray.shape
    size = (max(8, round(w * k)), max(8, round(h * k)))
    ref = cv2.resize(ref_gray, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    return 255 - ref if inverted else ref


def appearance(frame_gray: np.ndarray, h_mat: np.ndarray, ref_gray: np.ndarray,
               inverted: bool) -> float:  # fmt: skip
    """How alike the frame inside the quad and the reference look, 0..1.

    The frame is warped back onto the reference at the size the logo has in the frame,
    and both are compared cell by cell (LOOK_GRID) by normalised cross-correlation, so
    brightness and contrast do not matter; cells are weighted by the reference's texture
    and flat cells are left out. A different logo that shares a symbol or a word with the
    reference agrees in those cells only, and disagreeing cells pull the mean down.
    """
    k = _compare_scale(h_mat, *ref_gray.shape[::-1])
    ref = _template(ref_gray, k, inverted)
    ch, cw = ref.shape
    to_frame = h_mat @ np.diag([1 / k, 1 / k, 1.0])
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    patch: np.ndarray = cv2.warpPerspective(frame_gray, to_frame, (cw, ch), flags=flags,
                                borderMode=cv2.BORDER_REPLICATE).astype(np.float32)  # fmt: skip
    patch, ref = cv2.GaussianBlur(patch, (0, 0), 1.0), cv2.GaussianBlur(ref, (0, 0), 1.0)
    total = weight = 0.0
    gx, gy = LOOK_GRID
    for i, j in np.ndindex(gy, gx):
        ys = slice(i * ch // gy, (i + 1) * ch // gy)
        xs = slice(j * cw // gx, (j + 1) * cw // gx)
        a, b = ref[ys, xs], patch[ys, xs]
        sa, sb = float(a.std()), float(b.std())
        if sa < MIN_TEXTURE:
            continue  # a flat part of the reference says nothing
        total += sa * float(((a - a.mean()) * (b - b.mean())).mean() / (sa * max(sb, 1e-3)))
        weight += sa
    return max(0.0, total / weight) if weight else 0.0


def align(frame_gray: np.ndarray, h_mat: np.ndarray, ref_gray: np.ndarray,
          inverted: bool) -> np.ndarray | None:  # fmt: skip
    """The homography polished on pixels (ECC, Evangelidis & Psarakis 2008), or None.

    Feature inliers bunch where the texture is; aligning the whole reference on the
    frame puts the corners of the quad within a pixel or two.
    """
    h, w = ref_gray.shape
    k = _compare_scale(h_mat, w, h)
    tmpl = _template(ref_gray, k, inverted)
    outline = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    corners = cv2.perspectiveTransform(outline[None], h_mat)[0]
    pad = 0.2 * float(np.ptp(corners[:, 0])) + 4
    x0, y0 = np.maximum(np.floor(corners.min(0) - pad).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(corners.max(0) + pad).astype(int), frame_gray.shape[1::-1])
    if x1 - x0 < 16 or y1 - y0 < 16:
        return None
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64)
    warp = (shift @ h_mat @ np.diag([1 / k, 1 / k, 1.0])).astype(np.float32)
    warp /= warp[2, 2]
    crop = frame_gray[y0:y1, x0:x1].astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 40, 1e-4)
    try:
        # OpenCV's stubs want a mask array with gaussFiltSize; the binding takes None (no mask)
        _, warp = cv2.findTransformECC(tmpl, crop, warp, cv2.MOTION_HOMOGRAPHY, criteria, None, 3)  # type: ignore[call-overload]
    except cv2.error:  # did not converge
        return None
    return np.linalg.inv(shift) @ warp.astype(np.float64) @ np.diag([k, k, 1.0])


def verify(
    index: ReferenceIndex,
    ref: int,
    ref_pts: np.ndarray,
    frame_pts: np.ndarray,
    polarity: np.ndarray,
    threshold: float,
    min_inliers: int,
) -> Verified | None:
    """Fit reference -> frame, check the quad, and score the fit; None when it fails."""
    if len(ref_pts) < max(4, min_inliers):
        return None
    h_mat, mask = cv2.findHomography(
        ref_pts, frame_pts, cv2.USAC_ACCURATE, threshold, maxIters=3000, confidence=0.995
    )
    if h_mat is None or mask is None:
        return None
    inl = mask.ravel().astype(bool)
    if inl.sum() >= 8:  # polish on the inliers (least squares)
        polished, _ = cv2.findHomography(ref_pts[inl], frame_pts[inl], 0)
        if polished is not None:
            h_mat = polished
    n_inl = min(distinct(frame_pts[inl]), distinct(ref_pts[inl]))
    if n_inl < min_inliers:
        return None
    w, h = index.sizes[ref]
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    quad = cv2.perspectiveTransform(corners[None], h_mat)[0]
    if not quad_ok(quad, (float(w), float(h))):
        return None
    occupied = index.occupied[ref]
    hit = (cells(ref_pts[inl], (float(w), float(h))) > 0) & occupied
    cov = float(hit.sum() / max(occupied.sum(), 1))
    pol = 1 if float(polarity[inl].mean()) > 0.5 else 0
    return Verified(ref, h_mat, quad, n_inl, len(ref_pts), cov, pol)


def judged(v: Verified, frame_gray: np.ndarray, ref_gray: np.ndarray) -> Verified:
    """`v` scored, and its homography polished on pixels where that moves it a little.

    The score uses the appearance under the feature fit, before polishing: aligning on
    pixels also flatters a lookalike a little, and the score should not.
    """
    inverted = bool(v.polarity)
    look = appearance(frame_gray, v.homography, ref_gray, inverted)
    v = replace(v, look=look, score=score(v.inliers, look))
    if look < MIN_LOOK_TO_ALIGN:
        return v
    polished = align(frame_gray, v.homography, ref_gray, inverted)
    if polished is None:
        return v
    h, w = ref_gray.shape
    outline = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    quad = cv2.perspectiveTransform(outline[None], polished)[0]
    moved = float(np.abs(quad - v.quad).max())
    if not quad_ok(quad, (w, h)) or moved > MAX_POLISH_MOVE * float(np.ptp(v.quad[:, 0])):
        return v
    if appearance(frame_gray, polished, ref_gray, inverted) <= look:
        return v
    return replace(v, homography=polished, quad=quad)


__all__ = ["Verified", "align", "appearance", "judged", "quad_ok", "score", "verify"]
