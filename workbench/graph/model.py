"""The vendor graph's model, declared once: entity kinds, relation kinds, evidence kinds.

Everything else (the store's checks, imports, the networkx view, queries, every export,
the FollowTheMoney mapping, the HTML legend) reads these tables; nothing restates them.
Like followthemoney's schemata, a relation kind names which entity kinds it joins, in
which direction, and how it maps to FtM.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityKind:
    name: str
    label: str
    prefix: str  # generated ids start with this: org-sergek-group
    roles: tuple[str, ...]  # allowed values of `role` (empty: no role)
    ftm_schema: str  # the default FtM schema (organisations pick a narrower one)


@dataclass(frozen=True)
class RelationKind:
    name: str
    phrase: str  # "A supplies B": read source → phrase → target
    sources: frozenset[str]  # entity kinds allowed at the source end
    targets: frozenset[str]
    # walking upstream from a site towards suppliers: "target" means the source end is
    # upstream of the target (A supplies B: A is upstream of B), "source" the reverse,
    # "both" either way (symmetric relations)
    upstream: str
    symmetric: bool
    ftm_schema: str  # UnknownLink unless FtM has a closer edge schema
    description: str
    # where the direction upstream depends on what the target is: (target kind, direction)
    upstream_by_target: tuple[tuple[str, str], ...] = ()

    def upstream_for(self, target_kind: str) -> str:
        return dict(self.upstream_by_target).get(target_kind, self.upstream)


@dataclass(frozen=True)
class EvidenceKind:
    name: str
    strength: str  # one of STRENGTHS
    label: str
    ftm: str  # what the FtM export writes for one piece of it


ORG = frozenset({"organisation"})
ORG_OR_PERSON = frozenset({"organisation", "person"})

ENTITY_KINDS: dict[str, EntityKind] = {
    k.name: k
    for k in (
        EntityKind(
            "organisation",
            "Organisation",
            "org",
            ("integrator", "vendor", "distributor", "operator", "client", "other"),
            "Organization",
        ),
        EntityKind(
            "product",
            "Product",
            "prod",
            ("camera", "software", "analytics", "hardware", "service", "other"),
            "Asset",
        ),
        EntityKind("site", "Site", "site", ("control_centre", "other"), "RealEstate"),
        EntityKind("person", "Person", "person", (), "Person"),
    )
}

RELATION_KINDS: dict[str, RelationKind] = {
    k.name: k
    for k in (
        RelationKind(
            "supplies",
            "supplies",
            ORG,
            frozenset({"organisation", "site"}),
            "target",
            False,
            "UnknownLink",
            "a supplier sells goods or services to a buyer (or for a site)",
        ),
        RelationKind(
            "distributes",
            "distributes",
            ORG,
            frozenset({"organisation", "product"}),
            "source",
            False,
            "Representation",
            "a distributor resells a vendor's products (or one product)",
        ),
        RelationKind(
            "integrates",
            "integrates",
            ORG,
            frozenset({"product", "site"}),
            "target",
            False,
            "UnknownLink",
            "an integrator builds a site or builds a product into its systems",
            (("product", "source"),),  # the product it builds in is upstream of it
        ),
        RelationKind(
            "operates",
            "operates",
            ORG,
            frozenset({"site"}),
            "target",
            False,
            "UnknownLink",
            "an operator (ministry, akimat, police department) runs a site",
        ),
        RelationKind(
            "installed_at",
            "is installed at",
            frozenset({"product"}),
            frozenset({"site"}),
            "target",
            False,
            "UnknownLink",
            "a product is in use at a site",
        ),
        RelationKind(
            "made_by",
            "is made by",
            frozenset({"product"}),
            ORG,
            "source",
            False,
            "UnknownLink",
            "a product is made by a vendor",
        ),
        RelationKind(
            "partner_of",
            "is a partner of",
            ORG_OR_PERSON,
            ORG_OR_PERSON,
            "both",
            True,
            "UnknownLink",
            "two parties announce a partnership",
        ),
        RelationKind(
            "subsidiary_of",
            "is a subsidiary of",
            ORG,
            ORG,
            "source",
            False,
            "Ownership",
            "a company is owned or controlled by another",
        ),
        RelationKind(
            "appears_in",
            "appears in footage from",
            frozenset({"product", "organisation"}),
            frozenset({"site"}),
            "target",
            False,
            "UnknownLink",
            "a product or a vendor's logo is seen in a video filmed at a site",
        ),
    )
}

# How strong the evidence behind an edge is: the strongest piece decides.
STRENGTHS: tuple[str, ...] = ("hypothesis", "reported", "recorded", "observed")

EVIDENCE_KINDS: dict[str, EvidenceKind] = {
    k.name: k
    for k in (
        EvidenceKind("observation", "observed", "confirmed observation", "Video + Image"),
        EvidenceKind("procurement", "recorded", "procurement record", "Contract + ContractAward"),
        EvidenceKind("customs", "recorded", "customs record", "EconomicActivity"),
        EvidenceKind("registry", "recorded", "company registry record", "Document"),
        EvidenceKind("document", "reported", "document", "Document"),
        EvidenceKind("url", "reported", "web page", "Document"),
    )
}
RECORD_EVIDENCE = frozenset({"procurement", "customs", "registry"})

IMPORT_KINDS: tuple[str, ...] = ("procurement", "customs", "registry", "relations")


def strength_level(name: str) -> int:
    return STRENGTHS.index(name)


def strongest(evidence_kinds: list[str] | set[str] | tuple[str, ...]) -> str:
    """The strength of an edge given the kinds of its (valid) evidence."""
    level = 0
    for kind in evidence_kinds:
        level = max(level, strength_level(EVIDENCE_KINDS[kind].strength))
    return STRENGTHS[level]


def entity_kind(name: str) -> EntityKind:
    from workbench.graph.errors import GraphError

    try:
        return ENTITY_KINDS[name]
    except KeyError:
        known = ", ".join(ENTITY_KINDS)
        raise GraphError(f"{name!r} is not an entity kind (known: {known}).") from None


def relation_kind(name: str) -> RelationKind:
    from workbench.graph.errors import GraphError

    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return RELATION_KINDS[key]
    except KeyError:
        known = ", ".join(RELATION_KINDS)
        raise GraphError(f"{name!r} is not a relation kind (known: {known}).") from None


def evidence_kind(name: str) -> EvidenceKind:
    from workbench.graph.errors import GraphError

    try:
        return EVIDENCE_KINDS[name]
    except KeyError:
        known = ", ".join(EVIDENCE_KINDS)
        raise GraphError(f"{name!r} is not an evidence kind (known: {known}).") from None


# The questions `workbench graph query` and the Graph page ask (graph.queries.ask).
QUESTIONS: tuple[str, ...] = ("suppliers", "paths", "sites", "evidence")
