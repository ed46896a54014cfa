"""Task functions that misbehave on purpose, importable by worker processes and Ray workers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from workbench.batch.work import run_task


@dataclass(frozen=True)
class CrashOnce:
    """The first task of each kind in `matches` (a class name or the start of a description)
    kills its worker process (`exit`) or raises; every later attempt runs normally."""

    marker_dir: str
    matches: tuple[str, ...]
    how: str = "exit"

    def __call__(self, task):
        for n, match in enumerate(self.matches):
            if type(task).__name__ == match or task.describe().startswith(match):
                try:
                    fd = os.open(Path(self.marker_dir) / f"crashed-{n}", os.O_CREAT | os.O_EXCL)
                except FileExistsError:
                    continue
                os.close(fd)
                if self.how == "exit":
                    os._exit(3)
                raise RuntimeError(f"simulated failure of {task.describe()}")
        return run_task(task)


@dataclass(frozen=True)
class AlwaysFail:
    match: str

    def __call__(self, task):
        if self.match in task.describe():
            raise RuntimeError("simulated corrupt segment")
        return run_task(task)


@dataclass(frozen=True)
class Recording:
    """Runs tasks normally and appends each task's description to a log file."""

    log: str

    def __call__(self, task):
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(task.describe() + "\n")
        return run_task(task)
