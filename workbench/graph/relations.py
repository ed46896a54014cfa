"""Relations between entities, and the evidence behind them.

A relation joins two entities with a kind from the model, an optional time span and
a confidence. Evidence is what makes it more than a hypothesis: a confirmed
observation, a document or web page (retrieval time, hash of a saved copy), or an
imported record (file hash, row number, values). A relation with no evidence is a
hypothesis, and every view says so.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from pathlib import Path

from workbench.case import audit, media, observations
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.graph import relation_rows
from workbench.graph.dates import parse_date
from workbench.graph.entities import get_entity, now
from workbench.graph.errors import GraphError
from workbench.graph.model import RECORD_EVIDENCE, RelationKind, evidence_kind, relation_kind
from workbench.graph.records import Evidence, NewEvidence, Relation

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
_SHA = re.compile(r"^[0-9a-f]{64}$")


def check_endpoints(kind: RelationKind, source_kind: str, target_kind: str) -> None:
    if source_kind not in kind.sources or target_kind not in kind.targets:
        allowed = f"{'/'.join(sorted(kind.sources))} → {'/'.join(sorted(kind.targets))}"
        raise GraphError(
            f"A {source_kind} cannot be the source of {kind.name} with a {target_kind} as "
            f"target (allowed: {allowed})."
        )


def check_span(start: object, end: object) -> tuple[str | None, str | None]:
    s, e = parse_date(start), parse_date(end)
    if s and e and e < s[: len(e)]:
        raise GraphError(f"The relation ends ({e}) before it starts ({s}).")
    return s, e


def check_confidence(value: object) -> float:
    try:
        number = float(str(value).strip().rstrip("%")) if value is not None else 0.5
    except ValueError:
        raise GraphError(f"The confidence {value!r} is not a number between 0 and 1.") from None
    if isinstance(value, str) and value.strip().endswith("%"):
        number /= 100
    if not 0 <= number <= 1:
        raise GraphError(f"The confidence {value!r} is not between 0 and 1.")
    return number


def evidence_row(conn: sqlite3.Connection, ev: NewEvidence) -> tuple[str, NewEvidence]:
    """Validate a piece of evidence; return its ref (unique per relation) and itself."""
    kind = evidence_kind(ev.kind).name
    if kind == "observation":
        if ev.observation_id is None:
            raise GraphError("Observation evidence needs an observation id.")
        found = observations.query(conn, ids=[ev.observation_id])
        if not found:
            raise GraphError(f"There is no observation {ev.observation_id}.")
        status = found[0].status
        if status != "confirmed":
            raise GraphError(
                f"Observation {ev.observation_id} is {status}, not confirmed; only confirmed "
                "observations can be evidence (confirm it with `workbench review`)."
            )
        return f"observation:{ev.observation_id}", ev
    if ev.url is not None and not _URL.match(ev.url):
        raise GraphError(f"{ev.url!r} is not an http(s) URL.")
    if ev.sha256 is not None and not _SHA.match(ev.sha256):
        raise GraphError(f"{ev.sha256!r} is not a SHA-256 (64 lower-case hex digits).")
    retrieved = parse_date(ev.retrieved_at) if ev.retrieved_at else None
    if ev.retrieved_at and "T" in str(ev.retrieved_at):
        retrieved = str(ev.retrieved_at)
    ev = replace(ev, kind=kind, retrieved_at=retrieved)
    if kind == "url":
        if not ev.url:
            raise GraphError("URL evidence needs a URL.")
        return f"url:{ev.url}", ev
    if kind == "document":
        key = ev.sha256 or ev.url or ev.title
        if not key:
            raise GraphError("A document needs a saved copy, a URL or a title.")
        return f"document:{key}", ev
    assert kind in RECORD_EVIDENCE
    if not ev.file_sha256 or not ev.row_number:
        raise GraphError(f"A {kind} record needs the file's SHA-256 and its row number.")
    return f"{kind}:{ev.file_sha256}:{ev.row_number}", ev


insert_evidence = relation_rows.insert_evidence
find_relation = relation_rows.find


def ordered_ends(kind: RelationKind, source: str, target: str) -> tuple[str, str]:
    """Symmetric kinds are stored once, with the smaller id first."""
    return (min(source, target), max(source, target)) if kind.symmetric else (source, target)


def add_relation(
    case: Case,
    actor: str,
    kind: str,
    source: str,
    target: str,
    *,
    start: object = None,
    end: object = None,
    confidence: object = None,
    note: str | None = None,
    evidence: list[NewEvidence] | tuple[NewEvidence, ...] = (),
) -> Relation:
    """Add a relation (and any evidence); without evidence it is a hypothesis."""
    k = relation_kind(kind)
    src, tgt = get_entity(case, source), get_entity(case, target)
    if src.id == tgt.id:
        raise GraphError(f"A relation needs two different entities ({src.id} is both ends).")
    check_endpoints(k, src.kind, tgt.kind)
    s, e = check_span(start, end)
    conf = check_confidence(confidence)
    a, b = ordered_ends(k, src.id, tgt.id)
    with transaction(case.conn) as conn:
        existing = find_relation(conn, k.name, a, b)
        if existing:
            raise GraphError(
                f"{a} already {k.phrase} {b} (relation {existing}); add evidence to it instead."
            )
        pieces = [evidence_row(conn, ev) for ev in evidence]
        at = now()
        relation_id = relation_rows.insert(
            conn, k.name, a, b, start=s, end=e, confidence=conf, note=note, actor=actor, at=at
        )
        for ref, ev in pieces:
            insert_evidence(conn, relation_id, ref, ev, actor, at)
        audit.append(
            conn,
            actor,
            "graph.relation.add",
            str(relation_id),
            {
                "kind": k.name,
                "source": a,
                "target": b,
                "start": s,
                "end": e,
                "confidence": conf,
                "evidence": [ref for ref, _ in pieces],
            },
        )
    return get_relation(case, relation_id)


def save_copy(case: Case, path: Path) -> media.StoredFile:
    """Store a saved copy of a document in media/ (content-addressed, read-only)."""
    path = Path(path)
    if not path.is_file():
        raise GraphError(f"{path} is not a file.")
    tmp, digest = media.copy_to_temp(path, case.tmp_dir)
    return media.place(case.root, tmp, digest, media.safe_ext(path.name))


def add_evidence(
    case: Case, actor: str, relation_id: int, ev: NewEvidence, copy: Path | None = None
) -> Evidence:
    """Add one piece of evidence to a relation; `copy` is a saved copy to store in media/.

    The copy is hashed first and only placed in media/ once the evidence is known to be
    new and valid; if the write then fails, a copy placed by this call is removed.
    """
    get_relation(case, relation_id)
    placed: Path | None = None
    if copy is not None:
        copy = Path(copy)
        if not copy.is_file():
            raise GraphError(f"{copy} is not a file.")
        digest = media.sha256_file(copy)
        if ev.sha256 and ev.sha256 != digest:
            raise GraphError(f"The saved copy's SHA-256 is {digest}, not {ev.sha256}.")
        ev = replace(ev, sha256=digest)
    ref, checked = evidence_row(case.conn, ev)
    if relation_rows.cites(case.conn, relation_id, ref):
        raise GraphError(f"Relation {relation_id} already cites {ref}.")
    if copy is not None:
        target = case.root / "media" / f"{checked.sha256}{media.safe_ext(copy.name)}"
        existed = target.exists()
        stored = save_copy(case, copy)
        placed = None if existed else case.root / stored.relpath
        checked = replace(checked, media_path=stored.relpath, size_bytes=stored.size)
    try:
        with transaction(case.conn) as conn:
            if not insert_evidence(conn, relation_id, ref, checked, actor, now()):
                raise GraphError(f"Relation {relation_id} already cites {ref}.")
            relation_rows.touch(conn, relation_id, now())
            audit.append(
                conn,
                actor,
                "graph.evidence.add",
                str(relation_id),
                {"ref": ref, "kind": checked.kind, "sha256": checked.sha256},
            )
            cited = relation_rows.cites(conn, relation_id, ref)
    except BaseException:
        if placed is not None:
            placed.chmod(0o644)
            placed.unlink(missing_ok=True)
        raise
    assert cited is not None
    return cited


def get_relation(case: Case, relation_id: int) -> Relation:
    found = relation_rows.relation(case.conn, relation_id)
    if found is None:
        raise GraphError(f"There is no relation {relation_id}.")
    return found
