"""The resumable per-keyframe loop that the text and logos stages share.

A run is keyed by its parameters; each keyframe's observations and its "done" mark are
written in one transaction, so a killed run continues after the last finished keyframe.
The run's audit entry is appended once, when the run first finishes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from workbench.case import audit, records
from workbench.case.folder import Case
from workbench.case.observations import NewObservation, insert
from workbench.case.store import transaction
from workbench.progress import ProgressSink
from workbench.recognize import runs
from workbench.video.analysis import StoredAnalysis, StoredKeyframe, load_analysis
from workbench.video.errors import VideoError
from workbench.video.frames import FrameReader

# n, the keyframe, the video's frame reader -> its new observations and the item's stats
Compute = Callable[[int, StoredKeyframe, FrameReader], tuple[list[NewObservation], dict]]
Skip = Callable[[int, StoredKeyframe], None]  # n, a keyframe done in an earlier run


class Counts(Protocol):
    keyframes: int
    skipped: int
    observations: int


@dataclass(frozen=True)
class KeyframeRun:
    """One stage's run on one video: `stage` names the progress line and the audit action."""

    video: records.Video
    stage: str
    method: str
    key: str
    params: dict[str, Any]


def video_keyframes(case: Case, video_sha256: str) -> tuple[records.Video, StoredAnalysis]:
    """The video and its stored keyframes, or a VideoError saying which is missing."""
    video = records.require_video(case.conn, video_sha256, VideoError)
    analysis = load_analysis(case, video.sha256)
    if analysis is None:
        raise VideoError(
            f"Video {video.sha256[:12]} has no keyframes yet; run the keyframes stage first."
        )
    return video, analysis


def run_keyframes(
    case: Case,
    run: KeyframeRun,
    keyframes: Sequence[StoredKeyframe],
    compute: Compute,
    skip: Skip,
    result: Counts,
    progress: ProgressSink,
    actor: str,
    audit_extra: Callable[[], dict[str, Any]] | None = None,
) -> None:
    """Run `compute` on each keyframe not done yet (`skip` on those that are), committing
    each keyframe's observations with its done mark; count into `result`."""
    sha = run.video.sha256
    with transaction(case.conn):
        runs.start(case.conn, run.key, sha, run.stage, run.method, run.params)
    done = runs.done_items(case.conn, run.key)
    reader = FrameReader(case.path(run.video.media_path), sha)
    total = len(keyframes)
    try:
        for n, stored in enumerate(keyframes):
            item = str(stored.keyframe.index)
            result.keyframes += 1
            if item in done:
                result.skipped += 1
                skip(n, stored)
            else:
                new, stats = compute(n, stored, reader)
                with transaction(case.conn) as conn:
                    for obs in new:
                        insert(conn, obs)
                    runs.mark_done(conn, run.key, item, stats)
                result.observations += len(new)
            progress.update(f"{run.stage} {sha[:12]}", n + 1, total)
    finally:
        reader.close()
    with transaction(case.conn) as conn:
        if not runs.is_finished(conn, run.key):
            runs.finish(conn, run.key)
            params = {
                "run_key": run.key,
                "params": run.params,
                "keyframes": result.keyframes,
                "resumed_after": result.skipped,
                "observations": result.observations,
                **(audit_extra() if audit_extra else {}),
            }
            audit.append(conn, actor, f"analyze.{run.stage}", sha, params)
