"""What the Case page shows and does, without Streamlit: create or open a case, take an
upload in (under its own name, never a path the browser chose), list sources."""

from __future__ import annotations

import hashlib
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from workbench.case import records
from workbench.case.folder import Case
from workbench.errors import CaseError
from workbench.ingest import IngestResult, ingest_file
from workbench.progress import ProgressSink

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_upload_name(name: str) -> str:
    """The last path component of an uploaded file's name, without path tricks or
    control characters ('../../etc/passwd' → 'passwd'; '' → 'upload')."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[:120] or "upload"


class AlreadyIngested(CaseError):
    """The same file, under the same name, was ingested before."""


def ingest_upload(
    case: Case, name: str, data: bytes, actor: str, progress: ProgressSink | None = None
) -> IngestResult:
    """Ingest bytes uploaded through the app. The source records `upload:<name>`."""
    clean = safe_upload_name(name)
    sha = hashlib.sha256(data).hexdigest()
    if any(s.uri == f"upload:{clean}" for s in records.sources(case.conn, sha)):
        raise AlreadyIngested(
            f"{clean} is already in this case (video {sha[:12]}); nothing was added."
        )
    with tempfile.TemporaryDirectory(dir=case.tmp_dir, prefix="upload-") as tmp:
        path = Path(tmp) / clean
        path.write_bytes(data)
        return ingest_file(case, path, actor, progress, uri=f"upload:{clean}", title=clean)


def create_case(directory: Path, title: str, summary: str, actor: str) -> Path:
    with Case.init(Path(directory), title, summary=summary, actor=actor):
        pass
    return Path(directory)


def check_case(directory: Path) -> str:
    """The case's title, or CaseError saying why the folder is not a case."""
    with Case.open(Path(directory)) as case:
        return case.info.title


def is_fictional(directory: Path) -> bool:
    """Whether case.toml marks the case fictional (read without opening the store)."""
    try:
        data = tomllib.loads((Path(directory) / "case.toml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    section = data.get("case")
    return isinstance(section, dict) and section.get("fictional") is True


def sources_rows(case: Case) -> list[dict[str, Any]]:
    vids = {v.sha256: v for v in records.videos(case.conn)}
    rows = []
    for s in records.sources(case.conn):
        v = vids[s.video_sha256]
        rows.append(
            {
                "source": s.id,
                "video": s.video_sha256[:12],
                "sha256": s.video_sha256,
                "kind": s.kind,
                "title": s.title or "",
                "from": s.webpage_url or s.uri,
                "retrieved": s.retrieved_at[:19],
                "by": s.actor,
                "frames": v.frame_count,
                "fps": round(v.fps, 3) if v.fps else None,
                "size": f"{v.width}x{v.height}",
                "duration_s": round(v.duration_s, 2) if v.duration_s else None,
                "captures": ", ".join(c.kind for c in s.captures),
            }
        )
    return rows


def ingest_link(
    case: Case,
    url: str,
    actor: str,
    cookies: bytes | None = None,
    cookies_from_browser: str = "",
    proxy: str = "",
    max_videos: int = 0,
    progress: ProgressSink | None = None,
):
    """Ingest a URL from the app's form. An uploaded cookies file lives only in a private
    temporary folder outside the case, for the length of the download."""
    from workbench.ingest.options import build
    from workbench.ingest.url import fetch

    with tempfile.TemporaryDirectory(prefix="workbench-cookies-") as private:
        jar = None
        if cookies:
            jar = Path(private) / "cookies.txt"
            jar.write_bytes(cookies)
            jar.chmod(0o600)
        options = build(
            case.root,
            cookies_file=jar,
            cookies_from_browser=cookies_from_browser.strip() or None,
            proxy=proxy.strip() or None,
            max_videos=max_videos or None,
        )
        return fetch(case, url.strip(), actor, options, progress)


def readiness(case_root: Path | None = None) -> list[dict[str, Any]]:
    """The rows `workbench doctor` prints: state, what, found, fix."""
    from workbench.doctor import diagnose

    return [
        {"state": c.state, "what": c.name, "found": c.detail, "fix": "" if c.ok else c.fix}
        for c in diagnose(case_root).checks
    ]


def recent_cases(root: Path) -> list[Path]:
    """Case folders directly under `root` (e.g. ./cases)."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "case.toml").is_file())


__all__ = ["CaseError", "check_case", "create_case", "ingest_upload", "sources_rows"]


def holdings(case: Case) -> dict[str, int]:
    """What the case holds, counted: videos, machine suggestions still to review,
    decided findings, notes, entities, relations, published case files (bundles with a
    MANIFEST under the case folder)."""
    from workbench.case.observations import query, withdrawn
    from workbench.graph.entities import list_entities
    from workbench.graph.view import build

    found = [o for o in query(case.conn) if not withdrawn(o)]
    machine = [o for o in found if o.kind != "manual"]

    return {
        "videos": len(records.videos(case.conn)),
        "suggestions to review": sum(o.status == "suggested" for o in machine),
        "confirmed findings": sum(o.status == "confirmed" for o in machine),
        "rejected": sum(o.status == "rejected" for o in machine),
        "notes": len(found) - len(machine),
        "entities": len(list_entities(case)),
        "relations": len(build(case).edges),
        "publications": sum(1 for _ in case.root.glob("**/MANIFEST")),
    }
