"""The footage commands: analyze --stages keyframes, shots, frame, clip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import run_cli
from workbench.synth import numbered_frames, read_index_strip, write_video


@pytest.fixture(scope="module")
def cut_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two shots of numbered frames: a hard cut at frame 24 (a different colour scheme)."""
    import numpy as np

    path = tmp_path_factory.mktemp("cli") / "cut.mp4"

    def frames():
        for i, rgb in enumerate(numbered_frames(48)):
            yield rgb if i < 24 else np.ascontiguousarray(255 - rgb)

    write_video(path, frames(), fps=24, gop=12)
    return path


@pytest.fixture()
def ingested(case_dir: Path, cut_clip: Path) -> tuple[Path, str]:
    out = run_cli("ingest", case_dir, cut_clip, "--json")
    assert out.exit_code == 0, out.stderr
    return case_dir, json.loads(out.stdout)["sha256"]


def test_keyframes_stage_then_shots_as_json_and_csv(ingested) -> None:
    case_dir, sha = ingested
    result = run_cli("analyze", case_dir, "--stages", "keyframes", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    assert "keyframes" in result.stdout and "done" in result.stdout
    again = run_cli("analyze", case_dir, "--stages", "keyframes")
    assert "already done" in again.stdout
    rows = json.loads(run_cli("shots", case_dir, "--format", "json").stdout)
    shots = [r for r in rows if r["record"] == "shot"]
    assert [(s["first_index"], s["last_index"]) for s in shots] == [(0, 23), (24, 47)]
    assert shots[1]["first_time"] == pytest.approx(1.0)
    assert all(r["video"] == sha for r in rows)
    keyframes = [r for r in rows if r["record"] == "keyframe"]
    assert {0, 24} <= {k["index"] for k in keyframes}
    table = list(csv.DictReader(io.StringIO(run_cli("shots", case_dir, "--format", "csv").stdout)))
    assert len(table) == len(rows) and table[0]["record"] == "shot"


def test_frame_writes_the_exact_frame_with_its_provenance(ingested, tmp_path: Path) -> None:
    case_dir, sha = ingested
    out = tmp_path / "f.png"
    result = run_cli("frame", case_dir, sha[:8], "--index", "17", "-o", out)
    assert result.exit_code == 0, result.stderr
    meta = json.loads(result.stdout)
    assert meta["index"] == 17 and meta["video_sha256"] == sha
    assert meta["time_s"] == pytest.approx(17 / 24)
    img = Image.open(out)
    assert read_index_strip(__import__("numpy").asarray(img.convert("RGB"))) == 17
    assert json.loads(img.text["workbench:provenance"])["pixel_sha256"] == meta["pixel_sha256"]
    by_time = run_cli("frame", case_dir, sha[:8], "--time", str(17 / 24 + 0.001), "-o", out)
    assert json.loads(by_time.stdout)["index"] == 17
    zoom = run_cli(
        "frame",
        case_dir,
        sha[:8],
        "--index",
        "3",
        "--enhance",
        "crop:x=0,y=0,w=160,h=120|zoom:2",
        "-o",
        tmp_path / "z.png",
    )
    assert zoom.exit_code == 0 and Image.open(tmp_path / "z.png").size == (320, 240)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--index", "48"], "outside this video"),
        (["--time", "9"], "past the end"),
        (["--index", "1", "--enhance", "sparkle:3"], "Unknown enhancement step"),
    ],
)
def test_frame_bad_requests(ingested, tmp_path: Path, args, message: str) -> None:
    case_dir, sha = ingested
    result = run_cli("frame", case_dir, sha[:8], *args, "-o", tmp_path / "x.png")
    assert result.exit_code == 1 and message in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_unknown_video_is_a_clear_error(ingested, tmp_path: Path) -> None:
    case_dir, _ = ingested
    result = run_cli("frame", case_dir, "abcdef12", "--index", "1", "-o", tmp_path / "x.png")
    assert result.exit_code == 1 and "No video in this case matches" in result.stderr


def test_clip_in_slow_motion_and_as_frames(ingested, tmp_path: Path) -> None:
    case_dir, sha = ingested
    result = run_cli(
        "clip",
        case_dir,
        sha[:8],
        "--start",
        "0.5",
        "--end",
        "1.0",
        "--speed",
        "0.5",
        "-o",
        tmp_path / "slow.mp4",
    )
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["duration_s"] == pytest.approx(1.0, abs=0.05)
    assert (info["first_index"], info["last_index"]) == (12, 23)
    result = run_cli(
        "clip",
        case_dir,
        sha[:8],
        "--start",
        "0.5",
        "--end",
        "1.0",
        "--frames",
        "-o",
        tmp_path / "seq",
    )
    assert result.exit_code == 0 and "12 frames" in result.stdout
