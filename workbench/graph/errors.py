"""Errors of the vendor graph; each message is one sentence for the user."""

from __future__ import annotations

from workbench.errors import WorkbenchError


class GraphError(WorkbenchError):
    """Bad input to the graph: an unknown entity, a disallowed relation, a bad value."""


class ImportRowsError(GraphError):
    """Rows of an import file are malformed; nothing was imported."""

    def __init__(self, message: str, problems: list[tuple[int, str]]):
        super().__init__(message)
        self.problems = problems
