"""Dates: ISO 8601, possibly partial (2021, 2021-05, 2021-05-17), from what tables hold."""

from __future__ import annotations

import re
from datetime import date, datetime

from workbench.graph.errors import GraphError

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})(?:\s.*)?$")
_MY = re.compile(r"^(\d{1,2})[./](\d{4})$")


def _build(y: str, m: str | None, d: str | None, raw: object) -> str:
    try:
        if d is not None and m is not None:
            return date(int(y), int(m), int(d)).isoformat()
        if m is not None:
            date(int(y), int(m), 1)
            return f"{int(y):04d}-{int(m):02d}"
        date(int(y), 1, 1)
        return f"{int(y):04d}"
    except ValueError:
        raise GraphError(f"{raw!r} is not a valid date.") from None


def parse_date(value: object) -> str | None:
    """ISO date text from a cell: date, datetime, '2021-05-17', '17.05.2021', '2021'."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = str(value).strip()
    if not text:
        return None
    if m := _ISO.match(text):
        return _build(m.group(1), m.group(2), m.group(3), value)
    if m := _DMY.match(text):
        return _build(m.group(3), m.group(2), m.group(1), value)
    if m := _MY.match(text):
        return _build(m.group(2), m.group(1), None, value)
    raise GraphError(f"{value!r} is not a date (write 2021-05-17, 17.05.2021, 2021-05 or 2021).")


def parse_since(value: str) -> str:
    """A lower bound for 'changed since': a date or a timestamp, as ISO text."""
    text = value.strip()
    if "T" in text or " " in text:
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
        except ValueError:
            pass
    parsed = parse_date(text)
    assert parsed is not None
    return parsed
