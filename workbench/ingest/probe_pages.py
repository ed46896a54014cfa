"""Probe a still image or a PDF: the fields of the same `VideoInfo` as footage: its `kind`, its
frame index (one frame, or one frame a page) and its embedded metadata (EXIF/XMP, the
PDF's document information) for the source record."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from workbench.errors import IngestError


def probe_pages(path: Path, name: str, kind: str) -> dict[str, Any]:
    """Raise IngestError with one clear sentence when the file cannot be used."""
    from workbench.video.errors import VideoError
    from workbench.video.media_kind import STILL, page_index, reader_version

    try:
        index = page_index(path)
        assert index is not None
        if kind == STILL:
            from workbench.video.stills import embedded_metadata, read_still

            pic = read_still(path)
            if pic.damaged:  # as a video whose data runs past its end: refused, not guessed
                raise IngestError(
                    f"{name} is truncated or damaged: its picture stops before the image "
                    "ends, so nothing was added; fetch the whole file again."
                )
            container, codec = pic.format.lower(), "pillow"
            embedded = embedded_metadata(path)
        else:
            container, codec = "pdf", "pdfium"
            embedded = pdf_metadata(path)
    except VideoError as exc:
        raise IngestError(str(exc)) from exc
    except MemoryError as exc:
        raise IngestError(f"{name} is too large to decode on this machine.") from exc
    return dict(
        container=container,
        codec=codec,
        fps=None,
        frame_count=len(index),
        duration_s=None,
        width=index.width,
        height=index.height,
        rotation=0,
        variable_frame_rate=False,
        bit_rate=None,
        tool=reader_version(index) or "",
        declared_frames=len(index),
        packets=len(index),
        timing=index.timing,
        damaged_frames=index.damaged,
        index=index,
        kind=kind,
        embedded=embedded,
    )


def pdf_metadata(path: Path) -> dict[str, Any]:
    """The PDF's document information (author, creator, producer, dates)."""
    from workbench.video.pdf_pages import open_pdf

    doc = open_pdf(path)
    try:
        out: dict[str, Any] = {}
        with contextlib.suppress(Exception):
            info = {k: v for k, v in doc.get_metadata_dict(skip_empty=True).items() if v}
            if info:
                out["pdf_info"] = info
        return out
    finally:
        doc.close()
