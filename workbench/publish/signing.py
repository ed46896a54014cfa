"""Ed25519 keys and detached signatures over a bundle's MANIFEST.

A private key is read from PEM (PKCS#8, as `openssl genpkey -algorithm ed25519` writes
it) or OpenSSH format, unencrypted. The bundle carries the public key (MANIFEST.pub,
PEM) and the raw 64-byte signature (MANIFEST.sig), so anyone can check it without the
workbench:

    openssl pkeyutl -verify -pubin -inkey MANIFEST.pub -rawin -in MANIFEST -sigfile MANIFEST.sig

Whoever relies on the signature compares the key's fingerprint with the one the
publisher announced elsewhere, or passes their trusted copy of the key (`--key`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from workbench.publish.errors import SigningKeyError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

SIGNATURE_FILE = "MANIFEST.sig"
PUBLIC_KEY_FILE = "MANIFEST.pub"


def _serialization() -> tuple[ModuleType, ModuleType]:
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise SigningKeyError(
            "Signing needs the `cryptography` package; install the workbench again."
        ) from exc
    return serialization, ed25519


def load_private_key(path: Path) -> Ed25519PrivateKey:
    serialization, ed25519 = _serialization()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"The signing key {path} cannot be read ({exc.strerror}).") from exc
    key, encrypted = None, False
    for loader in (serialization.load_pem_private_key, serialization.load_ssh_private_key):
        try:
            key = loader(data, password=None)
            break
        except TypeError:  # encrypted, and no password given
            encrypted = True
        except Exception:  # not this format (ValueError, UnsupportedAlgorithm)
            continue
    if encrypted and key is None:
        raise SigningKeyError(
            f"The signing key {Path(path).name} is encrypted; give an unencrypted copy."
        )
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise SigningKeyError(
            f"{Path(path).name} is not an Ed25519 private key in PEM or OpenSSH format "
            "(make one with `openssl genpkey -algorithm ed25519 -out key.pem`)."
        )
    return key


def load_public_key(data: bytes, name: str = "the public key") -> Ed25519PublicKey:
    serialization, ed25519 = _serialization()
    key = None
    for loader in (serialization.load_pem_public_key, serialization.load_ssh_public_key):
        try:
            key = loader(data)
            break
        except Exception:
            continue
    if key is None:  # a private key given where a public one is asked for: its public half
        for loader in (serialization.load_pem_private_key, serialization.load_ssh_private_key):
            try:
                key = loader(data, password=None).public_key()
                break
            except Exception:
                continue
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise SigningKeyError(f"{name} is not an Ed25519 public key in PEM or OpenSSH format.")
    return key


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    serialization, _ = _serialization()
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """`ed25519:` and the SHA-256 of the raw 32-byte public key, in hex."""
    serialization, _ = _serialization()
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()


def generate_key(path: Path) -> str:
    """Write a new unencrypted Ed25519 private key (PEM, mode 0600); return its fingerprint."""
    serialization, ed25519 = _serialization()
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return fingerprint(key.public_key())


def sign(manifest: bytes, private_key: Ed25519PrivateKey) -> bytes:
    return private_key.sign(manifest)


def check(manifest: bytes, signature: bytes, public_key: Ed25519PublicKey) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        public_key.verify(signature, manifest)
    except InvalidSignature:
        return False
    return True
