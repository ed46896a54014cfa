"""Records as JSON and CSV text: one writer for the CLI, findings exports and case files.

CSV cells holding lists or dicts are written as JSON, and a text cell that starts like a
spreadsheet formula (=, +, -, @, tab, CR) gets a leading quote, so that OCR text or a
hostile page title can never run as a formula (CSV injection).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Text a spreadsheet shows as text, never runs."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def to_json(rows: Any) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def columns_of(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every key of the rows, in the order first seen."""
    out: list[str] = []
    for row in rows:
        out += [k for k in row if k not in out]
    return out


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """CSV with a header (COLUMNS, or every key seen), containers as JSON, text made safe."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns or columns_of(rows)), lineterminator="\n")
    writer.writeheader()
    for rec in rows:
        row = {}
        for k, v in rec.items():
            if isinstance(v, (list, tuple, dict)):
                v = json.dumps(v, ensure_ascii=False)
            row[k] = safe_cell(v) if isinstance(v, str) else v
        writer.writerow(row)
    return buf.getvalue()
