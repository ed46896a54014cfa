"""Entry point of the Streamlit app: `workbench app [DIR]` runs `streamlit run` on this file."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from workbench.app import casehome, guard, state

HERE = Path(__file__).parent

st.set_page_config(page_title="workbench", layout="wide")

PAGES = [
    st.Page(str(HERE / "views" / "case.py"), title="Case", url_path="case", default=True),
    st.Page(str(HERE / "views" / "review.py"), title="Review", url_path="review"),
    st.Page(str(HERE / "views" / "findings.py"), title="Findings", url_path="findings"),
    st.Page(str(HERE / "views" / "graph.py"), title="Graph", url_path="graph"),
    st.Page(str(HERE / "views" / "casefile.py"), title="Case file", url_path="casefile"),
]

page = st.navigation(PAGES)
with st.sidebar:
    current = state.case_dir()
    st.caption(f"case: {current.name}" if current else "no case open")
    if current and casehome.is_fictional(current):
        st.warning("FICTIONAL demo case: generated footage, invented companies.")
    state.reviewer()  # the remembered name or the default, before the widget shows it
    st.text_input(
        "reviewer",
        key=state.REVIEWER_KEY,
        help="recorded on every review and note; this browser remembers it",
    )
    state.remember_reviewer()
guard.run(page.run)
