"""Two reviewers in two browsers (issue 16): a decision made against a status the other
changed meanwhile is refused with who and when; after a correction the finding picker
names the new status and text (defect 5); each browser remembers its reviewer
across a reload; a new empty case opens every page without an error box."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.app.test_browser_e2e import ARGS, CHROMIUM, TIMEOUT, _find_id, _status, settle
from workbench.app.launch import free_port
from workbench.case import Case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]


@contextmanager
def served(case_dir: Path) -> Iterator[str]:
    port = free_port()
    exe = Path(sys.executable).with_name("workbench")
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_USER"}
    proc = subprocess.Popen(
        [str(exe), "app", str(case_dir), "--port", str(port), "--no-browser"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def reviewer_page(browser, url: str, name: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    context.add_cookies(
        [{"name": "workbench_reviewer", "value": urllib.parse.quote(name), "url": url}]
    )
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.goto(url + "/findings")
    settle(pg)
    return pg


def name_box(pg):  # type: ignore[no-untyped-def]
    return pg.get_by_test_id("stSidebar").locator('input[aria-label="reviewer"]')


def pick(pg, text: str) -> None:  # type: ignore[no-untyped-def]
    pg.get_by_text("One finding").first.scroll_into_view_if_needed()
    try:
        pg.get_by_label("finding", exact=True).click(timeout=30_000)
    except Exception:
        pg.screenshot(path="/tmp/pick-fail.png", full_page=True)
        raise
    pg.keyboard.type(text)
    pg.keyboard.press("Enter")
    settle(pg)


def picker(pg) -> str:  # type: ignore[no-untyped-def]
    """What the "finding" picker shows (its input's text)."""
    return str(pg.get_by_label("finding", exact=True).input_value())


def test_two_reviewers_a_refused_stale_decision_and_a_remembered_name(
    demo_case: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with served(demo_case) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        a = reviewer_page(browser, url, "Aigerim A.")
        b = reviewer_page(browser, url, "Bolat B.")
        for pg in (a, b):
            pick(pg, "NORDVIEW VMS 4.2")
        a.get_by_role("button", name="Confirm", exact=True).click()
        expect(a.get_by_text("confirmed by Aigerim A.").first).to_be_visible()
        b.get_by_role("button", name="Reject", exact=True).click()  # B still sees "suggested"
        expect(b.get_by_text("was confirmed by Aigerim A. at").first).to_be_visible()
        oid = _find_id(demo_case, "NORDVIEW VMS 4.2")
        assert _status(demo_case, oid) == ("confirmed", "Aigerim A.")

        # defect 5: after a correction the picker names the new status and text
        pick(a, "CAM O1 QALAPORT")
        assert picker(a).startswith("#1 ocr [suggested] CAM O1")
        form = a.get_by_test_id("stForm").first
        form.get_by_label("text", exact=True).fill("CAM 01 QALAPORT")
        form.get_by_role("button", name="Save correction").click()
        expect(a.get_by_text("#1 corrected by Aigerim A.").first).to_be_visible()
        settle(a)  # the page's run has ended: no stale picker left on it
        assert picker(a) == "#1 ocr [confirmed] CAM 01 QALAPORT", picker(a)
        pick(a, "Playback")  # and it still follows the reviewer's choice
        assert picker(a).endswith("[suggested] Playback"), picker(a)
        with Case.open(demo_case) as case:
            row = case.conn.execute("SELECT text, params FROM observations WHERE id=1").fetchone()
        assert row[0] == "CAM 01 QALAPORT"
        params = json.loads(row[1])  # who typed it; what the machine read, kept beside it
        assert params["typed_by"] == {"text": "Aigerim A."}
        assert params["machine_reading"] == {"text": "CAM O1 QALAPORT"}

        # a name typed in the sidebar survives a reload of the page
        box = name_box(b)
        expect(box).to_have_value("Bolat B.")
        box.fill("Bolat Bekov")
        box.press("Enter")
        settle(b)
        b.wait_for_timeout(500)  # the cookie is written by a zero-height frame
        b.reload()
        settle(b)
        expect(name_box(b)).to_have_value("Bolat Bekov")
        browser.close()


def test_a_new_empty_case_opens_every_page_in_the_browser(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    Case.init(tmp_path / "new", "A brand new case", actor="tester").close()
    with served(tmp_path / "new") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page()
        pg.set_default_timeout(TIMEOUT)
        for path in ("case", "review", "findings", "graph", "casefile"):
            pg.goto(f"{url}/{path}")
            settle(pg)
            expect(pg.get_by_test_id("stMain")).to_be_visible()
            assert pg.get_by_test_id("stException").count() == 0, path
            assert pg.get_by_text("went wrong").count() == 0, path
        browser.close()
