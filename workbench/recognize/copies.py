"""The same footage across uploads: every shot searched in every other video.

Each shot's per-frame fingerprint is looked up in an index of all fingerprinted videos
(`ArchiveIndex`), aligned frame by frame with each candidate, and a copy found is stored
as a link "frames a..b of video A are frames c..d of video B" with the method, its
version and the parameters. Where the copy starts or ends at a cut of the other video
(within one frame), the offset is snapped to that cut: a cut is frame-exact even where
the picture is too still for the hashes to be.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.case import audit, records
from workbench.case import copies as store
from workbench.case.copies import CopyLink
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.errors import WorkbenchError
from workbench.progress import NullProgress, ProgressSink
from workbench.video import copy_align
from workbench.video.analysis import load_analysis, video_fingerprint
from workbench.video.copy_align import Alignment, ArchiveIndex
from workbench.video.fingerprint import METHOD as FINGERPRINT
from workbench.video.fingerprint import FrameHashes
from workbench.video.frame_transform import (
    Similarity,
    agreement,
    estimate,
    inverse,
    motion_agreement,
)
from workbench.video.frames import FrameReader
from workbench.video.shots import Shot

METHOD = f"workbench.recognize.copies/2 ({FINGERPRINT}; {copy_align.METHOD})"
VERIFY = 0.91  # the middle aligned frames' pixels must agree this well (normalised
#               cross-correlation after the estimated scale and crop): look-alike rooms
#               with the same layout pass the hashes, not this
MOTION = 0.4  # the change from the copy's first to its last aligned frame must agree this
#               well (difference pictures, after the transform): a look-alike room whose
#               pictures fit frame by frame does not move the same way
SNAP = 1  # frames: a copy starting this close to a cut of the other video snaps to it
TASK = "copies: shots searched"


class CopiesError(WorkbenchError):
    """A copy search names a video that cannot be searched."""


@dataclass(frozen=True)
class CopySearch:
    links: list[CopyLink]
    searched: list[str]  # videos whose shots were searched
    skipped: dict[str, str]  # video -> why it was not searched


def params() -> dict[str, object]:
    return {
        "pair_bits": copy_align.PAIR,
        "accept_bits": copy_align.ACCEPT,
        "min_frames": copy_align.MIN_FRAMES,
        "regions": list(copy_align.REGIONS),
        "snap_frames": SNAP,
        "verify_ncc": VERIFY,
        "motion_ncc": MOTION,
    }


def _fingerprints(
    case: Case, progress: ProgressSink, actor: str
) -> tuple[dict[str, FrameHashes], dict[str, str]]:
    out: dict[str, FrameHashes] = {}
    skipped: dict[str, str] = {}
    for video in records.videos(case.conn):
        fp = video_fingerprint(case, video.sha256, progress, actor)
        if fp is None:
            skipped[video.sha256] = "not analysed yet (run workbench analyze)"
        elif len(fp) < copy_align.MIN_FRAMES:
            skipped[video.sha256] = f"only {len(fp)} frame(s): too short to compare"
        else:
            out[video.sha256] = fp
    return out, skipped


def check_video(case: Case, ref: str) -> str:
    """The full sha256 of a video that can be searched, or one clear error."""
    video = records.require_video(case.conn, ref)
    if load_analysis(case, video.sha256) is None:
        raise CopiesError(
            f"Video {video.sha256[:12]} has not been analysed yet: run "
            f"`workbench analyze DIR --video {video.sha256[:12]}` first."
        )
    if video.frame_count and video.frame_count < copy_align.MIN_FRAMES:
        raise CopiesError(
            f"Video {video.sha256[:12]} has {video.frame_count} frame(s): at least "
            f"{copy_align.MIN_FRAMES} are needed to find its copies."
        )
    return video.sha256


def find_copies(
    case: Case,
    videos: list[str] | None = None,
    progress: ProgressSink | None = None,
    actor: str = "workbench",
) -> CopySearch:
    """Search the shots of `videos` (full sha256s; None: every video) in all the others,
    store the links found (replacing earlier ones of the same method) and return them."""
    progress = progress or NullProgress()
    fps, skipped = _fingerprints(case, progress, actor)
    wanted = [v for v in (videos or list(fps)) if v in fps]
    for v in videos or ():
        if v not in fps:
            reason = skipped.get(v, "no fingerprint")
            raise CopiesError(f"Video {v[:12]} cannot be searched: {reason}.")
    index = ArchiveIndex(fps)
    found: dict[str, list[CopyLink]] = {}
    readers: dict[str, FrameReader] = {}
    known: dict[tuple[str, str], Similarity] = {}
    total = sum(len(_shots(case, v)) for v in wanted)
    done = 0
    progress.update(TASK, 0, max(total, 1))
    for sha in wanted:
        links: list[CopyLink] = []
        for shot in _shots(case, sha):
            query = fps[sha].span(shot.first_index, shot.last_index)
            if len(query) >= min(copy_align.MIN_FRAMES, shot.last_index - shot.first_index + 1):
                for other, hit in index.search(query, exclude=sha).items():
                    link = _link(case, sha, shot, query, other, fps[other], hit)
                    if verify(case, link, readers, known):
                        links.append(link)
            done += 1
            progress.update(TASK, done, max(total, 1))
        found[sha] = links
    for reader in readers.values():
        reader.close()
    with transaction(case.conn) as conn:
        for sha, links in found.items():
            store.replace_links(conn, sha, METHOD, links)
            audit.append(
                conn,
                actor,
                "copies.search",
                sha,
                {"method": METHOD, "params": params(), "links": len(links)},
            )
    every = [link for sha in wanted for link in store.links(case.conn, sha)]
    return CopySearch(every, wanted, skipped)


def verify(
    case: Case,
    link: CopyLink,
    readers: dict[str, FrameReader],
    known: dict[tuple[str, str], Similarity] | None = None,
) -> bool:
    """Whether the aligned frames of a link agree pixel for pixel: the transform (scale,
    crop, bars) is estimated on the middle pair (or taken from an earlier link between the
    same videos), then must hold on the pairs a quarter and three quarters in, where the
    picture has moved on: look-alike rooms fit one frame, not the motion. The middle pair
    is scored first and the check stops at the first pair that fails (most candidates
    fail at once, and their other frames are not decoded). Last, the change from the first
    to the last aligned frame must agree in both videos (`motion_agreement`, at least
    `MOTION`; a still shot passes): a look-alike room with the same layout fits frame by
    frame, not the way its pictures move. The transform and the scores are kept in the
    link's params."""
    known = {} if known is None else known
    for sha in (link.video_a, link.video_b):
        if sha not in readers:
            video = records.video(case.conn, sha)
            assert video is not None
            readers[sha] = FrameReader(case.path(video.media_path), sha)
    span = link.a_last - link.a_first
    picks = sorted({link.a_first + span * n // 4 for n in (1, 2, 3)})
    middle = picks[len(picks) // 2]
    pairs: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def pair(i: int) -> tuple[np.ndarray, np.ndarray]:
        if i not in pairs:
            b = min(link.b_first + i - link.a_first, link.b_last)
            pairs[i] = (readers[link.video_a].get(i).rgb, readers[link.video_b].get(b).rgb)
        return pairs[i]

    try:
        fit = known.get((link.video_a, link.video_b))
        if fit is None and (link.video_b, link.video_a) in known:
            fit = inverse(known[(link.video_b, link.video_a)])
        if fit is None or agreement(*pair(middle), fit) < VERIFY:
            fit = estimate(*pair(middle))
        order = [middle] + [p for p in picks if p != middle]  # the middle pair first:
        scores: list[float] = []  # most candidates fail there, and are not decoded further
        for i in order:
            scores.append(round(agreement(*pair(i), fit), 4))
            if scores[-1] < VERIFY:
                break
    except WorkbenchError:
        return False
    checked = dict(zip(order, scores, strict=False))
    link.params["verified"] = {
        "frames": sorted(checked),
        "scores": [checked[i] for i in sorted(checked)],
        **fit.to_dict(),
    }
    if min(scores) < VERIFY or len(scores) < len(picks):
        return False
    motion = _motion(link, readers, fit)
    link.params["verified"]["motion"] = None if motion is None else round(motion, 4)
    if motion is not None and motion < MOTION:
        return False
    known[(link.video_a, link.video_b)] = fit
    return True


def _motion(link: CopyLink, readers: dict[str, FrameReader], fit: Similarity) -> float | None:
    """How the picture changes from the first to the last aligned frame, in both videos
    (`motion_agreement`; None: it does not change)."""
    if link.a_last == link.a_first:
        return None
    b_last = min(link.b_first + link.a_last - link.a_first, link.b_last)
    a_reader, b_reader = readers[link.video_a], readers[link.video_b]
    try:
        a = (a_reader.get(link.a_first).rgb, a_reader.get(link.a_last).rgb)
        b = (b_reader.get(link.b_first).rgb, b_reader.get(b_last).rgb)
        return motion_agreement(a, b, fit)
    except WorkbenchError:
        return None


def _shots(case: Case, sha: str) -> tuple[Shot, ...]:
    analysis = load_analysis(case, sha)
    return analysis.shots if analysis is not None else ()


def _link(
    case: Case,
    sha: str,
    shot: Shot,
    query: FrameHashes,
    other: str,
    target: FrameHashes,
    hit: Alignment,
) -> CopyLink:
    a_first, a_last = int(query.indices[hit.q_first]), int(query.indices[hit.q_last])
    b_first, b_last = int(target.indices[hit.t_first]), int(target.indices[hit.t_last])
    offset = hit.offset_s
    snapped = None
    cuts = {s.first_index for s in _shots(case, other)}
    if a_first == shot.first_index:
        near = [c for c in cuts if abs(c - b_first) <= SNAP]
        if near:
            snapped = min(near, key=lambda c: abs(c - b_first))
    if snapped is not None and snapped != b_first:
        pos = int(snapped - target.indices[0])
        if 0 <= pos < len(target) and target.indices[pos] == snapped:
            shift = snapped - b_first
            b_first, b_last = snapped, b_last + shift
            offset = float(target.times[pos] - query.times[hit.q_first])
    b_last = min(b_last, int(target.indices[-1]))
    return CopyLink(
        video_a=sha,
        shot_a=shot.shot_no,
        a_first=a_first,
        a_last=a_last,
        a_first_time=float(query.times[hit.q_first]),
        a_last_time=float(query.times[hit.q_last]),
        video_b=other,
        b_first=b_first,
        b_last=b_last,
        b_first_time=_time(target, b_first),
        b_last_time=_time(target, b_last),
        offset_s=round(offset, 6),
        distance=hit.distance,
        frames=hit.frames,
        method=METHOD,
        params=params() | {"snapped_to_cut": snapped is not None},
    )


def _time(fp: FrameHashes, index: int) -> float:
    pos = int(min(max(index - int(fp.indices[0]), 0), len(fp) - 1))
    return float(fp.times[pos])


def copies_of(case: Case, video: str | None = None, shot: int | None = None) -> list[CopyLink]:
    """The stored copy links (of one video's shots, or one shot)."""
    return store.links(case.conn, video, shot)


def earliest_upload(case: Case, shas: list[str]) -> tuple[str, str, str] | None:
    """(video sha256, upload date, where) of the earliest upload among these videos'
    sources (their upload dates as ingest recorded them); None when none has a date."""
    dated = [
        (s.upload_date, s.video_sha256, s.webpage_url or s.uri)
        for sha in shas
        for s in records.sources(case.conn, sha)
        if s.upload_date
    ]
    if not dated:
        return None
    date, sha, where = min(dated)
    return sha, date, where


@dataclass(frozen=True)
class CopyHere:
    """A copy of the shot on screen, and the frame of it aligned with the current frame."""

    link: CopyLink
    frame_index: int  # the aligned frame of video B (clamped to the copy)
    time_s: float


def copies_at(case: Case, sha: str, index: int) -> list[CopyHere]:
    """The copies of the shot that holds frame `index` of video `sha`, each with the frame
    aligned to it (from the stored frame indexes: frame-exact at any frame rate)."""
    from workbench.video.index_build import stored_index

    out = []
    here = [link for link in store.links(case.conn, sha) if link.a_first <= index <= link.a_last]
    if not here:
        return []
    a = records.video(case.conn, sha)
    frames_a = stored_index(case.path(a.media_path)) if a else None
    for link in here:
        b = records.video(case.conn, link.video_b)
        frames_b = stored_index(case.path(b.media_path)) if b else None
        if frames_a is not None and frames_b is not None:
            t = frames_a.time(index) + link.offset_s
            k = min(max(frames_b.index_at(max(t, 0.0)), link.b_first), link.b_last)
            out.append(CopyHere(link, k, frames_b.time(k)))
        else:
            k = min(link.b_first + index - link.a_first, link.b_last)
            out.append(CopyHere(link, k, link.b_first_time + (k - link.b_first) / 25.0))
    return out
