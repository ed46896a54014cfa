"""The Review page's "Find everywhere" panel under AppTest: the current box is found in
another video, and a result opens the page at its frame in that video."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.findmedia import MARK_BOX, write_find_media
from workbench.case import Case
from workbench.case.references import all_references
from workbench.ingest.local import ingest_file
from workbench.video import analyze_keyframes

PAGE = Path(__file__).resolve().parents[2] / "workbench" / "app" / "views" / "review.py"


@pytest.fixture()
def shas(tmp_path: Path) -> tuple[Path, str, str]:
    (tmp_path / "media").mkdir()
    media = write_find_media(tmp_path / "media")
    case_dir = tmp_path / "case"
    Case.init(case_dir, "Find panel", actor="tester").close()
    with Case.open(case_dir) as case:
        a = ingest_file(case, media["a"], actor="tester").video_sha256
        b = ingest_file(case, media["b"], actor="tester").video_sha256
        for sha in (a, b):
            analyze_keyframes(case, sha, actor="tester")
    return case_dir, a, b


def test_find_everywhere_lists_matches_that_open_at_their_frame(
    shas: tuple[Path, str, str],
) -> None:
    case_dir, a, b = shas
    at = AppTest.from_file(str(PAGE), default_timeout=90)
    at.session_state["case_dir"] = str(case_dir)
    at.session_state["reviewer"] = "alice"
    at.session_state["review_video"] = a
    at.run()
    # no box yet: one sentence, nothing made
    at.button(key="find_go").click().run()
    assert any("Select a box first" in e.value for e in at.error)
    at.text_input(key="review_box").set_value(",".join(map(str, MARK_BOX))).run()
    at.text_input(key="find_label").set_value("Korgan Vision").run()
    at.button(key="find_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    with Case.open(case_dir) as case:
        refs = all_references(case.conn)
    assert [(r.label, r.created_by, r.video, r.frame_index) for r in refs] == [
        ("Korgan Vision", "alice", a, 0)
    ]
    rows = [m.value for m in at.markdown if " · frame " in m.value]
    in_b = [n for n, text in enumerate(rows) if b[:12] in text]
    assert in_b, rows
    at.button(key=f"find_open_{in_b[0]}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["review_video"] == b
    frame = int(rows[in_b[0]].split(" · frame ")[1].split(" ")[0])
    assert at.session_state["review_index"] == frame
