"""Engines made of engines: `both` (easyocr and Tesseract merged by box overlap) and
`craft+tesseract` (easyocr's CRAFT detector finds the lines, Tesseract reads them, Kazakh
letters included)."""

from __future__ import annotations

import cv2
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
    """CRAFT boxes (neighbouring words joined into lines), each cut out, dark on light,
    scaled to one text height and stacked on one page that Tesseract (eng+rus+kaz, so
    Kazakh letters too) reads in a single call per sharpening amount."""

    name = "craft+tesseract"
    frame_upscale = False  # lines are scaled to one text height on the page

    def __init__(
        self,
        easy: EasyOcr | None = None,
        languages: str = "kaz+eng+rus",
        text_height: int = 30,
        sharpen: tuple[float, ...] = (1.0, 2.5),
    ):
        self.easy = easy or EasyOcr(languages=("en",))
        self.tess = TesseractOcr(languages, psm=6, min_conf=0)
        self.text_height, self.sharpen = text_height, sharpen

    def version(self) -> str:
        return f"craft[{self.easy.version()}]+{self.tess.version()} h{self.text_height}"

    def read(self, image: np.ndarray) -> list[TextHit]:
        from workbench.recognize.ocr.lines import LinePage

        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        page = LinePage(self.text_height)
        for box in join_words(self.easy.detect(image)):
            page.add(gray, box_line(gray, box))
        return page.read([self.tess], self.version(), 6, sharpen=self.sharpen)


def join_words(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Join boxes side by side on one line (CRAFT often splits a line into words)."""
    out: list[list[int]] = []
    for b in sorted(boxes, key=lambda b: (b[0], b[1])):
        h = b[3] - b[1]
        for o in out:
            oh = o[3] - o[1]
            overlap = min(o[3], b[3]) - max(o[1], b[1])
            if overlap > 0.6 * min(h, oh) and 0.6 < h / max(1, oh) < 1.6 and b[0] - o[2] < 0.8 * oh:
                o[:] = [min(o[0], b[0]), min(o[1], b[1]), max(o[2], b[2]), max(o[3], b[3])]
                break
        else:
            out.append(list(b))
    return [(o[0], o[1], o[2], o[3]) for o in out]


def box_line(gray: np.ndarray, box: tuple[int, int, int, int]):
    """A detector box as a line for LinePage: text about 3/4 of the box height, polarity
    by Otsu inside it."""
    from workbench.recognize.ocr.lines import Line, ink_is_dark

    x0, y0, x1, y1 = box
    h = max(2.0, 0.75 * (y1 - y0))
    rect = (((x0 + x1) / 2, (y0 + y1) / 2), (float(x1 - x0), float(y1 - y0)), 0.0)
    pad = 0.35 * h
    pts = np.array([[x0 + pad, y0 + pad], [x1 - pad, y1 - pad]], np.float32)  # LinePage pads back
    return Line(box, 0.0, h, ink_is_dark(gray, rect), 1, pts)
