"""Observations: machine suggestions and human notes about a frame, and their review.

A suggestion stays `suggested` until a person confirms or rejects it; every change of
status is recorded with who and when, in the row and in the audit log.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from workbench.case import audit, clock
from workbench.case.boxes import XYXY
from workbench.case.store import transaction
from workbench.errors import WorkbenchError

KINDS = ("ocr", "logo", "interface", "capability", "manual")
STATUSES = ("suggested", "confirmed", "rejected")


class ReviewError(WorkbenchError):
    """A review names observations that do not exist or asks for an unknown status."""


class StaleReview(ReviewError):
    """Someone changed an observation after the reviewer saw it: the decision is refused."""


@dataclass(frozen=True)
class NewObservation:
    video_sha256: str
    frame_index: int
    time_s: float
    kind: str
    method: str
    created_by: str
    text: str | None = None
    label: str | None = None
    vendor: str | None = None
    bbox: XYXY | tuple[int, int, int, int] | None = None  # corners, in the frame's pixels
    quad: tuple[tuple[float, float], ...] | None = None
    score: float | None = None
    status: str = "suggested"
    params: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    pixel_sha256: str | None = None
    run_key: str | None = None


@dataclass(frozen=True)
class Observation:
    id: int
    video: str
    frame_index: int
    time_s: float
    kind: str
    text: str | None
    label: str | None
    vendor: str | None
    bbox: list[int] | None
    quad: list[list[float]] | None
    score: float | None
    status: str
    method: str
    params: dict[str, Any]
    tags: list[str]
    pixel_sha256: str | None
    created_at: str
    created_by: str
    reviewed_at: str | None
    reviewed_by: str | None
    run_key: str | None = None  # the analysis run that produced it (None: by hand)

    def to_record(self) -> dict[str, Any]:
        """The stable `workbench findings` record (DESIGN.md)."""
        return asdict(self)


now = clock.now


def insert(conn: sqlite3.Connection, obs: NewObservation) -> int:
    """Insert one observation; call inside the caller's transaction."""
    if obs.kind not in KINDS:
        raise ValueError(f"unknown observation kind {obs.kind!r}")
    if obs.status not in STATUSES:
        raise ValueError(f"unknown status {obs.status!r}")
    reviewed = (now(), obs.created_by) if obs.status != "suggested" else (None, None)
    cur = conn.execute(
        "INSERT INTO observations (video_sha256, frame_index, time_s, pixel_sha256, kind, text,"
        " label, vendor, bbox, quad, score, status, method, params, tags, created_at,"
        " created_by, reviewed_at, reviewed_by, run_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            obs.video_sha256,
            obs.frame_index,
            obs.time_s,
            obs.pixel_sha256,
            obs.kind,
            obs.text,
            obs.label,
            obs.vendor,
            json.dumps(list(obs.bbox)) if obs.bbox else None,
            json.dumps([list(p) for p in obs.quad]) if obs.quad else None,
            obs.score,
            obs.status,
            obs.method,
            json.dumps(obs.params, ensure_ascii=False, sort_keys=True),
            json.dumps(list(obs.tags), ensure_ascii=False),
            now(),
            obs.created_by,
            *reviewed,
            obs.run_key,
        ),
    )
    return int(cur.lastrowid or 0)


def _row(r: sqlite3.Row) -> Observation:
    return Observation(
        id=r["id"],
        video=r["video_sha256"],
        frame_index=r["frame_index"],
        time_s=r["time_s"],
        kind=r["kind"],
        text=r["text"],
        label=r["label"],
        vendor=r["vendor"],
        bbox=json.loads(r["bbox"]) if r["bbox"] else None,
        quad=json.loads(r["quad"]) if r["quad"] else None,
        score=r["score"],
        status=r["status"],
        method=r["method"],
        params=json.loads(r["params"]),
        tags=json.loads(r["tags"]),
        pixel_sha256=r["pixel_sha256"],
        created_at=r["created_at"],
        created_by=r["created_by"],
        reviewed_at=r["reviewed_at"],
        reviewed_by=r["reviewed_by"],
        run_key=r["run_key"],
    )


def query(
    conn: sqlite3.Connection,
    kind: str | None = None,
    status: str | None = None,
    video: str | None = None,
    vendor: str | None = None,
    ids: list[int] | None = None,
) -> list[Observation]:
    sql = "SELECT * FROM observations WHERE 1=1"
    args: list[Any] = []
    for column, value in (("kind", kind), ("status", status), ("vendor", vendor)):
        if value:
            sql += f" AND {column} = ?"
            args.append(value)
    if video:
        sql += " AND video_sha256 LIKE ? || '%'"
        args.append(video.lower())
    if ids:
        sql += f" AND id IN ({','.join('?' * len(ids))})"
        args += ids
    rows = conn.execute(sql + " ORDER BY video_sha256, frame_index, id", args).fetchall()
    return [_row(r) for r in rows]


def _stale(conn: sqlite3.Connection, expected: Mapping[int, str]) -> str | None:
    """The sentence that refuses a decision made against a status someone else changed."""
    for oid, seen in expected.items():
        row = conn.execute(
            "SELECT status, reviewed_by, reviewed_at FROM observations WHERE id = ?", (oid,)
        ).fetchone()
        if row is not None and row["status"] != seen:
            who = row["reviewed_by"] or "someone"
            when = row["reviewed_at"] or "an unknown time"
            return (
                f"#{oid} was {row['status']} by {who} at {when}, after you saw it"
                f" {seen}; nothing was changed. Look at it again before deciding."
            )
    return None


def _current(
    conn: sqlite3.Connection, oid: int, columns: str, expected_status: str | None
) -> sqlite3.Row:
    """The observation's row as it is now (inside the caller's transaction), refused when
    it does not exist or when someone changed it since the reviewer saw `expected_status`."""
    row = conn.execute(f"SELECT {columns} FROM observations WHERE id = ?", (oid,)).fetchone()
    if row is None:
        raise ReviewError(f"No observation has the id {oid}; nothing was changed.")
    refusal = _stale(conn, {oid: expected_status} if expected_status else {})
    if refusal:
        raise StaleReview(refusal)
    return row


def review(
    conn: sqlite3.Connection,
    ids: list[int],
    status: str,
    by: str,
    note: str | None = None,
    expected: Mapping[int, str] | None = None,
) -> list[Observation]:
    """Confirm or reject observations, all or none; recorded with who and when.

    `expected` (id -> the status the reviewer saw) makes the decision conditional: if
    anyone changed one of them since, StaleReview says who and when, and nothing changes."""
    if status not in ("confirmed", "rejected"):
        raise ReviewError(f"A review confirms or rejects; {status!r} is neither.")
    if not ids:
        raise ReviewError("Name at least one observation id to review.")
    with transaction(conn):
        found = {
            r[0]
            for r in conn.execute(
                f"SELECT id FROM observations WHERE id IN ({','.join('?' * len(ids))})", ids
            )
        }
        missing = [i for i in ids if i not in found]
        if missing:
            raise ReviewError(f"No observation has the id {missing[0]}; nothing was changed.")
        refusal = _stale(conn, expected or {})
        if refusal:
            raise StaleReview(refusal)
        at = now()
        for oid in ids:
            before = conn.execute(
                "SELECT status FROM observations WHERE id = ?", (oid,)
            ).fetchone()[0]
            conn.execute(
                "UPDATE observations SET status = ?, reviewed_at = ?, reviewed_by = ? WHERE id = ?",
                (status, at, by, oid),
            )
            action = {"confirmed": "observation.confirm", "rejected": "observation.reject"}[status]
            audit.append(
                conn, by, action, f"observation:{oid}", {"from": before, "to": status, "note": note}
            )
    return query(conn, ids=ids)


CORRECTABLE = ("text", "label", "vendor")


def correct(
    conn: sqlite3.Connection,
    oid: int,
    by: str,
    note: str | None = None,
    expected_status: str | None = None,
    **changes: str | None,
) -> Observation:
    """Change what an observation says (its text, label or vendor), keeping its status.

    Who and when go in the row (`reviewed_by`, `reviewed_at`); the values before and
    after go in the audit log. An empty string clears a field; None leaves it alone."""
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ReviewError(
            f"Only {', '.join(CORRECTABLE)} can be corrected, not {sorted(unknown)[0]}."
        )
    wanted = {k: (v.strip() or None) for k, v in changes.items() if v is not None}
    with transaction(conn):
        row = _current(conn, oid, "text, label, vendor, kind, params", expected_status)
        changed = {k: v for k, v in wanted.items() if row[k] != v}
        if not changed:
            return query(conn, ids=[oid])[0]
        params = _credit(json.loads(row["params"] or "{}"), row, changed, by)
        sets = ", ".join(f"{k} = ?" for k in changed)
        conn.execute(
            f"UPDATE observations SET {sets}, params = ?, reviewed_at = ?, reviewed_by = ?"
            " WHERE id = ?",
            (*changed.values(), json.dumps(params, ensure_ascii=False, sort_keys=True),
             now(), by, oid),
        )  # fmt: skip
        audit.append(
            conn,
            by,
            "observation.correct",
            f"observation:{oid}",
            {"from": {k: row[k] for k in changed}, "to": changed, "note": note},
        )
    return query(conn, ids=[oid])[0]


def undo(
    conn: sqlite3.Connection, oid: int, by: str, expected_status: str | None = None
) -> Observation:
    """Take a decision back. A reviewed machine suggestion goes back to `suggested`; a
    note is withdrawn (status rejected, marked `withdrawn`): it stays in the table and the
    audit log, and leaves the views and publications. Who and when are recorded."""
    with transaction(conn):
        row = _current(conn, oid, "kind, status, params", expected_status)
        params = json.loads(row["params"] or "{}")
        if row["kind"] == "manual":
            if params.get("withdrawn"):
                raise ReviewError(f"Note #{oid} is already withdrawn; nothing was changed.")
            to, action = "rejected", "observation.withdraw"
            params["withdrawn"] = {"by": by, "at": now()}
        else:
            if row["status"] == "suggested":
                raise ReviewError(f"#{oid} is already a suggestion; nothing was changed.")
            to, action = "suggested", "observation.unreview"
        conn.execute(
            "UPDATE observations SET status = ?, params = ?, reviewed_at = ?, reviewed_by = ?"
            " WHERE id = ?",
            (to, json.dumps(params, ensure_ascii=False, sort_keys=True), now(), by, oid),
        )
        audit.append(conn, by, action, f"observation:{oid}", {"from": row["status"], "to": to})
    return query(conn, ids=[oid])[0]


def withdrawn(obs: Observation) -> bool:
    """A note its author took back: kept for the record, shown nowhere."""
    return obs.kind == "manual" and bool(obs.params.get("withdrawn"))


def _credit(
    params: dict[str, Any], row: sqlite3.Row, changed: dict[str, Any], by: str
) -> dict[str, Any]:
    """`params` with the correction credited: who typed the value now shown (per field),
    and, for a machine suggestion, what the machine read first (kept, never overwritten)."""
    out = dict(params)
    if row["kind"] != "manual":
        machine = dict(out.get("machine_reading") or {})
        for k in changed:
            machine.setdefault(k, row[k])
        out["machine_reading"] = machine
    typed = dict(out.get("typed_by") or {})
    typed.update({k: by for k in changed})
    out["typed_by"] = typed
    return out


def corrected_by(obs: Observation) -> dict[str, str]:
    """Field -> the person who typed its current value (empty: all as first recorded)."""
    return dict(obs.params.get("typed_by") or {})


def statuses(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    """Observation id → its review status, for the ids that exist."""
    if not ids:
        return {}
    return dict(
        conn.execute(
            f"SELECT id, status FROM observations WHERE id IN ({','.join('?' * len(ids))})", ids
        ).fetchall()
    )


def vendors(conn: sqlite3.Connection) -> list[str]:
    """Every vendor some observation names, sorted."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT vendor FROM observations WHERE vendor IS NOT NULL ORDER BY vendor"
        )
    ]


def of_run(
    conn: sqlite3.Connection, run_key: str, first_index: int, last_index: int | None = None
) -> list[Observation]:
    """What one analysis run recorded on frames FIRST..LAST (one frame when LAST is None)."""
    last = first_index if last_index is None else last_index
    rows = conn.execute(
        "SELECT * FROM observations WHERE run_key = ? AND frame_index BETWEEN ? AND ? ORDER BY id",
        (run_key, first_index, last),
    ).fetchall()
    return [_row(r) for r in rows]
