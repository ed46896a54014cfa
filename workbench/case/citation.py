"""How a place in a media item is cited to people: "page 3 of document …" for a PDF,
"photo …" for a still, "frame 12 of video …" for footage (frame N of a document is
page N + 1; the index stays the one every record keeps)."""

from __future__ import annotations

NOUNS = {"video": "video", "still": "image", "document": "document"}


def place(kind: str | None, index: int | None) -> str:
    """The place alone: "page 3", "the image", "frame 12"."""
    if index is None:
        return ""
    if kind == "document":
        return f"page {int(index) + 1}"
    if kind == "still":
        return "the image"
    return f"frame {int(index)}"


def where(kind: str | None, sha256: str, index: int | None) -> str:
    """ "page 3 of document 1a2b3c4d5e6f", "image 1a2b3c4d5e6f", "frame 12 of video …"."""
    noun = NOUNS.get(kind or "video", "video")
    if kind == "still" or index is None:
        return f"{noun} {sha256[:12]}"
    return f"{place(kind, index)} of {noun} {sha256[:12]}"


def position(kind: str | None, index: int, count: int) -> str:
    """Where a reviewer stands: "page 3 / 12", "image", "frame 40 / 479"."""
    if kind == "document":
        return f"page {index + 1} / {count}"
    if kind == "still":
        return "image (one frame)"
    return f"frame {index} / {count - 1}"


def extent(kind: str | None, count: int, duration_s: float | None) -> str:
    """How long a media item is: "12 pages", "one image", "30.0 s" or "480 frames"."""
    if kind == "document":
        return f"{count} page{'s' if count != 1 else ''}"
    if kind == "still":
        return "image"
    return f"{duration_s:.1f} s" if duration_s else f"{count} frames"
