"""Web captures of a URL source: the page as fetched, and a screenshot by headless Chromium.

With the URL, the content hash and the retrieval time, these make the minimum record
the Berkeley Protocol on digital open-source investigations asks of online evidence.
"""

from __future__ import annotations

import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from workbench.case.folder import Case
from workbench.case.media import bytes_to_temp
from workbench.chromium import BASE_FLAGS, chromium_version, find_chromium
from workbench.ingest.store import CaptureDraft, now

MAX_PAGE_BYTES = 50 * 1024 * 1024
CHROMIUM_FLAGS = (
    *BASE_FLAGS,
    "--hide-scrollbars",
    "--disable-quic",
)


def capture_page(case: Case, ydl, url: str, method: str) -> CaptureDraft | None:
    """Fetch `url` with yt-dlp's own HTTP stack; keep it when it is an HTML page."""
    captured_at = now()
    try:
        with ydl.urlopen(url) as resp:
            ctype = (resp.headers.get("Content-Type") or "").lower()
            if "html" not in ctype and "xml" not in ctype:
                return None  # a direct media URL: the video itself is the capture
            data = resp.read(MAX_PAGE_BYTES + 1)
    except Exception:
        return None  # the video came through; a page that fails to re-fetch is not fatal
    if len(data) > MAX_PAGE_BYTES:
        data = data[:MAX_PAGE_BYTES]
    tmp, sha256 = bytes_to_temp(case.tmp_dir, data)
    return CaptureDraft(
        "page_html", tmp, sha256, ".html", url, captured_at, method, title=page_title(data, ctype)
    )


class _TitleParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside, self.done = False, False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title" and not self.done:
            self.inside = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.inside:
            self.inside, self.done = False, True

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.parts.append(data)


def page_title(data: bytes, content_type: str = "") -> str | None:
    """The text of a page's first <title>, character references resolved, else None."""
    charset = "utf-8"
    if "charset=" in content_type:
        charset = content_type.split("charset=")[-1].split(";")[0].strip() or charset
    try:
        text = data.decode(charset, errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    parser = _TitleParser()
    parser.feed(text[:2_000_000])
    title = "".join(parser.parts).strip()
    return title or None


def chromium_proxy(proxy: str | None) -> str | None:
    """Chromium's --proxy-server value for a proxy URL; "" when Chromium cannot use it
    (it takes no user name or password), None for no proxy."""
    if not proxy:
        return None
    parts = urlsplit(proxy)
    if parts.username or parts.password:
        return ""
    scheme = "socks5" if parts.scheme.lower().startswith("socks") else parts.scheme.lower()
    return f"{scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def screenshot(
    case: Case,
    url: str,
    width: int = 1280,
    height: int = 1600,
    timeout_s: int = 90,
    proxy: str | None = None,
) -> CaptureDraft | None:
    """A dated full-window screenshot of `url`, or None when no Chromium is installed or
    Chromium cannot go through the proxy the download used (it must never go around it)."""
    binary = find_chromium()
    via = chromium_proxy(proxy)
    if not binary or via == "":
        return None
    with tempfile.TemporaryDirectory(prefix="shot-", dir=case.tmp_dir) as tmp:
        out = Path(tmp) / "shot.png"
        captured_at = now()
        cmd = [
            binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp}/profile",
            f"--window-size={width},{height}",
            f"--screenshot={out}",
            *([f"--proxy-server={via}"] if via else []),
            url,
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        if not out.is_file() or out.stat().st_size == 0:
            return None
        tmp_file, sha256 = bytes_to_temp(case.tmp_dir, out.read_bytes())
    return CaptureDraft(
        "screenshot", tmp_file, sha256, ".png", url, captured_at, chromium_version(binary)
    )
