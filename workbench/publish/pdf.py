"""report.pdf: index.html printed by headless Chromium, when Chromium is installed.

Chromium runs with a throw-away profile, no network services, no header or footer
(which would print the local file URL), and a time limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ENV = "WORKBENCH_CHROMIUM"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pdf-header-footer",
)


def find_chromium() -> str | None:
    explicit = os.environ.get(ENV)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html: Path, out: Path, chromium: str, timeout_s: float = 120.0) -> str | None:
    """Write `out`; return None on success or one sentence saying why there is no PDF."""
    with tempfile.TemporaryDirectory(prefix="workbench-chromium-") as profile:
        cmd = [
            chromium,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            html.resolve().as_uri(),
        ]
        try:
            subprocess.run(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            out.unlink(missing_ok=True)
            return "No PDF: Chromium did not finish printing the report in time."
        except OSError as exc:
            return f"No PDF: Chromium could not be started ({exc.strerror})."
    if not out.is_file() or out.stat().st_size == 0 or not out.read_bytes().startswith(b"%PDF"):
        out.unlink(missing_ok=True)
        return "No PDF: Chromium did not produce one."
    return None
