"""Errors of the logo matcher: each message is one sentence for the user."""

from __future__ import annotations

from workbench.errors import WorkbenchError


class LogoLibraryError(WorkbenchError):
    """A logo library folder is missing, empty, or holds a file that cannot be used."""


class LogoMatchError(WorkbenchError):
    """The matcher cannot run as asked (an unknown feature type, an unusable image)."""
