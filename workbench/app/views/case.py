"""Case page: open or create a case, ingest URLs and uploads, list sources, analyse."""

from pathlib import Path

import pandas as pd
import streamlit as st

from workbench.app import casehome, state
from workbench.batch import analyze
from workbench.errors import WorkbenchError
from workbench.recognize.pipeline import STAGES
from workbench.resources import data_dir

st.title("Case")

current = state.case_dir()
with st.expander("Open or create a case", expanded=current is None):
    known = casehome.recent_cases(Path("cases"))
    choice = st.text_input(
        "case folder", value=str(current or (known[0] if known else "cases/my-case"))
    )
    left, right = st.columns(2)
    if left.button("Open", key="case_open"):
        try:
            title = casehome.check_case(Path(choice))
            state.set_case_dir(Path(choice).resolve())
            st.success(f"Opened {title}")
            st.rerun()
        except WorkbenchError as exc:
            st.error(str(exc))
    with right.form("case_new"):
        title = st.text_input("title of a new case")
        summary = st.text_area("summary")
        if st.form_submit_button("Create"):
            try:
                casehome.create_case(Path(choice), title, summary, state.reviewer())
                state.set_case_dir(Path(choice).resolve())
                st.rerun()
            except WorkbenchError as exc:
                st.error(str(exc))

case = state.open_case()
try:
    if case.info.fictional:
        st.warning("FICTIONAL demo case: generated footage, invented companies.")
    st.subheader(case.info.title)
    st.caption(f"folder `{case.root.resolve()}` · created {case.info.created}")
    if case.info.summary:
        st.text(case.info.summary)
    held = casehome.holdings(case)
    st.caption(" · ".join(f"{n} {what}" for what, n in held.items()))

    st.markdown("#### Add footage")
    url_col, file_col = st.columns(2)
    with url_col.form("ingest_url"):
        url = st.text_input("video page URL (yt-dlp): a video, playlist or channel")
        with st.expander("login, proxy, collections"):
            jar = st.file_uploader("cookies file (Netscape format; never stored)")
            browser = st.text_input("or cookies from browser (firefox, chrome[:profile])")
            proxy = st.text_input("proxy (socks5h://127.0.0.1:9050, http://…)")
            max_videos = st.number_input("at most this many videos (0: all)", 0, step=1)
        if st.form_submit_button("Ingest URL") and url.strip():
            try:
                got = casehome.ingest_link(
                    case, url, state.reviewer(), jar.getvalue() if jar else None,
                    browser, proxy, int(max_videos), state.StreamlitProgress(),
                )  # fmt: skip
                st.success(f"{len(got.results)} video(s) ingested")
                for skip in got.skipped:
                    st.write(f"skipped {skip.item}: {skip.reason}")
            except WorkbenchError as exc:
                st.error(str(exc))
    with file_col.form("ingest_file"):
        upload = st.file_uploader("video file")
        if st.form_submit_button("Ingest file") and upload is not None:
            try:
                r = casehome.ingest_upload(
                    case, upload.name, upload.getvalue(), state.reviewer(),
                    state.StreamlitProgress(),
                )  # fmt: skip
                st.success(
                    f"Ingested {r.video_sha256[:12]}. Next: analyse it below (keyframes,"
                    " OCR, logos), or step through it on the Review page."
                )
            except WorkbenchError as exc:
                st.error(str(exc))

    with st.expander("This machine: what works here (workbench doctor)"):
        if st.button("Check this machine", key="case_doctor"):
            st.session_state["readiness"] = casehome.readiness(case.root)
        if st.session_state.get("readiness"):
            st.dataframe(
                pd.DataFrame(st.session_state["readiness"]), hide_index=True, width="stretch"
            )

    st.markdown("#### Sources")
    rows = casehome.sources_rows(case)
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.info("No footage yet.")

    st.markdown("#### Analyse")
    stages = st.multiselect("stages", STAGES, default=["keyframes", "ocr", "interfaces"])
    if st.button("Run analysis", key="case_analyze", disabled=not rows):
        logos = data_dir() / "logos" if "logos" in stages else None
        try:
            run = analyze(
                case,
                tuple(stages),
                logos=logos,
                progress=state.StreamlitProgress(),
                actor=state.reviewer(),
            )  # fmt: skip (in this process: Streamlit runs pages as __main__)
            for note in run.notes:
                st.info(note)
            for f in run.result.failures:
                st.error(f"Failed: {f.describe()}")
            for rp in run.result.reports:
                detail = ", ".join(f"{k} {v}" for k, v in rp.details.items())
                st.write(f"{rp.video[:12]} {rp.stage}: {'already done' if rp.skipped else detail}")
        except WorkbenchError as exc:
            st.error(str(exc))
finally:
    case.close()
