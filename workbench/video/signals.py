"""Per-frame signals for shot and keyframe decisions, from tiny downscaled frames.

Each signal depends only on its frame and the `dissolve_window` frames before it, so a
video can be cut into segments, scanned in parallel (each segment warmed up on the
frames just before it) and give exactly the signals one pass would give.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

import cv2
import numpy as np

from workbench.video.decoder import upright


@dataclass(frozen=True)
class ScanParams:
    """Every threshold of the shot and keyframe pass; their hash keys stored results."""

    width: int = 64  # analysis frame size (the frame is scaled down to this first)
    height: int = 36
    cut_threshold: float = 30.0  # Lab mean abs difference (L + a + b) for a hard cut
    cut_ratio: float = 2.5  # ... and this many times the shot's recent average difference
    cut_area: float = 0.5  # ... over at least this share of the picture (a panel opening
    #                       on a screen changes a part of it: that is no cut)
    min_shot_frames: int = 6
    flash_frames: int = 5  # a jump that returns to the picture before it within this many
    flash_return: float = 0.35  # frames (luma change back under this share of the jump,
    flash_back: float = 6.0  # or under this 0-255 level) is a flash or strobe, not a cut
    black_level: float = 20.0  # mean luma (0-255) under which a frame counts as black
    dissolve_window: int = 24  # frames; a dissolve is checked over this window
    dissolve_change: float = 0.3  # mean abs difference of the window's normalised ends
    dissolve_residual: float = 0.25  # worst misfit of a middle frame as a blend of the ends
    max_dissolve_frames: int = 48  # a longer gradual change is decided when it reaches this
    phash_distance: int = 20  # bits of 64 that make a new keyframe inside a shot
    region_change: float = 28.0  # or: this change (0-255) of a 16x9-grid cell, after
    region_fraction: float = 0.1  # aligning for camera motion, in this share of the cells
    min_contrast: float = 6.0  # frames flatter than this (luma std) never become keyframes
    min_keyframe_gap_s: float = 0.25

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class FrameSignal:
    index: int
    time: float
    diff: float  # Lab difference to the previous frame (0 for the first frame scanned)
    changed: float  # share of the picture that changed by `cut_threshold` or more
    luma: float  # mean luma 0-255
    contrast: float  # luma standard deviation
    phash: int  # 64-bit perceptual hash (DCT)
    gray: np.ndarray  # the analysis frame's luma, uint8
    dissolve: float | None  # where a gradual transition crosses half-way, if one is seen


# planar 8-bit YUV formats read straight from the decoder's planes: (full range?)
_PLANAR = {"yuv420p": False, "yuv422p": False, "yuv444p": False, "yuvj420p": True}
_PLANAR |= {"yuvj422p": True, "yuvj444p": True}
SUBSAMPLE = 5  # planes are sampled down to about 5x the analysis size before averaging


def small_frame(av_frame: Any, params: ScanParams, rotation: int) -> np.ndarray:
    """The frame scaled down (area average) to the analysis size, upright, RGB.

    Planar 8-bit YUV (nearly every camera and broadcast codec) is averaged plane by plane
    straight from the decoder's buffers and only then turned into RGB (BT.601), 64x36
    pixels instead of a full-size conversion: this step costs as much as decoding when
    it goes through a full-size scaler."""
    size = (params.width, params.height)
    full = _PLANAR.get(av_frame.format.name)
    if full is None:
        small = av_frame.reformat(
            width=size[0], height=size[1], format="rgb24", interpolation="AREA", threads=1
        ).to_ndarray()
        return upright(small, rotation)
    if av_frame.color_range == 2:  # AVCOL_RANGE_JPEG
        full = True
    w, h = av_frame.width, av_frame.height
    planes = []
    for k, plane in enumerate(av_frame.planes):
        pw, ph = (w, h) if k == 0 else (plane.width, plane.height)
        data = np.frombuffer(plane, np.uint8).reshape(ph, plane.line_size)[:, :pw]
        step = max(1, min(pw // (size[0] * SUBSAMPLE), ph // (size[1] * SUBSAMPLE)))
        if step > 1:  # every step-th pixel first: a 1280-wide plane costs what a 320 one does
            data = data[::step, ::step]
        planes.append(cv2.resize(data, size, interpolation=cv2.INTER_AREA).astype(np.float32))
    y, u, v = planes
    return upright(_yuv_to_rgb(y, u, v, full=full), rotation)


def _yuv_to_rgb(y: np.ndarray, u: np.ndarray, v: np.ndarray, full: bool) -> np.ndarray:
    """BT.601 YUV (limited or full range) to RGB uint8."""
    yuv = np.stack([y, u, v], axis=2).reshape(-1, 3)
    matrix, offset = _FULL if full else _LIMITED
    rgb = yuv @ matrix + offset
    return np.clip(rgb, 0, 255).astype(np.uint8).reshape(y.shape[0], y.shape[1], 3)


def _yuv_matrix(scale: float, cr: float, cg_u: float, cg_v: float, cb: float, y0: float):
    """(3x3 matrix, offset) so that rgb = [y, u, v] @ matrix + offset (rounded on +0.5)."""
    m = np.array([[scale, scale, scale], [0.0, -cg_u, cb], [cr, -cg_v, 0.0]], np.float32)
    offset = -np.array([y0, 128.0, 128.0], np.float32) @ m + 0.5
    return m, offset


_FULL = _yuv_matrix(1.0, 1.402, 0.344136, 0.714136, 1.772, 0.0)
_LIMITED = _yuv_matrix(255 / 219, 1.596027, 0.391762, 0.812968, 2.017232, 16.0)


def phash64(gray: np.ndarray) -> int:
    """DCT perceptual hash: the 8x8 lowest frequencies of a 32x32 image, against their median."""
    img = cv2.resize(gray.astype(np.float32), (32, 32), interpolation=cv2.INTER_AREA)
    block = cv2.dct(img)[:8, :8].flatten()
    median = float(np.partition(block[1:], 31)[31])  # the median of the 63 AC terms
    bits = np.packbits(block > median, bitorder="little")  # bit k is term k
    return int.from_bytes(bits.tobytes(), "little")


def hamming(a: int, b: int) -> int:
    return bin(a ^ b).count("1")


def region_change(before: np.ndarray, after: np.ndarray, threshold: float) -> float:
    """Share of 4x4-pixel cells that changed by `threshold` or more once the global shift
    between the two frames (camera motion, by phase correlation) and any change of overall
    brightness and contrast (fades, exposure) are taken out."""
    a, b = before.astype(np.float32), after.astype(np.float32)
    a = (a - a.mean()) * (float(b.std()) / max(float(a.std()), 1.0)) + b.mean()
    (dx, dy), _ = cv2.phaseCorrelate(a, b)
    shift = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
    h, w = a.shape
    moved = cv2.warpAffine(a, shift, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    inside = cv2.warpAffine(np.ones_like(a), shift, (w, h), flags=cv2.INTER_LINEAR) > 0.999
    diff = np.abs(moved - b) * inside
    size = (max(1, w // 4), max(1, h // 4))
    cells = cv2.resize(diff, size, interpolation=cv2.INTER_AREA)
    valid = cv2.resize(inside.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.999
    count = int(valid.sum())
    return float(((cells >= threshold) & valid).sum()) / count if count else 0.0


def _lab_change(a: np.ndarray, b: np.ndarray, threshold: float) -> tuple[float, float]:
    """Mean Lab difference (L + a + b), and the share of 4x4 cells changed by `threshold`."""
    d = np.abs(a.astype(np.float32) - b.astype(np.float32)).sum(axis=2)
    h, w = d.shape
    cells = cv2.resize(d, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    return float(d.mean()), float((cells >= threshold).mean())


def _aligned_lab_change(
    before: np.ndarray, after: np.ndarray, threshold: float
) -> tuple[float, float]:
    """The same, once the global shift between the frames (camera shake) is taken out."""
    a, b = before.astype(np.float32), after.astype(np.float32)
    (dx, dy), _ = cv2.phaseCorrelate(a[:, :, 0], b[:, :, 0])
    h, w = a.shape[:2]
    m = int(np.ceil(max(abs(dx), abs(dy)))) + 1
    if 2 * m >= min(h, w) - 8:
        return float("inf"), 1.0
    shift = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
    moved = cv2.warpAffine(a, shift, (w, h), flags=cv2.INTER_LINEAR)
    return _lab_change(moved[m : h - m, m : w - m], b[m : h - m, m : w - m], threshold)


class SignalExtractor:
    """Turns consecutive small frames into `FrameSignal`s; memory is one short window."""

    def __init__(self, params: ScanParams):
        self.p = params
        self._prev_lab: np.ndarray | None = None
        self._prev_index = -2
        self._window: deque[tuple[int, np.ndarray, float]] = deque(
            maxlen=params.dissolve_window + 1
        )

    def push(self, index: int, time: float, small_rgb: np.ndarray) -> FrameSignal:
        if index != self._prev_index + 1:  # a gap (or the start): no history to compare with
            self._prev_lab = None
            self._window.clear()
        self._prev_index = index
        lab = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2Lab).astype(np.int16)
        diff, changed = 0.0, 0.0
        if self._prev_lab is not None:
            diff, changed = _lab_change(self._prev_lab, lab, self.p.cut_threshold)
            if diff >= self.p.cut_threshold:  # maybe the camera shook: compare aligned frames
                aligned = _aligned_lab_change(self._prev_lab, lab, self.p.cut_threshold)
                diff, changed = min((diff, changed), aligned)
        self._prev_lab = lab
        gray = lab[:, :, 0].astype(np.float32)
        luma, contrast = float(gray.mean()), float(gray.std())
        self._window.append((index, gray.reshape(-1), luma))
        return FrameSignal(
            index=index,
            time=time,
            diff=round(diff, 4),
            changed=round(changed, 4),
            luma=round(luma, 4),
            contrast=round(contrast, 4),
            phash=phash64(gray),
            gray=lab[:, :, 0].astype(np.uint8),
            dissolve=self._dissolve(),
        )

    def _dissolve(self) -> float | None:
        """Half-way point of a blend from the window's first frame to its last, if it is one."""
        p, window = self.p, self._window
        if len(window) < p.dissolve_window + 1:
            return None
        (_, a, luma_a), (_, b, luma_b) = window[0], window[-1]
        if min(luma_a, luma_b) < 2 * p.black_level:
            return None  # fades to and from black are the fade rule's business
        za = (a - a.mean()) / max(float(a.std()), 4.0)
        zb = (b - b.mean()) / max(float(b.std()), 4.0)
        if float(np.abs(za - zb).mean()) < p.dissolve_change:
            return None
        frames = np.stack([g for _, g, _ in window])
        d = a - b
        alpha = (frames - b) @ d / float(d @ d)
        fit = alpha[:, None] * a + (1 - alpha[:, None]) * b
        misfit = np.abs(frames - fit).mean(axis=1) / float(np.abs(d).mean())
        if float(misfit.max()) > p.dissolve_residual or float(np.max(-np.diff(alpha))) > 0.5:
            return None
        below = np.nonzero(alpha <= 0.5)[0]
        j = int(below[0])
        if j == 0:
            return None
        start = window[0][0]
        step = float(alpha[j - 1] - alpha[j])
        return start + (j - 1) + (float(alpha[j - 1]) - 0.5) / step if step > 0 else start + j
