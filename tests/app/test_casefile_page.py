"""The Case file page: report preview, redaction review (add and remove boxes, which
publish honours), Publish with verification; hostile strings stay text."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import pytest

from tests.app import appcases
from tests.publish.conftest import HOSTILE_TITLE, SUGGESTED_MARK
from workbench.app import publish_job
from workbench.case import Case
from workbench.case.audit import entries
from workbench.publish import content


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> appcases.Built:
    return appcases.build(tmp_path_factory.mktemp("casefile"))


@pytest.fixture()
def case_dir(built: appcases.Built, tmp_path: Path) -> Path:
    return appcases.copy(built, tmp_path / "case")


def preview(at) -> str:  # type: ignore[no-untyped-def]
    def walk(block):  # type: ignore[no-untyped-def]
        for child in getattr(block, "children", {}).values():
            if getattr(child, "type", "") == "iframe":
                yield child.proto.src
            yield from walk(child)

    (src,) = list(walk(at.main))
    return base64.b64decode(src.split(",", 1)[1]).decode()


def frame_key(built: appcases.Built, index: int) -> str:
    return f"{built.video[:12]}-{index:06d}"


def marked(case_dir: Path) -> dict:
    with Case.open(case_dir) as c:
        per_frame, _ = content.redaction_boxes(c)
    return per_frame


def test_preview_renders_the_report_with_every_string_escaped(
    case_dir: Path, built: appcases.Built
) -> None:
    at = appcases.page("casefile", case_dir).run()
    assert not at.exception
    page = preview(at)
    assert "<h1>" in page and 'id="findings"' in page
    assert html.escape(appcases.HOSTILE_OCR) in page and appcases.HOSTILE_OCR not in page
    assert html.escape(HOSTILE_TITLE) in page and HOSTILE_TITLE not in page
    assert "<script" not in page.lower()
    assert SUGGESTED_MARK not in page  # suggestions are not published by default
    for text in appcases.raw_texts(at):
        assert "<img" not in text and "<script" not in text
    at.checkbox(key="casefile_suggestions").check().run()
    assert SUGGESTED_MARK in preview(at)
    at.radio(key="casefile_shape").set_value("Markdown").run()
    assert at.code[0].value.startswith("# ")


def test_redaction_review_lists_published_frames_with_faces_and_boxes(
    case_dir: Path, built: appcases.Built
) -> None:
    at = appcases.page("casefile", case_dir).run()
    box = at.selectbox(key="casefile_image")
    assert set(box.options) == {
        frame_key(built, built.screen_index),
        frame_key(built, built.room_index),
    }
    box.set_value(frame_key(built, built.room_index)).run()
    assert not at.exception
    faces = at.dataframe[-1].value
    assert len(faces) >= 1 and (faces["score"] >= 0.2).all()
    assert any(f"box #{built.ids['redact']}" in t.value for t in at.text)
    assert at.image  # the frame with what will be hidden drawn on it
    assert list((case_dir / "derived" / "redaction").glob("*.json"))  # faces cached


def test_adding_and_removing_boxes_changes_what_publish_hides(
    case_dir: Path, built: appcases.Built
) -> None:
    at = appcases.page("casefile", case_dir, reviewer="frank").run()
    at.selectbox(key="casefile_image").set_value(frame_key(built, built.screen_index)).run()
    at.number_input(key="box_x").set_value(20)
    at.number_input(key="box_y").set_value(30)
    at.number_input(key="box_w").set_value(40)
    at.number_input(key="box_h").set_value(50)
    at.text_input(key="box_note").input("a licence plate")
    next(b for b in at.button if b.label == "Add box").click().run()
    assert not at.exception and not at.error
    assert marked(case_dir)[(built.video, built.screen_index)] == [(20, 30, 60, 80)]

    at.selectbox(key="casefile_image").set_value(frame_key(built, built.room_index)).run()
    at.button(key=f"remove_box_{built.ids['redact']}").click().run()
    assert (built.video, built.room_index) not in marked(case_dir)
    with Case.open(case_dir) as c:
        log = [(e.actor, e.action) for e in entries(c.conn)[-2:]]
    assert log == [("frank", "observation.annotate"), ("frank", "observation.reject")]

    at.checkbox(key="casefile_pdf").uncheck()
    at.button(key="publish").click().run()
    assert any(i.value.startswith("Publishing…") for i in at.info)  # a job of the server
    job = publish_job.wait(case_dir)
    assert job is not None and job.state == "published", job
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    name = Path(job.result["path"]).name  # the page names the absolute path, and what next
    assert any(i.value.startswith("Published at /") and name in i.value for i in at.info)
    last = at.session_state["casefile_published"]
    assert last["verified"] and not last["problems"]
    bundle = Path(last["path"])
    assert bundle.parent == case_dir / "exports"
    assert Path(last["zip"]).is_file() and Path(last["zip"]).name == bundle.name + ".zip"
    log = json.loads((bundle / "data" / "redactions.json").read_text())
    frames = {
        e["source"]["frame_index"]: e for e in log["images"] if e["file"].startswith("media/frame-")
    }
    assert frames[built.screen_index]["manual_boxes"] == [[20, 30, 60, 80]]
    assert frames[built.room_index]["manual_boxes"] == []  # the removed box
    assert any(s.value.startswith("Published and verified") for s in at.success)
    assert [b.label for b in at.download_button] == ["Download the zip"]


def test_publish_refuses_nothing_silently_when_the_detector_is_missing(
    case_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from workbench.publish import faces

    faces.default_detector.cache_clear()
    monkeypatch.setenv(faces.MODEL_ENV, str(tmp_path / "missing.onnx"))
    try:
        at = appcases.page("casefile", case_dir).run()
        assert not at.exception
        assert any("not a file" in w.value for w in at.warning)
        at.checkbox(key="casefile_pdf").uncheck()
        at.button(key="publish").click().run()
        job = publish_job.wait(case_dir)
        assert job is not None and job.state == "failed" and "not a file" in str(job.error)
        at.run()
        assert at.error and not at.exception
        assert "Publishing failed" in at.error[0].value
        assert not any((case_dir / "exports").iterdir())
    finally:
        faces.default_detector.cache_clear()
