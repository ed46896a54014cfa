"""Resumable stage runs: a run is keyed by (video, stage, parameters); each finished item
is recorded in the same transaction as its results."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from workbench.case.audit import canonical
from workbench.case.observations import now


def run_key(video_sha256: str, stage: str, params: dict[str, Any]) -> str:
    payload = canonical({"video": video_sha256, "stage": stage, "params": params})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def start(
    conn: sqlite3.Connection,
    key: str,
    video_sha256: str,
    stage: str,
    method: str,
    params: dict[str, Any],
) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO stage_runs (run_key, video_sha256, stage, method, params,"
        " started_at) VALUES (?, ?, ?, ?, ?, ?)",
        (key, video_sha256, stage, method, canonical(params), now()),
    )


def done_items(conn: sqlite3.Connection, key: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT item FROM stage_items WHERE run_key = ?", (key,))}


def mark_done(conn: sqlite3.Connection, key: str, item: str, stats: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO stage_items (run_key, item, done_at, stats) VALUES (?, ?, ?, ?)",
        (key, item, now(), json.dumps(stats, sort_keys=True)),
    )


def finish(conn: sqlite3.Connection, key: str) -> None:
    conn.execute(
        "UPDATE stage_runs SET finished_at = ? WHERE run_key = ? AND finished_at IS NULL",
        (now(), key),
    )


def is_finished(conn: sqlite3.Connection, key: str) -> bool:
    row = conn.execute("SELECT finished_at FROM stage_runs WHERE run_key = ?", (key,)).fetchone()
    return bool(row and row[0])
