"""Publishing from the Case file page in a real browser (issue 16, defect 8): the
publication is a job of the app server, so closing the page mid-publish loses nothing,
and a page opened later says where it was published."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.test_browser_e2e import ARGS, CHROMIUM, TIMEOUT, settle
from tests.app.test_browser_reviewers import served
from workbench.app import publish_job

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]


def publish_tab(browser, url: str):  # type: ignore[no-untyped-def]
    pg = browser.new_page(viewport={"width": 1300, "height": 900})
    pg.set_default_timeout(TIMEOUT)
    pg.goto(url + "/casefile")
    settle(pg)
    pg.get_by_role("tab", name="Publish").click()
    return pg


def test_closing_the_page_mid_publish_loses_nothing(demo_case: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with served(demo_case) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = publish_tab(browser, url)
        pg.get_by_role("button", name="Publish", exact=True).click()
        expect(pg.get_by_text("Publishing… started by").first).to_be_visible()
        expect(pg.get_by_test_id("stProgress").first).to_be_visible()  # a bar per step
        pg.close()  # mid-publish: the job belongs to the server, not to the page
        running = publish_job.latest(demo_case)
        assert running is not None and running.running, running

        job = publish_job.wait(demo_case, timeout=240)
        assert job is not None and job.state == "published", job
        assert job.result and job.result["verified"]
        assert Path(job.result["zip"]).is_file() and Path(job.result["path"]).is_absolute()
        assert any("redacting images" in task for task in job.progress)
        if job.options["pdf"]:
            assert any("PDF" in task for task in job.progress)

        later = publish_tab(browser, url)  # a new page, a new session: it is told
        expect(later.get_by_text(f"Published at {job.result['path']}").first).to_be_visible()
        expect(later.get_by_text("Published and verified").first).to_be_visible()
        browser.close()
