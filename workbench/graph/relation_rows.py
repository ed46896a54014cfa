"""The owner of the `relations` and `evidence` tables: all their SQL.

Writes run in the caller's transaction; the caller validates (endpoints, span,
evidence) and adds the audit entry.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any

from workbench.case import rows
from workbench.case.verify import StoredFile
from workbench.graph.records import Evidence, NewEvidence, Relation

GIVEN_COLUMNS = tuple(f.name for f in fields(NewEvidence))  # stored as given
# groups of evidence columns, in the order every export lists them
DOCUMENT_COLUMNS = ("url", "title", "retrieved_at", "sha256", "media_path")  # a page or file
RECORD_COLUMNS = ("file_sha256", "row_number", "row_values")  # an imported record's row
NOTE_COLUMNS = ("note", "created_at", "created_by")


# -- relations -----------------------------------------------------------------
def insert(
    conn: sqlite3.Connection,
    kind: str,
    source: str,
    target: str,
    *,
    start: str | None,
    end: str | None,
    confidence: float,
    note: str | None,
    actor: str,
    at: str,
) -> int:
    rid = rows.insert(
        conn,
        "relations",
        {
            "kind": kind,
            "source_id": source,
            "target_id": target,
            "start_date": start,
            "end_date": end,
            "confidence": confidence,
            "note": note,
            "created_at": at,
            "created_by": actor,
            "updated_at": at,
        },
    )
    return int(rid or 0)


def find(conn: sqlite3.Connection, kind: str, source: str, target: str) -> int | None:
    found = rows.select(
        conn,
        "relations",
        "kind = ? AND source_id = ? AND target_id = ?",
        (kind, source, target),
        columns=("id",),
    )
    return found[0][0] if found else None


def touch(conn: sqlite3.Connection, relation_id: int, at: str) -> None:
    rows.update(conn, "relations", {"updated_at": at}, "id = ?", (relation_id,))


def set_spans(conn: sqlite3.Connection, spans: Iterable[tuple[Any, Any, str, int]]) -> None:
    """(start, end, updated_at, relation id) for each relation whose span widened."""
    rows.update_many(conn, "relations", ("start_date", "end_date", "updated_at"), "id", spans)


def spans(conn: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """(id, kind, source, target, start, end) of every relation."""
    return rows.tuples(
        conn, "SELECT id, kind, source_id, target_id, start_date, end_date FROM relations"
    )


def relation(conn: sqlite3.Connection, relation_id: int) -> Relation | None:
    found = rows.select(conn, "relations", "id = ?", (relation_id,))
    if not found:
        return None
    return rows.record(Relation, found[0], evidence=evidence_of(conn, relation_id))


def view_rows(conn: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """(id, kind, source, target, start, end, confidence) of every relation, by id."""
    return rows.tuples(
        conn,
        "SELECT id, kind, source_id, target_id, start_date, end_date, confidence"
        " FROM relations ORDER BY id",
    )


# -- evidence ------------------------------------------------------------------
def insert_evidence(
    conn: sqlite3.Connection, relation_id: int, ref: str, ev: NewEvidence, actor: str, at: str
) -> bool:
    """Insert one validated piece; False if the relation already has it."""
    given = {name: getattr(ev, name) for name in GIVEN_COLUMNS}
    # the record's own column order, as imported (not sorted)
    given["row_values"] = (
        json.dumps(ev.row_values, ensure_ascii=False, default=str) if ev.row_values else None
    )
    values = {
        "relation_id": relation_id,
        "ref": ref,
        **given,
        "created_at": at,
        "created_by": actor,
    }
    return rows.insert(conn, "evidence", values, or_ignore=True) is not None


def cites(conn: sqlite3.Connection, relation_id: int, ref: str) -> Evidence | None:
    found = rows.select(conn, "evidence", "relation_id = ? AND ref = ?", (relation_id, ref))
    return rows.record(Evidence, found[0]) if found else None


def evidence_of(conn: sqlite3.Connection, relation_id: int) -> tuple[Evidence, ...]:
    return tuple(
        rows.record(Evidence, r)
        for r in rows.select(conn, "evidence", "relation_id = ?", (relation_id,), order="id")
    )


def cited_observation_ids(conn: sqlite3.Connection) -> list[int]:
    """Observations that some relation cites as evidence."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT observation_id FROM evidence WHERE observation_id IS NOT NULL"
            " ORDER BY observation_id"
        )
    ]


def evidence_links(conn: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """(relation id, evidence kind, url, observation id) of every piece of evidence."""
    return rows.tuples(conn, "SELECT relation_id, kind, url, observation_id FROM evidence")


def evidence_table(conn: sqlite3.Connection, columns: Iterable[str]) -> Iterator[tuple[Any, ...]]:
    """The named columns of every piece of evidence, by id, as plain tuples."""
    cols = ", ".join(rows.name(c) for c in columns)
    return rows.tuples(conn, f"SELECT {cols} FROM evidence ORDER BY id")


def saved_copies(conn: sqlite3.Connection) -> list[StoredFile]:
    """The saved copies of documents cited as evidence, as originals to verify."""
    return [
        StoredFile(f"evidence copy {r[0]}", r[1], r[2], r[3])
        for r in conn.execute(
            "SELECT id, media_path, size_bytes, sha256 FROM evidence"
            " WHERE media_path IS NOT NULL AND sha256 IS NOT NULL"
        )
    ]
