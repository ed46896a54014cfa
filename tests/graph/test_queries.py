"""Queries: suppliers by country, paths to foreign vendors, product sites, evidence, changes."""

from __future__ import annotations

import pytest

from workbench.case import Case
from workbench.graph import queries
from workbench.graph.entities import add_entity
from workbench.graph.errors import GraphError
from workbench.graph.relations import NewEvidence, add_relation
from workbench.graph.view import graph


@pytest.fixture()
def g(gcase: Case) -> dict[str, str]:
    def org(name: str, role: str, country: str) -> str:
        return add_entity(gcase, "t", "organisation", name, role=role, country=country).id

    ids = {
        "site": add_entity(gcase, "t", "site", "ЦОУ Алматы", city="Алматы").id,
        "police": org("ДП г. Алматы", "operator", "kz"),
        "sergek": org("ТОО Сергек", "integrator", "kz"),
        "dist": org("Hikvision Kazakhstan", "distributor", "kz"),
        "hik": org("Hikvision", "vendor", "cn"),
        "dahua": org("Dahua", "vendor", "cn"),
        "ntech": org("NtechLab", "vendor", "ru"),
        "cam": add_entity(gcase, "t", "product", "DS-2CD", role="camera").id,
        "vms": add_entity(gcase, "t", "product", "FindFace", role="software").id,
    }
    url = [NewEvidence("url", url="https://example.kz/a")]
    add_relation(gcase, "t", "operates", ids["police"], ids["site"], evidence=url)
    add_relation(gcase, "t", "integrates", ids["sergek"], ids["site"], evidence=url)
    add_relation(gcase, "t", "supplies", ids["dist"], ids["sergek"], evidence=url)
    add_relation(gcase, "t", "distributes", ids["dist"], ids["hik"])
    add_relation(gcase, "t", "supplies", ids["dahua"], ids["sergek"], evidence=url)
    add_relation(gcase, "t", "integrates", ids["sergek"], ids["vms"])
    add_relation(gcase, "t", "made_by", ids["vms"], ids["ntech"], evidence=url)
    add_relation(gcase, "t", "installed_at", ids["cam"], ids["site"], evidence=url)
    add_relation(gcase, "t", "made_by", ids["cam"], ids["hik"], evidence=url)
    return ids


def test_suppliers_and_by_country(gcase: Case, g: dict) -> None:
    df = queries.suppliers(gcase, g["sergek"])
    routes = {
        (r.supplier, r.via if isinstance(r.via, str) else None, r.route) for r in df.itertuples()
    }
    assert routes == {
        (g["dist"], None, "supplies"),
        (g["hik"], g["dist"], "supplies → distributes"),
        (g["dahua"], None, "supplies"),
        (g["ntech"], g["vms"], "integrates → made_by"),
    }
    hyp = dict(zip(df["supplier"], df["hypothesis"], strict=True))
    assert hyp[g["hik"]] and hyp[g["ntech"]] and not hyp[g["dahua"]]
    by_country = queries.suppliers_by_country(gcase, "ТОО Сергек")
    assert list(by_country["country"]) == ["cn", "kz", "ru"]
    assert list(by_country["suppliers"]) == [2, 1, 1]


def test_paths_from_a_site_to_foreign_vendors(gcase: Case, g: dict) -> None:
    df = queries.paths_to_foreign(gcase, g["site"])
    paths = {tuple(p) for p in df["path_ids"]}
    assert paths == {
        (g["site"], g["cam"], g["hik"]),
        (g["site"], g["sergek"], g["dahua"]),
        (g["site"], g["sergek"], g["vms"], g["ntech"]),
        (g["site"], g["sergek"], g["dist"], g["hik"]),
    }
    first = df.iloc[0]
    assert first["hops"] == 2 and first["strength"] == "reported" and not first["hypothesis"]
    assert df[df["vendor"] == g["ntech"]]["hypothesis"].all()
    assert len(queries.paths_to_foreign(gcase, g["site"], max_hops=2)) == 2
    with pytest.raises(GraphError, match="not a site"):
        queries.paths_to_foreign(gcase, g["sergek"])


def test_product_sites_and_edge_evidence(gcase: Case, g: dict) -> None:
    df = queries.product_sites(gcase, "DS-2CD")
    assert list(df["site"]) == [g["site"]] and list(df["relation"]) == ["installed_at"]
    ev = queries.edge_evidence(gcase, df.iloc[0]["edge"])
    assert list(ev["kind"]) == ["url"] and ev.iloc[0]["counts"]
    with pytest.raises(GraphError, match="not an edge id"):
        queries.edge_evidence(gcase, "edge-x")
    with pytest.raises(GraphError, match="no edge"):
        queries.edge_evidence(gcase, 999)


def test_changes_since(gcase: Case, g: dict) -> None:
    df = queries.changes_since(gcase, "2000-01-01")
    assert df["action"].value_counts()["graph.relation.add"] == 9
    assert queries.changes_since(gcase, "2999-01-01").empty
    later = queries.changes_since(gcase, df.iloc[-1]["at"])
    assert len(later) == 1


def test_networkx_view(gcase: Case, g: dict) -> None:
    nxg = graph(gcase)
    assert nxg.number_of_nodes() == 9 and nxg.number_of_edges() == 9
    data = nxg.nodes[g["hik"]]
    assert (data["kind"], data["role"], data["country"]) == ("organisation", "vendor", "cn")
    hyp = [d for _, _, d in nxg.edges(data=True) if d["hypothesis"]]
    assert {d["kind"] for d in hyp} == {"distributes", "integrates"}
