"""The owner of the `graph_imports` table: one row per imported file, with its counts."""

from __future__ import annotations

import sqlite3
from typing import Any

from workbench.case import rows


def earlier_import(conn: sqlite3.Connection, file_sha256: str, kind: str) -> int | None:
    """The first import of the same file as the same kind, if any."""
    return conn.execute(
        "SELECT min(id) FROM graph_imports WHERE file_sha256 = ? AND kind = ?",
        (file_sha256, kind),
    ).fetchone()[0]


def start(
    conn: sqlite3.Connection,
    *,
    kind: str,
    file_name: str,
    file_sha256: str,
    mapping: dict[str, Any],
    encoding: str,
    rows_total: int,
    at: str,
    actor: str,
) -> int:
    """Record an import as it begins; its id."""
    import_id = rows.insert(
        conn,
        "graph_imports",
        {
            "kind": kind,
            "file_name": file_name,
            "file_sha256": file_sha256,
            # the file's column order, as mapped (not sorted)
            "mapping": rows.json_text(mapping),
            "encoding": encoding,
            "rows_total": rows_total,
            "rows_imported": 0,
            "imported_at": at,
            "imported_by": actor,
        },
    )
    return int(import_id or 0)


def finish(
    conn: sqlite3.Connection, import_id: int, rows_imported: int, skipped: list[Any]
) -> None:
    rows.update(
        conn,
        "graph_imports",
        {"rows_imported": rows_imported, "rows_skipped": rows.json_text(skipped)},
        "id = ?",
        (import_id,),
    )


def import_file_names(conn: sqlite3.Connection) -> dict[int, str]:
    """Import id → the name of the file it read."""
    return {r[0]: r[1] for r in rows.select(conn, "graph_imports", columns=("id", "file_name"))}
