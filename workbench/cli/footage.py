"""`workbench frame` and `clip`: one exact frame, or a slowed-down clip, of a video."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.options import dir_arg
from workbench.errors import WorkbenchError


def _reader(c, video: str):
    from workbench.case import records
    from workbench.video.frames import FrameReader

    found = records.require_video(c.conn, video)
    return FrameReader(c.path(found.media_path), found.sha256)


def _chain(text: str | None):
    from workbench.video.enhance import Chain

    if not text:
        return None
    try:
        return Chain.parse(text)
    except (ValueError, KeyError) as exc:
        raise WorkbenchError(f"The enhancement chain {text!r} is not valid: {exc}.") from exc


@click.command()
@dir_arg
@click.argument("video")
@click.option("--index", type=int, default=None, help="Frame index (0-based).")
@click.option("--time", "time_s", type=float, default=None, help="Time in seconds.")
@click.option(
    "--enhance",
    "chain",
    default=None,
    metavar="CHAIN",
    help="e.g. 'crop:x=10,y=20,w=200,h=100|zoom:4|unsharp:amount=1.5|clahe:clip=2'",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
def frame(
    directory: Path,
    video: str,
    index: int | None,
    time_s: float | None,
    chain: str | None,
    output: Path,
) -> None:
    """Write one exact frame (optionally enhanced) as PNG; prints its provenance."""
    from workbench.case import Case
    from workbench.video.still import save_still

    with Case.open(directory) as c:
        reader = _reader(c, video)
        try:
            result = save_still(reader, output, index=index, time_s=time_s, chain=_chain(chain))
        finally:
            reader.close()
    click.echo(
        json.dumps(
            {
                **result.ref.to_dict(),
                "chain": result.chain,
                "png": str(result.path),
                "png_sha256": result.sha256,
            }
        )
    )


@click.command()
@dir_arg
@click.argument("video")
@click.option("--start", "start_s", type=float, required=True, help="Seconds.")
@click.option("--end", "end_s", type=float, required=True, help="Seconds.")
@click.option("--speed", type=float, default=0.25, show_default=True, help="0.1 to 1.")
@click.option("--burn", is_flag=True, help="Burn frame index, time code and hash in.")
@click.option("--enhance", "chain", default=None, metavar="CHAIN")
@click.option("--frames", "as_frames", is_flag=True, help="Numbered PNGs instead of an mp4.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="An .mp4 file, or a folder with --frames.",
)
def clip(
    directory: Path,
    video: str,
    start_s: float,
    end_s: float,
    speed: float,
    burn: bool,
    chain: str | None,
    as_frames: bool,
    output: Path,
) -> None:
    """Export a time range as a slow-motion mp4, or as numbered PNG frames."""
    from workbench.case import Case
    from workbench.video.clips import export_clip, export_frames

    with Case.open(directory) as c:
        reader = _reader(c, video)
        try:
            if as_frames:
                res = export_frames(reader, start_s, end_s, output, burn=burn, chain=_chain(chain))
                click.echo(f"{len(res.files)} frames in {res.folder} (manifest {res.manifest})")
            else:
                out = export_clip(
                    reader, start_s, end_s, output, speed=speed, burn=burn, chain=_chain(chain)
                )
                click.echo(json.dumps(out.to_dict()))
        finally:
            reader.close()
