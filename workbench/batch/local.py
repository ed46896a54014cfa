"""Executors on this machine: in this process, or a pool of worker processes (one a core)."""

from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from workbench.batch.tasks import Outcome, Task

if TYPE_CHECKING:
    from workbench.batch.executor import TaskFn


def error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


class SerialExecutor:
    """Runs each task in this process when polled: the reference the others must match."""

    name = "local"
    slots = 1

    def __init__(self, task_fn: TaskFn):
        self.task_fn = task_fn
        self._queue: deque[tuple[int, Task]] = deque()

    def start(self) -> None:
        return None

    def submit(self, ticket: int, task: Task) -> None:
        self._queue.append((ticket, task))

    def poll(self) -> list[Outcome]:
        if not self._queue:
            return []
        ticket, task = self._queue.popleft()
        try:
            return [Outcome(ticket, task, value=self.task_fn(task))]
        except Exception as exc:
            return [Outcome(ticket, task, error=error_text(exc))]

    def cpu_work_done(self) -> None:
        return None

    def close(self) -> None:
        self._queue.clear()


def _init_worker() -> None:
    import cv2

    cv2.setNumThreads(1)


class LocalExecutor:
    """A pool of `workers` processes; OCR engines stay loaded in each process.

    A worker that dies breaks the whole pool: every task in flight then ends with an error
    (the driver retries them) and the next submission starts a fresh pool.
    """

    name = "local"

    def __init__(self, workers: int, task_fn: TaskFn):
        self.workers = workers
        self.task_fn = task_fn
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0  # which pool: a dead worker breaks only its own pool's tasks
        self._futures: dict[Future, tuple[int, Task, int]] = {}

    @property
    def slots(self) -> int:
        return self.workers

    def start(self) -> None:
        self._ensure_pool()

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
            )
        return self._pool

    def submit(self, ticket: int, task: Task) -> None:
        try:
            future = self._ensure_pool().submit(self.task_fn, task)
        except BrokenProcessPool:
            self._restart()
            future = self._ensure_pool().submit(self.task_fn, task)
        self._futures[future] = (ticket, task, self._generation)

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            self._generation += 1

    def poll(self) -> list[Outcome]:
        if not self._futures:
            return []
        done, _ = wait(list(self._futures), return_when=FIRST_COMPLETED)
        out: list[Outcome] = []
        broken = False
        for future in done:
            ticket, task, generation = self._futures.pop(future)
            exc = future.exception()
            if exc is None:
                out.append(Outcome(ticket, task, value=future.result()))
            elif isinstance(exc, BrokenProcessPool):
                broken = broken or generation == self._generation
                out.append(Outcome(ticket, task, error="a worker process died"))
            else:
                out.append(Outcome(ticket, task, error=error_text(exc)))
        if broken:
            self._restart()
        return out

    def cpu_work_done(self) -> None:
        return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._futures.clear()


def useful_workers(frame_counts: list[int], workers: int) -> int:
    """Worker processes worth starting: none (in-process) for one short video, where
    starting a pool costs more than it saves; else `workers`."""
    from workbench.video.scan import MIN_PARALLEL_FRAMES

    if len(frame_counts) <= 1 and sum(frame_counts) < MIN_PARALLEL_FRAMES:
        return 1
    return workers
