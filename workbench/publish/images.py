"""Published images: evidence frames and crops, decoded from the originals, redacted,
and re-encoded with Pillow from bare pixels, so no metadata (EXIF, XMP, text chunks,
ICC profiles) of any source reaches the bundle.

Faces are searched in the whole frame and again in each finding's crop at twice its
size (a face too small to find in the frame may be found there); everything found in
either place is hidden in the frame before crops are cut from it, and every crop is
searched once more on its own. Frames are JPEG: the search after hiding runs on the
decoded JPEG, and those very bytes are published. Crops and other images are PNG.
Findings' boxes are drawn by the report (CSS), never into the pixels.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from workbench.case import records
from workbench.case.folder import Case
from workbench.publish.content import FrameItem
from workbench.publish.faces import Face, FaceDetector
from workbench.publish.redact import Box, RedactionPolicy, find_faces, manual_only, redact

if TYPE_CHECKING:
    from workbench.video.frames import Frame

CROP_PAD = 0.15  # of the box, on every side (at least 6 px)
JPEG_QUALITY = 90


@dataclass
class ImageLog:
    """One record per published image, for data/redactions.json."""

    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def faces(self) -> int:
        return sum(len(e.get("faces", [])) for e in self.entries)

    @property
    def manual(self) -> int:
        return sum(len(e.get("manual_boxes", [])) for e in self.entries)


def _bare(rgb: np.ndarray) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(rgb[:, :, :3]).astype(np.uint8), "RGB")


def jpeg(rgb: np.ndarray) -> tuple[bytes, np.ndarray]:
    """JPEG bytes of bare pixels, and the pixels a reader decodes from them."""
    buf = io.BytesIO()
    _bare(rgb).save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True)
    data = buf.getvalue()
    with Image.open(io.BytesIO(data)) as img:
        return data, np.asarray(img.convert("RGB"))


def png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    _bare(rgb).save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def write(data: bytes, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def crop_box(bbox: list[int], shape: tuple[int, ...]) -> Box:
    x0, y0, x1, y1 = (int(v) for v in bbox)
    pad_x = max(6, int((x1 - x0) * CROP_PAD))
    pad_y = max(6, int((y1 - y0) * CROP_PAD))
    height, width = shape[:2]
    return (max(0, x0 - pad_x), max(0, y0 - pad_y), min(width, x1 + pad_x), min(height, y1 + pad_y))


def _zoomed_faces(
    rgb: np.ndarray, boxes: list[Box], detector: FaceDetector, policy: RedactionPolicy
) -> list[Face]:
    """Faces found inside crop regions (searched at 1x and 2x), in frame coordinates."""
    found = []
    for x0, y0, x1, y1 in boxes:
        part = rgb[y0:y1, x0:x1]
        if part.size == 0:
            continue
        for f in find_faces(detector, part, policy.threshold, policy):
            found.append(Face(f.x0 + x0, f.y0 + y0, f.x1 + x0, f.y1 + y0, f.score))
    return found


def render_frames(
    case: Case,
    frames: list[FrameItem],
    out: Path,
    detector: FaceDetector | None,
    policy: RedactionPolicy,
    manual_frame: dict[tuple[str, int], list],
    manual_video: dict[str, list],
    done: Callable[[int], object] | None = None,
) -> ImageLog:
    """Write media/frame-*.jpg and media/crop-*.png for every frame; None as detector
    means unredacted (only boxes a person marked are hidden). `done(n)` after each frame."""
    from workbench.video.frames import FrameReader

    log = ImageLog()
    count = 0
    by_video: dict[str, list[FrameItem]] = {}
    for fr in frames:
        by_video.setdefault(fr.video, []).append(fr)
    for sha, items in by_video.items():
        video = records.video(case.conn, sha)
        if video is None:
            continue
        with FrameReader(case.path(video.media_path), video.sha256) as reader:
            for fr in items:
                manual = [*manual_frame.get((sha, fr.index), []), *manual_video.get(sha, [])]
                _render_one(reader.get(fr.index), fr, out, detector, policy, manual, log)
                count += 1
                if done is not None:
                    done(count)
    return log


def _render_one(
    decoded: Frame,
    fr: FrameItem,
    out: Path,
    detector: FaceDetector | None,
    policy: RedactionPolicy,
    manual: list,
    log: ImageLog,
) -> None:
    rgb = decoded.rgb
    fr.pixel_sha256 = decoded.ref.pixel_sha256
    fr.time_s = decoded.ref.time_s
    recorded = {f.obs.pixel_sha256 for f in fr.findings if f.obs.pixel_sha256}
    fr.pixel_match = (fr.pixel_sha256 in recorded) if recorded else None
    crops = {f.obs.id: crop_box(f.obs.bbox, rgb.shape) for f in fr.findings if f.obs.bbox}
    source = {"video": fr.video, "frame_index": fr.index, "pixel_sha256": fr.pixel_sha256}
    if detector is None:
        clean = manual_only(rgb, manual)
        data, _ = jpeg(clean)
        entry: dict[str, Any] = {"faces": [], "manual_boxes": [list(b) for b in manual]}
    else:
        extra = _zoomed_faces(rgb, list(crops.values()), detector, policy)
        done = redact(rgb, detector, policy, manual=manual, extra_faces=extra, codec=jpeg)
        clean, data, entry = done.rgb, done.data or b"", done.report.to_dict()
    fr.faces_hidden = len(entry["faces"])
    fr.manual_hidden = len(entry["manual_boxes"])
    fr.image = f"media/frame-{fr.key}.jpg"
    fr.height, fr.width = clean.shape[:2]
    digest = write(data, out / fr.image)
    log.entries.append({"file": fr.image, "sha256": digest, "source": source, **entry})
    for f in fr.findings:
        f.frame_image = fr.image
        box = crops.get(f.obs.id)
        if box is None or box[2] <= box[0] or box[3] <= box[1]:
            continue
        part = clean[box[1] : box[3], box[0] : box[2]]
        crop_entry: dict[str, Any] = {"faces": [], "manual_boxes": []}
        if detector is not None:
            done = redact(part, detector, policy)
            part, crop_entry = done.rgb, done.report.to_dict()
        f.crop = f"media/crop-{f.obs.id}.png"
        digest = write(png(part), out / f.crop)
        log.entries.append(
            {"file": f.crop, "sha256": digest, "source": {**source, "box": list(box)}, **crop_entry}
        )


def publish_image(
    rgb: np.ndarray,
    path: Path,
    rel: str,
    detector: FaceDetector | None,
    policy: RedactionPolicy,
    log: ImageLog,
    what: str,
) -> None:
    """Any other image (the graph picture) goes through the same redaction."""
    entry: dict[str, Any] = {"faces": [], "manual_boxes": []}
    if detector is not None:
        done = redact(rgb, detector, policy)
        rgb, entry = done.rgb, done.report.to_dict()
    digest = write(png(rgb), path)
    log.entries.append({"file": rel, "sha256": digest, "source": {"what": what}, **entry})
