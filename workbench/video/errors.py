"""Errors of the footage engine (one clear sentence each)."""

from __future__ import annotations

from workbench.errors import WorkbenchError


class VideoError(WorkbenchError):
    """A video cannot be read, or a frame or time asked for is not in it."""
