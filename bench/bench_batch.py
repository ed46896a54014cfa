"""Benchmark of batch analysis (not a test): throughput of `workbench analyze` on an
archive, locally and on Ray, with 1 and 2 workers; prints frames/s, clips/s and ratios.

    .venv/bin/python bench/bench_batch.py [--clips 8] [--frames 100] [--size 320x240]
        [--stages keyframes,ocr,interfaces] [--ocr tesseract] [--no-ray]

Generates `--clips` H.264 clips (two shots each, text on screen), ingests them into a
case, and times `run_batch` on a fresh copy of that case for each configuration:
local 1 worker (in-process), local 2 worker processes, Ray with a local cluster of 1
and of 2 CPUs (cluster start-up is not timed; connecting and actor start-up are). The
results of every configuration are checked to be identical before anything is printed.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.batch import make_executor, run_batch
from workbench.case import Case
from workbench.ingest import ingest_file
from workbench.recognize.pipeline import parse_stages
from workbench.synth import archive_clip


def build_archive(root: Path, clips: int, frames: int, size: tuple[int, int]) -> Path:
    case = Case.init(root / "template", "Bench archive", actor="bench")
    for n in range(clips):
        clip = root / f"clip{n:03d}.mp4"
        archive_clip(clip, n, frames=frames, width=size[0], height=size[1])
        ingest_file(case, clip, "bench")
    case.close()
    return root / "template"


def results(case_dir: Path) -> tuple:
    conn = sqlite3.connect(case_dir / "case.db")
    try:
        return (
            conn.execute("SELECT * FROM keyframes ORDER BY 1, 2, 3").fetchall(),
            conn.execute(
                "SELECT video_sha256, frame_index, kind, text, label, vendor, bbox, score"
                " FROM observations ORDER BY 1, 2, 3, 4, 5"
            ).fetchall(),
        )
    finally:
        conn.close()


def timed(template: Path, work: Path, name: str, executor, stages, ocr) -> tuple[float, int]:
    case_dir = work / name
    shutil.copytree(template, case_dir)
    with Case.open(case_dir) as case:
        began = time.perf_counter()
        result = run_batch(case, executor, stages, ocr=ocr)
        seconds = time.perf_counter() - began
    if not result.ok:
        raise SystemExit(f"{name}: {[f.describe() for f in result.failures]}")
    return seconds, result.frames


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=8)
    ap.add_argument("--frames", type=int, default=100, help="frames per clip (10 fps)")
    ap.add_argument("--size", default="320x240")
    ap.add_argument("--stages", default="keyframes,ocr,interfaces")
    ap.add_argument("--ocr", default="tesseract")
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    stages = parse_stages(args.stages)
    print(
        f"machine: {os.cpu_count()} cores; {args.clips} clips x {args.frames} frames {args.size};"
        f" stages {','.join(stages)}; OCR {args.ocr}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        work = Path(tmp)
        template = build_archive(work, args.clips, args.frames, size)  # type: ignore[arg-type]
        timings: dict[str, tuple[float, int]] = {}
        for workers in (1, 2):
            name = f"local-{workers}"
            timings[name] = timed(
                template, work, name, make_executor("local", workers), stages, args.ocr
            )
        if not args.no_ray:
            try:
                import ray
            except ImportError:
                print("ray is not installed: pip install 'workbench[ray]' (Ray rows skipped)")
            else:
                for cpus in (1, 2):
                    ray.init(
                        address="local",
                        num_cpus=cpus,
                        include_dashboard=False,
                        logging_level=logging.WARNING,
                    )
                    try:
                        name = f"ray-{cpus}"
                        timings[name] = timed(
                            template, work, name, make_executor("ray"), stages, args.ocr
                        )
                    finally:
                        ray.shutdown()
        reference = results(work / "local-1")
        for name in timings:
            assert results(work / name) == reference, f"{name} differs from local-1"
        print(f"{'executor':<10} {'workers':>7} {'seconds':>8} {'frames/s':>9} {'clips/s':>8}")
        for name, (seconds, _) in timings.items():
            kind, workers = name.split("-")
            frames = args.clips * args.frames
            print(
                f"{kind:<10} {workers:>7} {seconds:8.2f} {frames / seconds:9.1f}"
                f" {args.clips / seconds:8.2f}"
            )
        print("results identical across executors: yes")
        for kind in ("local", "ray"):
            if f"{kind}-1" in timings and f"{kind}-2" in timings:
                ratio = timings[f"{kind}-1"][0] / timings[f"{kind}-2"][0]
                print(f"scaling {kind}: 2 workers / 1 worker = {ratio:.2f}x")
        if "ray-2" in timings:
            print(
                f"ray-2 / local-2 throughput = {timings['local-2'][0] / timings['ray-2'][0]:.2f}x"
            )


if __name__ == "__main__":
    main()
