"""What every command shares: the group class, the case-folder argument, --json and
--format, opening a case, and one way of printing a table as text, JSON or CSV."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from workbench.cli.common import Group, by_option

if TYPE_CHECKING:
    from workbench.case.folder import Case

Decorated = TypeVar("Decorated", bound=Callable[..., Any])  # a command's function

__all__ = ["Group", "by_option"]

dir_arg = click.argument("directory", type=click.Path(path_type=Path))
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
table_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="How to print the answer.",
)


def open_case(directory: Path) -> Case:
    from workbench.case import Case

    return Case.open(directory)


def print_frame(df: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(df.to_json(orient="records", force_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(df.to_csv(index=False), nl=False)
    elif df.empty:
        click.echo("(nothing)")
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", None, "display.width", 200):
            click.echo(df.to_string(index=False))


def print_rows(rows: list[dict[str, Any]], fmt: str, columns: Sequence[str] = ()) -> None:
    """The one printer of records: JSON, CSV (workbench.tabular) or a table."""
    from workbench import tabular

    if fmt == "json":
        click.echo(tabular.to_json(rows))
    elif fmt == "csv":
        click.echo(tabular.to_csv(rows, columns or None), nl=False)
    else:
        import pandas as pd

        print_frame(pd.DataFrame(rows, columns=list(columns) or None), fmt)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def pairs(values: tuple[str, ...], what: str) -> list[tuple[str, str]]:
    from workbench.graph.identifiers import split_written

    return [split_written(v, what) for v in values]


def evidence_options(f: Decorated) -> Decorated:
    for option in reversed(
        [
            click.option("--url", help="A web page or document URL."),
            click.option("--title", help="The document's title."),
            click.option("--retrieved-at", help="When it was retrieved (ISO 8601)."),
            click.option("--sha256", help="SHA-256 of a saved copy kept elsewhere."),
            click.option(
                "--file",
                "copy",
                type=click.Path(path_type=Path),
                help="A saved copy to store in the case's media/ (hashed).",
            ),
            click.option("--observation", type=int, help="A confirmed observation's id."),
            click.option("--note"),
        ]
    ):
        f = option(f)
    return f


def new_evidence(kw: dict[str, Any], kind: str | None = None) -> Any:
    """NewEvidence from the evidence options, or None when none were given."""
    from workbench.graph.relations import NewEvidence

    if kw["observation"] is not None:
        return NewEvidence(kind="observation", observation_id=kw["observation"], note=kw["note"])
    if not (kw["url"] or kw["title"] or kw["sha256"] or kw["copy"] or kind):
        return None
    guess = "url" if kw["url"] and not (kw["sha256"] or kw["copy"]) else "document"
    return NewEvidence(
        kind=kind or guess,
        url=kw["url"],
        title=kw["title"],
        retrieved_at=kw["retrieved_at"],
        sha256=kw["sha256"],
        note=kw["note"],
    )
