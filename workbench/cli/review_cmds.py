"""`workbench search` and `workbench undo`: the review app's full-text search and undo
from the command line (the same library calls as the Findings page)."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.common import by_option
from workbench.cli.options import dir_arg, print_rows

SEARCH_COLUMNS = ("id", "video", "frame_index", "time_s", "kind", "status", "match")


@click.command()
@dir_arg
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
    show_default=True,
)  # fmt: skip
def search(directory: Path, words: tuple[str, ...], limit: int, fmt: str) -> None:
    """Every observation of every video whose words start with WORDS (OCR text, notes,
    labels, vendors; case, accents and Cyrillic/Latin look-alikes folded), best first,
    with the frame to open: `workbench search DIR nordview vms`."""
    from workbench.case import Case
    from workbench.case.search import search as do_search

    with Case.open(directory) as c:
        hits = do_search(c.conn, " ".join(words), limit=limit)
    rows = [
        {"id": h.observation.id, "video": h.observation.video[:12],
         "frame_index": h.observation.frame_index, "time_s": round(h.observation.time_s, 3),
         "kind": h.observation.kind, "status": h.observation.status, "match": h.snippet}
        for h in hits
    ]  # fmt: skip
    print_rows(rows, fmt, SEARCH_COLUMNS)
    if not rows and fmt == "table":
        click.echo("Try fewer or shorter words (each word matches the start of a word).", err=True)
    elif fmt == "table":
        click.echo(
            f"{len(rows)} found. Next: `workbench app {directory}` opens each at its frame "
            "(Findings → Search every video).",
            err=True,
        )


@click.command()
@dir_arg
@click.argument("oid", metavar="ID", type=int)
@click.option(
    "--expect", type=click.Choice(["suggested", "confirmed", "rejected"]), default=None,
    help="The status you saw: refused if someone changed it since.",
)  # fmt: skip
@by_option
def undo(directory: Path, oid: int, expect: str | None, actor: str) -> None:
    """Take a decision back: a confirmed or rejected suggestion goes back to suggested;
    a note is withdrawn (kept in the audit log, gone from views and publications)."""
    from workbench.case import Case
    from workbench.case.observations import undo as do_undo

    with Case.open(directory) as c:
        o = do_undo(c.conn, oid, actor, expected_status=expect)
    what = "withdrawn" if o.kind == "manual" else "back to suggested"
    click.echo(f"{o.id}  {what}  {o.kind}  {o.text or o.label or ''}  by {actor}")


@click.command()
@dir_arg
@click.argument("video")
@click.option("--index", type=int, default=None, help="Frame index (0-based).")
@click.option("--time", "time_s", type=float, default=None, help="Time in seconds.")
@click.option("--chain", default="", help="Enhancement steps, e.g. clahe:clip=2|unsharp.")
@click.option("--zoom", default="", help="X,Y,W,H of the frame to export (its own pixels).")
@click.option("--width", type=click.IntRange(0, 8000), default=0, help="0: the pixels as they are.")
@click.option("--boxes", is_flag=True, help="Draw the boxes of the findings on that frame.")
@by_option
def evidence(
    directory: Path, video: str, index: int | None, time_s: float | None, chain: str,
    zoom: str, width: int, boxes: bool, actor: str,
) -> None:  # fmt: skip
    """Export a frame (zoomed, enhanced, with or without boxes) as a PNG carrying its
    provenance in a text chunk and a sidecar JSON, under exports/evidence/; logged in
    the audit log."""
    from workbench.app.evidence_image import export_frame
    from workbench.case import Case
    from workbench.errors import WorkbenchError

    if (index is None) == (time_s is None):
        raise WorkbenchError("Say which frame: either --index N or --time SECONDS.")
    with Case.open(directory) as c:
        done = export_frame(c, video, actor, index, time_s, chain, zoom, width, boxes)
    p = done.provenance
    click.echo(f"{done.png.resolve()}  sha256 {done.png_sha256}")
    click.echo(
        f"frame {p['frame_index']} at {p['time_s']:.3f} s of {p['video_sha256'][:12]}, pixels "
        f"{p['pixel_sha256'][:12]}, processing {p['processing'] or 'none'}, boxes {p['boxes']}; "
        f"provenance also in {done.sidecar.name}."
    )
