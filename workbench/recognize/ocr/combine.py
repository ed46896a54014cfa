"""Engines made of engines: `both` (easyocr and Tesseract merged by box overlap) and
`craft+tesseract` (easyocr's CRAFT detector finds the lines, Tesseract reads them, Kazakh
letters included)."""

from __future__ import annotations

import numpy as np

from workbench.recognize.ocr.base import OcrEngine
from workbench.recognize.ocr.easy import EasyOcr
from workbench.recognize.ocr.tesseract import TesseractOcr
from workbench.recognize.records import TextHit, iou
from workbench.recognize.vendors.normalize import script_of

KAZAKH_ONLY = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


class BothOcr(OcrEngine):
    """Run easyocr and Tesseract; where their lines overlap keep the better reading."""

    name = "both"

    def __init__(
        self, easy: EasyOcr | None = None, tess: TesseractOcr | None = None, overlap: float = 0.3
    ):
        self.easy = easy or EasyOcr()
        self.tess = tess or TesseractOcr()
        self.overlap = overlap

    def version(self) -> str:
        return f"both[{self.easy.version()} | {self.tess.version()}]"

    def read(self, image: np.ndarray) -> list[TextHit]:
        return merge(
            self.easy.read(image),
            self.tess.read(image),
            self.overlap,
            easy_reads_cyrillic="ru" in self.easy.languages,
        )


def merge(
    easy: list[TextHit],
    tess: list[TextHit],
    overlap: float = 0.3,
    easy_reads_cyrillic: bool = False,
) -> list[TextHit]:
    out: list[TextHit] = []
    used: set[int] = set()
    for e in easy:
        best_j, best_iou = -1, 0.0
        for j, t in enumerate(tess):
            score = iou(e.bbox, t.bbox)
            if score > best_iou:
                best_j, best_iou = j, score
        if best_iou < overlap:
            out.append(e)
            continue
        used.add(best_j)
        t = tess[best_j]
        tess_script = script_of(t.text)
        if set(t.text) & KAZAKH_ONLY or (tess_script == "cyrillic" and not easy_reads_cyrillic):
            out.append(t)  # easyocr cannot spell this text
        else:
            out.append(e if e.score >= t.score else t)
    out += [t for j, t in enumerate(tess) if j not in used]
    return out


class CraftTesseractOcr(OcrEngine):
    """CRAFT boxes, each line upscaled to a fixed height, stacked into one page that
    Tesseract reads in a single call."""

    name = "craft+tesseract"

    def __init__(
        self,
        easy: EasyOcr | None = None,
        tess: TesseractOcr | None = None,
        line_height: int = 48,
        pad: int = 4,
    ):
        self.easy = easy or EasyOcr(languages=("en",))
        self.tess = tess or TesseractOcr(psm=6)
        self.line_height, self.pad = line_height, pad

    def version(self) -> str:
        return f"craft[{self.easy.version()}]+{self.tess.version()} h{self.line_height}"

    def read(self, image: np.ndarray) -> list[TextHit]:
        boxes = self.easy.detect(image)
        if not boxes:
            return []
        page, placements = stack_lines(image, boxes, self.line_height, self.pad)
        engine = self.version()
        hits = []
        for hit in self.tess.read(page):
            cy = (hit.bbox[1] + hit.bbox[3]) / 2
            for top, bottom, crop_top, box, scale in placements:
                if top <= cy < bottom:
                    x0, y0 = box[0] - self.pad, box[1] - self.pad
                    local = TextHit(
                        hit.text,
                        (
                            hit.bbox[0] - 10,
                            hit.bbox[1] - crop_top,
                            hit.bbox[2] - 10,
                            hit.bbox[3] - crop_top,
                        ),
                        hit.score,
                        engine,
                    )
                    hits.append(local.shifted(max(0, x0), max(0, y0), scale))
                    break
        return hits


def stack_lines(
    image: np.ndarray,
    boxes: list[tuple[int, int, int, int]],
    line_height: int,
    pad: int,
    gap: int = 24,
):
    """Crop each box (padded), scale it to `line_height`, stack them on a white page."""
    import cv2

    from workbench.recognize.ocr.prep import is_light_on_dark

    h, w = image.shape[:2]
    crops, placements, y = [], [], gap
    for box in boxes:
        x0, y0 = max(0, box[0] - pad), max(0, box[1] - pad)
        x1, y1 = min(w, box[2] + pad), min(h, box[3] + pad)
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        crop = image[y0:y1, x0:x1]
        gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
        if is_light_on_dark(gray):
            gray = 255 - gray
        scale = line_height / (y1 - y0)
        resized = cv2.resize(
            gray, (max(1, int((x1 - x0) * scale)), line_height), interpolation=cv2.INTER_CUBIC
        )
        crops.append((resized, y))
        placements.append((y - gap // 2, y + line_height + gap // 2, y, box, scale))
        y += line_height + gap
    width = max((c.shape[1] for c, _ in crops), default=1) + 20
    page = np.full((y, width), 255, np.uint8)
    for crop, top in crops:
        page[top : top + crop.shape[0], 10 : 10 + crop.shape[1]] = crop
    return cv2.cvtColor(page, cv2.COLOR_GRAY2RGB), placements
