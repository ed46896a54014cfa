"""The `workbench` command tree: parses arguments, calls the library, prints results.

Errors from the library (WorkbenchError) reach stderr as one sentence with exit code 1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from workbench import __version__
from workbench.cli_common import Group, by_option
from workbench.errors import WorkbenchError


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
@click.option(
    "--key",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="Bundles: a trusted Ed25519 public key to check MANIFEST.sig with.",
)
@click.option("--json", "as_json", is_flag=True)
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
@click.argument("directory", type=click.Path(path_type=Path))
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
@click.option("--json", "as_json", is_flag=True)
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

    from workbench.batch import make_executor, parse_executor, run_batch
    from workbench.batch.local import useful_workers
    from workbench.case import Case
    from workbench.cli_progress import RichProgress
    from workbench.recognize.pipeline import choose_stages, target_videos

    spec = parse_executor(executor_spec)
    with Case.open(directory) as c, RichProgress(bytes_mode=False) as progress:
        choice = choose_stages(stages, logos_dir, c)
        if not workers:  # all cores, when there is enough work for them
            frames = [v.frame_count for v in target_videos(c, list(videos) or None)]
            workers = useful_workers(frames, os.cpu_count() or 1)
        result = run_batch(
            c,
            make_executor(spec, workers),
            choice.stages,
            ocr=ocr_engine,
            logos=choice.logos,
            progress=progress,
            actor=actor,
            videos=list(videos) or None,
        )
    if as_json:
        click.echo(json.dumps([asdict(r) for r in result.reports], indent=2))
    else:
        for r in result.reports:
            state = "already done" if r.skipped else "done"
            detail = ", ".join(f"{k} {v}" for k, v in r.details.items())
            click.echo(f"{r.video[:12]}  {r.stage:<15} {state}: {detail}")
    for note in choice.notes:
        click.echo(f"note: {note}", err=True)
    for f in result.failures:
        click.echo(f"failed: {f.describe()}", err=True)
    if result.failures:
        names = "; ".join(f.task for f in result.failures)
        raise WorkbenchError(
            f"{len(result.failures)} task(s) failed after retries ({names}); "
            "run the command again to retry them."
        )


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option("--kind", type=click.Choice(["ocr", "logo", "interface", "capability", "manual"]))
@click.option("--status", type=click.Choice(["suggested", "confirmed", "rejected"]))
@click.option("--vendor", default=None)
@click.option("--video", default=None, help="sha256 or prefix")
def findings(
    directory: Path,
    fmt: str,
    kind: str | None,
    status: str | None,
    vendor: str | None,
    video: str | None,
) -> None:
    """Every observation, one record each (id, video, frame_index, time_s, kind, text,
    label, vendor, bbox, quad, score, status, method, …)."""
    from workbench.case import Case
    from workbench.case.observations import query
    from workbench.recognize.findings import to_csv, to_json

    with Case.open(directory) as c:
        rows = query(c.conn, kind=kind, status=status, vendor=vendor, video=video)
    click.echo(to_json(rows) if fmt == "json" else to_csv(rows), nl=fmt == "json")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
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


def _box(text: str) -> tuple[int, int, int, int]:
    try:
        x, y, w, h = (int(v) for v in text.split(","))
    except ValueError:
        raise click.BadParameter("give the box as X,Y,W,H in the frame's pixels") from None
    return x, y, w, h


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
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


def _reader(c, video: str):
    from workbench.case import records
    from workbench.video.frames import FrameReader

    found = records.video(c.conn, video)
    if found is None:
        raise WorkbenchError(
            f"No video in this case matches {video!r} (give its sha256 or a "
            "unique prefix of at least 6 hex digits)."
        )
    return FrameReader(c.path(found.media_path), found.sha256)


def _chain(text: str | None):
    from workbench.video.enhance import Chain

    if not text:
        return None
    try:
        return Chain.parse(text)
    except (ValueError, KeyError) as exc:
        raise WorkbenchError(f"The enhancement chain {text!r} is not valid: {exc}.") from exc


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
def shots(directory: Path, fmt: str) -> None:
    """Every shot (video sha256, first/last frame index and time) and keyframe (index, time)."""
    import csv
    import io

    from workbench.case import Case
    from workbench.video.analysis import analysis_rows, to_json

    with Case.open(directory) as c:
        rows = analysis_rows(c)
    if fmt == "json":
        click.echo(to_json(rows))
        return
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    click.echo(buf.getvalue(), nl=False)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
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


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
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
        _serve_app(directory, port=0, open_browser=True)


def _serve_app(directory: Path | None, port: int, open_browser: bool) -> None:
    from workbench.app.launch import serve

    serve(directory, port, open_browser, announce=click.echo)


@main.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--port", type=int, default=8501, show_default=True, help="0 picks a free port.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser window.")
def app(directory: Path | None, port: int, no_browser: bool) -> None:
    """The review app (Streamlit) on 127.0.0.1, with DIRECTORY's case open."""
    _serve_app(directory, port, open_browser=not no_browser)


# -- publish: case-file bundles (workbench.publish) --------------------------------------


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
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
@click.option("--json", "as_json", is_flag=True)
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
    from workbench.cli_progress import RichProgress
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


def _attach_groups() -> None:
    from workbench.cli_graph import graph

    main.add_command(graph)


_attach_groups()


if __name__ == "__main__":  # pragma: no cover
    main()
