"""A case folder: case.toml, case.db, media/, derived/, exports/, tmp/."""

from __future__ import annotations

import os
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from workbench import __version__
from workbench.case import audit, clock, migrations
from workbench.case.store import connect, transaction
from workbench.errors import CaseError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SUBDIRS = ("media", "derived", "exports", "tmp")


@dataclass
class CaseInfo:
    """What case.toml holds."""

    title: str
    summary: str = ""
    languages: list[str] = field(default_factory=lambda: ["en", "ru", "kk"])
    legal_framework: list[str] = field(default_factory=list)
    created: str = ""
    fictional: bool = False
    workbench_version: str = __version__

    def to_toml(self) -> dict[str, Any]:
        return {"case": {k: v for k, v in self.__dict__.items()}}

    @classmethod
    def from_toml(cls, data: dict[str, Any], path: Path) -> CaseInfo:
        section = data.get("case")
        if not isinstance(section, dict) or not isinstance(section.get("title"), str):
            raise CaseError(f"{path} has no [case] table with a title.")
        known = {k: section[k] for k in cls.__dataclass_fields__ if k in section}
        return cls(**known)


class Case:
    """An open case folder. Use `Case.init` to create one and `Case.open` to open one."""

    def __init__(self, root: Path, info: CaseInfo, conn: sqlite3.Connection):
        self.root = root
        self.info = info
        self.conn = conn

    # -- paths -------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.root / "case.db"

    @property
    def tmp_dir(self) -> Path:
        return self.root / "tmp"

    def path(self, relpath: str) -> Path:
        """Resolve a stored relative path, refusing anything that escapes the case."""
        resolved = (self.root / relpath).resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise CaseError(f"The stored path {relpath!r} points outside the case folder.")
        return resolved

    # -- life cycle --------------------------------------------------------
    @classmethod
    def init(
        cls,
        root: Path,
        title: str,
        summary: str = "",
        actor: str = "unknown",
        fictional: bool = False,
    ) -> Case:
        root = Path(root)
        if not title.strip():
            raise CaseError("A case needs a non-empty title.")
        if (root / "case.toml").exists() or (root / "case.db").exists():
            raise CaseError(f"{root} is already a case folder.")
        if root.exists() and not root.is_dir():
            raise CaseError(f"{root} exists and is not a folder.")
        if root.exists() and any(root.iterdir()):
            raise CaseError(f"{root} is not empty; choose a new folder for the case.")
        info = CaseInfo(
            title=title.strip(),
            summary=summary,
            fictional=fictional,
            created=clock.now(),
        )
        root.mkdir(parents=True, exist_ok=True)
        for sub in SUBDIRS:
            (root / sub).mkdir(exist_ok=True)
        conn = connect(root / "case.db")
        migrations.migrate(conn)
        with transaction(conn):
            audit.append(
                conn,
                actor,
                "case.init",
                str(info.title),
                {"workbench": __version__, "schema": migrations.LATEST},
            )
        # case.toml last and atomically: its presence marks a complete case folder
        tmp = root / "tmp" / "case.toml.new"
        tmp.write_bytes(tomli_w.dumps(info.to_toml()).encode("utf-8"))
        os.replace(tmp, root / "case.toml")
        return cls(root, info, conn)

    @classmethod
    def open(cls, root: Path) -> Case:
        root = Path(root)
        if not root.exists():
            raise CaseError(f"{root} does not exist.")
        if not root.is_dir():
            raise CaseError(f"{root} is not a folder, so it cannot be a case.")
        toml_path, db_path = root / "case.toml", root / "case.db"
        if not toml_path.is_file() or not db_path.is_file():
            raise CaseError(
                f"{root} is not a case folder (it needs case.toml and case.db; "
                "create one with `workbench case init`)."
            )
        try:
            data = tomllib.loads(toml_path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CaseError(f"{toml_path} is not valid TOML: {exc}.") from exc
        info = CaseInfo.from_toml(data, toml_path)
        try:
            conn = connect(db_path)
            migrations.migrate(conn)
        except sqlite3.DatabaseError as exc:
            raise CaseError(f"{db_path} is not a readable SQLite database ({exc}).") from exc
        for sub in SUBDIRS:
            (root / sub).mkdir(exist_ok=True)
        return cls(root, info, conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return migrations.current_version(self.conn)
