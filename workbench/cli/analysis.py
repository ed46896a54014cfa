"""`workbench analyze` and `shots`: shots, keyframes and recognition, and what they found."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.common import by_option
from workbench.cli.options import dir_arg, json_option, print_rows
from workbench.errors import WorkbenchError


@click.command()
@dir_arg
@click.option(
    "--stages",
    default=None,
    metavar="LIST",
    help="Comma-separated: keyframes,ocr,logos,interfaces (default keyframes,ocr,interfaces, "
    "plus logos when a library is given or configured; ocr and interfaces run together).",
)
@click.option(
    "--ocr",
    "ocr_engine",
    default=None,
    metavar="ENGINE",
    help="OCR engine: routed, ppocr, screens+tesseract, tesseract, easyocr, both, "
    "craft+tesseract, ... (default: the benchmark's choice).",
)
@click.option(
    "--logos",
    "logos_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Logo library folder (each image's stem is its label; optional logos.toml); "
    "default: [recognize] logos in case.toml. A library means logos run.",
)
@click.option(
    "--workers",
    default=0,
    show_default="all cores",
    type=int,
    help="Local processes for decoding, keyframes and OCR.",
)
@click.option(
    "--executor",
    "executor_spec",
    default="local",
    show_default=True,
    metavar="local|ray[:ADDRESS]",
    help="Where tasks run: this machine's cores, or a Ray cluster (HEAD:6379; none: start one).",
)
@click.option("--video", "videos", multiple=True, help="Only this video (sha256 prefix).")
@json_option
@by_option
def analyze(
    directory: Path,
    stages: str | None,
    ocr_engine: str | None,
    logos_dir: Path | None,
    workers: int,
    executor_spec: str,
    videos: tuple[str, ...],
    as_json: bool,
    actor: str,
) -> None:
    """Shots, keyframes, OCR, logo and interface matching, vendor suggestions.

    Work already done with the same parameters is skipped; an interrupted run resumes.
    """
    from dataclasses import asdict

    from workbench.batch import analyze as run_analysis
    from workbench.batch import parse_executor
    from workbench.case import Case
    from workbench.cli.progress import RichProgress

    spec = parse_executor(executor_spec)
    with Case.open(directory) as c, RichProgress(bytes_mode=False) as progress:
        run = run_analysis(
            c,
            stages,
            ocr=ocr_engine,
            logos=logos_dir,
            executor=spec,
            workers=workers,
            progress=progress,
            actor=actor,
            videos=list(videos) or None,
        )
    result = run.result
    if as_json:
        click.echo(json.dumps([asdict(r) for r in result.reports], indent=2))
    else:
        for r in result.reports:
            state = "already done" if r.skipped else "done"
            detail = ", ".join(f"{k} {v}" for k, v in r.details.items())
            click.echo(f"{r.video[:12]}  {r.stage:<15} {state}: {detail}")
    for note in run.notes:
        click.echo(f"note: {note}", err=True)
    for f in result.failures:
        click.echo(f"failed: {f.describe()}", err=True)
    if result.failures:
        names = "; ".join(f.task for f in result.failures)
        raise WorkbenchError(
            f"{len(result.failures)} task(s) failed after retries ({names}); "
            "run the command again to retry them."
        )


@click.command()
@dir_arg
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
def shots(directory: Path, fmt: str) -> None:
    """Every shot (video sha256, first/last frame index and time) and keyframe (index, time)."""
    from workbench.case import Case
    from workbench.video.analysis import analysis_rows

    with Case.open(directory) as c:
        rows = analysis_rows(c)
    print_rows(rows, fmt)
