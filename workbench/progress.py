"""Progress reporting that library code uses and the CLI (rich) or the app (Streamlit) shows."""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    def update(self, task: str, completed: float, total: float | None = None) -> None:
        """Report that `task` has reached `completed` of `total` (None: unknown total)."""


class NullProgress:
    def update(self, task: str, completed: float, total: float | None = None) -> None:
        return None


class ByteCounter:
    """Adapts a byte-count callback (as used by media copying) to a ProgressSink."""

    def __init__(self, sink: ProgressSink, task: str, total: int | None):
        self.sink, self.task, self.total, self.done = sink, task, total, 0

    def __call__(self, n: int) -> None:
        self.done += n
        self.sink.update(self.task, self.done, self.total)
