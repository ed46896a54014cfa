"""Start the app: `streamlit run workbench/app/main.py` bound to 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from workbench.errors import WorkbenchError

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
        "--client.showErrorDetails", "none",
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
    return subprocess.Popen(
        app_command(port, headless=True), env=app_env(case_dir, user), preexec_fn=_die_with_parent
    )


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, have the kernel send it SIGTERM when the
    launcher dies, even by SIGKILL (elsewhere the launcher's signal handlers do it)."""
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Stopped(Exception):
    """The launcher got SIGTERM or SIGHUP."""


def _raise_stopped(signum: int, _frame: object) -> None:
    raise Stopped(signal.Signals(signum).name)


def stop(proc: subprocess.Popen, grace: float = 8.0) -> None:
    """Terminate the app and wait for it (killed after `grace` seconds): its port is free."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


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


def has_display() -> bool:
    """Whether a desktop browser can open here (on a server without a display, Python's
    webbrowser would start a text-mode browser in the terminal instead)."""
    return (
        sys.platform in ("darwin", "win32")
        or bool(os.environ.get("DISPLAY"))
        or bool(os.environ.get("WAYLAND_DISPLAY"))
    )


def serve(
    directory: Path | None,
    port: int,
    open_browser: bool,
    announce: Callable[[str], object] = print,
) -> None:
    """Run the app until it stops or Ctrl+C: check the case first (a clear error now rather
    than in the browser), wait for the app to answer, announce its URL, open a browser."""
    import webbrowser

    if directory is not None:
        from workbench.case import Case

        Case.open(directory).close()
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in (signal.SIGTERM, signal.SIGHUP)}
    proc = start_app(directory, port)
    try:
        if not wait_until_up(proc, port):
            raise WorkbenchError(
                f"The app did not start on port {port} (is the port taken? try --port 0)."
            )
        announce(f"workbench app on {url}  (Ctrl+C stops it)")
        if open_browser and has_display():
            webbrowser.open(url)
        proc.wait()
    except (KeyboardInterrupt, Stopped):
        pass
    finally:
        stop(proc)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
