"""The logos stage of `workbench analyze`: every keyframe against a logo library.

Resumable per keyframe like the text stage; within a shot the same logo at about the
same place is suggested once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from workbench.case.boxes import XYXY
from workbench.case.folder import Case
from workbench.case.observations import NewObservation, of_run
from workbench.progress import NullProgress, ProgressSink
from workbench.recognize import runs
from workbench.recognize.per_keyframe import KeyframeRun, run_keyframes, video_keyframes
from workbench.recognize.records import iou
from workbench.video.analysis import StoredKeyframe
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


def run_logo_stage(
    case: Case,
    video_sha256: str,
    library_dir: Path,
    progress: ProgressSink | None = None,
    actor: str = "workbench",
) -> LogoStageResult:
    from workbench.recognize.logos import LogoLibrary, LogoMatcher

    video, analysis = video_keyframes(case, video_sha256)
    library = LogoLibrary.load(Path(library_dir))
    matcher = LogoMatcher(library)
    key_params = {
        "library": library_hash(Path(library_dir)),
        "matcher": matcher.method,
        "keyframes": analysis.params_hash,
    }
    key = runs.run_key(video.sha256, STAGE, key_params)
    result = LogoStageResult(video.sha256, key)
    seen: dict[int, list[tuple[str | None, XYXY]]] = {}

    def skip(n: int, stored: StoredKeyframe) -> None:
        shot_seen = seen.setdefault(stored.keyframe.shot_no, [])
        for o in of_run(case.conn, key, stored.keyframe.index):
            if o.bbox is not None:
                shot_seen.append((o.label, XYXY.of(o.bbox)))

    def compute(n: int, stored: StoredKeyframe, reader: FrameReader):
        shot_seen = seen.setdefault(stored.keyframe.shot_no, [])
        frame = reader.get(stored.keyframe.index)
        new = []
        for m in matcher.match(frame.rgb):
            x0, y0, x1, y1 = (int(v) for v in m.bbox)
            bbox = XYXY(x0, y0, x1, y1)
            if any(label == m.label and iou(bbox, box) > 0.3 for label, box in shot_seen):
                continue
            shot_seen.append((m.label, bbox))
            new.append(
                NewObservation(
                    video_sha256=video.sha256,
                    frame_index=frame.ref.index,
                    time_s=frame.ref.time_s,
                    pixel_sha256=frame.ref.pixel_sha256,
                    kind="logo",
                    method=m.method,
                    created_by=m.method,
                    label=m.label,
                    vendor=m.vendor,
                    bbox=bbox,
                    quad=tuple((float(x), float(y)) for x, y in m.quad),
                    score=float(m.score),
                    run_key=key,
                    # how it was verified: inliers, look, coverage, the word check
                    params={
                        "inliers": int(m.inliers),
                        "library": key_params["library"],
                        "details": dict(m.details),
                    },
                )
            )
        return new, {"matches": len(new)}

    run_keyframes(
        case,
        KeyframeRun(video, STAGE, matcher.method, key, key_params),
        analysis.keyframes,
        compute,
        skip,
        result,
        progress or NullProgress(),
        actor,
    )
    return result
