"""The logo matcher's second witness: a candidate too weak for a homography is believed
only when the reference's own words are read at the same place (logos/words.py).

Logos here are drawn by the test (a ring and a word in DejaVu Sans), not by synthlogos;
the real PP-OCR engine reads them and real OpenCV aligns them. To make the keypoint path
fail on purpose, these matchers ask for more RANSAC inliers than a logo has."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from workbench.recognize import synthlogos as synth
from workbench.recognize.logos import LogoLibrary, LogoMatcher, MatchParams
from workbench.recognize.logos.words import WordCheck, default_reader, normalise, similarity

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
NO_HOMOGRAPHY = {"min_inliers": 10_000, "refine": False}  # no candidate can verify by keypoints


def draw_logo(word: str) -> np.ndarray:
    """A ring with a tick and a word on a pale label, 360 x 120."""
    img = Image.new("RGB", (360, 120), (226, 236, 242))
    d = ImageDraw.Draw(img)
    d.rectangle([1, 1, 358, 118], outline=(40, 60, 90), width=3)
    d.ellipse([18, 18, 102, 102], outline=(20, 90, 140), width=10)
    d.polygon([(50, 40), (80, 60), (50, 80)], fill=(200, 80, 30))
    d.text((118, 30), word, font=ImageFont.truetype(FONT, 50), fill=(20, 40, 70))
    return np.asarray(img)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> LogoLibrary:
    folder = tmp_path_factory.mktemp("wordlogos")
    for word in ("Vortel", "Kimsar"):  # the same ring, other words: lookalikes
        Image.fromarray(draw_logo(word)).save(folder / f"{word.lower()}.png")
    return LogoLibrary.load(folder)


def frame_with(word: str, seed: int = 3) -> tuple[np.ndarray, tuple[float, ...]]:
    place = synth.Placement(width=220, center=(700, 330), rotation=6, perspective=0.12,
                            blur=0.8, noise=3, seed=seed)  # fmt: skip
    frame, quad = synth.paste_logo(synth.render_scene(11), draw_logo(word), place)
    return frame, (*quad.min(0), *quad.max(0))


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - iw * ih
    return iw * ih / union


def test_a_reference_word_is_read_once_where_it_is_printed(library: LogoLibrary) -> None:
    reader = default_reader()
    assert reader is not None
    matcher = LogoMatcher(library, MatchParams(), reader=reader)
    assert matcher.words is not None
    ref = matcher.index.labels.index("vortel")
    words = matcher.words.words(ref)
    assert [normalise(w) for w, _ in words] == ["vortel"]  # the reader may not keep case
    quad = words[0][1]
    w, h = matcher.index.sizes[ref]
    assert quad.min() > -5 and quad[:, 0].max() < w + 5 and quad[:, 1].max() < h + 5
    centre = (float(w) * 200 / 360, float(h) * 0.5)  # where draw_logo writes the word
    assert cv2.pointPolygonTest(quad.astype(np.float32), centre, False) > 0
    assert matcher.words.words(ref) is words  # read once
    assert "words read by PP-OCRv6" in matcher.method


def test_similarity_ignores_case_and_signs_and_asks_every_word() -> None:
    assert similarity("VORTEL.", "Vortel") == 1.0
    assert 0.8 < similarity("Vorte1", "Vortel") < 1.0  # one letter misread
    assert similarity("@Vortel", "Vortel") == 1.0  # a stray sign read off the icon
    assert similarity("Polwen Secure", "Holren Secure") < 0.8  # the worst word counts
    assert similarity("", "Vortel") == 0.0
    assert similarity("Kimsar", "Vortel") < 0.5


def test_a_logo_keypoints_cannot_verify_is_confirmed_by_its_word(library: LogoLibrary) -> None:
    frame, box = frame_with("Vortel")
    without = LogoMatcher(library, MatchParams(word_checks=0, **NO_HOMOGRAPHY))
    assert without.match(frame) == []
    found = LogoMatcher(library, MatchParams(**NO_HOMOGRAPHY)).match(frame)
    assert [m.label for m in found] == ["vortel"], [(m.label, m.score) for m in found]
    m = found[0]
    assert iou(m.bbox, box) >= 0.7
    assert m.details["word"] >= 0.8 and m.score >= 0.5
    assert m.inliers == 0 and m.details["matches"] >= 2  # no RANSAC: the pose votes
    assert 0.6 <= m.details["look"] <= 1.0


def test_the_same_ring_with_another_word_is_not_confirmed(library: LogoLibrary) -> None:
    matcher = LogoMatcher(library, MatchParams(**NO_HOMOGRAPHY))
    frame, _ = frame_with("Merdex")  # not in the library, same ring as both references
    assert matcher.match(frame) == []
    frame, box = frame_with("Kimsar")
    assert [(m.label, iou(m.bbox, box) >= 0.7) for m in matcher.match(frame)] == [("kimsar", True)]


def test_confirm_reads_the_word_under_the_given_homography(library: LogoLibrary) -> None:
    reader = default_reader()
    assert reader is not None
    index = LogoMatcher(library, MatchParams(word_checks=0)).index
    check = WordCheck(reader, index.grays)
    ref = index.labels.index("vortel")
    w, h = index.sizes[ref]
    gray = cv2.cvtColor(cv2.resize(draw_logo("Vortel"), (int(w), int(h))), cv2.COLOR_RGB2GRAY)
    page = np.full((400, 600), 255, np.uint8)
    page[100 : 100 + int(h), 150 : 150 + int(w)] = gray
    there = np.array([[1, 0, 150], [0, 1, 100], [0, 0, 1]], np.float64)
    assert check.confirm(page, ref, there) == 1.0
    elsewhere = np.array([[1, 0, 150], [0, 1, 250], [0, 0, 1]], np.float64)  # blank paper
    assert check.confirm(page, ref, elsewhere) < 0.5
    gone = np.array([[1, 0, 5000], [0, 1, 100], [0, 0, 1]], np.float64)  # off the frame
    assert check.confirm(page, ref, gone) == 0.0


def test_a_library_without_words_never_takes_the_word_path(tmp_path: Path) -> None:
    img = Image.new("RGB", (300, 300), (240, 240, 240))
    ImageDraw.Draw(img).ellipse([40, 40, 260, 260], outline=(20, 90, 140), width=24)
    img.save(tmp_path / "ring.png")
    matcher = LogoMatcher(LogoLibrary.load(tmp_path), MatchParams(**NO_HOMOGRAPHY))
    assert matcher.words is not None and matcher.words.words(0) == []
    place = synth.Placement(width=200, center=(640, 360), seed=2)
    frame, _ = synth.paste_logo(synth.render_scene(5), np.asarray(img), place)
    assert matcher.match(frame) == []


def test_two_threads_confirm_the_same_as_one(library: LogoLibrary) -> None:
    matcher = LogoMatcher(library, MatchParams(**NO_HOMOGRAPHY))
    frames = [frame_with("Vortel", seed=s)[0] for s in (3, 4)] * 2
    alone = [matcher.match(f) for f in frames]
    assert all(m and m[0].label == "vortel" for m in alone)
    assert list(matcher.match_many(frames, workers=2)) == alone
