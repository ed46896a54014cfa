"""Files people actually have: damaged ones are read as far as possible (damaged and
missing frames listed), sparse ones are ingested whole, and one frame that cannot be
decoded never fails an analysis."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.helpers import run_cli
from tests.video import matrix
from workbench.case import Case, frame_index
from workbench.synth import read_index_strip
from workbench.video import FrameReader
from workbench.video.index_build import build_index


@pytest.fixture(scope="module")
def damaged_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("damaged")
    xvid = ["-c:v", "libxvid", "-bf", "2", "-g", "12"]
    return {
        "h264": matrix.damaged(d),
        "xvid": matrix.damaged(d, "damaged-xvid.avi", xvid),
    }


def ingest(case_dir: Path, path: Path) -> str:
    out = run_cli("ingest", case_dir, path, "--json")
    assert out.exit_code == 0, out.stderr
    return json.loads(out.stdout)["sha256"]


@pytest.mark.parametrize("kind", ["h264", "xvid"])
def test_damaged_file_is_ingested_listed_and_analysed(
    kind: str, damaged_clips: dict[str, Path], case_dir: Path
) -> None:
    path = damaged_clips[kind]
    ref = matrix.ffmpeg_truth(path)
    sha = ingest(case_dir, path)
    with Case.open(case_dir) as case:
        summary = frame_index.summary(case.conn, sha)
        media = case.path(f"media/{sha}{path.suffix}")
    assert summary is not None
    assert summary["decoded_frames"] == len(ref.pictures) < 60
    assert summary["damaged_frames"], "the decoder's concealed pictures are listed"
    listed = run_cli("sources", case_dir, "--json")
    assert json.loads(listed.stdout)[0]["frames"]["damaged_frames"] == summary["damaged_frames"]
    table = run_cli("sources", case_dir)
    assert "damaged" in table.stdout
    result = run_cli("analyze", case_dir, "--stages", "keyframes", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    shots = json.loads(run_cli("shots", case_dir, "--format", "json").stdout)
    assert shots and shots[-1]["record"] == "keyframe"
    last = max(r["last_index"] for r in shots if r["record"] == "shot")
    assert last == len(ref.pictures) - 1, "analysis covers every picture up to the end"
    with FrameReader(media) as reader:  # frames after the damage are the right pictures
        for n in (0, len(reader) // 2, len(reader) - 1):
            assert read_index_strip(reader.get(n).rgb) == read_index_strip(ref.pictures[n])


def test_sparse_avi_is_ingested_whole_with_both_counts(case_dir: Path, tmp_path: Path) -> None:
    path = matrix.sparse_avi(tmp_path)
    sha = ingest(case_dir, path)
    with Case.open(case_dir) as case:
        summary = frame_index.summary(case.conn, sha)
        probe = json.loads(
            case.conn.execute("SELECT probe_json FROM videos WHERE sha256 = ?", (sha,)).fetchone()[
                0
            ]
        )
    assert summary is not None
    assert summary["decoded_frames"] == len(matrix.SPARSE_SLOTS)
    assert summary["declared_frames"] == matrix.SPARSE_SLOTS[-1] + 1
    assert summary["timing"] == "sparse" and probe["timing"] == "sparse"
    assert probe["frame_count"] == len(matrix.SPARSE_SLOTS)
    assert probe["declared_frames"] == matrix.SPARSE_SLOTS[-1] + 1
    out = tmp_path / "f.png"
    n = 9
    result = run_cli("frame", case_dir, sha[:8], "--index", str(n), "-o", out)
    assert result.exit_code == 0, result.stderr
    assert read_index_strip(np.asarray(Image.open(out).convert("RGB"))) == n
    assert json.loads(result.stdout)["time_s"] == pytest.approx(matrix.SPARSE_SLOTS[n] / 15)


def test_packed_b_frames_through_the_cli(case_dir: Path, tmp_path: Path) -> None:
    """`workbench frame --index N` on a packed-B-frame AVI is FFmpeg's picture N."""
    path = matrix.xvid_packed(tmp_path)
    sha = ingest(case_dir, path)
    for n in (7, 30, 44):
        out = tmp_path / f"{n}.png"
        result = run_cli("frame", case_dir, sha[:8], "--index", str(n), "-o", out)
        assert result.exit_code == 0, result.stderr
        got = np.asarray(Image.open(out).convert("RGB"))
        assert read_index_strip(got) == read_index_strip(matrix.ffmpeg_select(path, n)) == n
    result = run_cli("analyze", case_dir, "--stages", "keyframes", "--workers", "1")
    assert result.exit_code == 0, result.stderr


def test_stored_index_is_read_not_rebuilt(case_dir: Path, tmp_path: Path) -> None:
    path = matrix.sparse_mkv(tmp_path)
    sha = ingest(case_dir, path)
    with Case.open(case_dir) as case:
        media = case.path(f"media/{sha}.mkv")
        stored = frame_index.load(case.conn, sha)
        assert stored is not None
        stored["fps"] = 99.0  # a marker only the stored copy has
        with case.conn:
            case.conn.execute(
                "UPDATE frame_indexes SET index_json = ? WHERE video_sha256 = ?",
                (json.dumps(stored), sha),
            )
    from workbench.video import index_build as index_module

    index_module._MEMO.clear()
    assert build_index(media).fps == 99.0
