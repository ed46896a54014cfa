"""The vendor registry: public facts about companies, declared in TOML files under data/.

An entry names a company, what kind of actor it is, its country, its aliases in any
script, its product names and wordmarks, and the public sources for all of that. It
never says who supplied whom: that is for evidence in a case, not for reference data.

Real entries say `real = true`; fictional ones (the demo's) `fictional = true`, and the
two never share a name. An entry may cite its sources fact by fact in a `[vendor.cite]`
table (`name`, `short`, `country`, `kind`, and sub-tables `aliases` and `products` keyed
by the string): then every one of its facts must be cited, each by well-formed URLs.
Keys other than the known ones are refused, so no entry can carry a supply relation.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.recognize.sources import is_public_url
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


# the keys an entry may have: facts about one company, never a relation to another
KEYS = frozenset(
    {"name", "short", "kind", "country", "aliases", "products", "sources", "fictional", "real"}
    | {"cite"}
)
FACTS = ("name", "short", "country", "kind")  # cited as lists of URLs in [vendor.cite]


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
    # (fact, urls): "name", "short", "country", "kind", "alias:<text>", "product:<text>"
    cites: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def real(self) -> bool:
        return not self.fictional

    @property
    def cited(self) -> bool:
        """Whether the entry cites its sources fact by fact (else only as a whole)."""
        return bool(self.cites)

    def sources_for(self, fact: str) -> tuple[str, ...]:
        """The URLs cited for one fact ("country", "alias:Хиквижн", …); () if none."""
        return dict(self.cites).get(fact, ())

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
    _check_real_and_fictional_apart(entries)
    return entries


def _check_real_and_fictional_apart(entries: list[VendorEntry]) -> None:
    """No name, alias or product is both a real and a fictional entry's (casefolded)."""
    owner: dict[str, VendorEntry] = {}
    for entry in entries:
        for text, _kind in entry.names():
            key = text.casefold()
            other = owner.setdefault(key, entry)
            if other.fictional != entry.fictional:
                raise RegistryError(
                    f"{text!r} names both the real {(other if entry.fictional else entry).name!r}"
                    f" and the fictional {(entry if entry.fictional else other).name!r};"
                    " real and fictional entries must not share a name."
                )


def _cites(raw: dict, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The [vendor.cite] table as (fact, urls), every fact of the entry covered."""
    table = raw.get("cite")
    if table is None:
        return ()
    if not isinstance(table, dict):
        raise RegistryError(f"{where}: cite must be a table of facts and URLs.")
    out: list[tuple[str, tuple[str, ...]]] = []
    wanted = [f for f in FACTS if f != "short" or "short" in raw]
    wanted += [f"alias:{a}" for a in raw.get("aliases", [])]
    wanted += [f"product:{p}" for p in raw.get("products", [])]
    for key, value in table.items():
        if key in ("aliases", "products") and isinstance(value, dict):
            prefix = {"aliases": "alias", "products": "product"}[key]
            out += [(f"{prefix}:{text}", _urls(urls, where)) for text, urls in value.items()]
        elif key in FACTS:
            out.append((key, _urls(value, where)))
        else:
            raise RegistryError(f"{where}: cite has an unknown fact {key!r}.")
    have = {fact for fact, _ in out}
    stray = sorted(have - set(wanted))
    if stray:
        raise RegistryError(f"{where}: cite names {stray[0]!r}, which the entry does not state.")
    missing = [f for f in wanted if f not in have]
    if missing:
        raise RegistryError(f"{where}: no public source is cited for {missing[0]!r}.")
    return tuple(out)


def _urls(value: object, where: str) -> tuple[str, ...]:
    urls = (value,) if isinstance(value, str) else value
    if not isinstance(urls, (list, tuple)) or not urls:
        raise RegistryError(f"{where}: a cited fact needs a list of one or more URLs.")
    for url in urls:
        if not is_public_url(url):
            raise RegistryError(f"{where}: {url!r} is not a well-formed http(s) URL.")
    return tuple(urls)


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
        where = f"{where} ({raw['name']})"
        unknown_keys = sorted(set(raw) - KEYS)
        if unknown_keys:
            raise RegistryError(
                f"{where} has an unknown key {unknown_keys[0]!r}; an entry holds public facts"
                " about one company, never who supplied whom (that is evidence in a case)."
            )
        fictional = bool(raw.get("fictional", False))
        if "real" in raw and bool(raw["real"]) == fictional:
            raise RegistryError(f"{where} must be either real or fictional, not both or neither.")
        cites = _cites(raw, where)
        sources = tuple(raw.get("sources", []))
        sources += tuple(u for _, urls in cites for u in urls if u not in sources)
        sources = tuple(dict.fromkeys(sources))
        if not sources and not fictional:
            raise RegistryError(f"{where} cites no public source.")
        bad = [u for u in sources if not is_public_url(u)]
        if bad and not fictional:
            raise RegistryError(f"{where}: {bad[0]!r} is not a well-formed http(s) URL.")
        out.append(
            VendorEntry(
                name=raw["name"],
                short=str(raw.get("short") or raw["name"]),
                kinds=kinds,
                country=str(raw.get("country", "")).upper(),
                aliases=tuple(raw.get("aliases", [])),
                products=tuple(raw.get("products", [])),
                sources=sources,
                fictional=fictional,
                cites=cites,
            )
        )
    return out
