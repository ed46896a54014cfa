"""From confirmed observations to proposed edges, which a person accepts or rejects.

A video is linked to the site where it was filmed. Each confirmed observation in such a
video whose label or vendor matches a product or organisation in the graph proposes
`appears_in` (product/vendor → site), citing the observation. Nothing enters the graph
until a person accepts the proposal; accepting adds (or reuses) the relation and the
observation as its evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from workbench.case import audit, observations, records, rows
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.graph import entity_rows, relation_rows
from workbench.graph.entities import canonical_id, get_entity, key_of, now
from workbench.graph.errors import GraphError
from workbench.graph.merges import canonical_map
from workbench.graph.model import RELATION_KINDS, relation_kind
from workbench.graph.records import Proposal
from workbench.graph.relations import NewEvidence, check_endpoints, evidence_row

APPEARS_IN = RELATION_KINDS["appears_in"]
# what a label or a vendor name is looked up as, in this order (appears_in sources only)
LABEL_KINDS = ("product", "organisation")
VENDOR_KINDS = ("organisation",)
assert set(LABEL_KINDS) | set(VENDOR_KINDS) <= APPEARS_IN.sources


@dataclass(frozen=True)
class SiteLink:
    """A video recorded as filmed at a site."""

    site_id: str
    video_sha256: str
    note: str | None
    created_at: str
    created_by: str


@dataclass
class ProposeResult:
    proposals: list[Proposal] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # labels/vendors with no entity


def link_video(case: Case, actor: str, site: str, video: str, note: str | None = None) -> None:
    """Record that VIDEO (sha256 or a unique prefix) was filmed at SITE."""
    entity = get_entity(case, site)
    if entity.kind != "site":
        raise GraphError(f"{entity.id} is a {entity.kind}, not a site.")
    found = records.require_video(case.conn, video, GraphError)
    with transaction(case.conn) as conn:
        rows.insert(
            conn,
            "site_videos",
            {
                "site_id": entity.id,
                "video_sha256": found.sha256,
                "note": note,
                "created_at": now(),
                "created_by": actor,
            },
            or_ignore=True,
        )
        audit.append(conn, actor, "graph.site.video", entity.id, {"video": found.sha256})


def site_links(case: Case) -> list[SiteLink]:
    """Every video linked to a site, oldest link first."""
    found = rows.select(case.conn, "site_videos", order="created_at, site_id, video_sha256")
    return [rows.record(SiteLink, r) for r in found]


def _index(case: Case) -> dict[tuple[str, str], set[str]]:
    canon = canonical_map(case.conn)
    index: dict[tuple[str, str], set[str]] = defaultdict(set)
    for eid, kind, name, _key in entity_rows.name_keys(case.conn):
        if kind in APPEARS_IN.sources:
            index[(kind, key_of(name, kind))].add(canon.get(eid, eid))
    return index


def propose(case: Case, actor: str) -> ProposeResult:
    """Propose appears_in edges from confirmed observations in videos linked to sites."""
    conn = case.conn
    index = _index(case)
    result = ProposeResult()
    sites: dict[str, list[str]] = defaultdict(list)
    for link in site_links(case):
        sites[link.video_sha256].append(link.site_id)
    seen = sorted(
        (o.id, site_id, o)
        for o in observations.query(conn, status="confirmed")
        for site_id in sites.get(o.video, ())
    )
    with transaction(conn):
        at = now()
        for obs_id, site_id, o in seen:
            obs_kind, label, vendor, video, frame = (
                o.kind,
                o.label,
                o.vendor,
                o.video,
                o.frame_index,
            )
            site = canonical_id(conn, site_id)
            matches: list[tuple[str, str]] = []
            for text, kinds in ((label, LABEL_KINDS), (vendor, VENDOR_KINDS)):
                if not text:
                    continue
                hit = next(
                    (index[(k, key_of(text, k))] for k in kinds if index.get((k, key_of(text, k)))),
                    None,
                )
                if hit:
                    matches += [(eid, text) for eid in sorted(hit)]
                elif text not in result.unmatched:
                    result.unmatched.append(text)
            for entity_id, text in dict.fromkeys(matches):
                reason = (
                    f"confirmed {obs_kind} observation {obs_id} ({text!r}) in video "
                    f"{video[:12]} frame {frame}, filmed at {site}"
                )
                new = rows.insert(
                    conn,
                    "proposals",
                    {
                        "kind": APPEARS_IN.name,
                        "source_id": entity_id,
                        "target_id": site,
                        "observation_id": obs_id,
                        "reason": reason,
                        "created_at": at,
                    },
                    or_ignore=True,
                )
                if new is not None:
                    result.proposals.append(get_proposal(case, new))
        if not result.proposals:
            return result
        audit.append(
            conn,
            actor,
            "graph.propose",
            "appears_in",
            {"proposals": [p.id for p in result.proposals], "unmatched": result.unmatched},
        )
    return result


def get_proposal(case: Case, proposal_id: int) -> Proposal:
    found = rows.select(case.conn, "proposals", "id = ?", (proposal_id,))
    if not found:
        raise GraphError(f"There is no proposal {proposal_id}.")
    return rows.record(Proposal, found[0])


def proposals(
    case: Case, status: str | None = "proposed", *, decided: bool = False
) -> list[Proposal]:
    """Proposals with this status (all with None; accepted and rejected with `decided`)."""
    where, args = ("status = ?", (status,)) if status else ("", ())
    if decided:
        where, args = "status != 'proposed'", ()
    found = rows.select(case.conn, "proposals", where, args, order="id")
    return [rows.record(Proposal, r) for r in found]


def decide(
    case: Case, actor: str, proposal_ids: list[int], accept: bool, confidence: float = 0.8
) -> list[Proposal]:
    """Accept (adding the edge and its evidence) or reject proposals, all or none."""
    conn = case.conn
    wanted = [get_proposal(case, pid) for pid in proposal_ids]
    for p in wanted:
        if p.status != "proposed":
            raise GraphError(f"Proposal {p.id} was already {p.status}.")
    with transaction(conn):
        at = now()
        for p in wanted:
            relation_id = None
            if accept:
                source, target = canonical_id(conn, p.source_id), canonical_id(conn, p.target_id)
                kind = relation_kind(p.kind)
                check_endpoints(kind, get_entity(case, source).kind, get_entity(case, target).kind)
                relation_id = relation_rows.find(conn, kind.name, source, target)
                if relation_id is None:
                    relation_id = relation_rows.insert(
                        conn,
                        kind.name,
                        source,
                        target,
                        start=None,
                        end=None,
                        confidence=confidence,
                        note=None,
                        actor=actor,
                        at=at,
                    )
                ref, ev = evidence_row(
                    conn, NewEvidence(kind="observation", observation_id=p.observation_id)
                )
                relation_rows.insert_evidence(conn, relation_id, ref, ev, actor, at)
            rows.update(
                conn,
                "proposals",
                {
                    "status": "accepted" if accept else "rejected",
                    "relation_id": relation_id,
                    "decided_at": at,
                    "decided_by": actor,
                },
                "id = ?",
                (p.id,),
            )
            audit.append(
                conn,
                actor,
                "graph.accept" if accept else "graph.reject",
                str(p.id),
                {"relation": relation_id, "observation": p.observation_id},
            )
    return [get_proposal(case, p.id) for p in wanted]
