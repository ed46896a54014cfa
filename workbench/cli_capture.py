"""`workbench doctor` and `workbench timestamp`: what works here, and independent
RFC 3161 time-stamps over a case's originals and its audit chain."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.errors import WorkbenchError


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=None,
    help="A case folder: free disk is measured there (default: here).",
)
@click.option("--json", "as_json", is_flag=True)
def doctor(directory: Path | None, as_json: bool) -> None:
    """What works on this machine (yt-dlp and its JS runtime, FFmpeg, Tesseract languages,
    Chromium, face model, torch/CUDA, onnxruntime, free disk), each with its fix.

    Exits 1 when something the defaults need is missing.
    """
    from workbench.doctor import diagnose

    report = diagnose(directory)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        for c in report.checks:
            line = f"{c.state:<8} {c.name}: {c.detail}"
            if not c.ok and c.fix:
                line += f"  -> fix: {c.fix}"
            click.echo(line)
    if not report.ok:
        names = ", ".join(c.name for c in report.missing)
        raise WorkbenchError(f"missing what the defaults need: {names}.")
    if not as_json:
        click.echo("ready: everything the defaults need is here.")


COMMANDS = (doctor,)
