"""`workbench vendors`: the vendor registry and interface signatures, real and fictional
marked apart, with the public sources behind each entry."""

from __future__ import annotations

import click

from workbench.cli.options import print_rows, table_option


@click.command()
@click.option("--interfaces", is_flag=True, help="List interface signatures instead of vendors.")
@click.option(
    "--only",
    type=click.Choice(["all", "real", "fictional"]),
    default="all",
    show_default=True,
    help="Real entries (with public sources), the fictional demo ones, or both.",
)
@table_option
def vendors(interfaces: bool, only: str, fmt: str) -> None:
    """List the vendors (or interface signatures) the recognisers know, each marked real or
    FICTIONAL; JSON and CSV carry every source URL."""
    from workbench.recognize import reference

    columns: tuple[str, ...]
    if interfaces:
        rows = reference.interface_rows(only)
        columns = reference.INTERFACE_COLUMNS
    else:
        rows = reference.vendor_rows(only)
        columns = reference.VENDOR_COLUMNS
    if fmt == "table":
        rows = [{k: _cell(r[k]) for k in columns} for r in rows]
    print_rows(rows, fmt, columns if fmt == "table" else ())
    if fmt == "table":
        click.echo(
            "FICTIONAL entries exist only for the demo case; sources: "
            "`workbench vendors --format json`.",
            err=True,
        )


def _cell(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
