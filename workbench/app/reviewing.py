"""What the Review page does, without Streamlit: moving through a video, its shots and
keyframes, slow-motion clips, and manual observations."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from workbench.app.coords import Box
from workbench.case import citation
from workbench.case.folder import Case
from workbench.case.observations import Observation
from workbench.case.records import Source, Video
from workbench.recognize.manual import annotate
from workbench.video.analysis import StoredAnalysis
from workbench.video.clips import ClipResult, export_clip, timecode
from workbench.video.enhance import Chain
from workbench.video.frames import FrameReader
from workbench.video.index import FrameIndex
from workbench.video.shots import Shot

STEPS = {"−10": -10, "−1": -1, "+1": 1, "+10": 10}  # button label -> frames
SPEEDS = (0.1, 0.25, 0.5, 1.0)


def step(index: int, delta: int, frame_count: int) -> int:
    """`index` moved by `delta` frames, kept inside the video."""
    return min(max(index + delta, 0), max(0, frame_count - 1))


def step_seconds(index: int, seconds: float, frames: FrameIndex) -> int:
    """The frame on screen `seconds` after (or before) frame `index`'s time."""
    t = frames.time(index) + seconds
    if t <= 0:
        return 0
    if t >= frames.end_time():
        return len(frames) - 1
    target = frames.index_at(t)
    # a time step always moves at least one frame, in its direction
    if seconds > 0 and target <= index:
        target = min(index + 1, len(frames) - 1)
    if seconds < 0 and target >= index:
        target = max(index - 1, 0)
    return target


def index_at_time(frames: FrameIndex, t: float) -> int:
    """The frame on screen at `t` seconds, times past the end giving the last frame."""
    if t <= 0:
        return 0
    if t >= frames.end_time():
        return len(frames) - 1
    return frames.index_at(t)


def shot_of(shots: tuple[Shot, ...] | list[Shot], index: int) -> Shot | None:
    for shot in shots:
        if shot.first_index <= index <= shot.last_index:
            return shot
    return None


def shot_label(shot: Shot) -> str:
    return (
        f"shot {shot.shot_no} · frames {shot.first_index}–{shot.last_index}"
        f" · {timecode(shot.first_time)} ({shot.transition})"
    )


def neighbour_shot(shots: tuple[Shot, ...] | list[Shot], index: int, direction: int) -> int:
    """The first frame of the next (direction 1) or previous (-1) shot; the start of the
    current shot when going back from inside it."""
    current = shot_of(shots, index)
    if current is None:
        return index
    if direction < 0 and index > current.first_index:
        return current.first_index
    target = current.shot_no + direction
    for shot in shots:
        if shot.shot_no == target:
            return shot.first_index
    return index


def where_caption(kind: str, index: int, count: int, time_text: str, sha: str) -> str:
    """ "frame 3 / 47 · 00:00:00.120 · source …", "page 2 / 9 · source …" (pages have no time)."""
    when = f" · {time_text}" if kind == "video" else ""
    return f"{citation.position(kind, index, count)}{when} · source {sha[:12]}"


def video_label(video: Video, sources: list[Source] | tuple[Source, ...] = ()) -> str:
    """The title (else the file name it was ingested from), size, length, short hash
    (once: the stored file is named by the hash, so its name says nothing more)."""
    size = f"{video.width}x{video.height}"
    duration = citation.extent(video.kind, video.frame_count, video.duration_s)
    named = next((s.title for s in sources if s.title), None)
    if named is None:
        uris = [s.uri for s in sources if s.uri]
        named = Path(uris[0].rstrip("/")).name if uris else "untitled"
    return f"{named[:60]} · {size} · {duration} · {video.sha256[:12]}"


@dataclass(frozen=True)
class Strip:
    """One thumbnail per shot (its first keyframe) for the shot strip."""

    shot: Shot
    keyframe_index: int
    thumbnail: Path | None


def shot_strip(case: Case, analysis: StoredAnalysis | None) -> list[Strip]:
    if analysis is None:
        return []
    out = []
    for shot in analysis.shots:
        kfs = [k for k in analysis.keyframes if k.keyframe.shot_no == shot.shot_no]
        first = min(kfs, key=lambda k: k.keyframe.index) if kfs else None
        thumb = case.path(first.thumbnail_path) if first and first.thumbnail_path else None
        out.append(
            Strip(
                shot,
                first.keyframe.index if first else shot.first_index,
                thumb if thumb is not None and thumb.is_file() else None,
            )
        )
    return out


def clip_path(
    case: Case, sha256: str, start_s: float, end_s: float, speed: float, chain: Chain, burn: bool
) -> Path:
    """Where a slow-motion clip of these parameters lives under derived/ (re-creatable)."""
    key = f"{start_s:.3f}|{end_s:.3f}|{speed:g}|{chain.to_string()}|{burn}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    name = f"{start_s:09.3f}-{end_s:09.3f}_x{speed:g}_{digest}.mp4"
    return case.root / "derived" / "clips" / sha256 / name


def slow_motion(
    case: Case,
    video: Video,
    start_s: float,
    seconds: float,
    speed: float,
    chain: Chain | None = None,
    burn: bool = True,
) -> tuple[Path, ClipResult | None]:
    """A slow-motion mp4 of `seconds` of source from `start_s`, written once to derived/
    (returns the existing file and None when it was made before)."""
    chain = chain or Chain()
    path = case.path(video.media_path)
    with FrameReader(path, video_sha256=video.sha256, cache_frames=4) as reader:
        end_s = min(start_s + seconds, reader.index.end_time())
        start_s = max(0.0, min(start_s, end_s - 1e-3))
        out = clip_path(case, video.sha256, start_s, end_s, speed, chain, burn)
        if out.is_file():
            return out, None
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.part.mp4")
        try:
            result = export_clip(reader, start_s, end_s, tmp, speed=speed, burn=burn, chain=chain)
            tmp.replace(out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return out, result


def annotate_box(
    case: Case,
    video: Video,
    index: int,
    box: Box,
    note: str,
    by: str,
    tags: str | list[str] = "",
    label: str | None = None,
    vendor: str | None = None,
) -> Observation:
    """A manual observation of `box` (frame pixels) on frame `index`, confirmed by `by`."""
    if isinstance(tags, str):
        tag_list = [t.strip() for t in tags.replace(";", ",").split(",") if t.strip()]
    else:
        tag_list = [t.strip() for t in tags if t.strip()]
    return annotate(
        case,
        video.sha256,
        box,
        note,
        by,
        index=index,
        tags=tuple(tag_list),
        label=(label or "").strip() or None,
        vendor=(vendor or "").strip() or None,
    )
