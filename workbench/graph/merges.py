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

from workbench.case import audit, rows
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.graph import entity_rows
from workbench.graph.entities import canonical_id, get_entity, now
from workbench.graph.errors import GraphError
from workbench.graph.identifiers import COMPANY_SCHEMES, SCHEMES
from workbench.graph.records import Merge


def identifier_conflict(
    conn: sqlite3.Connection, winner_group: list[str], loser_group: list[str]
) -> str | None:
    """A sentence if the two sides hold different registry numbers of one scheme."""

    def numbers(group: list[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for ident in entity_rows.identifiers_of(conn, group):
            if ident.scheme in COMPANY_SCHEMES or ident.scheme == "kz_iin":
                out[ident.scheme].add(ident.value)
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
    entity_rows.set_merged_into(conn, loser, winner, at)
    merge_id = rows.insert(
        conn,
        "merges",
        {
            "winner_id": winner,
            "loser_id": loser,
            "reason": reason,
            "automatic": automatic,
            "merged_at": at,
            "merged_by": actor,
        },
    )
    return int(merge_id or 0)


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
    found = rows.select(case.conn, "merges", "id = ?", (merge_id,))
    if not found:
        raise GraphError(f"There is no merge {merge_id}.")
    return rows.record(Merge, found[0])


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
        entity_rows.set_merged_into(conn, m.loser_id, None, at)
        rows.update(conn, "merges", {"undone_at": at, "undone_by": actor}, "id = ?", (m.id,))
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
    blocks: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for eid, ekind, name, key in entity_rows.name_keys(conn, active_only=True):
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
    pairs = []
    for (a, b), (score, a_name, b_name) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        if identifier_conflict(conn, [a], [b]):
            continue
        pairs.append({"a": a, "b": b, "a_name": a_name, "b_name": b_name, "score": score})
    return pd.DataFrame(pairs, columns=["a", "b", "a_name", "b_name", "score"])


def canonical_map(conn: sqlite3.Connection) -> dict[str, str]:
    """merged id → the entity it stands for now (only merged ids are listed)."""
    pointers = entity_rows.merge_pointers(conn)
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
