"""Footage nobody here made: the sample videos Debian's opencv-doc package ships — an
XviD AVI with packed B-frames and its twin with another frame-rate header (Megamind),
an MS-MPEG4 pedestrian-camera clip (vtest), and a Cinepak AVI whose header counts 444
slots of a 15 fps clock over 68 pictures (tree). Skipped where the package is missing
(scripts/install installs it)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import run_cli
from tests.video import matrix
from workbench.case import Case, frame_index
from workbench.video import FrameReader

DATA = Path("/usr/share/doc/opencv-doc/examples/data")
FILES = ["Megamind.avi", "Megamind_bugy.avi", "vtest.avi", "tree.avi"]

pytestmark = pytest.mark.skipif(
    not (DATA / "vtest.avi").is_file(), reason="Debian's opencv-doc sample videos are missing"
)


@pytest.mark.parametrize("name", FILES)
def test_frame_n_is_ffmpegs_picture_n(name: str) -> None:
    path = DATA / name
    with FrameReader(path, cache_frames=4) as reader:
        w, h = reader.index.display_size
        rng = random.Random(name)
        picks = [*sorted(rng.randrange(len(reader)) for _ in range(4)), len(reader) - 1]
        for n in picks[::-1]:  # backwards: every one a seek
            ffmpeg = matrix.ffmpeg_select(path, n, (h, w))
            assert float(np.abs(reader.get(n).rgb.astype(int) - ffmpeg).mean()) < 1.5, n


def test_sparse_recorder_export_is_ingested_whole(case_dir: Path) -> None:
    out = run_cli("ingest", case_dir, DATA / "tree.avi", "--json")
    assert out.exit_code == 0, out.stderr
    sha = json.loads(out.stdout)["sha256"]
    with Case.open(case_dir) as case:
        summary = frame_index.summary(case.conn, sha)
    assert summary is not None
    assert (summary["decoded_frames"], summary["declared_frames"]) == (68, 444)
    assert summary["timing"] == "sparse"


def test_packed_b_frames_analysis_completes(case_dir: Path) -> None:
    for name in ("Megamind.avi", "Megamind_bugy.avi"):
        assert run_cli("ingest", case_dir, DATA / name).exit_code == 0
    result = run_cli("analyze", case_dir, "--stages", "keyframes", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(run_cli("shots", case_dir, "--format", "json").stdout)
    for video in {r["video"] for r in rows}:
        shots = [r for r in rows if r["video"] == video and r["record"] == "shot"]
        assert shots[-1]["last_index"] == 269
