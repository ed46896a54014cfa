"""Shots and keyframes stored in the case: computed once per (video, parameters).

`analyze_keyframes` is idempotent: the rows of one run are written in one transaction
with their audit entry, keyed by a hash of the method and every parameter, so a second
call with the same parameters returns the stored result and decodes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2

from workbench.case import audit, copies, frame_index, records
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.progress import NullProgress, ProgressSink
from workbench.video.errors import VideoError
from workbench.video.fingerprint import FrameHashes, stored_record
from workbench.video.frames import decoder_version
from workbench.video.index import FrameIndex
from workbench.video.index_build import build_index, remember, stored_index
from workbench.video.keyframe_pass import Thumbs, keyframe_pass
from workbench.video.keyframes import METHOD, Keyframe, ShotAnalysis
from workbench.video.media_kind import page_methods
from workbench.video.scan import analyze_video
from workbench.video.shots import Shot
from workbench.video.signal_file import has_signals
from workbench.video.signals import ScanParams
from workbench.video.thumbs import StoredKeyframe, keyframe_thumbnails


@dataclass(frozen=True)
class StoredAnalysis:
    video_sha256: str
    params_hash: str
    method: str
    shots: tuple[Shot, ...]
    keyframes: tuple[StoredKeyframe, ...]
    skipped: bool  # True: found in the case, nothing was computed


def params_hash(params: ScanParams, method: str = METHOD) -> str:
    payload = audit.canonical({"method": method, "params": params.to_dict()})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def analyze_keyframes(
    case: Case,
    video_sha256: str,
    progress: ProgressSink | None = None,
    workers: int = 1,
    params: ScanParams | None = None,
    actor: str = "workbench",
) -> StoredAnalysis:
    """Detect shots and keyframes of one video of the case, unless already done."""
    params = params or ScanParams()
    progress = progress or NullProgress()
    video = records.require_video(case.conn, video_sha256, VideoError)
    key = params_hash(params)
    done = load_analysis(case, video.sha256, key)
    if done is not None:
        return done
    path = case.path(video.media_path)
    index = ensure_index(case, video.sha256, path)
    # one decode (or none: ingest's signals; a still or a document: its own pictures)
    if workers <= 1 or has_signals(path) or index.method in page_methods():
        result, stored = keyframe_pass(
            path, index, params, Thumbs(case.root, case.tmp_dir, video.sha256, key), 0, progress
        )
    else:
        result = analyze_video(path, params, workers=workers, progress=progress)
        stored = keyframe_thumbnails(
            case.root, case.tmp_dir, path, video.sha256, key, result, progress
        )
    return commit_analysis(case, video.sha256, key, params, result, stored, actor)


def ensure_index(case: Case, video_sha256: str, path: Path) -> FrameIndex:
    """The video's stored frame index; built and stored now for a video ingested before
    indexes were stored (or by an older method)."""
    index = stored_index(path)
    if index is None:
        index = build_index(path)
        with transaction(case.conn) as conn:
            frame_index.save(conn, video_sha256, index.to_dict())
    remember(path, index)
    return index


def commit_analysis(
    case: Case,
    video_sha256: str,
    key: str,
    params: ScanParams,
    result: ShotAnalysis,
    stored: list[StoredKeyframe] | tuple[StoredKeyframe, ...],
    actor: str = "workbench",
) -> StoredAnalysis:
    """Write one computed run (shots, keyframes, audit entry) in one transaction; a run
    already stored under `key` wins, so committing twice writes nothing the second time."""
    params_json = audit.canonical(params.to_dict())
    with transaction(case.conn) as conn:
        if _has_run(conn, video_sha256, key):  # another process finished it meanwhile
            done = load_analysis(case, video_sha256, key)
            assert done is not None
            return done
        conn.executemany(
            "INSERT INTO shots (video_sha256, params_hash, shot_no, first_index, last_index,"
            " first_time, last_time, transition, method, params_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(video_sha256, key, *_shot_row(s), result.method, params_json) for s in result.shots],
        )
        conn.executemany(
            "INSERT INTO keyframes (video_sha256, params_hash, frame_index, time_s, shot_no,"
            " reason, phash, pixel_sha256, thumbnail_path, method)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(video_sha256, key, *_keyframe_row(k), result.method) for k in stored],
        )
        if result.fingerprints is not None and len(result.fingerprints):
            copies.save_fingerprint(conn, stored_record(video_sha256, result.fingerprints))
        audit.append(
            conn,
            actor,
            "analyze.keyframes",
            video_sha256,
            {
                "method": result.method,
                "params_hash": key,
                "params": params.to_dict(),
                "decoder": decoder_version(),
                "opencv": cv2.__version__,
                "frames": result.frame_count,
                "shots": len(result.shots),
                "keyframes": len(stored),
                "keyframes_skipped": len(result.keyframes) - len(stored),
            },
        )
    return StoredAnalysis(video_sha256, key, result.method, result.shots, tuple(stored), False)


def _shot_row(s: Shot) -> tuple[Any, ...]:
    return (s.shot_no, s.first_index, s.last_index, s.first_time, s.last_time, s.transition)


def _keyframe_row(k: StoredKeyframe) -> tuple[Any, ...]:
    kf = k.keyframe
    return (kf.index, kf.time, kf.shot_no, kf.reason, kf.phash, k.pixel_sha256, k.thumbnail_path)


def _has_run(conn: Any, sha256: str, key: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM shots WHERE video_sha256 = ? AND params_hash = ? LIMIT 1", (sha256, key)
    ).fetchone()
    return row is not None


def load_analysis(case: Case, video_sha256: str, key: str | None = None) -> StoredAnalysis | None:
    """The stored shots and keyframes of a video (the latest run when `key` is None)."""
    conn = case.conn
    if key is None:
        row = conn.execute(
            "SELECT params_hash FROM shots WHERE video_sha256 = ? ORDER BY rowid DESC LIMIT 1",
            (video_sha256,),
        ).fetchone()
        if row is None:
            return None
        key = str(row[0])
    rows = conn.execute(
        "SELECT shot_no, first_index, last_index, first_time, last_time, transition, method"
        " FROM shots WHERE video_sha256 = ? AND params_hash = ? ORDER BY shot_no",
        (video_sha256, key),
    ).fetchall()
    if not rows:
        return None
    shots = tuple(Shot(*tuple(r)[:6]) for r in rows)
    kfs = conn.execute(
        "SELECT frame_index, time_s, phash, reason, shot_no, pixel_sha256, thumbnail_path"
        " FROM keyframes WHERE video_sha256 = ? AND params_hash = ? ORDER BY frame_index",
        (video_sha256, key),
    ).fetchall()
    keyframes = tuple(StoredKeyframe(Keyframe(*tuple(r)[:5]), r[5], r[6]) for r in kfs)
    return StoredAnalysis(video_sha256, key, rows[0]["method"], shots, keyframes, True)


def analysis_rows(case: Case) -> list[dict[str, Any]]:
    """Every stored shot and keyframe as flat records (for `workbench shots`)."""
    out: list[dict[str, Any]] = []
    for video in records.videos(case.conn):
        stored = load_analysis(case, video.sha256)
        if stored is None:
            continue
        for s in stored.shots:
            out.append({"record": "shot", "video": video.sha256, **s.to_dict()})
        for k in stored.keyframes:
            row = {"record": "keyframe", "video": video.sha256, **k.keyframe.to_dict()}
            out.append(row | {"pixel_sha256": k.pixel_sha256, "thumbnail": k.thumbnail_path})
    return out


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def video_fingerprint(
    case: Case, video_sha256: str, progress: ProgressSink | None = None, actor: str = "workbench"
) -> FrameHashes | None:
    """The video's per-frame fingerprint (None: its shots were never analysed). A video
    analysed before fingerprints existed is decoded once more now, and the result kept."""
    from workbench.video.fingerprint import fingerprint_frames, from_record
    from workbench.video.scan import scan_signals

    stored = copies.load_fingerprint(case.conn, video_sha256)
    if stored is not None:
        return from_record(stored)
    analysis = load_analysis(case, video_sha256)
    if analysis is None:
        return None
    video = records.video(case.conn, video_sha256)
    assert video is not None
    path = case.path(video.media_path)
    index = ensure_index(case, video_sha256, path)
    params = ScanParams()
    progress = progress or NullProgress()
    task = f"fingerprint {video_sha256[:12]}"

    def frames() -> Any:
        for sig in scan_signals(path, index, params):
            if sig.index % 50 == 0:
                progress.update(task, sig.index, len(index))
            yield sig.index, sig.time, sig.gray

    fp = fingerprint_frames(frames())
    progress.update(task, len(index), len(index))
    with transaction(case.conn) as conn:
        copies.save_fingerprint(conn, stored_record(video_sha256, fp))
        audit.append(
            conn,
            actor,
            "copies.fingerprint",
            video_sha256,
            {"method": fp.method, "frames": len(fp)},
        )
    return fp
