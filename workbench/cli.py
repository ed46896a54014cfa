"""The `workbench` command tree: parses arguments, calls the library, prints results.

Errors from the library (WorkbenchError) reach stderr as one sentence with exit code 1.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

import click

from workbench import __version__
from workbench.errors import WorkbenchError


def default_actor() -> str:
    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Group(click.Group):
    """Turns WorkbenchError (and a few OS errors) into one clear line on stderr."""

    def invoke(self, ctx: click.Context):
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


@click.group(cls=Group)
@click.version_option(__version__, prog_name="workbench")
def main() -> None:
    """Investigation workbench: footage, provenance, vendors and publishable case files."""


@main.group(cls=Group)
def case() -> None:
    """Create and inspect case folders."""


@case.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--title", required=True, help="The case's title.")
@click.option("--summary", default="", help="One paragraph on what the case is about.")
@by_option
def case_init(directory: Path, title: str, summary: str, actor: str) -> None:
    """Create a case folder at DIRECTORY."""
    from workbench.case import Case

    with Case.init(directory, title, summary=summary, actor=actor) as c:
        click.echo(f"created case {c.info.title!r} in {directory} (schema {c.schema_version})")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--max-height",
    default=1080,
    show_default=True,
    help="For URLs: the best single file no taller than this.",
)
@click.option("--no-screenshot", is_flag=True, help="For URLs: skip the page screenshot.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per ingested video.")
@by_option
def ingest(
    directory: Path,
    sources: tuple[str, ...],
    max_height: int,
    no_screenshot: bool,
    as_json: bool,
    actor: str,
) -> None:
    """Add SOURCES (URLs or local files) to the case in DIRECTORY.

    Prints the video id (first 12 hex digits of its sha256) and the full sha256.
    """
    from workbench.case import Case
    from workbench.cli_progress import RichProgress
    from workbench.ingest import UrlOptions
    from workbench.ingest import ingest as run_ingest

    options = UrlOptions(max_height=max_height, screenshot=not no_screenshot)
    failures = 0
    with Case.open(directory) as c, RichProgress() as progress:
        for source in sources:
            try:
                results = run_ingest(c, source, actor, options, progress)
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
                    state = "new video" if r.new_video else "known video, new source"
                    click.echo(
                        f"{r.video_sha256[:12]}  sha256 {r.video_sha256}  ({state}; "
                        f"{r.info.frame_count} frames, {r.info.width}x{r.info.height})"
                    )
    if failures:
        raise WorkbenchError(f"{failures} of {len(sources)} sources could not be ingested.")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def sources(directory: Path, as_json: bool) -> None:
    """List the sources of a case with their videos' hashes and metadata."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from workbench.case import Case, records

    with Case.open(directory) as c:
        srcs = records.sources(c.conn)
        vids = {v.sha256: v for v in records.videos(c.conn)}
    if as_json:
        click.echo(json.dumps([s.to_dict() for s in srcs], ensure_ascii=False, indent=2))
        return
    table = Table("id", "video", "kind", "title", "retrieved", "frames", "size")
    for s in srcs:
        v = vids[s.video_sha256]
        table.add_row(
            str(s.id),
            s.video_sha256[:12],
            s.kind,
            escape(s.title or ""),
            s.retrieved_at[:19],
            str(v.frame_count),
            f"{v.width}x{v.height}",
        )
    Console().print(table)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def verify(path: Path, as_json: bool) -> None:
    """Recompute every hash and the audit chain; exit 1 naming anything that differs."""
    from workbench.case import Case
    from workbench.case.verify import verify_case
    from workbench.cli_progress import RichProgress

    with Case.open(path) as c, RichProgress() as progress:
        report = verify_case(c, progress)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        for w in report.warnings:
            click.echo(f"warning: {w}", err=True)
        for p in report.problems:
            click.echo(f"MISMATCH: {p}", err=True)
        click.echo(
            f"{report.files_checked} files, {report.audit_entries} audit entries; "
            f"audit head {report.audit_head}"
        )
    if not report.ok:
        raise WorkbenchError(f"verification failed: {len(report.problems)} mismatch(es) in {path}.")
    if not as_json:
        click.echo("verified: every hash and the audit chain match.")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def log(directory: Path, as_json: bool) -> None:
    """Show the audit log (who did what, when, to what)."""
    from dataclasses import asdict

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from workbench.case import Case, audit

    with Case.open(directory) as c:
        entries = audit.entries(c.conn)
    if as_json:
        click.echo(json.dumps([asdict(e) for e in entries], ensure_ascii=False, indent=2))
        return
    table = Table("seq", "at", "actor", "action", "target", "hash")
    for e in entries:
        table.add_row(
            str(e.seq), e.at[:19], escape(e.actor), e.action, escape(e.target[:16]), e.hash[:12]
        )
    Console().print(table)


@main.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=Path("cases/demo"),
    show_default=True,
)
@click.option("--no-app", is_flag=True, help="Stop after building the case.")
@by_option
def demo(directory: Path, no_app: bool, actor: str) -> None:
    """Build the fictional demo case from generated footage."""
    from workbench.cli_progress import RichProgress
    from workbench.demo import build_demo

    with RichProgress(bytes_mode=False) as progress:
        summary = build_demo(directory, actor=actor, progress=progress)
    click.echo(
        f"demo case (FICTIONAL) built in {directory}: {summary.videos} videos, "
        f"{summary.frames} frames"
    )
    for line in summary.lines:
        click.echo(f"  {line}")
    if not no_app:
        click.echo(
            "The review app arrives with a later release; inspect the case with "
            f"`workbench sources {directory}` and `workbench verify {directory}`."
        )


if __name__ == "__main__":  # pragma: no cover
    main()
