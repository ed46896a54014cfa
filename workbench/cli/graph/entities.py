"""`workbench graph entity …`: add, change and inspect entities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from workbench.cli.options import (
    Decorated,
    Group,
    by_option,
    dir_arg,
    echo_json,
    json_option,
    open_case,
    pairs,
    print_frame,
    table_option,
)

ENTITY_KINDS = ("organisation", "product", "site", "person")


@click.group(cls=Group)
def entity() -> None:
    """Add, change and inspect entities."""


def _entity_fields(f: Decorated) -> Decorated:
    for option in reversed(
        [
            click.option("--role", help="integrator, vendor, distributor, operator, client…"),
            click.option("--country", help="ISO code or name: kz, cn, Russia…"),
            click.option("--city"),
            click.option("--address"),
            click.option("--lat", type=float),
            click.option("--lon", type=float),
        ]
    ):
        f = option(f)
    return f


@entity.command("add")
@dir_arg
@click.argument("kind", type=click.Choice(ENTITY_KINDS))
@click.argument("name")
@click.option("--id", "id", help="Choose the id (default: made from the name).")
@_entity_fields
@click.option("--public", is_flag=True, help="A public body (ministry, akimat, police).")
@click.option("--alias", "aliases", multiple=True, help="Another spelling (repeatable).")
@click.option(
    "--identifier",
    "identifiers",
    multiple=True,
    metavar="SCHEME=VALUE",
    help="bin, iin, inn, ogrn, uscc, lei, website (repeatable).",
)
@json_option
@by_option
def entity_add(directory: Path, kind: str, name: str, actor: str, as_json: bool, **kw: Any) -> None:
    """Add an entity of KIND called NAME; prints its id."""
    from workbench.graph.entities import add_entity

    kw["identifiers"] = pairs(kw["identifiers"], "--identifier")
    kw["aliases"] = list(kw["aliases"])
    with open_case(directory) as c:
        e = add_entity(c, actor, kind, name, **kw)
    echo_json(e.to_dict()) if as_json else click.echo(e.id)


@entity.command("set")
@dir_arg
@click.argument("ref")
@click.option("--name")
@_entity_fields
@click.option("--public/--not-public", default=None)
@click.option("--alias", "aliases", multiple=True, help="Add another spelling (repeatable).")
@click.option("--identifier", "identifiers", multiple=True, metavar="SCHEME=VALUE")
@by_option
def entity_set(
    directory: Path,
    ref: str,
    actor: str,
    aliases: tuple[str, ...],
    identifiers: tuple[str, ...],
    **changes: Any,
) -> None:
    """Change fields of the entity REF (an id, an identifier or a name), add spellings and
    identifiers (bin, iin, inn, ogrn, uscc, lei, website)."""
    from workbench.graph import entities

    with open_case(directory) as c:
        entity_id = entities.resolve(c, ref).id
        if any(v is not None for v in changes.values()):
            entities.update_entity(c, actor, entity_id, **changes)
        for alias in aliases:
            entities.add_alias(c, actor, entity_id, alias)
        for scheme, value in pairs(identifiers, "--identifier"):
            entities.add_identifier(c, actor, entity_id, scheme, value)
    click.echo(entity_id)


@entity.command("show")
@dir_arg
@click.argument("ref")
def entity_show(directory: Path, ref: str) -> None:
    """Print the entity REF (an id, an identifier or a name in any spelling) as JSON."""
    from workbench.graph.entities import resolve

    with open_case(directory) as c:
        echo_json(resolve(c, ref).to_dict())


@entity.command("list")
@dir_arg
@click.option("--kind", type=click.Choice(ENTITY_KINDS))
@table_option
def entity_list(directory: Path, kind: str | None, fmt: str) -> None:
    """List entities (merged ones folded in)."""
    from workbench.graph.queries import nodes_frame

    with open_case(directory) as c:
        df = nodes_frame(c)
    print_frame(df[df["kind"] == kind] if kind and not df.empty else df, fmt)
