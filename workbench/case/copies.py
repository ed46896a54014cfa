"""Owner of the `fingerprints` and `copy_links` tables: the same footage across uploads.

A fingerprint is one video's per-frame region hashes (stored as three little-endian
blobs: frame indices, times, hashes). A copy link says that frames `a_first`..`a_last`
of shot `shot_a` of video A are frames `b_first`..`b_last` of video B (time in B = time
in A + `offset_s`), found by the method and parameters it names.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from workbench.case import clock


@dataclass(frozen=True)
class StoredFingerprint:
    video_sha256: str
    method: str
    frame_count: int
    indices: bytes
    times: bytes
    hashes: bytes


@dataclass(frozen=True)
class CopyLink:
    video_a: str
    shot_a: int
    a_first: int
    a_last: int
    a_first_time: float
    a_last_time: float
    video_b: str
    b_first: int
    b_last: int
    b_first_time: float
    b_last_time: float
    offset_s: float
    distance: float
    frames: int
    method: str
    params: dict[str, Any]
    id: int | None = None
    created_at: str | None = None

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


def save_fingerprint(conn: sqlite3.Connection, fp: StoredFingerprint) -> None:
    """Store (or replace) one video's fingerprint; call inside the caller's transaction."""
    conn.execute(
        "INSERT OR REPLACE INTO fingerprints (video_sha256, method, frame_count, indices,"
        " times, hashes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (fp.video_sha256, fp.method, fp.frame_count, fp.indices, fp.times, fp.hashes, clock.now()),
    )


def load_fingerprint(conn: sqlite3.Connection, video_sha256: str) -> StoredFingerprint | None:
    row = conn.execute(
        "SELECT video_sha256, method, frame_count, indices, times, hashes FROM fingerprints"
        " WHERE video_sha256 = ?",
        (video_sha256,),
    ).fetchone()
    return StoredFingerprint(*tuple(row)) if row else None


def fingerprinted(conn: sqlite3.Connection) -> list[str]:
    """The videos that have a fingerprint."""
    rows = conn.execute("SELECT video_sha256 FROM fingerprints ORDER BY video_sha256")
    return [str(r[0]) for r in rows]


_LINK_COLS = (
    "video_a, shot_a, a_first, a_last, a_first_time, a_last_time, video_b, b_first, b_last,"
    " b_first_time, b_last_time, offset_s, distance, frames, method"
)
_LINK_NAMES = tuple(c.strip() for c in _LINK_COLS.split(","))


def replace_links(
    conn: sqlite3.Connection, video_a: str, method: str, links: list[CopyLink]
) -> None:
    """The copy links found from video A's shots by `method`, replacing earlier ones;
    call inside the caller's transaction."""
    conn.execute("DELETE FROM copy_links WHERE video_a = ? AND method = ?", (video_a, method))
    now = clock.now()
    conn.executemany(
        f"INSERT OR REPLACE INTO copy_links ({_LINK_COLS}, params_json, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*_values(link), json.dumps(link.params, sort_keys=True), now) for link in links],
    )


def _values(link: CopyLink) -> tuple[Any, ...]:
    return tuple(getattr(link, name.strip()) for name in _LINK_COLS.split(","))


def links(
    conn: sqlite3.Connection, video: str | None = None, shot: int | None = None
) -> list[CopyLink]:
    """Stored copy links (from one video's shots, or one shot of it), in order."""
    where: list[str] = []
    args: list[Any] = []
    if video is not None:
        where.append("video_a = ?")
        args.append(video)
    if shot is not None:
        where.append("shot_a = ?")
        args.append(shot)
    sql = f"SELECT {_LINK_COLS}, params_json, id, created_at FROM copy_links"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY video_a, shot_a, video_b, b_first", args).fetchall()
    out = []
    for r in rows:
        values = list(tuple(r))
        given: dict[str, Any] = dict(zip(_LINK_NAMES, values[:15], strict=True))
        params = json.loads(values[15])
        out.append(CopyLink(**given, params=params, id=values[16], created_at=values[17]))
    return out
