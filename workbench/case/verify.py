"""Check a case folder against its own records: media hashes, sizes, the audit chain."""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from workbench.case import audit, timestamps
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
        return {
            "ok": self.ok,
            "problems": self.problems,
            "warnings": self.warnings,
            "files_checked": self.files_checked,
            "audit_entries": self.audit_entries,
            "audit_head": self.audit_head,
            "timestamps": self.timestamps,
        }


def _stored_files(case: Case) -> list[tuple[str, str, int, str]]:
    """(what, relpath, size, sha256) for every original the store references."""
    rows = [
        (f"video {r['sha256'][:12]}", r["media_path"], r["size_bytes"], r["sha256"])
        for r in case.conn.execute("SELECT sha256, media_path, size_bytes FROM videos")
    ]
    rows += [
        (f"{r['kind']} of source {r['source_id']}", r["media_path"], r["size_bytes"], r["sha256"])
        for r in case.conn.execute(
            "SELECT DISTINCT source_id, kind, media_path, size_bytes, sha256 FROM captures"
        )
    ]
    rows += [
        (f"evidence copy {r['id']}", r["media_path"], r["size_bytes"], r["sha256"])
        for r in case.conn.execute(
            "SELECT id, media_path, size_bytes, sha256 FROM evidence"
            " WHERE media_path IS NOT NULL AND sha256 IS NOT NULL"
        )
    ]
    return rows


def verify_case(case: Case, progress: ProgressSink | None = None) -> VerifyReport:
    report = VerifyReport()
    files = _stored_files(case)
    total = sum(size for _, _, size, _ in files)
    counter = ByteCounter(progress or NullProgress(), "verify media", total)
    referenced: set[str] = set()
    for what, rel, size, expected in files:
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
    entries = case.conn.execute("SELECT action, target, params, hash FROM audit ORDER BY seq")
    ingested_sources: set[int] = set()
    for row in entries:
        report.audit_entries += 1
        report.audit_head = row["hash"]
        if row["action"] == "ingest":
            with contextlib.suppress(ValueError, TypeError, json.JSONDecodeError):
                ingested_sources.add(int(json.loads(row["params"]).get("source_id")))
    for (source_id,) in case.conn.execute("SELECT id FROM sources ORDER BY id"):
        if source_id not in ingested_sources:
            report.problems.append(f"source {source_id} has no ingest entry in the audit log")
    checks, problems = timestamps.verify(case.conn)  # offline: tokens and stored chains
    report.timestamps = [asdict(c) for c in checks]
    report.problems += problems
    return report
