"""The fictional demo tells the whole story: footage → findings → review → graph → case
file, all labelled fictional, with no real company in it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli
from workbench.case import Case, observations
from workbench.demo_story import load_story
from workbench.graph.entities import list_entities, resolve
from workbench.graph.queries import paths_to_foreign
from workbench.publish.manifest import verify_bundle
from workbench.recognize.vendors.registry import load_registry


def test_demo_case_is_fictional_and_verifies(demo_case_built: Path) -> None:
    with Case.open(demo_case_built) as case:
        assert case.info.fictional
        assert "fictional" in case.info.title.lower()
    result = run_cli("verify", str(demo_case_built))
    assert result.exit_code == 0, result.output


def test_scripted_review_is_recorded_with_the_demo_reviewer(demo_case_built: Path) -> None:
    reviewer = load_story()["reviewer"]
    with Case.open(demo_case_built) as case:
        confirmed = observations.query(case.conn, status="confirmed")
        rejected = observations.query(case.conn, status="rejected")
        kinds = {o.kind for o in confirmed}
        labels = {o.label for o in confirmed}
        log = case.conn.execute(
            "SELECT actor, action FROM audit WHERE action = 'observation.confirm'"
        ).fetchall()
    assert {"interface", "capability", "logo", "ocr"} <= kinds
    assert {"NORDVIEW VMS", "FaceTrace Search", "face-search", "stellar-optics"} <= labels
    assert all(o.reviewed_by == reviewer and o.reviewed_at for o in confirmed + rejected)
    assert all("TV-QAL" in o.text for o in rejected)
    assert len(log) == len(confirmed) and {a for a, _ in log} == {reviewer}


def test_graph_traces_the_site_to_foreign_vendors_with_observed_evidence(
    demo_case_built: Path,
) -> None:
    with Case.open(demo_case_built) as case:
        site = resolve(case, "Qalaport Situation Centre (fictional)", "site")
        paths = paths_to_foreign(case, site.id)
        observed = paths[(paths["hops"] == 1) & (paths["strength"] == "observed")]
        assert set(observed["vendor_name"]) == {
            "NordView Systems (fictional)",
            "FaceTrace Analytics (fictional)",
            "Stellar Optics Co., Ltd. (fictional)",
        }
        integrator = case.conn.execute(
            "SELECT count(*) FROM relations r JOIN evidence e ON e.relation_id = r.id"
            " WHERE r.kind = 'integrates' AND e.kind = 'observation'"
        ).fetchone()[0]
        assert integrator >= 1
        names = {e.name for e in list_entities(case)}
    real = {v.name for v in load_registry() if not v.fictional}
    assert real and not names & real
    assert all("(fictional)" in n or n in {"NORDVIEW VMS", "FaceTrace Search", "SO-9000"}
               for n in names)  # fmt: skip


def test_case_file_is_published_and_verifies(demo_case_built: Path) -> None:
    bundle = demo_case_built / "exports" / "case-file"
    report = verify_bundle(bundle)
    assert report.problems == [] and report.files_checked > 10
    assert (demo_case_built / "exports" / "case-file.zip").is_file()
    case_json = json.loads((bundle / "data" / "case.json").read_text("utf-8"))
    assert case_json.get("fictional") is True or "fictional" in json.dumps(case_json).lower()
    assert "FICTIONAL" in (bundle / "report.md").read_text("utf-8")
    findings = json.loads((bundle / "data" / "findings.json").read_text("utf-8"))
    assert findings and all(f.get("status") == "confirmed" for f in findings)


def test_demo_refuses_to_overwrite_a_real_case(case_dir: Path) -> None:
    result = run_cli("demo", "--no-app", "--dir", str(case_dir))
    assert result.exit_code == 1
    assert "not the fictional demo case" in result.output
    with Case.open(case_dir) as case:
        assert case.info.title == "Test case"
