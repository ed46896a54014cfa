"""Recognition alone: the line reader against Tesseract (the engine the routed engine used
for Cyrillic before it), on the same crops, in the same run.

Crops are the ground-truth line boxes of generator A and generator B frames, grown as a
text detector's box is (0.35 of the text height above and below, 0.4 at the ends), so
detection plays no part. Tesseract reads them as the routed engine does (`eng+rus+kaz`,
one stacked page per frame); the line reader reads each crop. A line is read when its
reading equals the truth, look-alike letters folded, fuzzy >= 0.8 (as bench_ocr.py).
Neither generator's fonts (DejaVu, Liberation, Noto) nor its phrases are in the line
reader's training (training/README.md).

    PYTHONPATH=. .venv/bin/python bench/bench_line_reader.py [--frames 6] [--seed 2000]
        [--model OTHER.onnx]   # also a second line reader model, same crops, same run
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from rapidfuzz import fuzz

from bench.bench_ocr import norm
from workbench.recognize.evalgen import make_frame
from workbench.recognize.evalgen.second import make_frame_b
from workbench.recognize.ocr.linereader import LineReader
from workbench.recognize.ocr.ppocr import PpOcr, PpParams, crop_quad
from workbench.recognize.ocr.routed import read_stacked
from workbench.recognize.ocr.tesseract import TesseractOcr


def detector_crop(rgb: np.ndarray, quad, height: float) -> np.ndarray:
    q = np.array(quad, np.float32)
    right = (q[1] - q[0]) / (np.linalg.norm(q[1] - q[0]) + 1e-6)
    down = (q[3] - q[0]) / (np.linalg.norm(q[3] - q[0]) + 1e-6)
    r, d = right * 0.4 * height, down * 0.35 * height
    grow = np.array([-r - d, r - d, r + d, -r + d], np.float32)
    return crop_quad(rgb, q + grow)


def band(h: float) -> str:
    return "<10" if h < 10 else "10-16" if h < 16 else ">=16"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=6)
    ap.add_argument("--seed", type=int, default=2000)
    ap.add_argument("--model", type=Path, help="a second line reader model to compare")
    args = ap.parse_args()
    n = args.frames
    tess = TesseractOcr("eng+rus+kaz", psm=6, min_conf=0)
    reader = LineReader()
    pp = PpOcr(PpParams())
    other = LineReader(args.model) if args.model else None
    print(reader.version(), "|", pp.version(), "|", other.version() if other else "")
    cells: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    seconds = {"tesseract": 0.0, "reader": 0.0, "ppocr": 0.0}
    lines = 0
    for source, make in (("A", make_frame), ("B", make_frame_b)):
        for k in range(n):
            frame = make(args.seed + k, (k + 0.5) / n)
            texts = [t for t in frame.texts if t.script != "chinese"]
            crops = [detector_crop(frame.rgb, t.quad, t.height) for t in texts]
            t0 = time.perf_counter()
            by_tess = read_stacked(tess, crops, 36)
            t1 = time.perf_counter()
            by_reader = reader.read(crops)
            t2 = time.perf_counter()
            by_pp = pp.recognise(crops)
            seconds["tesseract"] += t1 - t0
            seconds["reader"] += t2 - t1
            seconds["ppocr"] += time.perf_counter() - t2
            by_other = other.read(crops) if other else [("", 0.0)] * len(crops)
            lines += len(crops)
            readings = zip(texts, by_tess, by_reader, by_pp, by_other, strict=True)
            for t, (ts, _), (lr, _), (pr, _), (ot, _) in readings:
                script = t.script if t.script in ("latin", "kazakh") else "cyrillic"
                cell = cells[(source, script, band(t.height))]
                cell[0] += 1
                for i, read in enumerate((ts, lr, pr, ot), 1):
                    cell[i] += fuzz.ratio(norm(t.text), norm(read)) >= 80
    print(f"\n{n} frames of A and of B (seeds {args.seed}..), {lines} lines (Chinese left out)")
    head = f"{'source':<6} {'script':<9} {'height':<6} {'lines':>5} |"
    print(
        head + " tesseract | line reader | PP-OCR (no Cyrillic)" + (" | --model" if other else "")
    )

    def row(label: tuple[str, str, str], of: int, ts: int, lr: int, pr: int, ot: int) -> str:
        extra = f" | {ot / of:7.2f}" if other else ""
        return (f"{label[0]:<6} {label[1]:<9} {label[2]:<6} {of:>5} | {ts / of:9.2f} | "
                f"{lr / of:11.2f} | {pr / of:6.2f}{extra}")  # fmt: skip

    for key in sorted(cells, key=lambda k: (k[0], k[1], ["<10", "10-16", ">=16"].index(k[2]))):
        print(row(key, *cells[key]))
    for source in ("A", "B"):
        for script in ("cyrillic", "kazakh", "latin"):
            tot = [sum(v[i] for k, v in cells.items()
                       if k[0] == source and k[1] == script and k[2] != "<10")
                   for i in range(5)]  # fmt: skip
            if tot[0]:
                print(row((source, script, ">=10"), *tot))
    rate = {k: lines / v for k, v in seconds.items()}
    ratio = rate["reader"] / rate["tesseract"]
    print(f"\nlines/s: tesseract {rate['tesseract']:.0f}, line reader {rate['reader']:.0f} "
          f"({ratio:.1f}x Tesseract), PP-OCR {rate['ppocr']:.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
