"""The Review page's side panels (Streamlit widgets; the work is in workbench.video and
workbench.app.reviewing): rectify a screen, make a slow-motion clip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from workbench.app import coords, reviewing
from workbench.app.frames import FrameService
from workbench.case.folder import Case
from workbench.case.records import Video
from workbench.errors import WorkbenchError
from workbench.video.enhance import Chain
from workbench.video.rectify import order_corners, rectify_quad, suggest_quads

K = "review_"
ss = st.session_state


def rectify(
    service: FrameService, media: Path, sha: str, index: int, chain: Chain, quad_list: list
) -> None:
    """Suggest screens or use four clicked corners; show the screen flattened."""
    with st.expander("Rectify a screen", expanded=bool(ss[K + "corners"] or quad_list)):
        c = st.columns(2)
        if c[0].button("Suggest screens", key=K + "suggest"):
            rgb, _ = service.frame(media, sha, index)
            found = suggest_quads(rgb)
            ss[K + "quads"] = {"index": index, "quads": [q.corners for q in found]}
            st.rerun()
        c[1].caption(
            f"{len(ss[K + 'corners'])}/4 corners clicked"
            " (set 'a dragged box' to 'a click adds a screen corner')"
        )
        choices: dict[str, Any] = {f"suggestion {n + 1}": q for n, q in enumerate(quad_list)}
        if len(ss[K + "corners"]) == 4:
            choices["clicked corners"] = ss[K + "corners"]
        if not choices:
            st.caption("No screen yet: suggest screens or click four corners.")
            return
        pick = st.radio("screen", list(choices), key=K + "quad_pick", horizontal=True)
        corners = order_corners(choices.get(pick, next(iter(choices.values()))))
        rgb, _ = service.frame(media, sha, index)
        try:
            flat = chain.apply(rectify_quad(rgb, corners))
        except (WorkbenchError, ValueError) as exc:
            st.error(f"The chain cannot be applied to the rectified screen: {exc}")
            flat = rectify_quad(rgb, corners)
        spec = "rectify:" + ",".join(f"{v:.1f}" for v in corners.ravel())
        st.image(flat, caption=f"{spec}|{chain.to_string()}".rstrip("|"))
        box = coords.bbox_of([tuple(p) for p in corners.tolist()])
        st.button(
            "Select this screen's box for a note",
            key=K + "quad_box",
            on_click=lambda b=box: ss.__setitem__(K + "box", coords.format_box(b)),
        )


def slow_motion(case: Case, video: Video, ref_time: float, chain: Chain) -> None:
    """A slow-motion clip from the current frame, made once under derived/clips/."""
    sha = video.sha256
    with st.expander("Slow motion"):
        s = st.columns(4)
        speed = s[0].select_slider("speed", reviewing.SPEEDS, value=0.25, key=K + "speed")
        seconds = s[1].number_input(
            "seconds of source", 0.2, 30.0, value=2.0, step=0.5, key=K + "clip_len"
        )
        burn = s[2].checkbox("burn frame number in", value=True, key=K + "burn")
        if s[3].button("Make clip", key=K + "clip"):
            try:
                with st.spinner("encoding…"):
                    path, _ = reviewing.slow_motion(
                        case, video, ref_time, float(seconds), float(speed), chain, burn
                    )
                ss[K + "clip_path"] = str(path)
            except WorkbenchError as exc:
                st.error(str(exc))
        clip = ss.get(K + "clip_path")
        if clip and Path(clip).is_file() and sha in clip:
            st.video(clip)
            st.caption(str(Path(clip).relative_to(case.root)))
