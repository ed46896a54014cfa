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

from workbench.case.folder import Case
from workbench.case.observations import query
from workbench.graph import queries
from workbench.graph.countries import HOME
from workbench.graph.entities import add_alias, add_entity, add_identifier, update_entity
from workbench.graph.exports import FORMATS, export
from workbench.graph.identifiers import split_written
from workbench.graph.model import ENTITY_KINDS, RELATION_KINDS
from workbench.graph.records import Entity, Evidence, Relation
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
Store = MutableMapping[str | int, Any]  # st.session_state (its keys are str or int)

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
def run_query(case: Case, question: str, subject: str, **options: Any) -> pd.DataFrame:
    """The answer of `workbench graph query QUESTION SUBJECT` (graph.queries.ask) as the
    page shows it: without the machine-readable path ids."""
    df = queries.ask(case, question, subject, **options)
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
    store: Store, case: Case, question: str, subject: str, table: pd.DataFrame
) -> Answer:
    answer = Answer(str(case.root), question, subject.strip(), table)
    store[ANSWER_KEY] = answer
    return answer


def kept_answer(store: Store, case: Case) -> Answer | None:
    """The answer kept for this case; one kept for another case is dropped."""
    answer = store.get(ANSWER_KEY)
    if not isinstance(answer, Answer):
        return None
    if answer.case != str(case.root):
        store.pop(ANSWER_KEY, None)
        return None
    return answer


def forget_answer(store: Store) -> None:
    store.pop(ANSWER_KEY, None)


# -- changes ------------------------------------------------------------------------------
def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def new_entity(case: Case, actor: str, kind: str, name: str, **fields: Any) -> Entity:
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
) -> Entity | None:
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
) -> Relation:
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
) -> Evidence:
    """Add evidence to a relation; `upload` (file name, bytes) is a saved copy of a
    document, stored content-addressed in media/ by graph.relations.add_evidence."""
    if upload is None:
        return add_evidence(case, actor, relation_id, evidence)
    name, data = upload
    with tempfile.TemporaryDirectory(dir=case.tmp_dir) as tmp:
        path = Path(tmp) / (Path(name).name or "document")
        path.write_bytes(data)
        return add_evidence(case, actor, relation_id, evidence, copy=path)
