"""`workbench verify` recomputes every hash and the audit chain and names what differs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.helpers import run_cli


def _ingested(case_dir: Path, clip: Path) -> Path:
    assert run_cli("ingest", case_dir, clip).exit_code == 0
    (media,) = (case_dir / "media").iterdir()
    return media


def test_an_intact_case_verifies(case_dir: Path, clip: Path) -> None:
    _ingested(case_dir, clip)
    result = run_cli("verify", case_dir)
    assert result.exit_code == 0, result.stderr
    assert "verified" in result.stdout
    assert "1 files, 2 audit entries" in result.stdout


def test_one_flipped_byte_in_a_media_file_is_caught(case_dir: Path, clip: Path) -> None:
    media = _ingested(case_dir, clip)
    media.chmod(0o644)
    data = bytearray(media.read_bytes())
    data[len(data) // 2] ^= 0x01
    media.write_bytes(bytes(data))
    media.chmod(0o444)
    result = run_cli("verify", case_dir)
    assert result.exit_code == 1
    assert f"{media.relative_to(case_dir)} has changed" in result.stderr
    assert "verification failed: 1 mismatch" in result.stderr


def test_one_edited_audit_row_is_caught(case_dir: Path, clip: Path) -> None:
    _ingested(case_dir, clip)
    conn = sqlite3.connect(case_dir / "case.db")
    conn.execute("DROP TRIGGER audit_no_update")  # what someone with the file could do
    conn.execute("UPDATE audit SET actor = 'someone else' WHERE seq = 2")
    conn.commit()
    conn.close()
    result = run_cli("verify", case_dir)
    assert result.exit_code == 1
    assert "audit entry 2 (ingest" in result.stderr and "was altered" in result.stderr


def test_a_removed_audit_row_is_caught(case_dir: Path, clip: Path) -> None:
    _ingested(case_dir, clip)
    conn = sqlite3.connect(case_dir / "case.db")
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE seq = 2")  # the last entry: the chain alone can't tell
    conn.commit()
    conn.close()
    result = run_cli("verify", case_dir)
    assert result.exit_code == 1
    assert "source 1 has no ingest entry in the audit log" in result.stderr


def test_a_missing_media_file_and_a_stray_one_are_named(case_dir: Path, clip: Path) -> None:
    media = _ingested(case_dir, clip)
    media.unlink()
    (case_dir / "media" / "planted.mp4").write_bytes(b"x")
    result = run_cli("verify", case_dir, "--json")
    assert result.exit_code == 1
    import json

    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert any("is missing" in p for p in report["problems"])
    assert any("planted.mp4" in w for w in report["warnings"])


def test_verify_of_a_folder_that_is_not_a_case(tmp_path: Path) -> None:
    result = run_cli("verify", tmp_path)
    assert result.exit_code == 1
    assert "is not a case folder" in result.stderr
