"""yt-dlp's error messages turned into one sentence for the user: what happened and what to
do (a login, a cut connection), never repeating a proxy's password."""

from __future__ import annotations

import re

from workbench.ingest.options import UrlOptions, redact_proxy


def explain(url: str, errors: list[str], options: UrlOptions | None = None) -> str:
    text = " ".join(errors)
    if options is not None and options.proxy:  # never repeat a proxy's password
        text = text.replace(options.proxy, redact_proxy(options.proxy))
    low = text.lower()
    cut = re.search(r"(\d+) bytes read, (\d+) more expected", text)
    if cut:
        got, more = int(cut.group(1)), int(cut.group(2))
        return (
            f"The connection to {url} was cut after {got} of {got + more} bytes; "
            "run the same command again to resume the download."
        )
    if "unsupported url" in low:
        return f"No video was found at {url} (yt-dlp does not support that page)."
    if "cookie" in low and ("load" in low or "invalid" in low or "could not" in low):
        return f"The cookies could not be read for {url} ({first_reason(text)})."
    if any(
        s in low
        for s in (
            "connection refused",
            "name or service not known",
            "timed out",
            "no route to host",
            "network is unreachable",
            "failed to resolve",
            "nodename nor servname",
            "temporary failure in name resolution",
            "socks",
            "proxy",
        )
    ):
        return f"{url} could not be reached ({first_reason(text)})."
    if "http error 404" in low or "404" in low:
        return f"{url} answered 404 Not Found."
    if "http error 401" in low or "http error 403" in low:
        return (
            f"{url} refused the download ({first_reason(text)}); if it needs a login, "
            "give your browser's cookies with --cookies or --cookies-from-browser."
        )
    if "sign in" in low or "not a bot" in low or "login" in low:
        return (
            f"{url} asks for a login ({first_reason(text)}); give your browser's cookies "
            "with --cookies or --cookies-from-browser."
        )
    if "http error" in low:
        return f"{url} answered with an error ({first_reason(text)})."
    return f"yt-dlp could not download {url}: {first_reason(text)}."


def first_reason(text: str) -> str:
    text = text.replace("ERROR: ", "").strip()
    text = re.sub(r"\s*\(caused by .*$", "", text, flags=re.S)  # urllib3's nested repeat
    return text.splitlines()[0][:300] if text else "no reason given"
