"""`workbench case init`, `sources`, `log`, `verify`: a case folder and what it holds."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.common import Group, by_option
from workbench.cli.options import dir_arg, json_option, print_rows
from workbench.errors import WorkbenchError


@click.group(cls=Group)
def case() -> None:
    """Create and inspect case folders."""


@case.command("init")
@dir_arg
@click.option("--title", required=True, help="The case's title.")
@click.option("--summary", default="", help="One paragraph on what the case is about.")
@by_option
def case_init(directory: Path, title: str, summary: str, actor: str) -> None:
    """Create a case folder at DIRECTORY."""
    from workbench.case import Case

    with Case.init(directory, title, summary=summary, actor=actor) as c:
        click.echo(f"created case {c.info.title!r} in {directory} (schema {c.schema_version})")


@click.command()
@dir_arg
@json_option
def sources(directory: Path, as_json: bool) -> None:
    """List the sources of a case with their videos' hashes and metadata."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from workbench.case import Case, frame_index, records

    with Case.open(directory) as c:
        srcs = records.sources(c.conn)
        vids = {v.sha256: v for v in records.videos(c.conn)}
        notes = {sha: frame_index.summary(c.conn, sha) for sha in vids}
    if as_json:
        print_rows(
            [
                s.to_dict()
                | {"media_kind": vids[s.video_sha256].kind, "frames": notes[s.video_sha256]}
                for s in srcs
            ],
            "json",
        )
        return
    table = Table("id", "video", "kind", "title", "retrieved", "frames", "size", "frame notes")
    for s in srcs:
        v = vids[s.video_sha256]
        table.add_row(
            str(s.id),
            s.video_sha256[:12],
            s.kind if v.kind == "video" else f"{s.kind}, {v.kind}",  # file, document
            escape(s.title or ""),
            s.retrieved_at[:19],
            str(v.frame_count),
            f"{v.width}x{v.height}",
            escape(frame_index.describe(notes[s.video_sha256])),
        )
    Console().print(table)


@click.command()
@dir_arg
@json_option
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
        print_rows([asdict(e) for e in entries], "json")
        return
    table = Table("seq", "at", "actor", "action", "target", "hash")
    for e in entries:
        table.add_row(
            str(e.seq), e.at[:19], escape(e.actor), e.action, escape(e.target[:16]), e.hash[:12]
        )
    Console().print(table)


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--key",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="Bundles: a trusted Ed25519 public key to check MANIFEST.sig with.",
)
@json_option
def verify(path: Path, key: Path | None, as_json: bool) -> None:
    """Check a case folder (every hash and the audit chain) or a published bundle (every
    file against MANIFEST, and its signature); exit 1 naming anything that differs."""
    from workbench.publish.manifest import is_bundle

    if (path.is_file() and path.suffix.lower() == ".zip") or is_bundle(path):
        _verify_bundle(path, key, as_json)
        return
    if key is not None:
        raise WorkbenchError(f"--key checks a bundle's signature; {path} is not a bundle.")
    from workbench.case import Case
    from workbench.cli.progress import RichProgress
    from workbench.publish.case_check import verify_case_folder

    with Case.open(path) as c, RichProgress() as progress:
        report = verify_case_folder(c, progress)
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
        for t in report.timestamps:
            state = "ok" if t["ok"] else "FAILS"
            click.echo(f"time-stamp {t['stamp_id']} {state}: {t['what']}, {t['detail']}")
    if not report.ok:
        raise WorkbenchError(f"verification failed: {len(report.problems)} mismatch(es) in {path}.")
    if not as_json:
        click.echo("verified: every hash and the audit chain match.")


def _verify_bundle(path: Path, key: Path | None, as_json: bool) -> None:
    import tempfile

    from workbench.publish.archive import bundle_root, safe_extract
    from workbench.publish.manifest import verify_bundle

    if path.is_file():
        with tempfile.TemporaryDirectory(prefix="workbench-verify-") as tmp:
            safe_extract(path, Path(tmp) / "x")
            root = bundle_root(Path(tmp) / "x")
            if root is None:
                raise WorkbenchError(f"{path} holds no bundle (no MANIFEST inside).")
            report = verify_bundle(root, key)
    else:
        report = verify_bundle(path, key)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        for w in report.warnings:
            click.echo(f"note: {w}", err=True)
        for p in report.problems:
            click.echo(f"MISMATCH: {p}", err=True)
        click.echo(f"{report.files_checked} files checked against MANIFEST")
    if not report.ok:
        raise WorkbenchError(f"verification failed: {len(report.problems)} mismatch(es) in {path}.")
    if not as_json:
        signed = f"; signature valid ({report.key_fingerprint})" if report.signature_ok else ""
        click.echo(f"verified: every file matches MANIFEST{signed}.")
