"""The same footage across uploads: fingerprint speed, copy-search speed at archive scale,
and copy-detection recall and precision, each against a reference measured in this run.

1. Fingerprinting: the region hashes of every picture of real and generated clips, batched
   as the keyframe pass computes them, against the per-picture function (the reference,
   same pictures, same run; CPU time on one core, bit-identity checked, memory), and
   against the keyframe pass's own decode + scale-down of the same frames.
2. Search: one shot looked up in an archive of 1,000 videos (about 100,000 keyframes:
   3,000 frames each, one keyframe per 30 frames), against a brute-force alignment of the
   shot with every video (measured on 50 videos, extrapolated to 1,000). The background
   videos are synthetic hash sequences (a random walk per shot), the looked-up shots real.
3. Quality: generated control rooms and real clips (Debian opencv-doc's sample videos),
   each re-published twice (re-encoded at a low bit rate, rescaled, cropped up to 20 %,
   letterboxed or not, a channel logo, a ticker, frames dropped, a studio shot before it)
   among look-alike rooms; every video searched in the case, as `workbench copies` does.
   Recall and precision over video pairs, and the share of links that are frame-exact.

Run: PYTHONPATH=. .venv/bin/python bench/bench_copies.py [--rooms 10] [--seed 11]
     [--only fingerprint|quality]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.copies_media import Copy, make_copy, read_rgb, room_frames
from workbench.synth import write_video
from workbench.video.copy_align import ArchiveIndex, align
from workbench.video.fingerprint import REGIONS, FrameHashes, fingerprint_frames, region_hashes

REAL = Path("/usr/share/doc/opencv-doc/examples/data")
REAL_CLIPS = ("vtest.avi", "Megamind.avi", "tree.avi")


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- 1. fingerprinting ---------------------------------------------------------------


def fingerprint_speed(paths: list[Path]) -> None:
    import tracemalloc

    import cv2

    from workbench.video.index_build import build_index
    from workbench.video.scan import scan_signals
    from workbench.video.signals import ScanParams

    cv2.setNumThreads(1)  # as in the keyframe pass's workers: one process per core
    decode = single = batched = 0.0
    grays: list[np.ndarray] = []
    same = True
    longest: tuple[str, list] = ("", [])
    by_clip: list[list] = []
    for path in paths:
        index = build_index(path)
        began = time.process_time()
        sigs = list(scan_signals(path, index, ScanParams(), threads=1))
        decode += time.process_time() - began
        began = time.process_time()
        one = [region_hashes(sig.gray) for sig in sigs]
        single += time.process_time() - began
        began = time.process_time()
        fp = fingerprint_frames((s.index, s.time, s.gray) for s in sigs)
        batched += time.process_time() - began
        same &= bool(np.array_equal(fp.hashes, np.array(one, np.uint64).reshape(-1, 4)))
        grays.extend(s.gray for s in sigs)
        by_clip.append(sigs)
        if len(sigs) > len(longest[1]):
            longest = (path.name, sigs)
    frames = len(grays)
    began = time.process_time()  # again: the scaling matrices of each picture size are
    for path_sigs in by_clip:  # made once a process, as in a long archive run
        fingerprint_frames((s.index, s.time, s.gray) for s in path_sigs)
    warm = frames / (time.process_time() - began)
    name, sigs = longest  # full batches: an archive's videos are long
    began = time.process_time()
    for sig in sigs:
        region_hashes(sig.gray)
    long_single = len(sigs) / (time.process_time() - began)
    began = time.process_time()
    fingerprint_frames((s.index, s.time, s.gray) for s in sigs)
    long_batched = len(sigs) / (time.process_time() - began)
    wall = two_processes(by_clip)
    tracemalloc.start()
    fingerprint_frames((k, k / 25, g) for k, g in enumerate(grays[:2000]))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rate, ref = frames / batched, frames / single
    print("\n1. fingerprinting (one core, CPU time measured)")
    print(f"   {frames} pictures from {len(paths)} clips (real: {', '.join(REAL_CLIPS)})")
    print(
        f"   decode + scale-down in the keyframe pass            {frames / decode:8.0f} pictures/s"
    )
    print(f"   reference: region hashes one picture at a time       {ref:8.0f} pictures/s")
    print(
        f"   batched ({len(REGIONS)} hashes a picture, 128 a batch)        {rate:8.0f} pictures/s"
    )
    print(f"   ratio batched / reference: {rate / ref:.2f}x; hashes bit-identical: {same}")
    print(
        f"   the longest clip alone ({name}, {len(sigs)} pictures, full batches): reference"
        f" {long_single:.0f}, batched {long_batched:.0f} pictures/s"
        f" ({long_batched / long_single:.2f}x)"
    )
    print(f"   hashing / decode time: {batched / decode:.3f} (what fingerprinting adds)")
    print(f"   memory: hashing 2,000 pictures in batches peaks at {peak / 2**20:.1f} MiB")
    print("   2 cores (extrapolated from CPU time, videos side by side), every frame of an")
    print("   archive with 30 frames per keyframe fingerprinted:")
    print(f"   all clips: reference {2 * ref / 30:.0f}, batched {2 * rate / 30:.0f} keyframes/s")
    print(
        f"   all clips again (picture sizes seen before): batched {2 * warm / 30:.0f}"
        f" keyframes/s ({warm:.0f} pictures/s, {warm / ref:.2f}x the reference)"
    )
    print(
        f"   longest clip: reference {2 * long_single / 30:.0f},"
        f" batched {2 * long_batched / 30:.0f} keyframes/s of footage"
    )
    print(
        f"   measured, not extrapolated: 2 processes side by side, wall clock, every clip"
        f" {ROUNDS} times: {wall / 30:.0f} keyframes/s ({wall:.0f} pictures/s)"
    )


ROUNDS = 100  # passes over the clips in the two-process run (a few seconds: long enough)


def _hash_clips(clips: list[list]) -> int:
    import cv2

    cv2.setNumThreads(1)
    done = 0
    for _ in range(ROUNDS):
        for sigs in clips:
            done += len(fingerprint_frames((s.index, s.time, s.gray) for s in sigs))
    return done


def two_processes(by_clip: list[list]) -> float:
    """Pictures hashed per second of wall clock by two worker processes, each given whole
    clips, about half the pictures (which reach them by fork), as an archive run would."""
    import multiprocessing as mp

    halves: list[list] = [[], []]
    for sigs in sorted(by_clip, key=len, reverse=True):  # about as many pictures each
        min(halves, key=lambda h: sum(map(len, h))).append(sigs)
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(abs, [1, 2], chunksize=1)  # the workers are up before the clock starts
        began = time.perf_counter()
        done = sum(pool.map(_hash_clips, halves, chunksize=1))
        return done / (time.perf_counter() - began)


# -- 2. search at archive scale ------------------------------------------------------


def synthetic_video(rng: np.random.Generator, frames: int = 3000, shot: int = 150) -> FrameHashes:
    """A video's hashes as a random walk: each shot starts anywhere, each frame flips one
    bit of each region's hash."""
    regions = len(REGIONS)
    hashes = np.empty((frames, regions), np.uint64)
    for start in range(0, frames, shot):
        n = min(frames, start + shot) - start
        base = rng.integers(0, 2**63, size=(1, regions), dtype=np.int64).astype(np.uint64)
        flips = np.left_shift(np.uint64(1), rng.integers(0, 64, (n, regions)).astype(np.uint64))
        flips[0] = base[0]
        hashes[start : start + n] = np.bitwise_xor.accumulate(flips, axis=0)
    return FrameHashes(np.arange(frames), np.arange(frames) / 25.0, hashes)


def archive_search(real: dict[str, FrameHashes], queries: list[tuple[str, FrameHashes]]) -> None:
    rng = np.random.default_rng(7)
    began = time.perf_counter()
    videos = {f"synthetic{k:04d}": synthetic_video(rng) for k in range(1000 - len(real))}
    made = time.perf_counter() - began
    videos.update(real)
    frames = sum(len(v) for v in videos.values())
    began = time.perf_counter()
    index = ArchiveIndex(videos)
    build = time.perf_counter() - began
    times, cpu, found = [], [], 0
    for name, query in queries:
        began, began_cpu = time.perf_counter(), time.process_time()
        hits = index.search(query, exclude=name)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        found += bool(hits)
    subset = dict(list(videos.items())[:50])
    began = time.perf_counter()
    for _, query in queries[:3]:
        for target in subset.values():
            align(query, target)
    brute = (time.perf_counter() - began) / min(3, len(queries)) * len(videos) / len(subset)
    per = float(np.median(times))
    data = sum(v.hashes.nbytes + v.times.nbytes + v.indices.nbytes for v in videos.values())
    print("\n2. copy search for one shot in an archive of 1,000 videos (measured)")
    print(f"   {len(videos)} videos, {frames} frames (~{frames // 30} keyframes),")
    print(f"   {len(index)} anchors")
    print(f"   (synthetic background made in {made:.1f} s; index built in {build:.2f} s)")
    print(f"   one shot: median {per:.3f} s, worst {max(times):.3f} s over {len(times)} shots")
    print(f"   one shot, CPU time: median {np.median(cpu):.3f} s, worst {max(cpu):.3f} s")
    print(f"   reference: brute-force alignment with every video {brute:.2f} s (50 measured, x20)")
    print(f"   ratio search / brute force: {per / brute:.3f}; shots found: {found}/{len(times)}")
    print(
        f"   memory: fingerprints {data / 2**20:.0f} MiB, anchor index "
        f"{(index.hashes.nbytes + index.owner.nbytes + index.row.nbytes) / 2**20:.1f} MiB,"
        f" process peak RSS {rss_mib():.0f} MiB"
    )


# -- 3. recall and precision ---------------------------------------------------------


def transforms(rng: np.random.Generator, width: int, height: int) -> Copy:
    crop = tuple(float(v) for v in rng.uniform(0.0, 0.1, 4))  # up to 20 % of each side pair
    scale = float(rng.choice([0.6, 0.8, 1.0, 1.5]))
    size = (int(width * scale) // 2 * 2, int(height * scale) // 2 * 2)
    canvas = None
    if rng.random() < 0.5:  # letterboxed into 4:3 or pillarboxed into 16:9
        canvas = (size[0], int(size[0] * 3 / 4) // 2 * 2)
        if canvas[1] <= size[1]:
            canvas = (int(size[1] * 16 / 9) // 2 * 2, size[1])
    start, prefix = int(rng.integers(0, 10)), int(rng.integers(0, 20))
    crf = int(rng.integers(34, 42))
    return Copy(start, prefix, crop, size, canvas, True, True, crf)  # type: ignore[arg-type]


def quality(
    root: Path, rooms: int, seed: int = 11
) -> tuple[dict[str, FrameHashes], list[tuple[str, FrameHashes]]]:
    from workbench.batch.analyze import analyze
    from workbench.case import Case
    from workbench.ingest import ingest_file
    from workbench.recognize.copies import find_copies
    from workbench.video.analysis import load_analysis, video_fingerprint

    rng = np.random.default_rng(seed)
    sources: dict[str, list[np.ndarray]] = {}
    for k in range(rooms):
        sources[f"room{k}"] = list(room_frames(100 + k, 60))
    for name in REAL_CLIPS:
        if (REAL / name).is_file():
            frames = read_rgb(REAL / name)[10:100]
            h, w = frames[0].shape[:2]
            size = (320, int(320 * h / w) // 2 * 2)
            import cv2

            sources[f"real:{name}"] = [
                cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames
            ]
    files: dict[str, Path] = {}
    truth: dict[str, tuple[str, Copy | None]] = {}  # video -> (the clip it shows, how)
    for k, (name, frames) in enumerate(sources.items()):
        path = root / f"{name.replace(':', '_')}.mp4"
        write_video(path, frames, fps=25, crf=18)
        files[name] = path
        truth[name] = (name, None)
        h, w = frames[0].shape[:2]
        for n in range(2):
            copy = transforms(rng, w, h)
            cpath = root / f"{name.replace(':', '_')}-copy{n}.mp4"
            studio = list(room_frames(900 + 2 * k + n, 30))  # a studio of its own per copy
            make_copy(frames, copy, cpath, prefix=studio)
            files[f"{name}-copy{n}"] = cpath
            truth[f"{name}-copy{n}"] = (name, copy)
    for k in range(rooms):  # look-alike rooms: same layout, other pictures, no copy
        path = root / f"distractor{k}.mp4"
        write_video(path, room_frames(500 + k, 60), fps=25, crf=30)
        files[f"distractor{k}"] = path
        truth[f"distractor{k}"] = (f"distractor{k}", None)
    Case.init(root / "case", "bench copies", actor="bench").close()
    with Case.open(root / "case") as case:
        sha = {name: ingest_file(case, path, "bench").video_sha256 for name, path in files.items()}
        began = time.perf_counter()
        analyze(case, "keyframes", actor="bench", workers=0)
        analysed = time.perf_counter() - began
        began = time.perf_counter()
        result = find_copies(case, actor="bench")
        searched = time.perf_counter() - began
        fps = {s: video_fingerprint(case, s) for s in sha.values()}
        queries = []
        for name in sources:
            analysis = load_analysis(case, sha[name])
            fp = fps[sha[name]]
            assert analysis is not None and fp is not None
            for shot in analysis.shots:
                queries.append((sha[name], fp.span(shot.first_index, shot.last_index)))
    name_of = {v: k for k, v in sha.items()}
    predicted = {frozenset((name_of[x.video_a], name_of[x.video_b])) for x in result.links}
    pairs = [frozenset(p) for p in combinations(files, 2)]
    expected = {p for p in pairs if len({truth[n][0] for n in p}) == 1}
    for label, real in (("generated rooms", False), ("real clips (opencv-doc)", True)):
        mine = {n for n in sources if n.startswith("real:") == real}
        exp = {p for p in expected if {truth[n][0] for n in p} <= mine}
        pred = {p for p in predicted if any(truth[n][0] in mine for n in p)}
        tp = len(exp & pred)
        print(f"\n3. {label}: {len(mine)} clips x 2 copies, {rooms} look-alike rooms and")
        print(f"   {2 * len(sources)} studio shots of the same kind as distractors (measured)")
        print(
            f"   video pairs: recall {tp}/{len(exp)} = {tp / max(len(exp), 1):.2f},"
            f" precision {tp}/{len(pred)} = {tp / max(len(pred), 1):.2f}"
        )
        for word, group in (("missed", exp - pred), ("wrong", pred - exp)):
            if group:
                print(f"   {word}: {'; '.join(sorted(' ~ '.join(sorted(p)) for p in group))}")
    exact = total = 0
    for x in result.links:
        clip, copy = truth[name_of[x.video_b]]
        if copy is not None and name_of[x.video_a] == clip:
            total += 1
            exact += x.b_first == copy.frame_of(x.a_first)
    print(f"\n   links original -> copy that are frame-exact: {exact}/{total}")
    print(
        f"   keyframe pass (with fingerprints) over {len(files)} videos: {analysed:.1f} s;"
        f" every shot searched (with pixel checks): {searched:.1f} s ({len(result.links)} links)"
    )
    real_fps = {f"real{k}": v for k, v in enumerate(fps.values()) if v is not None}
    return real_fps, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--seed", type=int, default=11, help="the copies' transforms (3.)")
    parser.add_argument("--only", choices=["fingerprint", "quality"], default=None)
    parser.add_argument("--dir", type=Path, default=None, help="keep the media and case here")
    args = parser.parse_args()
    real_clips = [REAL / n for n in REAL_CLIPS if (REAL / n).is_file()]
    with tempfile.TemporaryDirectory() as tmp:
        root = args.dir or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        if args.only == "fingerprint":
            for k in range(6):
                write_video(root / f"room{k}.mp4", room_frames(100 + k, 60), fps=25, crf=18)
            fingerprint_speed(sorted(root.glob("room*.mp4")) + real_clips)
            return
        real, queries = quality(root, args.rooms, args.seed)
        if args.only == "quality":
            return
        clips = [p for p in sorted(root.glob("*.mp4")) if "copy" not in p.name][:6]
        fingerprint_speed(clips + real_clips)
        archive_search(real, queries[:20])


if __name__ == "__main__":
    main()
