"""Questions researchers ask of the graph; each answer is a pandas DataFrame.

Every answer that rests on edges says how strong they are (`strength`: hypothesis,
reported, recorded, observed; a path is as strong as its weakest edge) and whether a
hypothesis is involved. All read the view built from the store (see view.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from typing import Any

import pandas as pd

from workbench.case import audit, observations
from workbench.case.folder import Case
from workbench.graph import relation_rows
from workbench.graph.countries import HOME
from workbench.graph.dates import parse_since
from workbench.graph.entities import resolve
from workbench.graph.errors import GraphError
from workbench.graph.model import QUESTIONS, RELATION_KINDS, STRENGTHS
from workbench.graph.view import GraphView, build


def _weakest(edges: list[dict[str, Any]]) -> str:
    return STRENGTHS[min(STRENGTHS.index(e["strength"]) for e in edges)]


def nodes_frame(case: Case, view: GraphView | None = None) -> pd.DataFrame:
    """One row per entity (merged ones folded in)."""
    view = view or build(case)
    if not view.nodes:  # a new case: no entity yet, an empty table with its columns
        return pd.DataFrame(columns=["id", "label", "kind"]).set_index("id", drop=False)
    return pd.DataFrame(view.nodes).set_index("id", drop=False)


def edges_frame(case: Case, view: GraphView | None = None) -> pd.DataFrame:
    """One row per edge, with its strength and evidence counts."""
    view = view or build(case)
    return pd.DataFrame(view.edges)


def suppliers(case: Case, integrator: str, view: GraphView | None = None) -> pd.DataFrame:
    """Who supplies an integrator: directly, through a distributor, or by making a
    product the integrator builds in. One row per (supplier, route)."""
    view = view or build(case)
    target = resolve(case, integrator).id
    nodes = {n["id"]: n for n in view.nodes}
    into: dict[str, list[dict[str, Any]]] = defaultdict(list)
    out_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in view.edges:
        into[e["target"]].append(e)
        out_of[e["source"]].append(e)
    rows = []

    def add(supplier: str, via: str | None, route: list[dict[str, Any]]) -> None:
        n = nodes[supplier]
        rows.append(
            {
                "supplier": supplier,
                "name": n["label"],
                "country": n.get("country"),
                "role": n.get("role"),
                "via": via,
                "route": " → ".join(e["kind"] for e in route),
                "strength": _weakest(route),
                "hypothesis": any(e["hypothesis"] for e in route),
                "evidence_count": sum(e["evidence_count"] for e in route),
            }
        )

    for e in into[target]:
        if e["kind"] == "supplies":
            add(e["source"], None, [e])
            for d in out_of[e["source"]]:  # the supplier distributes a vendor's goods
                if d["kind"] == "distributes" and nodes[d["target"]]["kind"] == "organisation":
                    add(d["target"], e["source"], [e, d])
    for e in out_of[target]:
        if e["kind"] == "integrates" and nodes[e["target"]]["kind"] == "product":
            for m in out_of[e["target"]]:
                if m["kind"] == "made_by":
                    add(m["target"], e["target"], [e, m])
    columns = [
        "supplier",
        "name",
        "country",
        "role",
        "via",
        "route",
        "strength",
        "hypothesis",
        "evidence_count",
    ]
    return pd.DataFrame(rows, columns=columns)


def suppliers_by_country(
    case: Case, integrator: str, view: GraphView | None = None
) -> pd.DataFrame:
    """Suppliers of an integrator counted by country (unknown country as '')."""
    df = suppliers(case, integrator, view)
    if df.empty:
        return pd.DataFrame(columns=["country", "suppliers", "names", "hypothesis_only"])
    df["country"] = df["country"].fillna("")
    grouped = df.groupby("country", sort=True)
    out = pd.DataFrame(
        {
            "suppliers": grouped["supplier"].nunique(),
            "names": grouped["name"].agg(lambda s: "; ".join(sorted(set(s)))),
            "hypothesis_only": grouped["hypothesis"].all(),
        }
    ).reset_index()
    return out.sort_values(["suppliers", "country"], ascending=[False, True], ignore_index=True)


def _upstream(view: GraphView) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    kinds = {n["id"]: n["kind"] for n in view.nodes}
    up: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for e in view.edges:
        direction = RELATION_KINDS[e["kind"]].upstream_for(kinds[e["target"]])
        if direction in ("target", "both"):
            up[e["target"]].append((e["source"], e))
        if direction in ("source", "both"):
            up[e["source"]].append((e["target"], e))
    return up


def paths_to_foreign(
    case: Case,
    site: str,
    max_hops: int = 4,
    home: str = HOME,
    limit: int = 10_000,
    view: GraphView | None = None,
) -> pd.DataFrame:
    """Every path (up to MAX_HOPS edges) from a site upstream to a foreign organisation.

    Upstream follows each relation kind's declared direction (model.RelationKind.upstream):
    from a site to its integrator, operator and products; from an integrator to the products
    it builds in; from a product to its maker; from a buyer to its supplier; from a
    distributor to the vendor it represents.
    """
    view = view or build(case)
    start = resolve(case, site).id
    nodes = {n["id"]: n for n in view.nodes}
    if nodes[start]["kind"] != "site":
        raise GraphError(f"{start} is a {nodes[start]['kind']}, not a site.")
    up = _upstream(view)
    rows: list[dict[str, Any]] = []
    stack: list[tuple[str, list[str], list[dict[str, Any]]]] = [(start, [start], [])]
    while stack and len(rows) < limit:
        node, path, edges = stack.pop()
        for nxt, edge in sorted(up.get(node, ()), key=lambda x: (x[0], x[1]["id"]), reverse=True):
            if nxt in path:
                continue
            n = nodes[nxt]
            new_path, new_edges = [*path, nxt], [*edges, edge]
            if n["kind"] == "organisation" and n.get("country") and n["country"] != home:
                rows.append(
                    {
                        "site": start,
                        "vendor": nxt,
                        "vendor_name": n["label"],
                        "country": n["country"],
                        "role": n.get("role"),
                        "hops": len(new_edges),
                        "path": " → ".join(nodes[p]["label"] for p in new_path),
                        "path_ids": new_path,
                        "kinds": [e["kind"] for e in new_edges],
                        "strength": _weakest(new_edges),
                        "hypothesis": any(e["hypothesis"] for e in new_edges),
                    }
                )
            if len(new_edges) < max_hops:
                stack.append((nxt, new_path, new_edges))
    columns = [
        "site",
        "vendor",
        "vendor_name",
        "country",
        "role",
        "hops",
        "path",
        "path_ids",
        "kinds",
        "strength",
        "hypothesis",
    ]
    df = pd.DataFrame(rows, columns=columns)
    return df.sort_values(["hops", "vendor", "path"], ignore_index=True) if len(df) else df


def product_sites(case: Case, product: str, view: GraphView | None = None) -> pd.DataFrame:
    """The sites where a product is installed or seen in footage (a vendor: its logo seen)."""
    view = view or build(case)
    pid = resolve(case, product).id
    nodes = {n["id"]: n for n in view.nodes}
    rows = [
        {
            "site": e["target"],
            "name": nodes[e["target"]]["label"],
            "city": nodes[e["target"]].get("city"),
            "relation": e["kind"],
            "strength": e["strength"],
            "hypothesis": e["hypothesis"],
            "evidence_count": e["evidence_count"],
            "start": e.get("start"),
            "end": e.get("end"),
            "edge": e["id"],
        }
        for e in view.edges
        if e["source"] == pid and e["kind"] in ("installed_at", "appears_in")
    ]
    columns = [
        "site",
        "name",
        "city",
        "relation",
        "strength",
        "hypothesis",
        "evidence_count",
        "start",
        "end",
        "edge",
    ]
    return pd.DataFrame(rows, columns=columns)


def edge_evidence(case: Case, edge: str | int, view: GraphView | None = None) -> pd.DataFrame:
    """The evidence behind one edge (named 'rel-7', 7, or any relation folded into it)."""
    view = view or build(case)
    text = str(edge).removeprefix("rel-")
    if not text.isdigit():
        raise GraphError(f"{edge!r} is not an edge id (write rel-7 or 7).")
    wanted = int(text)
    found = next((e for e in view.edges if wanted in _rels(e)), None)
    if found is None:
        raise GraphError(f"There is no edge with relation {wanted}.")
    rels = _rels(found)
    pieces = [e for rid in rels for e in relation_rows.evidence_of(case.conn, rid)]
    pieces.sort(key=lambda e: e.id)
    cited = [e.observation_id for e in pieces if e.observation_id is not None]
    seen = {o.id: o for o in observations.query(case.conn, ids=cited)} if cited else {}
    rows = []
    for e in pieces:
        d: dict[str, Any] = asdict(e)
        o = seen.get(e.observation_id) if e.observation_id is not None else None
        d.update(
            obs_status=o.status if o else None,
            video_sha256=o.video if o else None,
            frame_index=o.frame_index if o else None,
            time_s=o.time_s if o else None,
            bbox=o.bbox if o else None,
            obs_kind=o.kind if o else None,
            obs_label=o.label if o else None,
            obs_vendor=o.vendor if o else None,
            obs_text=o.text if o else None,
            reviewed_by=o.reviewed_by if o else None,
        )
        d["counts"] = d["kind"] != "observation" or d["obs_status"] == "confirmed"
        d["edge"] = found["id"]
        rows.append(d)
    columns = [
        "edge",
        "relation_id",
        "id",
        "kind",
        "ref",
        "counts",
        *relation_rows.DOCUMENT_COLUMNS,
        "observation_id",
        "obs_status",
        "video_sha256",
        "frame_index",
        "time_s",
        "bbox",
        "obs_kind",
        "obs_label",
        "obs_vendor",
        "obs_text",
        "reviewed_by",
        "import_id",
        *relation_rows.RECORD_COLUMNS,
        *relation_rows.NOTE_COLUMNS,
    ]
    return pd.DataFrame(rows, columns=columns)


def _rels(edge: dict[str, Any]) -> list[int]:
    return [int(x) for x in str(edge["relations"]).split("; ")]


def changes_since(case: Case, since: str) -> pd.DataFrame:
    """Every change to the graph (from the audit log) at or after SINCE."""
    bound = parse_since(since)
    rows = [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "target": e.target,
            "params": e.params,
        }
        for e in audit.entries(case.conn, prefix="graph.", since=bound, skip=("graph.export",))
    ]
    return pd.DataFrame(rows, columns=["seq", "at", "actor", "action", "target", "params"])


def ask(
    case: Case,
    question: str,
    subject: str,
    *,
    by_country: bool = False,
    max_hops: int = 4,
    home: str = HOME,
) -> pd.DataFrame:
    """One of QUESTIONS about SUBJECT, answered as a table (the CLI and the app ask this)."""
    subject = subject.strip()
    if not subject:
        raise GraphError("Name what to ask about.")
    if question == "suppliers":
        return (suppliers_by_country if by_country else suppliers)(case, subject)
    if question == "paths":
        return paths_to_foreign(case, subject, max_hops, (home or HOME).lower())
    if question == "sites":
        return product_sites(case, subject)
    if question == "evidence":
        return edge_evidence(case, subject)
    raise GraphError(f"{question!r} is not a question (known: {', '.join(QUESTIONS)}).")
