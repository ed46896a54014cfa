"""The line reader: a small convolutional-recurrent recogniser (CTC) for Cyrillic (Russian,
Kazakh), Latin and digits on line crops, trained for this project on filmed screen text.

No offline Cyrillic recogniser installs here (PP-OCR and easyocr wheels ship none; Tesseract
reads small, soft Cyrillic badly), so the project trains its own: `training/` renders lines
in fonts and from dictionaries that the benchmark generators never use, films them (blur,
camera resampling, moire, interlacing, JPEG) and trains the network in
`training/train_line_reader.py`; the weights ship in this package as ONNX
(`models/line_reader.onnx`, its character list in the model's metadata) and run on
onnxruntime, on CUDA when onnxruntime has it. Nothing is downloaded.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from workbench.recognize.ocr.base import OcrUnavailable
from workbench.recognize.ocr.scripts import repair_scripts

MODEL = Path(__file__).parent / "models" / "line_reader.onnx"
HEIGHT = 32
MAX_WIDTH = 1024


def prepare(crop: np.ndarray, height: int = HEIGHT, max_width: int = MAX_WIDTH) -> np.ndarray:
    """A line crop (RGB or gray) as the network reads it: gray, dark on light, contrast
    stretched, `height` pixels high, values in [-1, 1]; (height, width) float32."""
    import cv2

    from workbench.recognize.ocr.prep import is_light_on_dark, stretch

    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    if gray.dtype != np.uint8:
        gray = np.clip(gray, 0, 255).astype(np.uint8)
    if is_light_on_dark(gray):
        gray = 255 - gray
    h, w = gray.shape
    width = int(np.clip(round(w * height / max(1, h)), 8, max_width))
    shrink = h > height
    line = cv2.resize(
        gray, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC
    ).astype(np.float32)
    return (stretch(line, (2, 98)) / 127.5 - 1.0).astype(np.float32)


def decode(probs: np.ndarray, charset: str) -> tuple[str, float]:
    """Greedy CTC decoding of (T, classes) probabilities (class 0: blank) into text and a
    confidence: the mean of the kept characters' probabilities, times the least of them
    raised to a quarter (one unsure letter lowers the line)."""
    best = probs.argmax(axis=1)
    conf = probs.max(axis=1)
    chars, scores, prev = [], [], 0
    for k, c in enumerate(best):
        if c != 0 and c != prev:
            chars.append(charset[c - 1])
            scores.append(float(conf[k]))
        prev = c
    text = " ".join("".join(chars).split())
    if not text:
        return "", 0.0
    s = np.array(scores)
    return text, float(s.mean() * s.min() ** 0.25)


_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def _session(path: str, gpu: bool):
    try:
        import onnxruntime as ort
    except ImportError as exc:  # pragma: no cover - onnxruntime is a dependency
        raise OcrUnavailable("The line reader needs onnxruntime.") from exc
    if not Path(path).is_file():
        raise OcrUnavailable(f"The line reader's model is missing: {path}")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if gpu else None
    with _LOCK:
        sess = ort.InferenceSession(path, opts, providers=providers)
    meta = sess.get_modelmeta().custom_metadata_map
    return sess, json.loads(meta["charset"]), meta.get("version", "?")


class LineReader:
    """Reads line crops: (text, confidence) each."""

    def __init__(self, model: Path = MODEL, gpu: bool | None = None):
        from workbench.recognize.ocr.ppocr import gpu_available

        self.gpu = gpu_available() if gpu is None else gpu
        self.session, self.charset, self._version = _session(str(model), self.gpu)

    def version(self) -> str:
        return f"line reader {self._version} ({'cuda' if self.gpu else 'cpu'})"

    def read(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """(text, confidence) per crop, each word in one script (`repair_scripts`). Crops are
        read one at a time: a reading never depends on the other lines of the frame (in a
        padded batch the recurrent layer would see the padding)."""
        out = []
        for crop in crops:
            line = prepare(crop)
            probs = self.session.run(None, {"lines": line[None, None]})[0][0]  # (T, classes)
            text, conf = decode(probs[: max(1, line.shape[1] // 4)], self.charset)
            out.append((repair_scripts(text), conf))
        return out
