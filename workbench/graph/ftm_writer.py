"""A checked writer of FollowTheMoney entities as JSON lines.

followthemoney drops values it cannot clean and does not insist on required
properties, so this writer checks both itself: a value that does not clean is
reported (and left out), a missing required property or a reference to an entity not
written earlier is an error, and the export fails without leaving a file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import IO, Any

from followthemoney import model
from followthemoney.property import Property
from followthemoney.schema import Schema

from workbench.graph.errors import GraphError

_FTM_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")
# URLs already in the form FtM's cleaning gives (lower-case http(s) scheme, a plain host
# name, a path, no query or fragment) come back from it unchanged; skip the 40 µs
_CANONICAL_URL = re.compile(
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
    r"/[A-Za-z0-9._~!$&'()*+,=:@%/-]*$"
)
MAX_PROBLEMS = 5
_MISSING: Any = object()


@lru_cache(maxsize=500_000)
def ftm_id(prefix: str, raw: str) -> str:
    """A valid FtM id: 'wb-<prefix>-<raw>' when RAW fits, else a hash of it."""
    candidate = f"wb-{prefix}-{raw}"
    if _FTM_ID.match(candidate) and len(candidate) <= 120:
        return candidate
    return f"wb-{prefix}-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()


class Entity:
    """An entity being written: FtM schema, id, and cleaned values per property.

    Values are cleaned with FtM's own property types, so `to_dict()` is exactly what
    `model.get_proxy(...).to_dict()` would give; this is lighter than a proxy, which
    matters at hundreds of thousands of entities.
    """

    __slots__ = ("id", "properties", "schema")

    def __init__(self, schema: Schema, entity_id: str):
        self.schema, self.id = schema, entity_id
        self.properties: dict[str, list[str]] = {}

    def get(self, prop: str) -> list[str]:
        return self.properties.get(prop, [])

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "schema": self.schema.name, "properties": self.properties}


class FtmWriter:
    def __init__(self, out: IO[str]):
        self.out = out
        self.emitted: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()  # "Schema.prop" → values FtM refused
        self.problems: list[str] = []
        self._clean: dict[tuple[str, str], str | None] = {}
        self._props: dict[tuple[str, str], Property | None] = {}
        self._specs: dict[tuple[str, str], tuple[str, str, Any]] = {}
        self._refs: dict[str, tuple[str, ...]] = {}  # schema → its entity-typed properties

    def make(self, schema: str, entity_id: str) -> Entity:
        return Entity(model[schema], entity_id)

    def prop(self, entity: Entity, name: str) -> Property | None:
        key = (entity.schema.name, name)
        if key not in self._props:
            self._props[key] = entity.schema.get(name)
        return self._props[key]

    def add(self, entity: Entity, prop_name: str, value: Any) -> None:
        """Add a value the way FtM would clean it; count the values it would drop.

        References (entity-typed properties) are ids this module made with `ftm_id`,
        valid by construction; `emit` checks that they point at written entities.
        """
        if value is None or value == "":
            return
        spec = self._specs.get((entity.schema.name, prop_name))
        if spec is None:
            spec = self._spec(entity, prop_name)
        name, type_name, prop_type = spec
        if type_name == "entity":
            cleaned = value
        else:
            text = value if type(value) is str else _text(value)
            cleaned = self._clean.get((type_name, text), _MISSING)
            if cleaned is _MISSING:
                cleaned = self._clean_new(type_name, prop_type, text)
            if cleaned is None:
                self.dropped[f"{entity.schema.name}.{prop_name}"] += 1
                return
        values = entity.properties.get(name)
        if values is None:
            entity.properties[name] = [cleaned]
        elif cleaned not in values:
            values.append(cleaned)

    def _spec(self, entity: Entity, prop_name: str) -> tuple[str, str, Any]:
        prop = self.prop(entity, prop_name)
        if prop is None:
            raise GraphError(f"FtM schema {entity.schema.name} has no property {prop_name!r}.")
        spec = (prop.name, prop.type.name, prop.type)
        self._specs[(entity.schema.name, prop_name)] = spec
        return spec

    def _clean_new(self, type_name: str, prop_type: Any, text: str) -> str | None:
        if type_name == "url" and len(text) < 2000 and _CANONICAL_URL.match(text):
            return text  # not cached: such URLs are mostly unique
        cleaned = self._clean[(type_name, text)] = prop_type.clean(text)
        return cleaned

    def add_all(self, entity: Entity, prop_name: str, values: Iterable[Any]) -> None:
        for value in values:
            self.add(entity, prop_name, value)

    def emit(self, entity: Entity) -> None:
        """Check required properties and references, then write one JSON line."""
        schema, props = entity.schema, entity.properties
        for required in schema.required:
            if required not in props:
                self._problem(f"{schema.name} {entity.id} has no {required}")
        refs = self._refs.get(schema.name)
        if refs is None:
            refs = self._refs[schema.name] = tuple(
                name for name, p in schema.properties.items() if p.type.name == "entity"
            )
        for name in refs:
            for value in props.get(name, ()):
                if value not in self.emitted:
                    self._problem(
                        f"{schema.name} {entity.id} refers in {name} to {value}, "
                        "which is not in the export"
                    )
        if entity.id in self.emitted:
            self._problem(f"the id {entity.id} is written twice")
        self.emitted.add(entity.id)
        self.counts[schema.name] += 1
        self.out.write(_dumps(entity.to_dict()) + "\n")

    def _problem(self, text: str) -> None:
        self.problems.append(text)

    def check(self) -> None:
        if self.problems:
            shown = "; ".join(self.problems[:MAX_PROBLEMS])
            more = len(self.problems) - MAX_PROBLEMS
            tail = f"; and {more} more" if more > 0 else ""
            raise GraphError(
                f"The FollowTheMoney export was not written: {len(self.problems)} entities "
                f"would not validate ({shown}{tail})."
            )


def _text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


try:
    import orjson

    def _dumps(obj: Any) -> str:
        return orjson.dumps(obj).decode("utf-8")

except ImportError:  # pragma: no cover

    def _dumps(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False)
