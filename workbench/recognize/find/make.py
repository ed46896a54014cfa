"""Make a reference: a box on an exact frame (or a confirmed finding) kept as an example.

Everything is checked before anything is written: the video, the frame, the box, the
label. A bad value gets one sentence and the case is unchanged.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from workbench.case import records, references
from workbench.case.boxes import XYWH
from workbench.case.folder import Case
from workbench.case.observations import Observation, query
from workbench.case.references import NewReference, Reference
from workbench.case.store import transaction
from workbench.errors import WorkbenchError
from workbench.video.frames import FrameReader

METHOD = "workbench.find/1"
MIN_MARK = 16  # px: a smaller mark has too little detail to match
MAX_LABEL = 80
# letters and digits of any script, spaces and a few signs that names use
_LABEL = re.compile(r"^[\w .,&'()/+:#-]+$")


class FindError(WorkbenchError):
    """A reference names a video, frame, box or label that cannot be used."""


def check_label(label: str) -> str:
    """A label as kept: trimmed, one line of plain text; FindError otherwise."""
    text = unicodedata.normalize("NFC", label).strip()
    if not text:
        raise FindError("A reference's label cannot be empty; give a few words.")
    if len(text) > MAX_LABEL:
        raise FindError(f"A reference's label is at most {MAX_LABEL} characters long.")
    if not _LABEL.match(text) or any(unicodedata.category(c).startswith("C") for c in text):
        raise FindError(
            "A reference's label may hold letters, digits, spaces and . , & ' ( ) / + : # -"
            f" only; {label[:40]!r} has other characters. Nothing was added."
        )
    return text


def make_reference(
    case: Case,
    video: str,
    index: int,
    box: XYWH | tuple[int, int, int, int],
    by: str,
    label: str | None = None,
    kind: str = "mark",
    observation: Observation | None = None,
) -> tuple[Reference, bool]:
    """Keep the box `box` (x, y, w, h) of frame `index` as a reference.

    Returns the reference and whether it is new (the same person boxing the same place
    twice gets the first one back)."""
    import cv2

    if kind not in references.KINDS:
        raise FindError(f"A reference is a mark or a screen, not {kind!r}.")
    found = records.video(case.conn, video)
    if found is None:
        raise FindError(
            f"No video in this case matches {video!r} (give its sha256 or a unique prefix"
            " of at least 6 hex digits)."
        )
    text = check_label(label) if label is not None else None
    x, y, w, h = (int(v) for v in box)
    if w <= 0 or h <= 0:
        raise FindError(f"The box {x},{y},{w},{h} has no area; nothing was added.")
    reader = FrameReader(case.path(found.media_path), found.sha256)
    try:
        if not 0 <= index < reader.frame_count:
            raise FindError(
                f"Frame {index} is outside this video (0 to {reader.frame_count - 1});"
                " nothing was added."
            )
        frame = reader.get(index)
        ref = frame.ref
    finally:
        reader.close()
    height, width = frame.rgb.shape[:2]
    if x < 0 or y < 0 or x + w > width or y + h > height:
        raise FindError(
            f"The box {x},{y},{w},{h} is not inside the {width}x{height} frame; nothing was added."
        )
    if min(w, h) < MIN_MARK:
        raise FindError(
            f"The box {x},{y},{w},{h} is smaller than {MIN_MARK} px on a side: too little to"
            " match; draw it a little larger."
        )
    crop = np.ascontiguousarray(frame.rgb[y : y + h, x : x + w])
    ok, png = cv2.imencode(".png", crop[..., ::-1])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 image
        raise FindError("The box could not be encoded as an image.")
    product = vendor = None
    strings: tuple[str, ...] = ()
    if kind == "screen" or observation is not None:
        strings = _lines_in(case, found.sha256, ref.index, (x, y, x + w, y + h))
    if _confirmed_interface(observation):
        assert observation is not None
        product, vendor = observation.label, observation.vendor
        matched = [str(s) for s in observation.params.get("matched", [])]
        strings = tuple(dict.fromkeys([*matched, *strings]))
    new = NewReference(
        kind=kind,
        label=text or _default_label(kind, observation, found.sha256, ref.index),
        video_sha256=found.sha256,
        frame_index=ref.index,
        time_s=ref.time_s,
        pixel_sha256=ref.pixel_sha256,
        box=(x, y, w, h),
        crop_png=png.tobytes(),
        method=METHOD,
        created_by=by,
        observation_id=observation.id if observation is not None else None,
        product=product,
        vendor=vendor,
        strings=strings,
    )
    with transaction(case.conn) as conn:
        existing = references.same(conn, new)
        if existing is not None:
            return existing, False
        rid = references.add(conn, new)
    made = references.get(case.conn, rid)
    assert made is not None
    return made, True


def from_observation(
    case: Case, oid: int, by: str, label: str | None = None, kind: str | None = None
) -> tuple[Reference, bool]:
    """A reference from an observation's box. A confirmed interface finding becomes a
    screen reference and the case's own interface signature for its product."""
    found = query(case.conn, ids=[oid])
    if not found:
        raise FindError(f"No observation has the id {oid}; nothing was added.")
    obs = found[0]
    if obs.bbox is None:
        raise FindError(f"Observation #{oid} has no box to make a reference from.")
    x0, y0, x1, y1 = obs.bbox
    chosen = kind or ("screen" if obs.kind == "interface" else "mark")
    return make_reference(
        case, obs.video, obs.frame_index, (x0, y0, x1 - x0, y1 - y0), by, label, chosen, obs
    )


def _confirmed_interface(obs: Observation | None) -> bool:
    return bool(obs and obs.kind == "interface" and obs.status == "confirmed" and obs.label)


def _default_label(kind: str, obs: Observation | None, video: str, index: int) -> str:
    if obs is not None and (obs.label or obs.text):
        return check_label(re.sub(r"[^\w .,&'()/+:#-]", " ", str(obs.label or obs.text))[:60])
    return f"{kind} {video[:8]} #{index}"


def _lines_in(
    case: Case, video: str, index: int, box: tuple[int, int, int, int]
) -> tuple[str, ...]:
    """The OCR lines stored on this frame whose centre lies inside `box`."""
    out = []
    for o in query(case.conn, kind="ocr", video=video):
        if o.frame_index != index or not o.bbox or not o.text:
            continue
        cx, cy = (o.bbox[0] + o.bbox[2]) / 2, (o.bbox[1] + o.bbox[3]) / 2
        if box[0] <= cx < box[2] and box[1] <= cy < box[3]:
            out.append(o.text)
    return tuple(dict.fromkeys(out))
