"""Evidence images: what the Review page shows (the frame, or the zoomed and enhanced
crop, with or without boxes) saved as a PNG that carries its provenance in a text chunk
and in a sidecar JSON, and recorded in the audit log. No Streamlit here.

Provenance: the source's SHA-256, the frame's index, time and decoded-pixel hash, the
processing chain that made the picture from the frame (zoom crop + enhancement), the
boxes drawn (observation ids), who exported it and when, and the PNG's own SHA-256 (in
the sidecar; a file cannot hold its own hash)."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngImageFile, PngInfo

from workbench import __version__
from workbench.case import audit, clock
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.video.enhance import Chain
from workbench.video.frames import FrameRef

KEY = "workbench:provenance"
FOLDER = Path("exports") / "evidence"


@dataclass(frozen=True)
class Exported:
    png: Path
    sidecar: Path
    png_sha256: str
    provenance: dict[str, Any]


def export(
    case: Case,
    rgb: np.ndarray,
    ref: FrameRef,
    processing: Chain,
    by: str,
    boxes: tuple[int, ...] = (),
    zoom: tuple[int, int, int, int] | None = None,
) -> Exported:
    """Write the picture `rgb` (as shown) with its provenance; log it in the audit log."""
    provenance: dict[str, Any] = {
        "video_sha256": ref.video_sha256,
        "frame_index": ref.index,
        "time_s": ref.time_s,
        "pixel_sha256": ref.pixel_sha256,
        "processing": processing.to_string(),
        "processing_log": json.loads(processing.to_json()),
        "zoom_xywh": list(zoom) if zoom else None,
        "boxes": list(boxes),
        "width": int(rgb.shape[1]),
        "height": int(rgb.shape[0]),
        "exported_by": by,
        "exported_at": clock.now(),
        "software": f"workbench {__version__}",
    }
    info = PngInfo()
    info.add_itxt(KEY, json.dumps(provenance, ensure_ascii=False, sort_keys=True))
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, "PNG", pnginfo=info)
    data = buf.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    folder = case.root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{ref.video_sha256[:12]}-f{ref.index:06d}-{digest[:12]}"
    png, sidecar = folder / f"{stem}.png", folder / f"{stem}.json"
    png.write_bytes(data)
    record = {**provenance, "png_sha256": digest, "png": png.name}
    sidecar.write_text(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    with transaction(case.conn) as conn:
        audit.append(
            conn, by, "evidence.export", f"video:{ref.video_sha256}",
            {"png": str(png.relative_to(case.root)), "png_sha256": digest,
             "frame_index": ref.index, "pixel_sha256": ref.pixel_sha256,
             "processing": provenance["processing"], "boxes": list(boxes)},
        )  # fmt: skip
    return Exported(png, sidecar, digest, record)


def read_provenance(png: Path) -> dict[str, Any]:
    """The provenance a PNG written by `export` carries in its text chunk."""
    with Image.open(png) as img:
        if not isinstance(img, PngImageFile):
            raise ValueError(f"{png.name} is not a PNG, so it carries no provenance.")
        return json.loads(img.text[KEY])


def png_digest(png: Path) -> str:
    return hashlib.sha256(png.read_bytes()).hexdigest()
