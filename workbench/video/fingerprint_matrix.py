"""The fingerprint's hashes as matrix products, with an exact fallback.

A region hash scales a centred crop of the active picture down to 32x32 (`cv2.resize`,
INTER_AREA), takes the 8x8 lowest frequencies of its DCT and keeps one bit a coefficient:
above the median of the 63 AC ones or not. Scaling and the DCT are both linear and
separable, so the 64 coefficients of every region are `A @ picture @ B` for two small
matrices that depend only on the active picture's size: `A` (8 rows a region) is the
DCT's first 8 rows times OpenCV's row weights, `B` the same for columns. The weights are
read off `cv2.resize` itself (it maps a picture whose column j is 1 to rows that are its
column weights), so every interpolation path OpenCV takes (area, or its linear form when
a side grows) is the one the exact function takes.

Floating point differs from OpenCV's own order of operations by up to ~3e-7 of a block's
largest coefficient (measured), so a bit can differ only where a coefficient lies about
that close to the median; such "fragile"
hashes (black and flat pictures above all: their AC coefficients are rounding noise) are
computed again by the exact path. Every hash is therefore bit for bit the one
`fingerprint.region_hashes` gives, and the method version does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import cv2
import numpy as np
from threadpoolctl import ThreadpoolController

SIDE = 32  # the side a region is scaled down to
KEEP = 8  # the lowest frequencies kept on each axis
UNIT_FLOATS = 4_000_000  # unit pictures made at once, in floats (16 MB), for big pictures
WORTH_MAPS = 96  # pictures of one size before its matrices are made (~3 ms a size)
MARGIN = 2e-5  # of the block's largest coefficient: ~60x the largest difference measured


def _dct_rows() -> np.ndarray:
    """(8, 32) float64: the first 8 rows of OpenCV's orthonormal DCT-II of 32 points."""
    return cv2.dct(np.eye(SIDE, dtype=np.float64), flags=cv2.DCT_ROWS).T[:KEEP]  # row x: D e_x


def _weights(shape: tuple[int, int], axis: int) -> np.ndarray:
    """(32, n) float64: how `cv2.resize(INTER_AREA)` of a picture of `shape` to 32x32 mixes
    the picture's rows (axis 0) or columns (axis 1) into its output rows or columns. Unit
    pictures (row or column j set to 1) go through a call as the channels of one picture
    (OpenCV scales channels alike and apart): up to 512 where OpenCV's area path takes
    them (fewer for big pictures: `UNIT_FLOATS`), 4 where a side grows (its linear path
    takes at most 4)."""
    n = shape[axis]
    roomy = max(4, min(512, UNIT_FLOATS // max(1, shape[0] * shape[1])))
    try:
        return _unit_responses(shape, axis, roomy)
    except cv2.error:
        return _unit_responses(shape, axis, 4) if n else np.zeros((SIDE, 0))


def _unit_responses(shape: tuple[int, int], axis: int, channels: int) -> np.ndarray:
    h, w = shape
    n = shape[axis]
    out = np.empty((SIDE, n), np.float64)
    for first in range(0, n, channels):
        which = np.arange(first, min(n, first + channels))
        units = np.zeros((h, w, len(which)), np.float32)
        if axis == 1:
            units[:, which, np.arange(len(which))] = 1.0
        else:
            units[which, :, np.arange(len(which))] = 1.0
        scaled = cv2.resize(units, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
        scaled = scaled.reshape(SIDE, SIDE, len(which))  # one channel comes back 2-D
        out[:, which] = scaled.mean(axis=0 if axis == 1 else 1)
    return out


_seen: dict[tuple[tuple[int, int, int, int], ...], int] = {}  # pictures hashed, by size


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    """The process's BLAS thread pools (looked up once: it lists the loaded libraries)."""
    return ThreadpoolController()


@lru_cache(maxsize=64)
def region_maps(h: int, w: int, crops: tuple[tuple[int, int, int, int], ...]) -> tuple:
    """For an active picture of h x w and its crops (top, left, height, width): `a` (8 *
    regions, h) and `b` (w, 8 * regions), float32, such that region r's coefficients are
    `a[8r:8r+8] @ picture @ b[:, 8r:8r+8]`."""
    dct = _dct_rows()
    a = np.zeros((KEEP * len(crops), h), np.float64)
    b = np.zeros((w, KEEP * len(crops)), np.float64)
    for r, (top, left, ch, cw) in enumerate(crops):
        a[KEEP * r : KEEP * (r + 1), top : top + ch] = dct @ _weights((ch, cw), 0)
        b[left : left + cw, KEEP * r : KEEP * (r + 1)] = (dct @ _weights((ch, cw), 1)).T
    return a.astype(np.float32), b.astype(np.float32)


def coefficients(pictures: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(regions, n, 64) float32: the 8x8 coefficients of every region of every picture of an
    (n, h, w) float32 stack, row-major as `cv2.dct(...)[:8, :8].flatten()` gives them."""
    n, h, w = pictures.shape
    regions = a.shape[0] // KEEP
    right = (pictures.reshape(n * h, w) @ b).reshape(n, h, regions * KEEP)
    both = a @ np.ascontiguousarray(right.transpose(1, 0, 2)).reshape(h, n * regions * KEEP)
    both = both.reshape(regions, KEEP, n, regions, KEEP)
    picked = both[np.arange(regions), :, :, np.arange(regions), :]  # (regions, 8, n, 8)
    return np.ascontiguousarray(picked.transpose(0, 2, 1, 3)).reshape(regions, n, KEEP * KEEP)


def pack(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (m,) uint64 hashes of (m, 64) coefficient blocks (a bit a coefficient: above the
    median of the 63 AC ones), and which of them are fragile: the median's upper neighbour
    or the DC coefficient lies within `MARGIN` of the block's scale from the median."""
    ordered = np.partition(blocks[:, 1:], (31, 32), axis=1)
    median, above = ordered[:, 31:32], ordered[:, 32]
    bits = np.packbits(blocks > median, axis=1, bitorder="little")
    scale = np.abs(blocks).max(axis=1)
    near = MARGIN * np.maximum(scale, 1.0)
    fragile = (above - median[:, 0] < near) | (np.abs(blocks[:, 0] - median[:, 0]) < near)
    return bits.view("<u8").ravel().astype(np.uint64), fragile


def fast_hashes(
    active: np.ndarray,
    crops: tuple[tuple[int, int, int, int], ...],
    exact: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """(n, regions) uint64 hashes of the crops of an (n, h, w) float32 stack of active
    pictures: matrix products, and `exact(crop_stack)` for the fragile ones."""
    n, h, w = active.shape
    _seen[crops] = _seen.get(crops, 0) + n
    if _seen[crops] < WORTH_MAPS:  # a size met rarely: making its matrices costs more
        return np.stack([exact(active[:, t : t + ch, x : x + cw]) for t, x, ch, cw in crops], 1)
    a, b = region_maps(h, w, crops)
    with _blas().limit(limits=1, user_api="blas"):  # products this small lose to threads
        blocks = coefficients(active, a, b)
    out = np.empty((n, len(crops)), np.uint64)
    for r, (top, left, ch, cw) in enumerate(crops):
        hashes, fragile = pack(blocks[r])
        if fragile.any():
            redo = np.flatnonzero(fragile)
            hashes[redo] = exact(active[redo, top : top + ch, left : left + cw])
        out[:, r] = hashes
    return out
