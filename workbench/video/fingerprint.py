"""Frame fingerprints for finding the same footage across uploads.

Every decoded frame gets a few 64-bit DCT perceptual hashes of its picture, computed
from the small (64x36) luma frame the shot pass already makes, so fingerprinting adds no
decoding. Black bars (letterboxing, pillarboxing) are found and cut off first; then the
active picture is hashed whole and at three centred crops (88 %, 77 %, 67 %), so a copy
cropped by up to a fifth, or one with a channel logo in a corner or a ticker along the
bottom, still agrees with the original on at least one pair of regions.

`batch_hashes` computes the same hashes for a stack of pictures at once (bit for bit
those of `region_hashes`, so the method version is the same): the pictures are grouped
by their active box, and the 8x8 coefficients of every region of every picture come from
two matrix products (`fingerprint_matrix`); a hash whose coefficients lie too close to
their median for floating point to decide (black and flat pictures) is computed again
the exact way: each region of those pictures scaled down as one strip of side-by-side
tiles, and the DCT over all rows of all tiles in one call, then over the 8 columns the
hash keeps (`cv2.dct`'s 2-D transform is its row transform, then its column one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from workbench.case.copies import StoredFingerprint
from workbench.video.fingerprint_matrix import fast_hashes

METHOD = "workbench.video.fingerprint/1"
REGIONS = (1.0, 0.88, 0.77, 0.67)  # centred crops of the active picture, as side ratios
BAR_LEVEL = 24  # 0-255 luma: a row or column darker than this everywhere is a bar
BAR_MAX = 0.3  # bars cover at most this share of the picture on each side

_HASH_SIDE = 32
_TILES = 128  # pictures scaled down side by side in one call
_BATCH = 128  # pictures the Fingerprinter hashes together


@dataclass(frozen=True, eq=False)
class FrameHashes:
    """The fingerprint of a run of frames: frame indices, their times, their region hashes."""

    indices: np.ndarray  # int64 (n,)
    times: np.ndarray  # float64 (n,), seconds
    hashes: np.ndarray  # uint64 (n, len(REGIONS))
    method: str = METHOD

    def __len__(self) -> int:
        return int(self.indices.shape[0])

    def __eq__(self, other: object) -> bool:  # equal arrays, not the same objects
        if not isinstance(other, FrameHashes):
            return NotImplemented
        return (
            self.method == other.method
            and np.array_equal(self.indices, other.indices)
            and np.array_equal(self.times, other.times)
            and np.array_equal(self.hashes, other.hashes)
        )

    def span(self, first: int, last: int) -> FrameHashes:
        """The frames `first`..`last` (by frame index) of this fingerprint."""
        lo = int(np.searchsorted(self.indices, first, "left"))
        hi = int(np.searchsorted(self.indices, last, "right"))
        return FrameHashes(self.indices[lo:hi], self.times[lo:hi], self.hashes[lo:hi], self.method)


def active_box(gray: np.ndarray) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the picture inside black bars (the whole frame when none)."""
    h, w = gray.shape[:2]
    rows = gray.max(axis=1) < BAR_LEVEL
    cols = gray.max(axis=0) < BAR_LEVEL
    y0 = _run(rows, int(h * BAR_MAX))
    y1 = h - _run(rows[::-1], int(h * BAR_MAX))
    x0 = _run(cols, int(w * BAR_MAX))
    x1 = w - _run(cols[::-1], int(w * BAR_MAX))
    if y1 - y0 < h // 3 or x1 - x0 < w // 3:  # a dark picture, not bars
        return 0, 0, w, h
    return x0, y0, x1, y1


def _run(dark: np.ndarray, limit: int) -> int:
    """How many leading entries of `dark` are True (up to `limit`)."""
    n = 0
    while n < limit and n < dark.shape[0] and dark[n]:
        n += 1
    return n


def region_hashes(gray: np.ndarray) -> np.ndarray:
    """The hashes of the active picture and its centred crops (uint64, len(REGIONS))."""
    x0, y0, x1, y1 = active_box(gray)
    active = gray[y0:y1, x0:x1].astype(np.float32)
    out = np.empty(len(REGIONS), np.uint64)
    for k, (top, left, ch, cw) in enumerate(_crops(*active.shape)):
        out[k] = _dct_hash(active[top : top + ch, left : left + cw])
    return out


def _dct_hash(img: np.ndarray) -> int:
    small = cv2.resize(img, (_HASH_SIDE, _HASH_SIDE), interpolation=cv2.INTER_AREA)
    block = cv2.dct(small)[:8, :8].flatten()
    median = float(np.partition(block[1:], 31)[31])
    bits = np.packbits(block > median, bitorder="little")
    return int.from_bytes(bits.tobytes(), "little")


class Fingerprinter:
    """Collects the hashes of frames pushed in order (their small luma pictures), hashed
    a batch at a time."""

    def __init__(self) -> None:
        self._indices: list[int] = []
        self._times: list[float] = []
        self._hashes: list[np.ndarray] = []
        self._waiting: list[np.ndarray] = []

    def push(self, index: int, time: float, gray: np.ndarray) -> None:
        if self._waiting and gray.shape != self._waiting[0].shape:
            self._flush()
        self._indices.append(index)
        self._times.append(time)
        self._waiting.append(gray)
        if len(self._waiting) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._waiting:
            self._hashes.append(batch_hashes(np.stack(self._waiting)))
            self._waiting = []

    def finish(self) -> FrameHashes:
        self._flush()
        n = len(self._indices)
        hashes = np.vstack(self._hashes) if n else np.zeros((0, len(REGIONS)), np.uint64)
        return FrameHashes(
            np.asarray(self._indices, np.int64), np.asarray(self._times, np.float64), hashes
        )


def active_boxes(grays: np.ndarray) -> np.ndarray:
    """(n, 4) `active_box` of each picture of an (n, h, w) stack."""
    h, w = grays.shape[1:]
    rows = grays.max(axis=2) < BAR_LEVEL
    cols = grays.max(axis=1) < BAR_LEVEL
    y0 = _runs(rows, int(h * BAR_MAX))
    y1 = h - _runs(rows[:, ::-1], int(h * BAR_MAX))
    x0 = _runs(cols, int(w * BAR_MAX))
    x1 = w - _runs(cols[:, ::-1], int(w * BAR_MAX))
    dark = (y1 - y0 < h // 3) | (x1 - x0 < w // 3)  # a dark picture, not bars
    boxes = np.stack([x0, y0, x1, y1], axis=1)
    boxes[dark] = (0, 0, w, h)
    return boxes


def _runs(dark: np.ndarray, limit: int) -> np.ndarray:
    """How many leading entries of each row of `dark` are True (up to `limit`)."""
    lead = np.where(dark.all(axis=1), dark.shape[1], np.argmin(dark, axis=1))
    return np.minimum(lead, limit).astype(np.int64)


def batch_hashes(grays: np.ndarray) -> np.ndarray:
    """(n, len(REGIONS)) uint64: `region_hashes` of every picture of an (n, h, w) uint8
    stack, bit for bit, computed a group of pictures with the same active box at a time."""
    n = grays.shape[0]
    out = np.empty((n, len(REGIONS)), np.uint64)
    if n == 0:
        return out
    boxes = active_boxes(grays)
    groups: list[tuple[np.ndarray, slice | np.ndarray]]
    if (boxes == boxes[0]).all():  # the usual case: one box for the whole batch
        groups = [(boxes[0], slice(None))]
    else:
        kinds, which = np.unique(boxes, axis=0, return_inverse=True)
        groups = [(box, np.flatnonzero(which.ravel() == k)) for k, box in enumerate(kinds)]
    for (x0, y0, x1, y1), members in groups:
        active = grays[members, y0:y1, x0:x1].astype(np.float32)
        h, w = active.shape[1:]
        out[members] = fast_hashes(active, _crops(h, w), _crop_hashes)
    return out


def _crops(h: int, w: int) -> tuple[tuple[int, int, int, int], ...]:
    """(top, left, height, width) of each region's centred crop of an h x w picture."""
    crops = []
    for ratio in REGIONS:
        ch, cw = max(2, round(h * ratio)), max(2, round(w * ratio))
        crops.append(((h - ch) // 2, (w - cw) // 2, ch, cw))
    return tuple(crops)


def _crop_hashes(crops: np.ndarray) -> np.ndarray:
    """(m,) uint64 hashes of (m, h, w) float32 crops, `_TILES` at a time: the crops side
    by side in one strip, scaled down in one call (every tile maps onto exactly one output
    tile), then the DCT of every row of every tile (the strip's rows, cut in 32s) and of
    the 8 kept columns, as `cv2.dct` computes the 2-D transform."""
    m, h = crops.shape[:2]
    side = _HASH_SIDE
    out = np.empty(m, np.uint64)
    for s in range(0, m, _TILES):
        part = crops[s : s + _TILES]
        n = len(part)
        strip = np.ascontiguousarray(part.transpose(1, 0, 2)).reshape(h, -1)
        small = cv2.resize(strip, (side * n, side), interpolation=cv2.INTER_AREA)
        rows = cv2.dct(small.reshape(side * n, side), flags=cv2.DCT_ROWS)  # (y, tile, u)
        cols = np.ascontiguousarray(rows.reshape(side, n, side)[:, :, :8].transpose(1, 2, 0))
        done = cv2.dct(cols.reshape(n * 8, side), flags=cv2.DCT_ROWS).reshape(n, 8, side)
        out[s : s + n] = _pack(done[:, :, :8].transpose(0, 2, 1).reshape(n, 64))
    return out


def _pack(blocks: np.ndarray) -> np.ndarray:
    """(m,) uint64 hashes: each bit says a coefficient is above the median of the AC ones."""
    median = np.partition(blocks[:, 1:], 31, axis=1)[:, 31:32]
    bits = np.packbits(blocks > median, axis=1, bitorder="little")
    return bits.view("<u8").ravel().astype(np.uint64)


def fingerprint_frames(frames: Iterable[tuple[int, float, np.ndarray]]) -> FrameHashes:
    """The fingerprint of (index, time, small luma picture) triples."""
    fp = Fingerprinter()
    for index, time, gray in frames:
        fp.push(index, time, gray)
    return fp.finish()


def to_blobs(fp: FrameHashes) -> tuple[bytes, bytes, bytes]:
    """Little-endian bytes of indices, times and hashes (for the case store)."""
    return (
        fp.indices.astype("<i8").tobytes(),
        fp.times.astype("<f8").tobytes(),
        fp.hashes.astype("<u8").tobytes(),
    )


def from_blobs(indices: bytes, times: bytes, hashes: bytes, method: str = METHOD) -> FrameHashes:
    idx = np.frombuffer(indices, "<i8").astype(np.int64)
    regions = len(REGIONS)
    return FrameHashes(
        idx,
        np.frombuffer(times, "<f8").astype(np.float64),
        np.frombuffer(hashes, "<u8").astype(np.uint64).reshape(-1, regions),
        method,
    )


def stored_record(video_sha256: str, fp: FrameHashes) -> StoredFingerprint:
    """The case-store record of a video's fingerprint."""
    indices, times, hashes = to_blobs(fp)
    return StoredFingerprint(video_sha256, fp.method, len(fp), indices, times, hashes)


def from_record(record: StoredFingerprint) -> FrameHashes:
    return from_blobs(record.indices, record.times, record.hashes, record.method)
