"""Bulk upserts: many entities and relations in one transaction, with entity resolution.

The importers describe parties and relations; a Batch turns them into rows. It loads
an index of the case (ids, identifiers, names and their keys, relations) once, so
100,000 rows resolve without a query each.

Resolution of a party, in order:
1. an explicit id that exists → that entity;
2. an identifier (BIN, INN, USCC ...) someone already has → that entity;
3. exactly the same name (same kind) → that entity;
4. the same name key (another script, legal form or spelling) as exactly one entity
   with no conflicting registry number → a new entity with this spelling, merged into
   that one at once (recorded in `merges` as automatic, so `unmerge` separates them);
5. otherwise a new entity.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

from workbench.graph import entity_rows, relation_rows
from workbench.graph.entities import key_of, now
from workbench.graph.fields import EntityFields
from workbench.graph.identifiers import COMPANY_SCHEMES
from workbench.graph.merges import canonical_map, merge_rows
from workbench.graph.model import ENTITY_KINDS, RelationKind
from workbench.graph.names import slug
from workbench.graph.relations import NewEvidence, evidence_row, ordered_ends


@dataclass
class BatchStats:
    entities_created: int = 0
    entities_matched: int = 0
    merges: int = 0
    relations_created: int = 0
    evidence_added: int = 0
    warnings: list[str] = field(default_factory=list)


class Batch:
    """Writes inside the caller's transaction; the caller commits or rolls back."""

    def __init__(self, conn: sqlite3.Connection, actor: str, source: str):
        self.conn, self.actor, self.source = conn, actor, source
        self.at = now()
        self.stats = BatchStats()
        self.canon = canonical_map(conn)
        self.kinds: dict[str, str] = entity_rows.kinds(conn)
        self.ids: set[str] = set(self.kinds)
        self.idents: dict[tuple[str, str], str] = {
            (s, v): e for e, s, v in entity_rows.all_identifiers(conn)
        }
        self.numbers: dict[str, dict[str, str]] = defaultdict(dict)  # canonical → scheme → value
        for (scheme, value), eid in self.idents.items():
            if scheme in COMPANY_SCHEMES or scheme == "kz_iin":
                self.numbers[self.c(eid)].setdefault(scheme, value)
        self.by_name: dict[tuple[str, str], str] = {}
        self.by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
        for eid, name, key in entity_rows.all_names(conn):
            kind = self.kinds[eid]
            self.by_name.setdefault((kind, name), eid)
            self.by_key[(kind, key)].add(self.c(eid))
        self.relations: dict[tuple[str, str, str], list] = {
            (k, s, t): [rid, start, end] for rid, k, s, t, start, end in relation_rows.spans(conn)
        }
        self.dirty: set[int] = set()

    def c(self, entity_id: str) -> str:
        return self.canon.get(entity_id, entity_id)

    # -- entities --------------------------------------------------------------
    def kind_of(self, entity_id: str) -> str | None:
        return self.kinds.get(entity_id)

    def party(self, f: EntityFields) -> str:
        """The entity F describes, creating or merging as needed.

        Returns the entity that carries the matching id, identifier or spelling, not the
        one it may be merged into: relations stay with the spelling their record used,
        so undoing a merge gives each side back its own relations.
        """
        if f.id and f.id in self.ids:
            return self._enrich(f.id, f)
        for ident in f.identifiers:
            owner = self.idents.get(ident)
            if owner:
                return self._enrich(owner, f)
        exact = self.by_name.get((f.kind, f.name))
        if exact and not self._conflict(self.c(exact), f):
            return self._enrich(exact, f)
        key = key_of(f.name, f.kind)
        matches = {self.c(e) for e in self.by_key.get((f.kind, key), ())}
        new_id = self._create(f, key)
        if len(matches) == 1:
            (winner,) = matches
            conflict = self._conflict(winner, f)
            if conflict:
                self.stats.warnings.append(f"{f.name!r} was not merged with {winner}: {conflict}")
            else:
                merge_rows(
                    self.conn, self.actor, winner, new_id, f"same name key {key!r}", True, self.at
                )
                self.canon[new_id] = winner
                self.stats.merges += 1
        elif len(matches) > 1:
            listed = ", ".join(sorted(matches)[:3])
            self.stats.warnings.append(f"{f.name!r} looks like several entities ({listed})")
        return new_id

    def _conflict(self, winner: str, f: EntityFields) -> str | None:
        have = self.numbers.get(winner, {})
        for scheme, value in f.identifiers:
            if scheme in have and have[scheme] != value:
                return f"different {scheme} ({have[scheme]} and {value})"
        return None

    def _new_id(self, f: EntityFields) -> str:
        if f.id:
            return f.id
        base = f"{ENTITY_KINDS[f.kind].prefix}-{slug(f.name, 40) or 'x'}"
        candidate, n = base, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _create(self, f: EntityFields, key: str) -> str:
        entity_id = self._new_id(f)
        entity_rows.insert(self.conn, entity_id, f, self.actor, self.at)
        self.ids.add(entity_id)
        self.kinds[entity_id] = f.kind
        self.stats.entities_created += 1
        self._add_names(entity_id, f, key)
        self._add_identifiers(entity_id, f)
        return entity_id

    def _enrich(self, entity_id: str, f: EntityFields) -> str:
        """Add what F knows and the entity lacks: spellings, identifiers, empty fields."""
        self.stats.entities_matched += 1
        self._add_names(entity_id, f, None)
        self._add_identifiers(entity_id, f)
        entity_rows.fill_missing(self.conn, entity_id, f)
        return entity_id

    def _add_names(self, entity_id: str, f: EntityFields, key: str | None) -> None:
        kind = self.kinds[entity_id]
        for i, name in enumerate([f.name, *f.aliases]):
            holder = self.by_name.get((kind, name))
            if holder is not None and self.c(holder) == self.c(entity_id):
                continue  # this entity, or one merged with it, already has this spelling
            name_key = key if (i == 0 and key) else key_of(name, kind)
            entity_rows.add_name(self.conn, entity_id, name, name_key, self.source)
            self.by_name.setdefault((kind, name), entity_id)
            self.by_key[(kind, name_key)].add(self.c(entity_id))

    def _add_identifiers(self, entity_id: str, f: EntityFields) -> None:
        for scheme, value in f.identifiers:
            owner = self.idents.get((scheme, value))
            if owner is not None:
                if self.c(owner) != self.c(entity_id):
                    self.stats.warnings.append(
                        f"{scheme} {value} of {f.name!r} already belongs to {self.c(owner)}"
                    )
                continue
            entity_rows.add_identifier(self.conn, entity_id, scheme, value, self.source)
            self.idents[(scheme, value)] = entity_id
            if scheme in COMPANY_SCHEMES or scheme == "kz_iin":
                self.numbers[self.c(entity_id)].setdefault(scheme, value)

    # -- relations -------------------------------------------------------------
    def relation(
        self,
        kind: RelationKind,
        source: str,
        target: str,
        start: str | None = None,
        end: str | None = None,
        confidence: float = 0.5,
        note: str | None = None,
        evidence: NewEvidence | None = None,
    ) -> int | None:
        """Upsert a relation; widen its span; add evidence. Ends as resolved by `party`."""
        if self.c(source) == self.c(target):
            self.stats.warnings.append(f"{kind.name} from {source} to itself was left out")
            return None
        a, b = ordered_ends(kind, source, target)
        found = self.relations.get((kind.name, a, b))
        if found is None:
            rid = relation_rows.insert(
                self.conn,
                kind.name,
                a,
                b,
                start=start,
                end=end,
                confidence=confidence,
                note=note,
                actor=self.actor,
                at=self.at,
            )
            found = [rid, start, end]
            self.relations[(kind.name, a, b)] = found
            self.stats.relations_created += 1
        else:
            rid, old_start, old_end = found
            new_start = min(filter(None, (old_start, start)), default=None)
            new_end = max(filter(None, (old_end, end)), default=None)
            if (new_start, new_end) != (old_start, old_end):
                found[1], found[2] = new_start, new_end
                self.dirty.add(rid)
        if evidence is not None:
            ref, checked = evidence_row(self.conn, evidence)
            added = relation_rows.insert_evidence(
                self.conn, found[0], ref, checked, self.actor, self.at
            )
            if added:
                self.stats.evidence_added += 1
                self.dirty.add(found[0])
        return int(found[0])

    def finish(self) -> BatchStats:
        """Write widened spans and touch updated relations."""
        relation_rows.set_spans(
            self.conn,
            [
                (start, end, self.at, rid)
                for (rid, start, end) in self.relations.values()
                if rid in self.dirty
            ],
        )
        return self.stats
