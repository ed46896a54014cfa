"""Batch tasks on a Ray cluster: decoding as tasks, OCR on a pool of actors.

Ray is optional (`pip install 'workbench[ray]'`) and imported only here, when used. Every
node must see the case folder at the same path (shared storage) and have workbench
installed. Ray's own retries are off: the driver resubmits what failed and reports what
keeps failing. An OCR actor that dies is replaced by a fresh one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections import deque
from typing import TYPE_CHECKING, Any

from workbench.batch.local import error_text
from workbench.batch.tasks import CPU, Outcome, Task
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.batch.executor import TaskFn

INSTALL_HINT = "Ray is not installed here; install it with: pip install 'workbench[ray]'."


def import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise WorkbenchError(INSTALL_HINT) from exc
    return ray


def _run(task_fn: TaskFn, task: Task) -> object:
    return task_fn(task)


class OcrWorker:
    """A Ray actor that keeps its OCR engine (and open videos) between tasks."""

    def __init__(self, task_fn: TaskFn):
        self.task_fn = task_fn

    def run(self, task: Task) -> object:
        return self.task_fn(task)

    def pid(self) -> int:
        return os.getpid()


def ocr_pool(resources: dict[str, float], cpu_work_left: bool) -> tuple[int, dict[str, Any]]:
    """How many OCR actors, and the resources each asks for.

    Each actor holds a CPU for its life; while decoding tasks may still come, the pool keeps
    to half the cluster so they are not starved. When the cluster has GPUs the actors
    share them (a GPU engine such as easyocr then runs on one).
    """
    cpus = max(1, int(resources.get("CPU", 1)))
    gpus = float(resources.get("GPU", 0))
    size = max(1, cpus // 2) if cpu_work_left else cpus
    options: dict[str, Any] = {"num_cpus": 1 if cpus >= 2 else 0}
    if gpus > 0:
        options["num_gpus"] = min(1.0, gpus / cpus)
    return size, options


class RayExecutor:
    name = "ray"

    def __init__(self, address: str | None = None, task_fn: TaskFn | None = None):
        from workbench.batch.work import run_task

        self.address = address
        self.task_fn = task_fn or run_task
        self._ray: Any = None
        self._owns_ray = False
        self._resources: dict[str, float] = {}
        self._cpu_work_left = True
        self._refs: dict[Any, tuple[int, Task, Any]] = {}  # ref -> ticket, task, actor
        self._queue: deque[tuple[int, Task]] = deque()  # OCR tasks waiting for an actor
        self._idle: deque[Any] = deque()
        self._actors: list[Any] = []
        self.actors_started = 0
        self.actors_lost = 0

    @property
    def slots(self) -> int:
        return max(1, int(self._resources.get("CPU", 1)))

    def start(self) -> None:
        ray = self._ray = import_ray()
        if not ray.is_initialized():
            check_reachable(self.address)
            try:
                ray.init(address=self.address, logging_level=logging.WARNING)
            except (ConnectionError, ValueError, RuntimeError) as exc:
                where = self.address or "a local Ray instance"
                hint = ""
                if "Authentication" in type(exc.__cause__).__name__:
                    hint = (
                        " (the cluster wants its token: copy the head's ~/.ray/auth_token"
                        " here and set RAY_AUTH_MODE=token)"
                    )
                raise WorkbenchError(f"Could not connect to {where}: {exc}{hint}.") from exc
            self._owns_ray = True
        self._resources = dict(ray.cluster_resources())
        self._task = ray.remote(_run).options(num_cpus=1, max_retries=0)
        self._actor_cls = ray.remote(OcrWorker)

    def submit(self, ticket: int, task: Task) -> None:
        if task.pool == CPU:
            self._refs[self._task.remote(self.task_fn, task)] = (ticket, task, None)
        else:
            self._queue.append((ticket, task))

    def cpu_work_done(self) -> None:
        self._cpu_work_left = False

    def _dispatch(self) -> None:
        size, options = ocr_pool(self._resources, self._cpu_work_left)
        while self._queue:
            if not self._idle and len(self._actors) < size:
                opts = dict(options, max_restarts=0, max_task_retries=0)
                actor = self._actor_cls.options(**opts).remote(self.task_fn)
                self._actors.append(actor)
                self._idle.append(actor)
                self.actors_started += 1
            if not self._idle:
                return
            actor = self._idle.popleft()
            ticket, task = self._queue.popleft()
            self._refs[actor.run.remote(task)] = (ticket, task, actor)

    def poll(self) -> list[Outcome]:
        ray = self._ray
        self._dispatch()
        if not self._refs:
            return []
        ready, _ = ray.wait(list(self._refs), num_returns=1)
        more, _ = ray.wait(list(self._refs), num_returns=len(self._refs), timeout=0)
        out: list[Outcome] = []
        for ref in dict.fromkeys([*ready, *more]):
            ticket, task, actor = self._refs.pop(ref)
            try:
                out.append(Outcome(ticket, task, value=ray.get(ref)))
            except ray.exceptions.RayActorError as exc:
                self._lose(actor)
                actor = None
                out.append(Outcome(ticket, task, error=f"the OCR actor died ({_first(exc)})"))
            except ray.exceptions.RayTaskError as exc:
                cause = getattr(exc, "cause", None)
                error = error_text(cause) if cause is not None else _first(exc)
                out.append(Outcome(ticket, task, error=error))
            except ray.exceptions.RayError as exc:  # worker crashed, object lost, ...
                out.append(Outcome(ticket, task, error=f"{type(exc).__name__}: {_first(exc)}"))
            if actor is not None:
                self._idle.append(actor)
        self._dispatch()
        return out

    def _lose(self, actor: Any) -> None:
        self.actors_lost += 1
        if actor in self._actors:
            self._actors.remove(actor)
        with contextlib.suppress(Exception):  # already gone
            self._ray.kill(actor, no_restart=True)

    def close(self) -> None:
        ray = self._ray
        if ray is None:
            return
        for ref, (_, _, actor) in list(self._refs.items()):
            if actor is None:
                with contextlib.suppress(Exception):
                    ray.cancel(ref, force=True)
        for actor in self._actors:
            with contextlib.suppress(Exception):
                ray.kill(actor, no_restart=True)
        self._refs.clear()
        self._actors.clear()
        self._idle.clear()
        self._queue.clear()
        if self._owns_ray:
            ray.shutdown()
        self._ray = None


def check_reachable(address: str | None, timeout_s: float = 5.0) -> None:
    """Fail fast on a HOST:PORT nobody answers at (Ray itself retries for minutes)."""
    if not address or "://" in address or address in ("auto", "local"):
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise WorkbenchError(f"The Ray address {address!r} is not HOST:PORT (e.g. head:6379).")
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except OSError as exc:
        raise WorkbenchError(
            f"No Ray head answers at {address} ({exc.strerror or exc}); start it with "
            "ray start --head --port PORT."
        ) from exc


def _first(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0].strip() if lines else type(exc).__name__
