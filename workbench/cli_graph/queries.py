"""`workbench graph query` and `changes`: questions asked of the graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from workbench.cli_graph.options import dir_arg, open_case, print_frame, table_option

EVIDENCE_COLUMNS = [
    "relation_id",
    "id",
    "kind",
    "counts",
    "url",
    "retrieved_at",
    "sha256",
    "observation_id",
    "frame_index",
    "row_number",
]


@click.command("query")
@dir_arg
@click.argument("question", type=click.Choice(["suppliers", "paths", "sites", "evidence"]))
@click.argument("subject")
@click.option("--by-country", is_flag=True, help="suppliers: count them per country.")
@click.option("--max-hops", default=4, show_default=True, help="paths: longest path.")
@click.option("--home", default="kz", show_default=True, help="paths: not from here = foreign.")
@table_option
def query_cmd(directory: Path, question: str, subject: str, fmt: str, **kw: Any) -> None:
    """Ask the graph. QUESTION and SUBJECT:

    \b
    suppliers INTEGRATOR  who supplies it (directly, via distributors, makers of its products)
    paths SITE            every path from the site upstream to a foreign organisation
    sites PRODUCT         the sites where the product is installed or seen in footage
    evidence EDGE         the evidence behind an edge (rel-7 or 7)
    """
    from workbench.graph import queries

    with open_case(directory) as c:
        if question == "suppliers":
            fn = queries.suppliers_by_country if kw["by_country"] else queries.suppliers
            df = fn(c, subject)
        elif question == "paths":
            df = queries.paths_to_foreign(c, subject, kw["max_hops"], kw["home"].lower())
            df = df.drop(columns=["path_ids"]) if fmt == "table" else df
        elif question == "sites":
            df = queries.product_sites(c, subject)
        else:
            df = queries.edge_evidence(c, subject)
            df = df[EVIDENCE_COLUMNS] if fmt == "table" else df
    print_frame(df, fmt)


@click.command("changes")
@dir_arg
@click.option("--since", required=True, help="A date (2025-01-31) or an ISO timestamp.")
@table_option
def changes_cmd(directory: Path, since: str, fmt: str) -> None:
    """What changed in the graph since a date (from the audit log)."""
    from workbench.graph.queries import changes_since

    with open_case(directory) as c:
        print_frame(changes_since(c, since), fmt)
