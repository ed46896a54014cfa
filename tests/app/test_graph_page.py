"""The Graph page: the embedded view, forms that add and edit entities, relations and
evidence, queries, exports; hostile names stay text."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.app import appcases
from workbench.app import graph_ops
from workbench.case import Case
from workbench.graph.entities import add_entity, list_entities, resolve
from workbench.graph.relations import get_relation


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> appcases.Built:
    return appcases.build(tmp_path_factory.mktemp("graph"))


@pytest.fixture()
def case_dir(built: appcases.Built, tmp_path: Path) -> Path:
    return appcases.copy(built, tmp_path / "case")


def submit(at, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label).click().run()


def iframe_pages(at) -> list[str]:  # type: ignore[no-untyped-def]
    """The HTML of every st.iframe on the page (given as data: URLs)."""
    out = []

    def walk(block):  # type: ignore[no-untyped-def]
        for child in getattr(block, "children", {}).values():
            if getattr(child, "type", "") == "iframe":
                src = child.proto.src
                assert src.startswith("data:text/html;charset=utf-8;base64,")
                out.append(base64.b64decode(src.split(",", 1)[1]).decode())
            walk(child)

    walk(at.main)
    return out


def test_the_page_embeds_the_offline_graph_and_lists_entities(case_dir: Path) -> None:
    at = appcases.page("graph", case_dir).run()
    assert not at.exception
    (page,) = iframe_pages(at)
    assert 'id="graph-data"' in page and "Nordview" in page
    names = set(at.dataframe[0].value["label"])
    assert {"Nordview", "Qala <b>Systems</b> LLP"} <= names


def test_adding_an_entity_through_the_form_creates_it(case_dir: Path) -> None:
    at = appcases.page("graph", case_dir, reviewer="erin").run()
    at.selectbox(key="entity_kind").set_value("organisation").run()
    at.text_input(key="entity_name").input("Sergek Group LLP")
    at.selectbox(key="entity_role").set_value("integrator")
    at.text_input(key="entity_country").input("kz")
    at.text_input(key="entity_aliases").input("ТОО «Сергек Групп»; Sergek")
    submit(at, "Add entity")
    assert not at.exception and not at.error
    with Case.open(case_dir) as c:
        e = resolve(c, "ТОО «Сергек Групп»")
        assert (e.name, e.role, e.country, e.created_by) == (
            "Sergek Group LLP",
            "integrator",
            "kz",
            "erin",
        )


def test_a_bad_entity_shows_one_sentence(case_dir: Path) -> None:
    at = appcases.page("graph", case_dir).run()
    submit(at, "Add entity")  # no name
    assert any("needs a name" in e.value for e in at.error)


def test_editing_an_entity_renames_it_and_adds_an_identifier(case_dir: Path) -> None:
    at = appcases.page("graph", case_dir).run()
    at.selectbox(key="edit_entity").set_value("org-nordview").run()
    at.text_input(key="edit_name").input("Nordview Systems")
    at.text_input(key="edit_ident").input("website=nordview.example")
    submit(at, "Save entity")
    assert not at.error, [e.value for e in at.error]
    with Case.open(case_dir) as c:
        e = resolve(c, "org-nordview")
    assert e.name == "Nordview Systems" and "Nordview" in e.aliases
    assert [(i.scheme, i.value) for i in e.identifiers] == [("website", "nordview.example")]


def test_adding_a_relation_with_an_observation_as_evidence(
    case_dir: Path, built: appcases.Built
) -> None:
    with Case.open(case_dir) as c:
        product = add_entity(c, "t", "product", "Nordview VMS", role="software").id
        site = resolve(c, "Operational control centre").id
    at = appcases.page("graph", case_dir).run()
    at.selectbox(key="rel_source").set_value(product)
    at.selectbox(key="rel_kind").set_value("installed_at")
    at.selectbox(key="rel_target").set_value(site)
    at.text_input(key="rel_start").input("2021-05")
    at.selectbox(key="rel_observation").set_value(built.ids["hostile"])
    submit(at, "Add relation")
    assert not at.error, [e.value for e in at.error]
    with Case.open(case_dir) as c:
        rid = c.conn.execute(
            "SELECT id FROM relations WHERE kind = 'installed_at' AND source_id = ?", (product,)
        ).fetchone()[0]
        r = get_relation(c, rid)
    assert r.start_date == "2021-05"
    assert [e.observation_id for e in r.evidence] == [built.ids["hostile"]]


def test_attaching_a_url_and_a_document_copy(case_dir: Path) -> None:
    at = appcases.page("graph", case_dir).run()
    rid = at.selectbox(key="ev_relation").value
    at.radio(key="ev_kind").set_value("url").run()
    at.text_input(key="ev_url").input("https://example.org/tender?id=<1>")
    at.text_input(key="ev_title").input("Tender notice")
    submit(at, "Attach evidence")
    assert not at.error, [e.value for e in at.error]
    with Case.open(case_dir) as c:
        refs = [e.ref for e in get_relation(c, rid).evidence]
    assert "url:https://example.org/tender?id=<1>" in refs


def test_a_query_shows_its_answer_as_a_table(case_dir: Path) -> None:
    at = appcases.page("graph", case_dir).run()
    at.selectbox(key="query_question").set_value("suppliers").run()
    at.text_input(key="query_subject").input("Qala <b>Systems</b> LLP")
    at.button(key="query_run").click().run()
    assert not at.exception and not at.error
    answer = at.table[-1].value
    assert list(answer["name"]) == ["Nordview"]
    at.selectbox(key="query_question").set_value("evidence").run()
    at.text_input(key="query_subject").input("rel-1")
    at.button(key="query_run").click().run()
    assert set(at.table[-1].value["kind"]) == {"observation", "url"}
    at.text_input(key="query_subject").input("no such edge")
    at.button(key="query_run").click().run()
    assert at.error  # one sentence, no traceback
    assert not at.exception


def test_every_format_has_an_export_button(case_dir: Path) -> None:
    at = appcases.page("graph", case_dir).run()
    labels = [b.label for b in at.download_button]
    assert labels == [f"Export {f.upper()}" for f in graph_ops.FORMATS]


@pytest.mark.parametrize("fmt", graph_ops.FORMATS)
def test_export_produces_bytes_in_the_chosen_format(case_dir: Path, fmt: str) -> None:
    data = graph_ops.export_bytes(case_dir, "tester", fmt)
    if fmt == "graphml":
        assert data.startswith(b"<?xml") and b"<graphml" in data
    elif fmt == "gexf":
        assert b"<gexf" in data
    elif fmt == "json":
        doc = json.loads(data)
        assert any(n.get("label") == "Nordview" for n in doc["nodes"])
    elif fmt == "csv":
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert names and all(n.startswith("graph-csv/") and n.endswith(".csv") for n in names)
    elif fmt == "ftm":
        first = data.decode().splitlines()[0]
        assert "schema" in json.loads(first)
    elif fmt == "html":
        assert data.lower().startswith(b"<!doctype html") and b"graph-data" in data
    else:
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Case.open(case_dir) as c:
        audited = c.conn.execute(
            "SELECT target FROM audit WHERE action = 'graph.export' ORDER BY seq DESC"
        ).fetchone()
        assert audited[0] == fmt
        assert not any(c.tmp_dir.iterdir())  # nothing left behind


def test_hostile_entity_names_stay_text(case_dir: Path) -> None:
    with Case.open(case_dir) as c:
        add_entity(c, "t", "organisation", appcases.EVIL_NAME, role="vendor")
    at = appcases.page("graph", case_dir).run()
    assert not at.exception
    (page,) = iframe_pages(at)
    assert appcases.EVIL_NAME not in page
    assert "\\u003cimg src=x onerror=" in page  # inside the JSON data, escaped
    assert appcases.EVIL_NAME in set(at.dataframe[0].value["label"])  # a table cell
    for text in appcases.raw_texts(at):
        assert "<img" not in text and "<b>" not in text
    with Case.open(case_dir) as c:
        assert any(e.name == appcases.EVIL_NAME for e in list_entities(c))
