"""workbench.app.redaction_review, report_preview and graph_ops, without Streamlit."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.app import appcases
from workbench.app import graph_ops
from workbench.app import redaction_review as rr
from workbench.app import report_preview as rp
from workbench.case import Case
from workbench.case.observations import ReviewError
from workbench.graph.errors import GraphError
from workbench.publish.faces import Face
from workbench.publish.redact import RedactionPolicy


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> appcases.Built:
    return appcases.build(tmp_path_factory.mktemp("modules"))


@pytest.fixture()
def case(built: appcases.Built, tmp_path: Path):  # type: ignore[no-untyped-def]
    with Case.open(appcases.copy(built, tmp_path / "case")) as c:
        yield c


def test_images_are_the_published_frames_with_their_boxes(
    case: Case, built: appcases.Built
) -> None:
    found = {im.index: im for im in rr.images(case, include_suggestions=False)}
    assert set(found) == {built.screen_index, built.room_index}
    assert [m.id for m in found[built.room_index].marked] == [built.ids["redact"]]
    assert found[built.screen_index].marked == []


def test_a_whole_video_box_applies_to_every_published_frame(
    case: Case, built: appcases.Built
) -> None:
    box = rr.add_box(case, "ivy", built.video, built.screen_index, (1, 2, 3, 4), whole_video=True)
    assert box.box == (1, 2, 4, 6) and box.whole_video
    for im in rr.images(case, False):
        assert box.id in [m.id for m in im.marked]
    rr.remove_box(case, "ivy", box.id)
    assert all(box.id not in [m.id for m in im.marked] for im in rr.images(case, False))
    with pytest.raises(ReviewError):
        rr.remove_box(case, "ivy", built.ids["vendor"])  # a finding, not a box


def test_faces_are_cached_and_drawn(case: Case, built: appcases.Built) -> None:
    class Fake:
        method = "fake detector 1"
        calls = 0

        def detect(self, rgb, threshold, scale=1.0):  # type: ignore[no-untyped-def]
            Fake.calls += 1
            return [Face(10, 10, 50, 60, 0.9)]

    policy = RedactionPolicy()
    rgb, pix = rr.frame_rgb(case, built.video, built.room_index)
    first = rr.faces(case, rgb, pix, Fake(), policy)  # type: ignore[arg-type]
    calls = Fake.calls
    assert rr.faces(case, rgb, pix, Fake(), policy) == first  # type: ignore[arg-type]
    assert Fake.calls == calls
    png = rr.drawn(rgb, first, rr.images(case, False)[-1].marked, policy)
    assert png.startswith(b"\x89PNG")


def test_preview_is_the_report_without_images(case: Case) -> None:
    page = rp.preview_html(case, False, "judy")
    assert "<img" not in page and "Preview: the PDF is printed when publishing." in page
    assert str(case.root) not in page
    assert rp.preview_markdown(case, True, "judy").startswith("# ")


def test_export_folders_never_collide(case: Case) -> None:
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    first = rp.new_export_folder(case, when)
    assert first == case.root / "exports" / "20250102T030405Z"
    first.mkdir()
    assert rp.new_export_folder(case, when).name == "20250102T030405Z-2"


def test_graph_ops_refuse_bad_input_with_one_sentence(case: Case) -> None:
    with pytest.raises(GraphError):
        graph_ops.run_query(case, "suppliers", "  ")
    with pytest.raises(GraphError):
        graph_ops.edit_entity(case, "t", "org-nordview", {}, identifier="nordview")
    assert graph_ops.evidence_from("url") is None
    assert graph_ops.evidence_from("observation") is None
    assert graph_ops.confirmed_observations(case)
    r = graph_ops.new_relation(case, "t", "org-nordview", "partner_of", "org-qala-b-systems-b-llp")
    assert r.evidence == ()  # a hypothesis
    ev = graph_ops.evidence_from("document", title="Brochure")
    added = graph_ops.attach(case, "t", r.id, ev, upload=("../../brochure.pdf", b"%PDF-1.4"))
    assert added.media_path and (case.root / added.media_path).read_bytes() == b"%PDF-1.4"
