"""`workbench doctor` and `workbench timestamp`: what works here, and independent
RFC 3161 time-stamps over a case's originals and its audit chain."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.common import by_option
from workbench.cli.options import dir_arg, json_option
from workbench.errors import WorkbenchError


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=None,
    help="A case folder: free disk is measured there (default: here).",
)
@json_option
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


@click.command()
@dir_arg
@click.option(
    "--tsa",
    "tsa_urls",
    multiple=True,
    metavar="URL",
    help="A time-stamp authority (repeatable); default: case.toml's [timestamp] tsa list.",
)
@click.option(
    "--tsa-certs",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="PEM file with the TSA's root (and intermediate) certificates, stored with each token.",
)
@click.option(
    "--proxy",
    default=None,
    metavar="URL",
    help="Reach the TSAs through this proxy (default: case.toml's [ingest] proxy).",
)
@json_option
@by_option
def timestamp(
    directory: Path,
    tsa_urls: tuple[str, ...],
    tsa_certs: Path | None,
    proxy: str | None,
    as_json: bool,
    actor: str,
) -> None:
    """RFC 3161 time-stamp tokens over each original's SHA-256 and the audit-chain head.

    Only hashes leave the machine. Tokens are checked as they arrive and stored with the
    TSA's certificates; `workbench verify` checks them again offline. Originals already
    stamped by a TSA are skipped; the audit head is stamped on every run.
    """
    from workbench.case import Case
    from workbench.cli.progress import RichProgress
    from workbench.ingest.options import build
    from workbench.ingest.tsa import authorities, stamp_case

    with Case.open(directory) as c, RichProgress(bytes_mode=False) as progress:
        tsas = authorities(c.root, tsa_urls, tsa_certs)
        report = stamp_case(c, tsas, actor, progress, build(c.root, proxy=proxy))
    if as_json:
        click.echo(json.dumps(report.__dict__, indent=2))
        return
    for url, n in report.per_tsa.items():
        click.echo(f"{url}: {n} new token(s)")
    click.echo(
        f"{report.new} token(s) stored, {report.already} already there; "
        f"audit head {report.audit_head}"
    )


COMMANDS = (doctor, timestamp)
