"""Every command has help, and the README documents every command (datasette's practice)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from tests.helpers import run_cli
from workbench.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(cmd, click.Group):
            names += _commands(cmd, full + " ")
        else:
            names.append(full)
    return names


@pytest.mark.parametrize("command", _commands(main))
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = run_cli(*command.split(), "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    # a whole command: `workbench find` is not documented by `workbench findings`
    assert re.search(rf"workbench {re.escape(command)}(?![\w-])", README), command


def test_import_workbench_stays_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, workbench, workbench.cli, workbench.case; "
        "print(sorted(m for m in ('torch', 'easyocr', 'streamlit', 'yt_dlp') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
