"""Append-only, tamper-evident audit log.

Each entry carries the hash of the one before it, so editing, removing or reordering
any row breaks the chain from that row on. SQLite triggers refuse UPDATE and DELETE;
`verify_chain` catches what was done around them (a dropped trigger, a hex editor).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from workbench.case import clock

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    target: str
    params: dict[str, Any]
    prev_hash: str
    hash: str


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(
    seq: int, at: str, actor: str, action: str, target: str, params: str, prev_hash: str
) -> str:
    payload = canonical([seq, at, actor, action, target, params, prev_hash])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    conn: sqlite3.Connection,
    actor: str,
    action: str,
    target: str,
    params: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the write transaction of the change it records."""
    if not conn.in_transaction:
        raise RuntimeError("audit.append must run inside the transaction of the change")
    last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq = (last["seq"] + 1) if last else 1
    prev = last["hash"] if last else GENESIS
    at = clock.now()
    params_json = canonical(params or {})
    digest = entry_hash(seq, at, actor, action, target, params_json, prev)
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, target, params, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, target, params_json, prev, digest),
    )
    return AuditEntry(seq, at, actor, action, target, params or {}, prev, digest)


def _params(text: str) -> dict[str, Any]:
    """An entry's parameters; a damaged entry's text is kept, not fatal (verify reports it)."""
    try:
        value = json.loads(text)
    except (TypeError, json.JSONDecodeError):
        return {"unreadable": text}
    return value if isinstance(value, dict) else {"value": value}


def entries(
    conn: sqlite3.Connection,
    *,
    prefix: str | None = None,
    since: str | None = None,
    skip: tuple[str, ...] = (),
) -> list[AuditEntry]:
    """The log in order; only actions starting with `prefix`, at or after `since`, and
    not in `skip`, when given."""
    sql, args = "SELECT * FROM audit WHERE 1 = 1", []
    if prefix:
        sql += " AND substr(action, 1, ?) = ?"
        args += [len(prefix), prefix]
    if since:
        sql += " AND at >= ?"
        args.append(since)
    if skip:
        sql += f" AND action NOT IN ({','.join('?' * len(skip))})"
        args += list(skip)
    rows = conn.execute(sql + " ORDER BY seq", args).fetchall()
    return [
        AuditEntry(
            r["seq"],
            r["at"],
            r["actor"],
            r["action"],
            r["target"],
            _params(r["params"]),
            r["prev_hash"],
            r["hash"],
        )
        for r in rows
    ]


def verify_chain(conn: sqlite3.Connection) -> list[str]:
    """Return one sentence per break in the chain; empty when the log is intact."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    for r in conn.execute("SELECT * FROM audit ORDER BY seq"):
        seq = r["seq"]
        if seq != expected_seq:
            problems.append(f"audit entry {expected_seq} is missing (next entry is {seq})")
        if r["prev_hash"] != prev:
            problems.append(f"audit entry {seq} does not link to the entry before it")
        recomputed = entry_hash(
            seq, r["at"], r["actor"], r["action"], r["target"], r["params"], r["prev_hash"]
        )
        if recomputed != r["hash"]:
            problems.append(
                f"audit entry {seq} ({r['action']} {r['target']}) was altered: its content "
                "no longer matches its hash"
            )
        prev = r["hash"]
        expected_seq = seq + 1
    return problems


def head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """(seq, hash) of the newest entry: what a time-stamp over the chain covers."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), row[1]) if row else None


def hashes(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(seq, hash) of every entry, in order."""
    return [(int(r[0]), r[1]) for r in conn.execute("SELECT seq, hash FROM audit ORDER BY seq")]
