"""Ingesting local files: provenance, deduplication, and every bad input we know of."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import run_cli, snapshot
from workbench.case import Case, records
from workbench.ingest import ingest_file
from workbench.synth import numbered_frames, write_video


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ingest_records_metadata_and_keeps_the_original(case_dir: Path, clip: Path) -> None:
    before = sha(clip)
    result = run_cli("ingest", case_dir, clip, "--json", "--by", "ana")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["sha256"] == before and out["video"] == before[:12]
    assert clip.exists() and sha(clip) == before  # copied, never moved or changed

    with Case.open(case_dir) as case:
        (video,) = records.videos(case.conn)
        (source,) = records.sources(case.conn)
    assert video.sha256 == before
    assert (video.frame_count, video.width, video.height) == (48, 320, 240)
    assert video.fps == pytest.approx(24.0)
    assert video.duration_s == pytest.approx(2.0, abs=0.05)
    assert video.codec == "h264" and "mp4" in video.container
    assert video.size_bytes == clip.stat().st_size
    assert video.rotation == 0
    stored = case_dir / video.media_path
    assert stored.name == f"{before}.mp4"
    assert sha(stored) == before
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert source.kind == "file" and source.uri == str(clip.resolve())
    assert source.actor == "ana" and source.retrieved_at
    assert {"workbench", "yt-dlp", "pyav", "ffmpeg", "python"} <= set(source.tool_versions)
    assert not any((case_dir / "tmp").iterdir())


def test_same_content_twice_is_one_video_with_two_sources(
    case: Case, clip: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "renamed copy.MP4"
    copy.write_bytes(clip.read_bytes())
    first = ingest_file(case, clip, "ana")
    second = ingest_file(case, copy, "bo")
    assert first.new_video and not second.new_video
    assert first.video_sha256 == second.video_sha256
    assert len(records.videos(case.conn)) == 1
    srcs = records.sources(case.conn)
    assert [s.uri for s in srcs] == [str(clip.resolve()), str(copy.resolve())]
    assert len(list((case.root / "media").iterdir())) == 1


def test_rotation_metadata_is_recorded(case: Case, clip: Path, tmp_path: Path) -> None:
    import imageio_ffmpeg

    rotated = tmp_path / "rotated.mp4"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-display_rotation",
            "90",
            "-i",
            str(clip),
            "-c",
            "copy",
            str(rotated),
        ],
        check=True,
    )
    result = ingest_file(case, rotated, "ana")
    assert result.info.rotation == 90


def _truncated(clip: Path, tmp_path: Path) -> Path:
    big = tmp_path / "big.mp4"
    write_video(big, numbered_frames(60, 320, 240), fps=25, crf=30)
    cut = tmp_path / "truncated.mp4"
    cut.write_bytes(big.read_bytes()[: big.stat().st_size // 2])  # moov first, mdat cut
    return cut


def _bad_inputs(clip: Path, tmp_path: Path) -> dict[str, tuple[Path, str]]:
    text = tmp_path / "notes.mp4"
    text.write_text("these are not the frames you are looking for\n" * 20)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    headless = tmp_path / "head-only.mp4"
    headless.write_bytes(clip.read_bytes()[:3000])  # index first, one frame of data
    tail_index = tmp_path / "index-at-end.mp4"
    write_video(tail_index, numbered_frames(24), fps=24, faststart=False)
    no_index = tmp_path / "no-index.mp4"
    no_index.write_bytes(tail_index.read_bytes()[: tail_index.stat().st_size * 2 // 3])
    folder = tmp_path / "a-folder"
    folder.mkdir()
    return {
        "text file": (text, "is not a video file FFmpeg can read"),
        "zero bytes": (empty, "is empty (0 bytes)"),
        "header only": (headless, "is truncated: its index lists 48 frames but only 1"),
        "index never written": (no_index, "is not a video file FFmpeg can read"),
        "truncated mdat": (_truncated(clip, tmp_path), "is truncated"),
        "missing path": (tmp_path / "nope.mp4", "does not exist"),
        "a folder": (folder, "is a folder, not a video file"),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "text file",
        "zero bytes",
        "header only",
        "index never written",
        "truncated mdat",
        "missing path",
        "a folder",
    ],
)
def test_bad_input_is_refused_and_leaves_the_case_unchanged(
    kind: str, case_dir: Path, clip: Path, tmp_path: Path
) -> None:
    ok = run_cli("ingest", case_dir, clip)
    assert ok.exit_code == 0
    path, message = _bad_inputs(clip, tmp_path)[kind]
    before = snapshot(case_dir)
    result = run_cli("ingest", case_dir, path)
    assert result.exit_code == 1, result.stdout
    assert message in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert snapshot(case_dir) == before


def test_a_folder_that_is_not_a_case_is_refused(tmp_path: Path, clip: Path) -> None:
    result = run_cli("ingest", tmp_path, clip)
    assert result.exit_code == 1
    assert "is not a case folder" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_several_sources_one_bad_keeps_the_good_ones(
    case_dir: Path, clip: Path, tmp_path: Path
) -> None:
    result = run_cli("ingest", case_dir, tmp_path / "missing.mp4", clip)
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert "1 of 2 sources could not be ingested" in result.stderr
    with Case.open(case_dir) as case:
        assert len(records.sources(case.conn)) == 1


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


def _limit_file_size() -> None:
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_full_disk_is_a_clear_error_and_leaves_nothing(case_dir: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.mp4"
    rng = np.random.default_rng(7)
    noise = (rng.integers(0, 256, (120, 160, 3), dtype=np.uint8) for _ in range(25))
    write_video(big, noise, fps=25, crf=0)  # noise does not compress: a few hundred KB
    assert big.stat().st_size > 4 * 64 * 1024
    before = snapshot(case_dir)
    proc = _cli("ingest", case_dir, big, preexec_fn=_limit_file_size)
    assert proc.returncode == 1, proc.stderr
    assert "disk is full" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(case_dir) == before


def test_two_ingest_processes_at_once_both_succeed(
    case_dir: Path, clip: Path, other_clip: Path
) -> None:
    env = {**os.environ, "WORKBENCH_USER": "parallel"}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workbench.cli",
                "ingest",
                str(case_dir),
                str(c),
                str(other_clip),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in (clip, clip)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    with Case.open(case_dir) as case:
        assert len(records.videos(case.conn)) == 2
        assert len(records.sources(case.conn)) == 4
    result = run_cli("verify", case_dir)
    assert result.exit_code == 0, result.stderr
    assert "tmp/" not in result.stderr
