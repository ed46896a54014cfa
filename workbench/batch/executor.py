"""Where batch tasks run: `local` (this machine's cores) or `ray[:ADDRESS]` (a Ray cluster).

An executor takes tasks and hands back outcomes as they finish; it never retries on its
own and never touches the case: the driver decides what to resubmit and what to commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from workbench.batch.local import LocalExecutor, SerialExecutor
from workbench.batch.tasks import Outcome, Task
from workbench.errors import WorkbenchError

TaskFn = Callable[[Task], object]


class Executor(Protocol):
    name: str

    @property
    def slots(self) -> int:
        """How many tasks can run at once (to size the split of long videos)."""

    def start(self) -> None: ...

    def submit(self, ticket: int, task: Task) -> None: ...

    def poll(self) -> list[Outcome]:
        """Block until at least one submitted task has finished; its outcomes."""

    def cpu_work_done(self) -> None:
        """No more decoding tasks will come: OCR may take every core."""

    def close(self) -> None: ...


@dataclass(frozen=True)
class ExecutorSpec:
    kind: str  # local | ray
    address: str | None = None  # ray only: HOST:PORT, ray://HOST:PORT, auto; None: start one


def parse_executor(text: str) -> ExecutorSpec:
    """`local`, `ray` or `ray:ADDRESS`."""
    kind, _, address = text.strip().partition(":")
    kind = kind.lower()
    if kind == "local" and not address:
        return ExecutorSpec("local")
    if kind == "ray":
        return ExecutorSpec("ray", address or None)
    raise WorkbenchError(f"Unknown executor {text!r}; use local or ray[:ADDRESS].")


def make_executor(spec: ExecutorSpec | str, workers: int = 1, task_fn: TaskFn | None = None):
    """The executor for a spec: `workers` processes locally (1: in this process)."""
    from workbench.batch.work import run_task

    spec = parse_executor(spec) if isinstance(spec, str) else spec
    task_fn = task_fn or run_task
    if spec.kind == "ray":
        from workbench.batch.ray_executor import RayExecutor

        return RayExecutor(spec.address, task_fn=task_fn)
    if workers <= 1:
        return SerialExecutor(task_fn)
    return LocalExecutor(workers, task_fn)
