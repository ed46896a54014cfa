"""The graph as a view of the case store: canonical nodes, merged edges, evidence strength.

Built on demand and never stored. Merged entities fold into the entity they were
merged into; relations that then coincide (same kind, same ends) become one edge whose
evidence is the union. Evidence citing an observation that is no longer confirmed does
not count. An edge with no evidence that counts is a hypothesis.

`NODE_ATTRS` and `EDGE_ATTRS` are the attribute schema every export writes.
"""

from __future__ import annotations

import gc
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from workbench.case import observations
from workbench.case.folder import Case
from workbench.graph import entity_rows, relation_rows
from workbench.graph.merges import canonical_map
from workbench.graph.model import RELATION_KINDS, STRENGTHS, strongest

NODE_ATTRS: tuple[tuple[str, str], ...] = (
    ("label", "string"),
    ("kind", "string"),
    ("role", "string"),
    ("country", "string"),
    ("city", "string"),
    ("address", "string"),
    ("lat", "double"),
    ("lon", "double"),
    ("public", "boolean"),
    ("identifiers", "string"),
    ("aliases", "string"),
    ("merged", "string"),
)
EDGE_ATTRS: tuple[tuple[str, str], ...] = (
    ("kind", "string"),
    ("label", "string"),
    ("start", "string"),
    ("end", "string"),
    ("confidence", "double"),
    ("strength", "string"),
    ("hypothesis", "boolean"),
    ("evidence_count", "int"),
    ("evidence_kinds", "string"),
    ("sources", "string"),
    ("relations", "string"),
)
SEP = "; "
MAX_SOURCES = 3


@dataclass
class GraphView:
    nodes: list[dict[str, Any]]  # each has "id" and NODE_ATTRS (None left out)
    edges: list[dict[str, Any]]  # each has "id", "source", "target" and EDGE_ATTRS


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building hundreds of thousands of
    acyclic dicts and tuples (it would rescan them again and again: 2x slower)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def rows(conn: sqlite3.Connection, sql: str, args: tuple = ()) -> sqlite3.Cursor:
    """A cursor yielding plain tuples (faster than sqlite3.Row for bulk reads)."""
    cur = conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, args)


def _canon(conn: sqlite3.Connection) -> tuple[dict[str, str], dict[str, list[str]]]:
    canon = canonical_map(conn)
    members: dict[str, list[str]] = defaultdict(list)
    for merged, into in canon.items():
        members[into].append(merged)
    return canon, members


def build_nodes(conn: sqlite3.Connection, canon: dict[str, str], members: dict[str, list[str]]):
    names: dict[str, list[str]] = defaultdict(list)
    for eid, name, _key in entity_rows.all_names(conn):
        names[canon.get(eid, eid)].append(name)
    idents: dict[str, list[str]] = defaultdict(list)
    for eid, scheme, value in entity_rows.all_identifiers(conn):
        idents[canon.get(eid, eid)].append(f"{scheme}:{value}")
    nodes = []
    for r in entity_rows.view_rows(conn):
        eid = r[0]
        node: dict[str, Any] = {
            "id": eid,
            "label": r[2],
            "kind": r[1],
            "role": r[3],
            "country": r[4],
            "city": r[5],
            "address": r[6],
            "lat": r[7],
            "lon": r[8],
            "public": bool(r[9]),
        }
        aliases = [n for n in dict.fromkeys(names.get(eid, ())) if n != r[2]]
        if aliases:
            node["aliases"] = SEP.join(aliases)
        if idents.get(eid):
            node["identifiers"] = SEP.join(idents[eid])
        if members.get(eid):
            node["merged"] = SEP.join(sorted(members[eid]))
        nodes.append({k: v for k, v in node.items() if v is not None})
    return nodes


def evidence_summary(conn: sqlite3.Connection) -> dict[int, tuple[list[str], list[str]]]:
    """relation id → (kinds of evidence that counts, URLs cited)."""
    out: dict[int, tuple[list[str], list[str]]] = {}
    links = list(relation_rows.evidence_links(conn))
    status = observations.statuses(conn, sorted({o for *_, o in links if o is not None}))
    for rid, kind, url, oid in links:
        if kind == "observation" and status.get(oid) != "confirmed":
            continue
        kinds, urls = out.setdefault(rid, ([], []))
        kinds.append(kind)
        if url and len(urls) < MAX_SOURCES and url not in urls:
            urls.append(url)
    return out


def build_edges(conn: sqlite3.Connection, canon: dict[str, str]) -> list[dict[str, Any]]:
    summary = evidence_summary(conn)
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for rid, kind, src, tgt, start, end, conf in relation_rows.view_rows(conn):
        a, b = canon.get(src, src), canon.get(tgt, tgt)
        if a == b:
            continue  # both ends merged into one entity
        if RELATION_KINDS[kind].symmetric and b < a:
            a, b = b, a
        kinds, urls = summary.get(rid, ([], []))
        edge = groups.get((kind, a, b))
        if edge is None:
            groups[(kind, a, b)] = {
                "id": f"rel-{rid}",
                "source": a,
                "target": b,
                "kind": kind,
                "label": RELATION_KINDS[kind].phrase,
                "start": start,
                "end": end,
                "confidence": conf,
                "_kinds": list(kinds),
                "_urls": list(urls),
                "_rels": [rid],
            }
            continue
        edge["start"] = min(filter(None, (edge["start"], start)), default=None)
        edge["end"] = max(filter(None, (edge["end"], end)), default=None)
        edge["confidence"] = max(edge["confidence"], conf)
        edge["_kinds"] += kinds
        edge["_urls"] += [u for u in urls if u not in edge["_urls"]][:MAX_SOURCES]
        edge["_rels"].append(rid)
    edges = []
    for edge in groups.values():
        kinds, urls, rels = edge.pop("_kinds"), edge.pop("_urls"), edge.pop("_rels")
        edge["strength"] = strongest(kinds)
        edge["hypothesis"] = not kinds
        edge["evidence_count"] = len(kinds)
        if kinds:
            edge["evidence_kinds"] = SEP.join(sorted(set(kinds)))
        if urls:
            edge["sources"] = " ".join(urls[:MAX_SOURCES])
        edge["relations"] = SEP.join(map(str, rels))
        edges.append({k: v for k, v in edge.items() if v is not None})
    return edges


def build(case: Case) -> GraphView:
    """Read the case store into canonical nodes and merged edges."""
    conn = case.conn
    with no_gc():
        canon, members = _canon(conn)
        return GraphView(build_nodes(conn, canon, members), build_edges(conn, canon))


def to_networkx(view: GraphView):  # -> nx.MultiDiGraph
    """A networkx MultiDiGraph of the view: node and edge attributes as in NODE/EDGE_ATTRS."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for node in view.nodes:
        g.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    for edge in view.edges:
        attrs = {k: v for k, v in edge.items() if k not in ("source", "target")}
        g.add_edge(edge["source"], edge["target"], key=edge["id"], **attrs)
    return g


def graph(case: Case):  # -> nx.MultiDiGraph
    """The case's vendor graph as networkx, built now from the store."""
    return to_networkx(build(case))


__all__ = ["EDGE_ATTRS", "NODE_ATTRS", "STRENGTHS", "GraphView", "build", "graph", "to_networkx"]
