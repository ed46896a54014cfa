"""OCR engines on generated screens: the evaluation generator, the classical line
detector, screen rectification and the stacked-page Tesseract reading (real Tesseract)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from rapidfuzz import fuzz

from workbench.recognize.evalgen import make_frame, static_clip
from workbench.recognize.ocr import DEFAULT, ENGINES, make_engine
from workbench.recognize.ocr.lines import find_lines
from workbench.recognize.ocr.scripts import fold_lookalikes, repair_scripts
from workbench.recognize.ocr.tesseract import TesseractOcr, installed_languages
from workbench.synth import draw_text

needs_tesseract = pytest.mark.skipif(
    not TesseractOcr.available() or not {"eng", "rus", "kaz"} <= installed_languages(),
    reason="Tesseract with eng+rus+kaz is not installed",
)


def _read_as(gt_text: str, hits) -> bool:
    want = fold_lookalikes(gt_text).casefold()
    return any(fuzz.ratio(want, fold_lookalikes(h.text).casefold()) >= 80 for h in hits)


def test_generator_is_deterministic_and_gives_ground_truth() -> None:
    a, b = make_frame(11, 0.3), make_frame(11, 0.3)
    assert a.rgb.shape == (720, 1280, 3)
    assert hashlib.sha256(a.rgb.tobytes()).digest() == hashlib.sha256(b.rgb.tobytes()).digest()
    assert a.texts == b.texts and len(a.texts) > 10
    assert {t.script for t in a.texts} <= {"latin", "cyrillic", "kazakh"}
    assert any(t.vendor for t in a.texts)  # the title bar names a vendor
    for t in a.texts:
        x0, y0, x1, y1 = t.bbox
        assert -2 <= x0 < x1 <= 1282 and -2 <= y0 < y1 <= 722 and t.height > 3
    assert make_frame(12, 0.3).texts != a.texts


def test_static_clip_ticks_and_changes_once() -> None:
    frames = list(static_clip(5, seconds=2.0, fps=2, severity=0.2))
    clocks = [next(t.text for t in f.texts if t.role == "clock") for f in frames]
    assert clocks[0] == clocks[1] != clocks[2] == clocks[3]
    results = [tuple(t.text for t in f.texts if t.role == "result") for f in frames]
    assert results[0] == results[1] and results[2] == results[3]
    diff = np.abs(frames[0].rgb.astype(int) - frames[1].rgb.astype(int)).mean()
    assert 0 < diff < 6  # camera noise only


def test_repair_scripts_makes_each_word_one_script() -> None:
    assert repair_scripts("Объект: ТРЦ Mега") == "Объект: ТРЦ Мега"
    assert repair_scripts("Hikvisiоn") == "Hikvision"  # Cyrillic о in a Latin word
    assert repair_scripts("Қазақстан Match 87%") == "Қазақстан Match 87%"
    assert fold_lookalikes("САМ") == "CAM"


def test_line_detector_finds_both_polarities() -> None:
    img = Image.new("RGB", (640, 200), (235, 235, 240))
    img.paste((25, 30, 40), (0, 100, 640, 200))
    draw_text(img, (20, 30), "Поиск по лицу", 22, fill=(20, 20, 20))
    draw_text(img, (20, 130), "Live view  Playback", 18, fill=(230, 230, 230))
    gray = np.asarray(img.convert("L"))
    lines = find_lines(gray)
    dark = [ln for ln in lines if ln.dark and ln.box[1] < 100]
    light = [ln for ln in lines if not ln.dark and ln.box[1] >= 100]
    assert dark and light
    assert max(ln.box[2] - ln.box[0] for ln in dark) > 150


def test_import_is_light() -> None:
    code = (
        "import sys, workbench.recognize.ocr as o; o.make_engine('screens+tesseract');"
        "print('torch' in sys.modules or 'easyocr' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr[-500:]
    assert DEFAULT in ENGINES and {"screens+tesseract", "lines+tesseract"} <= set(ENGINES)


@needs_tesseract
def test_screens_engine_reads_a_filmed_screen() -> None:
    frame = make_frame(3, severity=0.1)
    hits = make_engine("screens+tesseract").read(frame.rgb)
    wanted = [t for t in frame.texts if t.height >= 14]
    found = [t for t in wanted if _read_as(t.text, [h for h in hits if _near(h.bbox, t.bbox)])]
    assert len(found) >= 0.8 * len(wanted), [t.text for t in wanted if t not in found]
    assert all(h.quad is not None for h in hits)  # tilted text keeps its quadrilateral


@needs_tesseract
def test_kazakh_letters_survive_on_a_tilted_light_on_dark_line() -> None:
    import cv2

    img = Image.new("RGB", (900, 160), (30, 34, 44))
    draw_text(img, (30, 40), "Қазақстан Республикасы", 34, fill=(230, 230, 235))
    draw_text(img, (30, 100), "Бет бойынша іздеу", 26, fill=(230, 230, 235))
    rot = cv2.getRotationMatrix2D((450, 80), 6, 1.0)
    rgb = cv2.warpAffine(np.asarray(img), rot, (900, 160), borderMode=cv2.BORDER_REPLICATE)
    text = " ".join(h.text for h in make_engine("lines+tesseract").read(rgb))
    assert "Қазақстан" in text and "Республикасы" in text, text
    assert "іздеу" in text, text


def _near(a, b) -> bool:
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] - 6 <= cx <= b[2] + 6 and b[1] - 6 <= cy <= b[3] + 6
