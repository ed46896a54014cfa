"""Typed records of what the case store holds, and their queries."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, fields
from typing import Any

from workbench.case import rows
from workbench.errors import WorkbenchError


@dataclass(frozen=True)
class VideoFormat:
    """What probing a video reads and the `videos` table keeps (ingest.probe.VideoInfo
    reads more)."""

    container: str
    codec: str
    fps: float | None
    frame_count: int
    duration_s: float | None
    width: int
    height: int
    rotation: int  # degrees counter-clockwise, as FFmpeg's display matrix reports it


@dataclass(frozen=True, kw_only=True)
class Video(VideoFormat):
    """An original video the case holds."""

    sha256: str
    media_path: str
    size_bytes: int
    added_at: str
    kind: str = "video"  # video | still | document (frame N of a document is page N + 1)

    @classmethod
    def stored(
        cls,
        fmt: VideoFormat,
        sha256: str,
        media_path: str,
        size_bytes: int,
        added_at: str,
        kind: str = "video",
    ) -> Video:
        """The record of a media item placed in media/, with what a probe read of it."""
        read = {f.name: getattr(fmt, f.name) for f in fields(VideoFormat)}
        return cls(
            **read,
            sha256=sha256,
            media_path=media_path,
            size_bytes=size_bytes,
            added_at=added_at,
            kind=kind,
        )


@dataclass(frozen=True)
class Capture:
    kind: str  # page_html | screenshot
    sha256: str
    media_path: str
    size_bytes: int
    url: str
    captured_at: str
    method: str


@dataclass(frozen=True)
class Source:
    id: int
    video_sha256: str
    kind: str  # url | file
    uri: str
    retrieved_at: str
    title: str | None
    uploader: str | None
    upload_date: str | None
    webpage_url: str | None
    extractor: str | None
    tool_versions: dict[str, str]
    actor: str
    captures: tuple[Capture, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["captures"] = [asdict(c) for c in self.captures]
        return d


_VIDEO_COLS = tuple(f.name for f in fields(Video))


def videos(conn: sqlite3.Connection) -> list[Video]:
    found = rows.select(conn, "videos", columns=_VIDEO_COLS, order="added_at, sha256")
    return [rows.record(Video, r) for r in found]


def video(conn: sqlite3.Connection, sha256_or_prefix: str) -> Video | None:
    """A video by full sha256 or by a unique prefix of at least 6 hex digits."""
    key = sha256_or_prefix.lower()
    if len(key) < 6:
        return None
    found = rows.select(conn, "videos", "sha256 LIKE ? || '%'", (key,), columns=_VIDEO_COLS)
    return rows.record(Video, found[0]) if len(found) == 1 else None


def require_video(
    conn: sqlite3.Connection, sha256_or_prefix: str, error: type[Exception] = WorkbenchError
) -> Video:
    """The video a sha256 or unique prefix names, or `error` saying how to name one."""
    found = video(conn, sha256_or_prefix)
    if found is None:
        raise error(
            f"No video in this case matches {sha256_or_prefix!r} (give its sha256 or a "
            "unique prefix of at least 6 hex digits)."
        )
    return found


def video_file(conn: sqlite3.Connection, sha256: str) -> tuple[str, int] | None:
    """(media path, size) of a video the case holds, by its full sha256."""
    row = conn.execute(
        "SELECT media_path, size_bytes FROM videos WHERE sha256 = ?", (sha256,)
    ).fetchone()
    return (row[0], int(row[1])) if row else None


def insert_video(conn: sqlite3.Connection, video: Video, probe_json: str) -> None:
    """Record a newly placed original (inside the ingest's transaction)."""
    rows.insert(conn, "videos", {**asdict(video), "probe_json": probe_json})


def insert_source(
    conn: sqlite3.Connection,
    values: dict[str, Any],
    info: dict[str, Any] | None,
    tool_versions: dict[str, str],
) -> int:
    """Record where a video came from; its id. yt-dlp's info keeps its own key order."""
    source_id = rows.insert(
        conn,
        "sources",
        {
            **values,
            "info_json": json.dumps(info, ensure_ascii=False) if info is not None else None,
            "tool_versions": json.dumps(tool_versions, sort_keys=True),
        },
    )
    return int(source_id or 0)


def insert_capture(conn: sqlite3.Connection, source_id: int, capture: Capture) -> None:
    rows.insert(conn, "captures", {"source_id": source_id, **asdict(capture)})


def captures(conn: sqlite3.Connection, source_id: int) -> tuple[Capture, ...]:
    found = rows.select(conn, "captures", "source_id = ?", (source_id,), order="id")
    return tuple(rows.record(Capture, r) for r in found)


def original_hashes(conn: sqlite3.Connection) -> list[str]:
    """SHA-256 of every original the case holds: videos and web captures, sorted."""
    rows = conn.execute("SELECT sha256 FROM videos UNION SELECT sha256 FROM captures ORDER BY 1")
    return [r[0] for r in rows]


def source_ids(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM sources ORDER BY id")]


_SOURCE_COLS = tuple(f.name for f in fields(Source) if f.name != "captures")


def sources(conn: sqlite3.Connection, video_sha256: str | None = None) -> list[Source]:
    where, args = ("video_sha256 = ?", (video_sha256,)) if video_sha256 else ("", ())
    found = rows.select(conn, "sources", where, args, columns=_SOURCE_COLS, order="id")
    return [rows.record(Source, r, captures=captures(conn, r["id"])) for r in found]


def set_source_embedded(conn: sqlite3.Connection, source_id: int, data: dict[str, Any]) -> None:
    """EXIF/XMP or PDF information of a source's file (inside the ingest's transaction)."""
    conn.execute(
        "UPDATE sources SET embedded_json = ? WHERE id = ?",
        (json.dumps(data, ensure_ascii=False, sort_keys=True), source_id),
    )


def source_embedded(conn: sqlite3.Connection, source_id: int) -> dict[str, Any] | None:
    """What the file itself said (camera, time, GPS...): for the investigators, never published."""
    row = conn.execute("SELECT embedded_json FROM sources WHERE id = ?", (source_id,)).fetchone()
    return json.loads(row[0]) if row and row[0] else None


def source_info_json(conn: sqlite3.Connection, source_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT info_json FROM sources WHERE id = ?", (source_id,)).fetchone()
    return json.loads(row[0]) if row and row[0] else None


def collection_items(conn: sqlite3.Connection, collection_url: str) -> set[str]:
    """Ids of the videos already ingested from a playlist, channel or search URL."""
    rows = conn.execute(
        "SELECT json_extract(info_json, '$.id') FROM sources"
        " WHERE uri = ? AND json_extract(info_json, '$.playlist.url') = ?",
        (collection_url, collection_url),
    )
    return {str(r[0]) for r in rows if r[0] is not None}
