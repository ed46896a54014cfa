"""`workbench find`: a box becomes a reference, matched in every video of the case."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.common import by_option
from workbench.cli.options import dir_arg, print_rows, table_option
from workbench.errors import WorkbenchError

MATCH_COLUMNS = ("video", "frame_index", "time_s", "score", "observation", "new")
REF_COLUMNS = ("id", "kind", "label", "video", "frame_index", "time_s", "box", "observation",
               "product", "created_by", "created_at")  # fmt: skip


@click.command()
@dir_arg
@click.argument("video", required=False)
@click.option("--index", type=int, default=None, help="Frame index (0-based) the box is on.")
@click.option("--box", default=None, help="X,Y,W,H in the frame's own pixels.")
@click.option("--label", default=None, help="What the box shows (a name, a few words).")
@click.option("--kind", type=click.Choice(["mark", "screen"]), default=None,
              help="mark: a logo or UI element (default); screen: a whole screen.")  # fmt: skip
@click.option("--from-observation", "from_obs", type=int, default=None,
              help="Make the reference from this observation's box instead.")  # fmt: skip
@click.option("--reference", "rerun", type=int, default=None,
              help="Match an existing reference again (resumes; adds nothing twice).")  # fmt: skip
@click.option("--list", "list_refs", is_flag=True, help="List the case's references.")
@table_option
@by_option
def find(
    directory: Path,
    video: str | None,
    index: int | None,
    box: str | None,
    label: str | None,
    kind: str | None,
    from_obs: int | None,
    rerun: int | None,
    list_refs: bool,
    fmt: str,
    actor: str,
) -> None:
    """Find a logo, a UI element or a screen in every video: `workbench find DIR VIDEO
    --index N --box X,Y,W,H [--label L] [--kind mark|screen]`.

    The box becomes a reference that remembers its video, frame and author; each match
    in another keyframe is a suggestion citing it. `--list` lists the references."""
    from workbench.case import Case
    from workbench.case.boxes import XYWH
    from workbench.case.references import all_references
    from workbench.cli.progress import RichProgress
    from workbench.recognize.find.make import from_observation, make_reference
    from workbench.recognize.find.match import find_everywhere

    with Case.open(directory) as c:
        if list_refs:
            print_rows([r.to_record() for r in all_references(c.conn)], fmt, REF_COLUMNS)
            return
        if rerun is not None:
            rid, new = rerun, False
        elif from_obs is not None:
            ref, new = from_observation(c, from_obs, actor, label, kind)
            rid = ref.id
        else:
            if video is None or index is None or box is None:
                raise WorkbenchError(
                    "Give VIDEO, --index N and --box X,Y,W,H (or --from-observation ID,"
                    " --reference ID or --list)."
                )
            try:
                xywh = XYWH.parse(box)
            except ValueError as exc:
                raise WorkbenchError(f"{exc} Nothing was added.") from None
            ref, new = make_reference(c, video, index, xywh, actor, label, kind or "mark")
            rid = ref.id
        with RichProgress(bytes_mode=False) as progress:
            result = find_everywhere(c, rid, progress=progress, actor=actor)
    r = result.reference
    state = "new" if new else "existing"
    click.echo(
        f"reference #{r.id} ({state}, {r.kind} {r.label!r}) from {r.video[:12]} frame"
        f" {r.frame_index} at {r.time_s:.3f}s",
        err=fmt != "table",
    )
    print_rows([m.to_record() for m in result.matches], fmt, MATCH_COLUMNS)
    ids = [str(m.observation_id) for m in result.matches if m.new] or [
        str(m.observation_id) for m in result.matches
    ]
    tail = (
        f"{len(result.matches)} match(es) in {result.keyframes} keyframes of {result.videos}"
        f" video(s), {result.new} new."
    )
    if ids:
        tail += f" Next: look at them on the Review page, then `workbench review {directory}"
        tail += f" --confirm {' '.join(ids[:5])}` (or --reject)."
    else:
        tail += " Next: analyse more videos (`workbench analyze`); they are matched too."
    click.echo(tail, err=True)
