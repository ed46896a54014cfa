"""Perspective rectification: a screen filmed at an angle, warped back to a rectangle,
and automatic suggestions of where the screens (quadrilaterals) are in a frame."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Quad:
    corners: tuple[tuple[float, float], ...]  # TL, TR, BR, BL in image pixels
    area: float

    def array(self) -> np.ndarray:
        return np.array(self.corners, dtype=np.float32)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points as TL, TR, BR, BL (clockwise on screen, starting top-left)."""
    pts = np.asarray(points, np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen (y points down), from the left
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def output_size(corners: np.ndarray) -> tuple[int, int]:
    """(width, height): the longer of each pair of opposite edges."""
    tl, tr, br, bl = order_corners(corners)
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    return max(1, round(float(width))), max(1, round(float(height)))


def homography(corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    return cv2.getPerspectiveTransform(order_corners(corners), target)


def rectify_quad(
    rgb: np.ndarray,
    corners: np.ndarray,
    size: tuple[int, int] | None = None,
    interpolation: int = cv2.INTER_CUBIC,
) -> np.ndarray:
    """The quadrilateral `corners` of `rgb`, warped to a `size` (or edge-length) rectangle."""
    size = size or output_size(corners)
    return cv2.warpPerspective(
        rgb, homography(corners, size), size, flags=interpolation, borderMode=cv2.BORDER_REPLICATE
    )


def suggest_quads(
    rgb: np.ndarray, max_count: int = 5, min_area: float = 0.01, max_area: float = 0.95
) -> list[Quad]:
    """Convex quadrilaterals (screens, monitors, signs), largest first.

    Edges (Canny) and bright or dark regions (Otsu and adaptive thresholds) give contours;
    those that simplify to four convex corners and cover `min_area`..`max_area` of the
    frame are kept, their corners refined by fitting a line to each side.
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    h, w = gray.shape
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    quads: list[Quad] = []
    for binary in _binaries(blur):
        contours, _ = cv2.findContours(binary, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        for contour in contours:
            area = cv2.contourArea(contour)
            if not min_area * w * h <= area <= max_area * w * h:
                continue
            approx = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True)
            if len(approx) != 4 or not cv2.isContourConvex(approx):
                continue
            corners = _refine(contour.reshape(-1, 2), order_corners(approx))
            quad_area = float(cv2.contourArea(corners))
            if quad_area > 0 and not _duplicate(corners, quads, 0.02 * np.hypot(w, h)):
                quads.append(Quad(tuple((float(x), float(y)) for x, y in corners), quad_area))
    quads.sort(key=lambda q: -q.area)
    return quads[:max_count]


def _binaries(blur: np.ndarray) -> list[np.ndarray]:
    median = float(np.median(blur))
    edges = cv2.Canny(blur, int(max(0, 0.66 * median)), int(min(255, 1.33 * median + 20)))
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    _, otsu = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    adaptive = cv2.adaptiveThreshold(
        blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 51, -5
    )
    return [otsu, 255 - otsu, adaptive, edges]


def _refine(points: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Fit a line to the contour points along each side; corners are where lines meet."""
    lines = []
    for k in range(4):
        a, b = corners[k], corners[(k + 1) % 4]
        side = b - a
        length = float(np.linalg.norm(side))
        if length < 4:
            return corners
        t = (points - a) @ side / length**2
        rel = points - a
        dist = np.abs(side[0] * rel[:, 1] - side[1] * rel[:, 0]) / length
        near = points[(t > 0.1) & (t < 0.9) & (dist < max(3.0, 0.02 * length))]
        if len(near) < 5:
            return corners
        vx, vy, x0, y0 = cv2.fitLine(near.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    out = []
    for k in range(4):
        (p1, d1), (p2, d2) = lines[k - 1], lines[k]
        m = np.array([d1, -d2]).T
        if abs(np.linalg.det(m)) < 1e-6:
            return corners
        s, _ = np.linalg.solve(m, p2 - p1)
        out.append(p1 + s * d1)
    refined = np.array(out, dtype=np.float32)
    if np.abs(refined - corners).max() > 0.05 * max(np.ptp(corners, axis=0)):
        return corners
    return refined


def _duplicate(corners: np.ndarray, quads: list[Quad], tolerance: float) -> bool:
    return any(np.abs(q.array() - corners).max() < tolerance for q in quads)
