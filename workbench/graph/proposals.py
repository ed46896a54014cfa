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

from workbench.case import audit, records
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.graph.entities import canonical_id, get_entity, key_of, now
from workbench.graph.errors import GraphError
from workbench.graph.merges import canonical_map
from workbench.graph.records import Proposal
from workbench.graph.relations import NewEvidence, evidence_row, find_relation, insert_evidence


@dataclass
class ProposeResult:
    proposals: list[Proposal] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # labels/vendors with no entity


def link_video(case: Case, actor: str, site: str, video: str, note: str | None = None) -> None:
    """Record that VIDEO (sha256 or a unique prefix) was filmed at SITE."""
    entity = get_entity(case, site)
    if entity.kind != "site":
        raise GraphError(f"{entity.id} is a {entity.kind}, not a site.")
    found = records.video(case.conn, video)
    if found is None:
        raise GraphError(f"No video of this case matches {video!r} (give 6+ hex digits).")
    with transaction(case.conn) as conn:
        conn.execute(
            "INSERT OR IGNORE INTO site_videos (site_id, video_sha256, note, created_at,"
            " created_by) VALUES (?, ?, ?, ?, ?)",
            (entity.id, found.sha256, note, now(), actor),
        )
        audit.append(conn, actor, "graph.site.video", entity.id, {"video": found.sha256})


def _index(case: Case) -> dict[tuple[str, str], set[str]]:
    canon = canonical_map(case.conn)
    index: dict[tuple[str, str], set[str]] = defaultdict(set)
    for eid, kind, name in case.conn.execute(
        "SELECT n.entity_id, e.kind, n.name FROM entity_names n"
        " JOIN entities e ON e.id = n.entity_id WHERE e.kind IN ('product', 'organisation')"
    ):
        index[(kind, key_of(name, kind))].add(canon.get(eid, eid))
    return index


def propose(case: Case, actor: str) -> ProposeResult:
    """Propose appears_in edges from confirmed observations in videos linked to sites."""
    conn = case.conn
    index = _index(case)
    result = ProposeResult()
    rows = conn.execute(
        "SELECT sv.site_id, o.id, o.kind, o.label, o.vendor, o.video_sha256, o.frame_index"
        " FROM site_videos sv JOIN observations o ON o.video_sha256 = sv.video_sha256"
        " WHERE o.status = 'confirmed' ORDER BY o.id, sv.site_id"
    ).fetchall()
    with transaction(conn):
        at = now()
        for site_id, obs_id, obs_kind, label, vendor, video, frame in rows:
            site = canonical_id(conn, site_id)
            matches: list[tuple[str, str]] = []
            for text, kinds in ((label, ("product", "organisation")), (vendor, ("organisation",))):
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
                cur = conn.execute(
                    "INSERT OR IGNORE INTO proposals (kind, source_id, target_id, observation_id,"
                    " reason, created_at) VALUES ('appears_in', ?, ?, ?, ?, ?)",
                    (entity_id, site, obs_id, reason, at),
                )
                if cur.rowcount:
                    result.proposals.append(get_proposal(case, int(cur.lastrowid or 0)))
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
    row = case.conn.execute(
        "SELECT id, kind, source_id, target_id, observation_id, status, reason, relation_id"
        " FROM proposals WHERE id = ?",
        (proposal_id,),
    ).fetchone()
    if row is None:
        raise GraphError(f"There is no proposal {proposal_id}.")
    return Proposal(**dict(row))


def proposals(case: Case, status: str | None = "proposed") -> list[Proposal]:
    sql = "SELECT id FROM proposals" + (" WHERE status = ?" if status else "") + " ORDER BY id"
    return [get_proposal(case, r[0]) for r in case.conn.execute(sql, (status,) if status else ())]


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
                relation_id = find_relation(conn, p.kind, source, target)
                if relation_id is None:
                    cur = conn.execute(
                        "INSERT INTO relations (kind, source_id, target_id, confidence,"
                        " created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (p.kind, source, target, confidence, at, actor, at),
                    )
                    relation_id = int(cur.lastrowid or 0)
                ref, ev = evidence_row(
                    conn, NewEvidence(kind="observation", observation_id=p.observation_id)
                )
                insert_evidence(conn, relation_id, ref, ev, actor, at)
            conn.execute(
                "UPDATE proposals SET status = ?, relation_id = ?, decided_at = ?, decided_by = ?"
                " WHERE id = ?",
                ("accepted" if accept else "rejected", relation_id, at, actor, p.id),
            )
            audit.append(
                conn,
                actor,
                "graph.accept" if accept else "graph.reject",
                str(p.id),
                {"relation": relation_id, "observation": p.observation_id},
            )
    return [get_proposal(case, p.id) for p in wanted]
