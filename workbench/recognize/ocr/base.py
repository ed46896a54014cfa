"""One small interface for every OCR engine, and a registry of the installed ones."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from workbench.errors import WorkbenchError
from workbench.recognize.records import TextHit


class OcrUnavailable(WorkbenchError):
    """The engine asked for is not installed or has no model for the languages asked."""


class OcrEngine(ABC):
    name: str = "ocr"
    # False for engines with a learned detector that scales text itself: a blind 2x
    # upscale of a whole frame only quadruples the detector's work (the 45 s per
    # 1280x960 image that easyocr cost inside `analyze`).
    frame_upscale: bool = True

    @abstractmethod
    def read(self, image: np.ndarray) -> list[TextHit]:
        """Read text lines in an RGB uint8 image; boxes in that image's pixels."""

    @abstractmethod
    def version(self) -> str:
        """Engine, version and languages, as recorded in each observation's method."""

    @classmethod
    def available(cls) -> bool:
        return True
