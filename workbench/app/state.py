"""Which case the app has open and who is reviewing, kept in Streamlit's session state.

Pages call `open_case()`; it opens the case folder chosen on the Case page (or given to
`workbench app DIR` through $WORKBENCH_CASE) for the current script run."""

from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from workbench.actor import default_actor
from workbench.case.folder import Case
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

CASE_KEY = "case_dir"
REVIEWER_KEY = "reviewer"
REVIEWER_COOKIE = "workbench_reviewer"
_COOKIE_WRITTEN = "reviewer_cookie_written"


def case_dir() -> Path | None:
    if CASE_KEY not in st.session_state and os.environ.get("WORKBENCH_CASE"):
        st.session_state[CASE_KEY] = os.environ["WORKBENCH_CASE"]
    value = st.session_state.get(CASE_KEY)
    return Path(value) if value else None


def set_case_dir(path: Path | str | None) -> None:
    st.session_state[CASE_KEY] = str(path) if path else None


def reviewer() -> str:
    """Who is reviewing in this browser: the name typed in the sidebar, else the one this
    browser remembered (a cookie: it survives reloads and new tabs), else the default
    actor ($WORKBENCH_USER or the login name). Never empty, never a placeholder."""
    name = clean_name(st.session_state.get(REVIEWER_KEY))
    if not name:
        name = remembered_reviewer() or default_actor()
        st.session_state[REVIEWER_KEY] = name
    return name


def clean_name(value: object) -> str:
    """A reviewer's name as recorded: one line, trimmed, at most 80 characters."""
    return " ".join(str(value or "").split())[:80]


def remembered_reviewer() -> str | None:
    """The name this browser's cookie carries (read when the page connected)."""
    try:
        value = st.context.cookies.get(REVIEWER_COOKIE)
    except (AttributeError, RuntimeError):
        return None
    return clean_name(urllib.parse.unquote(value)) or None if value else None


def remember_reviewer() -> None:
    """Store the current reviewer in a cookie of this site (path /, one year) when it
    differs from what the browser holds, so that a reload or a new tab knows the name."""
    name = reviewer()
    held = st.session_state.get(_COOKIE_WRITTEN, remembered_reviewer())
    if held == name:
        return
    import streamlit.components.v1 as components

    value = json.dumps(urllib.parse.quote(name)).replace("<", "\\u003c")
    components.html(
        "<script>document.cookie = " + json.dumps(REVIEWER_COOKIE + "=") + " + " + value
        + ' + "; path=/; max-age=31536000; SameSite=Strict";</script>',
        height=0,
    )  # fmt: skip
    st.session_state[_COOKIE_WRITTEN] = name


def open_case() -> Case:
    """The open case, or a message and `st.stop()` when there is none or it cannot open."""
    path = case_dir()
    if path is None:
        st.info("No case is open. Open or create one on the Case page.")
        st.stop()
    try:
        return Case.open(path)
    except WorkbenchError as exc:
        st.error(str(exc))
        st.stop()
        raise  # unreachable; st.stop raises


class StreamlitProgress:
    """A ProgressSink shown as one st.progress bar per task."""

    def __init__(self) -> None:
        self._bars: dict[str, DeltaGenerator] = {}

    def update(self, task: str, completed: float, total: float | None = None) -> None:
        bar = self._bars.get(task)
        if bar is None:
            bar = self._bars[task] = st.progress(0.0, text=task)
        fraction = min(1.0, completed / total) if total else 0.0
        label = f"{task}: {completed:.0f}/{total:.0f}" if total else f"{task}: {completed:.0f}"
        bar.progress(fraction, text=label)


def done(page: str, text: str) -> None:
    """After a change on `page`: keep `text` for the next run, start the page's next
    round (widgets keyed with `round_of(page)` come back fresh) and rerun."""
    st.session_state[f"{page}_message"] = text
    st.session_state[f"{page}_round"] = round_of(page) + 1
    st.rerun()


def round_of(page: str) -> int:
    return int(st.session_state.get(f"{page}_round", 0))


def show_message(page: str) -> None:
    """The message the last change on `page` left, once."""
    text = st.session_state.pop(f"{page}_message", None)
    if text:
        st.success(text)
