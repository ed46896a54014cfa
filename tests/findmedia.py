"""Small clips for find-everywhere tests: one mark, seen upright in A, smaller, turned and
in perspective in B, absent from C."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.recognize.synthlogos import Placement, paste_logo, render_logo, render_scene
from workbench.synth import write_video

SIZE = (640, 360)
MARK_BOX = (260, 100, 150, 54)  # where the mark sits, upright, in video A (x, y, w, h)
B_CENTER = (420, 210)  # where it sits in video B: smaller, turned and in perspective


def _mark() -> np.ndarray:
    return render_logo("Korgan Vision", seed=41, width=300)


def _clip(path: Path, frame: np.ndarray, count: int = 8) -> Path:
    write_video(path, (frame for _ in range(count)), fps=4, gop=4, crf=20)
    return path


def write_find_media(folder: Path) -> dict[str, Path]:
    """Three small clips: A shows the mark upright, B the same mark smaller, turned and in
    perspective in another room, C a room without it."""
    mark = _mark()
    x, y, w, _ = MARK_BOX
    upright = Placement(width=w, center=(x + w / 2, y + MARK_BOX[3] / 2))
    a = paste_logo(render_scene(3, *SIZE), mark, upright)[0]
    turned = Placement(width=110, center=B_CENTER, rotation=9, perspective=0.12, seed=5)
    b = paste_logo(render_scene(8, *SIZE), mark, turned)[0]
    c = render_scene(13, *SIZE)
    return {
        "a": _clip(folder / "a.mp4", a),
        "b": _clip(folder / "b.mp4", b),
        "c": _clip(folder / "c.mp4", c),
    }
