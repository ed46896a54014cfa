"""Node-link JSON (networkx's format) and CSV tables of nodes, edges and evidence."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import IO

from workbench.graph import relation_rows
from workbench.graph.view import EDGE_ATTRS, NODE_ATTRS, GraphView


def write_json(view: GraphView, out: IO[str], meta: dict | None = None) -> None:
    """networkx node-link data, streamed: `nx.node_link_graph(data, edges="edges")`."""
    w = out.write
    graph = json.dumps(meta or {}, ensure_ascii=False)
    w(f'{{"directed": true, "multigraph": true, "graph": {graph},\n "nodes": [\n')
    for i, node in enumerate(view.nodes):
        w(("," if i else "") + json.dumps(node, ensure_ascii=False) + "\n")
    w('],\n "edges": [\n')
    for i, edge in enumerate(view.edges):
        item = {"source": edge["source"], "target": edge["target"], "key": edge["id"]}
        item.update((k, v) for k, v in edge.items() if k not in ("source", "target"))
        w(("," if i else "") + json.dumps(item, ensure_ascii=False) + "\n")
    w("]}\n")


def write_csv(view: GraphView, conn: sqlite3.Connection, folder: Path) -> list[Path]:
    """nodes.csv, edges.csv and evidence.csv in FOLDER (UTF-8 with BOM, for spreadsheets)."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes_path, edges_path, ev_path = (
        folder / n for n in ("nodes.csv", "edges.csv", "evidence.csv")
    )
    with open(nodes_path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        cols = ["id", *(n for n, _ in NODE_ATTRS)]
        writer.writerow(cols)
        for node in view.nodes:
            writer.writerow([_cell(node.get(c)) for c in cols])
    with open(edges_path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        cols = ["id", "source", "target", *(n for n, _ in EDGE_ATTRS)]
        writer.writerow(cols)
        for edge in view.edges:
            writer.writerow([_cell(edge.get(c)) for c in cols])
    edge_of = {}
    for edge in view.edges:
        for rid in str(edge["relations"]).split("; "):
            edge_of[int(rid)] = edge["id"]
    with open(ev_path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        cols = [
            "edge",
            "relation_id",
            "id",
            "kind",
            "ref",
            "observation_id",
            *relation_rows.DOCUMENT_COLUMNS,
            *relation_rows.RECORD_COLUMNS,
            *relation_rows.NOTE_COLUMNS,
        ]
        writer.writerow(cols)
        for row in relation_rows.evidence_table(conn, cols[1:]):
            if row[0] in edge_of:
                writer.writerow([edge_of[row[0]], *(_cell(v) for v in row)])
    return [nodes_path, edges_path, ev_path]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
