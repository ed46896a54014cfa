"""Case file: a preview of the report, the review of what will be hidden in every
published image, and Publish. Logic lives in workbench.app.report_preview and
workbench.app.redaction_review."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from workbench.app import publish_job, state
from workbench.app import redaction_review as rr
from workbench.app import report_preview as rp
from workbench.app.graph_ops import html_data_uri
from workbench.errors import WorkbenchError
from workbench.publish.redact import RedactionPolicy
from workbench.publish.safe import md

if TYPE_CHECKING:
    from workbench.publish.faces import FaceDetector

LAST = "casefile_published"


def detector() -> FaceDetector | None:
    from workbench.publish.faces import default_detector

    try:
        return default_detector()
    except WorkbenchError as exc:
        st.warning(md(exc))
        return None


@st.fragment(run_every=1.0)
def publishing(root: Path) -> None:
    """The running publication's progress, read from its record every second (so a
    page opened again later shows it too); the whole page reruns once it has ended."""
    job = publish_job.latest(root)
    if job is None or not job.running:
        st.rerun()
    assert job is not None
    st.info(md(job.summary()))
    for task, (done, total) in job.progress.items():
        done = done or 0.0
        fraction = min(1.0, done / total) if total else 0.0
        label = f"{task}: {done:.0f}/{total:.0f}" if total else f"{task}: {done:.0f}"
        st.progress(fraction, text=label)


case = state.open_case()
try:
    who = state.reviewer()
    st.title("Case file")
    state.show_message("casefile")
    include = st.checkbox(
        "include machine suggestions (each labelled as machine-generated)",
        key="casefile_suggestions",
    )
    preview_tab, redaction_tab, publish_tab = st.tabs(["Preview", "Redaction", "Publish"])

    with preview_tab:
        st.info(
            "Preview of the report: text, tables and evidence; images are added, redacted, "
            "when publishing."
        )
        shape = st.radio("show", ["report", "Markdown"], horizontal=True, key="casefile_shape")
        if shape == "report":
            page = rp.preview_html(case, include, who)
            st.iframe(html_data_uri(page), height=900)
        else:
            st.code(rp.preview_markdown(case, include, who), language="markdown")

    with redaction_tab:
        policy = RedactionPolicy()
        found_images = rr.images(case, include)
        st.caption(
            f"{len(found_images)} frame(s) will be published, each with crops of its findings, "
            "and the graph picture. Faces the detector finds are always hidden (red, drawn "
            "with the margin that is hidden); boxes people marked are hidden too (yellow). "
            "Publishing searches crops and the hidden result again, so it may hide more."
        )
        if found_images:
            summary = pd.DataFrame(
                [
                    {
                        "image": im.key,
                        "frame": im.index,
                        "time_s": im.time_s,
                        "findings": len(im.findings),
                        "marked boxes": len(im.marked),
                    }
                    for im in found_images
                ]
            )
            st.dataframe(summary, hide_index=True)
            by_key = {im.key: im for im in found_images}
            key = st.selectbox("image", list(by_key), key="casefile_image")
            im = by_key[key]
            try:
                rgb, pixel_hash = rr.frame_rgb(case, im.video, im.index)
            except Exception as exc:  # an original that cannot be decoded
                st.error(md(f"The frame cannot be decoded: {exc}"))
                st.stop()
            det = detector()
            im.faces = rr.faces(case, rgb, pixel_hash, det, policy) if det else None
            st.image(rr.drawn(rgb, im.faces, im.marked, policy), caption=f"frame {im.index}")
            if im.faces is not None:
                st.dataframe(
                    pd.DataFrame(
                        [{"face box": list(f.box), "score": round(f.score, 3)} for f in im.faces],
                        columns=["face box", "score"],
                    ),
                    hide_index=True,
                )
            for m in im.marked:
                left, right = st.columns([4, 1])
                scope = "every frame of the video" if m.whole_video else "this frame"
                left.text(f"box #{m.id} {list(m.box)} ({scope}), marked by {m.by}: {m.note}")
                if right.button("Remove", key=f"remove_box_{m.id}"):
                    try:
                        rr.remove_box(case, who, m.id)
                    except WorkbenchError as exc:
                        st.error(md(exc))
                    else:
                        state.done("casefile", f"Box #{m.id} will no longer be hidden.")
            height, width = rgb.shape[:2]
            with st.form("add_box", clear_on_submit=True):
                st.markdown("**Hide another region** (in the frame's pixels)")
                c = st.columns(4)
                x = c[0].number_input("x", 0, width - 1, 0, key="box_x")
                y = c[1].number_input("y", 0, height - 1, 0, key="box_y")
                w = c[2].number_input("w", 1, width, min(64, width), key="box_w")
                h = c[3].number_input("h", 1, height, min(64, height), key="box_h")
                whole = st.checkbox("in every published frame of this video", key="box_video")
                note = st.text_input("why (recorded)", key="box_note")
                if st.form_submit_button("Add box"):
                    try:
                        b = rr.add_box(case, who, im.video, im.index, (x, y, w, h), whole, note)
                    except WorkbenchError as exc:
                        st.error(md(exc))
                    else:
                        state.done("casefile", f"Box #{b.id} {list(b.box)} will be hidden.")

    with publish_tab:
        pdf = st.checkbox("print a PDF as well (needs Chromium)", value=True, key="casefile_pdf")
        st.caption(
            "Writes the bundle to exports/<timestamp>/ with a zip next to it, then "
            "checks every file against its MANIFEST."
        )
        job = publish_job.latest(case.root)
        if st.button("Publish", key="publish", type="primary", disabled=bool(job and job.running)):
            try:  # a job of the server: closing the page does not stop it
                job = publish_job.start(case.root, who, include, pdf)
            except WorkbenchError as exc:
                st.error(md(exc))
        if job is not None and job.running:
            publishing(case.root)
        elif job is not None and job.state == "failed":
            st.session_state.pop(LAST, None)
            st.error(md(job.summary()))
        elif job is not None and job.result:
            st.session_state[LAST] = job.result
            st.info(md(job.summary()))
        last = st.session_state.get(LAST)
        if last:
            if last["verified"]:
                st.success(f"Published and verified: {last['files']} files match the MANIFEST.")
            else:
                st.error("Published, but verification FAILED: " + md("; ".join(last["problems"])))
            st.text(f"bundle: {Path(last['path']).resolve()}")
            if last.get("zip"):
                st.text(f"zip: {Path(last['zip']).resolve()}")
            st.text(f"manifest sha256: {last['manifest_sha256']}")
            cols = st.columns(4)
            cols[0].metric("findings", last["findings"])
            cols[1].metric("images", last["images"])
            cols[2].metric("faces hidden", last["faces_hidden"])
            cols[3].metric("marked boxes hidden", last["manual_hidden"])
            for note in last["notes"]:
                st.text(note)
            if last["zip"] and Path(last["zip"]).is_file():
                st.download_button(
                    "Download the zip",
                    data=Path(last["zip"]).read_bytes,
                    file_name=Path(last["zip"]).name,
                    mime="application/zip",
                    key="casefile_zip",
                    on_click="ignore",
                )
finally:
    case.close()
