"""`workbench publish`: a case file bundle anyone can open from disk and verify.

The bundle is built in a hidden folder next to OUT and renamed into place at the end,
so OUT is either complete or absent. Before the MANIFEST is written, the bundle is
checked: plain files only, every image accounted for in the redaction log, no copy of
an original, no local folder name of the case, the output or the home folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbench import __version__
from workbench.case import audit, clock, records
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.progress import NullProgress, ProgressSink
from workbench.publish import content, html_report, md_report, signing
from workbench.publish.data_files import write_findings, write_json
from workbench.publish.errors import PublishError
from workbench.publish.images import ImageLog, publish_image, render_frames
from workbench.publish.manifest import write_manifest
from workbench.publish.redact import RedactionPolicy
from workbench.publish.safe import home_folder, private_prefixes

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from workbench.graph.view import GraphView
    from workbench.publish.faces import FaceDetector

GRAPH_FILES = (
    ("graphml", "data/graph.graphml"),
    ("gexf", "data/graph.gexf"),
    ("json", "data/graph.json"),
    ("csv", "data/graph-csv"),
    ("ftm", "data/graph.ftm.json"),
    ("html", "graph.html"),
)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff")


@dataclass(frozen=True)
class PublishOptions:
    include_suggestions: bool = False
    unredacted: bool = False
    risk_acknowledged: bool = False  # --i-understand-the-risk
    sign_key: Path | None = None
    make_zip: bool = False
    pdf: bool = True
    policy: RedactionPolicy = field(default_factory=RedactionPolicy)


@dataclass
class PublishResult:
    path: Path
    zip_path: Path | None
    files: int
    findings: int
    suggestions: int
    frames: int
    images: int
    faces_hidden: int
    manual_hidden: int
    relations: int
    hypotheses_left_out: int
    key_fingerprint: str | None
    manifest_sha256: str
    detector: str | None
    pdf: bool
    notes: list[str] = field(default_factory=list)


def _check_target(out: Path, options: PublishOptions) -> None:
    if options.unredacted and not options.risk_acknowledged:
        raise PublishError(
            "Publishing without face redaction needs --i-understand-the-risk as well as "
            "--unredacted; faces of activists or bystanders must not leak by mistake."
        )
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PublishError(f"{out} already exists and is not an empty folder; choose a new one.")
    if options.make_zip and out.with_name(out.name + ".zip").exists():
        raise PublishError(f"{out.name}.zip already exists next to {out}; move it away first.")


def publish(
    case: Case,
    out: Path,
    actor: str,
    options: PublishOptions | None = None,
    progress: ProgressSink | None = None,
) -> PublishResult:
    """Write the case-file bundle to `out` (a new or empty folder)."""
    options = options or PublishOptions()
    progress = progress or NullProgress()
    out = Path(out).absolute()
    _check_target(out, options)
    key = signing.load_private_key(options.sign_key) if options.sign_key else None
    detector = None
    if not options.unredacted:
        from workbench.publish.faces import default_detector

        detector = default_detector()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        result = _build(case, staging, out, actor, options, detector, key, progress)
        staging.chmod(0o755)  # mkdtemp makes it private; a bundle is for publishing
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.path = out
    if options.make_zip:
        from workbench.publish.archive import zip_bundle

        result.zip_path = zip_bundle(out, out.with_name(out.name + ".zip"))
    _audit(case, actor, out, result, options)
    return result


def _build(
    case: Case,
    staging: Path,
    out: Path,
    actor: str,
    options: PublishOptions,
    detector: FaceDetector | None,
    key: Ed25519PrivateKey | None,
    progress: ProgressSink,
) -> PublishResult:
    forbidden = private_prefixes(case.root, out, staging, home_folder())
    published_at = clock.now()
    policy = options.policy
    g = content.gather(case, options.include_suggestions, forbidden)
    findings, frames, view = g.findings, g.frames, g.view
    per_frame, per_video = content.redaction_boxes(case)
    progress.update("publish: redacting images", 0, len(frames))
    log = render_frames(
        case, frames, staging, detector, policy, per_frame, per_video,
        done=lambda n: progress.update("publish: redacting images", n, len(frames)),
    )  # fmt: skip
    progress.update("publish: redacting images", len(frames), len(frames))

    graph_png = _graph_exports(case, actor, view, staging, detector, policy, log)
    fingerprint = signing.fingerprint(key.public_key()) if key else None

    data_files = write_findings(staging, findings, forbidden)
    write_json(staging / "data/sources.json", g.sources)
    write_json(staging / "data/legal.json", [p.to_dict() for p in g.provisions])
    write_json(
        staging / "data/redactions.json",
        {
            "unredacted": options.unredacted,
            "detector": detector.method if detector else None,
            "policy": policy.to_dict() if detector else None,
            "images": log.entries,
        },
    )
    counts = {
        "findings": len(findings),
        "suggestions": sum(1 for f in findings if f.obs.status == "suggested"),
        "frames": len(frames),
        "images": len(log.entries),
        "faces_hidden": log.faces,
        "manual_boxes_hidden": log.manual,
        "entities": len(view.nodes),
        "relations": len(view.edges),
        "hypotheses_left_out": g.hypotheses_left_out,
    }
    write_json(
        staging / "data/case.json",
        {
            "title": case.info.title,
            "summary": case.info.summary,
            "fictional": case.info.fictional,
            "published_at": published_at,
            "published_by": actor,
            "workbench": __version__,
            "include_suggestions": options.include_suggestions,
            "unredacted": options.unredacted,
            "signing_key": fingerprint,
            "counts": counts,
        },
    )
    data_files += ["data/sources.json", "data/legal.json", "data/redactions.json", "data/case.json"]
    data_files += sorted(
        p.relative_to(staging).as_posix()
        for p in (staging / "data").rglob("*")
        if p.is_file() and p.relative_to(staging).as_posix() not in data_files
    )
    report = content.report_data(
        case,
        g,
        published_at=published_at,
        published_by=actor,
        include_suggestions=options.include_suggestions,
        unredacted=options.unredacted,
        detector=detector.method if detector else None,
        policy=policy.to_dict() if detector else None,
        faces_hidden=log.faces,
        manual_hidden=log.manual,
        images=len(log.entries),
        key_fingerprint=fingerprint,
        graph_png=graph_png,
        graph_html="graph.html" if (staging / "graph.html").is_file() else None,
        data_files=data_files,
    )
    progress.update("publish: writing the report (and printing the PDF)", 0, 1)
    _write_reports(staging, report, options)
    progress.update("publish: writing the report (and printing the PDF)", 1, 1)
    _guard(case, staging, forbidden, log)
    if key is not None:
        (staging / signing.PUBLIC_KEY_FILE).write_bytes(signing.public_pem(key.public_key()))
    manifest = write_manifest(staging)
    if key is not None:
        (staging / signing.SIGNATURE_FILE).write_bytes(signing.sign(manifest, key))
    files = sum(1 for p in staging.rglob("*") if p.is_file())
    return PublishResult(
        path=out,
        zip_path=None,
        files=files,
        findings=len(findings),
        suggestions=counts["suggestions"],
        frames=len(frames),
        images=len(log.entries),
        faces_hidden=log.faces,
        manual_hidden=log.manual,
        relations=len(view.edges),
        hypotheses_left_out=g.hypotheses_left_out,
        key_fingerprint=fingerprint,
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
        detector=detector.method if detector else None,
        pdf=report.pdf is not None,
        notes=[report.pdf_note] if report.pdf_note else [],
    )


def _graph_exports(
    case: Case,
    actor: str,
    view: GraphView,
    staging: Path,
    detector: FaceDetector | None,
    policy: RedactionPolicy,
    log: ImageLog,
) -> str | None:
    """The graph's exports through the graph package; its picture is redacted like any other."""
    import numpy as np
    from PIL import Image

    from workbench.graph.exports import export

    for fmt, rel in GRAPH_FILES:
        export(case, actor, fmt, staging / rel, view=view)
    tmp = staging / ".graph.png"
    try:
        export(case, actor, "png", tmp, view=view)
        with Image.open(tmp) as img:
            rgb = np.asarray(img.convert("RGB"))
    finally:
        tmp.unlink(missing_ok=True)
    publish_image(
        rgb, staging / "media/graph.png", "media/graph.png", detector, policy, log, "graph"
    )
    return "media/graph.png"


def _write_reports(staging: Path, report: content.ReportData, options: PublishOptions) -> None:
    from workbench.chromium import find_chromium
    from workbench.publish.pdf import print_pdf

    chromium = find_chromium() if options.pdf else None
    if not options.pdf:
        report.pdf, report.pdf_note = None, "No PDF: it was not asked for."
    elif chromium is None:
        report.pdf, report.pdf_note = (
            None,
            "No PDF: Chromium was not installed where this was made.",
        )
    (staging / "index.html").write_text(html_report.render(report), "utf-8")
    (staging / "report.md").write_text(md_report.render(report), "utf-8")
    if chromium is None:
        return
    printable = staging / ".print.html"  # same folder, so images resolve
    printable.write_text(html_report.render(report, for_pdf=True), "utf-8")
    try:
        note = print_pdf(printable, staging / "report.pdf", chromium)
    finally:
        printable.unlink(missing_ok=True)
    if note:
        report.pdf, report.pdf_note = None, note
        (staging / "index.html").write_text(html_report.render(report), "utf-8")
        (staging / "report.md").write_text(md_report.render(report), "utf-8")


def _guard(case: Case, staging: Path, forbidden: tuple[str, ...], log: ImageLog) -> None:
    """Refuse to finish a bundle that could leak what it must not."""
    logged = {e["file"] for e in log.entries}
    originals = set(records.original_hashes(case.conn))
    needles = [s.encode("utf-8") for s in forbidden]
    for path in sorted(staging.rglob("*")):
        rel = path.relative_to(staging).as_posix()
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            raise PublishError(f"The bundle would hold {rel}, which is not a plain file.")
        if not path.is_file():
            continue
        if path.suffix.lower() in IMAGE_SUFFIXES and rel not in logged:
            raise PublishError(f"The bundle would hold the image {rel}, which was not redacted.")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() in originals:
            raise PublishError(f"The bundle would hold {rel}, a copy of an original of the case.")
        for needle in needles:
            if needle in data:
                raise PublishError(
                    f"The bundle would reveal a local folder name in {rel}; nothing was published."
                )


def _audit(case: Case, actor: str, out: Path, r: PublishResult, options: PublishOptions) -> None:
    with transaction(case.conn) as conn:
        audit.append(
            conn,
            actor,
            "publish.unredacted" if options.unredacted else "publish",
            str(out),
            {
                "output": str(out),
                "zip": str(r.zip_path) if r.zip_path else None,
                "unredacted": options.unredacted,
                "include_suggestions": options.include_suggestions,
                "findings": r.findings,
                "suggestions": r.suggestions,
                "frames": r.frames,
                "images": r.images,
                "faces_hidden": r.faces_hidden,
                "manual_boxes_hidden": r.manual_hidden,
                "relations": r.relations,
                "files": r.files,
                "manifest_sha256": r.manifest_sha256,
                "signing_key": r.key_fingerprint,
                "detector": r.detector,
                "policy": options.policy.to_dict() if not options.unredacted else None,
            },
        )
