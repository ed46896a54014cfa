"""Tesseract through its command line (TSV output): eng+rus+kaz reads Kazakh letters
(Ә Ғ Қ Ң Ө Ұ Ү Һ І) that easyocr's Cyrillic model lacks. A system package, used when installed.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from workbench.recognize.ocr.base import OcrEngine, OcrUnavailable
from workbench.recognize.records import BBox, TextHit


@dataclass(frozen=True)
class Word:
    text: str
    box: BBox  # in the image read
    conf: float  # 0..1
    line: tuple[int, int, int]  # Tesseract's block, paragraph, line


@lru_cache(maxsize=1)
def _binary() -> str | None:
    return shutil.which("tesseract")


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    binary = _binary()
    if not binary:
        return frozenset()
    out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
    lines = (out.stdout + out.stderr).splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip() and " " not in line)


@lru_cache(maxsize=1)
def _version() -> str:
    binary = _binary()
    if not binary:
        return "tesseract (not installed)"
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
    first = (out.stdout or out.stderr).splitlines()[0].strip()
    return first  # e.g. "tesseract 5.3.0"


class TesseractOcr(OcrEngine):
    name = "tesseract"

    def __init__(
        self,
        languages: str = "eng+rus+kaz",
        psm: int = 11,
        min_conf: float = 30.0,
        timeout_s: float = 120.0,
    ):
        binary = _binary()
        if not binary:
            raise OcrUnavailable(
                "Tesseract is not installed (apt-get install tesseract-ocr "
                "tesseract-ocr-rus tesseract-ocr-kaz)."
            )
        have = installed_languages()
        wanted = [lang for lang in languages.split("+") if lang]
        missing = [lang for lang in wanted if lang not in have]
        if missing:
            raise OcrUnavailable(
                f"Tesseract has no model for {'+'.join(missing)} here "
                f"(installed: {', '.join(sorted(have)) or 'none'})."
            )
        self.binary, self.languages, self.psm = binary, "+".join(wanted), psm
        self.min_conf, self.timeout_s = min_conf, timeout_s

    @classmethod
    def available(cls) -> bool:
        return _binary() is not None

    def version(self) -> str:
        return f"{_version()} {self.languages} psm{self.psm}"

    def read(self, image: np.ndarray) -> list[TextHit]:
        return self._lines(self.tsv(image))

    def tsv(self, image: np.ndarray, psm: int | None = None) -> str:
        """Tesseract's TSV for an RGB or grey uint8 image."""
        import cv2

        bgr = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        ok, png = cv2.imencode(".png", bgr)
        if not ok:
            raise ValueError("could not encode the image for Tesseract")
        psm = self.psm if psm is None else psm
        proc = subprocess.run(
            [self.binary, "stdin", "stdout", "-l", self.languages, "--psm", str(psm), "tsv"],
            input=png.tobytes(),
            capture_output=True,
            timeout=self.timeout_s,
            check=False,
            env=_env(),
        )
        if proc.returncode != 0:
            raise RuntimeError(f"tesseract failed: {proc.stderr.decode(errors='replace')[:300]}")
        return proc.stdout.decode("utf-8", errors="replace")

    def words(self, image: np.ndarray, psm: int | None = None) -> list[Word]:
        """Every word Tesseract reads at or above `min_conf`."""
        out = []
        for row in csv.DictReader(
            io.StringIO(self.tsv(image, psm)), delimiter="\t", quoting=csv.QUOTE_NONE
        ):
            text = (row.get("text") or "").strip()
            if row.get("level") != "5" or not text or float(row["conf"]) < self.min_conf:
                continue
            left, top = int(row["left"]), int(row["top"])
            box = (left, top, left + int(row["width"]), top + int(row["height"]))
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            out.append(Word(text, box, float(row["conf"]) / 100, key))
        return out

    def _lines(self, tsv: str) -> list[TextHit]:
        """Group Tesseract's words into lines (block, paragraph, line)."""
        groups: dict[tuple[int, int, int], list[dict[str, str]]] = {}
        for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
            if row.get("level") != "5" or not (row.get("text") or "").strip():
                continue
            if float(row["conf"]) < self.min_conf:
                continue
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            groups.setdefault(key, []).append(row)
        hits = []
        engine = self.version()
        for words in groups.values():
            x0 = min(int(w["left"]) for w in words)
            y0 = min(int(w["top"]) for w in words)
            x1 = max(int(w["left"]) + int(w["width"]) for w in words)
            y1 = max(int(w["top"]) + int(w["height"]) for w in words)
            text = " ".join(w["text"].strip() for w in words)
            conf = sum(float(w["conf"]) for w in words) / len(words) / 100
            hits.append(TextHit(text, (x0, y0, x1, y1), round(conf, 4), engine))
        return hits


def _env() -> dict[str, str]:
    """One OpenMP thread per Tesseract process: faster on small, shared CPUs."""
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env
