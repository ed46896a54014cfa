"""What a reference suggested before: a new run (another key) gives those back, not twins."""

from __future__ import annotations

from workbench.case import observations
from workbench.case.folder import Case
from workbench.recognize.records import iou

SAME = 0.5  # IoU from which two boxes on a frame are the same place


def prior_suggestions(
    case: Case, rid: int, video: str
) -> dict[int, list[observations.Observation]]:
    """What reference `rid` suggested on `video` before, under any run, by frame."""
    out: dict[int, list[observations.Observation]] = {}
    for o in observations.query(case.conn, video=video):
        origin = o.params.get("origin")
        if o.video == video and isinstance(origin, dict) and origin.get("reference") == rid:
            out.setdefault(o.frame_index, []).append(o)
    return out


def same_place(
    earlier: list[observations.Observation], bbox: tuple[int, ...] | None
) -> observations.Observation | None:
    """The earlier suggestion of the same place: both without a box (a text match), or
    boxes overlapping by IoU >= SAME."""
    for o in earlier:
        if bbox is None or o.bbox is None:
            if bbox is None and o.bbox is None:
                return o
        elif iou(bbox, o.bbox) >= SAME:  # type: ignore[arg-type]
            return o
    return None
