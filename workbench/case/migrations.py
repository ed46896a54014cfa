"""Named, recorded schema migrations for case.db.

Each migration runs once, in order, inside one transaction, and is recorded in
`schema_version` with its name and time. A case made by an older version of the
workbench is upgraded when it is opened; a case made by a newer one is refused.
Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from workbench.errors import CaseError


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        # executescript would COMMIT the surrounding transaction; run statement by statement
        for statement in _split_sql(sql):
            conn.execute(statement)

    return run


def _split_sql(sql: str) -> list[str]:
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buf.strip()[:60]}")
    return statements


INITIAL = """
CREATE TABLE videos (
    sha256       TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    media_path   TEXT NOT NULL UNIQUE,          -- relative to the case folder
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),
    container    TEXT NOT NULL,
    codec        TEXT NOT NULL,
    fps          REAL,                          -- average frame rate
    frame_count  INTEGER NOT NULL,
    duration_s   REAL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    rotation     INTEGER NOT NULL DEFAULT 0,    -- display rotation, degrees counter-clockwise
    probe_json   TEXT NOT NULL,                 -- full probe result and the probing tool's version
    added_at     TEXT NOT NULL
);

CREATE TABLE sources (
    id             INTEGER PRIMARY KEY,
    video_sha256   TEXT NOT NULL REFERENCES videos(sha256),
    kind           TEXT NOT NULL CHECK (kind IN ('url', 'file')),
    uri            TEXT NOT NULL,               -- the URL as given, or the local path as given
    retrieved_at   TEXT NOT NULL,
    title          TEXT,
    uploader       TEXT,
    upload_date    TEXT,
    webpage_url    TEXT,
    extractor      TEXT,
    info_json      TEXT,                        -- yt-dlp's info dict, sanitized, verbatim
    tool_versions  TEXT NOT NULL,               -- JSON: workbench, yt-dlp, PyAV, ffmpeg, python
    actor          TEXT NOT NULL
);
CREATE INDEX sources_video ON sources(video_sha256);

CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    params     TEXT NOT NULL,                   -- canonical JSON
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

# Web captures that go with a URL source: the page as fetched and a screenshot of it.
# (Berkeley Protocol minimum for online evidence: URL, hash, retrieval time, capture.)
SOURCE_CAPTURES = """
CREATE TABLE captures (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    kind         TEXT NOT NULL CHECK (kind IN ('page_html', 'screenshot')),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    media_path   TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    url          TEXT NOT NULL,
    captured_at  TEXT NOT NULL,
    method       TEXT NOT NULL                  -- tool and version that made the capture
);
CREATE INDEX captures_source ON captures(source_id);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial: videos, sources, append-only audit log", _script(INITIAL)),
    Migration(2, "web captures of URL sources (page HTML, screenshot)", _script(SOURCE_CAPTURES)),
)

LATEST = MIGRATIONS[-1].version


def current_version(conn: sqlite3.Connection) -> int:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> list[Migration]:
    """Bring the database up to `target`; return the migrations that ran."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        have = current_version(conn)
        if have > LATEST:
            raise CaseError(
                f"This case was written by a newer workbench (schema {have}, this one knows "
                f"up to {LATEST}); upgrade the workbench to open it."
            )
        ran = []
        for migration in MIGRATIONS:
            if have < migration.version <= target:
                migration.apply(conn)
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, datetime.now(timezone.utc).isoformat()),
                )
                ran.append(migration)
        conn.execute("COMMIT")
        return ran
    except BaseException:
        conn.execute("ROLLBACK")
        raise
