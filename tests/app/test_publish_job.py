"""The publish job's record in the case folder (issue 16, defect 8): one job at a time,
a job whose server has gone reads as failed, a damaged record is skipped. The real
publications are in test_casefile_page.py and test_browser_publish.py."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from workbench.app import publish_job
from workbench.case import Case
from workbench.errors import WorkbenchError


def record(root: Path, name: str, **fields: object) -> None:
    job = publish_job.Job(id=name, by="alice", started_at="2026-12-04T01:00:00+00:00")
    data = {**job.__dict__, **fields}
    folder = publish_job.folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    Case.init(tmp_path / "case", "Jobs", actor="tester").close()
    return tmp_path / "case"


def test_a_job_whose_server_stopped_reads_as_failed(root: Path) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    record(root, "publish-20261204T010000000000Z", pid=gone.pid)
    job = publish_job.latest(root)
    assert job is not None and job.state == "failed"
    assert "stopped before the publication was finished" in job.summary()
    assert job.summary().startswith("Publishing failed (started by alice")


def test_a_second_publication_is_refused_while_one_runs(root: Path) -> None:
    record(root, "publish-20261204T010000000000Z", pid=os.getpid())  # this process: alive
    before = sorted(publish_job.folder(root).iterdir())
    with pytest.raises(WorkbenchError, match=r"started by alice .* is still running"):
        publish_job.start(root, "bob")
    assert sorted(publish_job.folder(root).iterdir()) == before  # nothing started


def test_a_damaged_record_is_skipped_and_the_latest_good_one_is_read(root: Path) -> None:
    record(
        root, "publish-20261204T010000000000Z", state="published",
        result={"path": "/somewhere/exports/x"}, finished_at="2026-12-04T01:01:00+00:00",
    )  # fmt: skip
    (publish_job.folder(root) / "publish-20261204T020000000000Z.json").write_text("{not json")
    job = publish_job.latest(root)
    assert job is not None and job.state == "published"
    assert job.summary().startswith("Published at /somewhere/exports/x")
    assert publish_job.latest(root / "nowhere") is None
