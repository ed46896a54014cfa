"""Ingesting from URLs through real yt-dlp, against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import shutil
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.helpers import run_cli, snapshot
from workbench.case import Case, records
from workbench.ingest import UrlOptions, ingest_url
from workbench.ingest.capture import find_chromium

HOSTILE_TITLE = "<script>alert(1)</script> Ситуационный центр «Қала» & 'quotes\""


def _page(title: str, video: str | None) -> str:
    import html

    body = f'<video controls><source src="{video}" type="video/mp4"></video>' if video else ""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title></head><body><h1>Report</h1>{body}</body></html>"
    )


@pytest.fixture()
def site(web_root: Path, clip: Path, http_server: str) -> str:
    shutil.copy(clip, web_root / "report.mp4")
    (web_root / "report.html").write_text(_page(HOSTILE_TITLE, "report.mp4"), "utf-8")
    (web_root / "empty.html").write_text(_page("Nothing here", None), "utf-8")
    return http_server


def test_a_page_with_an_embedded_video_is_downloaded_with_its_metadata(
    case: Case, site: str, clip: Path, web_root: Path
) -> None:
    url = f"{site}/report.html"
    (result,) = ingest_url(case, url, "ana", UrlOptions(max_height=720))
    assert result.video_sha256 == hashlib.sha256(clip.read_bytes()).hexdigest()
    (source,) = records.sources(case.conn)
    assert source.kind == "url" and source.uri == url
    # stored verbatim (escaping is the renderer's job); yt-dlp numbers videos found in a page
    assert source.title.startswith(HOSTILE_TITLE)
    assert source.webpage_url == url
    info = records.source_info_json(case.conn, source.id)
    assert source.extractor and source.extractor == info["extractor_key"]
    assert info["original_url"] == url and info["page_title"] == HOSTILE_TITLE
    assert "yt-dlp" in source.tool_versions
    # the runtime yt-dlp solves YouTube's challenges with, and the solver scripts' version
    assert source.tool_versions["js-runtime"] == f"deno {metadata.version('deno')}"
    assert source.tool_versions["yt-dlp-ejs"] == metadata.version("yt-dlp-ejs")
    page = next(c for c in source.captures if c.kind == "page_html")
    served = (web_root / "report.html").read_bytes()
    assert page.sha256 == hashlib.sha256(served).hexdigest()
    assert (case.root / page.media_path).read_bytes() == served
    assert page.url == url and page.captured_at
    if find_chromium():
        shot = next(c for c in source.captures if c.kind == "screenshot")
        png = (case.root / shot.media_path).read_bytes()
        assert png.startswith(b"\x89PNG") and shot.sha256 == hashlib.sha256(png).hexdigest()
        assert "Chromium" in shot.method or "chrom" in shot.method.lower()
    assert not any((case.root / "tmp").iterdir())


def test_a_direct_file_url_needs_no_page_capture(case: Case, site: str) -> None:
    (result,) = ingest_url(case, f"{site}/report.mp4", "ana", UrlOptions(screenshot=False))
    (source,) = records.sources(case.conn)
    assert source.captures == ()
    assert result.info.frame_count == 48


def test_cli_ingest_of_a_url_prints_the_id_and_hash(case_dir: Path, site: str, clip: Path) -> None:
    result = run_cli("ingest", case_dir, f"{site}/report.mp4", "--no-screenshot")
    assert result.exit_code == 0, result.stderr
    digest = hashlib.sha256(clip.read_bytes()).hexdigest()
    assert digest in result.stdout and digest[:12] in result.stdout


@pytest.mark.parametrize(
    "path, message",
    [
        ("/empty.html", "No video was found at"),
        ("/missing.mp4", "404"),
    ],
)
def test_bad_urls_are_refused_and_leave_the_case_unchanged(
    case_dir: Path, site: str, path: str, message: str
) -> None:
    before = snapshot(case_dir)
    result = run_cli("ingest", case_dir, site + path)
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.startswith("error: ")
    assert snapshot(case_dir) == before


def test_an_unreachable_url_is_refused(case_dir: Path) -> None:
    before = snapshot(case_dir)
    url = f"http://127.0.0.1:{free_port()}/video.mp4"  # nothing listens there
    result = run_cli("ingest", case_dir, url)
    assert result.exit_code == 1
    assert "could not be reached" in result.stderr
    assert snapshot(case_dir) == before


def test_a_non_http_url_is_refused(case_dir: Path, clip: Path) -> None:
    result = run_cli("ingest", case_dir, f"file://{clip}")
    assert result.exit_code == 1
    assert "is not an http(s) URL" in result.stderr


def test_the_downloader_the_workbench_builds_finds_deno_and_the_ejs_scripts() -> None:
    from workbench.ingest import jsruntime, ydl

    with ydl.make() as downloader:
        status = jsruntime.check(downloader)
    assert status.ok, status.problem
    assert status.runtime == f"deno {metadata.version('deno')}"
    assert status.ejs == f"{metadata.version('yt-dlp-ejs')} (python package)"


def test_a_runtime_that_does_not_run_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.ingest import jsruntime, ydl

    monkeypatch.setenv("WORKBENCH_DENO", shutil.which("false") or "/bin/false")
    with ydl.make() as downloader:
        status = jsruntime.check(downloader)
    assert not status.ok and "no JavaScript runtime" in status.problem
