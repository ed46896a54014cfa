"""Helpers shared by the tests: case snapshots and running the CLI."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result

from workbench.cli import main


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def snapshot(case_dir: Path) -> dict:
    """Everything a failed operation must leave as it was: rows of every table, files."""
    conn = sqlite3.connect(case_dir / "case.db")
    try:
        dump = list(conn.iterdump())
    finally:
        conn.close()
    files = {}
    for sub in ("media", "derived", "exports", "tmp"):
        for p in sorted((case_dir / sub).rglob("*")):
            if p.is_file():
                files[str(p.relative_to(case_dir))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return {"db": dump, "files": files, "toml": (case_dir / "case.toml").read_text()}
