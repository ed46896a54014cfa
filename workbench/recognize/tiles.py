"""Which parts of a keyframe need reading again: tiles that changed since the last read.

A screen seen for a minute is read once: within a shot, each keyframe is compared tile by
tile (on a downscaled grey copy) with the last keyframe that was read, and only the
changed tiles, grown by a margin and merged into rectangles, go to the OCR engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.recognize.records import BBox


@dataclass(frozen=True)
class TileParams:
    cols: int = 16
    rows: int = 9
    threshold: float = 6.0  # mean absolute grey difference (0-255) that marks a tile changed
    grow_x: int = 2  # tiles added left and right (text lines run horizontally)
    grow_y: int = 1
    whole_frame_above: float = 0.6  # read the whole frame when this share of tiles changed
    work_width: int = 320


def small_gray(rgb: np.ndarray, width: int = 320) -> np.ndarray:
    import cv2

    h, w = rgb.shape[:2]
    height = max(1, round(h * width / w))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return cv2.resize(gray, (width, height), interpolation=cv2.INTER_AREA)


def changed_tiles(prev: np.ndarray, cur: np.ndarray, params: TileParams) -> np.ndarray:
    """Boolean (rows, cols) mask of tiles whose content changed."""
    diff = np.abs(cur.astype(np.int16) - prev.astype(np.int16)).astype(np.float32)
    h, w = diff.shape
    mask = np.zeros((params.rows, params.cols), bool)
    for r in range(params.rows):
        for c in range(params.cols):
            tile = diff[
                r * h // params.rows : (r + 1) * h // params.rows,
                c * w // params.cols : (c + 1) * w // params.cols,
            ]
            mask[r, c] = tile.size > 0 and float(tile.mean()) > params.threshold
    return mask


def regions_to_read(
    prev: np.ndarray | None, cur: np.ndarray, frame_size: tuple[int, int], params: TileParams
) -> list[BBox]:
    """Rectangles (frame pixels) to read in the current keyframe; [] when nothing changed."""
    import cv2

    width, height = frame_size
    if prev is None or prev.shape != cur.shape:
        return [(0, 0, width, height)]
    mask = changed_tiles(prev, cur, params)
    if not mask.any():
        return []
    if mask.mean() >= params.whole_frame_above:
        return [(0, 0, width, height)]
    kernel = np.ones((2 * params.grow_y + 1, 2 * params.grow_x + 1), np.uint8)
    grown = cv2.dilate(mask.astype(np.uint8), kernel)
    count, labels = cv2.connectedComponents(grown)
    boxes = []
    for label in range(1, count):
        rows, cols = np.where(labels == label)
        x0 = cols.min() * width // params.cols
        x1 = (cols.max() + 1) * width // params.cols
        y0 = rows.min() * height // params.rows
        y1 = (rows.max() + 1) * height // params.rows
        boxes.append((int(x0), int(y0), int(x1), int(y1)))
    return boxes
