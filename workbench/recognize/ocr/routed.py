"""`routed`: a learned detector finds the lines; each line goes to the recogniser of its
script, and where readings disagree confidence, agreement and the lexicon decide.

PP-OCR's detector finds text lines in the frame. Every line is read three times: by
PP-OCR's recogniser (Latin, digits, Chinese) on the batch of line crops, by Tesseract
(eng+rus+kaz, the only offline Kazakh model from a package) on one page that stacks all
crops, so one Tesseract call per frame, and by the project's line reader (`linereader.py`:
Cyrillic, Kazakh, Latin, trained for filmed screen text). Per line: Chinese from PP-OCR;
Cyrillic (the line reader or Tesseract reads letters that only Cyrillic has) from the line
reader or Tesseract, by confidence plus the lexicon plus the agreement of the other
engines; Latin from PP-OCR or Tesseract the same way, a reading no other engine confirms
kept only when sure. Every reading stays in the hit's `readings`, and so in the
observation's provenance. `routed-tesseract` is the same without the line reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import cv2
import numpy as np
from rapidfuzz import fuzz

from workbench.recognize.ocr.base import OcrEngine
from workbench.recognize.ocr.ppocr import PpOcr, PpParams, crop_quad, make_hit
from workbench.recognize.ocr.scripts import CYR_TO_LAT, fold_lookalikes, repair_scripts
from workbench.recognize.ocr.tesseract import TesseractOcr
from workbench.recognize.records import TextHit

if TYPE_CHECKING:
    from workbench.recognize.ocr.linereader import LineReader

_TOKEN = re.compile(r"[^\W_]{3,}")


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def cyrillic_share(text: str) -> float:
    """Share of Cyrillic letters (look-alikes included) among the letters of `text`: how
    Tesseract, reading with its Cyrillic and Latin models at once, scripted the line."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum("\u0400" <= ch <= "\u04ff" for ch in letters) / len(letters) if letters else 0.0


def script_shares(text: str) -> tuple[float, float, float]:
    """Shares of (Cyrillic-only, Latin, CJK) among the letters of `text`; Cyrillic
    look-alikes of Latin letters count as Latin."""
    cyr = lat = cjk = 0
    for ch in text:
        if is_cjk(ch):
            cjk += 1
        elif "\u0400" <= ch <= "\u04ff" and ch not in CYR_TO_LAT:
            cyr += 1
        elif ch.isalpha():
            lat += 1
    total = max(1, cyr + lat + cjk)
    return cyr / total, lat / total, cjk / total


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """Case-folded words (3+ letters) a reader expects here: vendor names and aliases,
    product names, interface strings, capability words."""
    from workbench.recognize.capabilities import load_capabilities
    from workbench.recognize.interfaces import load_signatures
    from workbench.recognize.vendors import load_registry

    texts: list[str] = []
    for entry in load_registry():
        texts += [t for t, _ in entry.names()]
    for sig in load_signatures():
        texts += [s for s, _ in sig.strings]
    for cap in load_capabilities():
        texts += [w for pat in cap.patterns for w in re.findall(r"[^\W\d_]{3,}", pat.pattern)]
    return frozenset(w.casefold() for t in texts for w in _TOKEN.findall(t))


def lexicon_share(text: str, words: frozenset[str]) -> float:
    """Share of the text's words in the lexicon (Chinese: 1 when a lexicon word is in it,
    as Chinese has no spaces)."""
    if any(is_cjk(ch) for ch in text):
        return float(any(w in text for w in words if w and is_cjk(w[0])))
    tokens = [t.casefold() for t in _TOKEN.findall(text)]
    return sum(t in words for t in tokens) / len(tokens) if tokens else 0.0


@dataclass(frozen=True)
class RouteParams:
    page_height: int = 36  # text-line height on the stacked Tesseract page
    cyrillic: float = 0.5  # share of Cyrillic letters in Tesseract's reading: a Cyrillic line
    min_tess: float = 0.35  # Tesseract readings below this confidence are not chosen
    lexicon_weight: float = 0.3
    min_score: float = 0.5
    classical: bool = True  # add the classical line finder's lines the detector missed
    classical_score: float = 0.85  # ... kept only when read with this confidence,
    classical_confirmed: bool = True  # ... or when two engines read it the same
    sure: float = 0.9  # a PP-OCR reading this confident is Latin whatever Tesseract says
    alone: float = 0.75  # a PP-OCR reading that Tesseract does not confirm needs this
    line_reader: bool = True  # read every line with the project's line reader too
    reader_cyrillic: float = 0.3  # a line reader's Cyrillic reading this sure makes a line Cyrillic
    # ... and is kept unconfirmed from this confidence on (on rendered held-out lines, its
    # readings from 0.6 on are right 9 times in 10: training/README.md)
    reader_alone: float = 0.6
    # the line reader also reads each line with its box made this much lower at top and
    # bottom (shares of its height), and its most confident reading is kept: the
    # detector's boxes are loose, and a tighter crop gives small text more of the
    # reader's 32 px (bench: A Cyrillic >= 10 px read 0.72 -> 0.78, seed 2000)
    reader_shrinks: tuple[float, ...] = (0.08, 0.16)
    # an unconfirmed Tesseract Cyrillic reading needs this many letters or digits (real
    # photographs: foliage and bricks read "ж", "км" at 0.9; real precision 0.88 -> 0.91)
    tess_alone_letters: int = 3


def lower(quad: np.ndarray, share: float) -> np.ndarray:
    """The quad with its top and bottom edges each moved `share` of its height inwards."""
    q = np.asarray(quad, np.float32)
    top, bottom = q[[0, 1]], q[[3, 2]]
    step = (bottom - top) * share
    return np.array([top[0] + step[0], top[1] + step[1], bottom[1] - step[1],
                     bottom[0] - step[0]], np.float32)  # fmt: skip


def read_stacked(
    tess: TesseractOcr, crops: list[np.ndarray], height: int
) -> list[tuple[str, float]]:
    """Each crop scaled to `height`, dark on light, stacked on one page that Tesseract
    reads in one call: (text, mean word confidence) per crop."""
    from workbench.recognize.ocr.prep import is_light_on_dark, stretch

    gap, margin = height // 2, 16
    rows, tops, y = [], [], gap
    for crop in crops:
        gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
        scale = height / max(1, gray.shape[0])
        width = max(4, min(4000, int(gray.shape[1] * scale)))
        line = cv2.resize(gray, (width, height), interpolation=cv2.INTER_CUBIC)
        if is_light_on_dark(line):
            line = 255 - line
        rows.append(stretch(line, (3, 97)).astype(np.uint8))
        tops.append(y)
        y += height + gap
    if not rows:
        return []
    page = np.full((y, max(r.shape[1] for r in rows) + 2 * margin), 255, np.uint8)
    for row, top in zip(rows, tops, strict=True):
        page[top : top + height, margin : margin + row.shape[1]] = row
    per_row: list[list] = [[] for _ in rows]
    for word in tess.words(page, 6):
        cy = (word.box[1] + word.box[3]) / 2
        k = int(np.searchsorted(np.array(tops) - gap / 2, cy, side="right")) - 1
        if 0 <= k < len(rows):
            per_row[k].append(word)
    out = []
    for words in per_row:
        words.sort(key=lambda w: w.box[0])
        text = repair_scripts(" ".join(w.text for w in words))
        chars = sum(len(w.text) for w in words)
        conf = sum(w.conf * len(w.text) for w in words) / chars if chars else 0.0
        out.append((text, conf))
    return out


def missed_lines(image: np.ndarray, quads: list[np.ndarray]) -> list[np.ndarray]:
    """Lines of the classical finder (`lines.find_lines`) that no detected quad covers, as
    rotated quads with a margin: small filmed Cyrillic text the learned detector misses."""
    from workbench.recognize.ocr.lines import find_lines

    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    covered = np.zeros(gray.shape, np.uint8)
    for q in quads:
        cv2.fillPoly(covered, [q.astype(np.int32)], 1)
    out = []
    for line in find_lines(gray):
        x0, y0, x1, y1 = line.box
        if line.height < 7 or covered[y0:y1, x0:x1].mean() > 0.3:
            continue
        pad = 0.35 * line.height
        rect = (((x0 + x1) / 2, (y0 + y1) / 2), (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), 0.0)
        box = cv2.boxPoints(rect)  # bl, tl, tr, br
        out.append(np.array([box[1], box[2], box[3], box[0]], np.float32))
    return out


class RoutedOcr(OcrEngine):
    """PP-OCR detection; per line PP-OCR (Latin, Chinese) or Tesseract (Cyrillic, Kazakh)."""

    name = "routed"
    frame_upscale = False

    def __init__(
        self,
        pp: PpOcr | None = None,
        tess: TesseractOcr | None = None,
        params: RouteParams | None = None,
    ):
        self.pp = pp or PpOcr(PpParams())
        self.tess = tess or TesseractOcr("eng+rus+kaz", psm=6, min_conf=0)
        self.params = params or RouteParams()
        self.reader: LineReader | None = None
        if self.params.line_reader:
            from workbench.recognize.ocr.linereader import LineReader

            self.reader = LineReader(gpu=self.pp.gpu)

    def version(self) -> str:
        p = self.params
        return (
            f"routed[{self.pp.version()} | {self.tess.version()}] h{p.page_height} "
            f"c{p.cyrillic} l{p.lexicon_weight} s{p.sure} a{p.alone}"
            + (" +lines" if p.classical else "")
            + (" confirmed" if p.classical and p.classical_confirmed else "")
            + (
                f" + {self.reader.version()} r{p.reader_cyrillic}/{p.reader_alone}"
                f" s{','.join(str(v) for v in p.reader_shrinks)} t{p.tess_alone_letters}"
                if self.reader
                else ""
            )
        )

    def read(self, image: np.ndarray) -> list[TextHit]:
        quads = self.pp.detect(image)
        learned = len(quads)
        if self.params.classical:
            quads += missed_lines(image, quads)
        crops = [crop_quad(image, q) for q in quads]
        pp_reads = self.pp.recognise(crops)
        tess_reads = read_stacked(self.tess, crops, self.params.page_height)
        lr_reads = self._read_lines(image, quads, crops) if self.reader else [None] * len(crops)
        engine, words = self.version(), lexicon()
        hits = []
        for k, (quad, pp, ts, lr) in enumerate(
            zip(quads, pp_reads, tess_reads, lr_reads, strict=True)
        ):
            text, score = self.choose(pp, ts, words, lr)
            floor = self.params.min_score
            if k >= learned and not (
                self.params.classical_confirmed
                and lr is not None
                and sum(_agree(text, r[0]) for r in (pp, ts, lr)) >= 2
            ):
                floor = self.params.classical_score
            if text and score >= floor:
                readings = (
                    ("ppocr", pp[0], round(pp[1], 4)),
                    ("tesseract", ts[0], round(ts[1], 4)),
                ) + ((("reader", lr[0], round(lr[1], 4)),) if lr else ())
                hits.append(make_hit(text, quad, score, engine, readings))
        return hits

    def _read_lines(
        self, image: np.ndarray, quads: list[np.ndarray], crops: list[np.ndarray]
    ) -> list[tuple[str, float]]:
        """The line reader's most confident reading of each line, over its crop and the
        crops of its box made lower by each of `reader_shrinks`."""
        assert self.reader is not None
        best = self.reader.read(crops)
        for share in self.params.reader_shrinks:
            tighter = self.reader.read([crop_quad(image, lower(q, share)) for q in quads])
            best = [t if t[1] > b[1] else b for t, b in zip(tighter, best, strict=True)]
        return best

    def choose(
        self,
        pp: tuple[str, float],
        ts: tuple[str, float],
        words: frozenset[str],
        lr: tuple[str, float] | None = None,
    ) -> tuple[str, float]:
        """The reading to keep, by script, confidence, agreement and lexicon; ("", 0) when
        no reading can be trusted."""
        p = self.params
        (pp_text, pp_conf), (ts_text, ts_conf) = pp, ts
        if script_shares(pp_text)[2] > 0.3:  # Chinese: Tesseract here has no Chinese model
            return pp if pp_conf >= 0.7 or lexicon_share(pp_text, words) > 0 else ("", 0.0)
        if lr is not None:
            return self._choose_three(pp, ts, lr, words)
        ts_cyr = cyrillic_share(ts_text)
        pp_letters = sum(c.isalnum() for c in pp_text)
        ts_letters = sum(c.isalnum() for c in ts_text)
        if ts_cyr >= p.cyrillic and pp_conf < p.sure:
            # a Cyrillic line: PP-OCR has no Cyrillic letters, Tesseract reads it or nobody
            return ts if ts_conf >= p.min_tess else ("", 0.0)
        cyrillic = ts_cyr >= p.cyrillic and ts_conf >= p.min_tess
        if cyrillic and (ts_conf >= pp_conf - 0.1 or pp_letters < 0.5 * ts_letters):
            return ts
        pp_score = pp_conf + p.lexicon_weight * lexicon_share(pp_text, words)
        ts_score = ts_conf + p.lexicon_weight * lexicon_share(ts_text, words)
        if ts_conf >= p.min_tess and ts_score > pp_score + 0.05 and ts_cyr < p.cyrillic:
            return ts
        if _agree(pp_text, ts_text) or pp_conf >= p.alone or lexicon_share(pp_text, words) > 0:
            return pp
        return "", 0.0

    def _choose_three(
        self,
        pp: tuple[str, float],
        ts: tuple[str, float],
        lr: tuple[str, float],
        words: frozenset[str],
    ) -> tuple[str, float]:
        """With the line reader's reading too: a line is Cyrillic when the line reader or
        Tesseract reads it so; there the line reader and Tesseract compete (PP-OCR has no
        Cyrillic letters), elsewhere PP-OCR and Tesseract; a reading another engine
        confirms (look-alike letters folded) is preferred over one that stands alone."""
        p = self.params
        (_, pp_conf), (ts_text, ts_conf), (lr_text, lr_conf) = pp, ts, lr
        lr_cyr = (  # letters only Cyrillic has: "САМ" may be Latin look-alikes
            cyrillic_share(lr_text) >= 0.5
            and script_shares(lr_text)[0] > 0
            and lr_conf >= p.reader_cyrillic
        )
        ts_cyr = cyrillic_share(ts_text) >= p.cyrillic and ts_conf >= p.min_tess
        both = lr_cyr and ts_cyr
        if ((lr_cyr or ts_cyr) and pp_conf < p.sure) or both:
            # a sure PP-OCR reading (it has no Cyrillic letters: "Oneparop" for "Оператор")
            # still competes unless the two Cyrillic readers read the same
            sure = pp_conf >= p.sure and not (both and _agree(lr_text, ts_text))
            # the line reader alone, unconfirmed, only when it is sure enough
            lr_ok = lr_cyr and (lr_conf >= p.reader_alone or _agree(lr_text, ts_text))
            # Tesseract alone: reads textures as short Cyrillic words ("ж", "км") with high
            # confidence; such a reading needs a few letters or another engine's word
            ts_ok = ts_cyr and (
                sum(c.isalnum() for c in ts_text) >= p.tess_alone_letters
                or _agree(ts_text, lr_text)
                or _agree(ts_text, pp[0])
            )
            options = [r for r, ok in ((lr, lr_ok), (ts, ts_ok), (pp, sure)) if ok]
            if not options:
                return "", 0.0
            return max(options, key=lambda r: _score(r, (lr, ts, pp), words, p))
        # Latin: PP-OCR or Tesseract; the line reader (trained on far fewer lines than
        # PP-OCR) only confirms one of them
        options = [pp] + [ts] * (ts_conf >= p.min_tess)
        best = max(options, key=lambda r: _score(r, (lr, ts, pp), words, p))
        confirmed = any(_agree(best[0], o[0]) for o in (pp, ts, lr) if o is not best)
        if confirmed or best[1] >= p.alone or lexicon_share(best[0], words) > 0:
            return best
        return "", 0.0


def _agree(a: str, b: str) -> bool:
    return bool(a) and fuzz.ratio(_folded(a), _folded(b)) >= 80


def _score(
    reading: tuple[str, float],
    all_readings: tuple[tuple[str, float], ...],
    words: frozenset[str],
    p: RouteParams,
) -> float:
    """Confidence, plus the lexicon's share, plus 0.2 for each other engine that reads the
    same (look-alike letters folded)."""
    text, conf = reading
    others = sum(_agree(text, o[0]) for o in all_readings if o is not reading)
    return conf + p.lexicon_weight * lexicon_share(text, words) + 0.2 * others


def _folded(text: str) -> str:
    return " ".join(fold_lookalikes(text).casefold().split())
