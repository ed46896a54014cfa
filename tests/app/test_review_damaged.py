"""The Review page says which frames of a damaged file the decoder could not read cleanly."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.video import matrix
from workbench.case import Case, frame_index
from workbench.ingest.local import ingest_file

PAGE = Path(__file__).resolve().parents[2] / "workbench" / "app" / "views" / "review.py"


def test_damaged_frames_are_named_on_the_review_page(tmp_path: Path) -> None:
    clip = matrix.damaged(tmp_path)
    case_dir = tmp_path / "case"
    Case.init(case_dir, "Damaged", actor="tester").close()
    with Case.open(case_dir) as case:
        sha = ingest_file(case, clip, actor="tester").video_sha256
        summary = frame_index.summary(case.conn, sha)
    assert summary is not None and summary["damaged_frames"]
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state["case_dir"] = str(case_dir)
    at.session_state["reviewer"] = "alice"
    at.session_state["review_video"] = sha
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = " ".join(w.value for w in at.warning)
    first = summary["damaged_frames"][0]
    assert f"damaged: {first}" in warnings
    at.number_input(key="review_frame").set_value(first).run()
    assert "This frame was decoded with errors." in " ".join(w.value for w in at.warning)
