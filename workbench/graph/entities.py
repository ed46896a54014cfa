"""Entities in the case store: add, read, find, rename, alias, identify.

Every write runs in one `transaction()` with its audit entry. Reads follow merges:
asking for a merged entity gives the entity it was merged into (`follow=False` gives
the row itself).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from workbench.case import audit, clock
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.graph import entity_rows
from workbench.graph import identifiers as ids
from workbench.graph.errors import GraphError
from workbench.graph.fields import EntityFields, entity_fields, text_or_none
from workbench.graph.model import ENTITY_KINDS
from workbench.graph.names import clean_name, name_key, slug
from workbench.graph.records import Entity

now = clock.now


def key_of(name: str, kind: str) -> str:
    return name_key(name, organisation=kind in ("organisation", "person"))


def new_id(conn: sqlite3.Connection, kind: str, name: str, taken: set[str] | None = None) -> str:
    """A readable, unused id: org-sergek-group, org-sergek-group-2, ..."""
    base = f"{ENTITY_KINDS[kind].prefix}-{slug(name, 40) or 'x'}"
    candidate, n = base, 1
    while (taken is not None and candidate in taken) or entity_rows.exists(conn, candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def insert_entity(
    conn: sqlite3.Connection, f: EntityFields, actor: str, source: str, at: str
) -> str:
    """Insert a validated entity with its names and identifiers (inside a transaction)."""
    entity_id = f.id or new_id(conn, f.kind, f.name)
    if entity_rows.exists(conn, entity_id):
        raise GraphError(f"An entity with the id {entity_id!r} already exists.")
    for scheme, value in f.identifiers:
        owner = identifier_owner(conn, scheme, value)
        if owner:
            raise GraphError(
                f"The {ids.SCHEMES[scheme].label} {value} already belongs to entity {owner!r}."
            )
    entity_rows.insert(conn, entity_id, f, actor, at)
    for name in [f.name, *f.aliases]:
        entity_rows.add_name(conn, entity_id, name, key_of(name, f.kind), source)
    for scheme, value in f.identifiers:
        entity_rows.add_identifier(conn, entity_id, scheme, value, source)
    return entity_id


def add_entity(case: Case, actor: str, kind: str, name: str, **fields: Any) -> Entity:
    """Add one entity; fields as in `workbench.graph.fields.entity_fields`."""
    f = entity_fields(kind, name, **fields)
    with transaction(case.conn) as conn:
        entity_id = insert_entity(conn, f, actor, "manual", now())
        audit.append(
            conn,
            actor,
            "graph.entity.add",
            entity_id,
            {"kind": f.kind, "name": f.name, "identifiers": [list(i) for i in f.identifiers]},
        )
    return get_entity(case, entity_id)


identifier_owner = entity_rows.identifier_owner


def canonical_id(conn: sqlite3.Connection, entity_id: str) -> str:
    """Follow merges to the entity that stands for this one now."""
    seen = {entity_id}
    current = entity_id
    while True:
        found, winner = entity_rows.merged_into(conn, current)
        if not found:
            raise GraphError(f"No entity has the id {entity_id!r}.")
        if winner is None or winner in seen:
            return current
        current = winner
        seen.add(current)


def merged_ids(conn: sqlite3.Connection, entity_id: str) -> list[str]:
    """The entity and every entity merged into it, directly or not."""
    out, frontier = [entity_id], [entity_id]
    while frontier:
        children = entity_rows.merged_children(conn, frontier)
        frontier = [c for c in children if c not in out]
        out += frontier
    return out


def get_entity(case: Case, entity_id: str, follow: bool = True) -> Entity:
    conn = case.conn
    target = canonical_id(conn, entity_id) if follow else entity_id
    row = entity_rows.row(conn, target)
    if row is None:
        raise GraphError(f"No entity has the id {entity_id!r}.")
    group = merged_ids(conn, target) if follow else [target]
    names = entity_rows.names_of(conn, group)
    idents = entity_rows.identifiers_of(conn, group)
    aliases = tuple(dict.fromkeys(n for n in names if n != row["name"]))
    return entity_rows.entity(row, aliases, idents)


def list_entities(case: Case, kind: str | None = None) -> list[Entity]:
    return [get_entity(case, eid) for eid in entity_rows.active_ids(case.conn, kind)]


def find_entities(case: Case, text: str, kind: str | None = None) -> list[Entity]:
    """Entities a user means by TEXT: an id, an identifier, or a name in any spelling."""
    conn = case.conn
    text = clean_name(text)
    found: list[str] = []
    if entity_rows.exists(conn, text):
        found.append(canonical_id(conn, text))
    else:
        try:
            scheme, value = ids.detect(text)
        except GraphError:
            scheme = value = ""
        owner = identifier_owner(conn, scheme, value) if scheme else None
        if owner:
            found.append(canonical_id(conn, owner))
        else:
            keys = {key_of(text, k) for k in ([kind] if kind else list(ENTITY_KINDS))}
            for eid in entity_rows.ids_with_keys(conn, sorted(keys)):
                found.append(canonical_id(conn, eid))
    out = [get_entity(case, e) for e in dict.fromkeys(found)]
    return [e for e in out if kind is None or e.kind == kind]


def resolve(case: Case, text: str, kind: str | None = None) -> Entity:
    """The one entity TEXT names; GraphError if none or several."""
    found = find_entities(case, text, kind)
    what = kind or "entity"
    if not found:
        hint = _suggest(case.conn, text, kind)
        raise GraphError(
            f"No {what} matches {text!r}"
            + (f" (did you mean {hint}?)" if hint else "; add it with `workbench graph entity add`")
            + "."
        )
    if len(found) > 1:
        listed = ", ".join(e.id for e in found[:5])
        raise GraphError(f"{text!r} matches several entities ({listed}); use an id.")
    return found[0]


def _suggest(conn: sqlite3.Connection, text: str, kind: str | None) -> str | None:
    """The id of the entity whose name contains TEXT's key most closely, if any is close."""
    from rapidfuzz import fuzz

    key = key_of(text, kind or "organisation")
    best, best_score = None, 80.0
    for eid, _kind, _name, other in entity_rows.name_keys(conn, kind, limit=200000):
        score = fuzz.partial_ratio(key, other) if len(key) >= 4 else 0.0
        if score > best_score:
            best, best_score = eid, score
    return canonical_id(conn, best) if best else None


def add_alias(case: Case, actor: str, entity_id: str, name: str) -> Entity:
    entity = get_entity(case, entity_id)
    clean = text_or_none(name)
    if not clean:
        raise GraphError("An alias needs a non-empty name.")
    with transaction(case.conn) as conn:
        entity_rows.add_name(conn, entity.id, clean, key_of(clean, entity.kind), "manual")
        audit.append(conn, actor, "graph.entity.alias", entity.id, {"name": clean})
    return get_entity(case, entity.id)


def add_identifier(case: Case, actor: str, entity_id: str, scheme: str, value: str) -> Entity:
    entity = get_entity(case, entity_id)
    scheme_name, normal = ids.normalise(scheme, value)
    with transaction(case.conn) as conn:
        owner = identifier_owner(conn, scheme_name, normal)
        if owner and canonical_id(conn, owner) != entity.id:
            raise GraphError(
                f"The {ids.SCHEMES[scheme_name].label} {normal} already belongs to entity "
                f"{owner!r}; merge the two if they are the same."
            )
        entity_rows.add_identifier(conn, entity.id, scheme_name, normal, "manual", or_ignore=True)
        audit.append(
            conn,
            actor,
            "graph.entity.identifier",
            entity.id,
            {"scheme": scheme_name, "value": normal},
        )
    return get_entity(case, entity.id)


def update_entity(case: Case, actor: str, entity_id: str, **changes: Any) -> Entity:
    """Change name, role, country, city, address, lat/lon, public or props of an entity."""
    entity = get_entity(case, entity_id)
    allowed = set(entity_rows.EDITABLE)
    unknown = set(changes) - allowed
    if unknown:
        raise GraphError(f"An entity has no field {sorted(unknown)[0]!r} to change.")
    current: dict[str, Any] = {k: getattr(entity, k) for k in allowed}
    current.update({k: v for k, v in changes.items() if v is not None})
    if changes.get("props"):
        current["props"] = {**entity.props, **changes["props"]}
    f = entity_fields(entity.kind, **current)
    with transaction(case.conn) as conn:
        entity_rows.update(conn, entity.id, f, now())
        entity_rows.add_name(conn, entity.id, f.name, key_of(f.name, f.kind), "manual")
        audit.append(
            conn,
            actor,
            "graph.entity.update",
            entity.id,
            {k: v for k, v in changes.items() if v is not None},
        )
    return get_entity(case, entity.id)


names_by_entity = entity_rows.names_by_entity
