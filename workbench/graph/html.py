"""An interactive, self-contained HTML view of the graph (one file, no requests).

Published case files must open offline, so the page embeds its data and script and
its Content-Security-Policy forbids loading anything. All data travels as JSON inside
a `<script type="application/json">` element with `<`, `>` and `&` escaped, and the
script only ever writes text with `textContent`, so a name like `<script>` stays text.

Nodes are coloured by role (or, switched in the page, by country); edges are styled by
the strength of their evidence, hypotheses dashed. Pan by dragging, zoom with the
wheel, click a node or an edge for details.
"""

from __future__ import annotations

import html
import json
import re
from typing import IO, Any

from workbench.graph.html_page import PAGE, SCRIPT
from workbench.graph.layout import positions
from workbench.graph.model import STRENGTHS
from workbench.graph.style import (
    EDGE_STYLES,
    KIND_COLOURS,
    ROLE_COLOURS,
    country_colour,
    node_colour,
)
from workbench.graph.view import GraphView


def script_json(data: Any) -> str:
    """JSON that cannot end the <script> element it sits in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_data(view: GraphView) -> dict[str, Any]:
    pos = positions(view)
    index = {n["id"]: i for i, n in enumerate(view.nodes)}
    kinds = sorted({e["kind"] for e in view.edges})
    kind_index = {k: i for i, k in enumerate(kinds)}
    nodes = [
        [
            n["id"],
            n["label"],
            n["kind"],
            n.get("role") or "",
            n.get("country") or "",
            round(pos.get(n["id"], (0.0, 0.0))[0], 4),
            round(pos.get(n["id"], (0.0, 0.0))[1], 4),
            node_colour(n),
            country_colour(n.get("country")),
        ]
        for n in view.nodes
    ]
    edges = [
        [
            index[e["source"]],
            index[e["target"]],
            kind_index[e["kind"]],
            STRENGTHS.index(e["strength"]),
            e["evidence_count"],
            e["id"],
            e.get("sources", ""),
        ]
        for e in view.edges
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "kinds": kinds,
        "strengths": list(STRENGTHS),
        "edgeStyles": {
            k: {"width": v.width, "dash": list(v.dash), "colour": v.colour}
            for k, v in EDGE_STYLES.items()
        },
        "roleColours": ROLE_COLOURS,
        "kindColours": KIND_COLOURS,
    }


def write_html(view: GraphView, out: IO[str], title: str = "Vendor graph") -> None:
    data = script_json(page_data(view))
    t = html.escape(title)
    counts = html.escape(f"{len(view.nodes)} entities, {len(view.edges)} relations")
    parts = {"@TITLE@": t, "@COUNTS@": counts, "@SCRIPT@": SCRIPT, "@DATA@": data}
    out.write(re.sub("@(TITLE|COUNTS|SCRIPT|DATA)@", lambda m: parts[m.group(0)], PAGE))
