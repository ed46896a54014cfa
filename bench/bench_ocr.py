"""OCR benchmark on generated control-room frames (workbench.recognize.evalgen).

For each engine or pipeline: recall of ground-truth strings at least 10 px high (fuzzy
similarity >= 0.8 to the lines read on the string's box), precision of the lines read,
recall by script, vendor-suggestion precision and recall, seconds per keyframe; then
recall by degradation severity and by text height. Then the text stage on a
static-monitor clip: OCR calls and pixels read incrementally against reading every
keyframe (and one frame a second) whole, with the recall of each, and a keyframe read
alone against the same keyframe stacked with its neighbours.

    .venv/bin/python bench/bench_ocr.py [--frames 20] [--easy-frames 4] [--no-clip]

Not a test: it prints tables. Frames are seeded and their severities spread evenly over
0..1, so numbers repeat run to run (timings aside).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz

from workbench.recognize.evalgen import EvalFrame, GtText, make_frame, static_clip
from workbench.recognize.evalgen.panels import KAZAKH_LETTERS
from workbench.recognize.ocr import DEFAULT, make_engine
from workbench.recognize.ocr.prep import Prep
from workbench.recognize.ocr.scripts import fold_lookalikes
from workbench.recognize.records import TextHit
from workbench.recognize.screen import read_frame
from workbench.recognize.text_observations import plausible
from workbench.recognize.vendors import VendorResolver, load_registry

MIN_HEIGHT = 10.0
SIMILAR = 80.0
PLAIN = Prep(upscale=1.0, invert="never")
SCRIPTS = ("latin", "cyrillic", "kazakh")
SEVERITY = (("mild", 0.0), ("moderate", 1 / 3), ("strong", 2 / 3))
HEIGHTS = (("10-13px", 10.0), ("13-18px", 13.0), (">=18px", 18.0))


def norm(text: str) -> str:
    """Compared as a reader sees it: look-alike Cyrillic and Latin letters are equal."""
    return " ".join(fold_lookalikes(text).casefold().split())


def _overlaps(hit: TextHit, gt: GtText) -> bool:
    """The hit lies on the string: 30% of the hit's box in the string's box, or the
    hit's centre inside the string's box grown by a third of the text height."""
    a, b = hit.bbox, gt.bbox
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    if ix * iy >= 0.3 * max(1, (a[2] - a[0]) * (a[3] - a[1])):
        return True
    m = 0.3 * gt.height
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] - m <= cx <= b[2] + m and b[1] - m <= cy <= b[3] + m


def recalled(gt: GtText, hits: list[TextHit]) -> bool:
    """Some line on the string, or the lines on it joined, reads as the string."""
    g = norm(gt.text)
    near = sorted((h for h in hits if _overlaps(h, gt)), key=lambda h: h.bbox[0])
    best = fuzz.ratio(g, norm(" ".join(h.text for h in near))) if near else 0.0
    for h in near:
        t = norm(h.text)
        best = max(best, fuzz.partial_ratio(g, t) if len(t) > len(g) else fuzz.ratio(g, t))
    return best >= SIMILAR


def correct(hit: TextHit, gts: list[GtText]) -> bool:
    """What the line says is there: a string at that place, a part of one, or several."""
    t = norm(hit.text)
    near = sorted((g for g in gts if _overlaps(hit, g)), key=lambda g: g.bbox[0])
    if not near:
        return False
    best = fuzz.ratio(t, norm(" ".join(g.text for g in near)))
    for g in near:
        s = norm(g.text)
        best = max(best, fuzz.partial_ratio(t, s) if len(t) < len(s) else fuzz.ratio(t, s))
    return best >= SIMILAR


def _band(value: float, bands: tuple[tuple[str, float], ...]) -> str:
    return [name for name, lo in bands if value >= lo][-1]


@dataclass
class Score:
    frames: int = 0
    seconds: float = 0.0
    lines: int = 0
    good_lines: int = 0
    recall: dict[str, list[int]] = field(default_factory=dict)  # group -> [found, of]
    vendors: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # right, said, found, of
    kazakh: list[int] = field(default_factory=lambda: [0, 0])  # Kazakh letters kept, of

    def _count(self, group: str, ok: bool) -> None:
        cell = self.recall.setdefault(group, [0, 0])
        cell[0] += ok
        cell[1] += 1

    def add(self, frame: EvalFrame, hits: list[TextHit], seconds: float, resolver) -> None:
        self.frames += 1
        self.seconds += seconds
        hits = [h for h in hits if plausible(h)]  # as the text stage keeps them
        severity = _band(float(frame.params["severity"]), SEVERITY)
        for gt in frame.texts:
            if gt.height >= MIN_HEIGHT:
                ok = recalled(gt, hits)
                for group in ("all", gt.script, severity, _band(gt.height, HEIGHTS)):
                    self._count(group, ok)
                if ok and gt.script == "kazakh":  # are its Kazakh letters read as such?
                    said = Counter(" ".join(h.text for h in hits if _overlaps(h, gt)))
                    for ch, k in Counter(c for c in gt.text if c in KAZAKH_LETTERS).items():
                        self.kazakh[0] += min(k, said[ch])
                        self.kazakh[1] += k
        self.lines += len(hits)
        self.good_lines += sum(correct(h, frame.texts) for h in hits)
        said = {s[0].vendor for s in map(resolver.resolve, (h.text for h in hits)) if s}
        present = {g.vendor for g in frame.texts if g.vendor}
        wanted = {g.vendor for g in frame.texts if g.vendor and g.height >= MIN_HEIGHT}
        for k, n in enumerate((len(said & present), len(said), len(said & wanted), len(wanted))):
            self.vendors[k] += n

    def r(self, group: str) -> str:
        found, of = self.recall.get(group, (0, 0))
        return f"{found / of:5.2f}" if of else "  -  "

    def row(self, name: str) -> str:
        def ratio(a: int, b: int) -> str:
            return f"{a / b:5.2f}" if b else "  -  "

        right, said, found, of = self.vendors
        return (
            f"{name:<24} {self.frames:>3} {self.r('all')}  {ratio(self.good_lines, self.lines)}"
            f"  {' '.join(self.r(s) for s in SCRIPTS)}   {ratio(right, said)} {ratio(found, of)}"
            f" {self.seconds / max(1, self.frames):7.2f}  {ratio(*self.kazakh)}"
        )

    def bands(self, name: str) -> str:
        groups = [n for n, _ in SEVERITY] + [n for n, _ in HEIGHTS]
        return f"{name:<24} " + " ".join(f"{self.r(g):>8}" for g in groups)


HEADER = (
    f"{'variant':<24} {'n':>3} {'recall':>5} {'prec':>5}  {'latin':>5} {'cyril':>5} "
    f"{'kazak':>5}   {'v-pre':>5} {'v-rec':>5} {'s/frame':>7}  {'ӘҚҢ..':>5}"
)
BANDS = f"{'recall by':<24} " + " ".join(f"{n:>8}" for n, _ in SEVERITY + HEIGHTS)
Runner = Callable[[EvalFrame], list[TextHit]]


def _engine(name: str, prep: Prep) -> Runner:
    engine = make_engine(name)
    return lambda f: read_frame(engine, f.rgb, None, prep)


# name: (engine, prep the text stage would not apply, needs easyocr)
VARIANTS: dict[str, tuple[str, Prep, bool]] = {
    "tesseract (plain)": ("tesseract", PLAIN, False),
    "tesseract+prep": ("tesseract", Prep(), False),
    "rectify+tesseract": ("rectify+tesseract", PLAIN, False),
    "lines+tesseract": ("lines+tesseract", PLAIN, False),
    "screens+tesseract": ("screens+tesseract", PLAIN, False),
    "screens+tesseract+prep": ("screens+tesseract", Prep(), False),
    "easyocr (en)": ("easyocr", PLAIN, True),
    "both": ("both", PLAIN, True),  # easyocr + plain Tesseract, merged
    "craft+tesseract": ("craft+tesseract", PLAIN, True),
}
DEFAULT_VARIANTS = [v for v in VARIANTS if v != "screens+tesseract+prep"]


def bench_frames(args: argparse.Namespace) -> None:
    t = time.perf_counter()
    n = args.frames
    frames = [make_frame(args.seed + k, (k + 0.5) / n) for k in range(n)]
    gen = (time.perf_counter() - t) / n
    eligible = sum(g.height >= MIN_HEIGHT for f in frames for g in f.texts)
    print(
        f"{n} frames 1280x720, seeds {args.seed}..{args.seed + n - 1}, severity spread 0..1;"
        f" {sum(len(f.texts) for f in frames)} strings, {eligible} of them >= {MIN_HEIGHT:g} px"
        f" ({gen:.2f} s/frame to make); easyocr variants on {min(n, args.easy_frames)} of them,"
        f" spread over the severities"
    )
    resolver = VendorResolver(load_registry())
    truth = Score()
    for f in frames:
        truth.add(f, [TextHit(g.text, g.bbox, 1.0, "truth") for g in f.texts], 0.0, resolver)
    print(HEADER)
    print(truth.row("(ground-truth text)"))
    m = min(n, args.easy_frames)
    heavy_idx = sorted({int((j + 0.5) * n / m) for j in range(m)})  # spread over severities
    cache: dict[str, dict[int, tuple[list[TextHit], float]]] = {}
    scores: dict[str, Score] = {}
    for name in args.variants.split(",") if args.variants else DEFAULT_VARIANTS:
        engine, prep, heavy = VARIANTS[name]
        try:
            run = None if name == "both" else _engine(engine, prep)
        except Exception as exc:  # an engine that cannot run here is reported, not fatal
            print(f"{name:<24} unavailable: {exc}")
            continue
        score = scores[name] = Score()
        cache[name] = {}
        for i in heavy_idx if heavy else range(n):
            f = frames[i]
            if run is None:  # `both`: the easyocr and plain Tesseract readings, merged
                from workbench.recognize.ocr.combine import merge

                (easy, t1), (tess, t2) = (_reading(cache, v, i, f) for v in _BOTH)
                hits, took = merge(easy, tess), t1 + t2
            else:
                t = time.perf_counter()
                hits = run(f)
                took = time.perf_counter() - t
            cache[name][i] = (hits, took)
            score.add(f, hits, took, resolver)
        print(score.row(name), flush=True)
    print("\n" + BANDS)
    for name, score in scores.items():
        print(score.bands(name))
    light = [v for v in scores if not VARIANTS[v][2]]
    if len(light) < len(scores) and heavy_idx:  # like for like with the easyocr variants
        same = {}
        for v in light:
            score = Score()
            for i in heavy_idx:
                score.add(frames[i], *cache[v][i], resolver)
            same[v] = score.r("all")
        same_frames = ", ".join(f"{v} {r.strip()}" for v, r in same.items())
        print(f"\nrecall on the {len(heavy_idx)} easyocr frames: {same_frames}")


_BOTH = ("easyocr (en)", "tesseract (plain)")


def _reading(cache, variant: str, i: int, frame: EvalFrame) -> tuple[list[TextHit], float]:
    if i not in cache.setdefault(variant, {}):
        engine, prep, _ = VARIANTS[variant]
        t = time.perf_counter()
        hits = _engine(engine, prep)(frame)
        cache[variant][i] = (hits, time.perf_counter() - t)
    return cache[variant][i]


def _clip_recall(gts: list[GtText], hits: list[TextHit], clock: bool = True) -> float:
    """Recall of the distinct strings shown (>= 10 px), with or without the clock's."""
    seen, distinct = set(), []
    for g in gts:
        key = (g.text, g.screen, g.role, round(g.bbox[0] / 8), round(g.bbox[1] / 8))
        if g.height >= MIN_HEIGHT and key not in seen and (clock or g.role != "clock"):
            seen.add(key)
            distinct.append(g)
    hits = [h for h in hits if plausible(h)]
    return sum(recalled(g, hits) for g in distinct) / max(1, len(distinct))


def bench_clip(args: argparse.Namespace) -> None:
    """The text stage on a static-monitor clip: incremental against whole keyframes, and
    against one frame a second; then a keyframe alone against it stacked."""
    from workbench.case import Case
    from workbench.ingest import ingest_file
    from workbench.recognize.stage_text import TextStageParams, run_text_stage
    from workbench.recognize.tiles import TileParams, regions_to_read, small_gray
    from workbench.synth import write_video
    from workbench.video.analysis import analyze_keyframes
    from workbench.video.frames import FrameReader
    from workbench.video.stack import stack_frames

    fps, truth = 25, []

    def frames():
        for f in static_clip(args.seed, args.clip_seconds, fps, args.clip_severity):
            truth.append(f.texts)
            yield f.rgb

    name = args.clip_engine
    print(
        f"\nstatic-monitor clip: {args.clip_seconds:g} s at {fps} fps (H.264 crf 26), severity"
        f" {args.clip_severity}, a clock ticking every second, the results panel changing at"
        f" {args.clip_seconds / 2:g} s; engine {name}, fuse {args.clip_fuse}"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        clip = Path(tmp) / "static.mp4"
        write_video(clip, frames(), fps=fps, crf=26)
        with Case.init(Path(tmp) / "case", "OCR bench") as case:
            sha = ingest_file(case, clip, "bench").video_sha256
            keyframes = [k.keyframe.index for k in analyze_keyframes(case, sha).keyframes]
            print(f"keyframes: {len(keyframes)} at frames {keyframes}")
            for incremental in (False, True):
                t = time.perf_counter()
                params = TextStageParams(engine=name, incremental=incremental, fuse=args.clip_fuse)
                res = run_text_stage(case, sha, params)
                obs = case.conn.execute(
                    "SELECT text, bbox FROM observations WHERE run_key = ? AND kind = 'ocr'",
                    (res.run_key,),
                ).fetchall()
                hits = [TextHit(r["text"], tuple(json.loads(r["bbox"])), 1.0, "") for r in obs]
                label = "keyframes, " + ("incremental" if incremental else "whole")
                gts = [g for i in keyframes for g in truth[i]]
                recall = (_clip_recall(gts, hits), _clip_recall(gts, hits, False))
                rows.append(
                    (label, res.ocr_calls, res.pixels_read, *recall, time.perf_counter() - t)
                )
            engine = make_engine(name)
            every = list(range(0, len(truth), fps))
            media = case.path(records_video(case, sha))
            with FrameReader(media, sha) as reader:
                for incremental in (False, True):
                    t = time.perf_counter()
                    calls, pixels, hits, prev = 0, 0, [], None
                    for i in every:
                        rgb = reader.get(i).rgb
                        h, w = rgb.shape[:2]
                        gray = small_gray(rgb)
                        regions = [(0, 0, w, h)]
                        if incremental:
                            regions = regions_to_read(prev, gray, (w, h), TileParams())
                        prev = gray
                        calls += len(regions)
                        pixels += sum((b[2] - b[0]) * (b[3] - b[1]) for b in regions)
                        hits += read_frame(engine, rgb, regions, Prep()) if regions else []
                    label = "1 frame/s, " + ("incremental" if incremental else "whole")
                    gts = [g for i in every for g in truth[i]]
                    recall = (_clip_recall(gts, hits), _clip_recall(gts, hits, False))
                    rows.append((label, calls, pixels, *recall, time.perf_counter() - t))
                stacked = []  # a frame alone against it median-stacked with 4 neighbours
                for i in every[1 :: max(1, len(every) // 4)]:
                    alone = read_frame(engine, reader.get(i).rgb, None, Prep())
                    stack = read_frame(engine, stack_frames(reader, i, n=5).rgb, None, Prep())
                    stacked.append(
                        (i, _clip_recall(truth[i], alone), _clip_recall(truth[i], stack))
                    )
    print(f"{'reading':<24} {'calls':>5} {'Mpx read':>8} {'recall':>6} {'no clock':>8} {'s':>6}")
    for k, (label, calls, pixels, rec, rec_nc, took) in enumerate(rows):
        whole, whole_px = rows[k - k % 2][1:3]
        saving = f"   {whole / max(1, calls):.1f}x fewer calls, {whole_px / max(1, pixels):.1f}x"
        print(
            f"{label:<24} {calls:>5} {pixels / 1e6:8.2f} {rec:6.2f} {rec_nc:8.2f} {took:6.1f}"
            + (saving + " fewer pixels than whole" if k % 2 else "")
        )
    n = len(truth)
    print(
        f"reading all {n} frames whole would be {n} calls:"
        f" {n / max(1, rows[1][1]):.0f}x the incremental keyframe reading;"
        f" {len(every)} frames at 1/s whole: {len(every) / max(1, rows[1][1]):.1f}x"
    )
    one, five = (sum(r[k] for r in stacked) / max(1, len(stacked)) for k in (1, 2))
    print(
        f"frames {', '.join(str(r[0]) for r in stacked)}: recall read alone {one:.2f},"
        f" median-stacked with 4 neighbours (workbench.video.stack) {five:.2f}"
    )


def records_video(case, sha: str) -> str:
    return case.conn.execute("SELECT media_path FROM videos WHERE sha256 = ?", (sha,)).fetchone()[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=20)
    ap.add_argument("--easy-frames", type=int, default=4, help="frames for easyocr variants")
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--variants", default="", help=f"comma list of: {', '.join(VARIANTS)}")
    ap.add_argument("--no-clip", action="store_true")
    ap.add_argument("--clip-only", action="store_true")
    ap.add_argument("--clip-seconds", type=float, default=12.0)
    ap.add_argument("--clip-severity", type=float, default=0.5)
    ap.add_argument("--clip-engine", default=DEFAULT)
    ap.add_argument("--clip-fuse", type=int, default=1, help="the text stage's fuse")
    args = ap.parse_args()
    t = time.perf_counter()
    if not args.clip_only:
        bench_frames(args)
    if not args.no_clip:
        bench_clip(args)
    print(f"\nbench took {time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
