"""PDF documents as media: frame N is page N (from 0) rendered by PDFium at a recorded
resolution, and each page's own text layer is read with its positions.

Limits are checked before anything is rendered: an encrypted PDF (one that needs a
password to open), more than `MAX_PAGES` pages, or a page side over `MAX_PAGE_PT`
points (200 inches, the PDF specification's own limit) is refused with one sentence.
Pages are rendered at `RENDER_DPI`, lowered for the whole document when its largest
page would exceed `MAX_RENDER_PIXELS`; the resolution used is stored in the index.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from workbench.video.errors import VideoError
from workbench.video.index import FrameIndex

MAX_PAGES = 1000
MAX_PAGE_PT = 14_400.0  # 200 inches
RENDER_DPI = 150.0
MAX_RENDER_PIXELS = 40_000_000
PDF_METHOD = "workbench.video.pdf_pages/1 pdfium"


def pdfium_version() -> str:
    import pypdfium2 as pdfium

    return f"pypdfium2 {pdfium.PYPDFIUM_INFO} / PDFium {pdfium.PDFIUM_INFO}"


def open_pdf(path: Path) -> Any:
    """The open document, or a VideoError that says why it cannot be used."""
    import pypdfium2 as pdfium

    name = Path(path).name
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text or "security" in text:
            raise VideoError(
                f"{name} is an encrypted PDF that needs a password; open it with the "
                "password and save an unencrypted copy, then add that copy."
            ) from exc
        raise VideoError(f"{name} is not a PDF that can be read ({exc}).") from exc
    return doc


@dataclass(frozen=True)
class PdfLayout:
    pages: int
    sizes: tuple[tuple[float, float], ...]  # each page's width, height in points
    dpi: float


def layout(path: Path) -> PdfLayout:
    name = Path(path).name
    doc = open_pdf(path)
    try:
        pages = len(doc)
        if pages == 0:
            raise VideoError(f"{name} is a PDF with no pages.")
        if pages > MAX_PAGES:
            raise VideoError(
                f"{name} has {pages} pages, over this workbench's limit of {MAX_PAGES} pages "
                "per PDF; split it (one brochure or chapter a file) and add the parts."
            )
        sizes = tuple(tuple(float(v) for v in doc.get_page_size(i)) for i in range(pages))
    finally:
        doc.close()
    for n, (w, h) in enumerate(sizes):
        if not (0 < w <= MAX_PAGE_PT and 0 < h <= MAX_PAGE_PT):
            raise VideoError(
                f"{name} page {n + 1} measures {w:.0f}x{h:.0f} points, outside this "
                f"workbench's limit of {MAX_PAGE_PT:.0f} points (200 inches) a side."
            )
    largest = max(w * h for w, h in sizes)
    dpi = RENDER_DPI
    if largest * (dpi / 72) ** 2 > MAX_RENDER_PIXELS:
        dpi = math.floor(72 * math.sqrt(MAX_RENDER_PIXELS / largest))
    return PdfLayout(pages, sizes, float(dpi))  # type: ignore[arg-type]


def pdf_index(path: Path) -> FrameIndex:
    """Page N is frame N; its time is N seconds (pages have no time: a stable stand-in)."""
    lay = layout(path)
    w, h = (math.ceil(v * lay.dpi / 72) for v in lay.sizes[0])  # as PDFium sizes bitmaps
    n = lay.pages
    return FrameIndex(
        pts=tuple(range(n)),
        keyframes=tuple(range(n)),
        time_base=Fraction(1),
        fps=1.0,
        rotation=0,
        width=w,
        height=h,
        stamps=tuple(range(n)),
        packets=n,
        declared=n,
        timing="pages",
        method=PDF_METHOD,
        dpi=lay.dpi,
    )


def render(doc: Any, page_no: int, dpi: float, name: str) -> np.ndarray:
    """Page `page_no` (from 0) as upright RGB at `dpi`."""
    try:
        page = doc[page_no]
        try:
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            rgb = np.array(bitmap.to_numpy()[:, :, :3])
        finally:
            page.close()
    except Exception as exc:  # PDFium raises its own errors for a damaged page
        raise VideoError(f"Page {page_no + 1} of {name} could not be rendered ({exc}).") from exc
    rgb.flags.writeable = False
    return rgb


def frames(
    doc: Any, path: Path, index: FrameIndex, first: int, last: int
) -> Iterator[tuple[int, Any]]:
    """Pages `first`..`last` of the open document `doc` (the file at `path`)."""
    for n in range(max(0, first), min(last, len(index) - 1) + 1):
        yield n, render(doc, n, index.dpi, Path(path).name)
