"""Temporal stacking: align a frame's neighbours to it and take their median (or mean),
which lowers sensor and compression noise on still content such as a screen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from workbench.video.errors import VideoError
from workbench.video.frames import FrameReader, FrameRef

ALIGN = ("ecc", "phase", "none")
REDUCE = ("median", "mean")


@dataclass(frozen=True)
class StackResult:
    rgb: np.ndarray
    refs: tuple[FrameRef, ...]  # the frames used, reference frame first
    shifts: tuple[tuple[float, float], ...]  # (dx, dy) of each frame onto the reference
    method: str  # e.g. "stack:n=5,align=phase,reduce=median"


def stack_frames(
    reader: FrameReader, index: int, n: int = 5, align: str = "phase", reduce: str = "median"
) -> StackResult:
    """Stack frame `index` with its neighbours: `n` frames centred on it, within the video."""
    if n < 1:
        raise VideoError("Stacking needs at least one frame.")
    first = min(max(0, index - n // 2), max(0, len(reader) - n))
    last = min(len(reader) - 1, first + n - 1)
    frames = {f.ref.index: f for f in reader.iter_range(first, last)}
    order = [index] + [i for i in range(first, last + 1) if i != index]
    rgb, shifts = stack_arrays([frames[i].rgb for i in order], align=align, reduce=reduce)
    return StackResult(
        rgb,
        tuple(frames[i].ref for i in order),
        tuple(shifts),
        f"stack:n={n},align={align},reduce={reduce}",
    )


def stack_arrays(
    frames: Sequence[np.ndarray], align: str = "phase", reduce: str = "median"
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Align every frame to the first (translation only), then reduce pixel-wise."""
    if align not in ALIGN or reduce not in REDUCE:
        raise VideoError(f"align is one of {ALIGN} and reduce one of {REDUCE}.")
    ref = np.asarray(frames[0])
    ref_gray = cv2.cvtColor(ref, cv2.COLOR_RGB2GRAY).astype(np.float32)
    h, w = ref_gray.shape
    aligned: list[np.ndarray] = [ref.astype(np.float32)]
    shifts = [(0.0, 0.0)]
    for frame in frames[1:]:
        gray = cv2.cvtColor(np.asarray(frame), cv2.COLOR_RGB2GRAY).astype(np.float32)
        dx, dy = _shift(ref_gray, gray, align)
        matrix = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
        moved = cv2.warpAffine(
            np.asarray(frame).astype(np.float32),
            matrix,
            (w, h),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE,
        )
        aligned.append(moved)
        shifts.append((round(dx, 3), round(dy, 3)))
    stack = np.stack(aligned)
    out = np.median(stack, axis=0) if reduce == "median" else stack.mean(axis=0)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8), shifts


def _shift(ref: np.ndarray, img: np.ndarray, align: str) -> tuple[float, float]:
    """Where `img` sits relative to `ref`: sample img at (x + dx, y + dy) to match ref."""
    if align == "none":
        return 0.0, 0.0
    window = cv2.createHanningWindow(ref.shape[::-1], cv2.CV_32F)
    (dx, dy), _ = cv2.phaseCorrelate(ref, img, window)
    if align == "phase":
        return float(dx), float(dy)
    warp: np.ndarray = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 100, 1e-6)
    try:
        # gaussFiltSize is OpenCV's default, 5
        _, warp = cv2.findTransformECC(ref, img, warp, cv2.MOTION_TRANSLATION, criteria, None)
    except cv2.error:
        return float(dx), float(dy)  # ECC did not converge: keep the phase estimate
    return float(warp[0, 2]), float(warp[1, 2])
