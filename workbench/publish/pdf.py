"""report.pdf: index.html printed by headless Chromium, when Chromium is installed.

Chromium runs with a throw-away profile, no network services, no header or footer
(which would print the local file URL), and a time limit.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from workbench.chromium import BASE_FLAGS

FLAGS = (
    *BASE_FLAGS,
    "--disable-extensions",
    "--no-default-browser-check",
    "--no-pdf-header-footer",
)


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
