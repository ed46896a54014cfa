"""Bring evidence into a case: URLs through yt-dlp, local files by copy; hashes and metadata."""

from __future__ import annotations

from pathlib import Path

from workbench.case.folder import Case
from workbench.ingest.local import ingest_file
from workbench.ingest.options import UrlOptions
from workbench.ingest.store import IngestResult
from workbench.ingest.url import ingest_url, is_url
from workbench.progress import ProgressSink

__all__ = ["IngestResult", "UrlOptions", "ingest", "ingest_file", "ingest_url", "is_url"]


def ingest(
    case: Case,
    source: str,
    actor: str,
    options: UrlOptions | None = None,
    progress: ProgressSink | None = None,
) -> list[IngestResult]:
    """Ingest one source, a URL or a local path."""
    if is_url(source):
        return ingest_url(case, source, actor, options, progress)
    return [ingest_file(case, Path(source), actor, progress)]
