"""Findings export: every observation as one stable record (JSON or CSV)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from workbench.case.observations import Observation

FIELDS = (
    "id",
    "video",
    "frame_index",
    "time_s",
    "kind",
    "text",
    "label",
    "vendor",
    "bbox",
    "quad",
    "score",
    "status",
    "method",
    "created_by",
    "created_at",
    "reviewed_by",
    "reviewed_at",
    "pixel_sha256",
    "tags",
    "params",
)


def record(obs: Observation) -> dict[str, Any]:
    d = obs.to_record()
    return {k: d[k] for k in FIELDS}


def to_json(observations: list[Observation]) -> str:
    return json.dumps([record(o) for o in observations], ensure_ascii=False, indent=2)


def _cell(value: str) -> str:
    """Keep spreadsheets from running OCR text as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(observations: list[Observation]) -> str:
    """CSV for spreadsheets; text cells that start like a formula get a leading quote."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for o in observations:
        row = record(o)
        for k in ("bbox", "quad", "tags", "params"):
            row[k] = json.dumps(row[k], ensure_ascii=False) if row[k] is not None else ""
        for k in ("text", "label", "vendor"):
            if row[k]:
                row[k] = _cell(row[k])
        writer.writerow(row)
    return buf.getvalue()
