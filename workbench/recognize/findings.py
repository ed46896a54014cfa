"""Findings export: every observation as one stable record (JSON or CSV)."""

from __future__ import annotations

from typing import Any

from workbench import tabular
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
    "origin",
)


def origin(obs: Observation) -> str | None:
    """`reference:ID` for a suggestion that a find-everywhere reference made, else None."""
    cited = obs.params.get("origin")
    if isinstance(cited, dict) and "reference" in cited:
        return f"reference:{cited['reference']}"
    return None


def record(obs: Observation) -> dict[str, Any]:
    d = obs.to_record()
    d["origin"] = origin(obs)
    return {k: d[k] for k in FIELDS}


def to_json(observations: list[Observation]) -> str:
    return tabular.to_json([record(o) for o in observations])


def to_csv(observations: list[Observation]) -> str:
    """CSV for spreadsheets (workbench.tabular: lists as JSON, formula-like text quoted)."""
    return tabular.to_csv([record(o) for o in observations], FIELDS)
