"""Crop thumbnails of findings, cut from the observation's own frame (decoded from the
original) and cached as PNG under derived/crops/, named by observation id and the frame's
pixel hash, so a crop is re-cut only when its frame or box changes. No Streamlit here."""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from workbench.case import records
from workbench.case.folder import Case
from workbench.case.observations import Observation

CROPS = Path("derived") / "crops"
THUMB_MAX = 160  # px, the longer side of a thumbnail in the table


def crop_file(case: Case, obs: Observation) -> Path:
    """derived/crops/<id>-<frame pixel hash>-<box hash>.png"""
    pix = (obs.pixel_sha256 or "unhashed")[:16]
    box = hashlib.sha256(repr(obs.bbox).encode()).hexdigest()[:8]
    return case.root / CROPS / f"{obs.id}-{pix}-{box}.png"


def _thumbnail(rgb: np.ndarray) -> bytes:
    from PIL import Image

    img = Image.fromarray(np.ascontiguousarray(rgb[:, :, :3]).astype(np.uint8), "RGB")
    img.thumbnail((THUMB_MAX, THUMB_MAX))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def crops(case: Case, items: Iterable[Observation]) -> dict[int, Path]:
    """The cached crop of every observation with a box (cut now where missing)."""
    from workbench.publish.images import crop_box
    from workbench.video.frames import FrameReader

    out: dict[int, Path] = {}
    todo: dict[str, list[Observation]] = {}
    for o in items:
        if not o.bbox:
            continue
        path = crop_file(case, o)
        if path.is_file():
            out[o.id] = path
        else:
            todo.setdefault(o.video, []).append(o)
    for sha, group in todo.items():
        video = records.video(case.conn, sha)
        if video is None:
            continue
        try:
            reader = FrameReader(case.path(video.media_path), video.sha256)
        except Exception:  # a missing or unreadable original: no crops
            continue
        with reader:
            for o in sorted(group, key=lambda x: x.frame_index):
                try:
                    frame = reader.get(o.frame_index)
                except Exception:  # index out of range or undecodable
                    continue
                x0, y0, x1, y1 = crop_box(o.bbox or [], frame.rgb.shape)
                if x1 <= x0 or y1 <= y0:
                    continue
                path = crop_file(case, o)
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(_thumbnail(frame.rgb[y0:y1, x0:x1]))
                tmp.replace(path)
                out[o.id] = path
    return out


def crop_bytes(case: Case, obs: Observation) -> bytes | None:
    path = crops(case, [obs]).get(obs.id)
    return path.read_bytes() if path else None


def data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
