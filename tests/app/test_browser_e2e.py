"""End to end in a real browser: `workbench app` on the demo case, driven by Debian's
Chromium through playwright (never a downloaded browser). Open the case, step frames,
zoom, confirm a finding, cite it, see it in the graph, export. The screenshots it saves
in docs/screenshots/ are the ones the README's walkthrough shows."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.app.launch import free_port

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("WORKBENCH_SCREENSHOTS", ROOT / "docs" / "screenshots"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT = 90_000  # ms; the first render of a page imports a lot on 2 cores

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install "
                       "chromium; scripts/install does it as root)"),
]  # fmt: skip


@pytest.fixture()
def app_url(demo_case: Path) -> Iterator[str]:
    port = free_port()
    exe = Path(sys.executable).with_name("workbench")
    proc = subprocess.Popen(
        [str(exe), "app", str(demo_case), "--port", str(port), "--no-browser"],
        env={**os.environ, "WORKBENCH_USER": "E2E Reviewer"},
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                os.killpg(proc.pid, signal.SIGKILL)
                raise
            time.sleep(0.5)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


@pytest.fixture()
def page(app_url: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                      accept_downloads=True)  # fmt: skip
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT)
        pg.goto(app_url)
        yield pg
        browser.close()


def settle(pg) -> None:
    """Wait until Streamlit has finished the current script run."""
    pg.wait_for_timeout(300)
    pg.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=TIMEOUT)


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    settle(pg)
    pg.screenshot(path=str(SHOTS / name), full_page=False)


def caption(pg) -> str:
    return pg.get_by_text("frame ", exact=False).filter(has_text=" / ").first.inner_text()


def go(pg, name: str) -> None:
    pg.get_by_test_id("stSidebarNavLink").filter(has_text=name).first.click()
    settle(pg)


def test_review_confirm_graph_export_in_a_browser(page, demo_case: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    pg = page
    # the case opens with its fictional label and its source
    expect(pg.get_by_text("DEMO (fictional)").first).to_be_visible()
    expect(pg.get_by_text("FICTIONAL demo case").first).to_be_visible()
    shot(pg, "01-case.png")

    # step frames exactly
    go(pg, "Review")
    sidebar = pg.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("FICTIONAL demo case").first).to_be_visible()
    expect(pg.get_by_text("frame 0 / 299").first).to_be_visible()
    for label, expected in (("+1", 1), ("+10", 11), ("−1", 10), ("−10", 0), ("+1 s", 25)):
        pg.get_by_role("button", name=label, exact=True).click()
        expect(pg.get_by_text(f"frame {expected} / 299").first).to_be_visible()
    frame_box = pg.get_by_label("frame", exact=True)
    frame_box.fill("100")
    frame_box.press("Enter")
    expect(pg.get_by_text("frame 100 / 299").first).to_be_visible()
    expect(pg.get_by_text("00:00:04.000").first).to_be_visible()
    shot(pg, "02-review.png")

    # drag a box on the frame to zoom into the operator's screen
    image = pg.locator('iframe[title*="image_coordinates"]').first
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    assert box is not None
    x0, y0 = box["x"] + box["width"] * 0.01, box["y"] + box["height"] * 0.01
    x1, y1 = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.6
    pg.mouse.move(x0, y0)
    pg.mouse.down()
    pg.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    pg.mouse.move(x1, y1, steps=5)
    pg.mouse.up()
    expect(pg.get_by_text("zoom ", exact=False).first).to_be_visible()
    shot(pg, "03-zoom.png")

    # confirm one suggestion and cite it as evidence that the product appears at the site
    go(pg, "Findings")
    pick = pg.get_by_label("finding", exact=True)
    pick.click()
    pg.keyboard.type("NORDVIEW VMS 4.2")
    pg.keyboard.press("Enter")
    settle(pg)
    pg.get_by_role("button", name="Confirm", exact=True).click()
    expect(pg.get_by_text("confirmed by E2E Reviewer").first).to_be_visible()
    confirmed_id = _find_id(demo_case, "NORDVIEW VMS 4.2")
    assert _status(demo_case, confirmed_id) == ("confirmed", "E2E Reviewer")

    # cite it: the product appears at the site, with this finding as evidence
    pg.get_by_text("appears in (entity → site)").click()
    settle(pg)
    entity = pg.get_by_label("entity (product or organisation)")
    entity.click()
    pg.keyboard.type("NORDVIEW VMS")
    pg.keyboard.press("Enter")
    settle(pg)
    pg.get_by_role("button", name="Link", exact=True).click()
    expect(pg.get_by_text("(appears_in)").first).to_be_visible()
    relation = _relation_citing(demo_case, confirmed_id)
    assert relation is not None
    shot(pg, "04-findings.png")

    # the graph shows it: the evidence behind that edge lists the confirmed finding
    go(pg, "Graph")
    view = pg.frame_locator("iframe").first
    expect(view.get_by_text("Edges by evidence").first).to_be_attached()
    shot(pg, "05-graph.png")
    pg.get_by_role("tab", name="Queries").click()
    question = pg.get_by_label("question", exact=True)
    question.click()
    pg.keyboard.type("evidence")
    pg.keyboard.press("Enter")
    settle(pg)
    subject = pg.get_by_label("an edge: rel-7 or 7")
    subject.fill(str(relation))
    subject.press("Enter")
    pg.get_by_role("button", name="Ask", exact=True).click()
    table = pg.get_by_test_id("stTable")
    expect(table).to_contain_text("observation")
    row = table.locator("tr").filter(has_text="observation").filter(has_text=f" {confirmed_id}")
    expect(row.first).to_be_visible()
    shot(pg, "05-evidence.png")

    # export the graph as GraphML: the download holds the cited edge's entities
    pg.get_by_role("tab", name="Export").click()
    with pg.expect_download() as download:
        pg.get_by_role("button", name="Export GRAPHML").click()
    saved = tmp_path / "graph.graphml"
    download.value.save_as(saved)
    text = saved.read_text("utf-8")
    assert "<graphml" in text and "NORDVIEW VMS" in text and "Qalaport Situation Centre" in text

    go(pg, "Case file")
    settle(pg)
    shot(pg, "06-casefile.png")


def _find_id(case_dir: Path, text: str) -> int:
    from workbench.case import Case, observations

    with Case.open(case_dir) as case:
        return next(o.id for o in observations.query(case.conn, kind="ocr") if text in o.text)


def _status(case_dir: Path, oid: int) -> tuple[str, str | None]:
    from workbench.case import Case, observations

    with Case.open(case_dir) as case:
        o = observations.query(case.conn, ids=[oid])[0]
        return o.status, o.reviewed_by


def _relation_citing(case_dir: Path, oid: int) -> int | None:
    from workbench.case import Case

    with Case.open(case_dir) as case:
        row = case.conn.execute(
            "SELECT r.id FROM relations r JOIN evidence e ON e.relation_id = r.id"
            " WHERE e.observation_id = ? AND r.kind = 'appears_in'",
            (oid,),
        ).fetchone()
    return int(row[0]) if row else None
