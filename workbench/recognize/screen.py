"""Reading screen text from a frame or parts of it, with screen-text preprocessing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from workbench.recognize.ocr.base import OcrEngine
from workbench.recognize.ocr.prep import Prep, prepare
from workbench.recognize.records import BBox, TextHit


def read_region(engine: OcrEngine, frame: np.ndarray, box: BBox, prep: Prep) -> list[TextHit]:
    """OCR one rectangle of a frame; returned boxes are in the frame's pixels."""
    x0, y0, x1, y1 = box
    crop = frame[y0:y1, x0:x1]
    if crop.size == 0:
        return []
    if not engine.frame_upscale and prep.upscale > 1:
        prep = replace(prep, upscale=1.0)
    ready, scale = prepare(crop, prep)
    return [hit.shifted(x0, y0, scale) for hit in engine.read(ready)]


def read_frame(
    engine: OcrEngine,
    frame: np.ndarray,
    regions: list[BBox] | None = None,
    prep: Prep | None = None,
) -> list[TextHit]:
    prep = prep or Prep()
    h, w = frame.shape[:2]
    hits: list[TextHit] = []
    for box in regions if regions is not None else [(0, 0, w, h)]:
        hits += read_region(engine, frame, box, prep)
    return hits
