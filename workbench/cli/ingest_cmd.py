"""`workbench ingest`: URLs (yt-dlp), collections and local files into a case."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.common import by_option
from workbench.cli.options import dir_arg
from workbench.errors import WorkbenchError


@click.command()
@dir_arg
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--max-height",
    type=int,
    default=None,
    help="For URLs: the best single file no taller than this (default 1080).",
)
@click.option("--no-screenshot", is_flag=True, help="For URLs: skip the page screenshot.")
@click.option(
    "--cookies",
    "cookies_file",
    type=click.Path(path_type=Path),
    default=None,
    help="A cookies file (Netscape format) for logged-in sources; never copied into the case.",
)
@click.option(
    "--cookies-from-browser",
    default=None,
    metavar="BROWSER[:PROFILE]",
    help="Read the login cookies from a browser (firefox, chrome, chromium, ...).",
)
@click.option(
    "--proxy", default=None, metavar="URL", help="http, https, socks5 or socks5h proxy URL."
)
@click.option("--rate-limit", default=None, metavar="RATE", help="Bytes per second: 500K, 2M.")
@click.option("--retries", type=int, default=None, help="Retries per request (default 3).")
@click.option(
    "--timeout", "timeout_s", type=float, default=None, help="Seconds of silence (default 20)."
)
@click.option("--max-videos", type=int, default=None, help="Collections: the first N videos only.")
@click.option(
    "--date-after", default=None, metavar="DATE", help="Collections: uploaded on or after."
)
@click.option(
    "--date-before", default=None, metavar="DATE", help="Collections: uploaded on or before."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per ingested video.")
@by_option
def ingest(
    directory: Path,
    sources: tuple[str, ...],
    no_screenshot: bool,
    as_json: bool,
    actor: str,
    **given,
) -> None:
    """Add SOURCES (URLs or local files) to the case in DIRECTORY.

    A playlist, channel or search URL adds each video as its own source. Prints the video
    id (first 12 hex digits of its sha256) and the full sha256. Network options can also be
    set for the case in case.toml's [ingest] table.
    """
    from workbench.case import Case
    from workbench.cli.progress import RichProgress
    from workbench.ingest import ingest_file, is_url
    from workbench.ingest.options import build
    from workbench.ingest.url import fetch

    failures = 0
    with Case.open(directory) as c, RichProgress() as progress:
        options = build(c.root, screenshot=False if no_screenshot else None, **given)
        for source in sources:
            skipped = []
            try:
                if is_url(source):
                    got = fetch(c, source, actor, options, progress)
                    results, skipped = got.results, got.skipped
                else:
                    results = [ingest_file(c, Path(source), actor, progress)]
            except WorkbenchError as exc:
                if len(sources) == 1:
                    raise
                failures += 1
                click.echo(f"error: {exc}", err=True)
                continue
            for r in results:
                if as_json:
                    click.echo(
                        json.dumps(
                            {
                                "video": r.video_sha256[:12],
                                "sha256": r.video_sha256,
                                "source_id": r.source_id,
                                "new_video": r.new_video,
                                "media_kind": r.info.kind,
                                "media_path": r.media_path,
                                "title": r.title,
                                "frames": r.info.frame_count,
                                "fps": r.info.fps,
                                "width": r.info.width,
                                "height": r.info.height,
                            },
                            ensure_ascii=False,
                        )
                    )
                else:
                    kind = r.info.kind
                    state = f"new {kind}" if r.new_video else f"known {kind}, new source"
                    unit = "pages" if kind == "document" else "frames"
                    click.echo(
                        f"{r.video_sha256[:12]}  sha256 {r.video_sha256}  ({state}; "
                        f"{r.info.frame_count} {unit}, {r.info.width}x{r.info.height})"
                    )
                    if r.info.damaged_frames and kind != "video":
                        click.echo(
                            f"warning: {r.title or r.video_sha256[:12]} is damaged (truncated "
                            "or broken data): it was read as far as it goes, the rest is "
                            "grey, and the damage is recorded with it.",
                            err=True,
                        )
            for skip in skipped:
                click.echo(f"skipped {skip.item}: {skip.reason}", err=True)
    if failures:
        raise WorkbenchError(f"{failures} of {len(sources)} sources could not be ingested.")
