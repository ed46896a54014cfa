"""RFC 3161 time-stamps from a real local TSA on 127.0.0.1 (keys and certificates made
with `cryptography`), stored with the case and checked offline by `workbench verify`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.helpers import run_cli, snapshot
from tests.tsa import Authority, make_authority, tsa_server
from workbench.case import Case, timestamps
from workbench.ingest import ingest_file


@pytest.fixture(scope="module")
def authority() -> Authority:
    return make_authority()


@pytest.fixture()
def tsa(authority: Authority) -> Iterator[str]:
    with tsa_server(authority) as url:
        yield url


@pytest.fixture()
def filled(case_dir: Path, clip: Path) -> Path:
    with Case.open(case_dir) as c:
        ingest_file(c, clip, "ana")
    return case_dir


def _stamps(case_dir: Path) -> list[timestamps.Stamp]:
    with Case.open(case_dir) as c:
        return timestamps.stamps(c.conn)


def test_tokens_over_each_original_and_the_audit_head_verify_offline(
    filled: Path, clip: Path, tsa: str, authority: Authority
) -> None:
    video = hashlib.sha256(clip.read_bytes()).hexdigest()
    result = run_cli("timestamp", filled, "--tsa", tsa)
    assert result.exit_code == 0, result.stderr
    assert "2 token(s) stored" in result.stdout
    original, head = _stamps(filled)
    assert (original.target_kind, original.target, original.digest) == ("original", video, video)
    assert head.target_kind == "audit"
    with Case.open(filled) as c:
        assert timestamps.audit_head(c.conn)[1] != head.digest  # the stamp itself was logged
        seq_hash = c.conn.execute("SELECT hash FROM audit WHERE seq = ?", (int(head.target),))
        assert seq_hash.fetchone()[0] == head.digest
    assert bytes.fromhex(video) in authority.served  # only the hash left the machine
    assert "BEGIN CERTIFICATE" in original.chain_pem
    checked = run_cli("verify", filled)
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout.count("time-stamp ") == 2 and "FAILS" not in checked.stdout
    data = json.loads(run_cli("verify", filled, "--json").stdout)
    assert [t["ok"] for t in data["timestamps"]] == [True, True]
    again = run_cli("timestamp", filled, "--tsa", tsa)
    assert "1 token(s) stored, 1 already there" in again.stdout  # only the new audit head


def test_a_token_over_a_flipped_hash_fails(filled: Path, tsa: str) -> None:
    assert run_cli("timestamp", filled, "--tsa", tsa).exit_code == 0
    original = _stamps(filled)[0]
    ok, _, _ = timestamps.check_token(original.token, original.digest, original.chain_pem)
    assert ok
    flipped = f"{int(original.digest[0], 16) ^ 1:x}" + original.digest[1:]
    ok, reason, _ = timestamps.check_token(original.token, flipped, original.chain_pem)
    assert not ok and "Mismatch" in reason
    conn = sqlite3.connect(filled / "case.db")
    with conn:
        conn.execute("UPDATE timestamps SET digest = ? WHERE id = ?", (flipped, original.id))
    conn.close()
    result = run_cli("verify", filled)
    assert result.exit_code == 1
    assert f"time-stamp {original.id} (original {flipped[:12]}" in result.stderr
    assert "is not an original of this case" in result.stderr


def test_a_token_with_a_changed_byte_or_a_foreign_root_fails(filled: Path, tsa: str) -> None:
    assert run_cli("timestamp", filled, "--tsa", tsa).exit_code == 0
    original = _stamps(filled)[0]
    damaged = bytearray(original.token)
    damaged[-5] ^= 0x01  # inside the signature
    ok, _, _ = timestamps.check_token(bytes(damaged), original.digest, original.chain_pem)
    assert not ok
    other = make_authority("Impostor TSA")
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    foreign = other.root.public_bytes(Encoding.PEM).decode()
    stored = x509.load_pem_x509_certificates(original.chain_pem.encode())
    own_leaf = "".join(
        c.public_bytes(Encoding.PEM).decode() for c in stored if c.subject != c.issuer
    )
    ok, reason, _ = timestamps.check_token(original.token, original.digest, own_leaf + foreign)
    assert not ok and "certificate" in reason
    conn = sqlite3.connect(filled / "case.db")
    with conn:
        conn.execute("UPDATE timestamps SET token = ? WHERE id = ?", (bytes(damaged), original.id))
    conn.close()
    assert run_cli("verify", filled).exit_code == 1


def test_a_tsa_that_sends_no_root_needs_its_certificates(filled: Path, tmp_path: Path) -> None:
    bare = make_authority("Bare TSA")
    bare.include_root = False
    root = bare.root_pem(tmp_path / "bare-root.pem")
    with tsa_server(bare) as url:
        before = snapshot(filled)
        refused = run_cli("timestamp", filled, "--tsa", url)
        assert refused.exit_code == 1 and "no root certificate" in refused.stderr
        assert snapshot(filled) == before
        (filled / "case.toml").write_text(
            (filled / "case.toml").read_text("utf-8")
            + f'\n[timestamp]\ntsa = [{{url = "{url}", certs = "{root}"}}]\n',
            "utf-8",
        )
        done = run_cli("timestamp", filled)  # the TSA and its root from case.toml
        assert done.exit_code == 0, done.stderr
    assert run_cli("verify", filled).exit_code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "No time-stamp authority is named"),
        (["--tsa", "ftp://tsa.example/"], "is not an http(s) URL"),
        (["--tsa", "http://127.0.0.1:{port}/tsr"], "could not be reached"),
    ],
)
def test_bad_time_stamp_requests_are_one_sentence(
    filled: Path, args: list[str], message: str
) -> None:
    before = snapshot(filled)
    args = [a.format(port=free_port()) for a in args]
    result = run_cli("timestamp", filled, *args)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert result.stderr.startswith("error: ")
    assert snapshot(filled) == before


def test_a_server_that_is_not_a_tsa_is_refused(filled: Path, http_server: str) -> None:
    result = run_cli("timestamp", filled, "--tsa", f"{http_server}/")
    assert result.exit_code == 1 and "answered HTTP 501" in result.stderr


def test_the_tsa_is_reached_through_the_case_proxy(filled: Path, tsa: str) -> None:
    from tests.netservers import socks5_proxy

    with socks5_proxy() as (proxy, connects):
        with (filled / "case.toml").open("a", encoding="utf-8") as fh:
            fh.write(f'\n[ingest]\nproxy = "socks5h://{proxy}"\n')
        result = run_cli("timestamp", filled, "--tsa", tsa)
        assert result.exit_code == 0, result.stderr
    port = int(tsa.rsplit(":", 1)[1].split("/")[0])
    assert ("127.0.0.1", port) in connects
