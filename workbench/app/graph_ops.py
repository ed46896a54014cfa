"""The Graph page's logic: the interactive view, forms' calls, queries, exports.
No Streamlit here; every change goes through workbench.graph (and its audit entries)."""

from __future__ import annotations

import base64
import io
import tempfile
import zipfile
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.case import records
from workbench.case.folder import Case
from workbench.case.observations import query
from workbench.graph import entity_rows, queries
from workbench.graph import proposals as footage
from workbench.graph.countries import HOME
from workbench.graph.entities import add_alias, add_entity, add_identifier, update_entity
from workbench.graph.errors import GraphError
from workbench.graph.exports import FORMATS, export
from workbench.graph.identifiers import split_written
from workbench.graph.model import ENTITY_KINDS, RELATION_KINDS
from workbench.graph.records import Proposal
from workbench.graph.relations import NewEvidence, add_evidence, add_relation

QUESTIONS = queries.QUESTIONS
SUBJECT_HELP = {
    "suppliers": "an integrator (id, name or identifier)",
    "paths": "a site",
    "sites": "a product (or a vendor)",
    "evidence": "an edge: rel-7 or 7",
}
MIME = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "json": "application/json",
    "csv": "application/zip",
    "ftm": "application/json",
    "html": "text/html",
    "png": "image/png",
}
FILE_NAMES = {
    "graphml": "graph.graphml",
    "gexf": "graph.gexf",
    "json": "graph.json",
    "csv": "graph-csv.zip",
    "ftm": "graph.ftm.json",
    "html": "graph.html",
    "png": "graph.png",
}

TABLE_MAX = 200  # up to this many rows an answer is a plain table (its text in the page)
ANSWER_KEY = "graph_query_answer"

__all__ = ["ENTITY_KINDS", "FORMATS", "HOME", "QUESTIONS", "RELATION_KINDS", "TABLE_MAX"]


def page_html(case: Case) -> str:
    """The offline interactive graph page (graph/html.py), as one HTML string."""
    from workbench.graph.html import write_html
    from workbench.graph.view import build

    buf = io.StringIO()
    write_html(build(case), buf, title=case.info.title)
    return buf.getvalue()


def html_data_uri(page: str) -> str:
    """A data: URL of an HTML page: in an iframe it gets an opaque origin of its own, so
    nothing in it can reach the app (unlike an HTML string given to st.iframe)."""
    return "data:text/html;charset=utf-8;base64," + base64.b64encode(page.encode()).decode()


def export_bytes(case_dir: Path | str, actor: str, fmt: str) -> bytes:
    """The graph exported as FMT (csv: a zip of its three files), through
    graph.exports.export (recorded in the audit log). Opens the case itself, so it can
    run on another thread (a deferred download)."""
    fmt = fmt.lower()
    with Case.open(Path(case_dir)) as case, tempfile.TemporaryDirectory(dir=case.tmp_dir) as tmp:
        out = Path(tmp) / FILE_NAMES[fmt].removesuffix(".zip")
        result = export(case, actor, fmt, out)
        if fmt != "csv":
            return out.read_bytes()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(result.paths):
                zf.write(path, f"graph-csv/{path.name}")
        return buf.getvalue()


# -- tables ----------------------------------------------------------------------------
def entities_table(case: Case) -> pd.DataFrame:
    df = queries.nodes_frame(case)
    return df.reset_index(drop=True) if not df.empty else df


def edges_table(case: Case) -> pd.DataFrame:
    return queries.edges_frame(case)


def entity_choices(case: Case, kinds: tuple[str, ...] = ()) -> dict[str, str]:
    from workbench.app.findings_table import entity_choices

    return entity_choices(case, kinds)


def relation_choices(case: Case) -> dict[int, str]:
    from workbench.app.findings_table import relation_choices

    return dict(relation_choices(case))


def confirmed_observations(case: Case) -> dict[int, str]:
    """id → short description of every confirmed observation (evidence candidates)."""
    out = {}
    for o in query(case.conn, status="confirmed"):
        what = " / ".join(x for x in (o.label, o.vendor, o.text) if x) or o.kind
        out[o.id] = f"#{o.id} {o.kind}: {what}"[:120]
    return out


# -- queries ----------------------------------------------------------------------------
def run_query(
    case: Case,
    question: str,
    subject: str,
    by_country: bool = False,
    max_hops: int = 4,
    home: str = HOME,
) -> pd.DataFrame:
    """The answer of `workbench graph query QUESTION SUBJECT` as a table."""
    df = queries.ask(case, question, subject, by_country=by_country, max_hops=max_hops, home=home)
    return df.drop(columns=["path_ids"], errors="ignore")


@dataclass(frozen=True)
class Answer:
    """The last query's answer, kept (in the session) across reruns of its case's page."""

    case: str
    question: str
    subject: str
    table: pd.DataFrame

    @property
    def heading(self) -> str:
        return f"{self.question}: {self.subject}"


def keep_answer(
    store: MutableMapping[str, Any], case: Case, question: str, subject: str, table: pd.DataFrame
) -> Answer:
    answer = Answer(str(case.root), question, subject.strip(), table)
    store[ANSWER_KEY] = answer
    return answer


def kept_answer(store: MutableMapping[str, Any], case: Case) -> Answer | None:
    """The answer kept for this case; one kept for another case is dropped."""
    answer = store.get(ANSWER_KEY)
    if not isinstance(answer, Answer):
        return None
    if answer.case != str(case.root):
        store.pop(ANSWER_KEY, None)
        return None
    return answer


def forget_answer(store: MutableMapping[str, Any]) -> None:
    store.pop(ANSWER_KEY, None)


# -- from footage: videos linked to sites, proposed edges ---------------------------------
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


# -- changes ------------------------------------------------------------------------------
def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def new_entity(case: Case, actor: str, kind: str, name: str, **fields: Any):  # type: ignore[no-untyped-def]
    """Add an entity; empty fields are left out; `aliases` as a list of names."""
    clean = {k: v for k, v in fields.items() if v not in (None, "", [], ())}
    return add_entity(case, actor, kind, name, **clean)


def edit_entity(
    case: Case,
    actor: str,
    entity_id: str,
    changes: dict[str, Any],
    alias: str | None = None,
    identifier: str | None = None,
):  # type: ignore[no-untyped-def]
    """Change fields (empty ones are left alone), add a spelling and an identifier
    written SCHEME=VALUE."""
    fields = {k: v for k, v in changes.items() if v not in (None, "")}
    entity = update_entity(case, actor, entity_id, **fields) if fields else None
    if _text(alias):
        entity = add_alias(case, actor, entity_id, str(alias))
    if _text(identifier):
        scheme, value = split_written(str(identifier))
        entity = add_identifier(case, actor, entity_id, scheme, value)
    return entity


def evidence_from(
    kind: str,
    observation_id: int | None = None,
    url: str | None = None,
    title: str | None = None,
    retrieved_at: str | None = None,
    note: str | None = None,
) -> NewEvidence | None:
    """A piece of evidence from form fields, or None when nothing was given."""
    if kind == "observation":
        if observation_id is None:
            return None
        return NewEvidence("observation", observation_id=int(observation_id), note=_text(note))
    if kind in ("url", "document"):
        if not (_text(url) or _text(title)) and kind == "url":
            return None
        return NewEvidence(
            kind,
            url=_text(url),
            title=_text(title),
            retrieved_at=_text(retrieved_at),
            note=_text(note),
        )
    return None


def new_relation(
    case: Case,
    actor: str,
    source: str,
    kind: str,
    target: str,
    start: str | None = None,
    end: str | None = None,
    confidence: float | None = None,
    evidence: NewEvidence | None = None,
):  # type: ignore[no-untyped-def]
    """Add a relation; without evidence it is a hypothesis."""
    return add_relation(
        case,
        actor,
        kind,
        source,
        target,
        start=_text(start),
        end=_text(end),
        confidence=confidence,
        evidence=[evidence] if evidence else [],
    )


def attach(
    case: Case,
    actor: str,
    relation_id: int,
    evidence: NewEvidence,
    upload: tuple[str, bytes] | None = None,
):  # type: ignore[no-untyped-def]
    """Add evidence to a relation; `upload` (file name, bytes) is a saved copy of a
    document, stored content-addressed in media/ by graph.relations.add_evidence."""
    if upload is None:
        return add_evidence(case, actor, relation_id, evidence)
    name, data = upload
    with tempfile.TemporaryDirectory(dir=case.tmp_dir) as tmp:
        path = Path(tmp) / (Path(name).name or "document")
        path.write_bytes(data)
        return add_evidence(case, actor, relation_id, evidence, copy=path)
