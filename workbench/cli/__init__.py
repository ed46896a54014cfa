"""The `workbench` command tree: parses arguments, calls the library, prints results.

Each command lives in a small module of this package and only collects parameters,
calls one library function and prints. Errors from the library (WorkbenchError) reach
stderr as one sentence with exit code 1 (`workbench.cli.common.Group`).
"""

from __future__ import annotations

import click

from workbench import __version__
from workbench.cli.analysis import analyze, shots
from workbench.cli.app_cmds import app, demo
from workbench.cli.capture import COMMANDS as CAPTURE_COMMANDS
from workbench.cli.case_cmds import case, log, sources, verify
from workbench.cli.common import Group
from workbench.cli.copies_cmd import copies
from workbench.cli.find_cmd import find
from workbench.cli.findings import annotate, findings, review
from workbench.cli.footage import clip, frame
from workbench.cli.graph import graph
from workbench.cli.ingest_cmd import ingest
from workbench.cli.publish_cmd import publish
from workbench.cli.review_cmds import evidence, search, undo
from workbench.cli.vendors_cmd import vendors

__all__ = ["main"]


@click.group(cls=Group)
@click.version_option(__version__, prog_name="workbench")
def main() -> None:
    """Investigation workbench: footage, provenance, vendors and publishable case files."""


for _command in (
    case,
    ingest,
    sources,
    verify,
    log,
    analyze,
    findings,
    review,
    annotate,
    search,
    undo,
    evidence,
    shots,
    frame,
    clip,
    demo,
    app,
    publish,
    graph,
    vendors,
    *CAPTURE_COMMANDS,
    find,
    copies,
):
    main.add_command(_command)
