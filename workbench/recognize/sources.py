"""Public-source citations in reference data: what a well-formed source URL is.

Real vendor entries and real interface signatures cite the public pages their facts come
from. A citation is an absolute http(s) URL with a host and no spaces; anything else (a
bare domain, a file path, a note) is refused when the data is loaded.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def is_public_url(url: object) -> bool:
    """Whether URL is an absolute http(s) address with a host and no whitespace."""
    if not isinstance(url, str) or not url or any(ch.isspace() for ch in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and "." in parts.netloc.rsplit("@", 1)[-1]
