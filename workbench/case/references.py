"""Find-everywhere references: a box on a frame kept as an example to look for elsewhere.

A reference remembers where it came from (video, frame index and time, the decoded
frame's pixel hash, the box, who made it, when, with which method) and the observation
it was made from, if any. Its pixels are kept as a PNG, re-creatable from the original.
This module holds all the SQL of `find_references`; every change is audited.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from workbench.case import audit, clock, rows

KINDS = ("mark", "screen")


@dataclass(frozen=True)
class NewReference:
    kind: str  # mark (a logo, an icon, a UI element) or screen (a whole, rectified screen)
    label: str
    video_sha256: str
    frame_index: int
    time_s: float
    pixel_sha256: str
    box: tuple[int, int, int, int]  # x, y, w, h in the frame's pixels
    crop_png: bytes
    method: str
    created_by: str
    quad: tuple[tuple[float, float], ...] | None = None
    observation_id: int | None = None
    product: str | None = None
    vendor: str | None = None
    strings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    id: int
    kind: str
    label: str
    video: str
    frame_index: int
    time_s: float
    pixel_sha256: str
    box: list[int]
    quad: list[list[float]] | None
    observation_id: int | None
    product: str | None
    vendor: str | None
    strings: list[str]
    method: str
    created_at: str
    created_by: str

    def origin(self) -> dict[str, Any]:
        """What a match cites: this reference and the frame it was made on."""
        return {
            "reference": self.id,
            "kind": self.kind,
            "label": self.label,
            "video": self.video,
            "frame_index": self.frame_index,
            "time_s": self.time_s,
            "box": self.box,
            "observation": self.observation_id,
        }

    def to_record(self) -> dict[str, Any]:
        where = {k: v for k, v in self.origin().items() if k != "reference"}
        return {
            "id": self.id,
            **where,
            "product": self.product,
            "vendor": self.vendor,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "method": self.method,
        }


_COLUMNS = (
    "id, kind, label, video_sha256, frame_index, time_s, pixel_sha256, box, quad,"
    " observation_id, product, vendor, strings, method, created_at, created_by"
)


def add(conn: sqlite3.Connection, ref: NewReference) -> int:
    """Insert a reference and its audit entry; call inside the caller's transaction."""
    if ref.kind not in KINDS:
        raise ValueError(f"unknown reference kind {ref.kind!r}")
    values = {**asdict(ref), "quad": ref.quad or None, "created_at": clock.now()}
    rid = rows.insert(conn, "find_references", values) or 0
    audit.append(
        conn,
        ref.created_by,
        "reference.create",
        f"reference:{rid}",
        {
            "kind": ref.kind,
            "label": ref.label,
            "video": ref.video_sha256,
            "frame_index": ref.frame_index,
            "time_s": ref.time_s,
            "pixel_sha256": ref.pixel_sha256,
            "box": list(ref.box),
            "observation": ref.observation_id,
            "product": ref.product,
            "method": ref.method,
        },
    )
    return rid


def _row(r: sqlite3.Row) -> Reference:
    return rows.record(Reference, r, video=r["video_sha256"])


def all_references(conn: sqlite3.Connection) -> list[Reference]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM find_references ORDER BY id").fetchall()
    return [_row(r) for r in rows]


def get(conn: sqlite3.Connection, rid: int) -> Reference | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM find_references WHERE id = ?", (rid,)).fetchone()
    return _row(row) if row else None


def crop_png(conn: sqlite3.Connection, rid: int) -> bytes | None:
    row = conn.execute("SELECT crop_png FROM find_references WHERE id = ?", (rid,)).fetchone()
    return bytes(row[0]) if row else None


def same(conn: sqlite3.Connection, ref: NewReference) -> Reference | None:
    """An existing reference with the same kind, frame, box and author (a double click)."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM find_references WHERE kind = ? AND video_sha256 = ?"
        " AND frame_index = ? AND box = ? AND created_by = ?",
        (ref.kind, ref.video_sha256, ref.frame_index, rows.encode(list(ref.box)), ref.created_by),
    ).fetchone()
    return _row(row) if row else None


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM find_references").fetchone()[0])


def signatures(conn: sqlite3.Connection) -> list[Reference]:
    """References made from a confirmed interface finding: the case's own signatures."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM find_references WHERE product IS NOT NULL ORDER BY id"
    ).fetchall()
    return [_row(r) for r in rows]
