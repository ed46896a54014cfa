"""One table: recall and precision of each OCR engine per source, script and text height.

Sources: generator A (`evalgen.make_frame`, the project's first generator), generator B
(`evalgen.second.make_frame_b`, written apart from A: other fonts, layouts,
degradations, and Chinese), and real photographs that ship in packages with ground truth
written by looking at them (`evalgen.real`). Each engine reads each picture as the text
stage reads a keyframe (`screen.read_frame` with the stage's preprocessing); lines are
kept as the stage keeps them (`stage_text.plausible`).

Generated sources: a ground-truth line is recalled when the lines read on its box read as
it (fuzzy >= 0.8, as bench_ocr.py); a line read is correct when it says what is there.
Real photographs have no boxes: words are matched as bags (a ground-truth word is read
when some word read equals it, fuzzy >= 0.8 for words of 4+ letters); precision there
is a lower bound (small print nobody wrote down counts against it).

    .venv/bin/python bench/bench_ocr_table.py [--frames 6] [--engines routed,ppocr,...]

s/img is the mean seconds per picture (720p for A and B) on this machine, one process.
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

from rapidfuzz import fuzz

from bench.bench_ocr import _overlaps, correct, norm, recalled
from workbench.recognize.evalgen import make_frame
from workbench.recognize.evalgen.real import installed_photos
from workbench.recognize.evalgen.second import make_frame_b
from workbench.recognize.ocr import make_engine
from workbench.recognize.ocr.prep import Prep
from workbench.recognize.screen import read_frame
from workbench.recognize.text_observations import plausible

BANDS = (("<10", 0.0), ("10-16", 10.0), (">=16", 16.0))
ENGINES = (
    "tesseract",
    "screens+tesseract",
    "easyocr",
    "ppocr",
    "ppocr-small",
    "routed",
    "routed-small",
    "routed-tesseract",
)


def band(height: float) -> str:
    return [name for name, lo in BANDS if height >= lo][-1]


class Cells:
    """(source, script, band) -> [recalled, of, correct, read]."""

    def __init__(self) -> None:
        self.c: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.seconds: dict[str, list[float]] = defaultdict(list)

    def add(self, key: tuple[str, str, str], k: int, n: int = 1) -> None:
        self.c[key][k] += n

    def total(self, pred) -> list[int]:
        out = [0, 0, 0, 0]
        for key, v in self.c.items():
            if pred(key):
                out = [a + b for a, b in zip(out, v, strict=True)]
        return out


def score_generated(cells: Cells, source: str, frame, hits) -> None:
    hits = [h for h in hits if plausible(h)]
    for gt in frame.texts:
        cells.add((source, gt.script, band(gt.height)), 1)
        if recalled(gt, hits):
            cells.add((source, gt.script, band(gt.height)), 0)
    for h in hits:
        near = [g for g in frame.texts if _overlaps(h, g)]
        g = max(near, key=lambda g: g.height, default=None)
        key = (source, g.script, band(g.height)) if g else (source, "?", "?")
        cells.add(key, 3)
        if correct(h, frame.texts):
            cells.add(key, 2)


def _words(text: str) -> list[str]:
    return [w for w in norm(text).replace("-", " ").split() if sum(c.isalnum() for c in w) >= 2
            or w.isdigit()]  # fmt: skip


def _same(a: str, b: str) -> bool:
    a, b = a.strip(".,:;!?()"), b.strip(".,:;!?()")
    return a == b or (min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= 80)


def score_real(cells: Cells, photo, hits) -> None:
    read = [w for h in hits if plausible(h) for w in _words(h.text)]
    unused = list(read)
    used_by: dict[int, tuple[str, str]] = {}
    for line in photo.lines:
        key = ("real", line.script, band(line.height))
        for w in _words(line.text):
            cells.add(key, 1)
            j = next((j for j, r in enumerate(unused) if r and _same(w, r)), None)
            if j is not None:
                cells.add(key, 0)
                unused[j] = ""
                used_by[j] = key
    for j, _ in enumerate(read):
        key = used_by.get(j, ("real", "?", "?"))
        cells.add(key, 3)
        if j in used_by:
            cells.add(key, 2)


def ratio(a: int, b: int) -> str:
    return f"{a / b:4.2f}" if b else "  - "


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=6, help="frames per generator")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--seed", type=int, default=2000)
    args = ap.parse_args()
    n = args.frames
    began = time.perf_counter()
    sources = {
        "A": [make_frame(args.seed + k, (k + 0.5) / n) for k in range(n)],
        "B": [make_frame_b(args.seed + k, (k + 0.5) / n) for k in range(n)],
    }
    photos = installed_photos()
    print(
        f"{n} frames from generator A, {n} from generator B (seeds {args.seed}..), "
        f"{len(photos)} real photographs ({', '.join(p.name for p, _ in photos)})"
    )
    if len(photos) < 7:
        print("(apt-get install opencv-doc adds the street photographs)")
    results: dict[str, Cells] = {}
    for name in args.engines.split(","):
        try:
            engine = make_engine(name)
            engine.read(sources["A"][0].rgb[:64, :64])  # load the models outside the timing
        except Exception as exc:
            print(f"{name}: unavailable ({exc})")
            continue
        cells = results[name] = Cells()
        for source, frames in sources.items():
            for f in frames:
                t = time.perf_counter()
                hits = read_frame(engine, f.rgb, None, Prep())
                cells.seconds[source].append(time.perf_counter() - t)
                score_generated(cells, source, f, hits)
        for photo, rgb in photos:
            t = time.perf_counter()
            hits = read_frame(engine, rgb, None, Prep())
            cells.seconds["real"].append(time.perf_counter() - t)
            score_real(cells, photo, hits)
        print(f"  {name} done", file=sys.stderr, flush=True)
    print_table(results)
    print(f"\nbench took {time.perf_counter() - began:.0f} s")


def print_table(results: dict[str, Cells]) -> None:
    names = list(results)
    head = f"{'source':<6} {'script':<9} {'height':<6} {'lines':>5} |"
    head += "|".join(f" {n[:17]:^17} " for n in names)
    print("\nrecall / precision (lines for A and B, words for real) per engine")
    print(head)
    print(f"{'':<29}|" + "|".join(f" {'rec':>5} {'prec':>5} {'n':>5} " for _ in names))
    keys = sorted(
        {k for c in results.values() for k in c.c if k[1] != "?"},
        key=lambda k: (k[0], k[1], [b for b, _ in BANDS].index(k[2])),
    )
    for key in keys:
        of = results[names[0]].c[key][1]
        row = f"{key[0]:<6} {key[1]:<9} {key[2]:<6} {of:>5} |"
        for name in names:
            r, o, good, read = results[name].c[key]
            row += f" {ratio(r, o):>5} {ratio(good, read):>5} {read:>5} |"
        print(row)
    print("-" * len(head))
    for source in ("A", "B", "real"):
        row = f"{source:<6} {'all':<9} {'>=10':<6} "
        of = results[names[0]].total(lambda k, s=source: k[0] == s and k[2] != "<10")[1]
        row += f"{of:>5} |"
        for name in names:
            r, o, _, _ = results[name].total(lambda k, s=source: k[0] == s and k[2] != "<10")
            _, _, good, read = results[name].total(lambda k, s=source: k[0] == s)
            row += f" {ratio(r, o):>5} {ratio(good, read):>5} {read:>5} |"
        print(row)
    print("\nseconds per picture (720p for A and B):")
    for name in names:
        times = results[name].seconds
        print(f"  {name:<18} " + "  ".join(
            f"{src} {sum(v) / max(1, len(v)):.1f}" for src, v in times.items()
        ))  # fmt: skip


if __name__ == "__main__":
    main()
