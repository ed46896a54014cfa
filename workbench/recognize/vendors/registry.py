"""The vendor registry: public facts about companies, declared in TOML files under data/.

An entry names a company, what kind of actor it is, its country, its aliases in any
script, its product names and wordmarks, and the public sources for all of that. It
never says who supplied whom: that is for evidence in a case, not for reference data.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.resources import data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KINDS = frozenset(
    {
        "camera maker",
        "VMS software",
        "analytics-face recognition",
        "integrator",
        "operator",
        "distributor",
    }
)


class RegistryError(WorkbenchError):
    """A registry file is missing, malformed or contradicts itself."""


@dataclass(frozen=True)
class VendorEntry:
    name: str  # canonical name
    short: str  # the name a reader knows it by
    kinds: tuple[str, ...]
    country: str  # ISO 3166-1 alpha-2
    aliases: tuple[str, ...]
    products: tuple[str, ...]
    sources: tuple[str, ...]
    fictional: bool = False

    def names(self) -> list[tuple[str, str]]:
        """(string, 'alias' | 'product') for everything that identifies this vendor."""
        out = [(self.name, "alias"), (self.short, "alias")]
        out += [(a, "alias") for a in self.aliases]
        out += [(p, "product") for p in self.products]
        seen, unique = set(), []
        for text, kind in out:
            if text and text not in seen:
                seen.add(text)
                unique.append((text, kind))
        return unique


def default_paths() -> list[Path]:
    return [data_dir() / "vendors.toml", data_dir() / "demo" / "vendors.toml"]


def load_registry(paths: list[Path] | None = None) -> list[VendorEntry]:
    entries: list[VendorEntry] = []
    for path in paths or default_paths():
        if not path.exists():
            continue
        entries += _load_file(path)
    names = [e.name for e in entries]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise RegistryError(f"The vendor registry names {dupes[0]!r} twice.")
    return entries


def _load_file(path: Path) -> list[VendorEntry]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path} is not valid TOML: {exc}.") from exc
    out = []
    for i, raw in enumerate(data.get("vendor", []), start=1):
        where = f"{path.name}, vendor #{i}"
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise RegistryError(f"{where} has no name.")
        kinds = tuple(raw.get("kind", []))
        unknown = [k for k in kinds if k not in KINDS]
        if unknown or not kinds:
            raise RegistryError(
                f"{where} ({raw['name']}) has an unknown or missing kind "
                f"{unknown or kinds}; use one of {sorted(KINDS)}."
            )
        sources = tuple(raw.get("sources", []))
        fictional = bool(raw.get("fictional", False))
        if not sources and not fictional:
            raise RegistryError(f"{where} ({raw['name']}) cites no public source.")
        out.append(
            VendorEntry(
                name=raw["name"],
                short=str(raw.get("short", raw["name"])),
                kinds=kinds,
                country=str(raw.get("country", "")).upper(),
                aliases=tuple(raw.get("aliases", [])),
                products=tuple(raw.get("products", [])),
                sources=sources,
                fictional=fictional,
            )
        )
    return out
