"""Merges: automatic ones from imports, manual ones, undoing them, and candidates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.graph.conftest import write
from workbench.case import Case, audit
from workbench.graph import merges
from workbench.graph.entities import add_entity, get_entity, resolve
from workbench.graph.errors import GraphError
from workbench.graph.imports import import_file
from workbench.graph.relations import add_relation
from workbench.graph.view import build

ROWS = """buyer,supplier,supplier_country,date,url
МВД РК,ТОО «Сергек Групп»,kz,2019,https://a.kz/1
Акимат Астаны,Sergek Group LLP,kz,2020,https://a.kz/2
Акимат Алматы,«Сергек Групп» ЖШС,kz,2021,https://a.kz/3
Sergek Group LLP,杭州海康威视数字技术股份有限公司,cn,2018,https://a.kz/4
Sergek Group LLP,Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi,cn,2018,https://a.kz/5
"""


def _shape(case: Case) -> tuple:
    view = build(case)
    nodes = sorted((n["id"], n.get("merged", "")) for n in view.nodes)
    edges = sorted((e["kind"], e["source"], e["target"], e["evidence_count"]) for e in view.edges)
    return nodes, edges


def test_import_merges_spellings_across_scripts_and_undo_restores(
    gcase: Case, tmp_path: Path
) -> None:
    report = import_file(gcase, "t", write(tmp_path / "p.csv", ROWS), "procurement")
    assert report.merges == 3  # two Sergek spellings, one pinyin spelling
    sergek = resolve(gcase, "Sergek Group LLP")
    assert sergek.id == "org-too-sergek-grupp"
    assert set(sergek.aliases) == {"Sergek Group LLP", "«Сергек Групп» ЖШС"}
    view = build(gcase)
    hik = resolve(gcase, "杭州海康威视数字技术股份有限公司").id
    (supply,) = [e for e in view.edges if e["source"] == hik]
    assert supply["target"] == sergek.id and supply["evidence_count"] == 2
    assert len([e for e in view.edges if e["source"] == sergek.id]) == 3

    history = merges.merges(gcase)
    assert all(m.automatic for m in history)
    merged_view = _shape(gcase)
    llp = next(m for m in history if m.loser_id == "org-sergek-group-llp")
    undone = merges.unmerge(gcase, "ana", str(llp.id))
    assert undone.undone_by == "ana"
    llp_entity = get_entity(gcase, "org-sergek-group-llp")
    assert llp_entity.merged_into is None
    edges = build(gcase).edges
    # the rows that spelled "Sergek Group LLP" go with it: Astana's award and a Hikvision supply
    assert {e["target"] for e in edges if e["source"] == "org-sergek-group-llp"} == {
        resolve(gcase, "Акимат Астаны").id
    }
    assert any(e["target"] == "org-sergek-group-llp" for e in edges)
    # merging again gives the same graph as before
    merges.merge(gcase, "ana", sergek.id, "org-sergek-group-llp", "same BIN in registry")
    assert _shape(gcase) == merged_view
    assert [e.action for e in audit.entries(gcase.conn)][-2:] == ["graph.unmerge", "graph.merge"]


def test_merge_rules(gcase: Case) -> None:
    a = add_entity(gcase, "t", "organisation", "Alpha", identifiers=[("bin", "940140000385")])
    b = add_entity(gcase, "t", "organisation", "Alpha LLP", identifiers=[("bin", "960440000151")])
    c = add_entity(gcase, "t", "organisation", "Alfa")
    site = add_entity(gcase, "t", "site", "Alpha site")
    with pytest.raises(GraphError, match="different Kazakhstan BINs"):
        merges.merge(gcase, "t", a.id, b.id)
    with pytest.raises(GraphError, match="cannot be merged into"):
        merges.merge(gcase, "t", a.id, site.id)
    m = merges.merge(gcase, "t", a.id, c.id, "same address")
    with pytest.raises(GraphError, match="already one entity"):
        merges.merge(gcase, "t", a.id, c.id)
    merges.unmerge(gcase, "t", c.id)
    with pytest.raises(GraphError, match="already undone"):
        merges.unmerge(gcase, "t", str(m.id))
    with pytest.raises(GraphError, match="not merged into anything"):
        merges.unmerge(gcase, "t", c.id)


def test_merge_folds_edges_and_drops_loops(gcase: Case) -> None:
    a = add_entity(gcase, "t", "organisation", "Sergek")
    b = add_entity(gcase, "t", "organisation", "Sergek Systems")
    v = add_entity(gcase, "t", "organisation", "Dahua", country="cn")
    add_relation(gcase, "t", "supplies", v.id, a.id, start="2019", confidence=0.4)
    add_relation(gcase, "t", "supplies", v.id, b.id, start="2021", confidence=0.9)
    add_relation(gcase, "t", "partner_of", a.id, b.id)
    merges.merge(gcase, "t", a.id, b.id)
    (edge,) = build(gcase).edges
    assert (edge["source"], edge["target"], edge["start"], edge["confidence"]) == (
        v.id,
        a.id,
        "2019",
        0.9,
    )
    assert len(edge["relations"].split("; ")) == 2


def test_candidates(gcase: Case) -> None:
    add_entity(gcase, "t", "organisation", "Sergek Group")
    add_entity(gcase, "t", "organisation", "Sergek Grup Ltd")  # exact key match, not merged
    add_entity(gcase, "t", "organisation", "Sergek Groups")
    add_entity(gcase, "t", "organisation", "Uniview")
    df = merges.candidates(gcase, threshold=85)
    pairs = {frozenset((r.a_name, r.b_name)) for r in df.itertuples()}
    assert frozenset(("Sergek Group", "Sergek Grup Ltd")) in pairs
    assert frozenset(("Sergek Group", "Sergek Groups")) in pairs
    assert not any("Uniview" in p for pair in pairs for p in pair)
