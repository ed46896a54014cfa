"""Every export read back (networkx, pandas) and compared with the view; HTML and PNG."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from tests.graph.conftest import EVIL
from workbench.case import Case, audit
from workbench.graph.entities import add_entity
from workbench.graph.errors import GraphError
from workbench.graph.exports import FORMATS, export
from workbench.graph.view import GraphView, build


def _plain(d: dict, drop: tuple[str, ...] = ()) -> dict:
    return {k: v for k, v in d.items() if k not in drop}


def test_fixture_covers_every_kind(rich: Case) -> None:
    view = build(rich)
    assert {n["kind"] for n in view.nodes} == {"organisation", "product", "site", "person"}
    assert {e["kind"] for e in view.edges} >= {
        "supplies",
        "distributes",
        "integrates",
        "operates",
        "made_by",
        "partner_of",
        "subsidiary_of",
        "appears_in",
    }
    kinds = {k for e in view.edges for k in e.get("evidence_kinds", "").split("; ") if k}
    assert kinds == {"procurement", "customs", "registry", "url", "document", "observation"}
    assert any(e["hypothesis"] for e in view.edges)


def test_graphml_round_trip(rich: Case, tmp_path: Path) -> None:
    view = build(rich)
    export(rich, "t", "graphml", tmp_path / "g.graphml", view)
    g = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert {n: d for n, d in g.nodes(data=True)} == {
        n["id"]: _plain(n, ("id",)) for n in view.nodes
    }
    back = {k: (u, v, d) for u, v, k, d in g.edges(keys=True, data=True)}
    assert back == {
        e["id"]: (e["source"], e["target"], _plain(e, ("id", "source", "target")))
        for e in view.edges
    }


def test_gexf_round_trip(rich: Case, tmp_path: Path) -> None:
    view = build(rich)
    export(rich, "t", "gexf", tmp_path / "g.gexf", view)
    g = nx.read_gexf(tmp_path / "g.gexf")
    for n in view.nodes:
        assert _plain(g.nodes[n["id"]], ("viz",)) == _plain(n, ("id",))
    back = {d["id"]: (u, v, d) for u, v, d in g.edges(data=True)}
    for e in view.edges:
        u, v, d = back[e["id"]]
        assert (u, v) == (e["source"], e["target"])
        assert d["weight"] == e["confidence"]
        assert _plain(d, ("viz", "weight", "id")) == _plain(e, ("id", "source", "target"))
    assert 'viz:shape value="dashed"' in (tmp_path / "g.gexf").read_text()


def test_json_round_trip(rich: Case, tmp_path: Path) -> None:
    view = build(rich)
    export(rich, "t", "json", tmp_path / "g.json", view)
    data = json.loads((tmp_path / "g.json").read_text("utf-8"))
    g = nx.node_link_graph(data, edges="edges")
    assert isinstance(g, nx.MultiDiGraph) and g.graph == {"name": "Graph test"}
    assert {n: d for n, d in g.nodes(data=True)} == {
        n["id"]: _plain(n, ("id",)) for n in view.nodes
    }
    back = {k: d for _, _, k, d in g.edges(keys=True, data=True)}
    assert back == {e["id"]: _plain(e, ("source", "target")) for e in view.edges}


def test_csv_round_trip(rich: Case, tmp_path: Path) -> None:
    view = build(rich)
    result = export(rich, "t", "csv", tmp_path / "tables", view)
    assert [p.name for p in result.paths] == ["nodes.csv", "edges.csv", "evidence.csv"]

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(
            tmp_path / "tables" / name, dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )

    def text(v: object) -> str:
        return "true" if v is True else "false" if v is False else "" if v is None else str(v)

    nodes = read("nodes.csv").set_index("id")
    for n in view.nodes:
        row = nodes.loc[n["id"]]
        assert {k: row[k] for k in n if k != "id"} == {
            k: text(v) for k, v in n.items() if k != "id"
        }
    edges = read("edges.csv").set_index("id")
    for e in view.edges:
        assert {k: edges.loc[e["id"]][k] for k in e if k != "id"} == {
            k: text(v) for k, v in e.items() if k != "id"
        }
    evidence = read("evidence.csv")
    assert len(evidence) == rich.conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
    assert set(evidence["edge"]) <= {e["id"] for e in view.edges}


def test_html_is_offline_and_escapes_everything(rich: Case, tmp_path: Path) -> None:
    view = build(rich)
    export(rich, "t", "html", tmp_path / "g.html", view)
    page = (tmp_path / "g.html").read_text("utf-8")
    assert "<script>alert" not in page and "</script> &" not in page
    assert page.count("<script") == 2 and page.count("</script>") == 2
    for needle in ("src=", "href=", "url(", "@import", "<link", "<iframe", "<img"):
        assert needle not in page
    assert "default-src 'none'" in page
    start = page.index('id="graph-data">') + len('id="graph-data">')
    data = json.loads(page[start : page.index("</script>", start)])
    labels = {n[1] for n in data["nodes"]}
    assert EVIL in labels and "📹 Vision 株式会社" in labels
    assert len(data["edges"]) == len(view.edges)
    assert {n[0] for n in data["nodes"]} == {n["id"] for n in view.nodes}


def test_html_title_is_escaped(tmp_path: Path) -> None:
    case = Case.init(tmp_path / "c", "<b>Case</b> & co @DATA@")
    add_entity(case, "t", "organisation", "A")
    export(case, "t", "html", tmp_path / "g.html")
    page = (tmp_path / "g.html").read_text("utf-8")
    assert "<title>&lt;b&gt;Case&lt;/b&gt; &amp; co @DATA@</title>" in page
    case.close()


@pytest.mark.browser
def test_html_runs_in_a_browser_without_fetching(rich: Case, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed")
    export(rich, "t", "html", tmp_path / "g.html")
    out = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            (tmp_path / "g.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    dom = out.stdout
    assert "Edges by evidence" in dom and "hypothesis" in dom  # the script built the legend
    assert "<script>alert" not in dom


def test_png(rich: Case, tmp_path: Path) -> None:
    from PIL import Image

    export(rich, "t", "png", tmp_path / "g.png")
    with Image.open(tmp_path / "g.png") as im:
        assert im.format == "PNG" and im.size[0] > 1000


def test_exports_are_atomic_and_audited(rich: Case, tmp_path: Path) -> None:
    (tmp_path / "dir.graphml").mkdir()
    with pytest.raises(GraphError, match="is a folder"):
        export(rich, "t", "graphml", tmp_path / "dir.graphml")
    (tmp_path / "file").write_text("x")
    with pytest.raises(GraphError, match="is a file"):
        export(rich, "t", "csv", tmp_path / "file")
    with pytest.raises(GraphError, match="not an export format"):
        export(rich, "t", "dot", tmp_path / "g.dot")
    result = export(rich, "t", "json", tmp_path / "deep" / "g.json")
    entry = audit.entries(rich.conn)[-1]
    assert entry.action == "graph.export" and entry.target == "json"
    assert (
        entry.params["files"]["g.json"] == hashlib.sha256(result.paths[0].read_bytes()).hexdigest()
    )
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["g.json"]
    assert set(FORMATS) == {"graphml", "gexf", "json", "csv", "ftm", "html", "png"}


def test_empty_graph_exports(gcase: Case, tmp_path: Path) -> None:
    for fmt in FORMATS:
        result = export(gcase, "t", fmt, tmp_path / f"empty.{fmt}")
        assert result.nodes == 0 and all(p.exists() for p in result.paths)
    assert nx.read_graphml(tmp_path / "empty.graphml").number_of_nodes() == 0
    assert isinstance(build(gcase), GraphView)
