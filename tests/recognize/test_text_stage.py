"""The text stage end to end on generated footage: OCR on keyframes with Tesseract,
vendor, capability and interface suggestions, incremental reading, resume, review."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.helpers import run_cli
from workbench.case import Case
from workbench.case.observations import query
from workbench.ingest import ingest_file
from workbench.recognize.stage_text import TextStageParams, run_text_stage
from workbench.synth import draw_text, write_video
from workbench.video.analysis import analyze_keyframes

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Tesseract is not installed (scripts/install does it)"
)
W, H, FPS = 640, 360, 10


def _screen(i: int, changed: bool) -> np.ndarray:
    img = Image.new("RGB", (W, H), (28, 30, 40))
    draw = ImageDraw.Draw(img)
    draw_text(img, (12, 8), "HIKVISION HikCentral", 24)
    draw_text(img, (20, 80), "Поиск по лицу", 22)
    draw_text(img, (20, 130), "Список наблюдения: Категория B", 20)
    if changed:  # a result panel opens
        draw.rectangle([330, 190, 630, 350], fill=(235, 235, 240))
        draw_text(img, (345, 300), "Совпадение 91%", 22, fill=(10, 10, 10))
    draw.ellipse([200 + i % 5, 250, 230 + i % 5, 280], fill=(120, 120, 120))  # camera noise
    return np.asarray(img)


def _brochure() -> np.ndarray:
    img = Image.new("RGB", (W, H), (245, 245, 240))
    draw_text(img, (20, 40), "ТОО «Далакент Демо Системс»", 26, fill=(0, 0, 0))
    draw_text(img, (20, 120), "Stellar Optics SO-9000", 26, fill=(0, 0, 0))
    return np.asarray(img)


def frames() -> Iterator[np.ndarray]:
    for i in range(30):  # a static screen for 3 s; one panel changes at 2 s
        yield _screen(i, changed=i >= 20)
    for _ in range(15):  # hard cut to a brochure page
        yield _brochure()


@pytest.fixture(scope="module")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("text") / "screen.mp4"
    write_video(path, frames(), fps=FPS, gop=10, crf=16)
    return path


@pytest.fixture()
def analysed(tmp_path: Path, footage: Path) -> tuple[Case, str]:
    case = Case.init(tmp_path / "case", "Text stage", actor="tester")
    sha = ingest_file(case, footage, "tester").video_sha256
    analyze_keyframes(case, sha)
    yield case, sha
    case.close()


def test_text_stage_suggests_vendors_capabilities_and_interfaces(analysed) -> None:
    case, sha = analysed
    result = run_text_stage(case, sha)
    obs = query(case.conn)
    assert result.observations == len(obs) > 0
    ocr = [o for o in obs if o.kind == "ocr"]
    texts = " | ".join(o.text or "" for o in ocr)
    assert "HIKVISION" in texts and "Далакент" in texts
    vendors = {o.vendor for o in ocr if o.vendor}
    assert "Hangzhou Hikvision Digital Technology Co., Ltd." in vendors
    assert "Dalakent Demo Systems TOO (fictional)" in vendors
    assert "Stellar Optics Co., Ltd. (fictional)" in vendors
    caps = {o.label for o in obs if o.kind == "capability"}
    assert {"face-search", "watchlist", "match-percentage"} <= caps
    for o in obs:  # provenance on every record
        assert o.status == "suggested" and o.method and o.pixel_sha256
        assert o.video == sha and o.time_s == pytest.approx(o.frame_index / FPS, abs=1e-6)
        x0, y0, x1, y1 = o.bbox
        assert 0 <= x0 < x1 <= W and 0 <= y0 < y1 <= H
    hik = next(o for o in ocr if "HIKVISION" in (o.text or ""))
    assert hik.bbox[1] < 44  # at the top, in the source frame's pixels
    rule = hik.params["vendor_suggestions"][0]
    assert rule["rule"] == "exact" and rule["matched"] in ("HIKVISION", "Hikvision")


def test_a_static_screen_is_read_once_and_only_changes_are_reread(analysed) -> None:
    case, sha = analysed
    incremental = run_text_stage(case, sha)
    whole = run_text_stage(case, sha, TextStageParams(incremental=False))
    assert incremental.pixels_read < whole.pixels_read
    texts = [o.text for o in query(case.conn, kind="ocr") if o.run_key == incremental.run_key]
    assert sum("HIKVISION" in (t or "") for t in texts) == 1, texts  # read once in the shot
    assert any("91%" in (t or "") for t in texts)  # the panel that changed was read


def test_the_stage_is_idempotent_and_resumes_after_a_crash(analysed) -> None:
    case, sha = analysed

    class Crash(Exception):
        pass

    class CrashAfterFirst:
        def __init__(self) -> None:
            self.calls = 0

        def update(self, task: str, completed: float, total: float | None = None) -> None:
            self.calls += 1
            if self.calls == 1:
                raise Crash("killed after the first keyframe")

    with pytest.raises(Crash):
        run_text_stage(case, sha, progress=CrashAfterFirst())
    partial = len(query(case.conn))
    assert partial > 0
    resumed = run_text_stage(case, sha)
    assert resumed.skipped == 1 and resumed.keyframes > 1
    after = query(case.conn)
    again = run_text_stage(case, sha)
    assert again.skipped == again.keyframes and again.observations == 0
    assert len(query(case.conn)) == len(after)
    titles = [o for o in after if o.kind == "ocr" and "HIKVISION" in (o.text or "")]
    assert len(titles) == 1  # not read twice across the crash


def test_review_annotate_and_findings_from_the_cli(analysed) -> None:
    case, sha = analysed
    run_text_stage(case, sha)
    root = case.root
    ids = [o.id for o in query(case.conn, kind="ocr")][:3]
    result = run_cli("review", root, "--confirm", *map(str, ids[:2]), "--by", "ana")
    assert result.exit_code == 0, result.stderr
    result = run_cli("review", root, str(ids[2]), "--reject", "--by", "bo", "--note", "noise")
    assert result.exit_code == 0
    result = run_cli("review", root, "--confirm", "99999", str(ids[0]))
    assert result.exit_code == 1 and "No observation has the id 99999" in result.stderr
    assert query(case.conn, ids=[ids[0]])[0].reviewed_by == "ana"  # all or none

    result = run_cli(
        "annotate",
        root,
        sha[:10],
        "--time",
        "2.05",
        "--box",
        "340,290,200,40",
        "--note",
        "<b>match</b> panel",
        "--tag",
        "face",
        "--by",
        "ana",
    )
    assert result.exit_code == 0, result.stderr
    manual = query(case.conn, kind="manual")[0]
    assert manual.frame_index == 20 and manual.status == "confirmed"
    assert manual.bbox == [340, 290, 540, 330] and manual.text == "<b>match</b> panel"
    bad = run_cli(
        "annotate", root, sha[:10], "--index", "3", "--box", "600,300,100,100", "--note", "x"
    )
    assert bad.exit_code == 1 and "is not inside the 640x360 frame" in bad.stderr

    records = json.loads(run_cli("findings", root, "--format", "json").stdout)
    assert {r["status"] for r in records} == {"suggested", "confirmed", "rejected"}
    keys = {
        "id",
        "video",
        "frame_index",
        "time_s",
        "kind",
        "text",
        "label",
        "vendor",
        "bbox",
        "quad",
        "score",
        "status",
        "method",
    }
    assert all(keys <= r.keys() for r in records)
    csv_text = run_cli("findings", root, "--format", "csv", "--status", "confirmed").stdout
    assert csv_text.splitlines()[0].startswith("id,video,frame_index,time_s,kind,text")
    assert len(csv_text.strip().splitlines()) == 1 + 3
    actions = [r[0] for r in case.conn.execute("SELECT action FROM audit ORDER BY seq")]
    assert actions.count("observation.confirm") == 2
    assert "observation.reject" in actions and "observation.annotate" in actions


def test_a_blurred_keyframe_is_read_from_its_sharpest_neighbour(tmp_path: Path) -> None:
    import cv2

    sharp = np.asarray(_brochure())
    blurred = cv2.GaussianBlur(sharp, (0, 0), 2.2)
    path = tmp_path / "blur.mp4"
    write_video(path, (blurred if i % 2 == 0 else sharp for i in range(20)), fps=FPS, crf=16)
    with Case.init(tmp_path / "case", "Blur", actor="tester") as case:
        sha = ingest_file(case, path, "tester").video_sha256
        analyze_keyframes(case, sha)
        run_text_stage(case, sha, TextStageParams(engine="tesseract"))
        rows = case.conn.execute(
            "SELECT frame_index, text FROM observations WHERE kind = 'ocr'"
        ).fetchall()
    assert rows and all(r["frame_index"] % 2 == 1 for r in rows), [tuple(r) for r in rows]
    assert any("Stellar Optics" in r["text"] for r in rows)
