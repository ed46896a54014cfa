"""Collections through real yt-dlp on 127.0.0.1: a page of five videos and an RSS feed
with dates. Each video is its own source, resumable, with a report of what was skipped."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.netservers import web_server
from workbench.case import Case, records
from workbench.ingest.options import UrlOptions
from workbench.ingest.url import fetch
from workbench.synth import numbered_frames, write_video

DATES = ["2024-01-15", "2024-03-15", "2024-05-15", "2024-07-15", "2024-09-15"]


@pytest.fixture(scope="session")
def five_clips(media_dir: Path) -> list[bytes]:
    out = []
    for i in range(5):
        path = media_dir / f"collection-{i}.mp4"
        write_video(path, numbered_frames(6 + i, 96, 64), fps=12, gop=6)
        out.append(path.read_bytes())
    return out


def _page(n: int) -> bytes:
    videos = "".join(f'<video><source src="v{i}.mp4" type="video/mp4"></video>' for i in range(n))
    return f"<html><head><title>TV channel</title></head><body>{videos}</body></html>".encode()


def _feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>Report {i}</title><guid>report-{i}</guid>"
        f'<enclosure url="{base}/v{i}.mp4" type="video/mp4" length="1"/>'
        f"<pubDate>{format_datetime(datetime.fromisoformat(d).replace(tzinfo=timezone.utc))}"
        "</pubDate></item>"
        for i, d in enumerate(DATES)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Ministry feed</title>'
        f"<link>{base}/</link><description>posts</description>{items}</channel></rss>"
    ).encode()


def _files(clips: list[bytes]) -> dict[str, bytes]:
    return {f"/v{i}.mp4": data for i, data in enumerate(clips)} | {"/list.html": _page(5)}


def _positions(case_dir: Path) -> list[tuple[int, str]]:
    with Case.open(case_dir) as c:
        out = []
        for s in records.sources(c.conn):
            info = records.source_info_json(c.conn, s.id)
            out.append((info["playlist"]["position"], s.video_sha256))
            assert info["playlist"]["url"] == s.uri
        return sorted(out)


def test_a_playlist_of_five_with_max_three_then_resumed_adds_none_twice(
    case_dir: Path, five_clips: list[bytes]
) -> None:
    digests = [hashlib.sha256(c).hexdigest() for c in five_clips]
    with web_server(_files(five_clips)) as (base, _):
        url = f"{base}/list.html"
        first = run_cli("ingest", case_dir, url, "--max-videos", "3", "--no-screenshot")
        assert first.exit_code == 0, first.stderr
        assert _positions(case_dir) == [(i + 1, digests[i]) for i in range(3)]
        again = run_cli("ingest", case_dir, url, "--max-videos", "3", "--no-screenshot")
        assert again.exit_code == 0, again.stderr
        assert again.stdout == ""  # nothing new
        assert again.stderr.count("already in the case from this collection") == 3
        rest = run_cli("ingest", case_dir, url, "--no-screenshot")
        assert rest.exit_code == 0, rest.stderr
    assert _positions(case_dir) == [(i + 1, digests[i]) for i in range(5)]
    assert rest.stderr.count("already in the case") == 3
    with Case.open(case_dir) as c:
        pages = [cap for s in records.sources(c.conn) for cap in s.captures]
    # the page as each run that added videos saw it, with that run's first source
    assert [p.kind for p in pages] == ["page_html", "page_html"]
    assert pages[0].sha256 == pages[1].sha256 == hashlib.sha256(_page(5)).hexdigest()


def test_dates_filter_a_feed_and_progress_runs_over_the_collection(
    case: Case, five_clips: list[bytes]
) -> None:
    files = {f"/v{i}.mp4": data for i, data in enumerate(five_clips)}
    seen: list[tuple[str, float, float | None]] = []

    class Sink:
        def update(self, task: str, completed: float, total: float | None = None) -> None:
            seen.append((task, completed, total))

    with web_server(files) as (base, _):
        files["/feed.xml"] = _feed(base)
        options = UrlOptions(screenshot=False, date_after="2024-03-01", date_before="2024-08-01")
        got = fetch(case, f"{base}/feed.xml", "ana", options, Sink())
    assert got.collection == "Ministry feed" and got.total == 5
    kept = sorted(r.video_sha256 for r in got.results)
    assert kept == sorted(hashlib.sha256(five_clips[i]).hexdigest() for i in (1, 2, 3))
    reasons = {s.item: s.reason for s in got.skipped}
    assert reasons == {
        "#1 Report 0": "uploaded 2024-01-15, before 2024-03-01",
        "#5 Report 4": "uploaded 2024-09-15, after 2024-08-01",
    }
    steps = [(done, total) for task, done, total in seen if task == "collection"]
    assert steps[-1] == (3, 5) and all(t == 5 for _, t in steps)
    (source, *_) = records.sources(case.conn)
    assert source.upload_date == "20240315"


def test_one_broken_video_in_a_collection_is_reported_and_the_rest_kept(
    case: Case, five_clips: list[bytes]
) -> None:
    files = _files(five_clips)
    files["/v2.mp4"] = b"this is not a video\n" * 100
    with web_server(files) as (base, _):
        got = fetch(case, f"{base}/list.html", "ana", UrlOptions(screenshot=False))
    assert len(got.results) == 4
    (skip,) = got.skipped
    assert skip.item.startswith("#3 ") and skip.reason.startswith("failed: ")
    assert "not a video file" in skip.reason
    assert not any((case.root / "tmp").iterdir())
