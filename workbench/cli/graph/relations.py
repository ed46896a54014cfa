"""`workbench graph relation …` and `evidence add`: relations and what backs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from workbench.cli.options import (
    Group,
    by_option,
    dir_arg,
    echo_json,
    evidence_options,
    new_evidence,
    open_case,
)
from workbench.errors import WorkbenchError


@click.group(cls=Group)
def relation() -> None:
    """Add and inspect relations."""


@relation.command("add")
@dir_arg
@click.argument("source")
@click.argument("kind")
@click.argument("target")
@click.option("--start", help="When it began (2021, 2021-05, 2021-05-17).")
@click.option("--end", help="When it ended.")
@click.option("--confidence", default="0.5", show_default=True, help="0 to 1.")
@evidence_options
@by_option
def relation_add(directory: Path, source: str, kind: str, target: str, **kw: Any) -> None:
    """Add SOURCE KIND TARGET (`org-a supplies org-b`); without evidence, a hypothesis."""
    from workbench.graph.entities import resolve
    from workbench.graph.relations import add_evidence, add_relation

    ev = new_evidence(kw)
    with open_case(directory) as c:
        r = add_relation(
            c,
            kw["actor"],
            kind,
            resolve(c, source).id,
            resolve(c, target).id,
            start=kw["start"],
            end=kw["end"],
            confidence=kw["confidence"],
            evidence=[ev] if ev and kw["copy"] is None else [],
        )
        if kw["copy"] is not None:
            add_evidence(c, kw["actor"], r.id, ev, copy=kw["copy"])
    click.echo(f"{r.id}" + ("" if ev else " (a hypothesis: no evidence yet)"))


@relation.command("show")
@dir_arg
@click.argument("relation_id", type=int)
def relation_show(directory: Path, relation_id: int) -> None:
    """Print relation RELATION_ID with its evidence as JSON."""
    from workbench.graph.relations import get_relation

    with open_case(directory) as c:
        r = get_relation(c, relation_id)
    echo_json({**r.to_dict(), "hypothesis": r.hypothesis})


@click.group(cls=Group)
def evidence() -> None:
    """Add evidence to relations."""


@evidence.command("add")
@dir_arg
@click.argument("relation_id", type=int)
@click.option("--kind", type=click.Choice(["url", "document", "observation"]))
@evidence_options
@by_option
def evidence_add(directory: Path, relation_id: int, kind: str | None, **kw: Any) -> None:
    """Add a piece of evidence to relation RELATION_ID."""
    from workbench.graph.relations import add_evidence

    ev = new_evidence(kw, kind)
    if ev is None:
        raise WorkbenchError("Give --url, --file, --sha256, --title or --observation.")
    with open_case(directory) as c:
        added = add_evidence(c, kw["actor"], relation_id, ev, copy=kw["copy"])
    click.echo(f"{added.id} {added.ref}")
