"""Errors of publishing and bundle verification (one clear sentence each)."""

from __future__ import annotations

from workbench.errors import WorkbenchError


class PublishError(WorkbenchError):
    """A bundle cannot be made as asked; nothing was written to the output."""


class FaceModelMissing(PublishError):
    """The face detector's model file is not installed."""


class UnsafeArchiveError(WorkbenchError):
    """A zip archive holds an entry that would land outside its folder; nothing was extracted."""


class SigningKeyError(WorkbenchError):
    """A signing or verification key cannot be read."""
