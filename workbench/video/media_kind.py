"""What kind of media a file is (video, still, document), told by its first bytes, and
the page decoder that gives stills and documents the same interface as footage.

A still is a media item with one frame; a PDF is one whose frame N is page N. Their
frame index (`FrameIndex`, method `STILL_METHOD` or `PDF_METHOD`) and `PageDecoder`
let `FrameReader` and every stage above it read them as they read footage.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.video.errors import VideoError
from workbench.video.index import FrameIndex

VIDEO, STILL, DOCUMENT = "video", "still", "document"
KINDS = (VIDEO, STILL, DOCUMENT)
# ISO base media brands of HEIF/HEIC/AVIF stills (an MP4 has other brands)
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif"}


def kind_of(path: Path) -> str:
    """video | still | document, from the file's signature (not its name)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except OSError as exc:
        raise VideoError(f"{Path(path).name} cannot be read ({exc.strerror}).") from exc
    return kind_of_bytes(head)


def kind_of_bytes(head: bytes) -> str:
    if head[:1024].lstrip(b"\r\n\t \x00")[:5] == b"%PDF-":
        return DOCUMENT
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")):
        return STILL
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return STILL
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return STILL
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return STILL
    return VIDEO


def kind_of_index(index: FrameIndex) -> str:
    from workbench.video.pdf_pages import PDF_METHOD
    from workbench.video.stills import STILL_METHOD

    if index.method == STILL_METHOD:
        return STILL
    if index.method == PDF_METHOD:
        return DOCUMENT
    return VIDEO


def page_index(path: Path) -> FrameIndex | None:
    """The index of a still or a document; None for footage (decoded by FFmpeg)."""
    kind = kind_of(path)
    if kind == STILL:
        from workbench.video.stills import still_index

        return still_index(path)
    if kind == DOCUMENT:
        from workbench.video.pdf_pages import pdf_index

        return pdf_index(path)
    return None


def page_methods() -> tuple[str, ...]:
    from workbench.video.pdf_pages import PDF_METHOD
    from workbench.video.stills import STILL_METHOD

    return (STILL_METHOD, PDF_METHOD)


def reader_version(index: FrameIndex) -> str | None:
    """What turns a still or a page into pixels (None: FFmpeg, for footage)."""
    kind = kind_of_index(index)
    if kind == STILL:
        from workbench.video.stills import still_version

        return still_version()
    if kind == DOCUMENT:
        from workbench.video.pdf_pages import pdfium_version

        return f"{pdfium_version()} / {index.dpi:g} dpi / rgb"
    return None


class PageDecoder:
    """`Decoder`'s interface over a still or a PDF: yields (index, RGB array)."""

    def __init__(self, path: Path, index: FrameIndex):
        self.path = Path(path)
        self.index = index
        self.kind = kind_of_index(index)
        self.last = -1
        self._doc: Any = None  # a PDF stays open between pages (parsing it costs more)

    def frames(self, first: int, last: int, from_start: bool = False) -> Iterator[tuple[int, Any]]:
        if self.kind == STILL:
            from workbench.video.stills import frames as still_frames

            items = still_frames(self.path, first, last)
        else:
            from workbench.video.pdf_pages import frames as pdf_frames
            from workbench.video.pdf_pages import open_pdf

            if self._doc is None:
                self._doc = open_pdf(self.path)
            items = pdf_frames(self._doc, self.path, self.index, first, last)
        for pos, rgb in items:
            self.last = pos
            yield pos, rgb

    def reset(self) -> None:
        self.last = -1

    def close(self) -> None:
        self.last = -1
        if self._doc is not None:
            self._doc.close()
            self._doc = None
