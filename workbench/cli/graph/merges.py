"""`workbench graph merge`, `unmerge`, `merges`: entities that are one and the same."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from workbench.cli.options import by_option, dir_arg, open_case, print_frame, table_option


@click.command("merge")
@dir_arg
@click.argument("winner")
@click.argument("loser")
@click.option("--reason", default="", help="Why they are the same (recorded).")
@by_option
def merge_cmd(directory: Path, winner: str, loser: str, reason: str, actor: str) -> None:
    """Merge entity LOSER into WINNER (undo with `workbench graph unmerge`)."""
    from workbench.graph.entities import resolve
    from workbench.graph.merges import merge

    with open_case(directory) as c:
        m = merge(c, actor, resolve(c, winner).id, resolve(c, loser).id, reason)
    click.echo(f"merge {m.id}: {m.loser_id} into {m.winner_id}")


@click.command("unmerge")
@dir_arg
@click.argument("what")
@by_option
def unmerge_cmd(directory: Path, what: str, actor: str) -> None:
    """Undo a merge, named by its number or by the merged entity's id."""
    from workbench.graph.merges import unmerge

    with open_case(directory) as c:
        m = unmerge(c, actor, what)
    click.echo(f"merge {m.id} undone: {m.loser_id} is separate from {m.winner_id} again")


@click.command("merges")
@dir_arg
@click.option("--candidates", is_flag=True, help="Instead: pairs that look alike, not merged.")
@click.option("--threshold", default=88.0, show_default=True, help="Similarity 0-100.")
@table_option
def merges_cmd(directory: Path, candidates: bool, threshold: float, fmt: str) -> None:
    """The merge history (automatic merges from imports included), or merge candidates."""
    import pandas as pd

    from workbench.graph import merges

    with open_case(directory) as c:
        if candidates:
            return print_frame(merges.candidates(c, threshold), fmt)
        print_frame(pd.DataFrame([asdict(m) for m in merges.merges(c)]), fmt)
