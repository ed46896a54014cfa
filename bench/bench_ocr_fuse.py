"""Reading a shot once from several frames (`TextStageParams.fuse`) against reading its
keyframe alone, on clips whose frames degrade over time.

Each clip is one picture filmed for a few seconds: generator A frames, generator B
frames, and real photographs shipped by packages (scikit-image, opencv-doc; words as
truth, as bench_ocr_table.py). Every second of the clip gets its own degradation (motion
blur, defocus, interlacing: strong on about half of the seconds, mild otherwise) and a
camera shake of a pixel or two. "keyframe" reads second 0 as the stage reads a whole
keyframe (`screen.read_frame`); "fusedN" also reads the N sharpest of seconds 1..look (the
frames the stage looks at, one a second) that are clearly sharper than the keyframe
(`stage_text.pick_sharper`), and votes per line (`ocr.fuse.fuse_readings`). Reads are
shared between the ways; each way's s/kf sums the reads it uses. Recall counts text >= 10 px;
precision counts every line kept (`plausible`), as bench_ocr_table.py.

    .venv/bin/python bench/bench_ocr_fuse.py [--clips 4] [--fuse 1,2] [--look 4] [--seed 3000]

s/kf is the mean seconds per keyframe of each way, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from bench.bench_ocr_table import Cells, ratio, score_generated, score_real
from workbench.recognize.evalgen import make_frame
from workbench.recognize.evalgen.degrade import defocus, interlace, motion_blur
from workbench.recognize.evalgen.real import installed_photos
from workbench.recognize.evalgen.second import make_frame_b
from workbench.recognize.ocr import DEFAULT, make_engine
from workbench.recognize.ocr.fuse import fuse_readings
from workbench.recognize.ocr.prep import Prep
from workbench.recognize.screen import read_frame
from workbench.recognize.stage_text import pick_sharper
from workbench.recognize.tiles import TileParams, small_gray

WAYS = ("keyframe", "fused")


def filmed(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One second of the clip: shake, then a degradation strong about half of the time."""
    out = np.roll(rgb, (int(rng.integers(-2, 3)), int(rng.integers(-2, 3))), axis=(0, 1))
    strong = rng.random() < 0.5
    kind = int(rng.integers(0, 3))
    if kind == 0:
        length = int(rng.integers(5, 9)) if strong else int(rng.integers(1, 3))
        out = motion_blur(out, length, float(rng.uniform(0, 180))) if length > 1 else out
    elif kind == 1:
        out = defocus(out, float(rng.uniform(1.5, 2.5) if strong else rng.uniform(0.0, 0.8)))
    else:
        out = interlace(out, int(rng.integers(3, 6)) if strong else int(rng.integers(0, 2)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=4, help="clips per generator")
    ap.add_argument("--fuse", default="1,2", help="other frames read per keyframe (a list)")
    ap.add_argument("--look", type=int, default=4, help="other seconds looked at")
    ap.add_argument("--engine", default=DEFAULT)
    ap.add_argument("--seed", type=int, default=3000)
    args = ap.parse_args()
    began = time.perf_counter()
    n, fuses = args.clips, [int(f) for f in args.fuse.split(",")]
    ways = ["keyframe", *(f"fused{f}" for f in fuses)]
    pictures = [("A", make_frame(args.seed + k, 0.1)) for k in range(n)]
    pictures += [("B", make_frame_b(args.seed + k, 0.1)) for k in range(n)]
    photos = installed_photos()
    print(
        f"{n} clips from generator A, {n} from B, {len(photos)} from real photographs; "
        f"{1 + args.look} seconds each, engine {args.engine}, seed {args.seed}"
    )
    engine = make_engine(args.engine)
    engine.read(pictures[0][1].rgb[:64, :64])  # load the models outside the timing
    cells = {way: Cells() for way in ways}
    clips = [(src, f.rgb, f) for src, f in pictures] + [("real", rgb, p) for p, rgb in photos]
    for c, (source, rgb, truth) in enumerate(clips):
        rng = np.random.default_rng(args.seed + 7919 * c)
        frames = [filmed(rgb, rng) for _ in range(1 + args.look)]
        t = time.perf_counter()
        grays = [small_gray(f, TileParams().work_width) for f in frames]
        order = pick_sharper(grays[0], grays[1:], max(fuses))  # as the stage chooses
        choose = time.perf_counter() - t
        reads: dict[int, tuple[list, float]] = {}
        for i in [0, *(1 + j for j in order)]:
            t = time.perf_counter()
            reads[i] = (read_frame(engine, frames[i], None, Prep()), time.perf_counter() - t)
        for way in ways:
            use = [0] if way == "keyframe" else [0, *(1 + j for j in order[: int(way[5:])])]
            t = time.perf_counter()
            if way == "keyframe":
                hits = reads[0][0]
            else:
                hits = fuse_readings([(i, reads[i][0]) for i in use], 0)
            spent = sum(reads[i][1] for i in use) + time.perf_counter() - t
            cells[way].seconds[source].append(spent + (choose if way != "keyframe" else 0.0))
            if source == "real":
                score_real(cells[way], truth, hits)
            else:
                score_generated(cells[way], source, truth, hits)
        print(f"  clip {c + 1}/{len(clips)} done", file=sys.stderr, flush=True)
    print(f"\n{'source':8} {'way':9} {'recall>=10px':>12} {'precision':>9} {'s/kf':>6}")
    for source in ("A", "B", "real", "all"):
        for way in ways:
            cl = cells[way]
            big = cl.total(lambda k, s=source: s in ("all", k[0]) and k[2] not in ("<10", "?"))
            every = cl.total(lambda k, s=source: s in ("all", k[0]))
            secs = [x for s, xs in cl.seconds.items() if source in ("all", s) for x in xs]
            print(
                f"{source:8} {way:9} {ratio(big[0], big[1]):>12} "
                f"{ratio(every[2], every[3]):>9} {np.mean(secs) if secs else 0:6.2f}"
            )
    print(f"\nbench took {time.perf_counter() - began:.0f} s (machine shared; compare ratios)")


if __name__ == "__main__":
    main()
