"""The yt-dlp parameters the workbench downloads with: one place builds them."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.ingest import jsruntime
from workbench.ingest.options import UrlOptions, browser_tuple, rate_bytes

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
MAX_BACKOFF_S = 30.0


def ffmpeg_location() -> str | None:
    """ffmpeg on PATH, else the binary that the imageio-ffmpeg package ships."""
    if shutil.which("ffmpeg"):
        return None
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None


class Logger:
    """Collects yt-dlp's messages instead of printing them; errors become our messages."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def debug(self, msg: str) -> None:
        pass

    def info(self, msg: str) -> None:
        pass

    def warning(self, msg: str) -> None:
        self.warnings.append(_ANSI.sub("", msg))

    def error(self, msg: str) -> None:
        self.errors.append(_ANSI.sub("", msg))


def backoff(base_s: float):
    """yt-dlp retry sleep: retry n (0-based) waits base * 2**n seconds, at most 30 s."""

    def sleep_for(n: int) -> float:
        return min(base_s * (2 ** max(n, 0)), MAX_BACKOFF_S)

    return sleep_for


def params(
    options: UrlOptions, workdir: Path | None = None, cookiefile: Path | None = None
) -> dict[str, Any]:
    """yt-dlp parameters for `options`. `cookiefile` is the private copy to read cookies from."""
    sleep = backoff(options.backoff_s)
    out: dict[str, Any] = {
        # best single file (video and audio together) up to the height asked for;
        # `?` lets formats of unknown height (plain files on a web server) through
        "format": f"b[height<=?{options.max_height}]/b",
        "restrictfilenames": True,
        "noplaylist": False,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "socket_timeout": options.timeout_s,
        "retries": options.retries,
        "fragment_retries": options.retries,
        "extractor_retries": options.retries,
        "file_access_retries": options.retries,
        "retry_sleep_functions": {"http": sleep, "fragment": sleep, "extractor": sleep},
        "continuedl": True,  # a .part file left by an interrupted run is resumed
        "cachedir": False,
        "js_runtimes": jsruntime.js_runtimes(),
    }
    if workdir is not None:
        # ids are the extractor's; the playlist index keeps two entries with one id apart
        out["outtmpl"] = str(Path(workdir) / "%(id)s-%(playlist_index|0)s.%(ext)s")
    if options.proxy:
        out["proxy"] = options.proxy
    if options.rate_limit:
        out["ratelimit"] = rate_bytes(options.rate_limit)
    if cookiefile is not None:
        out["cookiefile"] = str(cookiefile)
    elif options.cookies_from_browser:
        out["cookiesfrombrowser"] = browser_tuple(options.cookies_from_browser)
    if options.max_videos:
        out["playlistend"] = options.max_videos
    location = ffmpeg_location()
    if location:
        out["ffmpeg_location"] = location
    return out


def make(options: UrlOptions | None = None, **extra: Any):
    """A yt_dlp.YoutubeDL as the workbench builds it (JS runtime, network options)."""
    import yt_dlp

    return yt_dlp.YoutubeDL({**params(options or UrlOptions()), **extra})


@contextlib.contextmanager
def private_cookies(options: UrlOptions) -> Iterator[Path | None]:
    """A copy of the cookies file in a private temporary folder outside the case (yt-dlp
    writes the jar back on close; the user's file and the case stay untouched)."""
    if options.cookies_file is None:
        yield None
        return
    folder = tempfile.mkdtemp(prefix="workbench-cookies-")
    try:
        os.chmod(folder, 0o700)
        copy = Path(folder) / "cookies.txt"
        shutil.copyfile(options.cookies_file, copy)
        os.chmod(copy, 0o600)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)
