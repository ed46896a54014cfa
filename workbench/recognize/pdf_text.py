"""A PDF page's own text layer, read with positions (exact, not OCR), and the parts of the
page that are pictures (scans, photos, screenshots) which OCR must read instead.

Boxes are in the pixels of the page as `FrameReader` renders it (the document's
recorded resolution), so a text-layer line and an OCR line share one coordinate system.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.recognize.records import BBox, TextHit

PDF_TEXT = "pdf-text"
MIN_IMAGE_PX = 32  # smaller pictures (bullets, rules, icons) are not read


def method() -> str:
    from workbench.video.pdf_pages import pdfium_version

    return f"{PDF_TEXT} ({pdfium_version()})"


def page_text(path: Path, page_no: int, dpi: float) -> tuple[list[TextHit], list[BBox]]:
    """(text-layer lines, picture regions) of page `page_no` (from 0)."""
    import pypdfium2 as pdfium

    from workbench.video.pdf_pages import open_pdf

    scale = dpi / 72
    doc = open_pdf(path)
    try:
        page = doc[page_no]
        try:
            height = float(page.get_height())
            lines = _lines(page, height, scale, method())
            images = []
            for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]):
                box = _pixels(obj.get_bounds(), height, scale)
                if box[2] - box[0] >= MIN_IMAGE_PX and box[3] - box[1] >= MIN_IMAGE_PX:
                    images.append(box)
        finally:
            page.close()
    finally:
        doc.close()
    return lines, images


def _pixels(rect: tuple[float, float, float, float], height: float, scale: float) -> BBox:
    left, bottom, right, top = rect
    return (
        max(0, round(left * scale)),
        max(0, round((height - top) * scale)),
        max(0, round(right * scale)),
        max(0, round((height - bottom) * scale)),
    )


def _lines(page: Any, height: float, scale: float, engine: str) -> list[TextHit]:
    """The text layer's rectangles (PDFium cuts them at font changes) joined into lines;
    each line's text is what the layer holds inside the joined rectangle."""
    textpage = page.get_textpage()
    try:
        pieces: list[tuple[float, float, float, float]] = []
        for i in range(textpage.count_rects()):
            rect = textpage.get_rect(i)
            if textpage.get_text_bounded(*rect).strip():
                pieces.append(rect)
        rows: list[list[tuple[float, float, float, float]]] = []  # same height, then by x
        for rect in sorted(pieces, key=lambda r: -(r[1] + r[3]) / 2):
            if rows and _same_row(rows[-1][0], rect):
                rows[-1].append(rect)
            else:
                rows.append([rect])
        hits: list[TextHit] = []
        for row in rows:
            row.sort(key=lambda r: r[0])
            box = row[0]
            for nxt in row[1:]:
                if nxt[0] - box[2] < 2 * max(box[3] - box[1], 1):  # the same phrase
                    box = (box[0], min(box[1], nxt[1]), nxt[2], max(box[3], nxt[3]))
                else:  # a column gap: another line
                    hits.append(_hit(textpage, box, height, scale, engine))
                    box = nxt
            hits.append(_hit(textpage, box, height, scale, engine))
    finally:
        textpage.close()
    return [h for h in hits if h.text]


def _hit(
    textpage: Any, rect: tuple[float, float, float, float], height: float, scale: float, engine: str
) -> TextHit:
    text = " ".join(textpage.get_text_bounded(*rect).split())
    return TextHit(text, _pixels(rect, height, scale), 1.0, engine)


def _same_row(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """PDF rectangles (left, bottom, right, top) on one line of text."""
    h = max(a[3] - a[1], b[3] - b[1], 1)
    return abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) < h / 2
