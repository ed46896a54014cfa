"""Cases for the app's page tests: the publish tests' case (real footage-like frames,
faces, findings, a graph, hostile strings), built once per test module and copied."""

from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.publish import scenes
from tests.publish.conftest import FRAMES_EACH, HOSTILE_OCR, Built, build_case
from workbench.synth import write_video

PAGES = Path(__file__).resolve().parents[2] / "workbench" / "app" / "views"
EVIL_NAME = "<img src=x onerror=\"alert('entity')\">"

__all__ = ["EVIL_NAME", "HOSTILE_OCR", "Built", "build", "copy", "page", "raw_texts"]


def build(root: Path) -> Built:
    footage = root / "control-centre.mp4"
    write_video(footage, scenes.frames(FRAMES_EACH), fps=25, gop=6, crf=16)
    return build_case(root / "case", footage)


def copy(built: Built, dest: Path) -> Path:
    shutil.copytree(built.case_dir, dest)
    return dest


def page(name: str, case_dir: Path, reviewer: str = "alice") -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    at.session_state["case_dir"] = str(case_dir)
    at.session_state["reviewer"] = reviewer
    return at


def raw_texts(at: AppTest) -> list[str]:
    """Everything the page hands the browser as Markdown or HTML (not as plain text)."""
    out = [m.value for m in at.markdown] + [m.value for m in at.caption]
    out += [e.value for e in at.error] + [e.value for e in at.success]
    out += [e.value for e in at.info] + [e.value for e in at.warning]
    out += [h.proto.body for h in at.html]
    out += [t.value for t in at.title] + [t.value for t in at.subheader]
    return out


def finding_picker(at: AppTest):  # type: ignore[no-untyped-def]
    """The Findings page's "finding" picker (its key changes with its labels)."""
    return next(s for s in at.selectbox if s.label == "finding")
