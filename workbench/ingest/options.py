"""Options for downloading from URLs: quality, network, login cookies, collections.

The network options can also be set for a whole case in case.toml's `[ingest]` table
(`proxy`, `rate_limit`, `retries`, `backoff_s`, `timeout_s`, `max_height`); an option given
on the command line wins. Cookies are never read from or written to the case folder.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from workbench.errors import IngestError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
CASE_KEYS = {
    "proxy": str,
    "rate_limit": str,
    "retries": int,
    "backoff_s": float,
    "timeout_s": float,
    "max_height": int,
}


@dataclass(frozen=True)
class UrlOptions:
    max_height: int = 1080
    timeout_s: float = 20.0  # socket timeout: a connection silent this long is retried
    retries: int = 3  # per request, per fragment and per extraction
    backoff_s: float = 1.0  # retry n waits backoff_s * 2**n seconds, at most 30 s
    capture_page: bool = True
    screenshot: bool = True
    cookies_file: Path | None = None  # Netscape format; read, never copied into the case
    cookies_from_browser: str | None = None  # BROWSER[:PROFILE]
    proxy: str | None = None  # http, https, socks5 or socks5h URL
    rate_limit: str | None = None  # bytes per second: 500K, 2M
    max_videos: int | None = None  # collections: the first N videos
    date_after: str | None = None  # collections: YYYYMMDD or YYYY-MM-DD, inclusive
    date_before: str | None = None

    def checked(self) -> UrlOptions:
        """The same options with dates normalised; IngestError naming the first bad one."""
        if self.proxy is not None:
            check_proxy(self.proxy)
        if self.rate_limit is not None:
            rate_bytes(self.rate_limit)
        if self.retries < 0 or self.timeout_s <= 0 or self.backoff_s < 0:
            raise IngestError("Retries and backoff must be 0 or more, and the timeout positive.")
        if self.max_videos is not None and self.max_videos < 1:
            raise IngestError("--max-videos must be 1 or more.")
        if self.cookies_file is not None and self.cookies_from_browser is not None:
            raise IngestError("Give --cookies or --cookies-from-browser, not both.")
        if self.cookies_file is not None:
            check_cookie_file(Path(self.cookies_file))
        if self.cookies_from_browser is not None:
            browser_tuple(self.cookies_from_browser)
        after = parse_date(self.date_after, "--date-after")
        before = parse_date(self.date_before, "--date-before")
        if after and before and after > before:
            raise IngestError("--date-after is later than --date-before: no video can match.")
        return replace(self, date_after=after, date_before=before)

    def provenance(self) -> dict[str, Any]:
        """What a source records about how it was fetched: never a cookie, a path or a
        proxy's address and credentials."""
        out: dict[str, Any] = {}
        if self.cookies_file is not None:
            out["cookies"] = "file"
        elif self.cookies_from_browser:
            out["cookies"] = "browser " + self.cookies_from_browser.split(":")[0].lower()
        if self.proxy:
            out["proxy"] = urlsplit(self.proxy).scheme.lower()
        if self.rate_limit:
            out["rate_limit"] = self.rate_limit
        return out


def check_proxy(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname:
        raise IngestError(
            f"The proxy {redact_proxy(url)!r} is not a URL of the form "
            "SCHEME://HOST:PORT with SCHEME one of http, https, socks5, socks5h."
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise IngestError(f"The proxy {redact_proxy(url)!r} has an invalid port.") from exc


def redact_proxy(url: str) -> str:
    """The proxy URL without its user name and password, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]).geturl()


def rate_bytes(text: str) -> int:
    from yt_dlp.utils import parse_bytes

    value = parse_bytes(text.strip()) if text.strip() else None
    if not value:
        raise IngestError(
            f"The rate limit {text!r} is not a number of bytes per second such as 500K or 2M."
        )
    return int(value)


def check_cookie_file(path: Path) -> None:
    if not path.is_file():
        raise IngestError(f"The cookies file {path} does not exist.")
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise IngestError(f"The cookies file {path} cannot be read ({exc.strerror}).") from exc
    lines = [ln for ln in head.splitlines() if ln.strip()]
    netscape = any(
        ln.startswith(("# Netscape HTTP Cookie File", "# HTTP Cookie File")) for ln in lines
    )
    tabbed = any(ln.count("\t") >= 6 for ln in lines if not ln.startswith("#"))
    if not (netscape or tabbed):
        raise IngestError(
            f"{path} is not a cookies file in Netscape format (export it with a "
            "'cookies.txt' browser extension, or use --cookies-from-browser)."
        )


def browser_tuple(spec: str) -> tuple[str, str | None, None, None]:
    """BROWSER[:PROFILE] as yt-dlp's `cookiesfrombrowser` option wants it."""
    from yt_dlp.cookies import SUPPORTED_BROWSERS

    name, _, profile = spec.partition(":")
    name = name.strip().lower()
    if name not in SUPPORTED_BROWSERS:
        raise IngestError(
            f"{name!r} is not a browser yt-dlp can read cookies from "
            f"(one of {', '.join(sorted(SUPPORTED_BROWSERS))})."
        )
    return (name, profile or None, None, None)


def parse_date(text: str | None, what: str) -> str | None:
    """YYYYMMDD from YYYYMMDD or YYYY-MM-DD."""
    if text is None or not str(text).strip():
        return None
    digits = re.sub(r"[-/.]", "", str(text).strip())
    if len(digits) == 8 and digits.isdigit():
        try:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])).strftime("%Y%m%d")
        except ValueError:
            pass
    raise IngestError(f"{what} {text!r} is not a date; write it as YYYY-MM-DD.")


def case_settings(case_root: Path) -> dict[str, Any]:
    """case.toml's `[ingest]` table, checked: one clear sentence for a bad key or value."""
    path = Path(case_root) / "case.toml"
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    table = data.get("ingest") or {}
    if not isinstance(table, dict):
        raise IngestError(f"{path}: [ingest] must be a table.")
    out: dict[str, Any] = {}
    for key, value in table.items():
        kind = CASE_KEYS.get(key)
        if kind is None:
            raise IngestError(
                f"{path}: [ingest] has an unknown key {key!r} (known: {', '.join(CASE_KEYS)})."
            )
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise IngestError(f"{path}: [ingest] {key} must be a {kind.__name__}.")
        out[key] = value
    return out


def build(case_root: Path | None = None, **given: Any) -> UrlOptions:
    """UrlOptions from what the user gave (None: not given), then case.toml, then defaults."""
    known = {f.name for f in fields(UrlOptions)}
    unknown = set(given) - known
    if unknown:
        raise TypeError(f"unknown options {sorted(unknown)}")
    values = case_settings(case_root) if case_root is not None else {}
    values.update({k: v for k, v in given.items() if v is not None})
    return UrlOptions(**values).checked()
