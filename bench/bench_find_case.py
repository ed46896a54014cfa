"""Find everywhere through the product, on the wall clock (benchmark, not a test).

    .venv/bin/python bench/bench_find_case.py [--videos 8] [--shots 40] [--candidates 150]

bench_find.py measures the search at archive scale and the cost of verifying one
candidate (CPU seconds, halved for 2 cores). This checks that model on a real case:
720p H.264 clips made of bench_find's keyframes (photographs from scikit-image and
opencv-doc, generated rooms; one shot a second, panning, 2-s GOP), OpenCV's logo (from
opencv-doc, not made by us; the generated logo without it) pasted into some shots,
ingested and analysed by the CLI; a reference boxed on a frame of one more clip; then
`find_everywhere` with the word index on (`prefilter_from=0`) and `--candidates`
keyframes verified, timed on the wall clock: decoding, regions, the matcher on 2
threads, the suggestions written to SQLite. The same search is run a second time with
the regions turned off (every candidate verified on its whole keyframe) in a copy of the
case, for the ratio. Recall counts planted shots with a suggestion overlapping the mark.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_find as bf
from click.testing import CliRunner

from workbench.cli import main as cli
from workbench.recognize import synthlogos as synth

SIZE = (1280, 720)
FPS = 25


def _encode(path: Path, pictures: list[np.ndarray], pan: int = 2) -> None:
    bf.encode_clip(path, pictures, pan, FPS)


def _run(*args: object) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"workbench {args[0]} failed: {result.output}")
    return result.output


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--videos", type=int, default=8)
    ap.add_argument("--shots", type=int, default=40, help="shots (keyframes) a video")
    ap.add_argument("--positives", type=int, default=12, help="shots showing the mark")
    ap.add_argument("--candidates", type=int, default=150)
    args = ap.parse_args()
    mark = bf.opencv_logo()
    name = "opencv-logo"
    if mark is None:
        mark, name = synth.render_logo("Korgan Vision", seed=41, width=300), "generated-logo"
    total = args.videos * args.shots
    archive = bf.Archive({name: mark}, total, args.positives, SIZE, (100, 300))
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        clips = []
        for v in range(args.videos):
            shots = [archive.keyframe(v * args.shots + s) for s in range(args.shots)]
            clips.append(root / f"v{v:02d}.mp4")
            _encode(clips[-1], shots)
        scene = synth.render_scene(99, *SIZE)
        frame, quad = synth.paste_logo(scene, mark, synth.Placement(width=160, center=(640, 360)))
        _encode(root / "ref.mp4", [frame], pan=0)
        (x0, y0), (x1, y1) = np.floor(quad.min(0)).astype(int), np.ceil(quad.max(0)).astype(int)
        case_dir = root / "case"
        _run("case", "init", case_dir, "--title", "find bench")
        for clip in [*clips, root / "ref.mp4"]:
            _run("ingest", case_dir, clip)
        t0 = time.perf_counter()
        _run("analyze", case_dir, "--stages", "keyframes", "--workers", "1")
        t_analyse = time.perf_counter() - t0
        shutil.copytree(case_dir, root / "whole")
        shutil.copytree(case_dir, root / "none")
        print(
            f"cores {os.cpu_count()}, load {os.getloadavg()[0]:.1f}; {args.videos} clips of "
            f"{args.shots} one-second shots, 1280x720 H.264, {name} in {args.positives} shots "
            f"(100-300 px); made, ingested and analysed in {time.perf_counter() - began:.0f} s "
            f"(keyframes stage {t_analyse:.0f} s)"
        )
        runs = (
            ("around the votes", case_dir, ""),
            ("whole keyframes", root / "whole", "whole"),
            ("bookkeeping alone (the index rules out every keyframe)", root / "none", "none"),
        )
        for label, folder, how in runs:
            box = (x0, y0, x1 - x0, y1 - y0)
            found, kept, seconds, keyframes = _search(folder, box, args, how)
            right, others = _right(found, archive, args.shots)
            want = len(archive.planted)
            if how == "none":
                n = args.videos + 1
                worst = max(seconds * 1000 / n, seconds * 100_000 / keyframes)
                print(
                    f"\n{label}: {keyframes} keyframes in {n} videos, {seconds:.2f} s wall "
                    f"(without building the reference's matcher): at 1,000 videos of 100 "
                    f"keyframes at most {worst:.0f} s (the larger of the two, per video or "
                    f"per keyframe)"
                )
                continue
            print(
                f"\n{label}: {keyframes} keyframes, {kept} verified: {seconds:.1f} s wall "
                f"({seconds / max(1, kept):.3f} s a verified keyframe, index and search "
                f"included); recall {right}/{want} planted shots; other suggestions: "
                f"{others or 'none'}"
            )


def _search(folder: Path, box: tuple[int, ...], args, how: str):
    import json

    from workbench.case import Case
    from workbench.recognize.find import match
    from workbench.recognize.find.make import make_reference

    sources = json.loads(_run("sources", folder, "--json"))
    by_name = {Path(s["uri"]).stem: s["video_sha256"] for s in sources}
    with Case.open(folder) as case:
        ref_sha = next(sha for stem, sha in by_name.items() if "ref" in stem)
        ref, _ = make_reference(case, ref_sha, 12, box, "bench", "logo")
        from workbench.recognize.find import archive

        archive.word_index(case, archive.vocabulary(case), list(by_name.values()))  # built once
        t0 = time.perf_counter()
        match.ReferenceMatcher(case, ref)
        built = time.perf_counter() - t0  # once a search, whatever the archive
        saved, saved_candidates = match.regions, archive.candidates
        if how == "whole":
            match.regions = lambda *a, **k: None  # type: ignore[assignment]
        if how == "none":
            archive.candidates = lambda *a, **k: {}  # type: ignore[assignment]
        try:
            t0 = time.perf_counter()
            result = match.find_everywhere(
                case, ref.id, prefilter_from=0, candidates=args.candidates
            )
            seconds = time.perf_counter() - t0
        finally:
            match.regions, archive.candidates = saved, saved_candidates
        stems = {sha: stem for stem, sha in by_name.items()}
        found = [(stems[m.video], m.frame_index, m.bbox) for m in result.matches if m.new]
        kept = result.keyframes - result.filtered - result.skipped
        if how == "none":
            seconds -= built
        return found, kept, seconds, result.keyframes


def _right(found, archive: bf.Archive, shots: int) -> tuple[int, list[str]]:
    """Planted shots found at their place; the other suggestions, as clip@frame."""
    hit, others = set(), []
    for stem, frame, bbox in found:
        if not stem.startswith("v") or bbox is None:
            others.append(f"{stem}@{frame}" + (" (the reference's own clip)" * (stem == "ref")))
            continue
        i = int(stem[1:]) * shots + frame // FPS
        truth = archive.truth.get(i)
        if truth is None:
            others.append(f"{stem}@{frame}")
            continue
        dx = 2 * (frame % FPS)  # the shot pans 2 px a frame
        moved = (truth[0] + dx, truth[1], truth[2] + dx, truth[3])
        if bf.iou(bbox, moved) >= 0.3:
            hit.add(i)
        else:
            others.append(f"{stem}@{frame} (off the mark)")
    return len(hit), others


if __name__ == "__main__":
    main()
