"""The bundle: what it holds, what it leaves out, how it is verified."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.publish.conftest import (
    REJECTED_TEXT,
    SUGGESTED_MARK,
    Published,
)
from workbench.case import Case, audit
from workbench.publish.manifest import verify_bundle


def _files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.is_file())


def test_the_bundle_holds_report_data_media_and_manifest(published: Published) -> None:
    out = published.out
    rel = {p.relative_to(out).as_posix() for p in _files(out)}
    for name in (
        "index.html",
        "report.md",
        "graph.html",
        "MANIFEST",
        "MANIFEST.sig",
        "MANIFEST.pub",
        "data/findings.json",
        "data/findings.csv",
        "data/graph.graphml",
        "data/graph.gexf",
        "data/graph.json",
        "data/graph.ftm.json",
        "data/graph-csv/edges.csv",
        "data/sources.json",
        "data/legal.json",
        "data/redactions.json",
        "data/case.json",
        "media/graph.png",
    ):
        assert name in rel, name
    if shutil.which("chromium"):
        assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    assert len([r for r in rel if r.startswith("media/crop-")]) == 3
    assert not [r for r in rel if r.startswith(".")]  # no leftovers of the build
    index = (out / "index.html").read_text()
    for section in (
        "summary",
        "methodology",
        "timeline",
        "findings",
        "graph",
        "entities",
        "relations",
        "sources",
        "legal",
    ):
        assert f'<section id="{section}">' in index


def test_only_confirmed_findings_by_default(published: Published) -> None:
    records = json.loads((published.out / "data/findings.json").read_text())
    ids = published.built.ids
    assert sorted(r["id"] for r in records) == sorted(
        [ids["vendor"], ids["face-search"], ids["hostile"]]
    )
    assert {r["status"] for r in records} == {"confirmed"}
    assert all(r["origin"] == "machine-confirmed" and r["reviewed_by"] == "editor" for r in records)
    assert not any(r["id"] == ids["redact"] for r in records)  # a redaction box is no finding
    for path in _files(published.out):
        data = path.read_bytes()
        assert SUGGESTED_MARK.encode() not in data, path
        assert REJECTED_TEXT.encode() not in data, path


def test_hypotheses_are_left_out_by_default(published: Published) -> None:
    graph = json.loads((published.out / "data/graph.json").read_text())
    assert [e["kind"] for e in graph["edges"]] == ["supplies"]
    index = (published.out / "index.html").read_text()
    assert "<i>integrates</i>" not in index
    assert "1 relation without evidence (hypotheses) left out" in index


def test_suggestions_on_request_are_labelled_as_machine_generated(
    with_suggestions: Published,
) -> None:
    records = json.loads((with_suggestions.out / "data/findings.json").read_text())
    (suggested,) = [r for r in records if r["status"] == "suggested"]
    assert SUGGESTED_MARK in suggested["text"]
    assert suggested["machine_generated"] is True
    assert suggested["origin"] == "machine-suggestion"
    assert "MACHINE-GENERATED" in suggested["label_note"]
    csv_text = (with_suggestions.out / "data/findings.csv").read_text()
    assert "machine-suggestion" in csv_text and "MACHINE-GENERATED" in csv_text
    index = (with_suggestions.out / "index.html").read_text()
    row = index[index.index(f'id="finding-{suggested["id"]}"') :]
    row = row[: row.index("</tr>")]
    assert "MACHINE-GENERATED suggestion, not reviewed by a person" in row
    assert "not reviewed" in row
    assert "Contains MACHINE-GENERATED suggestions" in index
    assert "machine suggestion" in index  # on the frame's box too
    assert "hypothesis: no evidence" in index  # and unproven relations are marked
    md = (with_suggestions.out / "report.md").read_text()
    assert "MACHINE\\-GENERATED" in md or "MACHINE-GENERATED" in md
    assert not (with_suggestions.out / "report.pdf").exists()
    assert "No PDF: it was not asked for." in index


def test_relations_and_entities_show_their_evidence(published: Published) -> None:
    index = (published.out / "index.html").read_text()
    vendor = published.built.ids["vendor"]
    assert f'href="#finding-{vendor}">finding #{vendor}</a>' in index
    assert (
        '<a href="https://example.org/brochure?a=1&amp;b=&quot;2&quot;" '
        'rel="noopener noreferrer nofollow">' in index
    )
    assert "Qala &lt;b&gt;Systems&lt;/b&gt; LLP" in index
    assert '<a href="#rel-1">rel-1</a>' in index


def test_sources_show_url_retrieval_time_and_hash(published: Published) -> None:
    sources = json.loads((published.out / "data/sources.json").read_text())
    url, local = sources
    assert url["url"] == "https://video.example.org/watch?v=1&list=2"
    assert url["retrieved_at"] == "2025-03-15T10:00:00+00:00"
    assert url["video"] == published.built.video
    assert local["file_name"] == "control-centre.mp4" and local["url"] is None
    index = (published.out / "index.html").read_text()
    assert '<a href="https://video.example.org/watch?v=1&amp;list=2"' in index
    assert published.built.video in index


def test_no_local_path_and_no_original_leak(published: Published) -> None:
    secrets = [
        str(published.case_dir),
        str(published.built.case_dir),
        str(published.built.clip.parent),
        str(published.out),
        str(published.out.parent),
    ]
    originals = {published.built.video}
    for path in _files(published.out):
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, (path, secret)
        assert hashlib.sha256(data).hexdigest() not in originals
        assert path.suffix not in (".mp4", ".mkv", ".webm", ".mov")
    findings = json.loads((published.out / "data/findings.json").read_text())
    capability = next(r for r in findings if r["kind"] == "capability")
    assert capability["params"]["logo_library"] == "nordview.png"


def test_published_images_carry_no_metadata(published: Published) -> None:
    for path in sorted((published.out / "media").iterdir()):
        with Image.open(path) as img:
            assert not {"exif", "xmp", "icc_profile", "comment"} & set(img.info), path
            assert not img.getexif(), path
            if img.format == "PNG":
                assert not getattr(img, "text", {}), path
        assert b"Exif" not in path.read_bytes()[:4096]


def test_the_manifest_lists_every_file_in_sha256sum_format(published: Published) -> None:
    out = published.out
    lines = (out / "MANIFEST").read_text().splitlines()
    paths = [line.split("  ", 1)[1] for line in lines]
    assert paths == sorted(paths)
    expected = {
        p.relative_to(out).as_posix()
        for p in _files(out)
        if p.name not in ("MANIFEST", "MANIFEST.sig")
    }
    assert set(paths) == expected
    if shutil.which("sha256sum"):
        done = subprocess.run(["sha256sum", "-c", "--quiet", "MANIFEST"], cwd=out, check=False)
        assert done.returncode == 0


def test_the_signature_verifies_with_the_bundle_key_and_with_openssl(published: Published) -> None:
    report = verify_bundle(published.out)
    assert report.ok, report.problems
    assert report.signed and report.signature_ok
    assert report.key_fingerprint == published.result.key_fingerprint
    trusted = verify_bundle(published.out, trusted_key=published.key)  # private key → its half
    assert trusted.ok and trusted.trusted_key
    if shutil.which("openssl"):
        done = subprocess.run(
            [
                "openssl",
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                "MANIFEST.pub",
                "-rawin",
                "-in",
                "MANIFEST",
                "-sigfile",
                "MANIFEST.sig",
            ],
            cwd=published.out,
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_publishing_is_in_the_audit_log(published: Published) -> None:
    with Case.open(published.case_dir) as case:
        entries = [e for e in audit.entries(case.conn) if e.action.startswith("publish")]
        assert not audit.verify_chain(case.conn)
    (entry,) = entries
    assert entry.action == "publish" and entry.actor == "publisher"
    assert entry.params["output"] == str(published.out)
    assert entry.params["unredacted"] is False
    assert entry.params["signing_key"] == published.result.key_fingerprint
    assert entry.params["findings"] == 3 and entry.params["faces_hidden"] >= 11
    assert (
        entry.params["manifest_sha256"]
        == hashlib.sha256((published.out / "MANIFEST").read_bytes()).hexdigest()
    )


def test_an_existing_output_folder_is_refused(published: Published, tmp_path: Path) -> None:
    from workbench.publish.bundle import publish
    from workbench.publish.errors import PublishError

    with Case.open(published.case_dir) as case, pytest.raises(PublishError, match="exists"):
        publish(case, published.out, "x")
    assert verify_bundle(published.out).ok  # untouched
