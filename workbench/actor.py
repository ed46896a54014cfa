"""Who is acting, when nobody said: the one default for the CLI, the app and scripts."""

from __future__ import annotations

import getpass
import os


def default_actor() -> str:
    """$WORKBENCH_USER, else the login name, else "unknown" (never a made-up reviewer)."""
    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
