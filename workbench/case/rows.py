"""Records become rows, and rows records, in one place.

In the spirit of sqlite-utils' `Table.insert` / `rows_where`: the columns of a write
come from a mapping or a dataclass record; dicts, lists and tuples are JSON-encoded on
the way in and decoded on the way out for the fields a record declares as such. Table
and column names are checked to be plain identifiers, so no caller can smuggle SQL in
through a name. Each table's owner module calls these helpers; nothing here knows a
table.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
T = TypeVar("T", bound="DataclassInstance")  # a record: a dataclass


def name(identifier: str) -> str:
    """A table or column name, refused unless it is a plain SQL identifier."""
    if not _NAME.match(identifier):
        raise ValueError(f"{identifier!r} is not a table or column name.")
    return identifier


def encode(value: Any) -> Any:
    """A Python value as SQLite stores it: JSON for containers, 0/1 for booleans."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Mapping):
        return json.dumps(dict(value), ensure_ascii=False, sort_keys=True)
    if isinstance(value, (list, tuple)):
        return json.dumps(
            [list(v) if isinstance(v, tuple) else v for v in value], ensure_ascii=False
        )
    return value


def json_text(value: Any) -> str:
    """JSON as stored when key order matters (a file's column order): not sorted."""
    return json.dumps(value, ensure_ascii=False)


def insert(
    conn: sqlite3.Connection, table: str, values: Mapping[str, Any], *, or_ignore: bool = False
) -> int | None:
    """Insert one row; its rowid, or None when OR IGNORE left an existing row in place."""
    cols = [name(c) for c in values]
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    cur = conn.execute(
        f"{verb} INTO {name(table)} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [encode(v) for v in values.values()],
    )
    if or_ignore and cur.rowcount != 1:
        return None
    return int(cur.lastrowid or 0)


def update(
    conn: sqlite3.Connection,
    table: str,
    values: Mapping[str, Any],
    where: str,
    params: Sequence[Any] = (),
) -> int:
    """Set columns on the rows `where` selects; the number of rows changed."""
    sets = ", ".join(f"{name(c)} = ?" for c in values)
    cur = conn.execute(
        f"UPDATE {name(table)} SET {sets} WHERE {where}",
        [*(encode(v) for v in values.values()), *params],
    )
    return cur.rowcount


def update_many(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    key: str,
    rows: Iterable[Sequence[Any]],
) -> None:
    """Set `columns` by `key` for many rows: each row is the new values, then the key."""
    sets = ", ".join(f"{name(c)} = ?" for c in columns)
    conn.executemany(f"UPDATE {name(table)} SET {sets} WHERE {name(key)} = ?", rows)


def select(
    conn: sqlite3.Connection,
    table: str,
    where: str = "",
    params: Sequence[Any] = (),
    *,
    columns: Sequence[str] = (),
    order: str = "",
) -> list[sqlite3.Row]:
    """Rows of one table (all columns unless named), filtered and ordered as asked."""
    cols = ", ".join(name(c) for c in columns) if columns else "*"
    sql = f"SELECT {cols} FROM {name(table)}"
    if where:
        sql += f" WHERE {where}"
    if order:
        sql += f" ORDER BY {order}"
    return conn.execute(sql, list(params)).fetchall()


def exists(conn: sqlite3.Connection, table: str, where: str, params: Sequence[Any]) -> bool:
    return (
        conn.execute(f"SELECT 1 FROM {name(table)} WHERE {where} LIMIT 1", list(params)).fetchone()
        is not None
    )


def marks(values: Sequence[Any]) -> str:
    """`?, ?, ?` for an IN (...) list of these values."""
    return ",".join("?" * len(values))


def _json_fields(cls: type) -> frozenset[str]:
    hints = typing.get_type_hints(cls)
    out = set()
    for f in dataclasses.fields(cls):
        text = str(hints.get(f.name, f.type))
        if text.startswith(("dict", "list", "typing.Dict", "typing.List")) or (
            "dict[" in text and "None" in text
        ):
            out.add(f.name)
    return frozenset(out)


def record(cls: type[T], row: sqlite3.Row | Mapping[str, Any], **extra: Any) -> T:
    """A dataclass record from a row: its fields taken by name, JSON fields decoded.

    Columns the record does not declare are ignored; `extra` fills fields the row does
    not hold (names, evidence, ...). Boolean fields get Python booleans.
    """
    keys = row.keys()
    hints = typing.get_type_hints(cls)
    decoded = _json_fields(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in extra or f.name not in keys:
            continue
        value = row[f.name]
        if f.name in decoded and isinstance(value, str):
            value = json.loads(value)
        elif hints.get(f.name) is bool and value is not None:
            value = bool(value)
        values[f.name] = value
    return cls(**values, **extra)


def tuples(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
    """A cursor of plain tuples (faster than sqlite3.Row for bulk reads); owners only."""
    cur = conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, list(params))
