"""Write one ingested video and its source into the case: one transaction, or nothing."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workbench.case import audit, frame_index
from workbench.case.folder import Case
from workbench.case.media import StoredFile, is_disk_full, place, safe_ext
from workbench.errors import DiskFullError
from workbench.ingest.probe import VideoInfo, probe
from workbench.ingest.versions import tool_versions


@dataclass(frozen=True)
class CaptureDraft:
    """A web capture (page HTML or screenshot) waiting in tmp/ to be placed with its source."""

    kind: str
    tmp: Path
    sha256: str
    ext: str
    url: str
    captured_at: str
    method: str
    title: str | None = None  # a page's <title>, unescaped, as the page states it


@dataclass(frozen=True)
class SourceDraft:
    kind: str  # url | file
    uri: str
    retrieved_at: str
    title: str | None = None
    uploader: str | None = None
    upload_date: str | None = None
    webpage_url: str | None = None
    extractor: str | None = None
    info: dict[str, Any] | None = None
    extra_versions: dict[str, str] = field(default_factory=dict)
    captures: tuple[CaptureDraft, ...] = ()


@dataclass(frozen=True)
class IngestResult:
    video_sha256: str
    source_id: int
    media_path: str
    new_video: bool
    info: VideoInfo
    title: str | None


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


def commit_video(
    case: Case, tmp: Path, sha256: str, original_name: str, draft: SourceDraft, actor: str
) -> IngestResult:
    """Probe the hashed temporary copy, then place it and record it in one transaction.

    On any failure the temporary file is removed, a newly placed original is taken back
    out, and the database is rolled back: the case is as it was.
    """
    temps = [tmp, *(c.tmp for c in draft.captures)]
    try:
        info = probe(tmp, display_name=original_name)
        conn = case.conn
        conn.execute("BEGIN IMMEDIATE")
    except BaseException:
        _unlink_all(temps)
        raise
    placed: list[Path] = []  # originals this ingest created, taken back out on failure
    try:
        ext = safe_ext(original_name)
        existing = conn.execute(
            "SELECT media_path, size_bytes FROM videos WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if existing:
            tmp.unlink(missing_ok=True)
            stored = StoredFile(sha256, existing["media_path"], existing["size_bytes"])
            new_video = False
        else:
            stored = _place(case, tmp, sha256, ext, placed)
            conn.execute(
                "INSERT INTO videos (sha256, media_path, size_bytes, container, codec, fps,"
                " frame_count, duration_s, width, height, rotation, probe_json, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sha256,
                    stored.relpath,
                    stored.size,
                    info.container,
                    info.codec,
                    info.fps,
                    info.frame_count,
                    info.duration_s,
                    info.width,
                    info.height,
                    info.rotation,
                    info.to_json(),
                    now(),
                ),
            )
            if info.index is not None:  # the decoder's frame index, so nobody decodes again
                frame_index.save(conn, sha256, info.index.to_dict())
            new_video = True
        versions = {**tool_versions(), **draft.extra_versions}
        cur = conn.execute(
            "INSERT INTO sources (video_sha256, kind, uri, retrieved_at, title, uploader,"
            " upload_date, webpage_url, extractor, info_json, tool_versions, actor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sha256,
                draft.kind,
                draft.uri,
                draft.retrieved_at,
                draft.title,
                draft.uploader,
                draft.upload_date,
                draft.webpage_url,
                draft.extractor,
                json.dumps(draft.info, ensure_ascii=False) if draft.info is not None else None,
                json.dumps(versions, sort_keys=True),
                actor,
            ),
        )
        source_id = int(cur.lastrowid)
        for cap in draft.captures:
            cap_stored = _place(case, cap.tmp, cap.sha256, cap.ext, placed)
            conn.execute(
                "INSERT INTO captures (source_id, kind, sha256, media_path, size_bytes, url,"
                " captured_at, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    source_id,
                    cap.kind,
                    cap_stored.sha256,
                    cap_stored.relpath,
                    cap_stored.size,
                    cap.url,
                    cap.captured_at,
                    cap.method,
                ),
            )
        audit.append(
            conn,
            actor,
            "ingest",
            sha256,
            {
                "source_id": source_id,
                "kind": draft.kind,
                "uri": draft.uri,
                "media_path": stored.relpath,
                "new_video": new_video,
                "captures": {c.kind: c.sha256 for c in draft.captures},
                "versions": versions,
            },
        )
        conn.execute("COMMIT")
    except BaseException as exc:
        # still holding the write lock: no other writer can have started to use the file
        _unlink_all([*temps, *placed])
        _rollback(conn)
        if isinstance(exc, sqlite3.OperationalError) and "disk" in str(exc).lower():
            raise DiskFullError("The disk is full; nothing was added to the case.") from exc
        if isinstance(exc, OSError) and is_disk_full(exc):
            raise DiskFullError("The disk is full; nothing was added to the case.") from exc
        raise
    return IngestResult(sha256, source_id, stored.relpath, new_video, info, draft.title)


def _place(case: Case, tmp: Path, sha256: str, ext: str, placed: list[Path]) -> StoredFile:
    dest = case.root / f"media/{sha256}{ext}"
    is_new = not dest.exists()
    stored = place(case.root, tmp, sha256, ext)
    if is_new:
        placed.append(dest)
    return stored


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _rollback(conn: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        conn.execute("ROLLBACK")
