"""`workbench doctor` against this machine's real tools, and with a Tesseract whose
language data lacks what the defaults read (a tessdata folder holding English only)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import run_cli
from workbench.doctor import diagnose


def _tessdata() -> Path | None:
    tesseract = shutil.which("tesseract")
    if not tesseract:
        return None
    out = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True)
    first = (out.stdout + out.stderr).splitlines()[0]
    return Path(first.split('"')[1]) if '"' in first else None


@pytest.fixture(scope="module")
def report():
    return diagnose()


def test_doctor_names_every_tool_the_workbench_uses(report) -> None:
    names = [c.name for c in report.checks]
    for wanted in (
        "yt-dlp",
        "JS runtime for YouTube",
        "EJS challenge solver",
        "FFmpeg libraries (PyAV)",
        "ffmpeg program",
        "Chromium (page screenshots, report.pdf)",
        "face model for redaction",
        "torch (easyocr)",
        "onnxruntime",
        "line reader (Cyrillic OCR)",
        "free disk",
    ):
        assert wanted in names
    assert next(c for c in report.checks if c.name == "JS runtime for YouTube").ok
    for c in report.checks:
        assert c.ok or c.fix, f"{c.name} fails without a fix"
        assert "\n" not in c.fix


def test_doctor_names_a_missing_tesseract_language_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _tessdata()
    if source is None or not (source / "eng.traineddata").is_file():
        pytest.skip("needs Tesseract with English language data")
    only_english = tmp_path / "tessdata"
    only_english.mkdir()
    (only_english / "eng.traineddata").symlink_to(source / "eng.traineddata")
    monkeypatch.setenv("TESSDATA_PREFIX", str(only_english))
    result = run_cli("doctor", "--dir", tmp_path)
    assert result.exit_code == 1
    assert "MISSING  Tesseract language kaz" in result.stdout
    assert "apt-get install tesseract-ocr-kaz" in result.stdout
    assert "ok       Tesseract language eng" in result.stdout
    assert "optional Tesseract language chi_sim" in result.stdout  # not needed: no failure
    assert result.stderr.startswith("error: missing what the defaults need:")
    assert "Tesseract language rus" in result.stderr and "chi_sim" not in result.stderr
    as_json = run_cli("doctor", "--dir", tmp_path, "--json")
    data = json.loads(as_json.stdout)
    assert data["ok"] is False
    kaz = next(c for c in data["checks"] if c["name"] == "Tesseract language kaz")
    assert kaz["state"] == "MISSING" and kaz["needed"] is True


def test_doctor_passes_where_everything_needed_is_installed(report) -> None:
    if not all(c.ok for c in report.checks if c.needed):
        pytest.skip(
            "this machine lacks something needed: " + ", ".join(c.name for c in report.missing)
        )
    result = run_cli("doctor")
    assert result.exit_code == 0 and "ready:" in result.stdout
