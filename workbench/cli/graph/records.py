"""`workbench graph import` and `export`: records in, the whole graph out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from workbench.cli.options import by_option, dir_arg, echo_json, json_option, open_case

FORMATS = ("graphml", "gexf", "json", "csv", "ftm", "html", "png")
IMPORT_KINDS = ("procurement", "customs", "registry", "relations")


@click.command("import")
@dir_arg
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(IMPORT_KINDS), required=True, help="What the rows are.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read COLUMN as FIELD (repeatable); docs/graph.md lists the fields.",
)
@click.option("--skip-bad", is_flag=True, help="Import the good rows and list the bad ones.")
@click.option("--encoding", help="Force a text encoding for CSV (default: detect).")
@click.option("--sheet", help="XLSX: the sheet to read (default: the first).")
@json_option
@by_option
def import_cmd(directory: Path, file: Path, kind: str, mapping: tuple[str, ...], **kw: Any) -> None:
    """Import FILE (CSV or XLSX) of KIND records into the case in DIRECTORY."""
    from workbench.graph.imports import import_file, parse_mapping

    with open_case(directory) as c:
        r = import_file(
            c,
            kw["actor"],
            file,
            kind,
            parse_mapping(mapping),
            kw["skip_bad"],
            kw["encoding"],
            kw["sheet"],
        )
    if kw["as_json"]:
        return echo_json(r.to_dict())
    click.echo(
        f"import {r.import_id}: {r.rows_imported} of {r.rows_total} rows ({r.encoding}); "
        f"{r.entities_created} entities new, {r.entities_matched} matched, {r.merges} merged by "
        f"name; {r.relations_created} relations new, {r.evidence_added} pieces of evidence added"
    )
    for _, problem in r.skipped:
        click.echo(f"skipped: {problem}", err=True)
    for warning in r.warnings:
        click.echo(f"warning: {warning}", err=True)


@click.command("export")
@dir_arg
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="The file to write (a folder for csv).",
)
@by_option
def export_cmd(directory: Path, fmt: str, out: Path, actor: str) -> None:
    """Export the vendor graph of DIRECTORY to OUT."""
    from workbench.graph.exports import export

    with open_case(directory) as c:
        result = export(c, actor, fmt, out)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    counts = ", ".join(f"{n} {s}" for s, n in sorted(result.entities.items()))
    click.echo(
        f"wrote {', '.join(map(str, result.paths))}: {result.nodes} entities, "
        f"{result.edges} relations" + (f" ({counts})" if counts else "")
    )
