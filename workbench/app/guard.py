"""An unexpected error on a page: one plain sentence in the page, the traceback in the
server's log. No server path, no exception text, no link to anything outside."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

log = logging.getLogger("workbench.app")

MESSAGE = (
    "Something went wrong on this page and it stopped. The details are in the log of the"
    " server that runs `workbench app`; reload the page to try again."
)


def run(page: Callable[[], object]) -> None:
    """Run a page; an error that escapes it is logged and replaced by MESSAGE. Streamlit's
    own stop and rerun signals (BaseException, not Exception) pass through untouched."""
    try:
        page()
    except Exception:
        log.exception("unexpected error on a page of the app")
        st.error(MESSAGE)
