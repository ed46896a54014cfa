"""The logos stage of `workbench analyze` on generated footage with a pasted fictional logo."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.helpers import run_cli
from workbench.recognize.synthlogos import Placement, paste_logo, render_scene
from workbench.resources import data_dir
from workbench.synth import write_video

LIBRARY = data_dir() / "logos"


@pytest.fixture(scope="module")
def logo_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    logo = np.asarray(Image.open(LIBRARY / "stellar-optics.png").convert("RGB"))
    place = Placement(width=260, center=(640, 300), perspective=0.08, seed=3)
    scene = render_scene(7)
    with_logo = paste_logo(scene, logo, place)[0]
    other = render_scene(11)

    def frames():
        for _ in range(20):
            yield with_logo
        for _ in range(20):  # a hard cut to a scene without a logo
            yield other

    path = tmp_path_factory.mktemp("logos") / "logo.mp4"
    write_video(path, frames(), fps=10, gop=10, crf=18)
    return path


def test_logos_stage_suggests_the_logo_once_with_its_vendor(
    case_dir: Path, logo_clip: Path
) -> None:
    assert run_cli("ingest", case_dir, logo_clip).exit_code == 0
    result = run_cli(
        "analyze", case_dir, "--stages", "keyframes,logos", "--logos", LIBRARY, "--workers", "1"
    )
    assert result.exit_code == 0, result.stderr
    logos = json.loads(run_cli("findings", case_dir, "--kind", "logo").stdout)
    assert [(o["label"], o["vendor"]) for o in logos] == [
        ("stellar-optics", "Stellar Optics Co., Ltd. (fictional)")
    ]
    found = logos[0]
    x0, y0, x1, y1 = found["bbox"]
    assert abs((x0 + x1) / 2 - 640) < 40 and abs((y0 + y1) / 2 - 300) < 40
    assert len(found["quad"]) == 4 and found["status"] == "suggested"
    assert found["frame_index"] < 20 and "opencv" in found["method"].lower()
    assert "words read by PP-OCRv6" in found["method"]  # the word check, named
    how = found["params"]["details"]  # how it was verified, kept with the suggestion
    assert found["params"]["inliers"] >= 6 and 0.5 <= how["look"] <= 1.0
    again = run_cli("analyze", case_dir, "--stages", "logos", "--logos", LIBRARY)
    assert "already done" in again.stdout
    assert len(json.loads(run_cli("findings", case_dir, "--kind", "logo").stdout)) == 1


def test_logos_stage_needs_a_library(case_dir: Path, logo_clip: Path) -> None:
    run_cli("ingest", case_dir, logo_clip)
    result = run_cli("analyze", case_dir, "--stages", "logos")
    assert result.exit_code == 1 and "needs a logo library" in result.stderr
    result = run_cli("analyze", case_dir, "--stages", "logos", "--logos", case_dir / "nope")
    assert result.exit_code == 1 and result.stderr.startswith("error: ")


def test_a_library_alone_runs_logos_without_stages(case_dir: Path, logo_clip: Path) -> None:
    assert run_cli("ingest", case_dir, logo_clip).exit_code == 0
    result = run_cli(
        "analyze", case_dir, "--logos", LIBRARY, "--ocr", "tesseract", "--workers", "1"
    )
    assert result.exit_code == 0, result.stderr
    labels = [o["label"] for o in _logos(case_dir)]
    assert labels == ["stellar-optics"]
    assert "logos" in result.stdout and "note:" not in result.stderr


def test_a_library_in_case_toml_runs_logos_and_a_left_out_stage_is_reported(
    case_dir: Path, logo_clip: Path
) -> None:
    run_cli("ingest", case_dir, logo_clip)
    result = run_cli("analyze", case_dir, "--stages", "keyframes", "--logos", LIBRARY)
    assert result.exit_code == 0 and "leaves out logos" in result.stderr
    assert json.loads(run_cli("findings", case_dir, "--kind", "logo").stdout) == []
    plain = run_cli("analyze", case_dir, "--stages", "keyframes")
    assert "note:" not in plain.stderr
    with (case_dir / "case.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[recognize]\nlogos = "{LIBRARY}"\n')
    result = run_cli("analyze", case_dir, "--stages", "keyframes,logos")
    assert result.exit_code == 0, result.stderr
    labels = [o["label"] for o in _logos(case_dir)]
    assert labels == ["stellar-optics"]


def _logos(case_dir: Path) -> list[dict]:
    return json.loads(run_cli("findings", case_dir, "--kind", "logo").stdout)
