"""Start the app: `streamlit run workbench/app/main.py` bound to 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

MAIN = Path(__file__).with_name("main.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_command(port: int, headless: bool = True) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(MAIN),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true" if headless else "false",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
    ]  # fmt: skip


def app_env(case_dir: Path | None, user: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if case_dir is not None:
        env["WORKBENCH_CASE"] = str(Path(case_dir).resolve())
    if user:
        env["WORKBENCH_USER"] = user
    return env


def start_app(case_dir: Path | None, port: int, headless: bool = True, user: str | None = None):
    """The app as a child process (the caller waits on it or terminates it)."""
    return subprocess.Popen(app_command(port, headless), env=app_env(case_dir, user))
