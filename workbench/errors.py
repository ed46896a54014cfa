"""Errors that reach the user as one clear sentence (the CLI prints them to stderr)."""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class: the message is a complete sentence meant for the user."""


class CaseError(WorkbenchError):
    """A case folder is missing, malformed, or cannot be opened."""


class IngestError(WorkbenchError):
    """A source could not be ingested; nothing was written to the case."""


class DiskFullError(WorkbenchError):
    """The disk (or a file-size limit) ran out while writing; nothing was kept."""
