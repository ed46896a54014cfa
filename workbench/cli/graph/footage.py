"""From observations to edges: `link-video`, `propose`, `proposals`, `accept`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from workbench.cli.options import by_option, dir_arg, echo_json, json_option, open_case


@click.command("link-video")
@dir_arg
@click.argument("site")
@click.argument("video")
@click.option("--note")
@by_option
def link_video_cmd(directory: Path, site: str, video: str, note: str | None, actor: str) -> None:
    """Record that VIDEO (sha256 or a 6+ digit prefix) was filmed at SITE."""
    from workbench.graph.entities import resolve
    from workbench.graph.proposals import link_video

    with open_case(directory) as c:
        link_video(c, actor, resolve(c, site, "site").id, video, note)


@click.command("propose")
@dir_arg
@json_option
@by_option
def propose_cmd(directory: Path, as_json: bool, actor: str) -> None:
    """Propose appears_in edges from confirmed observations in videos linked to sites."""
    from workbench.graph.proposals import propose

    with open_case(directory) as c:
        result = propose(c, actor)
    if as_json:
        proposals = [asdict(p) for p in result.proposals]
        return echo_json({"proposals": proposals, "unmatched": result.unmatched})
    for p in result.proposals:
        click.echo(f"{p.id}  {p.source_id} appears_in {p.target_id}  ({p.reason})")
    for name in result.unmatched:
        click.echo(f"no entity matches {name!r}; add it to propose its edges", err=True)
    click.echo(f"{len(result.proposals)} new proposal(s); accept with `workbench graph accept`")


@click.command("proposals")
@dir_arg
@click.option(
    "--status",
    type=click.Choice(["proposed", "accepted", "rejected", "all"]),
    default="proposed",
    show_default=True,
)
def proposals_cmd(directory: Path, status: str) -> None:
    """List proposals as JSON."""
    from workbench.graph.proposals import proposals

    with open_case(directory) as c:
        echo_json([asdict(p) for p in proposals(c, None if status == "all" else status)])


@click.command("accept")
@dir_arg
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--reject", is_flag=True, help="Reject them instead.")
@by_option
def accept_cmd(directory: Path, ids: tuple[int, ...], reject: bool, actor: str) -> None:
    """Accept proposals IDS (adding their edges, citing the observations), or reject them."""
    from workbench.graph.proposals import decide

    with open_case(directory) as c:
        for p in decide(c, actor, list(ids), not reject):
            click.echo(f"{p.id} {p.status}" + (f": relation {p.relation_id}" if not reject else ""))
