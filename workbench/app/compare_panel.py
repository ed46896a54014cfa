"""Compare: two frames side by side, from the same or different videos, each with its
own frame, zoom and enhancement chain (Streamlit widgets; the work is in FrameService)."""

from __future__ import annotations

import streamlit as st

from workbench.app import coords, reviewing
from workbench.app.frames import ChainError, FrameService, parse_chain
from workbench.case.folder import Case
from workbench.case.records import Video
from workbench.errors import WorkbenchError
from workbench.video.clips import timecode

K = "compare_"


def compare(case: Case, service: FrameService, videos: list[Video], here: tuple[str, int]) -> None:
    """Two panes; each starts at the frame the Review page shows."""
    by_sha = {v.sha256: v for v in videos}
    with st.expander("Compare two frames"):
        panes = st.columns(2)
        for n, pane in enumerate(panes):
            with pane:
                _pane(case, service, by_sha, here, f"{K}{n}_")


def _pane(
    case: Case, service: FrameService, by_sha: dict[str, Video], here: tuple[str, int], k: str
) -> None:
    ss = st.session_state
    ss.setdefault(k + "video", here[0] if here[0] in by_sha else next(iter(by_sha)))
    sha = st.selectbox(
        "compared video", list(by_sha), key=k + "video",
        format_func=lambda s: reviewing.video_label(by_sha[s]),
    )  # fmt: skip
    video = by_sha[sha]
    media = case.path(video.media_path)
    try:
        frames = service.reader(media, sha).index
    except WorkbenchError as exc:
        st.error(str(exc))
        return
    ss.setdefault(k + "frame", min(here[1], len(frames) - 1) if sha == here[0] else 0)
    if ss[k + "frame"] > len(frames) - 1:
        ss[k + "frame"] = len(frames) - 1
    index = int(st.number_input("compared frame", 0, len(frames) - 1, step=1, key=k + "frame"))
    chain_text = st.text_input(
        "compared frame's chain", key=k + "chain", placeholder="clahe:clip=2|gamma:0.8"
    )
    box_text = st.text_input("zoom x,y,w,h (frame pixels, empty: whole frame)", key=k + "zoom")
    try:
        chain = parse_chain(chain_text)
        zoom = coords.parse_box(box_text, video.width, video.height) if box_text.strip() else None
        shown = service.render(media, sha, index, chain, zoom=zoom, width=640)
    except (ChainError, coords.BoxError, WorkbenchError) as exc:
        st.error(str(exc))
        return
    st.image(
        shown.rgb,
        caption=f"frame {index} · {timecode(shown.ref.time_s)} · {sha[:12]}"
        f" · pixels {shown.ref.pixel_sha256[:12]} · {shown.processing.to_string() or 'as decoded'}",
    )
