"""The keyboard viewer in a real browser (issue 16): ←/→, Shift+←/→, Home/End step
through a window of frames held in the page and ask the server for a new window when
a step leaves it; after every step the picture's burned-in frame number is the one the
caption names."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.app.test_browser_e2e import ARGS, CHROMIUM, SHOTS, TIMEOUT, settle
from tests.app.test_browser_reviewers import served
from workbench.case import Case
from workbench.ingest.local import ingest_file
from workbench.synth import numbered_frames, read_index_strip, write_video
from workbench.video import analyze_keyframes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]
COUNT = 75


@pytest.fixture()
def numbered_case(tmp_path: Path) -> Path:
    clip = tmp_path / "numbered.mp4"
    write_video(clip, numbered_frames(COUNT), fps=25, gop=12)
    Case.init(tmp_path / "case", "Keys", actor="tester").close()
    with Case.open(tmp_path / "case") as case:
        sha = ingest_file(case, clip, actor="tester").video_sha256
        analyze_keyframes(case, sha, actor="tester")
    return tmp_path / "case"


def open_viewer(pg, url: str):  # type: ignore[no-untyped-def]
    """The Review page with the keyboard viewer on; returns the viewer's frame."""
    pg.goto(url + "/review")
    settle(pg)
    pg.get_by_test_id("stSidebar").get_by_text("keyboard viewer").click()
    settle(pg)
    frame = pg.frame_locator('iframe[title*="frame_viewer"]')
    frame.locator("#cap[data-index]").wait_for()
    return frame


def shown(frame) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(the caption's frame number, the frame number burned into the picture shown)."""
    index, src = frame.locator("#pic").evaluate(
        "p => [document.getElementById('cap').dataset.index, p.src]"
    )  # one read: the caption and the picture of the same moment
    caption = int(index)
    data = base64.b64decode(src.split(",", 1)[1])
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    small = cv2.resize(bgr, (320, 240), interpolation=cv2.INTER_AREA)
    return caption, read_index_strip(small[:, :, ::-1])


@pytest.fixture()
def browser_page() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1300, "height": 1000})
        pg.set_default_timeout(TIMEOUT)
        yield pg
        browser.close()


@pytest.mark.parametrize("via", ["server", "page"])
def test_keys_step_exact_frames_and_the_caption_matches_the_picture(
    numbered_case: Path, browser_page, via: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """With the frame server (frames the viewer lacks fetched from it), and without it
    (WORKBENCH_FRAME_SERVER=0: every new window comes through a Streamlit rerun)."""
    from playwright.sync_api import expect

    monkeypatch.setenv("WORKBENCH_FRAME_SERVER", "1" if via == "server" else "0")
    pg = browser_page
    with served(numbered_case) as url:
        frame = open_viewer(pg, url)
        assert shown(frame) == (0, 0)
        frame.locator("#pic").focus()
        expected = 0
        steps = [
            ("ArrowRight", 1), ("ArrowRight", 1), ("Shift+ArrowRight", 10), ("ArrowLeft", -1),
            ("Shift+ArrowRight", 10), ("Shift+ArrowRight", 10), ("End", None),
            ("Shift+ArrowLeft", -10), ("Home", None), ("ArrowRight", 1),
        ]  # fmt: skip
        for key, delta in steps:
            frame.locator("#pic").focus()
            pg.keyboard.press(key)
            if delta is None:
                expected = 0 if key == "Home" else COUNT - 1
            else:
                expected = min(max(expected + delta, 0), COUNT - 1)
            expect(frame.locator("#cap")).to_have_attribute("data-index", str(expected))
            assert shown(frame) == (expected, expected), key
        # L plays forward, K stops (and tells the server where it stopped)
        frame.locator("#pic").focus()
        pg.keyboard.press("l")
        pg.wait_for_timeout(400)
        pg.keyboard.press("k")
        pg.wait_for_timeout(1500)  # K also tells the server: its answer must not move it
        stopped, burned = shown(frame)
        assert stopped > 1 and burned == stopped, (stopped, burned)
        pg.wait_for_timeout(300)
        assert shown(frame) == (stopped, stopped)  # it stays where it stopped
        # J plays backwards (through frames fetched behind the window), K stops
        frame.locator("#pic").focus()
        pg.keyboard.press("j")
        pg.wait_for_timeout(400)
        pg.keyboard.press("k")
        pg.wait_for_timeout(1500)
        back, burned = shown(frame)
        assert back < stopped and burned == back, (stopped, back, burned)
        if via == "server":
            SHOTS.mkdir(parents=True, exist_ok=True)
            pg.locator('iframe[title*="frame_viewer"]').scroll_into_view_if_needed()
            pg.mouse.wheel(0, 300)
            pg.wait_for_timeout(300)
            pg.screenshot(path=str(SHOTS / "07-keyboard-viewer.png"), full_page=False)
        timings = frame.locator("#pic").evaluate("() => window.__wbTimings")
        assert len(timings) >= len(steps)
        trips = [t for t in timings if t["trip"]]
        assert trips and {t["via"] for t in trips} == {via}  # End left the window
