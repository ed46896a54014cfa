"""Making untrusted strings safe to publish: HTML and Markdown escaping, link
schemes, and local paths.

Titles, uploaders, OCR text and metadata come from the footage and the web; they are
shown, never interpreted. A link is a link only when its scheme is http or https.
"""

from __future__ import annotations

import html
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")


def h(value: object) -> str:
    """Text for HTML content or a quoted attribute value."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_url(value: object) -> str | None:
    """The URL if it is an absolute http(s) URL with a host; None otherwise."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or _CONTROL.search(text) or any(ch.isspace() for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def link(value: object, text: object | None = None) -> str:
    """An <a> for an http(s) URL; anything else is shown as escaped text."""
    url = safe_url(value)
    label = h(value if text is None else text)
    if url is None:
        return label
    return f'<a href="{h(url)}" rel="noopener noreferrer nofollow">{label}</a>'


def md(value: object) -> str:
    """Text for Markdown: HTML special characters as entities, Markdown syntax escaped,
    one line."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    # quotes need no escaping in Markdown text (as entities they showed up as `&\#x27;`)
    text = html.escape(text, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_link(value: object, text: object | None = None) -> str:
    """An autolink for an http(s) URL; anything else as escaped text."""
    url = safe_url(value)
    if url is None or any(ch in url for ch in "<>"):
        return md(value if text is None else text)
    if text is None:
        return f"<{url}>"
    return f"[{md(text)}](<{url}>)"


def looks_like_local_path(text: str) -> bool:
    t = text.strip()
    return (
        (t.startswith("/") and "/" in t[1:] and not t.startswith("//"))
        or t.startswith("~/")
        or bool(_WINDOWS_PATH.match(t))
        or t.startswith("\\\\")
        or t.lower().startswith("file:")
    )


def file_name(text: str) -> str:
    """The last part of a local path, POSIX or Windows."""
    t = text.strip()
    if t.lower().startswith("file:"):
        t = t[5:].lstrip("/")
    name = (
        PureWindowsPath(t).name if ("\\" in t or _WINDOWS_PATH.match(t)) else PurePosixPath(t).name
    )
    return name or "(local file)"


def scrub(value: Any, forbidden: tuple[str, ...] = ()) -> Any:
    """A copy of a JSON-like value in which local paths are reduced to file names and
    every occurrence of a `forbidden` string (a case or home folder) is cut out."""
    if isinstance(value, str):
        text = file_name(value) if looks_like_local_path(value) else value
        for bad in forbidden:
            if bad and bad in text:
                text = text.replace(bad, "…")
        return text
    if isinstance(value, dict):
        return {k: scrub(v, forbidden) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v, forbidden) for v in value]
    return value


def home_folder() -> Path | None:
    """The user's home folder, when it is specific enough to name a person (not `/` or
    `/root`-like short paths that would match everything)."""
    home = Path.home()
    return home if len(home.resolve().parts) > 2 else None


def private_prefixes(*folders: Path | None) -> tuple[str, ...]:
    """Absolute folder names that must never appear in a bundle (long enough to matter)."""
    out: list[str] = []
    for folder in folders:
        if folder is None:
            continue
        for form in {str(folder), str(Path(folder).resolve())}:
            if len(form) >= 5 and form not in out:
                out.append(form)
    return tuple(out)
