"""Typed records of the vendor graph, as stored in case.db and returned by the API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Identifier:
    scheme: str  # workbench.graph.identifiers.SCHEMES
    value: str  # normalised


@dataclass(frozen=True)
class EntityData:
    """What an entity says of itself, stored as it is (graph.fields.entity_fields checks
    and normalises it)."""

    kind: str  # workbench.graph.model.ENTITY_KINDS
    name: str
    role: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, lower case
    city: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    public: bool = False
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Entity(EntityData):
    """A stored entity: what it says, its id, spellings, identifiers and history."""

    id: str
    merged_into: str | None = None
    created_at: str = ""
    created_by: str = ""
    aliases: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = {"id": self.id, **asdict(self)}  # the id first, then the fields in order
        d["identifiers"] = [asdict(i) for i in self.identifiers]
        d["aliases"] = list(self.aliases)
        return d


@dataclass(frozen=True)
class NewEvidence:
    """One piece of evidence as it is given, before it is stored (relations.evidence_row
    checks it): these fields are stored as they are."""

    kind: str  # workbench.graph.model.EVIDENCE_KINDS
    observation_id: int | None = None
    url: str | None = None
    title: str | None = None
    retrieved_at: str | None = None
    sha256: str | None = None
    media_path: str | None = None
    size_bytes: int | None = None
    import_id: int | None = None
    file_sha256: str | None = None
    row_number: int | None = None
    row_values: dict[str, Any] | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Evidence(NewEvidence):
    """A stored piece of evidence: what was given, the relation it backs and its ref."""

    id: int
    relation_id: int
    ref: str
    created_at: str = ""
    created_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Id, relation, kind and ref first, then the fields in order (the table's)."""
        head = {"id": self.id, "relation_id": self.relation_id, "kind": self.kind}
        return {**head, "ref": self.ref, **asdict(self)}


@dataclass(frozen=True)
class Relation:
    id: int
    kind: str  # workbench.graph.model.RELATION_KINDS
    source_id: str
    target_id: str
    start_date: str | None
    end_date: str | None
    confidence: float
    note: str | None
    created_at: str
    created_by: str
    updated_at: str
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "evidence": [e.to_dict() for e in self.evidence]}

    @property
    def hypothesis(self) -> bool:
        """A relation without evidence is a hypothesis, and is shown as one everywhere."""
        return not self.evidence


@dataclass(frozen=True)
class Merge:
    id: int
    winner_id: str
    loser_id: str
    reason: str
    automatic: bool
    merged_at: str
    merged_by: str
    undone_at: str | None
    undone_by: str | None


@dataclass(frozen=True)
class Proposal:
    id: int
    kind: str
    source_id: str
    target_id: str
    observation_id: int
    status: str  # proposed | accepted | rejected
    reason: str
    relation_id: int | None
    decided_at: str | None = None
    decided_by: str | None = None


@dataclass
class ImportReport:
    import_id: int | None
    kind: str
    file_name: str
    file_sha256: str
    encoding: str
    rows_total: int = 0
    rows_imported: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    entities_created: int = 0
    entities_matched: int = 0
    merges: int = 0
    relations_created: int = 0
    evidence_added: int = 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["skipped"] = [list(s) for s in self.skipped]
        return d
