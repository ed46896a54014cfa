"""`workbench findings`, `review`, `annotate`: suggestions, decisions and notes."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.case.boxes import XYWH
from workbench.cli.common import by_option
from workbench.cli.options import dir_arg, print_rows
from workbench.errors import WorkbenchError


@click.command()
@dir_arg
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option("--kind", type=click.Choice(["ocr", "logo", "interface", "capability", "manual"]))
@click.option("--status", type=click.Choice(["suggested", "confirmed", "rejected"]))
@click.option("--vendor", default=None)
@click.option("--video", default=None, help="sha256 or prefix")
@click.option(
    "--media",
    type=click.Choice(["video", "still", "document"]),
    help="Only findings on footage, still images or documents (PDF pages).",
)
def findings(
    directory: Path,
    fmt: str,
    kind: str | None,
    status: str | None,
    vendor: str | None,
    video: str | None,
    media: str | None,
) -> None:
    """Every observation, one record each (id, video, media_kind, frame_index, time_s,
    kind, text, label, vendor, bbox, quad, score, status, method, …); on a document,
    frame_index N is page N + 1."""
    from workbench.case import Case, records
    from workbench.case.observations import query
    from workbench.recognize.findings import FIELDS, record

    with Case.open(directory) as c:
        rows = query(c.conn, kind=kind, status=status, vendor=vendor, video=video)
        kinds = {v.sha256: v.kind for v in records.videos(c.conn)}
    out = [{**record(o), "media_kind": kinds.get(o.video)} for o in rows]
    out = [r for r in out if media is None or r["media_kind"] == media]
    print_rows(out, fmt, (*FIELDS, "media_kind"))


@click.command()
@dir_arg
@click.argument("ids", nargs=-1, required=True)
@click.option("--confirm", "confirm", is_flag=True, help="Confirm the observations IDS.")
@click.option("--reject", "reject", is_flag=True, help="Reject the observations IDS.")
@click.option("--note", default=None, help="Why (kept in the audit log).")
@by_option
def review(
    directory: Path, ids: tuple[str, ...], confirm: bool, reject: bool, note: str | None, actor: str
) -> None:
    """Confirm or reject suggestions: `workbench review DIR --confirm 3 4 7`.

    All or none: if one id does not exist, nothing changes. Who and when are recorded.
    """
    from workbench.case import Case
    from workbench.case.observations import review as do_review

    if confirm == reject:
        raise WorkbenchError("Say either --confirm or --reject (one of them).")
    try:
        numbers = [int(part) for item in ids for part in item.split(",") if part.strip()]
    except ValueError:
        raise WorkbenchError("Observation ids are whole numbers, e.g. 3 4 7 or 3,4,7.") from None
    with Case.open(directory) as c:
        status = "confirmed" if confirm else "rejected"
        for o in do_review(c.conn, numbers, status, actor, note):
            click.echo(f"{o.id}  {o.status}  {o.kind}  {o.text or o.label or ''}")
        if confirm:  # proposed at the aligned frames of the shot's copies (workbench copies)
            from workbench.recognize.propagate import propagate

            for p in propagate(c, numbers, actor):
                if p.new:
                    click.echo(
                        f"  proposed as #{p.observation} on copy {p.video[:12]} frame"
                        f" {p.frame_index} (from #{p.origin})"
                    )


def _box(text: str) -> XYWH:
    try:
        return XYWH.parse(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@dir_arg
@click.argument("video")
@click.option("--index", type=int, default=None, help="Frame index (0-based).")
@click.option("--time", "time_s", type=float, default=None, help="Time in seconds.")
@click.option("--box", required=True, help="X,Y,W,H in the frame's own pixels.")
@click.option("--note", required=True, help="What is seen there.")
@click.option("--tag", "tags", multiple=True)
@click.option("--label", default=None, help="Product or logo label, if any.")
@click.option("--vendor", default=None, help="Vendor, if any.")
@by_option
def annotate(
    directory: Path,
    video: str,
    index: int | None,
    time_s: float | None,
    box: str,
    note: str,
    tags: tuple[str, ...],
    label: str | None,
    vendor: str | None,
    actor: str,
) -> None:
    """Add a manual observation on a frame (confirmed by its author)."""
    from workbench.case import Case
    from workbench.recognize.manual import annotate as do_annotate

    with Case.open(directory) as c:
        o = do_annotate(
            c,
            video,
            _box(box),
            note,
            actor,
            index=index,
            time_s=time_s,
            tags=tags,
            label=label,
            vendor=vendor,
        )
    click.echo(
        f"{o.id}  frame {o.frame_index} at {o.time_s:.3f}s  {o.bbox}  confirmed by {o.reviewed_by}"
    )
