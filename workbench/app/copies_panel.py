"""The copies of the shot on screen, on the Review page (the work is in
`workbench.recognize.copies`)."""

from __future__ import annotations

import streamlit as st

from workbench.case.folder import Case
from workbench.recognize.copies import copies_at, earliest_upload
from workbench.video.clips import timecode


def copies(case: Case, sha: str, index: int) -> None:
    """Where this shot appears in the case's other videos, and the frame aligned with this
    one in each; the earliest known upload among them."""
    found = copies_at(case, sha, index)
    with st.expander(f"Copies of this shot ({len(found)})", expanded=bool(found)):
        if not found:
            st.caption(
                "No copy of this shot in the case's other videos"
                " (`workbench copies DIR` searches them)."
            )
            return
        for here in found:
            link = here.link
            st.caption(
                f"copy in {link.video_b[:12]}: frames {link.b_first}–{link.b_last}"
                f" ({timecode(link.b_first_time)}–{timecode(link.b_last_time)}), offset"
                f" {link.offset_s:+.3f} s; this frame is its frame {here.frame_index}"
                f" ({timecode(here.time_s)}) · {link.distance:.1f} bits · {link.method}"
            )
        first = earliest_upload(case, [sha, *(h.link.video_b for h in found)])
        if first is not None:
            st.caption(f"earliest known upload: {first[0][:12]} on {first[1]} ({first[2]})")
