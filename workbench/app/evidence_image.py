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


def export_frame(
    case: Case,
    video: str,
    by: str,
    index: int | None = None,
    time_s: float | None = None,
    chain_text: str = "",
    zoom_text: str = "",
    width: int = 0,
    with_boxes: bool = False,
) -> Exported:
    """A frame of `video` (sha256 or unique prefix) at `index` or `time_s`, zoomed and
    processed as on the Review page, optionally with the boxes of the findings on that
    very frame (not rejected), exported with its provenance (`export`). Raises
    WorkbenchError with one sentence on a bad video, frame, chain or zoom."""
    from workbench.app import coords, overlays, reviewing
    from workbench.app.frames import ChainError, FrameService, parse_chain
    from workbench.case import records
    from workbench.case.observations import query, withdrawn
    from workbench.errors import WorkbenchError

    found = records.require_video(case.conn, video)
    try:
        chain = parse_chain(chain_text)
    except ChainError as exc:
        raise WorkbenchError(f"The chain cannot be read: {exc}") from None
    service = FrameService()
    try:
        media = case.path(found.media_path)
        frames = service.reader(media, found.sha256).index
        last = len(frames) - 1
        if index is None:
            index = reviewing.index_at_time(frames, time_s or 0.0)
        if not 0 <= index <= last:
            raise WorkbenchError(f"There is no frame {index}: this video has frames 0 to {last}.")
        frame_w, frame_h = service.frame(media, found.sha256, index)[0].shape[1::-1]
        try:
            zoom = coords.parse_box(zoom_text, frame_w, frame_h) if zoom_text else None
        except ValueError as exc:
            raise WorkbenchError(f"--zoom: {exc}") from None
        width = width or (zoom[2] if zoom else frame_w)  # default: the pixels themselves
        shown = service.render(media, found.sha256, index, chain, zoom=zoom, width=width)
        picture = shown.rgb
        ids: tuple[int, ...] = ()
        if with_boxes and shown.mappable:
            on = [
                o for o in query(case.conn, video=found.sha256)
                if o.frame_index == index and o.status != "rejected" and not withdrawn(o)
            ]  # fmt: skip
            picture = overlays.draw(picture, shown.view, on)
            ids = tuple(o.id for o in on)
        return export(case, picture, shown.ref, shown.processing, by, boxes=ids, zoom=zoom)
    except ChainError as exc:
        raise WorkbenchError(str(exc)) from None
    finally:
        service.close()
