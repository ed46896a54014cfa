"""A logo's words as a second witness, for candidates that keypoints alone cannot verify.

Small, blurred, moiré-striped or sheared logos often give two or three good keypoint
matches: enough for a pose vote, too few for a homography. Such a candidate is aligned
on pixels from its voted pose (ECC, geometry.align) and then believed only if

* the frame inside the aligned quad looks like the reference (geometry.appearance), and
* the words printed in the reference (read once per reference, lazily) are read again,
  at the same place, in the frame.

Appearance alone cannot tell "Kalzed" from "Gardor" under the same kind of icon (blurred
word blobs of the same length correlate); a word read in the right place can. A
reference without a readable word (three letters or more) never takes this path.

The reader is anything with `detect(rgb) -> quads` and `recognise(crops) -> (text,
score)` (the PP-OCR engine of workbench.recognize.ocr by default).
"""

from __future__ import annotations

import threading
from difflib import SequenceMatcher
from typing import Protocol

import cv2
import numpy as np

MIN_WORD_CHARS = 3  # letters and digits a reference word needs to be a witness
MIN_REFERENCE_SCORE = 0.8  # the reader's confidence in a reference word
REFERENCE_DETECT_SIDE = 256  # px: the shorter side the text detector sees a reference at


class Reader(Protocol):
    def detect(self, image: np.ndarray) -> list[np.ndarray]: ...

    def recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float]]: ...

    def version(self) -> str: ...


def normalise(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def similarity(read: str, word: str) -> float:
    """0..1: how well every word of `word` (three letters or more) is found in `read`.

    Each word is compared with the best-matching stretch of `read` (difflib ratio, letters
    and digits only, case ignored, spaces and stray signs around it not counted), and the
    worst word counts: "Polwen Secure" does not confirm "Holren Secure" for sharing
    "Secure"."""
    text = normalise(read)
    parts = [normalise(p) for p in word.split()]
    parts = [p for p in parts if len(p) >= MIN_WORD_CHARS] or [normalise(word)]
    if not text or not parts[0]:
        return 0.0
    return min(_best_stretch(text, p) for p in parts)


def _best_stretch(text: str, part: str) -> float:
    best = 0.0
    for size in {max(1, len(part) - 1), len(part), len(part) + 1}:
        for start in range(max(1, len(text) - size + 1)):
            best = max(best, SequenceMatcher(None, text[start : start + size], part).ratio())
    return best


def default_reader() -> Reader | None:
    """The PP-OCR engine, or None when it is not installed (the word check is then off)."""
    try:
        from workbench.recognize.ocr.base import OcrUnavailable
        from workbench.recognize.ocr.ppocr import PpOcr, PpParams
    except ImportError:  # pragma: no cover - the OCR package is part of the workbench
        return None
    try:  # references are described 320 px wide: no need to detect on a 960 px copy
        return PpOcr(PpParams(det_side=REFERENCE_DETECT_SIDE))
    except OcrUnavailable:
        return None


def _crop(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    from workbench.recognize.ocr.ppocr import crop_quad

    crop = crop_quad(image, quad)
    return np.dstack([crop] * 3) if crop.ndim == 2 else crop


class WordCheck:
    """The words of each reference (read on first use) and their reading in a frame."""

    def __init__(self, reader: Reader, references: list[np.ndarray]) -> None:
        """`references`: each reference in grey as the index describes it (index.grays)."""
        self.reader = reader
        self._grays = references
        self._words: dict[int, list[tuple[str, np.ndarray]]] = {}
        self._lock = threading.Lock()

    def version(self) -> str:
        return f"words read by {self.reader.version()}"

    def words(self, ref: int) -> list[tuple[str, np.ndarray]]:
        """(word, quad in the reference's described px) for each word the reader is sure of."""
        with self._lock:
            if ref not in self._words:
                self._words[ref] = self._read_reference(self._grays[ref])
            return self._words[ref]

    def _read_reference(self, gray: np.ndarray) -> list[tuple[str, np.ndarray]]:
        # a white border: words that touch the edge of a tight crop are found too
        pad = max(8, gray.shape[0] // 8)
        big = cv2.copyMakeBorder(gray, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
        rgb = np.dstack([big] * 3)
        quads = self.reader.detect(rgb)
        reads = self.reader.recognise([_crop(rgb, q) for q in quads])
        out = []
        for quad, (text, score) in zip(quads, reads, strict=True):
            if len(normalise(text)) >= MIN_WORD_CHARS and score >= MIN_REFERENCE_SCORE:
                out.append((text, np.asarray(quad, np.float32) - pad))
        return out

    def confirm(self, frame_gray: np.ndarray, ref: int, h_mat: np.ndarray) -> float:
        """How well the reference's words are read where `h_mat` (reference -> frame px)
        puts them: the mean similarity, weighted by word length; 0 without words."""
        words = self.words(ref)
        if not words:
            return 0.0
        crops, weights = [], []
        height, width = frame_gray.shape[:2]
        for text, quad in words:
            q = cv2.perspectiveTransform(quad.reshape(1, -1, 2), h_mat)[0]
            if not np.all(np.isfinite(q)) or q[:, 0].max() < 0 or q[:, 1].max() < 0:
                return 0.0
            if q[:, 0].min() >= width or q[:, 1].min() >= height:
                return 0.0
            crops.append(_crop(frame_gray, q))
            weights.append(len(normalise(text)))
        with self._lock:  # one reading at a time: match_many runs frames in threads
            reads = self.reader.recognise(crops)
        sims = [similarity(t, w) for (t, _), (w, _) in zip(reads, words, strict=True)]
        return float(np.average(sims, weights=weights))
