"""One frame to a PNG, enhanced by a recorded chain, with its provenance alongside."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, PngImagePlugin

from workbench.case.media import sha256_file
from workbench.video.enhance import Chain
from workbench.video.errors import VideoError
from workbench.video.frames import FrameReader, FrameRef


@dataclass(frozen=True)
class StillResult:
    path: Path
    ref: FrameRef
    chain: str
    sha256: str  # of the written PNG


def save_still(
    reader: FrameReader,
    out: Path,
    index: int | None = None,
    time_s: float | None = None,
    chain: Chain | None = None,
) -> StillResult:
    """Decode one frame (by index or time), apply `chain`, write `out` atomically.

    The PNG carries its provenance in a text chunk: source sha256, frame index, time,
    decoded-pixel hash and the processing chain, so the file explains itself.
    """
    if (index is None) == (time_s is None):
        raise VideoError("Give the frame as exactly one of an index or a time.")
    if index is not None and not 0 <= index < reader.frame_count:
        raise VideoError(f"Frame {index} is outside this video (0 to {reader.frame_count - 1}).")
    if time_s is not None and time_s < 0:
        raise VideoError("A time cannot be negative.")
    frame = reader.get(index) if index is not None else reader.at_time(float(time_s or 0))
    chain = chain or Chain()
    rgb = chain.apply(frame.rgb)
    info = PngImagePlugin.PngInfo()
    info.add_text(
        "workbench:provenance",
        json.dumps({**frame.ref.to_dict(), "chain": chain.to_string()}, sort_keys=True),
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".frame-", suffix=".png", dir=out.parent)
    os.close(fd)
    try:
        Image.fromarray(rgb).save(tmp, format="PNG", pnginfo=info)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return StillResult(out, frame.ref, chain.to_string(), sha256_file(out))
