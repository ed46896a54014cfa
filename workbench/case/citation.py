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
