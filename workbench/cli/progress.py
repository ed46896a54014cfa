"""A rich progress display behind the ProgressSink protocol, for the CLI."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)


class RichProgress:
    def __init__(self, console: Console | None = None, bytes_mode: bool = True):
        columns = [TextColumn("[progress.description]{task.description}"), BarColumn()]
        columns.append(DownloadColumn() if bytes_mode else TextColumn("{task.completed:.0f}"))
        columns.append(TimeRemainingColumn())
        console = console or Console(stderr=True)
        # off when stderr is not a terminal: logs and pipes get results, not bar redraws
        self._progress = Progress(
            *columns, console=console, transient=True, disable=not console.is_terminal
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def update(self, task: str, completed: float, total: float | None = None) -> None:
        label = task if len(task) <= 60 else task[:57] + "…"
        if task not in self._tasks:
            self._tasks[task] = self._progress.add_task(label, total=total)
        self._progress.update(self._tasks[task], completed=completed, total=total)
