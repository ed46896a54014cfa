"""Batch analysis of an archive of real clips: the local process pool and a real local Ray
cluster give the same shots, keyframes and observations as the in-process path; killed
workers are retried, failing tasks reported, interrupted runs resumed."""

from __future__ import annotations

import hashlib
import logging
import shutil
import socket
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.batch.faults import AlwaysFail, CrashOnce, Recording
from tests.helpers import run_cli
from workbench.batch import analyze, driver, make_executor, parse_executor, run_batch
from workbench.batch.driver import VIDEOS
from workbench.batch.ray_executor import RayExecutor, check_reachable, ocr_pool
from workbench.case import Case
from workbench.errors import WorkbenchError
from workbench.ingest import ingest_file
from workbench.synth import archive_clip

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Tesseract is not installed (scripts/install)"
)
CLIPS = 3
LONG = 130  # frames of the first clip, split into segments when MIN_PARALLEL_FRAMES is low
STAGES = ("keyframes", "ocr", "interfaces")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case with an archive of small clips ingested, nothing analysed."""
    root = tmp_path_factory.mktemp("archive")
    case = Case.init(root / "case", "Archive", actor="tester")
    for n in range(CLIPS):
        archive_clip(root / f"clip{n}.mp4", n, frames=LONG if n == 0 else 40)
        ingest_file(case, root / f"clip{n}.mp4", "tester")
    case.close()
    return root / "case"


@pytest.fixture(scope="module")
def reference(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What the in-process path (`analyze` with one worker: this process) stores."""
    path = tmp_path_factory.mktemp("reference") / "case"
    shutil.copytree(template, path)
    with Case.open(path) as case:
        analyze(case, STAGES, ocr="tesseract", workers=1)
    return snapshot(path)


@pytest.fixture()
def fresh(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "case"
    shutil.copytree(template, path)
    return path


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    ray.init(
        address="local",  # a fresh cluster for the tests, even if one runs on this machine
        num_cpus=2,
        num_gpus=1,  # a logical GPU: the OCR actors ask for shares of it (Tesseract ignores it)
        include_dashboard=False,
        logging_level=logging.WARNING,
        runtime_env={"env_vars": {"PYTHONPATH": str(REPO)}},  # tests.batch.faults
    )
    try:
        yield
    finally:
        ray.shutdown()


def snapshot(case_dir: Path) -> dict:
    conn = sqlite3.connect(case_dir / "case.db")
    try:
        out = {
            "shots": conn.execute("SELECT * FROM shots ORDER BY 1, 2, 3").fetchall(),
            "keyframes": conn.execute("SELECT * FROM keyframes ORDER BY 1, 2, 3").fetchall(),
            "observations": conn.execute(
                "SELECT video_sha256, frame_index, time_s, pixel_sha256, kind, text, label,"
                " vendor, bbox, quad, score, status, method, params, run_key FROM observations"
                " ORDER BY video_sha256, frame_index, kind, text, label"
            ).fetchall(),
            "items": conn.execute(
                "SELECT run_key, item, stats FROM stage_items ORDER BY 1, 2"
            ).fetchall(),
            "runs": conn.execute(
                "SELECT run_key, stage, finished_at IS NOT NULL FROM stage_runs ORDER BY 1"
            ).fetchall(),
            "audit": sorted(
                conn.execute(
                    "SELECT action, target FROM audit WHERE action LIKE 'analyze.%'"
                ).fetchall()
            ),
        }
    finally:
        conn.close()
    out["thumbnails"] = {
        str(p.relative_to(case_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((case_dir / "derived").rglob("*.jpg"))
    }
    return out


def videos(case_dir: Path) -> list[str]:
    with Case.open(case_dir) as case:
        return [r[0] for r in case.conn.execute("SELECT sha256 FROM videos ORDER BY rowid")]


def test_the_archive_gives_work_to_every_stage(reference: dict) -> None:
    assert len({r[0] for r in reference["shots"]}) == CLIPS
    assert len(reference["keyframes"]) >= 2 * CLIPS
    texts = " | ".join(str(o[5]) for o in reference["observations"])
    assert "HIKVISION" in texts and any(o[7] for o in reference["observations"])  # vendors
    assert reference["audit"].count(("analyze.text", videos_of(reference)[0])) == 1


def videos_of(snap: dict) -> list[str]:
    return sorted({r[0] for r in snap["shots"]})


def test_the_local_process_pool_matches_the_in_process_path(
    fresh: Path, reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(driver, "MIN_PARALLEL_FRAMES", LONG)  # the long clip in segments
    shutil.rmtree(fresh / "derived" / "signals")  # as ingested before signals were kept
    log = tmp_path / "tasks.log"
    with Case.open(fresh) as case:
        executor = make_executor("local", workers=2, task_fn=Recording(str(log)))
        result = run_batch(case, executor, STAGES, ocr="tesseract")
    assert result.ok and result.executor == "local" and result.videos == CLIPS
    assert [r.stage for r in result.reports] == ["keyframes", "ocr+interfaces"] * CLIPS
    ran = log.read_text().splitlines()
    long = videos(fresh)[0][:12]
    assert len([t for t in ran if t.startswith(f"scan {long} frames ")]) >= 2
    assert f"thumbnails {long}" in ran and sum(t.startswith("keyframes ") for t in ran) == 2
    assert result.frames == LONG + 40 * (CLIPS - 1)
    assert snapshot(fresh) == reference


def test_ray_from_the_cli_matches_and_a_second_run_skips_everything(
    ray_cluster, fresh: Path, reference
) -> None:
    result = run_cli("analyze", fresh, "--ocr", "tesseract", "--executor", "ray")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count(" done: ") == 2 * CLIPS
    assert snapshot(fresh) == reference
    again = run_cli("analyze", fresh, "--ocr", "tesseract", "--executor", "ray", "--json")
    assert again.exit_code == 0, again.stderr
    assert '"skipped": false' not in again.stdout
    assert snapshot(fresh) == reference


def test_killed_workers_are_retried_and_the_result_is_complete(
    ray_cluster, fresh: Path, reference, tmp_path: Path
) -> None:
    # the first decoding task's worker process and the first OCR actor die (os._exit)
    crash = CrashOnce(str(tmp_path), ("WholeScan", "ReadKeyframes"), how="exit")
    executor = RayExecutor(task_fn=crash)
    with Case.open(fresh) as case:
        result = run_batch(case, executor, STAGES, ocr="tesseract")
    assert sorted(p.name for p in tmp_path.glob("crashed-*")) == ["crashed-0", "crashed-1"]
    assert result.ok, result.failures
    assert result.retries == 2 and executor.actors_lost == 1
    assert snapshot(fresh) == reference


def test_a_task_that_keeps_failing_is_reported_and_a_rerun_completes(
    ray_cluster, fresh: Path, reference
) -> None:
    bad = videos(fresh)[1]
    with Case.open(fresh) as case:
        result = run_batch(
            case, RayExecutor(task_fn=AlwaysFail(f"keyframes {bad[:12]}")), STAGES, ocr="tesseract"
        )
    assert not result.ok
    [failure] = result.failures
    assert failure.video == bad and failure.task == f"keyframes {bad[:12]}"
    assert failure.attempts == 3 and "simulated corrupt segment" in failure.error
    assert {r.video for r in result.reports} == set(videos(fresh)) - {bad}  # the others finished
    assert bad not in {r[0] for r in snapshot(fresh)["shots"]}
    with Case.open(fresh) as case:  # the next run does the failed video, and only that
        again = run_batch(case, make_executor("local", workers=1), STAGES, ocr="tesseract")
    assert again.ok and {r.video for r in again.reports if not r.skipped} == {bad}
    assert snapshot(fresh) == reference


def test_the_cli_names_a_failed_task_and_exits_1(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.batch.work as work

    bad = videos(fresh)[0]
    monkeypatch.setattr(work, "run_task", AlwaysFail(f"keyframes {bad[:12]}"))
    result = run_cli("analyze", fresh, "--stages", "keyframes", "--workers", "1")
    assert result.exit_code == 1
    assert f"failed: keyframes {bad[:12]} failed after 3 attempt(s)" in result.stderr
    assert result.stdout.count(" done: ") == CLIPS - 1


class _StopAfter:
    """A progress sink that interrupts the run (as Ctrl-C would) once `n` videos are done."""

    def __init__(self, n: int):
        self.n = n

    def update(self, task: str, completed: float, total: float | None = None) -> None:
        if task == VIDEOS and completed >= self.n:
            raise KeyboardInterrupt


def test_an_interrupted_run_resumes_without_redoing_finished_videos(
    ray_cluster, fresh: Path, reference, tmp_path: Path
) -> None:
    with Case.open(fresh) as case, pytest.raises(KeyboardInterrupt):
        run_batch(
            case, make_executor("local", workers=2), STAGES, "tesseract", progress=_StopAfter(2)
        )
    with Case.open(fresh) as case:
        finished = {
            r[0]
            for r in case.conn.execute(
                "SELECT video_sha256 FROM stage_runs WHERE finished_at IS NOT NULL"
            )
        }
    assert len(finished) >= 2
    log = tmp_path / "tasks.log"
    with Case.open(fresh) as case:  # resumed on the other executor
        result = run_batch(case, RayExecutor(task_fn=Recording(str(log))), STAGES, "tesseract")
    assert result.ok
    ran = log.read_text().splitlines()
    assert ran and not [t for t in ran if any(v[:12] in t for v in finished)]
    assert all(r.skipped for r in result.reports if r.video in finished)
    assert snapshot(fresh) == reference


def test_ray_not_installed_is_one_sentence(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    result = run_cli("analyze", fresh, "--executor", "ray")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: Ray is not installed here; install it with: pip install 'workbench[ray]'."
    ]


def test_executor_specs_and_the_ocr_pool_asks_for_gpus_when_there_are_some() -> None:
    assert parse_executor("local").kind == "local"
    assert parse_executor("ray").address is None
    assert parse_executor("ray:10.0.0.5:6379").address == "10.0.0.5:6379"
    with pytest.raises(WorkbenchError, match="local or ray"):
        parse_executor("dask")
    assert ocr_pool({"CPU": 8.0}, cpu_work_left=True) == (4, {"num_cpus": 1})
    size, options = ocr_pool({"CPU": 8.0, "GPU": 2.0}, cpu_work_left=False)
    assert size == 8 and options == {"num_cpus": 1, "num_gpus": 0.25}
    assert ocr_pool({"CPU": 1.0}, cpu_work_left=True) == (1, {"num_cpus": 0})
    with socket.socket() as s:  # a port nobody listens on: fail at once, not after minutes
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(WorkbenchError, match="No Ray head answers"):
        check_reachable(f"127.0.0.1:{port}")
