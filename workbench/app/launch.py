"""Start the app: `streamlit run workbench/app/main.py` bound to 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
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


def start_app(case_dir: Path | None, port: int, user: str | None = None):
    """The app as a child process (the caller waits on it or terminates it). Streamlit
    always runs headless: otherwise its first run stops to ask for an e-mail address."""
    return subprocess.Popen(app_command(port, headless=True), env=app_env(case_dir, user))


def wait_until_up(proc: subprocess.Popen, port: int, timeout: float = 120.0) -> bool:
    """True once the app answers its health check; False if it exited or took too long."""
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.read().strip() == b"ok":
                    return True
        except OSError:
            time.sleep(0.3)
    return False
