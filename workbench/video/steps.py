"""The grammar of enhancement steps: one frozen dataclass per step, a registry by name,
and a compact text form `name:positional,key=value` that round-trips exactly."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np

from workbench.video.errors import VideoError

STEPS: dict[str, type[Step]] = {}
S = TypeVar("S", bound="type[Step]")


def register(cls: S) -> S:
    STEPS[cls.name] = cls
    return cls


class Step:
    """Base of every step. Subclasses are frozen dataclasses named by `name`."""

    name: ClassVar[str] = ""
    positional: ClassVar[tuple[str, ...]] = ()  # fields written without `key=`, in order
    if TYPE_CHECKING:  # every subclass is a dataclass
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.name, **self.params()}

    def token(self) -> str:
        """Canonical text: positional values (trailing defaults dropped), then non-defaults."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        values = self.params()
        pos = [_fmt(values[n]) for n in self.positional]
        while pos and _is_default(fields[self.positional[len(pos) - 1]], values):
            pos.pop()
        kws = [
            f"{n}={_fmt(v)}"
            for n, v in values.items()
            if n not in self.positional and not _is_default(fields[n], values)
        ]
        args = ",".join(pos + kws)
        return f"{self.name}:{args}" if args else self.name

    @classmethod
    def from_args(cls, args: list[str]) -> Step:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        positional = list(cls.positional)
        for arg in args:
            if "=" in arg:
                key, value = (part.strip() for part in arg.split("=", 1))
            elif positional:
                key, value = positional.pop(0), arg.strip()
            else:
                raise VideoError(f"The step {cls.name!r} takes no value {arg!r} without a name.")
            if key not in fields or key in kwargs:
                raise VideoError(
                    f"The step {cls.name!r} has no parameter {key!r} (or got it twice)."
                )
            kwargs[key] = _convert(fields[key], value, cls.name)
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise VideoError(f"The step {cls.name!r} is missing a parameter ({exc}).") from exc

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def parse_step(text: str) -> Step:
    name, _, args = text.strip().partition(":")
    cls = STEPS.get(name.strip())
    if cls is None:
        known = ", ".join(sorted(STEPS))
        raise VideoError(f"Unknown enhancement step {name.strip()!r} (known: {known}).")
    return cls.from_args([a for a in args.split(",") if a.strip()] if args else [])


def _is_default(field: dataclasses.Field[Any], values: dict[str, Any]) -> bool:
    return field.default is not dataclasses.MISSING and values[field.name] == field.default


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _convert(field: dataclasses.Field[Any], value: str, step: str) -> Any:
    kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", "str")
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
    except ValueError as exc:
        raise VideoError(f"{step}: {field.name} must be a number, not {value!r}.") from exc
    return value


def check(condition: bool, message: str) -> None:
    if not condition:
        raise VideoError(message)
