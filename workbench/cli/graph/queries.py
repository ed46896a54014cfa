"""`workbench graph query` and `changes`: questions asked of the graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from workbench.cli.options import dir_arg, open_case, print_frame, table_option
from workbench.graph.countries import HOME
from workbench.graph.model import QUESTIONS

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
@click.argument("question", type=click.Choice(QUESTIONS))
@click.argument("subject")
@click.option("--by-country", is_flag=True, help="suppliers: count them per country.")
@click.option("--max-hops", default=4, show_default=True, help="paths: longest path.")
@click.option("--home", default=HOME, show_default=True, help="paths: not from here = foreign.")
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
        df = queries.ask(
            c,
            question,
            subject,
            by_country=kw["by_country"],
            max_hops=kw["max_hops"],
            home=kw["home"],
        )
    if fmt == "table" and question == "paths":
        df = df.drop(columns=["path_ids"])
    elif fmt == "table" and question == "evidence":
        df = df[EVIDENCE_COLUMNS]
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
