"""Review: step through a video frame by frame, zoom, enhance, rectify a screen, see the
machine's suggestions over the picture, and note what you see.

Widgets and layout only; the work is in workbench.app.frames (decoding and rendering),
coords (screen <-> frame pixels), overlays (drawing) and reviewing (navigation, clips,
notes). Frames are decoded on the server: the browser gets exact frames, not a player.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
from streamlit_image_coordinates import streamlit_image_coordinates

from workbench.app import (
    compare_panel,
    coords,
    copies_panel,
    find_panel,
    overlays,
    reviewing,
    state,
)
from workbench.app import review_panels as panels
from workbench.app.frames import PRESETS, ChainError, FrameService, encode, parse_chain
from workbench.case import citation, records
from workbench.case.observations import query
from workbench.errors import WorkbenchError
from workbench.video.analysis import load_analysis
from workbench.video.clips import timecode
from workbench.video.enhance import Chain
from workbench.video.index import FrameIndex

K = "review_"  # prefix of every widget and state key of this page
OVERLAY_KINDS = {"OCR": ("ocr",), "logos": ("logo",), "interfaces": ("interface", "capability")}
OVERLAY_KINDS["notes"] = ("manual",)


@st.cache_resource
def frame_service() -> FrameService:
    return FrameService(prefetch=True)


class _Encoded:
    """Already-encoded JPEG bytes, handed to streamlit_image_coordinates as an 'image'."""

    def __init__(self, data: bytes):
        self.data = data

    def save(self, fp: Any, format: str | None = None, **_: Any) -> None:
        fp.write(self.data)


ss = st.session_state


def go(index: int) -> None:
    """Move to frame `index` (a callback: runs before the widgets are drawn)."""
    count = ss.get(K + "count", 1)
    index = min(max(int(index), 0), count - 1)
    ss[K + "index"] = index
    ss[K + "frame"] = index
    if ss.get(K + "path"):
        ss[K + "time"] = round(_frames().time(index), 3)


def _frames() -> FrameIndex:
    return frame_service().reader(Path(ss[K + "path"]), ss[K + "for"]).index


def step(delta: int) -> None:
    go(ss.get(K + "index", 0) + delta)


def step_seconds(seconds: float) -> None:
    go(reviewing.step_seconds(ss.get(K + "index", 0), seconds, _frames()))


def jump_frame() -> None:
    go(int(ss.get(K + "frame") or 0))


def jump_time() -> None:
    go(reviewing.index_at_time(_frames(), float(ss.get(K + "time") or 0.0)))


def jump_pick(key: str) -> None:
    value = ss.get(key)
    if value is not None:
        go(int(value))
    ss[key] = None


def neighbour_shot(direction: int) -> None:
    go(reviewing.neighbour_shot(ss.get(K + "shots", []), ss.get(K + "index", 0), direction))


def zoom_to_box() -> None:
    try:
        w, h = ss[K + "frame_size"]
        ss[K + "zoom"] = coords.parse_box(ss.get(K + "box", ""), w, h)
        ss.pop(K + "box_error", None)
    except coords.BoxError as exc:
        ss[K + "box_error"] = str(exc)


def zoom_out() -> None:
    ss[K + "zoom"] = None


def clear_marks() -> None:
    ss[K + "box"] = ""
    ss[K + "corners"] = []
    ss[K + "quads"] = None


def reset_for_video(sha: str, path: str, count: int) -> None:
    ss[K + "for"] = sha
    ss[K + "path"] = path
    ss[K + "count"] = count
    ss[K + "zoom"] = None
    clear_marks()
    go(0)


# -- the case and the video -------------------------------------------------
case = state.open_case()
st.title("Review")
state.show_message("review")
videos = records.videos(case.conn)
if not videos:
    st.info("No video in this case yet. Ingest one (`workbench ingest DIR FILE_OR_URL`).")
    case.close()
    st.stop()
by_sha = {v.sha256: v for v in videos}
if ss.get(K + "video") not in by_sha:
    ss[K + "video"] = videos[0].sha256
origins = {s: records.sources(case.conn, s) for s in by_sha}
sha = st.selectbox(
    "video",
    list(by_sha),
    key=K + "video",
    format_func=lambda s: reviewing.video_label(by_sha[s], origins[s]),
)
video = by_sha[sha]
service = frame_service()
media = case.path(video.media_path)
try:
    reader = service.reader(media, sha)
except WorkbenchError as exc:
    st.error(str(exc))
    case.close()
    st.stop()
frames = reader.index
if ss.get(K + "for") != sha or ss.get(K + "count") != len(frames):
    reset_for_video(sha, str(media), len(frames))
if K + "goto" in ss:  # asked for by the keyboard viewer or the Findings page
    go(ss.pop(K + "goto"))
analysis = load_analysis(case, sha)
ss[K + "shots"] = list(analysis.shots) if analysis else []
index = reviewing.step(ss.get(K + "index", 0), 0, len(frames))
ss.setdefault(K + "corners", [])

# -- navigation -----------------------------------------------------------------
cols = st.columns([1, 1, 1, 1, 1, 1, 2, 2])
for col, (label, delta, key) in zip(
    cols,
    [("−10", -10, "prev10"), ("−1", -1, "prev1"), ("+1", 1, "next1"), ("+10", 10, "next10")],
    strict=False,
):
    col.button(label, key=K + key, on_click=step, args=(delta,), width="stretch")
cols[4].button("−1 s", key=K + "back1s", on_click=step_seconds, args=(-1.0,))
cols[5].button("+1 s", key=K + "fwd1s", on_click=step_seconds, args=(1.0,))
cols[6].number_input(
    "frame", min_value=0, max_value=len(frames) - 1, step=1, key=K + "frame", on_change=jump_frame
)
cols[7].number_input(  # no max: a time past the end goes to the last frame
    "time (s)",
    min_value=0.0,
    step=0.1,
    format="%.3f",
    key=K + "time",
    on_change=jump_time,
)

ref_time = frames.time(index)
if ss.get(K + "keys"):  # the viewer names the frame it shows, under its picture
    st.caption(f"source {sha[:12]} · the frame shown is named under the picture")
else:
    st.caption(
        reviewing.where_caption(video.kind, index, len(frames), timecode(ref_time), sha),
        help=f"source sha256 {sha}",
    )
panels.decoder_notes(case, sha, frames, index)

# -- enhancement chain --------------------------------------------------------------
with st.sidebar:
    st.subheader("Enhance")
    ss.setdefault(K + "chain", "")
    st.text_input(
        "chain",
        key=K + "chain",
        placeholder="clahe:clip=2|unsharp:amount=1.5|gamma:0.8",
        help="Steps separated by |, or a pasted JSON processing log.",
    )
    presets = [name for name in PRESETS if st.checkbox(name, key=K + "preset_" + name)]
    st.subheader("Show")
    shown_kinds = [
        kind
        for name, kinds in OVERLAY_KINDS.items()
        if st.checkbox(name, value=True, key=K + "ov_" + name)
        for kind in kinds
    ]
    labels = st.checkbox("labels", value=True, key=K + "ov_labels")
    st.toggle(
        "keyboard viewer",
        key=K + "keys",
        help="←/→ one frame, Shift ten, J/K/L, Home/End, a timeline; click a box to review it",
    )
    width = st.select_slider("display width", [640, 800, 960, 1280], value=960, key=K + "width")
    mode = st.radio(
        "a dragged box",
        ["zooms in", "selects for a note", "a click adds a screen corner"],
        key=K + "mode",
    )
try:
    chain = parse_chain(ss.get(K + "chain", ""), presets)
    ss[K + "chain_good"] = chain.to_json()
except ChainError as exc:
    st.error(f"{exc} The last chain that worked is still applied.")
    chain = Chain.from_json(ss[K + "chain_good"]) if ss.get(K + "chain_good") else Chain()

# -- the frame --------------------------------------------------------------------
zoom = ss.get(K + "zoom")
try:
    shown = service.render(media, sha, index, chain, zoom=zoom, width=width)
except ChainError as exc:
    st.error(f"{exc} Showing the frame without it.")
    chain = Chain()
    shown = service.render(media, sha, index, chain, zoom=zoom, width=width)
except WorkbenchError as exc:
    st.error(str(exc))
    case.close()
    st.stop()
view = shown.view
ss[K + "frame_size"] = shown.frame_size

observations = query(case.conn, video=sha)
shot = reviewing.shot_of(ss[K + "shots"], index)
bounds = (shot.first_index, shot.last_index) if shot else None
on_frame = overlays.for_frame(observations, index, shown_kinds, bounds)
selection = None
if ss.get(K + "box"):
    try:
        selection = coords.parse_box(ss[K + "box"], *shown.frame_size)
    except coords.BoxError:
        selection = None
quads = ss.get(K + "quads") or {}
quad_list = quads.get("quads", []) if quads.get("index") == index else []
if shown.mappable:
    picture = overlays.draw(
        shown.rgb,
        view,
        on_frame.observations,
        selection=selection,
        quads=quad_list,
        points=ss[K + "corners"],
        labels=labels,
        borrowed=on_frame.borrowed,
        highlight=ss.get(K + "highlight"),
    )
else:
    picture = shown.rgb
    st.warning("The chain crops or rectifies: boxes and overlays are off for this picture.")

if ss.get(K + "keys"):  # the keyboard viewer: frames stepped in the browser
    panels.keyboard_viewer(
        service, media, sha, index, len(frames), chain, zoom, width, observations,
        shown_kinds, labels, analysis,
    )  # fmt: skip
    event = None
else:
    event = streamlit_image_coordinates(
        _Encoded(encode(picture, "jpeg", 90)),
        key=K + "image",
        click_and_drag=True,
        image_format="JPEG",
        cursor="crosshair",
    )
panels.box_review(case, state.reviewer())
panels.evidence(case, shown, picture, tuple(o.id for o in on_frame.observations))
if event and event.get("unix_time") != ss.get(K + "event_time") and shown.mappable:
    ss[K + "event_time"] = event.get("unix_time")
    shown_w, shown_h = event.get("width"), event.get("height")
    box = view.rect_to_source(event["x1"], event["y1"], event["x2"], event["y2"], shown_w, shown_h)
    if mode == "a click adds a screen corner":
        point = view.to_source(event["x1"], event["y1"], shown_w, shown_h)
        ss[K + "corners"] = [*ss[K + "corners"], point][-4:]
    elif box is not None and mode == "zooms in":
        ss[K + "zoom"] = box
    elif box is not None:
        ss[K + "box"] = coords.format_box(box)
    st.rerun()

zoom_note = f" · zoom {coords.format_box(zoom)}" if zoom else ""
if not ss.get(K + "keys"):  # the viewer has its own caption
    st.caption(
        f"{citation.place(video.kind, index)} · {timecode(ref_time)} · {sha[:12]}"
        f" · pixels {shown.ref.pixel_sha256[:12]}"
        f"{zoom_note} · {on_frame.describe()}",
        help=f"source sha256 {sha}\ndecoded pixels sha256 {shown.ref.pixel_sha256}\n"
        f"processing: {shown.processing.to_string() or 'none'}",
    )
with st.expander("processing log"):
    st.code(shown.processing.to_json(), language="json")

# -- shots and keyframes -------------------------------------------------------------
nav = st.columns([1, 1, 3, 3])
nav[0].button("◀ shot", key=K + "prev_shot", on_click=neighbour_shot, args=(-1,))
nav[1].button("shot ▶", key=K + "next_shot", on_click=neighbour_shot, args=(1,))
if analysis:
    shot_starts = {s.first_index: reviewing.shot_label(s) for s in analysis.shots}
    nav[2].selectbox(
        "jump to a shot",
        [None, *shot_starts],
        format_func=lambda i: "jump to a shot…" if i is None else shot_starts[i],
        key=K + "shot",
        on_change=jump_pick,
        args=(K + "shot",),
    )
    kf_labels = {
        k.keyframe.index: f"keyframe {k.keyframe.index} · {timecode(k.keyframe.time)}"
        f" · shot {k.keyframe.shot_no} ({k.keyframe.reason})"
        for k in analysis.keyframes
    }
    nav[3].selectbox(
        "jump to a keyframe",
        [None, *kf_labels],
        format_func=lambda i: "jump to a keyframe…" if i is None else kf_labels[i],
        key=K + "keyframe",
        on_change=jump_pick,
        args=(K + "keyframe",),
    )
    strip = reviewing.shot_strip(case, analysis)[:48]
    per_row = 8
    for start in range(0, len(strip), per_row):
        row = st.columns(per_row)
        for col, item in zip(row, strip[start : start + per_row], strict=False):
            here = shot is not None and item.shot.shot_no == shot.shot_no
            if item.thumbnail is not None:
                col.image(str(item.thumbnail), width="stretch")
            col.button(
                f"{'▶ ' if here else ''}shot {item.shot.shot_no} · {item.keyframe_index}",
                key=f"{K}strip_{item.shot.shot_no}",
                on_click=go,
                args=(item.keyframe_index,),
                width="stretch",
            )
else:
    nav[2].caption("No shots yet: run `workbench analyze DIR --stages keyframes`.")

# -- box, zoom and note ------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader("Box")
    st.text_input(
        "box x,y,w,h (frame pixels)",
        key=K + "box",
        help="Drag on the picture, or type it.",
    )
    b = st.columns(3)
    b[0].button("Zoom to box", key=K + "zoom_in", on_click=zoom_to_box)
    b[1].button("Whole frame", key=K + "zoom_out", on_click=zoom_out, disabled=zoom is None)
    b[2].button("Clear marks", key=K + "clear", on_click=clear_marks)
    if ss.get(K + "box_error"):
        st.error(ss[K + "box_error"])
    elif ss.get(K + "box") and selection is None:
        try:
            coords.parse_box(ss[K + "box"], *shown.frame_size)
        except coords.BoxError as exc:
            st.error(str(exc))
with right:
    panels.note_form(case, video, index, selection)

# -- rectify a screen, slow motion ---------------------------------------------------
panels.rectify(service, media, sha, index, chain, quad_list)
panels.slow_motion(case, video, ref_time, chain)
compare_panel.compare(case, service, videos, (sha, index))
find_panel.find_everywhere(case, video, index, selection, state.reviewer())
copies_panel.copies(case, sha, index)

case.close()
