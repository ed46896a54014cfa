"""Shots and keyframes stored in a case: once per parameters, audited, with thumbnails."""

from __future__ import annotations

from pathlib import Path

from workbench.case import Case, audit
from workbench.ingest.local import ingest_file
from workbench.video import FrameReader, ScanParams, analysis_rows, analyze_keyframes
from workbench.video.analysis import load_analysis


def test_analysis_is_stored_once_and_audited(case: Case, cuts: Path) -> None:
    sha = ingest_file(case, cuts, actor="tester").video_sha256
    entries_before = len(audit.entries(case.conn))

    first = analyze_keyframes(case, sha, actor="tester")
    assert not first.skipped
    assert [s.first_index for s in first.shots] == [0, 30, 75]
    assert [k.keyframe.index for k in first.keyframes][:1] == [0]
    with FrameReader(cuts) as reader:
        for stored in first.keyframes:
            assert (case.root / stored.thumbnail_path).is_file()
            assert stored.thumbnail_path.startswith(f"derived/keyframes/{sha}/")
            assert stored.pixel_sha256 == reader.get(stored.keyframe.index).ref.pixel_sha256
    entries = audit.entries(case.conn)
    assert len(entries) == entries_before + 1
    assert entries[-1].action == "analyze.keyframes" and entries[-1].target == sha
    assert (
        entries[-1].params["shots"] == 3 and entries[-1].params["params_hash"] == first.params_hash
    )
    assert audit.verify_chain(case.conn) == []

    again = analyze_keyframes(case, sha)
    assert again.skipped
    assert again.shots == first.shots and again.keyframes == first.keyframes
    assert len(audit.entries(case.conn)) == entries_before + 1  # nothing new was done

    other = analyze_keyframes(case, sha, params=ScanParams(cut_threshold=500.0))
    assert not other.skipped and other.params_hash != first.params_hash
    assert len(other.shots) == 1


def test_stored_analysis_survives_reopening(case_dir: Path, cuts: Path) -> None:
    with Case.open(case_dir) as case:
        sha = ingest_file(case, cuts, actor="tester").video_sha256
        done = analyze_keyframes(case, sha, workers=1)
    with Case.open(case_dir) as case:
        assert case.schema_version >= 3
        loaded = load_analysis(case, sha)
        assert loaded is not None and loaded.shots == done.shots
        rows = analysis_rows(case)
    kinds = [r["record"] for r in rows]
    assert kinds.count("shot") == 3 and kinds.count("keyframe") == len(done.keyframes)
    assert all(r["video"] == sha for r in rows)
