"""What a search by example gives back: its matches, and a reference's matches so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.case import observations
from workbench.case.folder import Case
from workbench.case.references import Reference


@dataclass(frozen=True)
class FindMatch:
    reference: int
    video: str
    frame_index: int
    time_s: float
    score: float
    observation_id: int
    bbox: list[int] | None
    new: bool  # False: suggested by an earlier run

    def to_record(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "video": self.video,
            "frame_index": self.frame_index,
            "time_s": round(self.time_s, 3),
            "score": self.score,
            "observation": self.observation_id,
            "bbox": self.bbox,
            "new": self.new,
        }


@dataclass
class FindResult:
    reference: Reference
    videos: int = 0
    keyframes: int = 0
    skipped: int = 0  # keyframes done by an earlier run
    filtered: int = 0  # keyframes the word index ruled out (not decoded)
    matches: list[FindMatch] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(m.new for m in self.matches)


def found(o: observations.Observation, rid: int, new: bool) -> FindMatch:
    return FindMatch(
        rid, o.video, o.frame_index, o.time_s, float(o.score or 0.0), o.id, o.bbox, new
    )


def matches_of(case: Case, reference_id: int) -> list[FindMatch]:
    """Every suggestion (or decision since) that reference `reference_id` made, in order."""
    out = []
    for o in observations.query(case.conn):
        origin = o.params.get("origin")
        if isinstance(origin, dict) and origin.get("reference") == reference_id:
            out.append(found(o, reference_id, False))
    return out
