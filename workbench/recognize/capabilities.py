"""UI strings that reveal what a system does (face search, watchlists, match scores,
emotion, licence plates, tracking) → capability suggestions, declared in data/."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.recognize.vendors.normalize import fold
from workbench.resources import data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

METHOD = "workbench.capabilities/1"


@dataclass(frozen=True)
class Capability:
    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    provisions: tuple[str, ...]


@dataclass(frozen=True)
class CapabilityHit:
    capability: str
    label: str
    text: str  # the text that revealed it
    pattern: str
    provisions: tuple[str, ...]


def load_capabilities(path: Path | None = None) -> list[Capability]:
    path = path or data_dir() / "capabilities.toml"
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        return [
            Capability(
                c["id"],
                c["label"],
                tuple(re.compile(p, re.IGNORECASE | re.UNICODE) for p in c["patterns"]),
                tuple(c.get("provisions", [])),
            )
            for c in data.get("capability", [])
        ]
    except (OSError, tomllib.TOMLDecodeError, KeyError, re.error) as exc:
        raise WorkbenchError(f"{path} cannot be used as a capability list: {exc}.") from exc


def find_capabilities(text: str, capabilities: list[Capability]) -> list[CapabilityHit]:
    folded = fold(text)
    hits = []
    for cap in capabilities:
        for pattern in cap.patterns:
            if pattern.search(folded):
                hits.append(CapabilityHit(cap.id, cap.label, text, pattern.pattern, cap.provisions))
                break
    return hits
