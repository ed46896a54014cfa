"""workbench.app.findings_table and observations.correct, without Streamlit."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.app import appcases
from workbench.app import finding_crops
from workbench.app import findings_table as ft
from workbench.case import Case
from workbench.case.audit import entries, verify_chain
from workbench.case.observations import ReviewError, correct, query
from workbench.graph.errors import GraphError


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> appcases.Built:
    return appcases.build(tmp_path_factory.mktemp("table"))


@pytest.fixture()
def case(built: appcases.Built, tmp_path: Path):  # type: ignore[no-untyped-def]
    with Case.open(appcases.copy(built, tmp_path / "case")) as c:
        yield c


def test_frame_has_the_columns_and_filters(case: Case, built: appcases.Built) -> None:
    df = ft.frame(case)
    assert list(df.columns) == list(ft.COLUMNS)
    assert len(df) == len(built.ids)
    only = ft.frame(case, ft.Filters(kind="ocr", status="confirmed"), with_crops=False)
    assert list(only["id"]) == sorted([built.ids["vendor"], built.ids["hostile"]])
    assert only["crop"].isna().all()
    assert ft.frame(case, ft.Filters(video=built.video[:8]), with_crops=False).shape[0] == len(
        built.ids
    )
    options = ft.filter_options(case)
    assert options["vendor"] == ["Nordview"] and options["video"] == [built.video]


def test_crops_are_cached_by_id_and_pixel_hash(case: Case, built: appcases.Built) -> None:
    obs = query(case.conn, ids=[built.ids["vendor"]])[0]
    first = finding_crops.crops(case, [obs])[obs.id]
    assert first.parent == case.root / "derived" / "crops"
    assert first.name.startswith(f"{obs.id}-{obs.pixel_sha256[:16]}-")
    before = first.stat().st_mtime_ns
    assert finding_crops.crops(case, [obs])[obs.id] == first
    assert first.stat().st_mtime_ns == before  # not cut again
    from PIL import Image

    with Image.open(first) as img:
        assert max(img.size) <= finding_crops.THUMB_MAX


def test_selected_ids_reads_the_select_column() -> None:
    df = pd.DataFrame({"select": [True, False, True], "id": [4, 5, 6]})
    assert ft.selected_ids(df) == [4, 6]
    assert ft.selected_ids(pd.DataFrame(columns=["select", "id"])) == []


def test_correct_keeps_status_and_audits_before_and_after(
    case: Case, built: appcases.Built
) -> None:
    oid = built.ids["suggested"]
    obs = correct(case.conn, oid, "gina", text="  Fixed  ", label="", vendor=None)
    assert (obs.text, obs.label, obs.status, obs.reviewed_by) == (
        "Fixed",
        None,
        "suggested",
        "gina",
    )
    last = entries(case.conn)[-1]
    assert last.action == "observation.correct" and last.params["to"] == {"text": "Fixed"}
    n = len(entries(case.conn))
    correct(case.conn, oid, "gina", text="Fixed")  # nothing changes: nothing recorded
    assert len(entries(case.conn)) == n
    assert not verify_chain(case.conn)
    with pytest.raises(ReviewError):
        correct(case.conn, 9999, "gina", text="x")
    with pytest.raises(ReviewError):
        correct(case.conn, oid, "gina", status="confirmed")  # type: ignore[arg-type]


def test_correct_one_can_confirm(case: Case, built: appcases.Built) -> None:
    obs = ft.correct_one(case, built.ids["suggested"], "hal", vendor="Nordview", confirm=True)
    assert (obs.vendor, obs.status, obs.reviewed_by) == ("Nordview", "confirmed", "hal")


def test_links_to_the_graph_need_a_confirmed_observation(case: Case, built: appcases.Built) -> None:
    with pytest.raises(GraphError, match="not confirmed"):
        ft.link_to_relation(case, "t", built.ids["suggested"], 1)
    ev = ft.link_to_relation(case, "t", built.ids["hostile"], 1, note="seen on screen")
    assert ev.ref == f"observation:{built.ids['hostile']}"
    entity, site = "org-nordview", "site-operational-control-centre"
    rid = ft.link_appears_in(case, "t", built.ids["vendor"], entity, site)
    again = ft.link_appears_in(case, "t", built.ids["hostile"], entity, site)
    assert rid == again  # the second observation is added to the same relation
    count = case.conn.execute("SELECT count(*) FROM evidence WHERE relation_id = ?", (rid,))
    assert count.fetchone()[0] == 2
    assert set(ft.entity_choices(case, ("site",))) == {site}
    assert [r for r, _ in ft.relation_choices(case)][-1] == rid


def test_frame_offset_and_limit_cut_crops_only_for_those_rows(
    case: Case, built: appcases.Built
) -> None:
    every = [o.id for o in ft.observations(case)]
    part = ft.frame(case, offset=2, limit=3)
    assert list(part["id"]) == every[2:5]
    assert part["crop"].notna().all()
    cut = {int(p.name.split("-")[0]) for p in (case.root / finding_crops.CROPS).glob("*.png")}
    assert cut == set(every[2:5])
    assert list(ft.frame(case, offset=4, with_crops=False)["id"]) == every[4:]
    assert ft.frame(case, offset=99, limit=5, with_crops=False).empty


def test_page_numbers_sizes_and_captions(case: Case, built: appcases.Built) -> None:
    items = ft.observations(case)
    n = len(items)
    assert ft.page_count(0, 50) == 1 and ft.page_count(50, 50) == 1 and ft.page_count(51, 50) == 2
    first = ft.page(case, items, 1, 4, with_crops=False)
    assert list(first.table["id"]) == [o.id for o in items[:4]]
    assert (first.first, first.last, first.pages) == (1, 4, 2)
    assert first.caption == f"rows 1–4 of {n}"
    second = ft.page(case, items, 2, 4, with_crops=False)
    assert list(second.table["id"]) == [o.id for o in items[4:8]]
    assert second.caption == f"rows 5–{n} of {n}"
    assert ft.page(case, items, 9, 4, with_crops=False).number == 2  # past the end: the last
    empty = ft.page(case, [], 3, 25)
    assert (empty.number, empty.caption, empty.table.empty) == (1, "rows 0–0 of 0", True)
    assert list(empty.table.columns) == list(ft.COLUMNS)
