"""`workbench demo` and `workbench app`: the fictional demo case and the review app."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.common import by_option


@click.command()
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
    from workbench.cli.progress import RichProgress
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
        _serve_app(directory, port=0, open_browser=True)


def _serve_app(directory: Path | None, port: int, open_browser: bool) -> None:
    from workbench.app.launch import serve

    serve(directory, port, open_browser, announce=click.echo)


@click.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--port", type=int, default=8501, show_default=True, help="0 picks a free port.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser window.")
def app(directory: Path | None, port: int, no_browser: bool) -> None:
    """The review app (Streamlit) on 127.0.0.1, with DIRECTORY's case open."""
    _serve_app(directory, port, open_browser=not no_browser)


# -- publish: case-file bundles (workbench.publish) --------------------------------------
