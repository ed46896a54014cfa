"""The Review page's side panels (Streamlit widgets; the work is in workbench.video and
workbench.app.reviewing): rectify a screen, make a slow-motion clip."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from workbench.app import coords, evidence_image, frame_window, reviewing, state, viewer
from workbench.app.findings_table import correct_one, review_ids
from workbench.app.frame_server import FrameServer
from workbench.app.frames import FrameService, Rendered
from workbench.case.folder import Case
from workbench.case.observations import Observation, corrected_by, query
from workbench.case.records import Video
from workbench.errors import WorkbenchError
from workbench.publish.safe import md
from workbench.video.analysis import StoredAnalysis
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


def keyboard_viewer(
    service: FrameService,
    media: Path,
    sha: str,
    index: int,
    count: int,
    chain: Chain,
    zoom: coords.Box | None,
    width: int,
    observations: list[Observation],
    kinds: list[str],
    labels: bool,
    analysis: StoredAnalysis | None,
) -> None:
    """The frame viewer over a window around `index`. A step out of the window, a
    stop, a click on the timeline or on a box comes back here and reruns the page; a
    new window asked for ahead of the viewer reruns only the viewer (a fragment)."""
    shots = list(analysis.shots) if analysis else []
    keyframes = [k.keyframe.index for k in analysis.keyframes] if analysis else []
    marks = frame_window.timeline(count, shots, keyframes, observations)
    _viewer_fragment(
        service, media, sha, index, count, chain, zoom, width, observations, kinds, labels,
        shots, marks,
    )  # fmt: skip


@st.fragment
def _viewer_fragment(
    service: FrameService,
    media: Path,
    sha: str,
    index: int,
    count: int,
    chain: Chain,
    zoom: coords.Box | None,
    width: int,
    observations: list[Observation],
    kinds: list[str],
    labels: bool,
    shots: list[Any],
    marks: list[dict[str, object]],
) -> None:
    msg = ss.get(K + "viewer")  # the viewer's last message, read before it is drawn
    if msg and msg.get("seq") != ss.get(K + "viewer_seq"):
        ss[K + "viewer_seq"] = msg.get("seq")
        at = int(msg.get("index", index))
        ss[K + "viewer_told"] = at
        if msg.get("action") == "window":  # only the window moves; the page follows later
            ss[K + "viewer_dir"] = -1 if msg.get("dir", 1) < 0 else 1
            ss[K + "viewer_at"] = (index, at, ss[K + "viewer_dir"], bool(msg.get("jump")))
            ss[K + "goto"] = at
        else:
            if msg.get("action") == "box":
                ss[K + "picked"] = int(msg["id"])
                ss[K + "highlight"] = int(msg["id"])
            ss[K + "goto"] = at
            st.rerun()
    center, direction, jump = index, ss.get(K + "viewer_dir", 1), False
    seen = ss.get(K + "viewer_at")
    if seen and seen[0] == index:  # the page has not moved since the viewer asked
        center, direction, jump = seen[1:]

    def bounds(i: int) -> tuple[int, int] | None:
        shot = reviewing.shot_of(shots, i)
        return (shot.first_index, shot.last_index) if shot else None

    view = frame_window.ViewSettings(
        media, sha, count, chain, zoom, width, tuple(observations), tuple(kinds), bounds, labels
    )
    server = _frame_server(service)
    address = server.publish(view) if server else None
    # with the frame server, the browser fetches the rest of the window itself: a rerun
    # renders only the few frames around the current one
    small = jump or address is not None
    behind, ahead = frame_window.JUMP if small else (frame_window.BEHIND, frame_window.AHEAD)
    window = frame_window.build(service, view, center, direction, behind, ahead)
    end = window[-1].time_s if window else 0.0
    last = window[-1].index if window else 0
    fps = round(last / end, 3) if end > 0 and last > 0 else 25.0
    # `moved`: since the last render, the page was moved by something else than the
    # viewer (a button, a field, the Findings page): the viewer goes there; otherwise
    # it stays where it is
    moved = index not in (ss.get(K + "viewer_page"), ss.get(K + "viewer_told"))
    ss[K + "viewer_page"] = index
    viewer.frame_viewer(
        window, index, count, fps, marks, moved, key=K + "viewer",
        server=address, view=view.signature[:16],
    )  # fmt: skip


@st.cache_resource(show_spinner=False)
def _frame_server(_service: FrameService) -> FrameServer | None:
    """One frame server per app process (none when WORKBENCH_FRAME_SERVER=0, or when no
    port can be opened: the viewer then asks the page for every window)."""
    if os.environ.get("WORKBENCH_FRAME_SERVER", "1") == "0":
        return None
    try:
        return FrameServer(_service)
    except OSError as exc:
        logging.getLogger(__name__).warning("no frame server: %s", exc)
        return None


def box_review(case: Case, who: str) -> None:
    """The box clicked on the picture (or opened from Findings): confirm, reject or
    correct it here, against the status shown (a change by someone else is refused)."""
    oid = ss.get(K + "picked")
    if oid is None:
        return
    found = query(case.conn, ids=[int(oid)])
    if not found:
        ss.pop(K + "picked", None)
        return
    obs = found[0]
    seen = ss.setdefault(K + "picked_seen", {}).setdefault(obs.id, obs.status)
    with st.container(border=True):
        typed = corrected_by(obs)
        credit = f" · typed by {', '.join(sorted(set(typed.values())))}" if typed else ""
        st.markdown(
            f"**#{obs.id}** {obs.kind} · **{seen}** · frame {obs.frame_index}"
            f" · {md(obs.method)}{md(credit)}"
        )
        st.text(obs.text or obs.label or "")
        c = st.columns([1, 1, 3, 1, 1])
        text = c[2].text_input("corrected text", value=obs.text or "", key=f"{K}fix_{obs.id}")
        action = None
        if c[0].button("Confirm", key=K + "box_confirm"):
            action = "confirmed"
        if c[1].button("Reject", key=K + "box_reject"):
            action = "rejected"
        fix = c[3].button("Correct", key=K + "box_correct")
        close = c[4].button("Close", key=K + "box_close")
        try:
            if action:
                review_ids(case, [obs.id], action, who, seen={obs.id: seen})
            elif fix:
                correct_one(case, obs.id, who, text=text, confirm=True, seen=seen)
        except WorkbenchError as exc:
            st.error(md(exc))
            ss[K + "picked_seen"][obs.id] = query(case.conn, ids=[obs.id])[0].status
            return
        if action or fix or close:
            ss.pop(K + "picked", None)
            ss.pop(K + "picked_seen", None)
            ss.pop(K + "highlight", None)
            verb = action or ("corrected" if fix else None)
            if verb:
                state.done("review", f"#{obs.id} {verb} by {who}.")
            st.rerun()


def evidence(case: Case, shown: Rendered, boxed: np.ndarray, box_ids: tuple[int, ...]) -> None:
    """Export what is on screen as a PNG with its provenance (text chunk + sidecar JSON)."""
    with st.expander("Evidence image"):
        with_boxes = st.checkbox("with boxes", value=True, key=K + "ev_boxes")
        if st.button("Export this picture", key=K + "ev_export"):
            done = evidence_image.export(
                case,
                boxed if with_boxes else shown.rgb,
                shown.ref,
                shown.processing,
                state.reviewer(),
                boxes=box_ids if with_boxes else (),
                zoom=ss.get(K + "zoom"),
            )
            ss[K + "ev_last"] = str(done.png)
        last = ss.get(K + "ev_last")
        if last and Path(last).is_file():
            png = Path(last)
            st.caption(
                f"{png.relative_to(case.root)} · sha256 {evidence_image.png_digest(png)[:16]}"
                " · provenance in the PNG's text chunk and in the .json beside it"
            )
            st.download_button(
                "Download PNG", png.read_bytes(), file_name=png.name, mime="image/png",
                key=K + "ev_download",
            )  # fmt: skip


def decoder_notes(case: Case, sha: str, frames: Any, index: int) -> None:
    """What the decoder found about this video (damaged, missing frames, odd timing)."""
    from workbench.case import frame_index

    if frames.damaged or frames.missing or frames.timing != "constant":
        note = frame_index.describe(frame_index.summary(case.conn, sha))
        here = " This frame was decoded with errors." if index in frames.damaged else ""
        st.warning(f"Frames of this video: {note}.{here}")


def note_form(case: Case, video: Video, index: int, selection: Any) -> None:
    """A note, tags and a label on the selected box, saved as a manual observation."""
    st.subheader("Note")
    note = st.text_area("what you see", key=K + "note", height=80)
    tags = st.text_input("tags (comma-separated)", key=K + "tags")
    label = st.text_input("label (optional: product, logo)", key=K + "label")
    who = state.reviewer()
    if st.button(f"Save note on frame {index} as {who}", key=K + "annotate"):
        if selection is None:
            st.error("Select a box first (drag on the picture or type x,y,w,h).")
        else:
            try:
                obs = reviewing.annotate_box(
                    case, video, index, selection, note, who, tags=tags, label=label
                )
            except WorkbenchError as exc:
                st.error(str(exc))
            else:  # rerun: the new note is drawn on the picture at once
                state.done("review", f"Saved note #{obs.id} on frame {obs.frame_index} by {who}.")
