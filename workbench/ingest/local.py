"""Import a local video file: copied in (never moved), hashed, probed, recorded."""

from __future__ import annotations

from pathlib import Path

from workbench.case.folder import Case
from workbench.case.media import copy_to_temp
from workbench.errors import IngestError
from workbench.ingest.store import IngestResult, SourceDraft, commit_video, now
from workbench.progress import ByteCounter, NullProgress, ProgressSink


def ingest_file(
    case: Case,
    path: Path,
    actor: str,
    progress: ProgressSink | None = None,
    uri: str | None = None,
    title: str | None = None,
) -> IngestResult:
    """Copy `path` into the case. `uri`/`title` name where the file really came from when
    `path` is a temporary copy (an upload through the app)."""
    path = Path(path)
    if not path.exists():
        raise IngestError(f"{path} does not exist.")
    if path.is_dir():
        raise IngestError(f"{path} is a folder, not a video file.")
    if not path.is_file():
        raise IngestError(f"{path} is not a regular file.")
    try:
        size = path.stat().st_size
        if size == 0:
            raise IngestError(f"{path.name} is empty (0 bytes): there is nothing to add.")
        retrieved_at = now()
        counter = ByteCounter(progress or NullProgress(), f"copy {path.name}", size)
        tmp, sha256 = copy_to_temp(path, case.tmp_dir, counter)
    except PermissionError as exc:
        raise IngestError(f"{path} cannot be read (permission denied).") from exc
    draft = SourceDraft(
        kind="file",
        uri=uri or str(path.resolve()),
        retrieved_at=retrieved_at,
        title=title or path.name,
    )
    return commit_video(case, tmp, sha256, path.name, draft, actor)
