"""Check a case folder against its own records: media hashes, sizes, the audit chain."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from workbench.case import audit, records, timestamps
from workbench.case.folder import Case
from workbench.case.media import sha256_file
from workbench.progress import ByteCounter, NullProgress, ProgressSink


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)  # mismatches: verification fails
    warnings: list[str] = field(default_factory=list)  # worth knowing, not a mismatch
    files_checked: int = 0
    audit_entries: int = 0
    audit_head: str = audit.GENESIS
    timestamps: list[dict] = field(default_factory=list)  # each RFC 3161 token checked

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"ok": self.ok, **asdict(self)}


@dataclass(frozen=True)
class StoredFile:
    """An original the store refers to: what it is, where, and its recorded size and hash."""

    what: str
    relpath: str
    size: int
    sha256: str


def stored_files(case: Case) -> list[StoredFile]:
    """Every original the case layer records: videos and page captures."""
    files = [
        StoredFile(f"video {v.sha256[:12]}", v.media_path, v.size_bytes, v.sha256)
        for v in records.videos(case.conn)
    ]
    seen: set[tuple[int, str, str]] = set()
    for source in records.sources(case.conn):
        for c in source.captures:
            if (source.id, c.kind, c.media_path) in seen:
                continue
            seen.add((source.id, c.kind, c.media_path))
            files.append(
                StoredFile(f"{c.kind} of source {source.id}", c.media_path, c.size_bytes, c.sha256)
            )
    return files


def verify_case(
    case: Case, progress: ProgressSink | None = None, more_files: Iterable[StoredFile] = ()
) -> VerifyReport:
    """Check every original (those of the case layer, and `more_files` that higher layers
    record, e.g. saved copies cited as evidence), the audit chain and the time-stamps."""
    report = VerifyReport()
    files = [*stored_files(case), *more_files]
    total = sum(f.size for f in files)
    counter = ByteCounter(progress or NullProgress(), "verify media", total)
    referenced: set[str] = set()
    for what, rel, size, expected in ((f.what, f.relpath, f.size, f.sha256) for f in files):
        referenced.add(rel)
        try:
            path = case.path(rel)
        except Exception as exc:
            report.problems.append(f"{what}: {exc}")
            continue
        if not path.is_file():
            report.problems.append(f"{what}: {rel} is missing")
            continue
        if Path(rel).stem.split(".")[0] != expected:
            report.problems.append(f"{what}: {rel} is not named by its recorded hash")
        actual_size = path.stat().st_size
        if actual_size != size:
            report.problems.append(f"{what}: {rel} is {actual_size} bytes, the record says {size}")
        actual = sha256_file(path, counter)
        report.files_checked += 1
        if actual != expected:
            report.problems.append(
                f"{what}: {rel} has changed (sha256 {actual[:16]}…, recorded {expected[:16]}…)"
            )
        if path.stat().st_mode & 0o222:
            report.warnings.append(f"{rel} is writable; originals should be read-only")
    for path in sorted((case.root / "media").iterdir()):
        rel = f"media/{path.name}"
        if rel not in referenced:
            report.warnings.append(f"{rel} is in media/ but no record refers to it")
    leftovers = [p.name for p in (case.root / "tmp").iterdir()] if case.tmp_dir.exists() else []
    if leftovers:
        report.warnings.append(
            f"tmp/ holds {len(leftovers)} leftover item(s) from an interrupted operation"
        )

    report.problems += audit.verify_chain(case.conn)
    ingested_sources: set[int] = set()
    for entry in audit.entries(case.conn):
        report.audit_entries += 1
        report.audit_head = entry.hash
        if entry.action == "ingest":
            with contextlib.suppress(ValueError, TypeError, KeyError):
                ingested_sources.add(int(entry.params["source_id"]))
    for source_id in records.source_ids(case.conn):
        if source_id not in ingested_sources:
            report.problems.append(f"source {source_id} has no ingest entry in the audit log")
    checks, problems = timestamps.verify(case.conn)  # offline: tokens and stored chains
    report.timestamps = [asdict(c) for c in checks]
    report.problems += problems
    return report
