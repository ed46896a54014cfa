"""The one clock of a case: every timestamp it writes is UTC ISO 8601 with microseconds.

The store, the audit log, case.toml and published case files all take their time here,
so times in one case always sort and compare as text.
"""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> str:
    """The current time, e.g. 2026-12-03T21:25:54.123456+00:00."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
