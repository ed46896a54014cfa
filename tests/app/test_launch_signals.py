"""`workbench app` stops its Streamlit server, and frees the port, on SIGTERM and SIGHUP
(Ctrl+C is SIGINT to the whole terminal group: Python's KeyboardInterrupt, handled too)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from workbench.app.launch import free_port
from workbench.case import Case


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.read() == b"ok"
    except OSError:
        return False


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_the_launcher_stops_the_server_and_frees_the_port(
    sig: signal.Signals, tmp_path: Path
) -> None:
    Case.init(tmp_path / "case", "Signals", actor="tester").close()
    port = free_port()
    exe = Path(sys.executable).with_name("workbench")
    proc = subprocess.Popen(
        [str(exe), "app", str(tmp_path / "case"), "--port", str(port), "--no-browser"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not _answers(port):
            assert proc.poll() is None and time.monotonic() < deadline, "the app did not start"
            time.sleep(0.3)
        os.kill(proc.pid, sig)  # the launcher only, as a service manager or a closed terminal
        sent = time.monotonic()
        while not _port_free(port):
            assert time.monotonic() - sent < 10, f"port {port} still served after {sig.name}"
            time.sleep(0.2)
        proc.wait(timeout=10)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
