"""A real RFC 3161 time-stamp authority on 127.0.0.1 for the tests: a root CA and a TSA
certificate (critical EKU timeStamping) made with `cryptography`, tokens built with
asn1crypto and signed with the TSA's key."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

POLICY = "1.3.6.1.4.1.99999.1"


@dataclass
class Authority:
    root: x509.Certificate
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    served: list[bytes] = field(default_factory=list)  # message imprints time-stamped
    serial: int = 0
    include_root: bool = True  # many real TSAs send only their own certificate

    def root_pem(self, path: Path) -> Path:
        path.write_bytes(self.root.public_bytes(serialization.Encoding.PEM))
        return path


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_authority(name: str = "Test TSA") -> Authority:
    now = dt.datetime.now(dt.timezone.utc)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name} Root"))
        .issuer_name(_name(f"{name} Root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    return Authority(root, cert, key)


def respond(authority: Authority, request_der: bytes) -> bytes:
    """A granted TimeStampResp for a DER TimeStampReq."""
    req = tsp.TimeStampReq.load(request_der)
    imprint = req["message_imprint"]
    authority.served.append(imprint["hashed_message"].native)
    authority.serial += 1
    info = tsp.TSTInfo(
        {
            "version": "v1",
            "policy": POLICY,
            "message_imprint": imprint,
            "serial_number": authority.serial,
            "gen_time": dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
            "nonce": req["nonce"].native if req["nonce"].native is not None else None,
        }
    )
    info_der = info.dump()
    cert_der = authority.cert.public_bytes(serialization.Encoding.DER)
    a_cert = ax509.Certificate.load(cert_der)
    ess = tsp.SigningCertificateV2(
        {
            "certs": [
                {
                    "hash_algorithm": {"algorithm": "sha256"},
                    "cert_hash": hashlib.sha256(cert_der).digest(),
                }
            ]
        }
    )
    signed_attrs = cms.CMSAttributes(
        [
            {"type": "content_type", "values": ["tst_info"]},
            {"type": "message_digest", "values": [hashlib.sha256(info_der).digest()]},
            {"type": "signing_certificate_v2", "values": [ess]},
        ]
    )
    signature = authority.key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
    certs = [a_cert]
    if req["cert_req"].native and authority.include_root:
        certs.append(
            ax509.Certificate.load(authority.root.public_bytes(serialization.Encoding.DER))
        )
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": {
                        "issuer": a_cert.issuer,
                        "serial_number": a_cert.serial_number,
                    }
                }
            ),
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
            "signature": signature,
        }
    )
    signed = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {
                "content_type": "tst_info",
                "content": core.ParsableOctetString(info_der),
            },
            "certificates": certs,
            "signer_infos": [signer],
        }
    )
    token = cms.ContentInfo({"content_type": "signed_data", "content": signed})
    return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()


@contextmanager
def tsa_server(authority: Authority) -> Iterator[str]:
    """The authority answering RFC 3161 requests over HTTP on 127.0.0.1; yields its URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415)
                return
            try:
                answer = respond(authority, body)
            except Exception:
                self.send_error(400, "bad time-stamp request")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsr"
    finally:
        server.shutdown()
        server.server_close()
