"""Publishing as a background job of the app server: it goes on when the browser is
closed, and its state is recorded in the case folder (derived/jobs/publish-*.json), so
any page opened later shows "publishing…", "published at PATH" or "failed: reason".

One job at a time per case. The job is a thread of the server process: stopping the
server stops it, and a record left "running" by a server that has stopped reads as
failed (nothing is lost silently). No Streamlit here."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError

JOBS = Path("derived") / "jobs"
log = logging.getLogger("workbench.app")
_START = threading.Lock()


@dataclass
class Job:
    id: str
    by: str
    started_at: str
    state: str = "running"  # running | published | failed
    pid: int = 0
    finished_at: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    progress: dict[str, list[float | None]] = field(default_factory=dict)  # task -> done, total
    result: dict[str, Any] | None = None  # path, zip, verified, problems, files, counts
    error: str | None = None

    @property
    def running(self) -> bool:
        return self.state == "running"

    def summary(self) -> str:
        """One sentence for the page: what happened and what to do next."""
        if self.state == "running":
            return (
                f"Publishing… started by {self.by} at {self.started_at[:19]} UTC. You can "
                "close this page: the publication goes on, and this page shows the result "
                "when it is opened again."
            )
        if self.state == "failed":
            return (
                f"Publishing failed (started by {self.by} at {self.started_at[:19]} UTC): "
                f"{self.error} Fix that and publish again."
            )
        r = self.result or {}
        return (
            f"Published at {r.get('path')} ({self.finished_at and self.finished_at[:19]} UTC). "
            "Next: open index.html in that folder (report.pdf beside it when printed), "
            f"or send the zip; `workbench verify {r.get('zip') or r.get('path')}` checks "
            "every file against its MANIFEST again."
        )


def folder(root: Path) -> Path:
    return Path(root) / JOBS


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _write(root: Path, job: Job) -> None:
    path = folder(root) / f"{job.id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{threading.get_ident()}")
    tmp.write_text(json.dumps(asdict(job), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(path: Path) -> Job | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        job = Job(**data)
    except (OSError, ValueError, TypeError):
        return None  # a damaged record is skipped, not fatal
    if job.running and not _alive(job.pid):
        job.state = "failed"
        job.error = (
            "the app server stopped before the publication was finished; the folder it "
            "was writing, if any, is incomplete."
        )
    return job


def latest(root: Path) -> Job | None:
    """The most recent publish job of the case, or None."""
    paths = sorted(folder(root).glob("publish-*.json"))
    for path in reversed(paths):
        job = _read(path)
        if job is not None:
            return job
    return None


class _Progress:
    """A ProgressSink that records each task's progress in the job record (at most a
    few writes a second, and always the last step of a task)."""

    def __init__(self, root: Path, job: Job) -> None:
        self.root, self.job, self._last = root, job, 0.0

    def update(self, task: str, completed: float, total: float | None = None) -> None:
        self.job.progress[task] = [completed, total]
        now = time.monotonic()
        if now - self._last > 0.25 or (total is not None and completed >= total):
            self._last = now
            _write(self.root, self.job)


def start(root: Path, by: str, include_suggestions: bool = False, pdf: bool = True) -> Job:
    """Start publishing the case at `root` in a thread of this process; returns its job.
    Refuses (WorkbenchError) while another publication of this case is running."""
    with _START:
        running = latest(root)
        if running is not None and running.running:
            raise WorkbenchError(
                f"A publication started by {running.by} at {running.started_at[:19]} UTC is "
                "still running; wait for it (this page shows its progress)."
            )
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        job = Job(
            id=f"publish-{stamp}",
            by=by,
            started_at=_now(),
            pid=os.getpid(),
            options={"include_suggestions": include_suggestions, "pdf": pdf},
        )
        _write(root, job)
    worker = threading.Thread(
        target=_run, args=(Path(root), job), name=f"workbench-{job.id}", daemon=True
    )
    worker.start()
    return job


def _run(root: Path, job: Job) -> None:
    from workbench.app.report_preview import publish_now
    from workbench.case.folder import Case

    try:
        with Case.open(root) as case:
            pub = publish_now(
                case, job.by, bool(job.options.get("include_suggestions")),
                bool(job.options.get("pdf", True)), _Progress(root, job),
            )  # fmt: skip
        r: Any = pub.result
        job.result = {
            "path": str(Path(r.path).resolve()),
            "zip": str(Path(r.zip_path).resolve()) if r.zip_path else None,
            "verified": pub.verified,
            "problems": list(pub.problems),
            "files": pub.files_checked,
            "findings": r.findings,
            "images": r.images,
            "faces_hidden": r.faces_hidden,
            "manual_hidden": r.manual_hidden,
            "manifest_sha256": r.manifest_sha256,
            "notes": list(r.notes),
        }
        job.state = "published"
    except WorkbenchError as exc:
        job.state, job.error = "failed", str(exc)
    except Exception:  # the reason goes to the server's log, one sentence to the page
        log.error("publish job %s failed\n%s", job.id, traceback.format_exc())
        job.state = "failed"
        job.error = "an unexpected error; the details are in the log of the app server."
    job.finished_at = _now()
    _write(root, job)


def wait(root: Path, timeout: float = 300.0) -> Job | None:
    """The latest job once it is no longer running (for scripts and tests)."""
    deadline = time.monotonic() + timeout
    while True:
        job = latest(root)
        if job is None or not job.running or time.monotonic() > deadline:
            return job
        time.sleep(0.2)
