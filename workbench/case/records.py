"""Typed records of what the case store holds, and their queries."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from workbench.case import rows
from workbench.errors import WorkbenchError


@dataclass(frozen=True)
class Video:
    sha256: str
    media_path: str
    size_bytes: int
    container: str
    codec: str
    fps: float | None
    frame_count: int
    duration_s: float | None
    width: int
    height: int
    rotation: int
    added_at: str
    kind: str = "video"  # video | still | document (frame N of a document is page N + 1)


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


_VIDEO_COLS = ", ".join(Video.__dataclass_fields__)


def videos(conn: sqlite3.Connection) -> list[Video]:
    rows = conn.execute(f"SELECT {_VIDEO_COLS} FROM videos ORDER BY added_at, sha256")
    return [Video(**dict(r)) for r in rows]


def video(conn: sqlite3.Connection, sha256_or_prefix: str) -> Video | None:
    """A video by full sha256 or by a unique prefix of at least 6 hex digits."""
    key = sha256_or_prefix.lower()
    if len(key) < 6:
        return None
    rows = conn.execute(
        f"SELECT {_VIDEO_COLS} FROM videos WHERE sha256 LIKE ? || '%'", (key,)
    ).fetchall()
    return Video(**dict(rows[0])) if len(rows) == 1 else None


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
    rows = conn.execute(
        "SELECT kind, sha256, media_path, size_bytes, url, captured_at, method"
        " FROM captures WHERE source_id = ? ORDER BY id",
        (source_id,),
    )
    return tuple(Capture(**dict(r)) for r in rows)


def original_hashes(conn: sqlite3.Connection) -> list[str]:
    """SHA-256 of every original the case holds: videos and web captures, sorted."""
    rows = conn.execute("SELECT sha256 FROM videos UNION SELECT sha256 FROM captures ORDER BY 1")
    return [r[0] for r in rows]


def source_ids(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM sources ORDER BY id")]


def sources(conn: sqlite3.Connection, video_sha256: str | None = None) -> list[Source]:
    sql = (
        "SELECT id, video_sha256, kind, uri, retrieved_at, title, uploader, upload_date,"
        " webpage_url, extractor, tool_versions, actor FROM sources"
    )
    args: tuple[Any, ...] = ()
    if video_sha256:
        sql += " WHERE video_sha256 = ?"
        args = (video_sha256,)
    out = []
    for r in conn.execute(sql + " ORDER BY id", args).fetchall():
        d = dict(r)
        d["tool_versions"] = json.loads(d["tool_versions"])
        out.append(Source(**d, captures=captures(conn, d["id"])))
    return out


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
