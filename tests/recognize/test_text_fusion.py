"""Multi-frame fusion in the text stage: a shot's lines are read on several frames of the
same picture and voted, so one blurred keyframe does not lose a line, and each line is
suggested once. Runs the real engines (PP-OCR's detector, Tesseract)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from workbench.case import Case
from workbench.ingest import ingest_file
from workbench.recognize.ocr.fuse import fuse_readings
from workbench.recognize.records import TextHit
from workbench.recognize.stage_text import TextStageParams, run_text_stage
from workbench.synth import draw_text, write_video
from workbench.video.analysis import analyze_keyframes

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Tesseract is not installed (scripts/install does it)"
)
W, H, FPS = 640, 360, 10


def _page() -> np.ndarray:
    img = Image.new("RGB", (W, H), (245, 245, 240))
    draw_text(img, (20, 60), "Stellar Optics SO-9000", 22, fill=(0, 0, 0))
    draw_text(img, (20, 200), "Face search watchlist", 22, fill=(0, 0, 0))
    return np.asarray(img)


def _lines(case: Case) -> list[tuple[int, str, str]]:
    rows = case.conn.execute(
        "SELECT frame_index, text, params FROM observations WHERE kind = 'ocr'"
    )
    return [(r["frame_index"], r["text"], r["params"]) for r in rows.fetchall()]


@pytest.mark.parametrize("engine", ["routed", "tesseract"])
def test_a_blurred_keyframe_loses_no_line_when_frames_are_fused(tmp_path: Path, engine) -> None:
    sharp = _page()
    blurred = cv2.GaussianBlur(sharp, (0, 0), 4.0)
    # the first half second (the keyframe and all its near neighbours) is blurred
    path = tmp_path / "shot.mp4"
    write_video(path, (blurred if i < 5 else sharp for i in range(30)), fps=FPS, crf=16)
    found = {}
    for fuse in (0, 2):
        with Case.init(tmp_path / f"case{fuse}", "Fuse", actor="tester") as case:
            sha = ingest_file(case, path, "tester").video_sha256
            analyze_keyframes(case, sha)
            params = TextStageParams(engine=engine, fuse=fuse)
            run_text_stage(case, sha, params)
            found[fuse] = _lines(case)
    stellar = [r for r in found[2] if "stellar" in r[1].casefold()]
    assert len(stellar) == 1, found[2]  # read on several frames, suggested once
    assert "@" in stellar[0][2]  # every frame's raw reading is kept in params.readings
    assert not any("stellar" in r[1].casefold() for r in found[0]), found[0]  # keyframe only


def test_votes_pick_the_reading_most_frames_agree_on() -> None:
    box = (10, 10, 200, 30)
    per_frame = [
        (0, [TextHit("Stel1ar 0pt1cs", box, 0.6, "e")]),
        (10, [TextHit("Stellar Optics", (12, 11, 201, 31), 0.8, "e")]),
        (20, [TextHit("Stellar Optics", (9, 10, 199, 29), 0.7, "e")]),
        (20, [TextHit("zz", (300, 300, 320, 310), 0.3, "e")]),  # noise on one extra frame
    ]
    fused = fuse_readings(per_frame, key=0)
    assert [h.text for h in fused] == ["Stellar Optics"]
    assert {r[0] for r in fused[0].readings} == {"e@0", "e@10", "e@20"}


def test_fusion_never_reads_a_later_picture_into_a_keyframe(tmp_path: Path) -> None:
    """Two like-looking pages (the shot detector sees no cut): the blurred first page's
    keyframe must not take the second page's line, read a second later."""
    other = np.asarray(Image.new("RGB", (W, H), (245, 245, 240)))
    other = other.copy()
    img = Image.fromarray(other)
    draw_text(img, (20, 60), "Hikvision DS-2CD", 22, fill=(0, 0, 0))
    blurred = cv2.GaussianBlur(_page(), (0, 0), 4.0)
    path = tmp_path / "cut.mp4"
    write_video(path, (blurred if i < 5 else np.asarray(img) for i in range(30)), fps=FPS, crf=16)
    with Case.init(tmp_path / "case", "Cut", actor="tester") as case:
        sha = ingest_file(case, path, "tester").video_sha256
        analyze_keyframes(case, sha)
        run_text_stage(case, sha, TextStageParams(engine="tesseract", fuse=2))
        rows = _lines(case)
    assert any("hikvision" in t.casefold() for _, t, _ in rows), rows
    assert all(i >= 5 for i, t, _ in rows if "hikvision" in t.casefold()), rows
