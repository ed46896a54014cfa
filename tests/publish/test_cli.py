"""`workbench publish` and `workbench verify` on bundles (the case behaviour is kept)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import run_cli
from tests.publish.conftest import Built, Published
from workbench.case import Case, audit
from workbench.publish.signing import generate_key


def test_unredacted_needs_both_flags(case_copy: Path, tmp_path: Path) -> None:
    before = (case_copy / "case.db").read_bytes()
    result = run_cli("publish", case_copy, "-o", tmp_path / "out", "--unredacted")
    assert result.exit_code == 1
    assert "--i-understand-the-risk" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()
    assert (case_copy / "case.db").read_bytes() == before


def test_publish_unredacted_signed_zipped_then_verify(
    case_copy: Path, tmp_path: Path, built: Built
) -> None:
    key = tmp_path / "key.pem"
    fingerprint = generate_key(key)
    out = tmp_path / "out"
    result = run_cli(
        "publish",
        case_copy,
        "-o",
        out,
        "--sign",
        key,
        "--zip",
        "--no-pdf",
        "--unredacted",
        "--i-understand-the-risk",
        "--by",
        "desk",
    )
    assert result.exit_code == 0, result.stderr
    assert f"signed by {fingerprint}" in result.stdout
    assert "UNREDACTED" in result.stdout
    index = (out / "index.html").read_text()
    assert "UNREDACTED: faces in these images were NOT hidden" in index
    log = json.loads((out / "data/redactions.json").read_text())
    assert log["unredacted"] is True and log["detector"] is None
    with Case.open(case_copy) as case:
        (entry,) = [e for e in audit.entries(case.conn) if e.action.startswith("publish")]
    assert entry.action == "publish.unredacted" and entry.actor == "desk"
    assert entry.params["unredacted"] is True and entry.params["signing_key"] == fingerprint

    ok = run_cli("verify", out)
    assert ok.exit_code == 0, ok.stderr
    assert "verified: every file matches MANIFEST; signature valid" in ok.stdout
    assert run_cli("verify", out.with_name("out.zip")).exit_code == 0
    assert run_cli("verify", out, "--key", key).exit_code == 0
    assert run_cli("verify", case_copy).exit_code == 0  # a case folder: as before
    as_json = json.loads(run_cli("verify", out, "--json").stdout)
    assert as_json["ok"] and as_json["signature_ok"]

    other = tmp_path / "other.pem"
    generate_key(other)
    wrong = run_cli("verify", out, "--key", other)
    assert wrong.exit_code == 1
    assert "MANIFEST.sig is not a valid signature of MANIFEST by the key you gave" in wrong.stderr


def test_verify_names_each_mismatch(published: Published, tmp_path: Path) -> None:
    copy = tmp_path / "b"
    shutil.copytree(published.out, copy)
    index = copy / "index.html"
    index.write_text(index.read_text().replace("Summary", "Summery", 1))
    (copy / "data/legal.json").unlink()
    (copy / "extra.txt").write_text("not listed")
    result = run_cli("verify", copy)
    assert result.exit_code == 1
    assert "MISMATCH: index.html has changed" in result.stderr
    assert "MISMATCH: data/legal.json is missing" in result.stderr
    assert "MISMATCH: extra.txt is not listed in MANIFEST" in result.stderr
    assert "verification failed: 3 mismatch(es)" in result.stderr


def test_a_rewritten_manifest_breaks_the_signature(published: Published, tmp_path: Path) -> None:
    import hashlib

    copy = tmp_path / "b"
    shutil.copytree(published.out, copy)
    (copy / "report.md").write_text("# a different story\n")
    digest = hashlib.sha256((copy / "report.md").read_bytes()).hexdigest()
    lines = [
        f"{digest}  report.md" if line.endswith("  report.md") else line
        for line in (copy / "MANIFEST").read_text().splitlines()
    ]
    (copy / "MANIFEST").write_text("\n".join(lines) + "\n")
    result = run_cli("verify", copy)
    assert result.exit_code == 1
    assert "MANIFEST.sig is not a valid signature of MANIFEST by MANIFEST.pub" in result.stderr
    assert "report.md" not in result.stderr  # the hashes themselves match


def test_a_link_inside_a_bundle_is_a_mismatch(published: Published, tmp_path: Path) -> None:
    copy = tmp_path / "b"
    shutil.copytree(published.out, copy)
    (copy / "media" / "sneaky.png").symlink_to("/etc/hostname")
    result = run_cli("verify", copy)
    assert result.exit_code == 1
    assert "media/sneaky.png is a link or special file" in result.stderr
