"""Relations and evidence: kinds, endpoints, hypotheses, observations, saved copies."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.graph.conftest import add_observation, add_video
from workbench.case import Case, audit
from workbench.graph.entities import add_entity
from workbench.graph.errors import GraphError
from workbench.graph.relations import NewEvidence, add_evidence, add_relation, get_relation


@pytest.fixture()
def parties(gcase: Case) -> dict[str, str]:
    return {
        "integrator": add_entity(
            gcase, "t", "organisation", "ТОО «Сергек Групп»", role="integrator"
        ).id,
        "vendor": add_entity(gcase, "t", "organisation", "Dahua", role="vendor", country="cn").id,
        "site": add_entity(gcase, "t", "site", "ЦОУ Астана").id,
        "product": add_entity(gcase, "t", "product", "DSS Pro").id,
    }


def test_relation_without_evidence_is_a_hypothesis(gcase: Case, parties: dict) -> None:
    r = add_relation(
        gcase,
        "t",
        "supplies",
        parties["vendor"],
        parties["integrator"],
        start="2020",
        end="2021-06",
        confidence="80%",
    )
    assert r.hypothesis and r.evidence == ()
    assert (r.kind, r.start_date, r.end_date, r.confidence) == ("supplies", "2020", "2021-06", 0.8)
    entry = audit.entries(gcase.conn)[-1]
    assert entry.action == "graph.relation.add" and entry.params["evidence"] == []


def test_url_and_document_evidence(gcase: Case, parties: dict, tmp_path: Path) -> None:
    r = add_relation(
        gcase,
        "t",
        "integrates",
        parties["integrator"],
        parties["site"],
        evidence=[
            NewEvidence("url", url="https://example.kz/news/1", retrieved_at="2025-01-02T10:00:00Z")
        ],
    )
    assert not r.hypothesis
    assert r.evidence[0].ref == "url:https://example.kz/news/1"
    assert r.evidence[0].retrieved_at == "2025-01-02T10:00:00Z"
    brochure = tmp_path / "brochure.pdf"
    brochure.write_bytes(b"%PDF-1.4 brochure of Dahua DSS Pro")
    ev = add_evidence(gcase, "t", r.id, NewEvidence("document", title="Brochure"), copy=brochure)
    assert ev.sha256 and ev.media_path == f"media/{ev.sha256}.pdf"
    assert (gcase.root / ev.media_path).read_bytes() == brochure.read_bytes()
    with pytest.raises(GraphError, match="already cites"):
        add_evidence(gcase, "t", r.id, NewEvidence("document", title="Brochure"), copy=brochure)
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF another")
    with pytest.raises(GraphError, match="SHA-256"):  # refused before anything is stored
        add_evidence(gcase, "t", r.id, NewEvidence("document", sha256="0" * 64), copy=other)
    assert [p.name for p in (gcase.root / "media").iterdir()] == [f"{ev.sha256}.pdf"]
    with pytest.raises(GraphError, match="not an http"):
        add_evidence(gcase, "t", r.id, NewEvidence("url", url="javascript:alert(1)"))
    with pytest.raises(GraphError, match="SHA-256"):
        add_evidence(gcase, "t", r.id, NewEvidence("document", sha256="abc"))
    assert len(get_relation(gcase, r.id).evidence) == 2


def test_observation_evidence_must_be_confirmed(gcase: Case, parties: dict) -> None:
    add_video(gcase)
    confirmed = add_observation(gcase, label="DSS Pro")
    suggested = add_observation(gcase, label="DSS Pro", status="suggested", frame=20)
    r = add_relation(gcase, "t", "appears_in", parties["product"], parties["site"])
    ev = add_evidence(gcase, "t", r.id, NewEvidence("observation", observation_id=confirmed))
    assert ev.ref == f"observation:{confirmed}"
    with pytest.raises(GraphError, match="is suggested, not confirmed"):
        add_evidence(gcase, "t", r.id, NewEvidence("observation", observation_id=suggested))
    with pytest.raises(GraphError, match="no observation 999"):
        add_evidence(gcase, "t", r.id, NewEvidence("observation", observation_id=999))
    # the store itself refuses, whatever the code path
    with pytest.raises(sqlite3.IntegrityError, match="confirmed observation"):
        gcase.conn.execute(
            "INSERT INTO evidence (relation_id, kind, ref, observation_id, created_at, created_by)"
            " VALUES (?, 'observation', 'x', ?, 'now', 't')",
            (r.id, suggested),
        )


def test_endpoints_spans_and_duplicates(gcase: Case, parties: dict) -> None:
    with pytest.raises(GraphError, match="cannot be the source of installed_at"):
        add_relation(gcase, "t", "installed_at", parties["vendor"], parties["site"])
    with pytest.raises(GraphError, match="not a relation kind"):
        add_relation(gcase, "t", "sells", parties["vendor"], parties["integrator"])
    with pytest.raises(GraphError, match="ends"):
        add_relation(
            gcase,
            "t",
            "supplies",
            parties["vendor"],
            parties["integrator"],
            start="2022",
            end="2021",
        )
    with pytest.raises(GraphError, match="two different entities"):
        add_relation(gcase, "t", "partner_of", parties["vendor"], parties["vendor"])
    with pytest.raises(GraphError, match="between 0 and 1"):
        add_relation(gcase, "t", "supplies", parties["vendor"], parties["integrator"], confidence=2)
    add_relation(gcase, "t", "Made-By", parties["product"], parties["vendor"])
    with pytest.raises(GraphError, match="already is made by"):
        add_relation(gcase, "t", "made_by", parties["product"], parties["vendor"])


def test_symmetric_relations_are_stored_once(gcase: Case, parties: dict) -> None:
    r = add_relation(gcase, "t", "partner_of", parties["vendor"], parties["integrator"])
    assert (r.source_id, r.target_id) == tuple(sorted((parties["vendor"], parties["integrator"])))
    with pytest.raises(GraphError, match="already"):
        add_relation(gcase, "t", "partner_of", parties["integrator"], parties["vendor"])


def test_verify_checks_the_saved_copies_cited_as_evidence(
    gcase: Case, parties: dict[str, str], tmp_path: Path
) -> None:
    """`workbench verify` covers originals only the graph records (saved evidence copies)."""
    from tests.helpers import run_cli

    r = add_relation(gcase, "t", "integrates", parties["integrator"], parties["site"])
    brochure = tmp_path / "brochure.pdf"
    brochure.write_bytes(b"%PDF-1.4 brochure")
    ev = add_evidence(gcase, "t", r.id, NewEvidence("document", title="Brochure"), copy=brochure)
    ok = run_cli("verify", gcase.root)
    assert ok.exit_code == 0, ok.stderr
    assert "1 files" in ok.stdout
    stored = gcase.root / ev.media_path
    stored.chmod(0o644)
    stored.write_bytes(b"%PDF-1.4 brochure, edited")
    stored.chmod(0o444)
    bad = run_cli("verify", gcase.root)
    assert bad.exit_code == 1
    assert f"evidence copy {ev.id}: {ev.media_path}" in bad.stderr
