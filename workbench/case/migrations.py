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

from workbench.case import clock
from workbench.case.graph_schema import GRAPH_SCHEMA
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

# Shots and keyframes of a video, one set per (video, analysis parameters): the params
# hash keys them, so re-running with the same parameters finds the work already done.
SHOTS_KEYFRAMES = """
CREATE TABLE shots (
    video_sha256  TEXT NOT NULL REFERENCES videos(sha256),
    params_hash   TEXT NOT NULL,               -- sha256 of canonical {method, params}, 16 hex
    shot_no       INTEGER NOT NULL CHECK (shot_no >= 0),
    first_index   INTEGER NOT NULL CHECK (first_index >= 0),
    last_index    INTEGER NOT NULL,
    first_time    REAL NOT NULL,               -- seconds, pts x time_base
    last_time     REAL NOT NULL,
    transition    TEXT NOT NULL CHECK (transition IN ('start', 'cut', 'fade', 'dissolve')),
    method        TEXT NOT NULL,               -- engine and version
    params_json   TEXT NOT NULL,               -- canonical JSON of every parameter
    PRIMARY KEY (video_sha256, params_hash, shot_no),
    CHECK (last_index >= first_index)
);

CREATE TABLE keyframes (
    video_sha256    TEXT NOT NULL,
    params_hash     TEXT NOT NULL,
    frame_index     INTEGER NOT NULL CHECK (frame_index >= 0),
    time_s          REAL NOT NULL,
    shot_no         INTEGER NOT NULL,
    reason          TEXT NOT NULL,             -- shot_start | phash | region | content
    phash           TEXT NOT NULL,             -- 64-bit perceptual hash, 16 hex digits
    pixel_sha256    TEXT NOT NULL CHECK (length(pixel_sha256) = 64),
    thumbnail_path  TEXT NOT NULL,             -- under derived/, relative to the case folder
    method          TEXT NOT NULL,
    PRIMARY KEY (video_sha256, params_hash, frame_index),
    FOREIGN KEY (video_sha256, params_hash, shot_no)
        REFERENCES shots(video_sha256, params_hash, shot_no)
);
"""

# Observations: what recognition suggests and people confirm, reject or add by hand.
# bbox is [x0, y0, x1, y1] in the source frame's own pixels; quad is 4 [x, y] points.
OBSERVATIONS = """
CREATE TABLE observations (
    id            INTEGER PRIMARY KEY,
    video_sha256  TEXT NOT NULL REFERENCES videos(sha256),
    frame_index   INTEGER NOT NULL CHECK (frame_index >= 0),
    time_s        REAL NOT NULL,
    pixel_sha256  TEXT,                         -- hash of the decoded frame the method saw
    kind          TEXT NOT NULL
                  CHECK (kind IN ('ocr', 'logo', 'interface', 'capability', 'manual')),
    text          TEXT,                         -- OCR text or a note
    label         TEXT,                         -- logo or product label
    vendor        TEXT,                         -- canonical vendor name, when resolved
    bbox          TEXT,                         -- JSON [x0, y0, x1, y1]
    quad          TEXT,                         -- JSON [[x, y] * 4] or NULL
    score         REAL,
    status        TEXT NOT NULL DEFAULT 'suggested'
                  CHECK (status IN ('suggested', 'confirmed', 'rejected')),
    method        TEXT NOT NULL,                -- engine and version, or 'manual'
    params        TEXT NOT NULL DEFAULT '{}',   -- JSON: parameters, raw text, rule that fired
    tags          TEXT NOT NULL DEFAULT '[]',   -- JSON list
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,                -- a person, or the method for suggestions
    reviewed_at   TEXT,
    reviewed_by   TEXT,
    run_key       TEXT                          -- (video, stage, parameters) hash of the run
);
CREATE INDEX observations_video_frame ON observations(video_sha256, frame_index);
CREATE INDEX observations_status ON observations(status, kind);
CREATE INDEX observations_run ON observations(run_key);

-- resumable stages: a run is (video, stage, parameters); each item done is recorded in the
-- same transaction as its results, so a killed run resumes after its last finished item
CREATE TABLE stage_runs (
    run_key       TEXT PRIMARY KEY,
    video_sha256  TEXT NOT NULL REFERENCES videos(sha256),
    stage         TEXT NOT NULL,
    method        TEXT NOT NULL,
    params        TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT
);
CREATE TABLE stage_items (
    run_key   TEXT NOT NULL REFERENCES stage_runs(run_key),
    item      TEXT NOT NULL,
    done_at   TEXT NOT NULL,
    stats     TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_key, item)
);
"""

# independent RFC 3161 time-stamps: over an original's SHA-256 or the audit chain's head
TIMESTAMPS = """
CREATE TABLE timestamps (
    id            INTEGER PRIMARY KEY,
    target_kind   TEXT NOT NULL CHECK (target_kind IN ('original', 'audit')),
    target        TEXT NOT NULL,                -- the original's sha256, or the audit seq
    digest        TEXT NOT NULL,                -- hex SHA-256 the token is over
    tsa_url       TEXT NOT NULL,
    token         BLOB NOT NULL,                -- the TimeStampResp (DER) as the TSA sent it
    chain_pem     TEXT NOT NULL,                -- the TSA's certificates, for offline checks
    gen_time      TEXT NOT NULL,                -- the TSA's time
    serial        TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    actor         TEXT NOT NULL
);
CREATE INDEX timestamps_target ON timestamps(target_kind, target, tsa_url);
"""

# Each video's frame index as the decoder built it (owner: workbench.case.frame_index).
FRAME_INDEXES = """
CREATE TABLE frame_indexes (
    video_sha256    TEXT PRIMARY KEY REFERENCES videos(sha256),
    method          TEXT NOT NULL,              -- what built it, and how
    frame_count     INTEGER NOT NULL,           -- pictures the decoder outputs
    declared_frames INTEGER NOT NULL,           -- frames (or slots) the header declares
    packets         INTEGER NOT NULL,           -- non-empty packets
    timing          TEXT NOT NULL,              -- constant | variable | sparse | discontinuous
    damaged_json    TEXT NOT NULL,              -- JSON list of frames decoded with errors
    missing_json    TEXT NOT NULL,              -- JSON list: frames before which data was lost
    index_json      TEXT NOT NULL,              -- the whole index (times, keyframes, stamps)
    built_at        TEXT NOT NULL
);
"""

# derived, re-creatable: workbench/case/search.py keeps it in step with observations
OBSERVATION_SEARCH = """
CREATE VIRTUAL TABLE observation_search USING fts5(
    body, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE observation_search_state (
    id      INTEGER PRIMARY KEY,
    digest  TEXT NOT NULL
);
"""

# issue 19: stills and documents are media items too; embedded EXIF/XMP stays with the source
MEDIA_KINDS = """
ALTER TABLE videos ADD COLUMN kind TEXT NOT NULL DEFAULT 'video';
ALTER TABLE sources ADD COLUMN embedded_json TEXT;
"""

# find it everywhere: a box on a frame (or a rectified screen) kept as an example to match;
# workbench/case/references.py owns it
FIND_REFERENCES = """
CREATE TABLE find_references (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('mark', 'screen')),
    label           TEXT NOT NULL,
    video_sha256    TEXT NOT NULL REFERENCES videos(sha256),
    frame_index     INTEGER NOT NULL CHECK (frame_index >= 0),
    time_s          REAL NOT NULL,
    pixel_sha256    TEXT NOT NULL,                 -- hash of the decoded frame the box is on
    box             TEXT NOT NULL,                 -- JSON [x, y, w, h] in the frame's pixels
    quad            TEXT,                          -- JSON [[x, y] * 4]: a rectified screen
    crop_png        BLOB NOT NULL,                 -- the example's pixels (re-creatable)
    observation_id  INTEGER REFERENCES observations(id),
    product         TEXT,                          -- from a confirmed interface finding
    vendor          TEXT,
    strings         TEXT NOT NULL DEFAULT '[]',    -- JSON: text lines read inside the box
    method          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX find_references_video ON find_references(video_sha256);
"""

# Same footage across uploads (owner: workbench.case.copies): every frame's region hashes
# of a video, and the copy links found between shots and other videos' frame ranges.
COPIES = """
CREATE TABLE fingerprints (
    video_sha256  TEXT PRIMARY KEY REFERENCES videos(sha256),
    method        TEXT NOT NULL,
    frame_count   INTEGER NOT NULL,
    indices       BLOB NOT NULL,                -- int64 little-endian frame indices
    times         BLOB NOT NULL,                -- float64 presentation times (s)
    hashes        BLOB NOT NULL,                -- uint64 region hashes, frames x regions
    created_at    TEXT NOT NULL
);
CREATE TABLE copy_links (
    id            INTEGER PRIMARY KEY,
    video_a       TEXT NOT NULL REFERENCES videos(sha256),
    shot_a        INTEGER NOT NULL,
    a_first       INTEGER NOT NULL,             -- frames of video A covered by the copy
    a_last        INTEGER NOT NULL,
    a_first_time  REAL NOT NULL,
    a_last_time   REAL NOT NULL,
    video_b       TEXT NOT NULL REFERENCES videos(sha256),
    b_first       INTEGER NOT NULL,             -- the aligned frames of video B
    b_last        INTEGER NOT NULL,
    b_first_time  REAL NOT NULL,
    b_last_time   REAL NOT NULL,
    offset_s      REAL NOT NULL,                -- time in B = time in A + offset_s
    distance      REAL NOT NULL,                -- mean Hamming distance of aligned frames
    frames        INTEGER NOT NULL,             -- aligned frames compared
    method        TEXT NOT NULL,
    params_json   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (video_a, shot_a, video_b, b_first, method)
);
CREATE INDEX copy_links_a ON copy_links(video_a, shot_a);
CREATE INDEX copy_links_b ON copy_links(video_b);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial: videos, sources, append-only audit log", _script(INITIAL)),
    Migration(2, "web captures of URL sources (page HTML, screenshot)", _script(SOURCE_CAPTURES)),
    Migration(4, "observations and resumable stage runs", _script(OBSERVATIONS)),
    Migration(3, "shots and keyframes, keyed by analysis parameters", _script(SHOTS_KEYFRAMES)),
    Migration(5, "graph: entities, relations, evidence, merges", _script(GRAPH_SCHEMA)),
    Migration(6, "RFC 3161 time-stamps over originals and the audit head", _script(TIMESTAMPS)),
    Migration(7, "frame indexes: each video's decoded pictures", _script(FRAME_INDEXES)),
    Migration(8, "full-text search over observations (FTS5)", _script(OBSERVATION_SEARCH)),
    Migration(9, "media kinds (video, still, document); embedded metadata", _script(MEDIA_KINDS)),
    Migration(10, "find-everywhere references (boxes kept as examples)", _script(FIND_REFERENCES)),
    Migration(11, "shot fingerprints and copy links across uploads", _script(COPIES)),
)
MIGRATIONS = tuple(sorted(MIGRATIONS, key=lambda m: m.version))  # registered out of order
assert len({m.version for m in MIGRATIONS}) == len(MIGRATIONS), "duplicate migration version"

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
        applied = {row[0] for row in conn.execute("SELECT version FROM schema_version")}
        ran = []
        for migration in MIGRATIONS:
            # every migration not yet recorded runs, in order (branches may merge out of order)
            if migration.version not in applied and migration.version <= target:
                migration.apply(conn)
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, clock.now()),
                )
                ran.append(migration)
        conn.execute("COMMIT")
        return ran
    except BaseException:
        conn.execute("ROLLBACK")
        raise
