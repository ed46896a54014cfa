"""What every part of the command tree shares: who is acting, and the group class that
turns library errors into one sentence on stderr."""

from __future__ import annotations

import sys
from typing import Any

import click

from workbench.actor import default_actor
from workbench.errors import WorkbenchError


class Group(click.Group):
    """Turns WorkbenchError (and Ctrl+C) into one clear line on stderr."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("error: interrupted; work that was not committed was discarded.", err=True)
            sys.exit(130)


by_option = click.option(
    "--by",
    "actor",
    default=default_actor,
    show_default="$WORKBENCH_USER or the login name",
    help="Who is doing this (recorded in the audit log).",
)
