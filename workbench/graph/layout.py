"""Node positions for the HTML and PNG views, deterministic for a given graph.

Small graphs (up to SPRING_LIMIT nodes) get a force-directed layout (networkx, fixed
seed). Larger ones get rings: sites at the centre, then operators and clients,
integrators, distributors, products, vendors and the rest outside, each group spread
on its ring by the golden angle. That is linear in the number of nodes, so 100,000
entities lay out in well under a second.
"""

from __future__ import annotations

import math

from workbench.graph.view import GraphView

SPRING_LIMIT = 1500
_GOLDEN = math.pi * (3 - math.sqrt(5))
_RINGS = (
    "site",
    "operator",
    "client",
    "integrator",
    "distributor",
    "product",
    "vendor",
    "person",
    "other",
)


def _group(node: dict) -> str:
    if node["kind"] == "organisation":
        role = node.get("role") or "other"
        return role if role in _RINGS else "other"
    return node["kind"] if node["kind"] in _RINGS else "other"


def positions(view: GraphView) -> dict[str, tuple[float, float]]:
    """id → (x, y) in roughly [-1, 1]."""
    if len(view.nodes) <= SPRING_LIMIT:
        return _spring(view)
    return _rings(view)


def _spring(view: GraphView) -> dict[str, tuple[float, float]]:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in view.nodes)
    g.add_edges_from((e["source"], e["target"]) for e in view.edges)
    if g.number_of_nodes() == 0:
        return {}
    pos = nx.spring_layout(g, seed=42, k=1.5 / math.sqrt(max(g.number_of_nodes(), 1)))
    return {k: (float(v[0]), float(v[1])) for k, v in pos.items()}


def _rings(view: GraphView) -> dict[str, tuple[float, float]]:
    groups: dict[str, list[str]] = {name: [] for name in _RINGS}
    for node in view.nodes:
        groups[_group(node)].append(node["id"])
    total = max(len(view.nodes), 1)
    out: dict[str, tuple[float, float]] = {}
    inner = 0.0
    for name in _RINGS:
        members = groups[name]
        if not members:
            continue
        # ring area proportional to its share of the nodes
        outer = math.sqrt(inner**2 + len(members) / total)
        for i, node_id in enumerate(sorted(members)):
            r = math.sqrt(inner**2 + (outer**2 - inner**2) * (i + 0.5) / len(members))
            a = i * _GOLDEN
            out[node_id] = (r * math.cos(a), r * math.sin(a))
        inner = outer
    return out
