"""Benchmark of the Review page's keyboard viewer (not a test): key press to new picture.

    PYTHONPATH=. .venv/bin/python bench/bench_review_keys.py [--frames 250] [--size 1280x720]

Generates a numbered H.264 clip (index burned into each frame), ingests it into a new
case, runs `workbench app` on a free port and drives Debian's Chromium with playwright:

- reference, in this run: the "+1" button with the viewer off, click to the caption of
  the new frame (a server round trip: decode, draw, encode, send);
- viewer, inside its window: ←/→ and Shift+←/→ measured in the page from keydown to the
  next paint after the picture changed (window.__wbTimings, trip=false);
- viewer, leaving its window: the step asks the server for a new window; keydown to the
  paint of the new window's picture (trip=true);
- both viewer cases also measured from Python (key press to the caption's new frame
  number), the same way as the reference;
- jumps: End, Home and clicks on the timeline, each followed by +1, +1, +10, −1.

All of it twice in the same run, on the same clip: with the frame server off
(WORKBENCH_FRAME_SERVER=0, as before it existed: every new window comes through a
Streamlit rerun) and on (the viewer fetches the frames it lacks from the frame server).
Prints medians, 95th percentiles and maxima, and the ratios between the two.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(name: str, values: list[float]) -> str:
    return (f"{name:<44} n={len(values):3d}  median {statistics.median(values):7.1f} ms"
            f"  p95 {pct(values, 0.95):7.1f} ms  max {max(values):7.1f} ms")  # fmt: skip


def measure(case_dir: Path, args: argparse.Namespace, server: bool) -> dict[str, list]:
    """One app, one browser: the +1 button, then the viewer's steps and jumps; with the
    frame server on (`server`) or off (every new window through a Streamlit rerun)."""
    from playwright.sync_api import expect, sync_playwright

    from tests.app.test_browser_e2e import ARGS, CHROMIUM, settle
    from tests.app.test_browser_reviewers import served

    os.environ["WORKBENCH_FRAME_SERVER"] = "1" if server else "0"
    with served(case_dir) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1100})
        pg.set_default_timeout(120_000)
        pg.goto(url + "/review")
        settle(pg)
        last = args.frames - 1
        button: list[float] = []
        for n in range(1, min(args.steps, 20) + 1):
            t0 = time.perf_counter()
            pg.get_by_role("button", name="+1", exact=True).click()
            expect(pg.get_by_text(f"frame {n} / {last}").first).to_be_visible()
            button.append((time.perf_counter() - t0) * 1000)
        pg.get_by_test_id("stSidebar").get_by_text("keyboard viewer").click()
        settle(pg)
        frame = pg.frame_locator('iframe[title*="frame_viewer"]')
        frame.locator("#cap[data-index]").wait_for()
        pic = frame.locator("#pic")
        bar = frame.locator("#bar")
        outside: list[float] = []
        inside: list[float] = []
        jumps: list[float] = []
        index = int(frame.locator("#cap").get_attribute("data-index"))
        pattern = ("ArrowRight", "ArrowRight", "Shift+ArrowRight", "ArrowLeft")
        delta = {"ArrowRight": 1, "Shift+ArrowRight": 10, "ArrowLeft": -1}
        plan: list[tuple[str, int]] = [(pattern[n % 4], 0) for n in range(args.steps)]
        for target in (last, 0, round(0.7 * last), round(0.3 * last), round(0.9 * last),
                       round(0.5 * last)):  # fmt: skip
            # a jump (End, Home, a click on the timeline), then steps from there
            how = "End" if target == last else "Home" if target == 0 else "click"
            plan += [(how, target)] + [(k, 0) for k in pattern]
        for key, target in plan:
            index = min(max(index + delta[key], 0), last) if key in delta else target
            pic.focus()
            t0 = time.perf_counter()
            if key == "click":
                width = bar.bounding_box()["width"]  # the page maps x to round(x/w*last)
                t0 = time.perf_counter()
                bar.click(position={"x": target / last * width, "y": 10})
            else:
                pg.keyboard.press(key)
            try:
                if key == "click":  # a pixel of the timeline spans about one frame or more:
                    # the frame clicked is the one within a frame of the target shown
                    near = "|".join(str(i) for i in range(index - 1, index + 2))
                    expect(frame.locator("#cap")).to_have_attribute(
                        "data-index", re.compile(f"^({near})$")
                    )
                    index = int(frame.locator("#cap").get_attribute("data-index"))
                else:
                    expect(frame.locator("#cap")).to_have_attribute("data-index", str(index))
            except AssertionError:
                print(key, index, pic.evaluate("() => window.__wbRenders"), file=sys.stderr)
                raise
            took = (time.perf_counter() - t0) * 1000
            timings = pic.evaluate("() => window.__wbTimings")
            if key not in delta:
                jumps.append(took)
            else:
                (outside if timings[-1]["trip"] else inside).append(took)
        pg.wait_for_timeout(500)  # the last timing is written after the next paint
        timings = pic.evaluate("() => window.__wbTimings")
        browser.close()
    return {
        "button": button,
        "inside": inside,
        "outside": outside,
        "jumps": jumps,
        "timings": timings,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=250)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--steps", type=int, default=40)
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))

    from workbench.case import Case
    from workbench.ingest.local import ingest_file
    from workbench.synth import numbered_frames, write_video
    from workbench.video import analyze_keyframes

    tmp = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    clip = tmp / "numbered.mp4"
    write_video(clip, numbered_frames(args.frames, w, h), fps=25, gop=50)
    Case.init(tmp / "case", "Keys bench", actor="bench").close()
    with Case.open(tmp / "case") as case:
        sha = ingest_file(case, clip, actor="bench").video_sha256
        analyze_keyframes(case, sha, actor="bench")

    from workbench.app.frame_window import AHEAD, BEHIND

    print(f"clip {w}x{h}, {args.frames} frames; page window {AHEAD} ahead, {BEHIND} behind")
    print(f"machine: {os.cpu_count()} cores (wall-clock timings: a shared machine is noisy)")
    results = {}
    for server in (False, True):
        results[server] = got = measure(tmp / "case", args, server)
        timings = got["timings"]
        inside, outside, jumps = got["inside"], got["outside"], got["jumps"]
        in_page = [t["ms"] for t in timings if not t["trip"]]
        trips = [t["ms"] for t in timings if t["trip"]]
        print()
        print(
            "frame server ON (this build)"
            if server
            else "frame server OFF (WORKBENCH_FRAME_SERVER=0: windows through Streamlit reruns)"
        )
        if not server:
            print(line("reference: +1 button, click to caption", got["button"]))
        print(line("viewer in window, keydown to paint (page)", in_page))
        if trips:
            print(line("viewer leaving window, keydown to paint", trips))
        print(line("viewer in window, key to caption (python)", inside))
        if outside:
            print(line("viewer leaving window, key to caption (py)", outside))
        print(line("viewer jumps (End/Home/timeline), to caption (py)", jumps))
        print(line("viewer, every step and jump, to caption (py)", inside + outside + jumps))
        print(line("viewer, every step, keydown to paint (page)", in_page + trips))
    off, on = results[False], results[True]
    every_off = off["inside"] + off["outside"] + off["jumps"]
    every_on = on["inside"] + on["outside"] + on["jumps"]
    print()
    print(
        f"ratio +1 button / viewer median (server on): "
        f"{statistics.median(off['button']) / statistics.median(every_on):.1f}x"
    )
    print(
        f"ratio p95 server off / on, every step and jump: "
        f"{pct(every_off, 0.95) / pct(every_on, 0.95):.1f}x"
    )
    print(
        f"ratio jumps median server off / on: "
        f"{statistics.median(off['jumps']) / statistics.median(on['jumps']):.1f}x"
    )


if __name__ == "__main__":
    main()
