"""Find everywhere, on the Review page: the current box becomes a reference, matched in
every video; each result opens the Review page at its frame (Streamlit widgets only; the
work is in workbench.recognize.find)."""

from __future__ import annotations

import streamlit as st

from workbench.app import state
from workbench.case import references
from workbench.case.folder import Case
from workbench.case.records import Video
from workbench.errors import WorkbenchError
from workbench.video.clips import timecode

K = "find_"


def open_at(video: str, index: int) -> None:
    """Show `video` at frame `index` (a callback: runs before the page draws)."""
    st.session_state["review_video"] = video
    st.session_state["review_goto"] = index


def find_everywhere(
    case: Case, video: Video, index: int, box: tuple[int, int, int, int] | None, who: str
) -> None:
    """The panel: label and kind, one button, then the results of the last search."""
    from workbench.recognize.find.make import make_reference
    from workbench.recognize.find.match import find_everywhere as run

    ss = st.session_state
    with st.expander("Find everywhere", expanded=bool(ss.get(K + "reference"))):
        cols = st.columns([2, 1])
        label = cols[0].text_input("what the box shows (label)", key=K + "label")
        kind = cols[1].radio("kind", ["mark", "screen"], key=K + "kind", horizontal=True)
        if st.button(f"Find the box of frame {index} everywhere", key=K + "go"):
            if box is None:
                st.error("Select a box first (drag on the picture or type x,y,w,h).")
            else:
                try:
                    ref, _ = make_reference(
                        case, video.sha256, index, box, who, label.strip() or None, kind
                    )
                    run(case, ref.id, progress=state.StreamlitProgress(), actor=who)
                except WorkbenchError as exc:
                    st.error(str(exc))
                else:
                    ss[K + "reference"] = ref.id
        rid = ss.get(K + "reference")
        shown = references.get(case.conn, rid) if rid else None
        if shown is None:
            return
        _results(case, shown)


def _results(case: Case, ref: references.Reference) -> None:
    from workbench.recognize.find.results import matches_of

    found = matches_of(case, ref.id)
    st.caption(
        f"Reference #{ref.id} ({ref.kind} {ref.label!r}, frame {ref.frame_index} of "
        f"{ref.video[:12]}, by {ref.created_by}): {len(found)} match(es), suggestions "
        "until someone confirms them."
    )
    for n, m in enumerate(found):
        row = st.columns([4, 1])
        row[0].write(
            f"#{m.observation_id} · {m.video[:12]} · frame {m.frame_index} · "
            f"{timecode(m.time_s)} · score {m.score:.2f}"
        )
        row[1].button("Open", key=f"{K}open_{n}", on_click=open_at, args=(m.video, m.frame_index))
