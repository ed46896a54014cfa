"""Screen-aware engines: find the monitors in a frame, rectify each, then read.

`lines+tesseract` reads the lines found by the classical detector (lines.py), stacked on
one page for a single Tesseract call. `screens+tesseract` first finds screens (convex
quadrilaterals, workbench.video.rectify), looks for lines in each rectified screen and in
the rest of the frame, and reads them all in that one call. `rectify+tesseract` is the
simple alternative: Tesseract (sparse text) on each rectified, upscaled screen.
Every hit is mapped back to the frame it came from, with a quad where it is tilted.

Tesseract reads with "kaz+eng+rus": the Kazakh model first keeps Қ Ә Ң Ұ Ғ Ү Һ І that a
Russian-first reading turns into К А Н У Г Y Х I; Latin and Russian read as well
(bench/bench_ocr.py). The page is read twice, mildly and strongly sharpened (unsharp
mask), and each line keeps the more confident reading.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from workbench.recognize.ocr.base import OcrEngine
from workbench.recognize.ocr.lines import LinePage, LineParams, find_lines
from workbench.recognize.ocr.prep import is_light_on_dark
from workbench.recognize.ocr.tesseract import TesseractOcr
from workbench.recognize.records import TextHit, quad_of

SEARCH_SIDE = 1600  # lines are looked for at most at this size; crops come from full size


def find_screens(rgb: np.ndarray, max_count: int = 4, min_area: float = 0.03) -> list[np.ndarray]:
    """Corners (TL, TR, BR, BL, float32) of screen-like quadrilaterals, largest first,
    none inside another."""
    from workbench.video.rectify import output_size, suggest_quads

    h, w = rgb.shape[:2]
    f = min(1.0, 1280 / max(h, w))
    small = cv2.resize(rgb, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
    kept: list[np.ndarray] = []
    for quad in suggest_quads(small, max_count=12, min_area=min_area):
        corners = quad.array() / f
        qw, qh = output_size(corners)
        if not 0.6 <= qw / max(1, qh) <= 3.5:
            continue
        centre = corners.mean(axis=0)
        if any(_inside(k, centre) for k in kept):
            continue
        kept.append(corners.astype(np.float32))
        if len(kept) == max_count:
            break
    return kept


def _inside(corners: np.ndarray, point: np.ndarray) -> bool:
    contour = corners.reshape(-1, 1, 2).astype(np.float32)
    return cv2.pointPolygonTest(contour, (float(point[0]), float(point[1])), False) >= 0


def _screen_transform(corners: np.ndarray, zoom: float, max_side: int):
    """Frame -> rectified-screen homography and the rectified size."""
    from workbench.video.rectify import homography, output_size

    qw, qh = output_size(corners)
    k = min(zoom, max_side / max(qw, qh))
    size = (max(8, round(qw * k)), max(8, round(qh * k)))
    return homography(corners, size), size


class LinesOcr(OcrEngine):
    """Classical line detector, every line on one page, one Tesseract call; with
    `rectify`, lines are looked for in each rectified screen first.

    `languages` holds one Tesseract language set per reading of the page; with several
    (e.g. "eng" and "rus+kaz") each line keeps the reading it is most confident of.
    Images larger than SEARCH_SIDE (e.g. a frame the text stage upscaled) are read at
    that size: the result does not depend on a blind upscale done before.
    """

    def __init__(
        self,
        rectify: bool = False,
        languages: Sequence[str] = ("kaz+eng+rus",),
        params: LineParams | None = None,
        text_height: int = 30,
        sharpen: Sequence[float] = (1.0, 2.5),
        psm: int = 6,
        zoom: float = 1.5,
        keep: float = 0.3,
        weak: float = 0.1,
    ):
        self.rectify = rectify
        self.name = "screens+tesseract" if rectify else "lines+tesseract"
        self.readers = [TesseractOcr(lang, psm=psm, min_conf=0) for lang in languages]
        self.params = params or LineParams()
        self.text_height, self.sharpen, self.psm, self.zoom = text_height, tuple(sharpen), psm, zoom
        self.keep, self.weak = keep, weak

    def version(self) -> str:
        tess = self.readers[0].version().split(" ")[1]
        langs = "|".join(t.languages for t in self.readers)
        return (
            f"{self.name} 1 (tesseract {tess} {langs} psm{self.psm}"
            f" h{self.text_height} sharpen{'|'.join(map(str, self.sharpen))})"
        )

    def page(self, image: np.ndarray) -> LinePage:
        """The stacked page of every line found, before it is read."""
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
        page = LinePage(self.text_height)
        screens = find_screens(image) if self.rectify and image.ndim == 3 else []
        for corners in screens:
            to_rect, size = _screen_transform(corners, self.zoom, 2 * SEARCH_SIDE)
            rect = cv2.warpPerspective(gray, to_rect, size, flags=cv2.INTER_CUBIC)
            for line in find_lines(rect, self.params):
                page.add(gray, line, to_rect)
        for line in find_lines(gray, self.params):
            if not any(_inside(c, line.points.mean(axis=0)) for c in screens):
                page.add(gray, line)
        return page

    def read(self, image: np.ndarray) -> list[TextHit]:
        h, w = image.shape[:2]
        f = min(1.0, SEARCH_SIDE / max(h, w))
        if f < 1.0:
            image = cv2.resize(image, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
        hits = self.page(image).read(
            self.readers, self.version(), self.psm, self.keep, self.weak, self.sharpen
        )
        return hits if f == 1.0 else [hit.shifted(0, 0, f) for hit in hits]


class RectifyOcr(OcrEngine):
    """Tesseract on each rectified, upscaled, dark-on-light screen, and on the frame for
    text outside the screens."""

    name = "rectify+tesseract"

    def __init__(self, tess: TesseractOcr | None = None, zoom: float = 2.0):
        self.tess = tess or TesseractOcr()
        self.zoom = zoom

    def version(self) -> str:
        return f"rectify[x{self.zoom}]+{self.tess.version()}"

    def read(self, image: np.ndarray) -> list[TextHit]:
        engine = self.version()
        screens = find_screens(image)
        hits: list[TextHit] = []
        for corners in screens:
            to_rect, size = _screen_transform(corners, self.zoom, 3000)
            rect = cv2.warpPerspective(image, to_rect, size, flags=cv2.INTER_CUBIC)
            if is_light_on_dark(cv2.cvtColor(rect, cv2.COLOR_RGB2GRAY)):
                rect = 255 - rect
            back = np.linalg.inv(to_rect)
            hits += [_mapped(hit, back, engine) for hit in self.tess.read(rect)]
        for hit in self.tess.read(image):
            centre = np.array([(hit.bbox[0] + hit.bbox[2]) / 2, (hit.bbox[1] + hit.bbox[3]) / 2])
            if not any(_inside(c, centre) for c in screens):
                hits.append(TextHit(hit.text, hit.bbox, hit.score, engine))
        return hits


def _mapped(hit: TextHit, back: np.ndarray, engine: str) -> TextHit:
    x0, y0, x1, y1 = hit.bbox
    pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32).reshape(-1, 1, 2)
    q = cv2.perspectiveTransform(pts, back).reshape(4, 2)
    quad = quad_of((round(float(x), 1), round(float(y), 1)) for x, y in q)
    bbox = (
        int(np.floor(q[:, 0].min())),
        int(np.floor(q[:, 1].min())),
        int(np.ceil(q[:, 0].max())),
        int(np.ceil(q[:, 1].max())),
    )
    return TextHit(hit.text, bbox, hit.score, engine, quad)
