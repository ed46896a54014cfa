"""The line reader (the project's own Cyrillic/Latin recogniser, ONNX weights shipped in
the package) run for real on lines rendered in a font its training never saw (DejaVu),
small and soft as filmed screens show them, and on bad crops."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from rapidfuzz.distance import Levenshtein

from workbench.recognize.ocr.linereader import MODEL, LineReader, decode, prepare
from workbench.synth import font

pytest.importorskip("onnxruntime")

LINES = [
    "Оператор: Сергеев А.",
    "Поиск по лицу",
    "Журнал событий",
    "Қазақстан Республикасы",
    "Ішкі істер министрлігі",
    "Камера 12 — вход",
    "Face search 14:05:33",
    "Архив 03.12.2026",
]


def _line(text: str, size: int, dark_on_light: bool, scale: float) -> np.ndarray:
    """`text` in DejaVu at `size` px, with the margins a detector leaves, then shrunk by
    `scale` (a camera's resolution) and blurred a little."""
    import cv2

    face = font(size)
    x0, y0, x1, y1 = face.getbbox(text)
    pad = size // 2
    bg, fg = ((235, 235, 230), (20, 20, 30)) if dark_on_light else ((25, 30, 45), (225, 230, 235))
    img = Image.new("RGB", (x1 - x0 + 2 * pad, y1 - y0 + pad), bg)
    ImageDraw.Draw(img).text((pad - x0, pad // 2 - y0), text, font=face, fill=fg)
    arr = np.asarray(img)
    small = cv2.resize(arr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (0, 0), 0.5)


@pytest.fixture(scope="module")
def reader() -> LineReader:
    return LineReader(gpu=False)


def test_the_weights_ship_in_the_package_with_their_letters(reader) -> None:
    assert MODEL.is_file() and MODEL.stat().st_size < 8_000_000
    for letter in "әғқңөұүһіЁёЖжЩщ№":
        assert letter in reader.charset
    assert "line reader" in reader.version() and "cpu" in reader.version()


@pytest.mark.parametrize("dark_on_light", [True, False])
def test_small_cyrillic_kazakh_and_latin_lines_in_an_unseen_font(reader, dark_on_light) -> None:
    # 26 px rendered, then a camera at 0.5: text about 12-13 px high, the hard band
    crops = [_line(t, 26, dark_on_light, 0.5) for t in LINES]
    assert all(10 <= c.shape[0] <= 24 for c in crops)
    reads = reader.read(crops)
    errors = sum(
        Levenshtein.distance(got, want) for (got, _), want in zip(reads, LINES, strict=True)
    )
    chars = sum(len(t) for t in LINES)
    exact = sum(got == want for (got, _), want in zip(reads, LINES, strict=True))
    assert errors / chars < 0.03, reads
    assert exact >= 6, reads
    assert all(0.0 < conf <= 1.0 for _, conf in reads)


def test_larger_lines_read_the_same_alone_or_with_others(reader) -> None:
    crops = [_line(t, 40, True, 0.9) for t in LINES]
    alone = [reader.read([c])[0] for c in crops]
    together = reader.read(crops)
    assert [t for t, _ in alone] == [t for t, _ in together]
    assert [round(c, 3) for _, c in alone] == [round(c, 3) for _, c in together]
    assert sum(got == want for (got, _), want in zip(together, LINES, strict=True)) >= 7, together


def test_bad_crops_give_nothing_or_unsure_text_and_no_error(reader) -> None:
    assert reader.read([]) == []
    blank = np.full((20, 200, 3), 128, np.uint8)
    tiny = np.zeros((1, 1, 3), np.uint8)
    noise = np.random.default_rng(0).integers(0, 256, (24, 300, 3), dtype=np.uint8)
    wide = np.tile(_line("Поиск по лицу ", 20, True, 1.0), (1, 30, 1))  # > MAX_WIDTH scaled
    gray = _line("Журнал событий", 26, True, 0.5)[:, :, 0].astype(np.float64)
    reads = reader.read([blank, tiny, noise, wide, gray])
    assert reads[0][0] == "" or reads[0][1] < 0.5
    assert reads[1][0] == "" or reads[1][1] < 0.5
    assert reads[2][1] < 0.6, reads[2]
    assert isinstance(reads[3][0], str)
    assert Levenshtein.distance(reads[4][0], "Журнал событий") <= 2, reads[4]


def test_prepare_and_decode() -> None:
    light = _line("Поиск", 30, True, 1.0)
    dark = _line("Поиск", 30, False, 1.0)
    a, b = prepare(light), prepare(dark)
    assert a.shape[0] == 32 and a.dtype == np.float32 and -1.0 <= a.min() < a.max() <= 1.0
    assert np.median(a) > 0.5 and np.median(b) > 0.5  # both dark on light for the network
    probs = np.full((7, 4), 0.01, np.float32)  # blank, a, b, c
    for t, c in enumerate([1, 1, 0, 1, 2, 0, 0]):
        probs[t, c] = 0.97
    text, conf = decode(probs, "abc")
    assert text == "aab" and conf == pytest.approx(0.97 * 0.97**0.25, abs=1e-6)
    assert decode(np.eye(4, dtype=np.float32)[[0, 0]], "abc") == ("", 0.0)
