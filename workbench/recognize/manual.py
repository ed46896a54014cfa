"""Manual observations: a person marks a box on a frame and says what they see.

The frame is decoded to record its exact index, presentation time and pixel hash; a
manual observation is confirmed by its author at creation.
"""

from __future__ import annotations

from workbench.case import audit, records
from workbench.case.boxes import XYWH
from workbench.case.folder import Case
from workbench.case.observations import NewObservation, Observation, insert, query
from workbench.case.store import transaction
from workbench.errors import WorkbenchError
from workbench.video.frames import FrameReader


class AnnotateError(WorkbenchError):
    """The annotation names a video, frame or box that does not exist."""


class DuplicateNote(AnnotateError):
    """The same person already saved the same note on the same box of the same frame."""


def annotate(
    case: Case,
    video: str,
    box: XYWH,
    note: str,
    by: str,
    index: int | None = None,
    time_s: float | None = None,
    tags: tuple[str, ...] = (),
    label: str | None = None,
    vendor: str | None = None,
) -> Observation:
    """Record a manual observation; `box` is (x, y, w, h) in the frame's own pixels."""
    found = records.require_video(case.conn, video, AnnotateError)
    if (index is None) == (time_s is None):
        raise AnnotateError("Give the frame as exactly one of --index or --time.")
    if not note.strip():
        raise AnnotateError("A manual observation needs a note saying what is seen.")
    reader = FrameReader(case.path(found.media_path), found.sha256)
    try:
        if index is not None:
            if not 0 <= index < reader.frame_count:
                raise AnnotateError(
                    f"Frame {index} is outside this video (0 to {reader.frame_count - 1})."
                )
            frame = reader.get(index)
        else:
            assert time_s is not None
            if time_s < 0:
                raise AnnotateError("A time cannot be negative.")
            frame = reader.at_time(time_s)
    finally:
        reader.close()
    x, y, w, h = box
    height, width = frame.rgb.shape[:2]
    if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > width or y + h > height:
        raise AnnotateError(f"The box {x},{y},{w},{h} is not inside the {width}x{height} frame.")
    for same in query(case.conn, kind="manual", video=found.sha256):
        if (same.frame_index, same.bbox, same.text, same.created_by, same.status) == (
            frame.ref.index, [x, y, x + w, y + h], note, by, "confirmed"
        ):  # fmt: skip
            raise DuplicateNote(
                f"This note is already saved as #{same.id} on frame {same.frame_index};"
                " nothing was added."
            )
    obs = NewObservation(
        video_sha256=found.sha256,
        frame_index=frame.ref.index,
        time_s=frame.ref.time_s,
        pixel_sha256=frame.ref.pixel_sha256,
        kind="manual",
        method="manual",
        created_by=by,
        text=note,
        label=label,
        vendor=vendor,
        bbox=(x, y, x + w, y + h),
        status="confirmed",
        tags=tuple(tags),
        params={"box_xywh": [x, y, w, h]},
    )
    with transaction(case.conn) as conn:
        oid = insert(conn, obs)
        audit.append(
            conn,
            by,
            "observation.annotate",
            f"observation:{oid}",
            {
                "video": found.sha256,
                "frame_index": frame.ref.index,
                "time_s": frame.ref.time_s,
                "bbox": list(obs.bbox or ()),
                "note": note,
                "tags": list(tags),
            },
        )
    return query(case.conn, ids=[oid])[0]
