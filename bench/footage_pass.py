"""The whole keyframe pass against FFmpeg decoding, on the same files, in one run.

For each clip: `ffmpeg -i clip -f null -` and `workbench analyze DIR --stages keyframes`
(a process each, start included; the video ingested beforehand, as users do: ingest
decodes it once to build and store the frame index and the pass's signals) — wall time,
frames/s, CPU seconds and peak memory; the ingest timed too, and ingest + pass together
against one `ffmpeg -f null` and (with `--before DIR`, a checkout from before, e.g.
`git archive main | tar -x -C DIR`) against that tree's ingest + pass, so that work moved
from the pass into ingest shows; on the generated clip also PySceneDetect's ContentDetector and
AdaptiveDetector, and cut recall / precision of all three against the known cuts
(a cut within ±2 frames of a true one, or inside a fade's or dissolve's span), and
whether any cut lands on a flash. Real footage: Debian opencv-doc's sample videos.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

TOLERANCE = 2
WORKBENCH = [sys.executable, "-m", "workbench.cli"]
REAL = Path("/usr/share/doc/opencv-doc/examples/data")


def run_timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """(wall s, CPU s, peak RSS MiB, stdout) of one command, in a process of its own
    (run in the tree on `env`'s PYTHONPATH: `python -m` puts the working folder first)."""
    wrapper = (
        "import resource, subprocess, sys, json; "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "r = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "sys.stderr.write(p.stderr); "
        "print(json.dumps([p.returncode, r.ru_maxrss, r.ru_utime + r.ru_stime, p.stdout]))"
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd],
        capture_output=True,
        text=True,
        env=env,
        cwd=_cwd(env),
    )
    wall = time.perf_counter() - start
    code, rss_kib, cpu, stdout = json.loads(out.stdout.strip().splitlines()[-1])
    if code != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {out.stderr[-500:]}")
    return wall, cpu, rss_kib // 1024, stdout


def _cwd(env: dict[str, str] | None) -> str | None:
    return env.get("PYTHONPATH") if env else None


def score(found: list[int], spans: list[tuple[int, int]]) -> tuple[float, float, list[int]]:
    """(recall, precision, false cuts): each true span matched to at most one cut."""
    left = sorted(found)
    hits = 0
    for lo, hi in spans:
        match = next((f for f in left if lo - TOLERANCE <= f <= hi + TOLERANCE), None)
        if match is not None:
            hits += 1
            left.remove(match)
    recall = hits / len(spans) if spans else 1.0
    precision = hits / len(found) if found else 1.0
    return recall, precision, left


def workbench_pass(case: Path, clip: Path, env: dict[str, str]) -> dict:
    """Ingest (timed on its own: it decodes every picture once, for the frame index and,
    since issue 13's second round, the pass's signals), then the timed keyframe pass."""
    if case.exists():
        shutil.rmtree(case)
    subprocess.run(
        [*WORKBENCH, "case", "init", str(case), "--title", "bench"],
        check=True,
        env=env,
        capture_output=True,
        cwd=_cwd(env),
    )
    in_wall, in_cpu, in_rss, _ = run_timed([*WORKBENCH, "ingest", str(case), str(clip)], env)
    analyze = [*WORKBENCH, "analyze", str(case), "--stages", "keyframes"]
    wall, cpu, rss, _ = run_timed(analyze, env)
    rows = json.loads(
        subprocess.run(
            [*WORKBENCH, "shots", str(case), "--format", "json"],
            check=True,
            env=env,
            capture_output=True,
            text=True,
            cwd=_cwd(env),
        ).stdout
    )
    starts = [r["first_index"] for r in rows if r["record"] == "shot"][1:]
    return {
        "ingest": in_wall,
        "ingest_cpu": in_cpu,
        "ingest_rss": in_rss,
        "wall": wall,
        "cpu": cpu,
        "rss": rss,
        "cuts": starts,
    }


def ffmpeg_null(clip: Path) -> tuple[float, float, int]:
    import imageio_ffmpeg

    wall, cpu, rss, _ = run_timed(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(clip),
            "-map",
            "0:v:0",
            "-f",
            "null",
            "-",
        ]
    )
    return wall, cpu, rss


def pyscenedetect(clip: Path, name: str) -> tuple[float, list[int]] | None:
    code = (
        "import sys, json, time, scenedetect as s; t = time.perf_counter(); "
        "v = s.open_video(sys.argv[1], backend='pyav'); m = s.SceneManager(); "
        f"m.add_detector(s.{name}()); m.detect_scenes(v); "
        "cuts = [a.frame_num for a, _ in m.get_scene_list()[1:]]; "
        "print(json.dumps([time.perf_counter() - t, cuts]))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(clip)], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    t, cuts = json.loads(out.stdout.strip().splitlines()[-1])
    return t, cuts


def bench_clip(
    folder: Path, clip: Path, frames: int, truth, env: dict[str, str], before: Path | None
) -> None:
    ff_wall, ff_cpu, ff_rss = ffmpeg_null(clip)
    ours = workbench_pass(folder / f"case-{clip.stem}", clip, env)
    old = None
    if before is not None:
        old = workbench_pass(folder / f"case-before-{clip.stem}", clip, _env(before))
    print(f"{clip.name}: {frames} frames")
    print(
        f"  ffmpeg -f null            {ff_wall:6.2f} s {frames / ff_wall:5.0f} fps  "
        f"CPU {ff_cpu:6.2f} s ({ff_cpu / ff_wall:.2f} cores busy)  peak {ff_rss} MiB"
    )
    print(
        f"  workbench keyframe pass   {ours['wall']:6.2f} s {frames / ours['wall']:5.0f} fps  "
        f"CPU {ours['cpu']:6.2f} s ({ours['cpu'] / ours['wall']:.2f} cores busy)  "
        f"peak {ours['rss']} MiB  "
        f"= {ff_wall / ours['wall']:.2f}x ffmpeg (wall), {ff_cpu / ours['cpu']:.2f}x (CPU)"
    )
    both_wall, both_cpu = ours["ingest"] + ours["wall"], ours["ingest_cpu"] + ours["cpu"]
    print(
        f"  ingest (index + signals)  {ours['ingest']:6.2f} s            "
        f"CPU {ours['ingest_cpu']:6.2f} s"
    )
    print(
        f"  ingest + keyframe pass    {both_wall:6.2f} s            CPU {both_cpu:6.2f} s  "
        f"= {ff_wall / both_wall:.2f}x ffmpeg (wall), {ff_cpu / both_cpu:.2f}x (CPU)"
    )
    if old is not None:
        old_wall, old_cpu = old["ingest"] + old["wall"], old["ingest_cpu"] + old["cpu"]
        print(
            f"  before: pass            {old['wall']:6.2f} s  CPU {old['cpu']:6.2f} s "
            f"= {ff_wall / old['wall']:.2f}x / {ff_cpu / old['cpu']:.2f}x ffmpeg (wall / CPU); "
            f"ingest {old['ingest']:.2f} s CPU {old['ingest_cpu']:.2f} s"
        )
        print(
            f"  before: ingest + pass   {old_wall:6.2f} s  CPU {old_cpu:6.2f} s; now / before: "
            f"{old_wall / both_wall:.2f}x faster (wall), {old_cpu / both_cpu:.2f}x (CPU); "
            f"same cuts: {old['cuts'] == ours['cuts']}"
        )
    if truth is None:
        print(f"  shots found: {len(ours['cuts']) + 1}")
        return
    spans = truth.spans()
    rows = [("ours", ours["wall"], ours["cuts"])]
    for name in ("ContentDetector", "AdaptiveDetector"):
        got = pyscenedetect(clip, name)
        if got is None:
            print(
                f"  PySceneDetect {name}: not importable here, skipped "
                "(pip install --no-deps scenedetect)"
            )
            continue
        rows.append((name, got[0], got[1]))
    for name, t, cuts in rows:
        recall, precision, false = score(cuts, spans)
        on_flash = sorted(set(cuts) & set(truth.flashes))
        print(
            f"  {name:<17} {t:6.2f} s {frames / t:5.0f} fps  recall {recall:.2f} "
            f"precision {precision:.2f}  false {false or '-'}  cuts at a flash {on_flash or '-'}"
        )


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(tree).resolve())}


def main(folder: Path, seconds: int, long_minutes: int, before: Path | None = None) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import imageio_ffmpeg
    from footage_clip import FPS, frames_and_truth, write_clip

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    clip = folder / f"footage-{seconds}s.mp4"
    if not clip.exists():
        t0 = time.perf_counter()
        write_clip(clip, seconds)
        print(f"generated {clip.name} in {time.perf_counter() - t0:.0f} s")
    _, truth = frames_and_truth(seconds)
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} (shared: compare CPU s)")
    if before is not None:
        print(f"before: the workbench in {before} (ingest and pass), same clips, same run")
    bench_clip(folder, clip, seconds * FPS, truth, env, before)
    for name in ("vtest.avi", "Megamind.avi"):
        real = REAL / name
        if real.is_file():
            import av

            with av.open(str(real)) as c:
                frames = sum(1 for p in c.demux(video=0) if p.size)
            bench_clip(folder, real, frames, None, env, before)
        else:
            print(f"{name}: Debian's opencv-doc is not installed, skipped")
    if long_minutes:
        repeats = max(1, long_minutes * 60 // seconds)
        long = folder / f"footage-{repeats * seconds}s.mp4"
        if not long.exists():
            listing = folder / "concat.txt"
            listing.write_text("".join(f"file '{clip.name}'\n" for _ in range(repeats)))
            subprocess.run(
                [
                    imageio_ffmpeg.get_ffmpeg_exe(),
                    "-v",
                    "error",
                    "-f",
                    "concat",
                    "-safe",
                    "0",
                    "-i",
                    str(listing),
                    "-c",
                    "copy",
                    str(long),
                ],
                check=True,
            )
        ours = workbench_pass(folder / "case-long", long, env)
        short = workbench_pass(folder / "case-short", clip, env)
        print(
            f"peak memory of the keyframe pass: {seconds} s clip {short['rss']} MiB, "
            f"{repeats * seconds} s clip {ours['rss']} MiB; of ingest (index + signals): "
            f"{short['ingest_rss']} MiB, {ours['ingest_rss']} MiB"
        )
