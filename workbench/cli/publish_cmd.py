"""`workbench publish`: the case-file bundle."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.common import by_option
from workbench.cli.options import dir_arg, json_option


@click.command()
@dir_arg
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="A new folder."
)
@click.option(
    "--sign",
    "sign_key",
    type=click.Path(path_type=Path),
    default=None,
    help="Ed25519 private key (PEM or OpenSSH) to sign the MANIFEST with.",
)
@click.option(
    "--include-suggestions",
    is_flag=True,
    help="Also publish machine suggestions nobody reviewed (labelled as such).",
)
@click.option("--unredacted", is_flag=True, help="Do not hide faces (needs the next flag).")
@click.option(
    "--i-understand-the-risk",
    "risk",
    is_flag=True,
    help="Confirm --unredacted; recorded in the audit log.",
)
@click.option("--zip", "make_zip", is_flag=True, help="Also write OUTPUT.zip.")
@click.option("--no-pdf", is_flag=True, help="Skip report.pdf (made with Chromium).")
@json_option
@by_option
def publish(
    directory: Path,
    output: Path,
    sign_key: Path | None,
    include_suggestions: bool,
    unredacted: bool,
    risk: bool,
    make_zip: bool,
    no_pdf: bool,
    as_json: bool,
    actor: str,
) -> None:
    """Publish the case as a static bundle: report, redacted images, data, MANIFEST."""
    from workbench.case import Case
    from workbench.cli.progress import RichProgress
    from workbench.publish.bundle import PublishOptions
    from workbench.publish.bundle import publish as do_publish

    options = PublishOptions(
        include_suggestions=include_suggestions,
        unredacted=unredacted,
        risk_acknowledged=risk,
        sign_key=sign_key,
        make_zip=make_zip,
        pdf=not no_pdf,
    )
    with Case.open(directory) as c, RichProgress(bytes_mode=False) as progress:
        r = do_publish(c, output, actor, options, progress)
    if as_json:
        click.echo(
            json.dumps(
                {
                    **r.__dict__,
                    "path": str(r.path),
                    "zip_path": str(r.zip_path) if r.zip_path else None,
                },
                indent=2,
            )
        )
        return
    click.echo(
        f"published {r.findings} findings ({r.suggestions} machine suggestions) from "
        f"{r.frames} frames to {r.path}: {r.files} files, {r.images} images, "
        f"{r.faces_hidden} faces and {r.manual_hidden} marked boxes hidden"
        + ("" if not unredacted else " (UNREDACTED: faces were not searched for)")
    )
    if r.zip_path:
        click.echo(f"zip: {r.zip_path}")
    click.echo(f"MANIFEST sha256 {r.manifest_sha256}")
    if r.key_fingerprint:
        click.echo(f"signed by {r.key_fingerprint}")
    for note in r.notes:
        click.echo(f"note: {note}")
