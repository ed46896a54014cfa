"""The frame viewer component: a window of frames stepped by key in the browser, a
timeline over the whole video, boxes that can be clicked. Its files are plain HTML and
JavaScript in components/frameviewer/ (no build step, nothing fetched from outside)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

from workbench.app.frame_window import WindowFrame

_viewer = components.declare_component(
    "frame_viewer", path=str(Path(__file__).with_name("components") / "frameviewer")
)


def frame_viewer(
    frames: list[WindowFrame],
    current: int,
    count: int,
    fps: float,
    marks: list[dict[str, object]],
    moved: bool,
    key: str,
    server: str | None = None,
    view: str = "",
) -> dict[str, Any] | None:
    """Show the window (the viewer goes to `current` when `moved`, else it stays on its
    frame when the window holds it); returns the viewer's last message ({"action": "goto" | "box",
    "index", "id", "seq"}) or None. With `server` (the frame server's address for this
    view), the viewer fetches the frames it lacks from there; `view` names the view (a
    new one clears the frames the browser holds)."""
    return _viewer(
        frames=[asdict(f) for f in frames],
        current=current,
        count=count,
        fps=fps,
        marks=marks,
        moved=moved,
        server=server,
        view=view,
        key=key,
        default=None,
    )
