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
from workbench.app import graph_footage, graph_ops
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


# -- from footage: link a video, propose edges, accept or reject them --------------------
SITE = "site-operational-control-centre"


def proposals_shown(at):  # type: ignore[no-untyped-def]
    """The open proposals' table (a plain st.table)."""
    return next(t.value for t in at.table if "reason" in t.value.columns)


def test_link_propose_accept_and_reject_from_footage(case_dir: Path, built: appcases.Built) -> None:
    from workbench.case.audit import entries
    from workbench.case.observations import correct

    with Case.open(case_dir) as c:
        product = add_entity(c, "t", "product", "face-search", role="software").id
        # an OCR label nobody has named as an entity: listed as unmatched, as text
        correct(c.conn, built.ids["hostile"], "t", label=appcases.HOSTILE_OCR)
    at = appcases.page("graph", case_dir, reviewer="ivy").run()
    assert not at.exception
    assert any("No open proposals" in i.value for i in at.info)
    assert at.button(key="footage_propose").disabled  # no video linked to a site yet

    at.selectbox(key="footage_video").set_value(built.video)
    at.selectbox(key="footage_site").set_value(SITE)
    at.text_input(key="footage_note").input("the control room <b>tour</b>")
    submit(at, "Link video")
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Case.open(case_dir) as c:
        linked = c.conn.execute("SELECT site_id, video_sha256, created_by FROM site_videos")
        assert [tuple(r) for r in linked] == [(SITE, built.video, "ivy")]

    submit(at, "Propose edges")
    assert not at.exception and not at.error
    assert "2 new proposal(s)." in [s.value for s in at.success]
    unmatched = next(i.value for i in at.info if "No entity matches" in i.value)
    assert "&lt;img" in unmatched  # the hostile label is shown escaped, as text
    shown = proposals_shown(at)
    by_source = {row["source"]: row for row in shown.to_dict("records")}
    nordview = by_source["Nordview (org-nordview)"]
    assert nordview["site"] == f"Operational control centre ({SITE})"
    assert nordview["observation"] == f"#{built.ids['vendor']} ocr"
    assert nordview["frame"] == str(built.screen_index)
    assert "NORDVIEW VMS 4.2" in nordview["what it shows"]
    assert f"observation {built.ids['vendor']}" in nordview["reason"]
    assert (
        f"#{built.ids['face-search']} capability"
        == by_source[f"face-search ({product})"]["observation"]
    )
    for text in appcases.raw_texts(at):
        assert "<img" not in text and "<b>" not in text

    accept_id = int(nordview["id"])
    reject_id = int(by_source[f"face-search ({product})"]["id"])
    assert at.button(key="footage_accept").disabled  # nothing selected yet
    at.multiselect[0].set_value([accept_id]).run()
    submit(at, "Accept selected")
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(s.value.startswith("1 proposal(s) accepted by ivy") for s in at.success)
    with Case.open(case_dir) as c:
        rid = c.conn.execute(
            "SELECT relation_id, status, decided_by FROM proposals WHERE id = ?", (accept_id,)
        ).fetchone()
        assert tuple(rid)[1:] == ("accepted", "ivy")
        relation = get_relation(c, rid[0])
        assert (relation.kind, relation.source_id, relation.target_id) == (
            "appears_in",
            "org-nordview",
            SITE,
        )
        assert [e.observation_id for e in relation.evidence] == [built.ids["vendor"]]
        last = entries(c.conn)[-1]
        assert (last.action, last.actor, last.target) == ("graph.accept", "ivy", str(accept_id))
        assert last.params["observation"] == built.ids["vendor"]
    # the accepted one is no longer open; the selection starts empty
    assert [int(i) for i in proposals_shown(at)["id"]] == [reject_id]
    assert at.multiselect[0].value == []

    at.multiselect[0].set_value([reject_id]).run()
    submit(at, "Reject selected")
    assert not at.exception and not at.error
    with Case.open(case_dir) as c:
        row = c.conn.execute(
            "SELECT status, decided_by, relation_id FROM proposals WHERE id = ?", (reject_id,)
        ).fetchone()
        assert tuple(row) == ("rejected", "ivy", None)
        none = c.conn.execute(
            "SELECT count(*) FROM relations WHERE kind = 'appears_in' AND source_id = ?",
            (product,),
        ).fetchone()[0]
        assert none == 0  # a rejected proposal adds nothing to the graph
        last = entries(c.conn)[-1]
        assert (last.action, last.actor, last.target) == ("graph.reject", "ivy", str(reject_id))
    assert any("No open proposals" in i.value for i in at.info)
    assert not [t for t in at.table if "reason" in t.value.columns]

    # proposing again finds nothing new: decided proposals are not proposed twice
    submit(at, "Propose edges")
    assert "0 new proposal(s)." in [s.value for s in at.success]


def test_linking_needs_a_site_and_a_video(case_dir: Path, built: appcases.Built) -> None:
    from workbench.graph.errors import GraphError

    with Case.open(case_dir) as c:
        with pytest.raises(GraphError, match="Choose a site"):
            graph_footage.link_site_video(c, "t", "", built.video)
        with pytest.raises(GraphError, match="not a site"):
            graph_footage.link_site_video(c, "t", "org-nordview", built.video)
        with pytest.raises(GraphError, match="No video"):
            graph_footage.link_site_video(c, "t", SITE, "ffffffffffff")
        with pytest.raises(GraphError, match="at least one"):
            graph_footage.decide_proposals(c, "t", [], True)
        assert graph_footage.site_videos_table(c).empty
        assert built.video in graph_footage.video_choices(c)


def test_the_last_answer_survives_a_rerun_until_another_question(
    case_dir: Path, built: appcases.Built, tmp_path: Path
) -> None:
    at = appcases.page("graph", case_dir).run()
    at.selectbox(key="query_question").set_value("suppliers").run()
    at.text_input(key="query_subject").input("Qala <b>Systems</b> LLP")
    at.button(key="query_run").click().run()
    assert list(at.table[-1].value["name"]) == ["Nordview"]
    # another widget's change reruns the page: the answer is still shown
    at.selectbox(key="entity_kind").set_value("product").run()
    assert not at.exception
    assert list(at.table[-1].value["name"]) == ["Nordview"]
    heading = next(c.value for c in at.caption if "row(s)" in c.value)
    assert heading.startswith("suppliers: Qala &lt;b&gt;Systems&lt;/b&gt; LLP")
    for text in appcases.raw_texts(at):
        assert "<b>" not in text
    at.run()
    assert list(at.table[-1].value["name"]) == ["Nordview"]
    # another question replaces it; one that fails leaves no stale answer behind
    at.selectbox(key="query_question").set_value("evidence").run()
    at.text_input(key="query_subject").input("rel-1")
    at.button(key="query_run").click().run()
    assert set(at.table[-1].value["kind"]) == {"observation", "url"}
    at.text_input(key="query_subject").input("no such edge")
    at.button(key="query_run").click().run()
    assert at.error and not at.table
    at.text_input(key="query_subject").input("rel-1")
    at.button(key="query_run").click().run()
    assert at.table
    # another case: the answer is dropped
    at.session_state["case_dir"] = str(appcases.copy(built, tmp_path / "other"))
    at.run()
    assert not at.exception and not at.table
    assert graph_ops.ANSWER_KEY not in at.session_state
