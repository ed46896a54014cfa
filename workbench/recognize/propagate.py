"""A finding confirmed on one copy, proposed at the aligned frame of every other copy.

For each copy link that covers the confirmed observation's frame, the aligned frame of
the other video is the one on screen at the observation's time plus the link's offset;
the box is mapped through the transform estimated between the two decoded frames
(scale, crop, letterbox). The proposal is a *suggestion* that cites its origin (the
observation's id, video, frame and time, the copy link and the transform) in its
parameters and in the audit log. Proposing twice adds nothing: an observation that
already cites the same origin in that video is kept as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.case import audit, records
from workbench.case import copies as links_store
from workbench.case import observations as obs_store
from workbench.case.copies import CopyLink
from workbench.case.folder import Case
from workbench.case.observations import NewObservation, Observation
from workbench.case.store import transaction
from workbench.video.frame_transform import Similarity, estimate
from workbench.video.frames import FrameReader

METHOD = "workbench.recognize.propagate/1"


@dataclass(frozen=True)
class Proposal:
    origin: int  # the confirmed observation
    video: str
    frame_index: int
    observation: int  # the suggestion made (or the one already there)
    new: bool


def _origin(obs: Observation) -> int | None:
    value = obs.params.get("origin_observation")
    return int(value) if value is not None else None


def propagate(case: Case, ids: list[int] | None = None, actor: str = "workbench") -> list[Proposal]:
    """Propose the confirmed observations `ids` (None: every confirmed one) at the aligned
    frames of their copies. Observations that are themselves proposals are not spread
    again (their origin already was)."""
    conn = case.conn
    chosen = obs_store.query(conn, status="confirmed", ids=ids) if ids != [] else []
    out: list[Proposal] = []
    readers: dict[str, FrameReader] = {}
    try:
        for obs in chosen:
            if _origin(obs) is not None:
                continue
            for link in links_store.links(conn, obs.video):
                if link.a_first <= obs.frame_index <= link.a_last:
                    out.append(_propose(case, obs, link, readers, actor))
    finally:
        for reader in readers.values():
            reader.close()
    return out


def _reader(case: Case, sha: str, readers: dict[str, FrameReader]) -> FrameReader:
    if sha not in readers:
        video = records.video(case.conn, sha)
        assert video is not None
        readers[sha] = FrameReader(case.path(video.media_path), sha)
    return readers[sha]


def _propose(
    case: Case, obs: Observation, link: CopyLink, readers: dict[str, FrameReader], actor: str
) -> Proposal:
    conn = case.conn
    for other in obs_store.query(conn, video=link.video_b):
        if other.video == link.video_b and _origin(other) == obs.id:
            return Proposal(obs.id, link.video_b, other.frame_index, other.id, False)
    reader_b = _reader(case, link.video_b, readers)
    index_b = reader_b.index_at(obs.time_s + link.offset_s)
    index_b = min(max(index_b, link.b_first), link.b_last)
    frame_a = _reader(case, obs.video, readers).get(obs.frame_index)
    frame_b = reader_b.get(index_b)
    transform = estimate(frame_a.rgb, frame_b.rgb)
    height, width = frame_b.rgb.shape[:2]
    bbox = transform.box(obs.bbox, width, height) if obs.bbox else None
    quad = _quad(obs, transform)
    params = {
        "origin_observation": obs.id,
        "origin_video": obs.video,
        "origin_frame": obs.frame_index,
        "origin_time_s": obs.time_s,
        "origin_method": obs.method,
        "origin_confirmed_by": obs.reviewed_by,
        "copy_link": link.id,
        "copy_method": link.method,
        "offset_s": link.offset_s,
        "transform": transform.to_dict(),
    }
    new = NewObservation(
        video_sha256=link.video_b,
        frame_index=index_b,
        time_s=frame_b.ref.time_s,
        kind=obs.kind,
        method=METHOD,
        created_by=actor,
        text=obs.text,
        label=obs.label,
        vendor=obs.vendor,
        bbox=tuple(bbox) if bbox else None,  # type: ignore[arg-type]
        quad=quad,
        score=transform.score,
        params=params,
        tags=tuple(obs.tags),
        pixel_sha256=frame_b.ref.pixel_sha256,
    )
    with transaction(conn):
        oid = obs_store.insert(conn, new)
        audit.append(
            conn,
            actor,
            "copies.propagate",
            f"observation:{oid}",
            {
                "origin_observation": obs.id,
                "video": link.video_b,
                "frame_index": index_b,
                "copy_link": link.id,
                "method": METHOD,
                "transform": transform.to_dict(),
            },
        )
    return Proposal(obs.id, link.video_b, index_b, oid, True)


def _quad(obs: Observation, t: Similarity) -> tuple[tuple[float, float], ...] | None:
    if not obs.quad:
        return None
    return tuple(tuple(round(v, 2) for v in t.point(x, y)) for x, y in obs.quad)  # type: ignore[misc]
