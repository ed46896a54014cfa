"""Headless Chromium, the one way the workbench finds it and starts it.

Page screenshots (ingest) and report.pdf (publish) both run Debian's Chromium with a
throw-away profile and no network services of its own; `workbench doctor` reports it.
$WORKBENCH_CHROMIUM names a binary explicitly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ENV = "WORKBENCH_CHROMIUM"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# what every headless run takes: no sandbox (root in containers), no GPU, and none of
# Chromium's own connections (this machine's network refuses them, and they leak)
BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find_chromium() -> str | None:
    """The Chromium binary to run ($WORKBENCH_CHROMIUM, else the first on PATH), or None."""
    explicit = os.environ.get(ENV)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_version(binary: str) -> str:
    """What `BINARY --version` prints ("chromium" when it says nothing)."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or "chromium"
    except (OSError, subprocess.SubprocessError):
        return "chromium"
