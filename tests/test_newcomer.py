"""A newcomer with the README alone: from a clean clone, the README's own quick-start
commands run in a fresh virtual environment. The demo command must bring the app up on
the demo case; the test command must pass (its own run skips this test)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INNER = "WORKBENCH_NEWCOMER_INNER"


def quick_start_commands(readme: str) -> list[str]:
    """The fenced bash blocks of the README's `## Quick start` section, in order."""
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


def test_readme_quick_start_has_the_two_commands() -> None:
    commands = quick_start_commands((ROOT / "README.md").read_text("utf-8"))
    assert len(commands) == 2
    assert "workbench demo" in commands[0]
    assert (ROOT / ".ci" / "run").read_text("utf-8").rstrip().endswith(commands[1])


def _wait_for_app(proc: subprocess.Popen, deadline: float) -> int:
    assert proc.stdout is not None
    for line in proc.stdout:
        print(line, end="")
        m = re.search(r"workbench app on http://127\.0\.0\.1:(\d+)", line)
        if m:
            return int(m.group(1))
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"the demo never announced the app (exit {proc.poll()})")


def _get(url: str, deadline: float, proc: subprocess.Popen) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise
            time.sleep(1)


@pytest.mark.newcomer
@pytest.mark.skipif(bool(os.environ.get(INNER)), reason="this is the newcomer test's own run")
@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="needs git and a git checkout to clone")  # fmt: skip
def test_newcomer_runs_the_readme_commands_in_a_clean_clone(tmp_path: Path) -> None:
    clone = tmp_path / "wb"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    demo_cmd, test_cmd = quick_start_commands((clone / "README.md").read_text("utf-8"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST"))}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))
    )
    proc = subprocess.Popen(
        ["bash", "-c", demo_cmd], cwd=clone, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20 * 60
        port = _wait_for_app(proc, deadline)
        assert _get(f"http://127.0.0.1:{port}/_stcore/health", deadline, proc).strip() == "ok"
        assert "<html" in _get(f"http://127.0.0.1:{port}/", deadline, proc).lower()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert (clone / ".venv" / "bin" / "workbench").exists()
    toml = (clone / "cases" / "demo" / "case.toml").read_text("utf-8")
    assert "fictional = true" in toml
    assert (clone / "cases" / "demo" / "exports" / "case-file" / "MANIFEST").is_file()

    result = subprocess.run(
        ["bash", "-c", test_cmd], cwd=clone, env={**env, INNER: "1"},
        capture_output=True, text=True, timeout=45 * 60,
    )  # fmt: skip
    tail = (result.stdout + result.stderr)[-3000:]
    shutil.rmtree(clone, ignore_errors=True)  # a second virtual environment: gigabytes
    assert result.returncode == 0, tail
    assert re.search(r"\d+ passed", tail), tail
