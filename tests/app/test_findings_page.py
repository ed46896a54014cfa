"""The Findings page: table with crops, filters, bulk and single review, corrections,
links to the graph; hostile OCR text stays text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app import appcases
from workbench.case import Case
from workbench.case.audit import entries
from workbench.case.observations import query


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> appcases.Built:
    return appcases.build(tmp_path_factory.mktemp("findings"))


@pytest.fixture()
def case_dir(built: appcases.Built, tmp_path: Path) -> Path:
    return appcases.copy(built, tmp_path / "case")


def tick(at, ids: list[int]):  # type: ignore[no-untyped-def]
    """Tick the `select` box of the rows showing these ids, as a browser user would."""
    editor = at.data_editor[0]
    rows = [int(i) for i in editor.value["id"]]
    at.session_state[editor.key] = {
        "edited_rows": {rows.index(i): {"select": True} for i in ids},
        "added_rows": [],
        "deleted_rows": [],
    }
    return at.run()


def status(case_dir: Path, oid: int):  # type: ignore[no-untyped-def]
    with Case.open(case_dir) as c:
        return query(c.conn, ids=[oid])[0]


def test_table_lists_every_observation_with_a_crop_and_a_select_column(
    case_dir: Path, built: appcases.Built
) -> None:
    at = appcases.page("findings", case_dir).run()
    assert not at.exception
    table = at.data_editor[0].value
    assert sorted(table["id"]) == sorted(built.ids.values())
    assert "select" in table.columns and not table["select"].any()
    assert all(str(uri).startswith("data:image/png;base64,") for uri in table["crop"])
    assert len(list((case_dir / "derived" / "crops").glob("*.png"))) == len(built.ids)
    assert at.button(key="confirm_selected").label == "Confirm selected"
    assert at.button(key="reject_selected").label == "Reject selected"
    assert at.button(key="confirm_selected").disabled  # nothing selected yet


def test_confirm_selected_changes_status_and_records_the_reviewer(
    case_dir: Path, built: appcases.Built
) -> None:
    at = appcases.page("findings", case_dir, reviewer="alice").run()
    oid = built.ids["suggested"]
    tick(at, [oid])
    at.button(key="confirm_selected").click().run()
    assert not at.exception
    obs = status(case_dir, oid)
    assert (obs.status, obs.reviewed_by) == ("confirmed", "alice")
    assert obs.reviewed_at
    with Case.open(case_dir) as c:
        last = entries(c.conn)[-1]
    assert (last.action, last.actor, last.target) == (
        "observation.confirm",
        "alice",
        f"observation:{oid}",
    )
    # the selection is cleared after the change
    assert not at.data_editor[0].value["select"].any()
    assert "1 observation(s) confirmed by alice." in [s.value for s in at.success]


def test_reject_selected_rejects_every_ticked_row(case_dir: Path, built: appcases.Built) -> None:
    at = appcases.page("findings", case_dir, reviewer="bob").run()
    ids = [built.ids["suggested"], built.ids["vendor"]]
    tick(at, ids)
    at.button(key="reject_selected").click().run()
    for oid in ids:
        obs = status(case_dir, oid)
        assert (obs.status, obs.reviewed_by) == ("rejected", "bob")
    assert status(case_dir, built.ids["hostile"]).status == "confirmed"  # not ticked


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("status", "suggested", ["suggested"]),
        ("kind", "capability", ["face-search"]),
        ("vendor", "Nordview", ["vendor"]),
        ("status", "rejected", ["rejected"]),
    ],
)
def test_filters_narrow_the_rows(
    case_dir: Path, built: appcases.Built, name: str, value: str, expected: list[str]
) -> None:
    at = appcases.page("findings", case_dir).run()
    at.selectbox(key=f"findings_filter_{name}").set_value(value).run()
    assert sorted(at.data_editor[0].value["id"]) == sorted(built.ids[k] for k in expected)


def test_video_filter_and_an_empty_result(case_dir: Path, built: appcases.Built) -> None:
    at = appcases.page("findings", case_dir).run()
    at.selectbox(key="findings_filter_video").set_value(built.video).run()
    assert len(at.data_editor[0].value) == len(built.ids)
    at.selectbox(key="findings_filter_kind").set_value("interface").run()
    assert at.data_editor[0].value.empty
    assert not at.exception
    assert any("No observation matches" in i.value for i in at.info)


def test_correct_changes_text_and_vendor_with_who_and_when(
    case_dir: Path, built: appcases.Built
) -> None:
    oid = built.ids["suggested"]
    at = appcases.page("findings", case_dir, reviewer="carol").run()
    appcases.finding_picker(at).set_value(oid).run()
    at.text_input(key=f"correct_text_{oid}").input("NORDVIEW CENTRAL")
    at.text_input(key=f"correct_vendor_{oid}").input("Nordview")
    next(b for b in at.button if b.label == "Save correction").click().run()
    assert not at.exception
    obs = status(case_dir, oid)
    assert (obs.text, obs.vendor, obs.status, obs.reviewed_by) == (
        "NORDVIEW CENTRAL",
        "Nordview",
        "confirmed",  # "confirm it as corrected" is ticked by default
        "carol",
    )
    with Case.open(case_dir) as c:
        fix = next(e for e in entries(c.conn) if e.action == "observation.correct")
    assert fix.actor == "carol"
    assert fix.params["from"] == {"text": built_text(), "vendor": None}
    assert fix.params["to"] == {"text": "NORDVIEW CENTRAL", "vendor": "Nordview"}


def built_text() -> str:
    from tests.publish.conftest import SUGGESTED_TEXT

    return SUGGESTED_TEXT


def test_single_confirm_and_reject_buttons(case_dir: Path, built: appcases.Built) -> None:
    oid = built.ids["suggested"]
    at = appcases.page("findings", case_dir, reviewer="dan").run()
    appcases.finding_picker(at).set_value(oid).run()
    at.button(key="reject_one").click().run()
    assert (status(case_dir, oid).status, status(case_dir, oid).reviewed_by) == ("rejected", "dan")


def test_a_confirmed_finding_becomes_evidence_of_a_relation(
    case_dir: Path, built: appcases.Built
) -> None:
    oid = built.ids["hostile"]  # confirmed, not yet cited
    at = appcases.page("findings", case_dir).run()
    appcases.finding_picker(at).set_value(oid).run()
    rid = at.selectbox(key="link_rel").value
    next(b for b in at.button if b.label == "Add as evidence").click().run()
    assert not at.exception, at.exception
    with Case.open(case_dir) as c:
        cited = c.conn.execute(
            "SELECT relation_id FROM evidence WHERE observation_id = ?", (oid,)
        ).fetchall()
    assert [r[0] for r in cited] == [rid]


def test_appears_in_link_and_a_suggestion_is_refused(case_dir: Path, built: appcases.Built) -> None:
    at = appcases.page("findings", case_dir).run()
    appcases.finding_picker(at).set_value(built.ids["suggested"]).run()
    at.radio(key="findings_link_how").set_value("appears in (entity → site)").run()
    next(b for b in at.button if b.label == "Link").click().run()
    assert any("not confirmed" in e.value for e in at.error)  # suggestions are not evidence
    appcases.finding_picker(at).set_value(built.ids["vendor"]).run()
    at.radio(key="findings_link_how").set_value("appears in (entity → site)").run()
    next(b for b in at.button if b.label == "Link").click().run()
    assert not at.error
    with Case.open(case_dir) as c:
        row = c.conn.execute(
            "SELECT r.kind FROM evidence e JOIN relations r ON r.id = e.relation_id"
            " WHERE e.observation_id = ? AND r.kind = 'appears_in'",
            (built.ids["vendor"],),
        ).fetchone()
    assert row is not None


def test_hostile_ocr_text_is_shown_as_text_never_as_markup(
    case_dir: Path, built: appcases.Built
) -> None:
    at = appcases.page("findings", case_dir).run()
    assert appcases.HOSTILE_OCR in list(at.data_editor[0].value["text"])  # as a cell value
    appcases.finding_picker(at).set_value(built.ids["hostile"]).run()
    assert not at.exception
    shown = at.table[0].value
    assert appcases.HOSTILE_OCR in list(shown.iloc[:, 0])  # a table cell: plain text
    assert "None" not in list(shown.iloc[:, 0]) and "null" not in list(shown.iloc[:, 0])
    for text in appcases.raw_texts(at):
        assert "<img" not in text and "<script" not in text


# -- paging ------------------------------------------------------------------------------
def add_many(case_dir: Path, built: appcases.Built, n: int) -> list[int]:
    """N more suggested OCR findings on the screen frame, each with a box of its own;
    returns every id in the table's order."""
    from workbench.app import findings_table as ft
    from workbench.case.observations import NewObservation, insert
    from workbench.case.store import transaction

    with Case.open(case_dir) as c:
        like = query(c.conn, ids=[built.ids["vendor"]])[0]
        with transaction(c.conn) as conn:
            for i in range(n):
                insert(
                    conn,
                    NewObservation(
                        video_sha256=like.video,
                        frame_index=like.frame_index,
                        time_s=like.time_s,
                        pixel_sha256=like.pixel_sha256,
                        kind="ocr",
                        method="tesseract 5.3.0",
                        created_by="tesseract 5.3.0",
                        text=f"LINE {i:03d}",
                        bbox=(10 + i, 10, 60 + i, 30),
                        score=0.5,
                    ),
                )
        return [o.id for o in ft.observations(c)]


def crop_ids(case_dir: Path) -> set[int]:
    return {int(p.name.split("-")[0]) for p in (case_dir / "derived" / "crops").glob("*.png")}


def page_caption(at) -> str:  # type: ignore[no-untyped-def]
    return next(c.value for c in at.caption if c.value.startswith("rows "))


def test_pages_show_their_rows_and_cut_only_their_crops(
    case_dir: Path, built: appcases.Built
) -> None:
    every = add_many(case_dir, built, 60)
    assert len(every) == 66
    at = appcases.page("findings", case_dir).run()
    assert not at.exception
    assert at.selectbox(key="findings_page_size").value == 50
    assert [int(i) for i in at.data_editor[0].value["id"]] == every[:50]
    assert page_caption(at).startswith("rows 1–50 of 66")
    assert crop_ids(case_dir) == set(every[:50])  # no crop cut for rows not shown
    # the one-finding list offers this page's rows
    assert [int(o.split()[0][1:]) for o in appcases.finding_picker(at).options] == every[:50]

    at.number_input(key="findings_page").set_value(2).run()
    assert not at.exception
    assert [int(i) for i in at.data_editor[0].value["id"]] == every[50:]
    assert page_caption(at).startswith("rows 51–66 of 66")
    assert crop_ids(case_dir) == set(every)

    at.selectbox(key="findings_page_size").set_value(25).run()
    assert at.number_input(key="findings_page").value == 1  # a new size starts at page 1
    assert [int(i) for i in at.data_editor[0].value["id"]] == every[:25]
    at.number_input(key="findings_page").set_value(3).run()
    assert [int(i) for i in at.data_editor[0].value["id"]] == every[50:]
    assert page_caption(at).startswith("rows 51–66 of 66")


def test_a_filter_resets_the_page(case_dir: Path, built: appcases.Built) -> None:
    every = add_many(case_dir, built, 60)
    at = appcases.page("findings", case_dir).run()
    at.number_input(key="findings_page").set_value(2).run()
    assert page_caption(at).startswith("rows 51–66")
    at.selectbox(key="findings_filter_kind").set_value("ocr").run()
    assert at.number_input(key="findings_page").value == 1
    assert page_caption(at).startswith("rows 1–50 of 64")
    at.selectbox(key="findings_filter_kind").set_value("(all)").run()
    assert [int(i) for i in at.data_editor[0].value["id"]] == every[:50]


def test_bulk_actions_apply_to_the_ticked_rows_of_the_current_page(
    case_dir: Path, built: appcases.Built
) -> None:
    every = add_many(case_dir, built, 60)
    at = appcases.page("findings", case_dir, reviewer="pat").run()
    at.selectbox(key="findings_filter_status").set_value("suggested").run()
    suggested = [int(i) for i in at.data_editor[0].value["id"]]
    at.number_input(key="findings_page").set_value(2).run()
    on_page = [int(i) for i in at.data_editor[0].value["id"]]
    assert on_page and not set(on_page) & set(suggested)
    tick(at, on_page[:2])
    at.button(key="confirm_selected").click().run()
    assert not at.exception
    for oid in on_page[:2]:
        assert (status(case_dir, oid).status, status(case_dir, oid).reviewed_by) == (
            "confirmed",
            "pat",
        )
    for oid in [*suggested, *on_page[2:]]:
        assert status(case_dir, oid).status == "suggested"  # not ticked (or another page)
    assert "2 observation(s) confirmed by pat." in [s.value for s in at.success]
    # the confirmed rows left the "suggested" filter; the page holds the rest
    assert [int(i) for i in at.data_editor[0].value["id"]] == on_page[2:]
    assert len(every) == 66


def test_a_page_past_the_end_falls_back_to_the_last_one(
    case_dir: Path, built: appcases.Built
) -> None:
    every = add_many(case_dir, built, 60)
    at = appcases.page("findings", case_dir).run()
    at.selectbox(key="findings_page_size").set_value(100).run()
    at.session_state["findings_page"] = 2  # e.g. kept from before the rows went away
    at.run()
    assert not at.exception
    assert at.number_input(key="findings_page").value == 1
    assert [int(i) for i in at.data_editor[0].value["id"]] == every
