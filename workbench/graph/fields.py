"""Validation of entity fields, shared by the single-entity API and the importers."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from workbench.graph import identifiers as ids
from workbench.graph.countries import country as parse_country
from workbench.graph.errors import GraphError
from workbench.graph.model import entity_kind
from workbench.graph.names import clean_name
from workbench.graph.records import EntityData

_ID = re.compile(r"^[a-z0-9][a-z0-9._:-]{0,79}$")
TRUE = {"1", "true", "yes", "y", "да", "иә", "x"}
FALSE = {"", "0", "false", "no", "n", "нет", "жоқ"}


@dataclass(frozen=True, kw_only=True)
class EntityFields(EntityData):
    """A validated entity before it is stored: its data, the id asked for (if any), and
    the spellings and identifiers to add."""

    id: str | None = None
    aliases: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (scheme, normal form)

    def props_json(self) -> str:
        return json.dumps(self.props, ensure_ascii=False, sort_keys=True)


def check_id(value: str) -> str:
    text = value.strip()
    if not _ID.match(text):
        raise GraphError(
            f"{value!r} is not a usable entity id (lower-case letters, digits and . _ : - "
            "only, at most 80, starting with a letter or digit)."
        )
    return text


def text_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = clean_name(str(value))
    return text or None


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise GraphError(f"{value!r} is not yes or no.")


def parse_coordinate(value: object, label: str, limit: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise GraphError(f"The {label} {value!r} is not a number.") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise GraphError(f"The {label} {value!r} is outside -{limit:g}..{limit:g}.")
    return number


def entity_fields(
    kind: str,
    name: object,
    *,
    id: str | None = None,
    role: object = None,
    country: object = None,
    city: object = None,
    address: object = None,
    lat: object = None,
    lon: object = None,
    public: object = None,
    props: dict[str, Any] | None = None,
    aliases: list[object] | tuple[object, ...] = (),
    identifiers: list[tuple[str, object]] | tuple[tuple[str, object], ...] = (),
) -> EntityFields:
    """Validate and normalise everything about one entity; GraphError names the problem."""
    k = entity_kind(kind)
    clean = text_or_none(name)
    if not clean:
        raise GraphError(f"A {k.label.lower()} needs a name.")
    role_text = text_or_none(role)
    if role_text is not None:
        role_text = role_text.lower().replace(" ", "_").replace("-", "_")
        if role_text == "control_center":
            role_text = "control_centre"
        if role_text not in k.roles:
            allowed = ", ".join(k.roles) or "none"
            raise GraphError(f"{role!r} is not a role of a {k.name} (allowed: {allowed}).")
    lat_v = parse_coordinate(lat, "latitude", 90)
    lon_v = parse_coordinate(lon, "longitude", 180)
    if (lat_v is None) != (lon_v is None):
        raise GraphError("Coordinates need both a latitude and a longitude.")
    is_public = parse_bool(public) if public is not None else False
    normalised = []
    for scheme_name, value in identifiers:
        if value is None or not str(value).strip():
            continue
        normalised.append(ids.normalise(scheme_name, str(value)))
    alias_names = []
    for alias in aliases:
        text = text_or_none(alias)
        if text and text != clean and text not in alias_names:
            alias_names.append(text)
    return EntityFields(
        kind=k.name,
        name=clean,
        id=check_id(id) if id else None,
        role=role_text,
        country=parse_country(text_or_none(country)),
        city=text_or_none(city),
        address=text_or_none(address),
        lat=lat_v,
        lon=lon_v,
        public=is_public,
        props={key: v for key, v in (props or {}).items() if v not in (None, "")},
        aliases=alias_names,
        identifiers=normalised,
    )
