"""RFC 3161 time-stamp tokens stored with a case, and their offline check.

One row per token: what it is over (an original's SHA-256, or the hash of the audit
entry that was the chain's head), the token exactly as the authority sent it, and the
authority's certificates, so `workbench verify` can check every token without a network.
A stored root proves the token is whole and signed by that certificate chain; whether that
root is the authority's real one is for the reader to compare (its fingerprint is shown).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from workbench.case import audit, records


@dataclass(frozen=True)
class Stamp:
    id: int
    target_kind: str  # original | audit
    target: str
    digest: str
    tsa_url: str
    token: bytes
    chain_pem: str
    gen_time: str
    serial: str
    requested_at: str
    actor: str


_COLS = ", ".join(f for f in Stamp.__dataclass_fields__ if f != "id")


def add(conn: sqlite3.Connection, stamps: list[dict[str, Any]], actor: str) -> list[int]:
    """Store tokens (dicts with Stamp's fields but id) in one transaction with their audit
    entry; returns the new ids."""
    if not stamps:
        return []
    now = datetime.now(timezone.utc).isoformat()
    ids = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for s in stamps:
            row = {**s, "requested_at": s.get("requested_at") or now, "actor": actor}
            cur = conn.execute(
                f"INSERT INTO timestamps ({_COLS}) VALUES ({', '.join('?' * 10)})",
                tuple(row[f] for f in _COLS.split(", ")),
            )
            ids.append(int(cur.lastrowid or 0))
        audit.append(
            conn,
            actor,
            "timestamp",
            ",".join(sorted({s["tsa_url"] for s in stamps})),
            {
                "tokens": len(stamps),
                "originals": sorted(
                    {s["target"] for s in stamps if s["target_kind"] == "original"}
                ),
                "audit_head": next(
                    (s["digest"] for s in stamps if s["target_kind"] == "audit"), None
                ),
                "ids": ids,
            },
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return ids


def stamps(conn: sqlite3.Connection) -> list[Stamp]:
    rows = conn.execute(f"SELECT id, {_COLS} FROM timestamps ORDER BY id")
    return [Stamp(**{**dict(r), "token": bytes(r["token"])}) for r in rows]


def stamped(conn: sqlite3.Connection, tsa_url: str) -> set[tuple[str, str]]:
    """(target_kind, digest) already time-stamped by `tsa_url`."""
    rows = conn.execute("SELECT target_kind, digest FROM timestamps WHERE tsa_url = ?", (tsa_url,))
    return {(r[0], r[1]) for r in rows}


def originals(conn: sqlite3.Connection) -> list[str]:
    """SHA-256 of every original the case holds: videos and web captures."""
    return records.original_hashes(conn)


def audit_head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    return audit.head(conn)


@dataclass(frozen=True)
class TokenCheck:
    stamp_id: int
    ok: bool
    what: str  # "original 3f2a…" / "audit head at entry 12"
    detail: str  # the TSA's time, name and root fingerprint, or why it failed


def check_token(token: bytes, digest_hex: str, chain_pem: str) -> tuple[bool, str, dict[str, Any]]:
    """Verify one token offline: signature and chain up to a stored root, the TSA's EKU,
    and that it is over `digest_hex`. Returns (ok, reason or '', facts)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from rfc3161_client import VerificationError, VerifierBuilder, decode_timestamp_response

    try:
        response = decode_timestamp_response(bytes(token))
    except Exception as exc:  # the parser's own error types
        return False, f"the token cannot be read ({exc})", {}
    try:
        certs = x509.load_pem_x509_certificates(chain_pem.encode()) if chain_pem.strip() else []
    except ValueError as exc:
        return False, f"the stored certificates cannot be read ({exc})", {}
    roots = [c for c in certs if c.subject == c.issuer]
    if not roots:
        return False, "no root certificate of the TSA is stored with the token", {}
    # only self-signed roots are anchors: rfc3161-client trusts every certificate it is
    # given, so handing it the TSA's own (stored) certificate would skip the chain check
    builder = VerifierBuilder()
    for c in roots:
        builder = builder.add_root_certificate(c)
    facts = {
        "gen_time": response.tst_info.gen_time.isoformat(),
        "serial": str(response.tst_info.serial_number),
        "roots": [c.fingerprint(hashes.SHA256()).hex() for c in roots],
        "root_names": [c.subject.rfc4514_string() for c in roots],
    }
    try:
        builder.build().verify(response, bytes.fromhex(digest_hex))
    except (VerificationError, ValueError) as exc:
        return False, str(exc), facts
    return True, "", facts


def verify(conn: sqlite3.Connection) -> tuple[list[TokenCheck], list[str]]:
    """Check every stored token; returns the checks and the problems (mismatches)."""
    known = set(originals(conn))
    audit_hashes = {str(seq): digest for seq, digest in audit.hashes(conn)}
    checks, problems = [], []
    for s in stamps(conn):
        if s.target_kind == "original":
            what = f"original {s.digest[:12]}"
            record_ok = s.target == s.digest and s.digest in known
            record_problem = f"time-stamp {s.id}: {what} is not an original of this case"
        else:
            what = f"audit head at entry {s.target}"
            record_ok = audit_hashes.get(s.target) == s.digest
            record_problem = (
                f"time-stamp {s.id}: audit entry {s.target} no longer has the hash "
                "that was time-stamped"
            )
        ok, reason, facts = check_token(s.token, s.digest, s.chain_pem)
        if not ok:
            problems.append(f"time-stamp {s.id} ({what}, {s.tsa_url}) fails: {reason}")
        if not record_ok:
            problems.append(record_problem)
        detail = (
            f"{facts.get('gen_time')} by {s.tsa_url}, root {facts['roots'][0][:16]}…"
            if ok
            else reason
        )
        checks.append(TokenCheck(s.id, ok and record_ok, what, detail))
    return checks, problems
