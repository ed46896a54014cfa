"""The logos stage of `workbench analyze`: every keyframe against a logo library.

Resumable per keyframe like the text stage; within a shot the same logo at about the
same place is suggested once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from workbench.case import audit, records
from workbench.case.folder import Case
from workbench.case.observations import NewObservation, insert
from workbench.case.store import transaction
from workbench.progress import NullProgress, ProgressSink
from workbench.recognize import runs
from workbench.recognize.records import iou
from workbench.video.analysis import load_analysis
from workbench.video.errors import VideoError
from workbench.video.frames import FrameReader

STAGE = "logos"


@dataclass
class LogoStageResult:
    video_sha256: str
    run_key: str
    keyframes: int = 0
    skipped: int = 0
    observations: int = 0


def library_hash(folder: Path) -> str:
    """Content hash of a logo library (names and bytes), so a changed library reruns."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def run_logo_stage(case: Case, video_sha256: str, library_dir: Path,
                   progress: ProgressSink | None = None, actor: str = "workbench"
                   ) -> LogoStageResult:
    from workbench.recognize.logos import LogoLibrary, LogoMatcher

    progress = progress or NullProgress()
    video = records.video(case.conn, video_sha256)
    if video is None:
        raise VideoError(f"No video {video_sha256} in this case.")
    analysis = load_analysis(case, video.sha256)
    if analysis is None:
        raise VideoError(f"Video {video.sha256[:12]} has no keyframes yet; run the keyframes "
                         "stage first.")
    library = LogoLibrary.load(Path(library_dir))
    matcher = LogoMatcher(library)
    key_params = {"library": library_hash(Path(library_dir)), "matcher": matcher.method,
                  "keyframes": analysis.params_hash}
    key = runs.run_key(video.sha256, STAGE, key_params)
    result = LogoStageResult(video.sha256, key)
    with transaction(case.conn):
        runs.start(case.conn, key, video.sha256, STAGE, matcher.method, key_params)
    done = runs.done_items(case.conn, key)
    reader = FrameReader(case.path(video.media_path), video.sha256)
    seen: dict[int, list[tuple[str, tuple[int, int, int, int]]]] = {}
    total = len(analysis.keyframes)
    try:
        for n, stored in enumerate(analysis.keyframes):
            kf = stored.keyframe
            result.keyframes += 1
            shot_seen = seen.setdefault(kf.shot_no, [])
            if str(kf.index) in done:
                result.skipped += 1
                for r in case.conn.execute(
                        "SELECT label, bbox FROM observations WHERE run_key = ? AND"
                        " frame_index = ?", (key, kf.index)):
                    import json

                    shot_seen.append((r["label"], tuple(json.loads(r["bbox"]))))
                progress.update(f"logos {video.sha256[:12]}", n + 1, total)
                continue
            frame = reader.get(kf.index)
            new = []
            for m in matcher.match(frame.rgb):
                bbox = tuple(int(v) for v in m.bbox)
                if any(label == m.label and iou(bbox, box) > 0.3 for label, box in shot_seen):
                    continue
                shot_seen.append((m.label, bbox))
                new.append(NewObservation(
                    video_sha256=video.sha256, frame_index=frame.ref.index,
                    time_s=frame.ref.time_s, pixel_sha256=frame.ref.pixel_sha256, kind="logo",
                    method=m.method, created_by=m.method, label=m.label, vendor=m.vendor,
                    bbox=bbox, quad=tuple(tuple(map(float, p)) for p in m.quad),
                    score=float(m.score), run_key=key,
                    params={"inliers": int(m.inliers), "library": key_params["library"]},
                ))
            with transaction(case.conn) as conn:
                for obs in new:
                    insert(conn, obs)
                runs.mark_done(conn, key, str(kf.index), {"matches": len(new)})
            result.observations += len(new)
            progress.update(f"logos {video.sha256[:12]}", n + 1, total)
    finally:
        reader.close()
    with transaction(case.conn) as conn:
        if not runs.is_finished(conn, key):
            runs.finish(conn, key)
            audit.append(conn, actor, "analyze.logos", video.sha256, {
                "run_key": key, "params": key_params, "keyframes": result.keyframes,
                "resumed_after": result.skipped, "observations": result.observations})
    return result
