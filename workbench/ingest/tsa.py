"""Independent time-stamps (RFC 3161) over a case's originals and its audit-chain head.

Each original's SHA-256 (and the hash of the newest audit entry) goes to one or more
time-stamp authorities; only the hash leaves the machine. Every token is checked as it
arrives (signature, certificate chain, the TSA's EKU, nonce, the hash it is over) and
stored with the TSA's certificates, so `workbench verify` checks it again offline.
"""

from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workbench.case import timestamps
from workbench.case.folder import Case
from workbench.errors import WorkbenchError
from workbench.ingest.options import UrlOptions, build, redact_proxy
from workbench.progress import NullProgress, ProgressSink

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_REPLY = 1 << 20


class TimestampError(WorkbenchError):
    """A time-stamp authority could not be asked, or its answer does not verify."""


@dataclass(frozen=True)
class Tsa:
    url: str
    certs: Path | None = None  # PEM: the TSA's root (and intermediates) when its token lacks them


@dataclass
class StampReport:
    new: int = 0
    already: int = 0
    per_tsa: dict[str, int] = field(default_factory=dict)
    audit_head: str | None = None


def authorities(
    case_root: Path, urls: tuple[str, ...] = (), certs: Path | None = None
) -> list[Tsa]:
    """The TSAs to ask: --tsa URLs given, else case.toml's `[timestamp] tsa = [...]` (each
    a URL or a table {url = "...", certs = "root.pem"})."""
    out = [Tsa(u, certs) for u in urls] or _from_case(case_root, certs)
    for tsa in out:
        if not tsa.url.lower().startswith(("http://", "https://")):
            raise TimestampError(f"The time-stamp authority {tsa.url!r} is not an http(s) URL.")
        if tsa.certs is not None and not tsa.certs.is_file():
            raise TimestampError(f"The certificates file {tsa.certs} does not exist.")
    return out


def _from_case(case_root: Path, certs: Path | None) -> list[Tsa]:
    path = Path(case_root) / "case.toml"
    try:
        table = tomllib.loads(path.read_text("utf-8")).get("timestamp") or {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        table = {}
    out = []
    for item in table.get("tsa") or [] if isinstance(table, dict) else []:
        if isinstance(item, str):
            out.append(Tsa(item, certs))
        elif isinstance(item, dict) and isinstance(item.get("url"), str):
            given = item.get("certs")
            pem = Path(given) if isinstance(given, str) else certs
            if pem is not None and not pem.is_absolute():
                pem = Path(case_root) / pem
            out.append(Tsa(item["url"], pem))
        else:
            raise TimestampError(
                f'{path}: each [timestamp] tsa entry is a URL or a table with url = "...".'
            )
    if not out:
        raise TimestampError(
            "No time-stamp authority is named: give --tsa URL, or set "
            '[timestamp] tsa = ["https://…"] in case.toml.'
        )
    return out


def request_der(digest: bytes, nonce: int) -> bytes:
    """A TimeStampReq (RFC 3161 §2.4.1) over a SHA-256 digest, asking for the certificates."""
    from asn1crypto import tsp

    return tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    ).dump()


def post(downloader, tsa: Tsa, body: bytes) -> bytes:
    """POST a request through yt-dlp's HTTP stack: the case's proxy applies here too."""
    from yt_dlp.networking import Request
    from yt_dlp.networking.exceptions import HTTPError, RequestError

    req = Request(tsa.url, data=body, headers={"Content-Type": "application/timestamp-query"})
    try:
        with downloader.urlopen(req) as resp:
            return resp.read(MAX_REPLY + 1)
    except HTTPError as exc:
        raise TimestampError(
            f"The time-stamp authority {tsa.url} answered HTTP {exc.status}."
        ) from exc
    except (RequestError, OSError) as exc:
        reason = redact_proxy_text(str(getattr(exc, "msg", None) or exc), downloader)
        raise TimestampError(
            f"The time-stamp authority {tsa.url} could not be reached ({reason})."
        ) from exc


def redact_proxy_text(text: str, downloader) -> str:
    proxy = downloader.params.get("proxy")
    return text.replace(proxy, redact_proxy(proxy)) if proxy else text


def ask(downloader, tsa: Tsa, digest_hex: str) -> dict[str, Any]:
    """One token over `digest_hex` from `tsa`, verified; the row to store (without actor)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from rfc3161_client import decode_timestamp_response

    nonce = secrets.randbits(63)
    reply = post(downloader, tsa, request_der(bytes.fromhex(digest_hex), nonce))
    if len(reply) > MAX_REPLY:
        raise TimestampError(f"The time-stamp authority {tsa.url} sent more than 1 MiB.")
    try:
        response = decode_timestamp_response(reply)
    except Exception as exc:
        raise TimestampError(
            f"{tsa.url} did not answer with an RFC 3161 time-stamp ({exc})."
        ) from exc
    if response.status not in (0, 1):
        raise TimestampError(
            f"The time-stamp authority {tsa.url} refused the request (status {response.status})."
        )
    if response.tst_info.nonce != nonce:
        raise TimestampError(
            f"The time-stamp authority {tsa.url} answered another request (nonce differs)."
        )
    pems = [
        x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM).decode()
        for der in response.signed_data.certificates
    ]
    if tsa.certs is not None:
        for cert in x509.load_pem_x509_certificates(tsa.certs.read_bytes()):
            pem = cert.public_bytes(Encoding.PEM).decode()
            if pem not in pems:
                pems.append(pem)
    chain = "".join(pems)
    ok, reason, facts = timestamps.check_token(reply, digest_hex, chain)
    if not ok:
        raise TimestampError(f"The token from {tsa.url} does not verify: {reason}.")
    return {
        "digest": digest_hex,
        "tsa_url": tsa.url,
        "token": reply,
        "chain_pem": chain,
        "gen_time": facts["gen_time"],
        "serial": facts["serial"],
        "requested_at": datetime.now(timezone.utc).isoformat(),
    }


def stamp_case(
    case: Case,
    tsas: list[Tsa],
    actor: str,
    progress: ProgressSink | None = None,
    options: UrlOptions | None = None,
) -> StampReport:
    """Time-stamp every original not yet stamped by each TSA, and the audit head. A TSA
    that fails stores nothing of its own, and the next run asks it again. Requests go
    through the proxy of `options` (by default the case's `[ingest]` settings)."""
    from workbench.ingest import ydl

    progress = progress or NullProgress()
    report = StampReport()
    conn = case.conn
    head = timestamps.audit_head(conn)
    report.audit_head = head[1] if head else None
    targets = [("original", sha, sha) for sha in timestamps.originals(conn)]
    if head is not None:
        targets.append(("audit", str(head[0]), head[1]))
    options = options or build(case.root)
    with ydl.make(options, logger=ydl.Logger()) as downloader:
        for tsa in tsas:
            _stamp_one(conn, downloader, tsa, targets, actor, progress, report)
    return report


def _stamp_one(
    conn, downloader, tsa: Tsa, targets: list, actor: str, progress: ProgressSink, report
) -> None:
    done = timestamps.stamped(conn, tsa.url)
    todo = [t for t in targets if (t[0], t[2]) not in done]
    report.already += len(targets) - len(todo)
    rows = []
    for i, (kind, target, digest) in enumerate(todo):
        progress.update(f"time-stamp {tsa.url}", i, len(todo))
        rows.append({"target_kind": kind, "target": target, **ask(downloader, tsa, digest)})
    progress.update(f"time-stamp {tsa.url}", len(todo), len(todo))
    timestamps.add(conn, rows, actor)
    report.new += len(rows)
    report.per_tsa[tsa.url] = len(rows)
