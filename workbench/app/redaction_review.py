"""Redaction review for the Case file page: for every frame that will be published,
the faces the detector finds there and the boxes people marked, drawn over the frame;
boxes are added and removed here. No Streamlit here.

Storage is what publish already honours (publish/content.py): a marked box is a manual
observation tagged `redact` (that frame) or `redact-video` (every published frame of
the video), added through recognize.manual.annotate with its audit entry; removing one
rejects that observation (observations.review, audited), and publish skips rejected
boxes. Faces found by the detector cannot be removed: publish always hides them.

The face search here is the one publish runs on the whole frame (at 1x, and at 2x for
small frames); publish also searches each finding's crop at 2x and searches again after
hiding, so it may hide more than is drawn here, never less. Results are cached under
derived/redaction/ by the frame's pixel hash and the policy.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from workbench.case import records
from workbench.case.boxes import XYWH
from workbench.case.folder import Case
from workbench.case.observations import Observation, ReviewError, query, review
from workbench.publish import content
from workbench.publish.faces import Face, FaceDetector
from workbench.publish.redact import Box, RedactionPolicy, find_faces, widen

CACHE = Path("derived") / "redaction"
FACE_COLOUR = (255, 40, 40)
MANUAL_COLOUR = (255, 214, 0)


@dataclass(frozen=True)
class MarkedBox:
    """A box a person marked for hiding."""

    id: int  # the manual observation that holds it
    video: str
    box: Box  # x0, y0, x1, y1
    whole_video: bool
    by: str
    note: str | None
    frame_index: int


@dataclass
class PublishedImage:
    """One frame that publish will write, and what will be hidden in it."""

    video: str
    index: int
    time_s: float
    findings: list[int]
    marked: list[MarkedBox] = field(default_factory=list)
    faces: list[Face] | None = None  # None: not searched (no detector)

    @property
    def key(self) -> str:
        return f"{self.video[:12]}-{self.index:06d}"


def published_frames(case: Case, include_suggestions: bool) -> list[content.FrameItem]:
    """The frames publish will write, from the findings it will publish."""
    from workbench.publish.legal import capability_provisions

    findings = content.published_findings(case, include_suggestions, capability_provisions())
    return content.group_frames(findings)


def marked_boxes(case: Case) -> list[MarkedBox]:
    """Every box that publish will hide (content.redaction_boxes), with its id."""
    out = []
    for o in query(case.conn, kind=content.MANUAL):
        if not content.is_redaction_box(o) or o.status == "rejected" or not o.bbox:
            continue
        out.append(_marked(o))
    return out


def _marked(o: Observation) -> MarkedBox:
    x0, y0, x1, y1 = (int(v) for v in o.bbox or ())
    return MarkedBox(
        id=o.id,
        video=o.video,
        box=(x0, y0, x1, y1),
        whole_video="redact-video" in o.tags,
        by=o.created_by,
        note=o.text,
        frame_index=o.frame_index,
    )


def images(case: Case, include_suggestions: bool) -> list[PublishedImage]:
    """Each published frame with the marked boxes that apply to it (faces not searched)."""
    marked = marked_boxes(case)
    out = []
    for fr in published_frames(case, include_suggestions):
        boxes = [
            m
            for m in marked
            if m.video == fr.video and (m.whole_video or m.frame_index == fr.index)
        ]
        out.append(
            PublishedImage(fr.video, fr.index, fr.time_s, [f.obs.id for f in fr.findings], boxes)
        )
    return out


def frame_rgb(case: Case, video: str, index: int) -> tuple[np.ndarray, str]:
    """The decoded frame and its pixel hash."""
    from workbench.video.frames import FrameReader

    found = records.require_video(case.conn, video)
    with FrameReader(case.path(found.media_path), found.sha256) as reader:
        frame = reader.get(index)
    return frame.rgb, frame.ref.pixel_sha256


def _cache_file(
    case: Case, pixel_sha256: str, detector: FaceDetector, policy: RedactionPolicy
) -> Path:
    key = json.dumps([detector.method, policy.to_dict()], sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return case.root / CACHE / f"{pixel_sha256[:24]}-{digest}.json"


def faces(
    case: Case,
    rgb: np.ndarray,
    pixel_sha256: str,
    detector: FaceDetector,
    policy: RedactionPolicy,
) -> list[Face]:
    """Faces publish finds in the whole frame (cached)."""
    path = _cache_file(case, pixel_sha256, detector, policy)
    if path.is_file():
        return [Face(*f) for f in json.loads(path.read_text("utf-8"))]
    found = find_faces(detector, rgb, policy.threshold, policy)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([[f.x0, f.y0, f.x1, f.y1, f.score] for f in found]), "utf-8")
    tmp.replace(path)
    return found


def drawn(
    rgb: np.ndarray,
    found: list[Face] | None,
    marked: list[MarkedBox],
    policy: RedactionPolicy,
) -> bytes:
    """PNG of the frame with what will be hidden outlined: faces (widened by the policy's
    margin, as publish hides them) in red, marked boxes in yellow with their ids."""
    from PIL import Image, ImageDraw

    img = Image.fromarray(np.ascontiguousarray(rgb[:, :, :3]).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    width = max(2, img.width // 320)
    for f in found or []:
        x0, y0, x1, y1 = widen(f, policy.margin, rgb.shape)
        draw.rectangle((x0, y0, x1 - 1, y1 - 1), outline=FACE_COLOUR, width=width)
        draw.text((x0 + 3, y0 + 2), f"face {f.score:.2f}", fill=FACE_COLOUR)
    for m in marked:
        x0, y0, x1, y1 = m.box
        draw.rectangle((x0, y0, x1 - 1, y1 - 1), outline=MANUAL_COLOUR, width=width)
        draw.text((x0 + 3, y0 + 2), f"box #{m.id}", fill=MANUAL_COLOUR)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def add_box(
    case: Case,
    by: str,
    video: str,
    index: int,
    box_xywh: tuple[int, int, int, int],
    whole_video: bool = False,
    note: str = "",
) -> MarkedBox:
    """Mark a box (x, y, w, h in the frame's pixels) for hiding in this frame, or in
    every published frame of the video; recorded and audited as a manual observation."""
    from workbench.recognize.manual import annotate

    tag = "redact-video" if whole_video else "redact"
    x, y, w, h = (int(v) for v in box_xywh)
    obs = annotate(
        case,
        video,
        XYWH(x, y, w, h),
        note.strip() or "hide this region when publishing",
        by,
        index=index,
        tags=(tag,),
    )
    return _marked(obs)


def remove_box(case: Case, by: str, box_id: int) -> None:
    """Stop hiding a marked box: its observation is rejected (audited); publish skips it."""
    found = query(case.conn, ids=[box_id])
    if not found or not content.is_redaction_box(found[0]):
        raise ReviewError(f"#{box_id} is not a box marked for redaction.")
    review(case.conn, [box_id], "rejected", by, note="redaction box removed")
