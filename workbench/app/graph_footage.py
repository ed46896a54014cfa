"""The Graph page's "From footage" tab: videos linked to sites, and the appears_in edges
proposed from confirmed findings in them (plain functions over graph.proposals)."""

from __future__ import annotations

import pandas as pd

from workbench.case import records
from workbench.case.folder import Case
from workbench.case.observations import query
from workbench.graph import entity_rows
from workbench.graph import proposals as footage
from workbench.graph.errors import GraphError
from workbench.graph.records import Proposal


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def video_choices(case: Case) -> dict[str, str]:
    """sha256 → "sha256[:12] title (duration)" of every video of the case."""
    out = {}
    for v in records.videos(case.conn):
        titles = [s.title or s.uri for s in records.sources(case.conn, v.sha256)]
        length = f" ({v.duration_s:.1f} s)" if v.duration_s else ""
        out[v.sha256] = f"{v.sha256[:12]} {titles[0] if titles else ''}"[:100].strip() + length
    return out


def site_videos_table(case: Case) -> pd.DataFrame:
    """Which video was filmed at which site (what `propose` works from)."""
    links = footage.site_links(case)
    names = entity_rows.display_names(case.conn, (link.site_id for link in links))
    columns = ["site", "site name", "video", "note", "linked by", "linked at"]
    return pd.DataFrame(
        [
            (
                link.site_id,
                names.get(link.site_id),
                link.video_sha256[:12],
                link.note,
                link.created_by,
                (link.created_at or "")[:19],
            )
            for link in links
            if link.site_id in names
        ],
        columns=columns,
    )


def link_site_video(case: Case, actor: str, site: str, video: str, note: str | None = None) -> None:
    """Record that VIDEO was filmed at SITE (graph.proposals.link_video, audited)."""
    if not _text(site):
        raise GraphError("Choose a site (add one under Entities and relations).")
    if not _text(video):
        raise GraphError("Choose a video.")
    footage.link_video(case, actor, str(site), str(video), _text(note))


def propose_edges(case: Case, actor: str) -> footage.ProposeResult:
    """appears_in proposals from confirmed observations in videos linked to sites."""
    return footage.propose(case, actor)


def open_proposals(case: Case) -> list[Proposal]:
    return footage.proposals(case, "proposed")


PROPOSAL_COLUMNS = (
    "id",
    "source",
    "relation",
    "site",
    "observation",
    "frame",
    "time_s",
    "what it shows",
    "reason",
)


def proposals_table(case: Case, items: list[Proposal]) -> pd.DataFrame:
    """One row per proposal: who appears where, and the observation it cites."""
    names = entity_rows.display_names(case.conn)
    cited = (
        {o.id: o for o in query(case.conn, ids=[p.observation_id for p in items])} if items else {}
    )
    rows = []
    for p in items:
        o = cited.get(p.observation_id)
        shows = " / ".join(x for x in (o.text, o.label, o.vendor) if x) if o else ""
        rows.append(
            {
                "id": p.id,
                "source": f"{names.get(p.source_id, p.source_id)} ({p.source_id})",
                "relation": p.kind,
                "site": f"{names.get(p.target_id, p.target_id)} ({p.target_id})",
                "observation": f"#{p.observation_id} {o.kind}" if o else f"#{p.observation_id}",
                "frame": o.frame_index if o else None,
                "time_s": round(o.time_s, 3) if o and o.time_s is not None else None,
                "what it shows": shows,
                "reason": p.reason,
            }
        )
    return pd.DataFrame(rows, columns=list(PROPOSAL_COLUMNS))


def proposal_label(case: Case, p: Proposal) -> str:
    names = entity_rows.display_names(case.conn, (p.source_id, p.target_id))
    return (
        f"#{p.id}: {names.get(p.source_id, p.source_id)} {p.kind} "
        f"{names.get(p.target_id, p.target_id)} (observation {p.observation_id})"
    )[:140]


def decided_table(case: Case) -> pd.DataFrame:
    """Accepted and rejected proposals, with who decided and when."""
    decided = footage.proposals(case, decided=True)
    columns = [
        "id",
        "source",
        "relation",
        "site",
        "observation",
        "status",
        "edge",
        "decided by",
        "decided at",
    ]
    return pd.DataFrame(
        [
            (
                p.id,
                p.source_id,
                p.kind,
                p.target_id,
                p.observation_id,
                p.status,
                f"rel-{p.relation_id}" if p.relation_id else None,
                p.decided_by,
                (p.decided_at or "")[:19],
            )
            for p in decided
        ],
        columns=columns,
    )


def decide_proposals(
    case: Case, actor: str, proposal_ids: list[int], accept: bool
) -> list[Proposal]:
    """Accept (the edge is added, citing the observation) or reject proposals, all or
    none, recorded with the reviewer."""
    if not proposal_ids:
        raise GraphError("Select at least one proposal.")
    return footage.decide(case, actor, [int(i) for i in proposal_ids], accept)
