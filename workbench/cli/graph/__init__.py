"""`workbench graph …`: the vendor graph's commands (thin: each calls workbench.graph).

Attach with `main.add_command(graph)`. Errors (WorkbenchError) reach stderr as one
sentence with exit code 1, whether `graph` runs under `workbench` or on its own.
"""

from __future__ import annotations

import click

from workbench.cli.graph.entities import entity
from workbench.cli.graph.footage import accept_cmd, link_video_cmd, proposals_cmd, propose_cmd
from workbench.cli.graph.merges import merge_cmd, merges_cmd, unmerge_cmd
from workbench.cli.graph.queries import changes_cmd, query_cmd
from workbench.cli.graph.records import export_cmd, import_cmd
from workbench.cli.graph.relations import evidence, relation
from workbench.cli.options import Group

__all__ = ["graph"]


@click.group(cls=Group)
def graph() -> None:
    """The vendor graph: entities, evidence-backed relations, queries, exports."""


for _command in (
    import_cmd,
    export_cmd,
    entity,
    relation,
    evidence,
    link_video_cmd,
    propose_cmd,
    proposals_cmd,
    accept_cmd,
    merge_cmd,
    unmerge_cmd,
    merges_cmd,
    query_cmd,
    changes_cmd,
):
    graph.add_command(_command)
