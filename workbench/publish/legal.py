"""Legal provisions (data/legal.toml) that give context to capabilities seen in footage.

Each provision has a source; the report quotes its summary as context, never as a
conclusion about the system in the footage.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.resources import data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DISCLAIMER = (
    "This section gives legal context, not legal conclusions. Whether a system seen in "
    "this footage is lawful depends on facts that footage alone does not establish: its "
    "legal basis, consent, who operates it, where and when. Summaries of Kazakhstan's law "
    "of 17 November 2025 follow press coverage; the official text prevails. The EU AI Act "
    "binds the European Union and its member states and is cited for comparison."
)
LABELLING = "kz-ai-2025-labelling"


@dataclass(frozen=True)
class Provision:
    id: str
    title: str
    jurisdiction: str
    instrument: str
    date: str
    summary: str
    source: str
    applies_from: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_provisions(path: Path | None = None) -> dict[str, Provision]:
    """Every provision of data/legal.toml, by id."""
    path = path or data_dir() / "legal.toml"
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        items = [
            Provision(**{k: v for k, v in p.items() if k in Provision.__dataclass_fields__})
            for p in data.get("provision", [])
        ]
    except (OSError, tomllib.TOMLDecodeError, TypeError) as exc:
        raise WorkbenchError(
            f"{path} cannot be used as a list of legal provisions: {exc}."
        ) from exc
    return {p.id: p for p in items}


def capability_provisions(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """capability id → provision ids, from data/capabilities.toml."""
    from workbench.recognize.capabilities import load_capabilities

    return {c.id: c.provisions for c in load_capabilities(path)}
