"""Owner of the `frame_indexes` table: each video's frame index, built once and stored.

The index (every picture's time, keyframes, damaged and missing frames, timing) is the
decoder's account of the file; it is stored as JSON with the method that built it, so
the app, workers and later commands read it instead of decoding the file again.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def save(conn: sqlite3.Connection, video_sha256: str, record: dict[str, Any]) -> None:
    """Store (or replace, when its method changed) the index of one video."""
    damaged = list(record.get("damaged") or ())
    missing = list(record.get("missing") or ())
    conn.execute(
        "INSERT OR REPLACE INTO frame_indexes (video_sha256, method, frame_count,"
        " declared_frames, packets, timing, damaged_json, missing_json, index_json, built_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            video_sha256,
            record["method"],
            len(record["pts"]),
            int(record.get("declared") or 0),
            int(record.get("packets") or 0),
            record.get("timing") or "constant",
            json.dumps(damaged),
            json.dumps(missing),
            json.dumps(record, separators=(",", ":")),
            datetime.now(timezone.utc).isoformat(),
        ),
    )


def load(conn: sqlite3.Connection, video_sha256: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT index_json FROM frame_indexes WHERE video_sha256 = ?", (video_sha256,)
    ).fetchone()
    return json.loads(row[0]) if row else None


def load_file(db: Path, video_sha256: str) -> dict[str, Any] | None:
    """The stored index, read through a read-only connection (no case object needed);
    None when the case has none (or predates the table)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return None
    try:
        return load(conn, video_sha256)
    except sqlite3.Error:
        return None
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.close()


def summary(conn: sqlite3.Connection, video_sha256: str) -> dict[str, Any] | None:
    """What a person should know about a video's frames: counts, timing, damage."""
    row = conn.execute(
        "SELECT method, frame_count, declared_frames, packets, timing, damaged_json,"
        " missing_json FROM frame_indexes WHERE video_sha256 = ?",
        (video_sha256,),
    ).fetchone()
    if row is None:
        return None
    return {
        "method": row[0],
        "decoded_frames": row[1],
        "declared_frames": row[2],
        "packets": row[3],
        "timing": row[4],
        "damaged_frames": json.loads(row[5]),
        "missing_before": json.loads(row[6]),
    }


def describe(summary: dict[str, Any] | None) -> str:
    """One line for people: declared vs decoded counts, timing, damaged and missing frames."""
    if summary is None:
        return "not indexed yet"
    parts = []
    declared, decoded = summary["declared_frames"], summary["decoded_frames"]
    if declared and declared != decoded:
        parts.append(f"{decoded} pictures, header declares {declared}")
    if summary["timing"] not in ("constant", "still", "pages"):
        parts.append(f"{summary['timing']} timing")
    damaged = summary["damaged_frames"]
    if damaged:
        shown = ", ".join(str(i) for i in damaged[:8]) + (" ..." if len(damaged) > 8 else "")
        parts.append(f"{len(damaged)} damaged: {shown}")
    missing = summary["missing_before"]
    if missing:
        shown = ", ".join(str(i) for i in missing[:8]) + (" ..." if len(missing) > 8 else "")
        parts.append(f"data lost before frame {shown}")
    return "; ".join(parts) or "ok"
