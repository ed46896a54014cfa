"""The Case file page's preview and publishing. No Streamlit here.

The preview is the report publish would write (publish/content.py read from the case,
rendered by publish/html_report.py and md_report.py) without its images: no frame is
decoded or redacted for a preview, so it shows the text, tables and evidence only.
Publishing runs publish.bundle.publish into exports/<UTC timestamp>/ (zipped) and then
verifies the bundle against its MANIFEST.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.case.folder import Case
from workbench.progress import ProgressSink
from workbench.publish import content, html_report, md_report
from workbench.publish.redact import RedactionPolicy

if TYPE_CHECKING:
    from workbench.publish.bundle import PublishResult

PREVIEW_DETECTOR = "the face detector (run when publishing; this preview has no images)"


def report_data(case: Case, include_suggestions: bool, actor: str) -> content.ReportData:
    """What the report will say, as publish reads it from the case, without images."""
    from workbench.publish.safe import home_folder, private_prefixes

    forbidden = private_prefixes(case.root, home_folder())
    return content.report_data(
        case,
        content.gather(case, include_suggestions, forbidden),
        published_at="",  # a preview: never published
        published_by=actor,
        include_suggestions=include_suggestions,
        unredacted=False,
        detector=PREVIEW_DETECTOR,
        policy=RedactionPolicy().to_dict(),
        faces_hidden=0,
        manual_hidden=0,
        images=0,
        key_fingerprint=None,
        graph_png=None,
        graph_html=None,
        data_files=[],
        pdf=None,
        pdf_note="Preview: the PDF is printed when publishing.",
    )


def preview_html(case: Case, include_suggestions: bool, actor: str) -> str:
    return html_report.render(report_data(case, include_suggestions, actor))


def preview_markdown(case: Case, include_suggestions: bool, actor: str) -> str:
    return md_report.render(report_data(case, include_suggestions, actor))


@dataclass
class Published:
    result: PublishResult
    problems: list[str]
    warnings: list[str]
    files_checked: int

    @property
    def verified(self) -> bool:
        return not self.problems


def new_export_folder(case: Case, when: datetime | None = None) -> Path:
    """exports/<UTC timestamp>/, not yet existing."""
    stamp = (when or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    base = case.root / "exports" / stamp
    out, n = base, 1
    while out.exists() or out.with_name(out.name + ".zip").exists():
        n += 1
        out = base.with_name(f"{stamp}-{n}")
    return out


def publish_now(
    case: Case,
    actor: str,
    include_suggestions: bool = False,
    pdf: bool = True,
    progress: ProgressSink | None = None,
) -> Published:
    """Publish the case file to exports/<timestamp>/ (and its .zip), then verify it."""
    from workbench.publish.bundle import PublishOptions, publish
    from workbench.publish.manifest import verify_bundle

    out = new_export_folder(case)
    options = PublishOptions(include_suggestions=include_suggestions, make_zip=True, pdf=pdf)
    result = publish(case, out, actor, options, progress)
    report = verify_bundle(result.path)
    return Published(result, report.problems, report.warnings, report.files_checked)
