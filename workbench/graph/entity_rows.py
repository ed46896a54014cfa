"""The owner of the `entities`, `entity_names` and `identifiers` tables: all their SQL.

Every other module reads and writes entities through these functions. Writes run in
the caller's transaction; the caller adds the audit entry.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any

from workbench.case import rows
from workbench.graph.fields import EntityFields
from workbench.graph.records import Entity, EntityData, Identifier

_STORED = tuple(f.name for f in fields(EntityData))  # what an entity says of itself
EDITABLE = _STORED[1:]  # all but its kind


# -- entities ------------------------------------------------------------------
def exists(conn: sqlite3.Connection, entity_id: str) -> bool:
    return rows.exists(conn, "entities", "id = ?", (entity_id,))


def _values(f: EntityFields, names: Iterable[str]) -> dict[str, Any]:
    values: dict[str, Any] = {k: getattr(f, k) for k in names}
    values["public"] = int(f.public)
    values["props"] = f.props_json()
    return values


def insert(conn: sqlite3.Connection, entity_id: str, f: EntityFields, actor: str, at: str) -> None:
    stamps = {"created_at": at, "created_by": actor, "updated_at": at}
    rows.insert(conn, "entities", {"id": entity_id, **_values(f, _STORED), **stamps})


def update(conn: sqlite3.Connection, entity_id: str, f: EntityFields, at: str) -> None:
    values = {**_values(f, EDITABLE), "updated_at": at}
    rows.update(conn, "entities", values, "id = ?", (entity_id,))


def fill_missing(conn: sqlite3.Connection, entity_id: str, f: EntityFields) -> None:
    """Give the entity what F knows and it lacks (role, place, coordinates, public)."""
    if any((f.role, f.country, f.city, f.address, f.lat is not None)):
        conn.execute(
            "UPDATE entities SET role = COALESCE(role, ?), country = COALESCE(country, ?),"
            " city = COALESCE(city, ?), address = COALESCE(address, ?),"
            " lat = COALESCE(lat, ?), lon = COALESCE(lon, ?) WHERE id = ?",
            (f.role, f.country, f.city, f.address, f.lat, f.lon, entity_id),
        )
    if f.public:
        rows.update(conn, "entities", {"public": 1}, "id = ?", (entity_id,))


def set_merged_into(conn: sqlite3.Connection, entity_id: str, winner: str | None, at: str) -> None:
    rows.update(conn, "entities", {"merged_into": winner, "updated_at": at}, "id = ?", (entity_id,))


def merged_into(conn: sqlite3.Connection, entity_id: str) -> tuple[bool, str | None]:
    """(whether the entity exists, the entity it is merged into)."""
    found = rows.select(conn, "entities", "id = ?", (entity_id,), columns=("merged_into",))
    return (True, found[0][0]) if found else (False, None)


def merge_pointers(conn: sqlite3.Connection) -> dict[str, str]:
    """merged id → the entity it was merged into (one step)."""
    return {
        r[0]: r[1]
        for r in rows.select(
            conn, "entities", "merged_into IS NOT NULL", columns=("id", "merged_into")
        )
    }


def merged_children(conn: sqlite3.Connection, entity_ids: list[str]) -> list[str]:
    """Ids merged directly into any of `entity_ids`."""
    return [
        r[0]
        for r in rows.select(
            conn,
            "entities",
            f"merged_into IN ({rows.marks(entity_ids)})",
            entity_ids,
            columns=("id",),
        )
    ]


def row(conn: sqlite3.Connection, entity_id: str) -> sqlite3.Row | None:
    found = rows.select(conn, "entities", "id = ?", (entity_id,))
    return found[0] if found else None


def entity(row_: sqlite3.Row, aliases: tuple[str, ...], idents: tuple[Identifier, ...]) -> Entity:
    return rows.record(Entity, row_, aliases=aliases, identifiers=idents)


def active_ids(conn: sqlite3.Connection, kind: str | None = None) -> list[str]:
    where = "merged_into IS NULL"
    args: tuple[str, ...] = ()
    if kind:
        where, args = where + " AND kind = ?", (kind,)
    return [r[0] for r in rows.select(conn, "entities", where, args, columns=("id",), order="id")]


def kinds(conn: sqlite3.Connection) -> dict[str, str]:
    """Every entity id (merged ones too) → its kind."""
    return {r[0]: r[1] for r in rows.select(conn, "entities", columns=("id", "kind"))}


def kind_of(conn: sqlite3.Connection, entity_id: str) -> str | None:
    found = rows.select(conn, "entities", "id = ?", (entity_id,), columns=("kind",))
    return found[0][0] if found else None


def display_names(
    conn: sqlite3.Connection, entity_ids: Iterable[str] | None = None
) -> dict[str, str]:
    """Entity id → its main name (all entities, or those asked for)."""
    if entity_ids is None:
        return {r[0]: r[1] for r in rows.select(conn, "entities", columns=("id", "name"))}
    wanted = list(dict.fromkeys(entity_ids))
    if not wanted:
        return {}
    return {
        r[0]: r[1]
        for r in rows.select(
            conn, "entities", f"id IN ({rows.marks(wanted)})", wanted, columns=("id", "name")
        )
    }


def view_rows(conn: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """(id, kind, name, role, country, city, address, lat, lon, public) of every
    unmerged entity, by id, as plain tuples."""
    return rows.tuples(
        conn,
        "SELECT id, kind, name, role, country, city, address, lat, lon, public FROM entities"
        " WHERE merged_into IS NULL ORDER BY id",
    )


# -- names ---------------------------------------------------------------------
def add_name(conn: sqlite3.Connection, entity_id: str, name: str, key: str, source: str) -> None:
    rows.insert(
        conn,
        "entity_names",
        {"entity_id": entity_id, "name": name, "name_key": key, "source": source},
        or_ignore=True,
    )


def names_of(conn: sqlite3.Connection, group: list[str]) -> list[str]:
    """Every spelling of the entities in `group`, in the order they were added."""
    return [
        r[0]
        for r in rows.select(
            conn,
            "entity_names",
            f"entity_id IN ({rows.marks(group)})",
            group,
            columns=("name",),
            order="id",
        )
    ]


def names_by_entity(conn: sqlite3.Connection, entity_ids: Iterable[str]) -> dict[str, list[str]]:
    wanted = set(entity_ids)
    out: dict[str, list[str]] = {}
    for eid, name in rows.select(conn, "entity_names", columns=("entity_id", "name"), order="id"):
        if eid in wanted:
            out.setdefault(eid, []).append(name)
    return out


def all_names(conn: sqlite3.Connection) -> Iterator[tuple[str, str, str]]:
    """(entity id, name, name key) of every spelling, in the order they were added."""
    return rows.tuples(conn, "SELECT entity_id, name, name_key FROM entity_names ORDER BY id")


def ids_with_keys(conn: sqlite3.Connection, keys: list[str]) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT entity_id FROM entity_names WHERE name_key IN ({rows.marks(keys)})",
            keys,
        )
    ]


def name_keys(
    conn: sqlite3.Connection,
    kind: str | None = None,
    *,
    active_only: bool = False,
    limit: int | None = None,
) -> Iterator[tuple[str, str, str, str]]:
    """(entity id, kind, name, name key) of every spelling, joined to its entity."""
    sql = (
        "SELECT n.entity_id, e.kind, n.name, n.name_key FROM entity_names n"
        " JOIN entities e ON e.id = n.entity_id WHERE 1 = 1"
    )
    args: list[Any] = []
    if active_only:
        sql += " AND e.merged_into IS NULL"
    if kind:
        sql += " AND e.kind = ?"
        args.append(kind)
    if limit:
        sql += f" LIMIT {int(limit)}"
    for r in conn.execute(sql, args):
        yield r[0], r[1], r[2], r[3]


# -- identifiers -----------------------------------------------------------------
def add_identifier(
    conn: sqlite3.Connection,
    entity_id: str,
    scheme: str,
    value: str,
    source: str,
    *,
    or_ignore: bool = False,
) -> None:
    rows.insert(
        conn,
        "identifiers",
        {"entity_id": entity_id, "scheme": scheme, "value": value, "source": source},
        or_ignore=or_ignore,
    )


def identifier_owner(conn: sqlite3.Connection, scheme: str, value: str) -> str | None:
    found = rows.select(
        conn, "identifiers", "scheme = ? AND value = ?", (scheme, value), columns=("entity_id",)
    )
    return found[0][0] if found else None


def identifiers_of(conn: sqlite3.Connection, group: list[str]) -> tuple[Identifier, ...]:
    return tuple(
        Identifier(r[0], r[1])
        for r in rows.select(
            conn,
            "identifiers",
            f"entity_id IN ({rows.marks(group)})",
            group,
            columns=("scheme", "value"),
            order="scheme, value",
        )
    )


def all_identifiers(conn: sqlite3.Connection) -> Iterator[tuple[str, str, str]]:
    """(entity id, scheme, value) of every identifier, by scheme and value."""
    return rows.tuples(
        conn, "SELECT entity_id, scheme, value FROM identifiers ORDER BY scheme, value"
    )
