"""The batch driver: plans the tasks of a whole archive, hands them to an executor, and
alone commits the results to the case, through the same resumable code as `analyze`.

Per video: shots and keyframes (one task for a short video; index, segments and
thumbnails for a long one), committed when complete; then OCR of the keyframes not yet
done in the text run (chunks of keyframes on the OCR pool), committed keyframe by
keyframe by `run_text_stage`; then logos (in the driver). A run killed at any point
resumes from what was committed. A failed task is resubmitted up to `max_attempts`
times; then its video is reported failed and the others go on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.batch.executor import Executor
from workbench.batch.tasks import (
    EngineVersion,
    IndexVideo,
    MakeThumbs,
    Outcome,
    ReadKeyframes,
    ReadResult,
    ScanResult,
    ScanSegment,
    SegmentResult,
    Task,
    TaskFailure,
    Thumbs,
    VideoRef,
    WholeScan,
)
from workbench.case import records
from workbench.case.folder import Case
from workbench.progress import ProgressSink
from workbench.recognize import runs
from workbench.recognize.pipeline import (
    StageReport,
    logo_report,
    text_report,
)
from workbench.recognize.stage_text import KeyframeRead, TextStageParams
from workbench.video.scan import MIN_PARALLEL_FRAMES, THREADED_CORES, plan_segments
from workbench.video.signal_file import has_signals
from workbench.video.signals import ScanParams

MAX_ATTEMPTS = 3
OCR_CHUNK = 8  # keyframes per OCR task
VIDEOS = "archive: videos"
FRAMES = "archive: frames decoded"
KEYFRAMES = "archive: keyframes read (OCR)"


@dataclass
class BatchResult:
    reports: list[StageReport]
    failures: list[TaskFailure]
    executor: str
    videos: int
    tasks: int = 0  # task attempts submitted
    retries: int = 0
    frames: int = 0  # frames decoded for shots and keyframes
    keyframes_read: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class _Video:
    ref: VideoRef
    reports: list[StageReport] = field(default_factory=list)
    analyzer: Any = None  # the shot analyzer fed with segments in order (long videos)
    segments: dict[tuple[int, int], SegmentResult] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)
    next_span: int = 0
    ocr_chunks: int = 0
    reads: dict[int, KeyframeRead] = field(default_factory=dict)
    waiting_engine: bool = False
    scanning: bool = False
    done: bool = False
    failed: bool = False


class Driver:
    def __init__(
        self,
        case: Case,
        executor: Executor,
        stages: tuple[str, ...],
        ocr: str | None,
        logos: Path | None,
        progress: ProgressSink,
        actor: str,
        max_attempts: int,
    ):
        from workbench.recognize.ocr import DEFAULT
        from workbench.video.analysis import params_hash

        self.case, self.executor, self.stages = case, executor, stages
        self.logos, self.progress, self.actor = logos, progress, actor
        self.max_attempts = max_attempts
        self.params = ScanParams()
        self.key = params_hash(self.params)
        self.text = "ocr" in stages or "interfaces" in stages
        self.text_params = TextStageParams(engine=ocr or DEFAULT)
        self.method: str | None = None  # the OCR engine's version, from the OCR workers
        self.engine_error: str | None = None
        self.thumbs = Thumbs(str(case.root.resolve()), str(case.tmp_dir.resolve()), self.key)
        self.pending: dict[int, tuple[Task, str, int]] = {}  # ticket -> task, video, attempt
        self.next_ticket = 0
        self.failures: list[TaskFailure] = []
        self.videos: dict[str, _Video] = {}
        self.waiting: deque[_Video] = deque()  # not started yet
        self.window = 2  # videos decoded at once (set from the executor's slots in `run`)
        self.counts = {"tasks": 0, "retries": 0, "frames": 0, "keyframes": 0}
        self.frames_total = 0
        self.keyframes_total = 0
        self.videos_done = 0

    # -- submitting -------------------------------------------------------------------

    def submit(self, task: Task, video: str, attempt: int = 1) -> None:
        ticket = self.next_ticket
        self.next_ticket += 1
        self.pending[ticket] = (task, video, attempt)
        self.counts["tasks"] += 1
        pool = self.executor.name == "local" and self.executor.slots > 1
        if isinstance(task, WholeScan) and task.threads == 0 and pool:
            # one video alone on few cores: in this process, no worker process to start
            self.handle(_inline(ticket, task, self.progress))
            return
        self.executor.submit(ticket, task)

    def run(self, targets: Iterable[records.Video]) -> None:
        for v in targets:
            ref = VideoRef(v.sha256, str(self.case.path(v.media_path)), int(v.frame_count))
            self.videos[v.sha256] = _Video(ref)
        self.progress.update(VIDEOS, 0, len(self.videos))
        if self.text:
            self.submit(EngineVersion(self.text_params.engine), "")
        # bounds what the driver holds at once (segment signals), and keeps every slot busy
        self.window = max(2, 2 * self.executor.slots)
        self.waiting.extend(self.videos.values())
        self.fill()
        while self.pending:
            outcomes = self.executor.poll()
            if not outcomes:
                raise RuntimeError(f"the {self.executor.name} executor lost its tasks")
            for outcome in outcomes:
                self.handle(outcome)
            self.fill()

    def fill(self) -> None:
        """Start videos while fewer than `window` are being decoded."""
        while self.waiting and sum(s.scanning for s in self.videos.values()) < self.window:
            self.start_keyframes(self.waiting.popleft())
        if not self.waiting and not any(s.scanning for s in self.videos.values()):
            self.executor.cpu_work_done()

    # -- keyframes --------------------------------------------------------------------

    def start_keyframes(self, state: _Video) -> None:
        from workbench.video.analysis import load_analysis

        sha = state.ref.sha256
        if "keyframes" in self.stages or load_analysis(self.case, sha) is None:
            done = load_analysis(self.case, sha, self.key)
            if done is not None:
                state.reports.append(_kf_report(sha, True, len(done.shots), len(done.keyframes)))
            else:
                from pathlib import Path

                from workbench.video.analysis import ensure_index

                ensure_index(self.case, sha, Path(state.ref.path))  # stored once, read by workers
                state.scanning = True
                self.frames_total += state.ref.frames
                self.progress.update(FRAMES, self.counts["frames"], self.frames_total)
                whole = self.executor.slots <= THREADED_CORES and len(self.videos) == 1
                stored = has_signals(Path(state.ref.path))  # ingest's: only keyframes decoded
                if state.ref.frames < MIN_PARALLEL_FRAMES or whole or stored:
                    # alone on few cores: one decode with frame threads (the keyframes'
                    # pictures kept as met); else one core each, videos side by side
                    threads = 0 if self.executor.slots <= 1 or whole else 1
                    self.submit(WholeScan(state.ref, self.params, self.thumbs, threads), sha)
                else:
                    self.submit(IndexVideo(state.ref), sha)
                return
        self.after_keyframes(state)

    def on_index(self, state: _Video, frame_count: int) -> None:
        from workbench.video.keyframes import Analyzer

        state.analyzer = Analyzer(self.params)
        state.spans = plan_segments(frame_count, self.executor.slots)
        for span in state.spans:
            self.submit(ScanSegment(state.ref, self.params, span), state.ref.sha256)

    def on_segment(self, state: _Video, result: SegmentResult) -> None:
        """Feed segments to the analyzer in order, as soon as each one's turn comes (the
        signals hold small frames: they are let go once fed)."""
        state.segments[result.span] = result
        self.frame_progress(len(result.signals))
        while state.next_span < len(state.spans) and state.spans[state.next_span] in state.segments:
            for sig in state.segments.pop(state.spans[state.next_span]).signals:
                state.analyzer.push(sig)
            state.next_span += 1
        if state.next_span == len(state.spans):
            analysis = state.analyzer.finish()
            state.analyzer = None
            self.submit(MakeThumbs(state.ref, analysis, self.thumbs), state.ref.sha256)

    def on_scanned(self, state: _Video, result: ScanResult, whole: bool) -> None:
        from workbench.video.analysis import commit_analysis

        if whole:
            self.frame_progress(result.analysis.frame_count)
        stored = commit_analysis(
            self.case,
            state.ref.sha256,
            self.key,
            self.params,
            result.analysis,
            result.stored,
            self.actor,
        )
        state.scanning = False
        state.reports.append(
            _kf_report(state.ref.sha256, False, len(stored.shots), len(stored.keyframes))
        )
        self.after_keyframes(state)

    def frame_progress(self, frames: int) -> None:
        self.counts["frames"] += frames
        self.progress.update(FRAMES, self.counts["frames"], max(self.frames_total, 1))

    # -- text (OCR, vendors, capabilities, interfaces) -----------------------------------

    def after_keyframes(self, state: _Video) -> None:
        if not self.text:
            self.after_text(state)
        elif self.engine_error is not None:
            self.fail(state, f"ocr {state.ref.short}", self.engine_error, self.max_attempts)
        elif self.method is None:
            state.waiting_engine = True
        else:
            self.plan_text(state)

    def on_engine(self, method: str | None, error: str | None) -> None:
        self.method, self.engine_error = method, error
        for state in self.videos.values():
            if state.waiting_engine:
                state.waiting_engine = False
                self.after_keyframes(state)

    def plan_text(self, state: _Video) -> None:
        from workbench.recognize.stage_text import keyframe_span, previous_in_shot, text_run
        from workbench.video.analysis import load_analysis

        assert self.method is not None
        analysis = load_analysis(self.case, state.ref.sha256)
        if analysis is None:  # only when keyframes were never computed: run_text_stage says so
            self.commit_text(state)
            return
        key, _ = text_run(state.ref.sha256, analysis, self.text_params, self.method)
        done = runs.done_items(self.case.conn, key)
        keyframes = analysis.keyframes
        todo = [n for n, kf in enumerate(keyframes) if str(kf.keyframe.index) not in done]
        items = [(int(keyframes[n].keyframe.index), previous_in_shot(keyframes, n)) for n in todo]
        spans = [keyframe_span(keyframes, analysis.shots, n) for n in todo]
        chunks = [range(i, min(i + OCR_CHUNK, len(items))) for i in range(0, len(items), OCR_CHUNK)]
        if not chunks:
            self.commit_text(state)
            return
        self.keyframes_total += len(items)
        self.progress.update(KEYFRAMES, self.counts["keyframes"], self.keyframes_total)
        state.ocr_chunks = len(chunks)
        for chunk in chunks:
            task = ReadKeyframes(
                state.ref, self.text_params, tuple(items[i] for i in chunk),
                tuple(spans[i] for i in chunk),
            )  # fmt: skip
            self.submit(task, state.ref.sha256)

    def on_reads(self, state: _Video, result: ReadResult) -> None:
        for read in result.reads:
            state.reads[read.ref.index] = read
        state.ocr_chunks -= 1
        self.counts["keyframes"] += len(result.reads)
        self.progress.update(KEYFRAMES, self.counts["keyframes"], self.keyframes_total)
        if state.ocr_chunks == 0:
            self.commit_text(state)

    def commit_text(self, state: _Video) -> None:
        from workbench.recognize.stage_text import run_text_stage

        result = run_text_stage(
            self.case,
            state.ref.sha256,
            self.text_params,
            actor=self.actor,
            reads=state.reads,
            method=self.method,
        )
        state.reads = {}
        state.reports.append(text_report(state.ref.sha256, result))
        self.after_text(state)

    # -- logos, and the end of a video ---------------------------------------------------

    def after_text(self, state: _Video) -> None:
        if "logos" in self.stages:
            from workbench.recognize.stage_logos import run_logo_stage

            assert self.logos is not None
            result = run_logo_stage(self.case, state.ref.sha256, self.logos, actor=self.actor)
            state.reports.append(logo_report(state.ref.sha256, result))
        self.finish(state)

    def finish(self, state: _Video) -> None:
        state.done = True
        state.scanning = False
        self.videos_done += 1
        self.progress.update(VIDEOS, self.videos_done, len(self.videos))

    def fail(self, state: _Video, task: str, error: str, attempts: int) -> None:
        self.failures.append(TaskFailure(state.ref.sha256, task, error, attempts))
        state.failed = True
        state.reads = {}
        state.segments.clear()
        state.analyzer = None
        self.finish(state)

    # -- outcomes ---------------------------------------------------------------------

    def handle(self, outcome: Outcome) -> None:
        task, sha, attempt = self.pending.pop(outcome.ticket)
        state = self.videos.get(sha)
        if state is not None and state.done:
            return  # its video already failed: nothing more to do with it
        if outcome.error is not None:
            if attempt < self.max_attempts:
                self.counts["retries"] += 1
                self.submit(task, sha, attempt + 1)
            elif state is None:  # the OCR engine probe
                self.failures.append(TaskFailure("", task.describe(), outcome.error, attempt))
                self.on_engine(None, f"the OCR engine failed: {outcome.error}")
            else:
                self.fail(state, task.describe(), outcome.error, attempt)
            return
        # a stage that refuses to commit (a missing logo library, ...) stops the whole run
        self.dispatch(state, task, outcome.value)

    def dispatch(self, state: _Video | None, task: Task, value: object) -> None:
        if isinstance(task, EngineVersion):
            self.on_engine(str(value), None)
            return
        assert state is not None
        if isinstance(task, WholeScan | MakeThumbs):
            assert isinstance(value, ScanResult)
            self.on_scanned(state, value, whole=isinstance(task, WholeScan))
        elif isinstance(task, IndexVideo):
            assert isinstance(value, int)
            self.on_index(state, value)
        elif isinstance(task, ScanSegment):
            assert isinstance(value, SegmentResult)
            self.on_segment(state, value)
        elif isinstance(task, ReadKeyframes):
            assert isinstance(value, ReadResult)
            self.on_reads(state, value)


def _inline(ticket: int, task: WholeScan, progress: ProgressSink) -> Outcome:
    """Run a whole-video scan in this process (its decoder threads use every core)."""
    from workbench.batch.local import error_text
    from workbench.batch.work import whole_scan

    try:
        return Outcome(ticket, task, value=whole_scan(task, progress))
    except Exception as exc:
        return Outcome(ticket, task, error=error_text(exc))


def _kf_report(sha: str, skipped: bool, shots: int, keyframes: int) -> StageReport:
    return StageReport(sha, "keyframes", skipped, {"shots": shots, "keyframes": keyframes})
