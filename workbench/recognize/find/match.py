"""Match a reference against the keyframes of every video: each match is a suggestion.

Marks (a logo, an icon, a UI element) go through the logo matcher (SIFT, pose votes,
RANSAC homography and an appearance check), with the reference as a one-image library.
Screens are matched two ways and the better one counts: the same matcher on the whole
rectified screen (its layout as local features), and a text signature (the OCR lines
read inside the box on its frame, looked for among the lines stored on each keyframe).

A run is one reference on one video, keyed by the reference and the method; each
keyframe's suggestions, their audit entries and its done mark are one transaction, so
re-running adds nothing and a killed run resumes after its last finished keyframe. A
run under a new key (other parameters, a rebuilt index) does not suggest again what the
reference already suggested on a frame: the earlier suggestion is given back instead.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from workbench.case import audit, observations, records, references
from workbench.case.folder import Case
from workbench.case.observations import NewObservation
from workbench.case.references import Reference
from workbench.case.store import transaction
from workbench.progress import NullProgress, ProgressSink
from workbench.recognize import runs
from workbench.recognize.find import archive
from workbench.recognize.find.earlier import prior_suggestions as _prior
from workbench.recognize.find.earlier import same_place as _same_as
from workbench.recognize.find.make import FindError
from workbench.recognize.find.places import Box, Votes, regions
from workbench.recognize.find.results import FindMatch, FindResult
from workbench.recognize.find.results import found as _found
from workbench.recognize.find.scan import SCAN_WIDTH, ScanningMatcher
from workbench.video.analysis import StoredAnalysis, load_analysis
from workbench.video.frames import Frame, FrameReader

STAGE = "references"
PREFILTER_FROM = 3000  # keyframes: from this many on, verify only the word index's candidates
TEXT_METHOD = "workbench.find-text/1"


WORKERS = 2  # keyframes matched at once
MARK_EVERY = 5000  # keyframes ruled out by the index are marked done this many at a time
AROUND_VOTES = "scanned around the word index's votes (find/places.py)"


class ReferenceMatcher:
    """One reference, ready to look at frames: `match(rgb, lines)` -> suggestions' fields."""

    def __init__(self, case: Case, ref: Reference) -> None:
        import cv2

        from workbench.recognize.logos import LogoLibrary, LogoReference

        png = references.crop_png(case.conn, ref.id)
        if png is None:
            raise FindError(f"Reference #{ref.id} has no pixels; make it again.")
        bgr = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise FindError(f"Reference #{ref.id} has unreadable pixels; make it again.")
        self.crop = np.ascontiguousarray(bgr[..., ::-1])
        self.ref = ref
        path = Path(f"reference-{ref.id}.png")
        library = LogoLibrary(
            folder=Path("."),
            references=(LogoReference(ref.label, ref.vendor, path, self.crop),),
            digest=hashlib.sha256(png).hexdigest(),
        )
        self.scanner = ScanningMatcher(library)
        self.logos = self.scanner.logos
        logos = f"{self.logos.method}; scanned at most {SCAN_WIDTH} px wide"
        self.method = logos if ref.kind == "mark" else f"{TEXT_METHOD} + {logos}"

    def match(
        self, rgb: np.ndarray, lines: list[str], boxes: list[Box] | None = None
    ) -> list[dict[str, Any]]:
        """Suggestions' fields for one keyframe; given `boxes` (where the word index's votes
        came from, places.py), the logo matcher scans only those regions."""
        found: list[dict[str, Any]] = []
        for m in self.scanner.match(rgb, boxes):
            fields = {"score": m.score, "bbox": m.bbox, "quad": m.quad, "how": "features"}
            fields["inliers"] = m.inliers
            if boxes:
                fields["regions"] = [list(b) for b in boxes]
            found.append(fields)
        if self.ref.kind == "screen" and self.ref.strings and lines:
            from workbench.recognize.interfaces import Signature, identify

            sig = Signature(
                self.ref.label, self.ref.vendor or "", tuple((s, 1.0) for s in self.ref.strings)
            )
            need = min(2, len(self.ref.strings))
            for hit in identify(lines, [sig], min_score=0.5, min_strings=need):
                if not found or hit.score > max(f["score"] for f in found):
                    found = [
                        {
                            "score": hit.score,
                            "bbox": None,
                            "quad": None,
                            "how": "text",
                            "matched": list(hit.matched),
                        }
                    ]
        return found


def find_everywhere(
    case: Case,
    reference_id: int,
    videos: list[str] | None = None,
    progress: ProgressSink | None = None,
    actor: str = "workbench",
    prefilter_from: int = PREFILTER_FROM,
    candidates: int | None = None,
) -> FindResult:
    """Match reference `reference_id` against the keyframes of every analysed video (or of
    those whose sha256 starts with one of `videos`). From `prefilter_from` keyframes on,
    only the candidates of the visual-word index (archive.py) are verified."""
    ref = references.get(case.conn, reference_id)
    if ref is None:
        raise FindError(f"No reference has the id {reference_id}; list them with --list.")
    matcher = ReferenceMatcher(case, ref)
    result = FindResult(ref)
    sink = progress or NullProgress()
    targets = []
    for video in records.videos(case.conn):
        if videos and not any(video.sha256.startswith(p.lower()) for p in videos):
            continue
        analysis = load_analysis(case, video.sha256)
        if analysis is not None:  # no keyframes yet: the references stage runs after analysis
            targets.append((video, analysis))
    keep = None
    if ref.kind == "mark" and sum(len(a.keyframes) for _, a in targets) >= prefilter_from:
        shas = [v.sha256 for v, _ in targets]
        count = candidates or archive.PARAMS.candidates
        keep = archive.candidates(case, matcher.crop, shas, sink, count)
    for video, analysis in targets:
        result.videos += 1
        _one_video(case, matcher, video, analysis, result, sink, actor, keep)
    return result


def _one_video(
    case: Case,
    matcher: ReferenceMatcher,
    video: records.Video,
    analysis: StoredAnalysis,
    result: FindResult,
    sink: ProgressSink,
    actor: str,
    keep: dict[tuple[str, int], Votes] | None = None,
) -> None:
    ref = matcher.ref
    params: dict[str, Any] = {
        "reference": ref.id,
        "method": matcher.method,
        "keyframes": analysis.params_hash,
    }
    if keep is not None:
        from workbench.recognize.find.index import VERSION

        params["filter"] = {
            "index": f"rootsift-he-wgc/{VERSION}",
            **asdict(archive.PARAMS),
            "kept": len(keep),
            "verify": AROUND_VOTES,
        }
    key = runs.run_key(video.sha256, STAGE, params)
    thumb = archive.PARAMS.thumb_width
    crop = (matcher.crop.shape[1], matcher.crop.shape[0])
    with transaction(case.conn):
        runs.start(case.conn, key, video.sha256, STAGE, matcher.method, params)
    done = runs.done_items(case.conn, key)
    lines = _lines_by_frame(case, video.sha256) if ref.kind == "screen" else {}
    prior = _prior(case, ref.id, video.sha256)
    reader: FrameReader | None = None  # opened for the first keyframe to decode
    ruled_out: list[str] = []  # keyframes the index ruled out, marked done together
    label = f"find #{ref.id} in {video.sha256[:12]}"
    total = len(analysis.keyframes)
    pool = ThreadPoolExecutor(WORKERS)  # OpenCV releases the GIL: frames match side by side
    pending: deque[tuple[int, Frame, Future[list[dict[str, Any]]] | None]] = deque()

    def settle(limit: int) -> None:
        """Commit the oldest frames' suggestions, in order, until `limit` are in flight."""
        while len(pending) > limit:
            n, frame, job = pending.popleft()
            hits = job.result() if job is not None else []
            result.matches += _compute(case, matcher, frame, hits, key, actor, prior)
            sink.update(label, n + 1, total)

    try:
        for n, stored in enumerate(analysis.keyframes):
            index = stored.keyframe.index
            result.keyframes += 1
            if str(index) in done:
                result.skipped += 1
                result.matches += [
                    _found(o, ref.id, False) for o in observations.of_run(case.conn, key, index)
                ]
            elif keep is not None and (video.sha256, index) not in keep:
                result.filtered += 1
                ruled_out.append(str(index))
                if len(ruled_out) >= MARK_EVERY:
                    _mark_ruled_out(case, key, ruled_out)
            else:
                if reader is None:
                    reader = FrameReader(case.path(video.media_path), video.sha256)
                frame = reader.get(index)
                own = video.sha256 == ref.video and index == ref.frame_index
                boxes = None
                if keep is not None:
                    size = (frame.rgb.shape[1], frame.rgb.shape[0])
                    boxes = regions(keep[(video.sha256, index)], crop, size, thumb)
                text = lines.get(index, [])
                job = None if own else pool.submit(matcher.match, frame.rgb, text, boxes)
                pending.append((n, frame, job))
                settle(2 * WORKERS)
                continue
            sink.update(label, n + 1, total)
        settle(0)
        _mark_ruled_out(case, key, ruled_out)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if reader is not None:
            reader.close()
    with transaction(case.conn) as conn:
        if not runs.is_finished(conn, key):
            runs.finish(conn, key)
            made = [m for m in result.matches if m.video == video.sha256]
            audit.append(
                conn,
                actor,
                "find.run",
                f"reference:{ref.id}",
                {
                    "video": video.sha256,
                    "run_key": key,
                    "keyframes": total,
                    "matches": len(made),
                    "method": matcher.method,
                },
            )


def _compute(
    case: Case,
    matcher: ReferenceMatcher,
    frame: Frame,
    hits: list[dict[str, Any]],
    key: str,
    actor: str,
    prior: dict[int, list[observations.Observation]] | None = None,
) -> list[FindMatch]:
    """Commit one keyframe's suggestions, their audit entries and its done mark; a hit
    that an earlier run of the reference already suggested (`prior`) is given back."""
    ref = matcher.ref
    own = frame.ref.video_sha256 == ref.video and frame.index == ref.frame_index
    out = []
    with transaction(case.conn) as conn:
        for hit in hits:
            bbox = tuple(round(float(v)) for v in hit["bbox"]) if hit["bbox"] else None
            same = _same_as((prior or {}).get(frame.index, []), bbox)
            if same is not None:
                out.append(_found(same, ref.id, False))
                continue
            extra = {k: v for k, v in hit.items() if k in ("how", "inliers", "matched", "regions")}
            obs = NewObservation(
                video_sha256=frame.ref.video_sha256,
                frame_index=frame.ref.index,
                time_s=frame.ref.time_s,
                pixel_sha256=frame.ref.pixel_sha256,
                kind="logo" if ref.kind == "mark" else "interface",
                method=matcher.method + (f"; {AROUND_VOTES}" if "regions" in hit else ""),
                created_by=matcher.method,
                label=ref.product or ref.label,
                vendor=ref.vendor,
                bbox=bbox,  # type: ignore[arg-type]
                quad=tuple((float(p[0]), float(p[1])) for p in hit["quad"])
                if hit["quad"]
                else None,
                score=float(hit["score"]),
                params={"origin": ref.origin(), **extra},
                run_key=key,
            )
            oid = observations.insert(conn, obs)
            audit.append(
                conn,
                actor,
                "observation.suggest",
                f"observation:{oid}",
                {
                    "origin": f"reference:{ref.id}",
                    "reference_video": ref.video,
                    "reference_frame": ref.frame_index,
                    "video": obs.video_sha256,
                    "frame_index": obs.frame_index,
                    "score": obs.score,
                },
            )
            out.append(
                FindMatch(
                    ref.id,
                    obs.video_sha256,
                    obs.frame_index,
                    obs.time_s,
                    float(hit["score"]),
                    oid,
                    list(bbox) if bbox else None,
                    True,
                )
            )
        runs.mark_done(conn, key, str(frame.index), {"matches": len(hits), "origin_frame": own})
    return out


def _mark_ruled_out(case: Case, key: str, items: list[str]) -> None:
    """Mark keyframes the index ruled out as done, in one transaction (one each cost
    ~0.3 ms of fsync: 30 s at 100,000 keyframes); a run killed before resumes by ruling
    them out again, which costs nothing."""
    if items:
        with transaction(case.conn) as conn:
            for item in items:
                runs.mark_done(conn, key, item, {"matches": 0, "filtered": True})
        items.clear()


def _lines_by_frame(case: Case, video: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for o in observations.query(case.conn, kind="ocr", video=video):
        if o.text:
            out.setdefault(o.frame_index, []).append(o.text)
    return out


def find_all(
    case: Case,
    videos: list[str] | None = None,
    progress: ProgressSink | None = None,
    actor: str = "workbench",
    each: Callable[[FindResult], None] | None = None,
) -> list[FindResult]:
    """Every reference of the case against the given videos (the references stage)."""
    out = []
    for ref in references.all_references(case.conn):
        result = find_everywhere(case, ref.id, videos, progress, actor)
        out.append(result)
        if each is not None:
            each(result)
    return out
