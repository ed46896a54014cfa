"""Merging entities that are the same, undoing merges, and finding likely duplicates.

A merge changes no relation, name or identifier: the merged entity points at the one
it was merged into and every view follows that pointer. Undoing a merge clears the
pointer, so the graph is exactly as it was. Both are recorded in `merges` and in the
audit log.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

import pandas as pd

from workbench.case import audit
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.graph.entities import canonical_id, get_entity, now
from workbench.graph.errors import GraphError
from workbench.graph.identifiers import COMPANY_SCHEMES, SCHEMES
from workbench.graph.records import Merge


def identifier_conflict(
    conn: sqlite3.Connection, winner_group: list[str], loser_group: list[str]
) -> str | None:
    """A sentence if the two sides hold different registry numbers of one scheme."""

    def numbers(group: list[str]) -> dict[str, set[str]]:
        marks = ",".join("?" * len(group))
        out: dict[str, set[str]] = defaultdict(set)
        for scheme, value in conn.execute(
            f"SELECT scheme, value FROM identifiers WHERE entity_id IN ({marks})", group
        ):
            if scheme in COMPANY_SCHEMES or scheme == "kz_iin":
                out[scheme].add(value)
        return out

    a, b = numbers(winner_group), numbers(loser_group)
    for scheme in sorted(set(a) & set(b)):
        if a[scheme] != b[scheme]:
            return (
                f"they have different {SCHEMES[scheme].label}s ({', '.join(sorted(a[scheme]))} "
                f"and {', '.join(sorted(b[scheme]))})"
            )
    return None


def merge_rows(
    conn: sqlite3.Connection,
    actor: str,
    winner: str,
    loser: str,
    reason: str,
    automatic: bool,
    at: str,
) -> int:
    """Record a merge of canonical `loser` into canonical `winner` (inside a transaction)."""
    conn.execute(
        "UPDATE entities SET merged_into = ?, updated_at = ? WHERE id = ?", (winner, at, loser)
    )
    cur = conn.execute(
        "INSERT INTO merges (winner_id, loser_id, reason, automatic, merged_at, merged_by)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (winner, loser, reason, int(automatic), at, actor),
    )
    return int(cur.lastrowid or 0)


def merge(case: Case, actor: str, winner_id: str, loser_id: str, reason: str = "") -> Merge:
    """Merge LOSER into WINNER: one entity from now on, until the merge is undone."""
    from workbench.graph.entities import merged_ids

    conn = case.conn
    winner, loser = get_entity(case, winner_id), get_entity(case, loser_id)
    if winner.id == loser.id:
        raise GraphError(f"{winner_id!r} and {loser_id!r} are already one entity ({winner.id}).")
    if winner.kind != loser.kind:
        raise GraphError(f"A {loser.kind} cannot be merged into a {winner.kind}.")
    conflict = identifier_conflict(conn, merged_ids(conn, winner.id), merged_ids(conn, loser.id))
    if conflict:
        raise GraphError(f"{loser.id} and {winner.id} are not merged: {conflict}.")
    with transaction(conn):
        merge_id = merge_rows(conn, actor, winner.id, loser.id, reason or "manual", False, now())
        audit.append(
            conn,
            actor,
            "graph.merge",
            loser.id,
            {"merge": merge_id, "into": winner.id, "reason": reason or "manual"},
        )
    return get_merge(case, merge_id)


def get_merge(case: Case, merge_id: int) -> Merge:
    row = case.conn.execute("SELECT * FROM merges WHERE id = ?", (merge_id,)).fetchone()
    if row is None:
        raise GraphError(f"There is no merge {merge_id}.")
    return Merge(**{**dict(row), "automatic": bool(row["automatic"])})


def merges(case: Case, include_undone: bool = True) -> list[Merge]:
    sql = "SELECT id FROM merges" + ("" if include_undone else " WHERE undone_at IS NULL")
    return [get_merge(case, r[0]) for r in case.conn.execute(sql + " ORDER BY id")]


def unmerge(case: Case, actor: str, what: str) -> Merge:
    """Undo a merge, named by its number or by the merged entity's id."""
    conn = case.conn
    if what.isdigit():
        m = get_merge(case, int(what))
    else:
        row = conn.execute(
            "SELECT id FROM merges WHERE loser_id = ? AND undone_at IS NULL ORDER BY id DESC",
            (what,),
        ).fetchone()
        if row is None:
            raise GraphError(f"{what!r} is not merged into anything.")
        m = get_merge(case, row[0])
    if m.undone_at:
        raise GraphError(f"Merge {m.id} was already undone on {m.undone_at[:10]}.")
    at = now()
    with transaction(conn):
        conn.execute(
            "UPDATE entities SET merged_into = NULL, updated_at = ? WHERE id = ?", (at, m.loser_id)
        )
        conn.execute(
            "UPDATE merges SET undone_at = ?, undone_by = ? WHERE id = ?", (at, actor, m.id)
        )
        audit.append(conn, actor, "graph.unmerge", m.loser_id, {"merge": m.id, "from": m.winner_id})
    return get_merge(case, m.id)


def candidates(case: Case, threshold: float = 88.0, kind: str | None = None) -> pd.DataFrame:
    """Pairs of unmerged entities whose names look alike but did not match exactly.

    Compared: the matching keys of every name, blocked by their first two letters,
    scored with rapidfuzz's ratio (0-100). Pairs with conflicting registry numbers are
    left out. A person decides; nothing is merged here.
    """
    from rapidfuzz import fuzz

    conn = case.conn
    sql = (
        "SELECT n.entity_id, e.kind, n.name, n.name_key FROM entity_names n"
        " JOIN entities e ON e.id = n.entity_id WHERE e.merged_into IS NULL"
    )
    blocks: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for eid, ekind, name, key in conn.execute(sql):
        if kind and ekind != kind:
            continue
        blocks[(ekind, key[:2])].append((eid, name, key))
    best: dict[tuple[str, str], tuple[float, str, str]] = {}
    for items in blocks.values():
        for i, (a_id, a_name, a_key) in enumerate(items):
            for b_id, b_name, b_key in items[i + 1 :]:
                if a_id == b_id:
                    continue
                score = 100.0 if a_key == b_key else fuzz.ratio(a_key, b_key)
                pair = (min(a_id, b_id), max(a_id, b_id))
                if score >= threshold and score > best.get(pair, (0.0, "", ""))[0]:
                    best[pair] = (score, a_name, b_name)
    rows = []
    for (a, b), (score, a_name, b_name) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        if identifier_conflict(conn, [a], [b]):
            continue
        rows.append({"a": a, "b": b, "a_name": a_name, "b_name": b_name, "score": score})
    return pd.DataFrame(rows, columns=["a", "b", "a_name", "b_name", "score"])


def canonical_map(conn: sqlite3.Connection) -> dict[str, str]:
    """merged id → the entity it stands for now (only merged ids are listed)."""
    pointers = dict(
        conn.execute("SELECT id, merged_into FROM entities WHERE merged_into IS NOT NULL")
    )
    out = {}
    for eid in pointers:
        seen, current = {eid}, eid
        while current in pointers and pointers[current] not in seen:
            current = pointers[current]
            seen.add(current)
        out[eid] = current
    return out


__all__ = [
    "candidates",
    "canonical_id",
    "canonical_map",
    "get_merge",
    "merge",
    "merges",
    "unmerge",
]
