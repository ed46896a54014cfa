"""The learned detector and the script-routed recognisers, run for real: PP-OCR (ONNX
weights shipped in the rapidocr wheel) and Tesseract, on rendered Latin, Cyrillic,
Kazakh and Chinese lines and on a real photograph of a printed page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz import fuzz

from workbench.recognize.ocr import make_engine
from workbench.recognize.ocr.scripts import fold_lookalikes
from workbench.recognize.ocr.tesseract import TesseractOcr, installed_languages
from workbench.recognize.vendors import VendorResolver, load_registry

pytest.importorskip("rapidocr")
pytestmark = pytest.mark.skipif(
    not TesseractOcr.available() or not {"eng", "rus", "kaz"} <= installed_languages(),
    reason="Tesseract with eng+rus+kaz is not installed",
)
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
LINES = [  # (text, script, size, top-left)
    ("HIKVISION HikCentral", "latin", 26, (20, 14)),
    ("Поиск по лицу", "cyrillic", 24, (20, 80)),
    ("Қазақстан Республикасы Ішкі істер министрлігі", "kazakh", 20, (20, 140)),
    ("Stellar Optics SO-9000", "latin", 16, (640, 210)),
    ("海康威视 监控中心", "chinese", 28, (20, 280)),
]


def _font(size: int, script: str):
    if script == "chinese":
        return ImageFont.truetype(str(CJK_FONT), size)
    from workbench.synth import font

    return font(size)


@pytest.fixture(scope="module")
def screen() -> np.ndarray:
    img = Image.new("RGB", (1280, 360), (28, 30, 40))
    draw = ImageDraw.Draw(img)
    draw.rectangle([620, 190, 1000, 250], fill=(235, 235, 240))
    for text, script, size, xy in LINES:
        dark = xy[0] >= 620
        draw.text(
            xy, text, font=_font(size, script), fill=(15, 15, 20) if dark else (230, 230, 235)
        )
    return np.asarray(img)


@pytest.fixture(scope="module")
def routed():
    return make_engine("routed")


def _found(text: str, hits, threshold: int = 85):
    want = fold_lookalikes(text).casefold()
    scored = [(fuzz.ratio(want, fold_lookalikes(h.text).casefold()), h) for h in hits]
    best = max(scored, key=lambda s: s[0], default=(0, None))
    return best[1] if best[0] >= threshold else None


@pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-wqy-zenhei is not installed")
def test_each_script_goes_to_its_recogniser_and_every_reading_is_kept(screen, routed) -> None:
    hits = routed.read(screen)
    for text, script, _, _ in LINES:
        hit = _found(text, hits)
        assert hit is not None, (text, [h.text for h in hits])
        engines = {e for e, _, _ in hit.readings}
        assert engines == {"ppocr", "tesseract", "reader"}
        chosen = {e for e, t, _ in hit.readings if t == hit.text}
        if script in ("cyrillic", "kazakh"):  # PP-OCR has no Cyrillic letters
            assert chosen & {"tesseract", "reader"} and "ppocr" not in chosen, hit
        else:
            assert "ppocr" in chosen, hit
    kazakh = _found(LINES[2][0], hits)
    assert "Қазақстан" in kazakh.text and "ішкі" in kazakh.text.casefold()
    chinese = _found(LINES[4][0], hits)
    vendors = VendorResolver(load_registry()).resolve(chinese.text)
    assert vendors and vendors[0].vendor.startswith("Hangzhou Hikvision")


# Ground truth written by looking at scikit-image's `page.png` (a photograph of a book page)
PAGE = [
    "Region-based segmentation",
    "Let us first determine markers of the coins and the",
    "background. These markers are pixels that we can label",
    "unambiguously as either object or background. Here,",
    "the markers are found at the two extreme parts of the",
    "histogram of grey values:",
]


def test_a_real_photograph_of_a_page_is_read() -> None:
    skimage = pytest.importorskip("skimage.data")
    gray = skimage.page()
    rgb = np.dstack([gray] * 3)
    hits = make_engine("ppocr").read(rgb)
    read = [line for line in PAGE if _found(line, hits, 85)]
    assert len(read) >= 5, [h.text for h in hits]
    for h in hits:
        x0, y0, x1, y1 = h.bbox
        assert 0 <= x0 < x1 <= rgb.shape[1] + 2 and 0 <= y0 < y1 <= rgb.shape[0] + 2


def test_the_ppocr_weights_come_from_the_installed_wheel() -> None:
    import rapidocr

    from workbench.recognize.ocr.ppocr import MODELS

    folder = Path(rapidocr.__file__).parent / "models"
    assert all((folder / m).is_file() for m in MODELS)
    engine = make_engine("ppocr")
    assert "PP-OCRv6" in engine.version()
    assert engine.read(np.zeros((4, 4, 3), np.uint8)) == []  # too small: nothing, no error
    assert engine.read(np.full((200, 300, 3), 255, np.uint8)) == []  # blank: nothing


def test_generator_b_is_deterministic_and_its_truth_lies_in_the_frame() -> None:
    import hashlib

    from workbench.recognize.evalgen.second import LAYOUTS, fonts_installed, make_frame_b

    if not fonts_installed():
        pytest.skip("fonts-noto-core, fonts-liberation, fonts-wqy-zenhei are not installed")
    scripts = set()
    for k, layout in enumerate(LAYOUTS):
        a, b = make_frame_b(k, 0.5, layout), make_frame_b(k, 0.5, layout)
        assert a.rgb.shape == (720, 1280, 3) and a.texts == b.texts and a.texts
        assert hashlib.sha256(a.rgb).digest() == hashlib.sha256(b.rgb).digest()
        for t in a.texts:
            x0, y0, x1, y1 = t.bbox
            assert 0 <= x0 < x1 <= 1280 and 0 <= y0 < y1 <= 720 and t.height > 1
        scripts |= {t.script for t in a.texts}
    assert len(scripts) >= 3, scripts
    assert "h264_kbps" in make_frame_b(1, 1.0).params


@pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-wqy-zenhei is not installed")
def test_the_text_stage_keeps_every_reading_and_resolves_a_chinese_vendor(tmp_path: Path) -> None:
    import json

    from workbench.case import Case
    from workbench.ingest import ingest_file
    from workbench.recognize.stage_text import TextStageParams, run_text_stage
    from workbench.synth import write_video
    from workbench.video.analysis import analyze_keyframes

    img = Image.new("RGB", (640, 360), (240, 240, 236))
    draw = ImageDraw.Draw(img)
    draw.text((30, 40), "欢迎使用海康威视", font=_font(34, "chinese"), fill=(10, 10, 10))
    draw.text((30, 140), "Поиск по лицу", font=_font(30, "cyrillic"), fill=(10, 10, 10))
    frame = np.asarray(img)
    clip = tmp_path / "cn.mp4"
    write_video(clip, (frame for _ in range(10)), fps=10, gop=10, crf=16)
    with Case.init(tmp_path / "case", "Chinese vendor", actor="tester") as case:
        sha = ingest_file(case, clip, "tester").video_sha256
        analyze_keyframes(case, sha)
        run_text_stage(case, sha, TextStageParams(engine="routed"))
        rows = case.conn.execute(
            "SELECT text, vendor, params, method FROM observations WHERE kind = 'ocr'"
        ).fetchall()
    by_text = {r["text"]: r for r in rows}
    chinese = next(r for t, r in by_text.items() if "海康威视" in t)
    assert chinese["vendor"].startswith("Hangzhou Hikvision")
    assert chinese["method"].startswith("routed[")
    readings = json.loads(chinese["params"])["readings"]
    assert {r["engine"] for r in readings} == {"ppocr", "tesseract", "reader"}
    assert any(fuzz.ratio("поиск по лицу", t.casefold()) >= 80 for t in by_text), list(by_text)


def test_the_line_reader_also_reads_a_tighter_box_of_each_line() -> None:
    from workbench.recognize.ocr.routed import lower

    quad = np.array([[10, 20], [110, 20], [110, 60], [10, 60]], np.float32)
    assert lower(quad, 0.1).tolist() == [[10, 24], [110, 24], [110, 56], [10, 56]]
    turned = np.array([[0, 0], [100, 10], [96, 50], [-4, 40]], np.float32)  # leaning
    low = lower(turned, 0.25)
    assert np.allclose(low[0], [-1, 10]) and np.allclose(low[2], [97, 40])
    assert np.allclose(lower(turned, 0.0), turned)


def test_a_short_cyrillic_reading_only_tesseract_makes_is_dropped(routed) -> None:
    words: frozenset[str] = frozenset()
    # foliage on a real photograph: Tesseract "ж" at 0.95, the others read something else
    assert routed.choose(("E", 0.17), ("ж", 0.95), words, ("«", 0.5)) == ("", 0.0)
    assert routed.choose(("", 0.0), ("км", 0.91), words, ("мр", 0.22)) == ("", 0.0)
    # a real word, or a short one another engine confirms, stays
    assert routed.choose(("D", 0.3), ("Архив", 0.8), words, ("1а", 0.22)) == ("Архив", 0.8)
    assert routed.choose(("", 0.0), ("Да", 0.9), words, ("Да", 0.7))[0] == "Да"
