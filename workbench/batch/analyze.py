"""The one way analysis runs, for `workbench analyze`, the app's Case page and the demo.

`analyze` chooses the stages (logos whenever a library is given or configured; nothing
asked for is left out in silence), picks the executor (in this process, this machine's
cores, or a Ray cluster) and hands the videos to the batch driver, which alone writes
to the case. The in-process executor is the reference the others are tested against.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.batch.driver import MAX_ATTEMPTS, BatchResult, Driver
from workbench.batch.executor import Executor, ExecutorSpec, make_executor, parse_executor
from workbench.batch.local import useful_workers
from workbench.case.folder import Case
from workbench.errors import WorkbenchError
from workbench.progress import NullProgress, ProgressSink
from workbench.recognize.pipeline import (
    DEFAULT_STAGES,
    StageChoice,
    StageReport,
    choose_stages,
    target_videos,
)


@dataclass
class AnalysisRun:
    """What `analyze` did: the stages chosen (with notes on what was left out) and the
    batch result (reports per video and stage, failures)."""

    choice: StageChoice
    result: BatchResult

    @property
    def notes(self) -> tuple[str, ...]:
        return self.choice.notes


def analyze(
    case: Case,
    stages: str | Sequence[str] | None = None,
    *,
    ocr: str | None = None,
    logos: Path | None = None,
    executor: str | ExecutorSpec = "local",
    workers: int = 1,
    progress: ProgressSink | None = None,
    actor: str = "workbench",
    videos: list[str] | None = None,
) -> AnalysisRun:
    """Analyse the case's videos (all, or those whose sha256 starts with one of `videos`).

    `stages`: "keyframes,ocr" or a sequence of stage names; None for the defaults.
    `workers`: 1 runs in this process (what the app uses); 0 means every useful core.
    """
    text = stages if isinstance(stages, str) or stages is None else ",".join(stages)
    choice = choose_stages(text or None, logos, case)
    spec = parse_executor(executor) if isinstance(executor, str) else executor
    if not workers:  # all cores, when there is enough work for them
        frames = [v.frame_count for v in target_videos(case, videos)]
        workers = useful_workers(frames, os.cpu_count() or 1)
    result = run_batch(
        case,
        make_executor(spec, workers),
        choice.stages,
        ocr=ocr,
        logos=choice.logos,
        progress=progress,
        actor=actor,
        videos=videos,
    )
    return AnalysisRun(choice, result)


def run_batch(
    case: Case,
    executor: Executor,
    stages: tuple[str, ...] = DEFAULT_STAGES,
    ocr: str | None = None,
    logos: Path | None = None,
    progress: ProgressSink | None = None,
    actor: str = "workbench",
    videos: list[str] | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> BatchResult:
    """Analyse the videos of a case (all, or those whose sha256 starts with one of
    `videos`) on `executor`; what is already committed is skipped."""
    from workbench.recognize.ocr import ENGINES, OcrUnavailable

    if "logos" in stages and logos is None:
        raise WorkbenchError("The logos stage needs a logo library: pass --logos LIBDIR.")
    if ocr is not None and ocr not in ENGINES:
        raise OcrUnavailable(f"Unknown OCR engine {ocr!r}; choose one of {', '.join(ENGINES)}.")
    targets = target_videos(case, videos)
    began = time.perf_counter()
    driver = Driver(
        case, executor, stages, ocr, logos, progress or NullProgress(), actor, max_attempts
    )
    executor.start()
    try:
        driver.run(targets)
    finally:
        executor.close()
    reports = [r for v in targets for r in driver.videos[v.sha256].reports]
    if "references" in stages:
        reports += _references(case, [v.sha256 for v in targets], progress, actor)
    return BatchResult(
        reports,
        driver.failures,
        executor.name,
        len(targets),
        tasks=driver.counts["tasks"],
        retries=driver.counts["retries"],
        frames=driver.counts["frames"],
        keyframes_read=driver.counts["keyframes"],
        seconds=time.perf_counter() - began,
    )


def _references(
    case: Case, videos: list[str], progress: ProgressSink | None, actor: str
) -> list[StageReport]:
    """Every find-everywhere reference against the keyframes of `videos`: one report per
    video (keyframes looked at per reference, suggestions made now and before)."""
    from workbench.recognize.find.match import find_all

    results = find_all(case, videos, progress, actor)
    out = []
    for sha in videos:
        mine = [m for r in results for m in r.matches if m.video == sha]
        new = sum(m.new for m in mine)
        details = {"references": len(results), "matches": len(mine), "new": new}
        done_before = all(r.skipped == r.keyframes for r in results)
        out.append(StageReport(sha, "references", done_before, details))
    return out
