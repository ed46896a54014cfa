"""Write one ingested video and its source into the case: one transaction, or nothing."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.case import audit, clock, frame_index, records
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


now = clock.now


def commit_video(
    case: Case, tmp: Path, sha256: str, original_name: str, draft: SourceDraft, actor: str
) -> IngestResult:
    """Probe the hashed temporary copy, then place it and record it in one transaction.

    On any failure the temporary file is removed, a newly placed original is taken back
    out, and the database is rolled back: the case is as it was.
    """
    temps = [tmp, *(c.tmp for c in draft.captures)]
    made: list[Any] = []

    def signals(rotation: int) -> Any:
        from workbench.video.signal_file import temp_writer
        from workbench.video.signals import ScanParams

        writer = temp_writer(case.tmp_dir, ScanParams(), rotation)
        made.append(writer)
        temps.append(writer.dest)
        return writer

    try:
        info = probe(tmp, display_name=original_name, signals=signals)
        conn = case.conn
        conn.execute("BEGIN IMMEDIATE")
    except BaseException:
        _unlink_all(temps)
        raise
    placed: list[Path] = []  # originals this ingest created, taken back out on failure
    try:
        ext = safe_ext(original_name)
        existing = records.video_file(conn, sha256)
        if existing:
            tmp.unlink(missing_ok=True)
            stored = StoredFile(sha256, *existing)
            new_video = False
        else:
            stored = _place(case, tmp, sha256, ext, placed)
            records.insert_video(
                conn,
                records.Video.stored(info, sha256, stored.relpath, stored.size, now(), info.kind),
                probe_json=info.to_json(),
            )
            if info.index is not None:  # the decoder's frame index, so nobody decodes again
                frame_index.save(conn, sha256, info.index.to_dict())
            new_video = True
        versions = {**tool_versions(), **draft.extra_versions}
        source_id = records.insert_source(
            conn,
            {
                "video_sha256": sha256,
                "kind": draft.kind,
                "uri": draft.uri,
                "retrieved_at": draft.retrieved_at,
                "title": draft.title,
                "uploader": draft.uploader,
                "upload_date": draft.upload_date,
                "webpage_url": draft.webpage_url,
                "extractor": draft.extractor,
                "actor": actor,
            },
            info=draft.info,
            tool_versions=versions,
        )
        if info.embedded:
            records.set_source_embedded(conn, source_id, info.embedded)
        for cap in draft.captures:
            cap_stored = _place(case, cap.tmp, cap.sha256, cap.ext, placed)
            records.insert_capture(
                conn,
                source_id,
                records.Capture(
                    kind=cap.kind,
                    sha256=cap_stored.sha256,
                    media_path=cap_stored.relpath,
                    size_bytes=cap_stored.size,
                    url=cap.url,
                    captured_at=cap.captured_at,
                    method=cap.method,
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
                "media_kind": info.kind,
                "captures": {c.kind: c.sha256 for c in draft.captures},
                "versions": versions,
            },
        )
        conn.execute("COMMIT")
        if made:
            _keep_signals(made[0].dest, case.root / stored.relpath, sha256)
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


def _keep_signals(tmp: Path, media: Path, sha256: str) -> None:
    """Put the keyframe pass's signals beside the original (a derived file: when this
    fails, the first analysis decodes every picture instead)."""
    if not tmp.is_file():  # the signals were given up during the decode
        return
    from workbench.video.signal_file import keep

    try:
        keep(tmp, media, sha256)
    except (OSError, ValueError):
        tmp.unlink(missing_ok=True)


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _rollback(conn: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        conn.execute("ROLLBACK")
