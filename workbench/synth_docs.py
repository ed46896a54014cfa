"""Synthetic stills and documents: a brochure PDF with a real text layer (drawn by
Matplotlib with an embedded TrueType font), scanned (image-only) pages, and a
screenshot-like picture of a social-network post. Used by the demo and the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from workbench.synth import font

A4_IN = (8.27, 11.69)
A5_IN = (5.83, 8.27)


@dataclass(frozen=True)
class TextLine:
    x: float  # from the page's left, 0..1
    y: float  # from the page's top, 0..1
    text: str
    size: float = 14.0  # points


def text_image(lines: Sequence[str], size: tuple[int, int], px: int = 40) -> np.ndarray:
    """A white picture with dark lines of text (what a scanner makes of a printed page)."""
    img = Image.new("RGB", size, (250, 250, 246))
    draw = ImageDraw.Draw(img)
    y = px
    for line in lines:
        draw.text((px, y), line, fill=(20, 20, 20), font=font(px))
        y += int(px * 1.6)
    return np.asarray(img)


def write_pdf(
    path: Path,
    pages: Sequence[Sequence[TextLine] | np.ndarray],
    size: tuple[float, float] = A4_IN,
) -> Path:
    """A PDF, one page (`size` in inches, A4 by default) per item: text lines (a real text
    layer) or a picture filling the page (a scanned page: no text layer at all)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with (
        matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}),
        PdfPages(path, metadata={"Creator": "workbench.synth_docs"}) as pdf,
    ):
        for page in pages:
            fig = plt.figure(figsize=size)
            if isinstance(page, np.ndarray):
                ax = fig.add_axes((0, 0, 1, 1))
                ax.imshow(page, interpolation="nearest", aspect="auto")
                ax.set_axis_off()
            else:
                for line in page:
                    fig.text(line.x, 1 - line.y, line.text, fontsize=line.size, va="top")
            pdf.savefig(fig)
            plt.close(fig)
    return path


def social_post(
    path: Path, author: str, lines: Sequence[str], photo: np.ndarray | None = None
) -> Path:
    """A screenshot-like PNG of a social-network post: header, text, an attached photo."""
    width = 720
    photo_h = 0 if photo is None else int(photo.shape[0] * (width - 40) / photo.shape[1])
    height = 120 + 40 * len(lines) + photo_h + 40
    img = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width, 64), fill=(59, 89, 152))
    draw.ellipse((16, 12, 56, 52), fill=(230, 230, 230))
    draw.text((72, 18), author, fill=(255, 255, 255), font=font(26))
    y = 84
    for line in lines:
        draw.text((20, y), line, fill=(20, 20, 20), font=font(24))
        y += 40
    if photo is not None:
        pic = Image.fromarray(photo).resize((width - 40, photo_h))
        img.paste(pic, (20, y + 10))
    img.save(path, format="PNG")
    return path
