"""Case folders, the SQLite store, migrations and the audit log, on fresh databases."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli
from workbench.case import Case, audit, migrations
from workbench.case.store import connect, transaction
from workbench.errors import CaseError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_init_creates_the_folder_layout(tmp_path: Path) -> None:
    result = run_cli("case", "init", tmp_path / "c", "--title", "Almaty centre", "--by", "ana")
    assert result.exit_code == 0, result.output
    root = tmp_path / "c"
    for sub in ("media", "derived", "exports"):
        assert (root / sub).is_dir()
    info = tomllib.loads((root / "case.toml").read_text())
    assert info["case"]["title"] == "Almaty centre"
    assert info["case"]["created"]
    conn = sqlite3.connect(root / "case.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    versions = conn.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall()
    assert [v for v, _ in versions] == [m.version for m in migrations.MIGRATIONS]
    row = conn.execute("SELECT actor, action, target FROM audit").fetchone()
    assert row == ("ana", "case.init", "Almaty centre")


def test_connection_enforces_foreign_keys(case: Case) -> None:
    assert case.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError), transaction(case.conn):
        case.conn.execute(
            "INSERT INTO sources (video_sha256, kind, uri, retrieved_at, tool_versions, actor)"
            " VALUES (?, 'file', 'x', 'now', '{}', 'me')",
            ("0" * 64,),
        )


def test_init_refuses_existing_case_and_non_empty_folder(case_dir: Path, tmp_path: Path) -> None:
    result = run_cli("case", "init", case_dir, "--title", "again")
    assert result.exit_code == 1
    assert "already a case folder" in result.stderr
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    result = run_cli("case", "init", busy, "--title", "x")
    assert result.exit_code == 1
    assert "not empty" in result.stderr
    assert (busy / "notes.txt").read_text() == "mine"


def test_open_refuses_a_folder_that_is_not_a_case(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="is not a case folder"):
        Case.open(tmp_path)
    with pytest.raises(CaseError, match="does not exist"):
        Case.open(tmp_path / "nowhere")


def test_malformed_case_toml_is_a_clear_error(case_dir: Path) -> None:
    (case_dir / "case.toml").write_text("[case\ntitle = 'broken")
    result = run_cli("sources", case_dir)
    assert result.exit_code == 1
    assert "is not valid TOML" in result.stderr
    (case_dir / "case.toml").write_text("[other]\nx = 1\n")
    result = run_cli("sources", case_dir)
    assert "has no [case] table with a title" in result.stderr


def test_a_case_from_an_older_version_is_upgraded(tmp_path: Path) -> None:
    root = tmp_path / "old"
    for sub in ("media", "derived", "exports", "tmp"):
        (root / sub).mkdir(parents=True)
    conn = connect(root / "case.db")
    migrations.migrate(conn, target=1)  # what version 1 of the workbench wrote
    with transaction(conn):
        conn.execute(
            "INSERT INTO videos (sha256, media_path, size_bytes, container, codec, fps,"
            " frame_count, duration_s, width, height, rotation, probe_json, added_at)"
            " VALUES (?, 'media/a.mp4', 10, 'mp4', 'h264', 25, 5, 0.2, 4, 4, 0, '{}', 'then')",
            ("a" * 64,),
        )
        audit.append(conn, "old", "case.init", "Old case")
    conn.close()
    (root / "case.toml").write_text('[case]\ntitle = "Old case"\n')

    with Case.open(root) as case:
        assert case.schema_version == migrations.LATEST
        assert case.conn.execute("SELECT count(*) FROM videos").fetchone()[0] == 1
        tables = {r[0] for r in case.conn.execute("SELECT name FROM sqlite_master")}
        assert "captures" in tables
        assert audit.verify_chain(case.conn) == []


def test_a_case_from_a_newer_version_is_refused(case_dir: Path) -> None:
    conn = sqlite3.connect(case_dir / "case.db")
    conn.execute("INSERT INTO schema_version VALUES (999, 'future', 'later')")
    conn.commit()
    conn.close()
    with pytest.raises(CaseError, match="newer workbench"):
        Case.open(case_dir)


def test_audit_log_is_append_only_and_chained(case: Case) -> None:
    with transaction(case.conn):
        audit.append(case.conn, "ana", "note", "x", {"n": 1, "text": "Қазақ <b>"})
        audit.append(case.conn, "bo", "note", "y", {"n": 2})
    entries = audit.entries(case.conn)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert entries[1].params == {"n": 1, "text": "Қазақ <b>"}
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        case.conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        case.conn.execute("DELETE FROM audit WHERE seq = 3")
    assert audit.verify_chain(case.conn) == []


def test_audit_append_outside_a_transaction_is_refused(case: Case) -> None:
    with pytest.raises(RuntimeError):
        audit.append(case.conn, "ana", "note", "x")
