"""Defects found by following a journalist's day through the app (issue 16): a new case
opens every page, an unexpected error stays one plain sentence, a decision made against a
status someone else changed is refused, corrections keep the machine's reading."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app import appcases
from workbench.app import overlays
from workbench.app.coords import View
from workbench.case import Case
from workbench.case.audit import entries
from workbench.case.observations import (
    Observation,
    ReviewError,
    StaleReview,
    correct,
    query,
    review,
    undo,
)

PAGES = ("case", "review", "findings", "graph", "casefile")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> appcases.Built:
    return appcases.build(tmp_path_factory.mktemp("realday"))


@pytest.fixture()
def case_dir(built: appcases.Built, tmp_path: Path) -> Path:
    return appcases.copy(built, tmp_path / "case")


@pytest.mark.parametrize("name", PAGES)
def test_a_new_empty_case_opens_every_page_without_an_error(name: str, tmp_path: Path) -> None:
    Case.init(tmp_path / "new", "A new case", actor="tester").close()
    at = appcases.page(name, tmp_path / "new").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _failing_page() -> None:
    from workbench.app import guard

    def page() -> None:
        raise KeyError("None of ['id'] are in /srv/secret/workbench/graph/queries.py")

    guard.run(page)


def test_an_unexpected_error_is_one_plain_sentence_without_paths_or_links() -> None:
    at = AppTest.from_function(_failing_page, default_timeout=30).run()
    assert not at.exception  # Streamlit's own error box (paths, outside links) never shows
    (box,) = at.error
    assert "went wrong" in box.value and "log" in box.value
    assert "/" not in box.value and "http" not in box.value and "KeyError" not in box.value


def test_a_decision_against_a_status_someone_changed_is_refused(
    case_dir: Path, built: appcases.Built
) -> None:
    oid = built.ids["suggested"]
    a = appcases.page("findings", case_dir, reviewer="alice").run()
    b = appcases.page("findings", case_dir, reviewer="bob").run()
    for at in (a, b):
        appcases.finding_picker(at).set_value(oid).run()
    a.button(key="confirm_one").click().run()
    assert not a.exception
    b.button(key="reject_one").click().run()  # bob still sees it suggested
    assert not b.exception
    refusal = " ".join(e.value for e in b.error)
    assert f"#{oid} was confirmed by alice" in refusal and "nothing was changed" in refusal
    with Case.open(case_dir) as c:
        (obs,) = query(c.conn, ids=[oid])
        assert (obs.status, obs.reviewed_by) == ("confirmed", "alice")
        assert not [e for e in entries(c.conn) if e.action == "observation.reject"
                    and e.target == f"observation:{oid}"]  # fmt: skip
    # now that bob has seen the confirmation, his rejection is a decision, and it counts
    b.button(key="reject_one").click().run()
    assert status_of(case_dir, oid) == ("rejected", "bob")


def status_of(case_dir: Path, oid: int) -> tuple[str, str | None]:
    with Case.open(case_dir) as c:
        (obs,) = query(c.conn, ids=[oid])
        return obs.status, obs.reviewed_by


def test_review_and_correct_refuse_a_stale_expected_status(
    case_dir: Path, built: appcases.Built
) -> None:
    oid = built.ids["suggested"]
    with Case.open(case_dir) as c:
        review(c.conn, [oid], "confirmed", "alice", expected={oid: "suggested"})
        with pytest.raises(StaleReview, match=r"confirmed by alice at \d{4}-"):
            review(c.conn, [oid], "rejected", "bob", expected={oid: "suggested"})
        with pytest.raises(StaleReview):
            correct(c.conn, oid, "bob", expected_status="suggested", text="X")
        assert query(c.conn, ids=[oid])[0].status == "confirmed"


def test_a_correction_credits_the_person_and_keeps_the_machine_reading(
    case_dir: Path, built: appcases.Built
) -> None:
    oid = built.ids["suggested"]
    with Case.open(case_dir) as c:
        before = query(c.conn, ids=[oid])[0]
        assert before.kind != "manual"
        fixed = correct(c.conn, oid, "carol", text="NORDVIEW CENTRAL")
        again = correct(c.conn, oid, "dan", text="NORDVIEW CENTRAL 2")
    assert fixed.params["typed_by"] == {"text": "carol"}
    assert again.params["typed_by"] == {"text": "dan"}
    assert again.params["machine_reading"] == {"text": before.text}  # the first reading stays
    assert again.method == before.method  # what produced the box is still the engine


def _obs(oid: int, frame: int, kind: str, bbox: list[int], text: str = "T") -> Observation:
    return Observation(
        id=oid, video="v" * 64, frame_index=frame, time_s=frame / 25, kind=kind, text=text,
        label=None, vendor=None, bbox=bbox, quad=None, score=None,
        status="confirmed" if kind == "manual" else "suggested", method=kind, params={},
        tags=[], pixel_sha256=None, created_at="", created_by="x", reviewed_at=None,
        reviewed_by=None,
    )  # fmt: skip


def test_a_note_does_not_hide_the_suggestions_borrowed_from_the_keyframe() -> None:
    ocr = _obs(1, 12, "ocr", [10, 10, 60, 30])
    note = _obs(2, 14, "manual", [5, 5, 40, 40])
    here = overlays.for_frame([ocr, note], 14)
    assert {o.id for o in here.observations} == {1, 2}
    assert here.borrowed == {1} and here.source_index == 12
    assert "from frame 12 (2 frames earlier, dashed boxes)" in here.describe()
    assert overlays.for_frame([ocr, note], 12).borrowed == frozenset()


def test_borrowed_boxes_are_dashed_and_labels_do_not_cover_the_text() -> None:
    blank = np.zeros((100, 200, 3), np.uint8)
    view = View.whole(200, 100, 200, 100)
    box = _obs(1, 12, "ocr", [20, 0, 180, 40], "A LONG READING THAT WOULD RUN OFF THE EDGE")
    solid = overlays.draw(blank, view, [box], labels=False)
    dashed = overlays.draw(blank, view, [box], labels=False, borrowed=frozenset({1}))
    edge = (slice(38, 42), slice(20, 180))  # the bottom edge of the box
    assert solid[edge].any(axis=2).sum() > 1.5 * dashed[edge].any(axis=2).sum() > 0
    labelled = overlays.draw(blank, view, [box], labels=True)
    assert not labelled[4:36, 24:176].any()  # the label sits below the box, not over it
    assert labelled[42:70].any()


def test_undo_sets_a_finding_back_and_withdraws_a_note(
    case_dir: Path, built: appcases.Built
) -> None:
    oid = built.ids["suggested"]
    at = appcases.page("findings", case_dir, reviewer="erin").run()
    appcases.finding_picker(at).set_value(oid).run()
    assert at.button(key="undo_one").disabled  # nothing to take back yet
    at.button(key="confirm_one").click().run()
    at.button(key="undo_one").click().run()
    assert not at.exception
    assert status_of(case_dir, oid) == ("suggested", "erin")
    with Case.open(case_dir) as c:
        actions = [e.action for e in entries(c.conn) if e.target == f"observation:{oid}"]
        assert actions[-2:] == ["observation.confirm", "observation.unreview"]
        note = next(o for o in query(c.conn, kind="manual") if o.status == "confirmed")
        withdrawn = undo(c.conn, note.id, "erin")
        assert withdrawn.status == "rejected" and withdrawn.params["withdrawn"]["by"] == "erin"
        with pytest.raises(ReviewError, match="already withdrawn"):
            undo(c.conn, note.id, "erin")
    at = appcases.page("findings", case_dir).run()  # gone from the views
    assert note.id not in [int(i) for i in at.data_editor[0].value["id"]]


def test_a_finding_opens_the_review_page_at_its_frame_with_its_box(
    case_dir: Path, built: appcases.Built
) -> None:
    from workbench.app import findings_table

    oid = built.ids["suggested"]
    with Case.open(case_dir) as c:
        (obs,) = query(c.conn, ids=[oid])
    at = appcases.page("review", case_dir)
    for k, v in findings_table.review_state(obs).items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["review_index"] == obs.frame_index
    assert at.caption[0].value.startswith(f"frame {obs.frame_index} / ")
    assert any(f"#{oid}" in m.value for m in at.markdown)  # its review panel is open


def test_search_finds_every_video_folds_look_alikes_and_opens_at_the_frame(
    case_dir: Path, built: appcases.Built
) -> None:
    from workbench.case.search import search

    oid = built.ids["suggested"]
    with Case.open(case_dir) as c:
        assert oid in [h.observation.id for h in search(c.conn, "sugg")]  # a prefix
        assert search(c.conn, '" OR * NEAR(') == []  # FTS5 syntax never reaches SQLite
        # a reading with a Cyrillic "О" is found by Latin letters, and the other way round
        correct(c.conn, oid, "fay", text="KOPT\u0415X центр")  # a Cyrillic "Е"
        assert [h.observation.id for h in search(c.conn, "koptex")] == [oid]
        assert [h.observation.id for h in search(c.conn, "КОРТЕХ")] == [oid]  # all Cyrillic
        assert search(c.conn, "sugg-7q") == []  # the old text left the index
        assert [h.observation.id for h in search(c.conn, "ЦЕНТР")] == [oid]  # case of "центр"
    at = appcases.page("findings", case_dir).run()
    at.text_input(key="findings_search").set_value("Koptex").run()
    assert not at.exception
    assert list(at.dataframe[0].value["id"]) == [oid]


def test_the_case_page_says_what_the_case_holds(case_dir: Path) -> None:
    from workbench.app import casehome

    at = appcases.page("case", case_dir).run()
    assert not at.exception
    with Case.open(case_dir) as c:
        held = casehome.holdings(c)
        machine = [o for o in query(c.conn) if o.kind != "manual"]
    assert held["videos"] == 1 and held["entities"] > 0
    assert held["suggestions to review"] == sum(o.status == "suggested" for o in machine)
    line = " · ".join(f"{n} {what}" for what, n in held.items())
    assert line in [cap.value for cap in at.caption]


def test_the_same_upload_twice_is_refused_with_one_sentence(
    built: appcases.Built, tmp_path: Path
) -> None:
    from workbench.app import casehome
    from workbench.case import records

    Case.init(tmp_path / "new", "Uploads", actor="tester").close()
    data = (built.case_dir.parent / "control-centre.mp4").read_bytes()
    with Case.open(tmp_path / "new") as c:
        first = casehome.ingest_upload(c, "clip.mp4", data, "tester")
        with pytest.raises(casehome.AlreadyIngested, match="already in this case"):
            casehome.ingest_upload(c, "clip.mp4", data, "tester")
        assert len(records.sources(c.conn, first.video_sha256)) == 1


def test_the_preview_is_not_published_and_reads_well(case_dir: Path) -> None:
    from workbench.app import report_preview

    with Case.open(case_dir) as c:
        html = report_preview.preview_html(c, include_suggestions=True, actor="gus")
        markdown = report_preview.preview_markdown(c, include_suggestions=True, actor="gus")
        methods = {o.method for o in query(c.conn)}
    for text in (html, markdown):
        assert "has not been published yet" in text and "Published 20" not in text
        assert "was not recorded the hash" not in text
    assert "No graph." not in html and "is drawn when publishing" in html
    assert "overflow-wrap:anywhere" not in html  # columns are not one character wide
    for method in methods:
        if "{" in method:  # a matcher's raw parameters stay in the data files
            assert method not in html


class _Recorder:
    def __init__(self) -> None:
        self.updates: list[tuple[str, float, float | None]] = []

    def update(self, task: str, completed: float, total: float | None = None) -> None:
        self.updates.append((task, completed, total))


def test_publishing_reports_each_image_and_the_report(case_dir: Path) -> None:
    from workbench.app import report_preview

    sink = _Recorder()
    with Case.open(case_dir) as c:
        pub = report_preview.publish_now(c, "hal", pdf=False, progress=sink)
    assert pub.verified
    images = [done for task, done, _ in sink.updates if task == "publish: redacting images"]
    total = next(t for task, _, t in sink.updates if task == "publish: redacting images")
    assert total and images == [0, *range(1, int(total) + 1), total]  # one step per image
    assert any("printing the PDF" in task for task, *_ in sink.updates)


def test_graph_queries_have_an_entity_picker(case_dir: Path) -> None:
    from workbench.app import graph_ops

    with Case.open(case_dir) as c:
        first, label = next(iter(graph_ops.entity_choices(c).items()))
    at = appcases.page("graph", case_dir).run()
    assert label in at.selectbox(key="query_pick").options
    at.selectbox(key="query_pick").set_value(first).run()
    assert not at.exception
    assert at.text_input(key="query_subject").value == first


def test_search_and_undo_from_the_command_line(case_dir: Path, built: appcases.Built) -> None:
    from click.testing import CliRunner

    from workbench.cli import main

    oid = built.ids["suggested"]
    run = CliRunner().invoke
    found = run(main, ["search", str(case_dir), "sugg", "--format", "json"])
    assert found.exit_code == 0, found.output
    assert oid in [row["id"] for row in json.loads(found.stdout)]
    nothing = run(main, ["search", str(case_dir), '" OR * NEAR('])
    assert nothing.exit_code == 0 and "Try fewer or shorter words" in nothing.stderr

    refused = run(main, ["undo", str(case_dir), str(oid), "--by", "gus"])
    assert refused.exit_code == 1 and "already a suggestion" in refused.stderr
    with Case.open(case_dir) as c:
        review(c.conn, [oid], "confirmed", "hal")
    stale = run(main, ["undo", str(case_dir), str(oid), "--expect", "suggested", "--by", "gus"])
    assert stale.exit_code == 1 and "was confirmed by hal" in stale.stderr
    done = run(main, ["undo", str(case_dir), str(oid), "--expect", "confirmed", "--by", "gus"])
    assert done.exit_code == 0 and "back to suggested" in done.stdout
    with Case.open(case_dir) as c:
        assert query(c.conn, ids=[oid])[0].status == "suggested"
        assert [(e.actor, e.action) for e in entries(c.conn)[-1:]] == [
            ("gus", "observation.unreview")
        ]


def test_an_evidence_image_from_the_command_line(case_dir: Path, built: appcases.Built) -> None:
    from click.testing import CliRunner

    from workbench.app.evidence_image import read_provenance
    from workbench.cli import main

    run = CliRunner().invoke
    args = ["evidence", str(case_dir), built.video[:12], "--by", "ivy"]
    bad = run(main, [*args, "--index", "100000"])
    assert bad.exit_code == 1 and "There is no frame 100000" in bad.stderr
    bad_zoom = run(main, [*args, "--index", str(built.screen_index), "--zoom", "0,0,99999,5"])
    assert bad_zoom.exit_code == 1 and "not inside" in bad_zoom.stderr
    assert not (case_dir / "exports" / "evidence").exists()  # nothing written on bad input
    ok = run(
        main,
        [*args, "--index", str(built.screen_index), "--boxes", "--chain", "gamma:0.8",
         "--zoom", "0,0,160,120"],
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output
    png = Path(ok.stdout.split()[0])
    facts = read_provenance(png)
    assert facts["frame_index"] == built.screen_index and facts["exported_by"] == "ivy"
    assert facts["processing"].startswith("crop:") and "gamma" in facts["processing"]
    assert facts["width"] == 160 and facts["boxes"]  # the findings on that very frame
    assert json.loads(png.with_suffix(".json").read_text())["png_sha256"] in ok.stdout
    with Case.open(case_dir) as c:
        assert [(e.actor, e.action) for e in entries(c.conn)[-1:]] == [("ivy", "evidence.export")]
