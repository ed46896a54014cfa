"""Logged-in, proxied and interrupted downloads through real yt-dlp, against real servers
on 127.0.0.1: a web server that needs a cookie, a SOCKS5 proxy, a link that drops."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.helpers import run_cli, snapshot
from tests.netservers import (
    COOKIE_VALUE,
    cookie_file,
    firefox_profile,
    http_proxy,
    socks5_proxy,
    web_server,
)
from workbench.case import Case, records


def _case_bytes(case_dir: Path) -> bytes:
    """Every byte the case folder holds (database, its WAL, media, exports, case.toml)."""
    return b"".join(p.read_bytes() for p in sorted(case_dir.rglob("*")) if p.is_file())


def _only_source(case_dir: Path) -> tuple[records.Source, dict]:
    with Case.open(case_dir) as c:
        (source,) = records.sources(c.conn)
        return source, records.source_info_json(c.conn, source.id)


def test_a_cookie_gated_video_downloads_with_cookies_and_the_case_keeps_no_cookie(
    case_dir: Path, clip: Path, tmp_path: Path
) -> None:
    jar = cookie_file(tmp_path / "cookies.txt")
    jar_before = jar.read_bytes()
    page = b"<html><head><title>Logged in as Reporter</title></head><body>" + (
        b'<video><source src="clip.mp4" type="video/mp4"></video></body></html>'
    )
    files = {"/members/clip.mp4": clip.read_bytes(), "/members/post.html": page}
    with web_server(files, need_cookie=True) as (base, log):
        url = f"{base}/members/post.html"
        before = snapshot(case_dir)
        refused = run_cli("ingest", case_dir, url, "--no-screenshot", "--retries", "0")
        assert refused.exit_code == 1
        assert "--cookies" in refused.stderr and "refused" in refused.stderr
        assert snapshot(case_dir) == before
        done = run_cli("ingest", case_dir, url, "--no-screenshot", "--cookies", jar)
        assert done.exit_code == 0, done.stderr
    assert hashlib.sha256(clip.read_bytes()).hexdigest() in done.stdout
    assert any(COOKIE_VALUE in (r["cookie"] or "") for r in log)  # the server saw it
    # the page capture is the logged-out view (this server refuses it), never the account's
    assert [r["cookie"] for r in log if r["path"] == "/members/post.html"][-1] is None
    _, info = _only_source(case_dir)
    assert info["fetched_with"] == {"cookies": "file"}
    assert COOKIE_VALUE.encode() not in _case_bytes(case_dir)
    assert str(jar).encode() not in _case_bytes(case_dir)
    assert jar.read_bytes() == jar_before  # the user's file is left as it was
    exported = run_cli("sources", case_dir, "--json")
    assert COOKIE_VALUE not in exported.stdout


def test_cookies_from_a_browser_profile_open_the_gate_and_only_the_browser_is_recorded(
    case_dir: Path, clip: Path, tmp_path: Path
) -> None:
    profile = firefox_profile(tmp_path / "ff-profile-of-ana")
    with web_server({"/m/clip.mp4": clip.read_bytes()}, need_cookie=True) as (base, _):
        result = run_cli(
            "ingest", case_dir, f"{base}/m/clip.mp4", "--no-screenshot",
            "--cookies-from-browser", f"firefox:{profile}",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
    _, info = _only_source(case_dir)
    assert info["fetched_with"] == {"cookies": "browser firefox"}
    everything = _case_bytes(case_dir)
    assert COOKIE_VALUE.encode() not in everything and b"ff-profile-of-ana" not in everything


def test_a_browser_profile_without_cookies_is_one_sentence(case_dir: Path, tmp_path: Path) -> None:
    before = snapshot(case_dir)
    empty = tmp_path / "no-profile"
    empty.mkdir()
    result = run_cli(
        "ingest", case_dir, "http://127.0.0.1:9/v.mp4", "--cookies-from-browser", f"firefox:{empty}"
    )
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "cookies" in result.stderr
    assert snapshot(case_dir) == before


def test_a_socks5_proxy_carries_the_download_and_only_its_kind_is_recorded(
    case_dir: Path, clip: Path
) -> None:
    with (
        web_server({"/v.mp4": clip.read_bytes()}) as (base, log),
        socks5_proxy(credentials=("reporter", "pr0xy-pass")) as (proxy, connects),
    ):
        url = f"{base}/v.mp4"
        result = run_cli(
            "ingest", case_dir, url, "--no-screenshot",
            "--proxy", f"socks5h://reporter:pr0xy-pass@{proxy}",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
    port = int(base.rsplit(":", 1)[1])
    assert ("127.0.0.1", port) in connects and log  # through the proxy, to the server
    _, info = _only_source(case_dir)
    assert info["fetched_with"] == {"proxy": "socks5h"}
    everything = _case_bytes(case_dir)
    assert b"pr0xy-pass" not in everything and b"reporter" not in everything


def test_an_http_proxy_carries_the_download(case_dir: Path, clip: Path) -> None:
    with (
        web_server({"/v.mp4": clip.read_bytes()}) as (base, _),
        http_proxy() as (proxy, fetched),
    ):
        result = run_cli(
            "ingest", case_dir, f"{base}/v.mp4", "--no-screenshot", "--proxy", f"http://{proxy}"
        )
        assert result.exit_code == 0, result.stderr
    assert f"{base}/v.mp4" in fetched
    _, info = _only_source(case_dir)
    assert info["fetched_with"] == {"proxy": "http"}


def test_a_proxy_that_refuses_is_one_sentence_without_its_password(case_dir: Path) -> None:
    before = snapshot(case_dir)
    proxy = f"socks5://user:hunter2@127.0.0.1:{free_port()}"  # nothing listens there
    result = run_cli(
        "ingest", case_dir, "http://127.0.0.1:9/v.mp4", "--proxy", proxy, "--retries", "0"
    )
    assert result.exit_code == 1
    assert "could not be reached" in result.stderr and "hunter2" not in result.stderr
    assert snapshot(case_dir) == before


def test_case_toml_sets_the_proxy_for_the_whole_case(case_dir: Path, clip: Path) -> None:
    with (
        web_server({"/v.mp4": clip.read_bytes()}) as (base, _),
        socks5_proxy() as (proxy, connects),
    ):
        with (case_dir / "case.toml").open("a", encoding="utf-8") as fh:
            fh.write(f'\n[ingest]\nproxy = "socks5://{proxy}"\nretries = 1\nrate_limit = "50M"\n')
        result = run_cli("ingest", case_dir, f"{base}/v.mp4", "--no-screenshot")
        assert result.exit_code == 0, result.stderr
    assert connects
    _, info = _only_source(case_dir)
    assert info["fetched_with"] == {"proxy": "socks5", "rate_limit": "50M"}


def test_a_download_cut_halfway_is_resumed_where_it_stopped(case_dir: Path, clip: Path) -> None:
    data = clip.read_bytes()
    with web_server({"/v.mp4": data}, cut_whole=True) as (base, log):
        url = f"{base}/v.mp4"
        before = snapshot(case_dir)
        first = run_cli("ingest", case_dir, url, "--no-screenshot", "--retries", "0")
        assert first.exit_code == 1  # no retries: the cut connection ends this run
        assert "run the same command again to resume" in first.stderr
        assert snapshot(case_dir)["db"] == before["db"]
        (part,) = (case_dir / "tmp").rglob("*.part")  # what arrived is kept for the next run
        kept = part.stat().st_size
        assert 0 < kept < len(data)
        second = run_cli("ingest", case_dir, url, "--no-screenshot")
        assert second.exit_code == 0, second.stderr
    # it asked only for the rest (whole-file requests are always cut by this server)
    assert f"bytes={kept}-" in [r["range"] for r in log]
    assert hashlib.sha256(data).hexdigest() in second.stdout
    assert not any((case_dir / "tmp").iterdir())


def test_retries_within_one_run_resume_a_dropped_connection(case_dir: Path, clip: Path) -> None:
    data = clip.read_bytes()
    with web_server({"/v.mp4": data}, cut_whole=True) as (base, log):
        result = run_cli("ingest", case_dir, f"{base}/v.mp4", "--no-screenshot", "--retries", "2")
        assert result.exit_code == 0, result.stderr
    assert any(r["range"] for r in log)
    assert hashlib.sha256(data).hexdigest() in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--proxy", "ftp://127.0.0.1:21"], "http, https, socks5, socks5h"),
        (["--rate-limit", "fast"], "is not a number of bytes per second"),
        (["--cookies-from-browser", "netscape4"], "is not a browser yt-dlp can read"),
        (["--cookies", "/nonexistent/cookies.txt"], "does not exist"),
        (["--date-after", "2024-02-30"], "is not a date"),
        (["--max-videos", "0"], "must be 1 or more"),
    ],
)
def test_bad_network_options_are_one_sentence(
    case_dir: Path, clip: Path, args: list[str], message: str
) -> None:
    before = snapshot(case_dir)
    result = run_cli("ingest", case_dir, "http://127.0.0.1:9/v.mp4", *args)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert snapshot(case_dir) == before


def test_a_cookies_file_that_is_not_netscape_is_refused(case_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "cookies.json"
    bad.write_text('[{"name": "session", "value": "x"}]', "utf-8")
    result = run_cli("ingest", case_dir, "http://127.0.0.1:9/v.mp4", "--cookies", bad)
    assert result.exit_code == 1 and "not a cookies file in Netscape format" in result.stderr


def test_a_bad_ingest_table_in_case_toml_is_named(case_dir: Path) -> None:
    with (case_dir / "case.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[ingest]\nproxie = "socks5://127.0.0.1:9050"\n')
    result = run_cli("ingest", case_dir, "http://127.0.0.1:9/v.mp4")
    assert result.exit_code == 1 and "unknown key 'proxie'" in result.stderr
