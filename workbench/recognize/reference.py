"""The reference data as records to list: vendors and interface signatures, each marked
real or fictional, with the public sources behind it.

`workbench vendors` prints these; real and fictional entries are never mixed silently:
every record says which it is, and a listing can hold one kind only.
"""

from __future__ import annotations

from typing import Any

from workbench.errors import WorkbenchError
from workbench.recognize.interfaces import Signature, load_signatures
from workbench.recognize.vendors.registry import VendorEntry, load_registry

WHICH = ("all", "real", "fictional")
VENDOR_COLUMNS = ("status", "name", "short", "country", "kinds", "products", "citations")
INTERFACE_COLUMNS = ("status", "product", "vendor", "strings", "languages", "citations")


def _status(fictional: bool) -> str:
    return "FICTIONAL" if fictional else "real"


def _keep(fictional: bool, which: str) -> bool:
    if which not in WHICH:
        raise WorkbenchError(f"Unknown selection {which!r}; use one of {', '.join(WHICH)}.")
    return which == "all" or (which == "fictional") == fictional


def vendor_rows(which: str = "all", entries: list[VendorEntry] | None = None) -> list[dict]:
    """One record per vendor: real ones first, then the fictional demo vendors."""
    entries = load_registry() if entries is None else entries
    rows = []
    for e in sorted(entries, key=lambda e: (e.fictional, e.short.casefold())):
        if not _keep(e.fictional, which):
            continue
        rows.append(
            {
                "status": _status(e.fictional),
                "name": e.name,
                "short": e.short,
                "country": e.country,
                "kinds": list(e.kinds),
                "aliases": list(e.aliases),
                "products": list(e.products),
                "citations": _vendor_citations(e),
                "sources": list(e.sources),
                "cites": {fact: list(urls) for fact, urls in e.cites},
            }
        )
    return rows


def _vendor_citations(e: VendorEntry) -> str:
    if e.fictional:
        return "none (fictional)"
    how = "each fact" if e.cited else "the entry as a whole"
    return f"{len(e.sources)} source(s) for {how}"


def script_of_text(text: str) -> str:
    """'cyrillic', 'chinese' or 'latin' (the script a UI string ships in)."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "chinese"
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return "cyrillic"
    return "latin"


def interface_rows(which: str = "all", signatures: list[Signature] | None = None) -> list[dict]:
    """One record per interface signature, with each string's source."""
    signatures = load_signatures() if signatures is None else signatures
    rows: list[dict[str, Any]] = []
    for sig in sorted(signatures, key=lambda s: (s.fictional, s.product.casefold())):
        if not _keep(sig.fictional, which):
            continue
        urls = sorted({url for url, _ in sig.sources if url})
        rows.append(
            {
                "status": _status(sig.fictional),
                "product": sig.product,
                "vendor": sig.vendor,
                "strings": len(sig.strings),
                "languages": sorted({script_of_text(t) for t, _ in sig.strings}),
                "citations": f"{len(urls)} source(s)" if urls else "none (fictional)",
                "sources": urls,
                "detail": [
                    {"text": t, "weight": w, "source": src, "where": where}
                    for (t, w), (src, where) in zip(
                        sig.strings, sig.sources or [("", "")] * len(sig.strings), strict=True
                    )
                ],
            }
        )
    return rows
