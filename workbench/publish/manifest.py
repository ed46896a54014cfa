"""The bundle's MANIFEST (SHA-256 of every file) and its verification.

MANIFEST has one line per file, `<sha256>  <relative path>`, sorted by path: the
format `sha256sum -c MANIFEST` reads. It covers every file of the bundle except
MANIFEST itself and its detached signature MANIFEST.sig.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from workbench.case.media import sha256_file
from workbench.publish import signing
from workbench.publish.errors import SigningKeyError

MANIFEST = "MANIFEST"
UNLISTED = frozenset({MANIFEST, signing.SIGNATURE_FILE})
_LINE = re.compile(r"^([0-9a-f]{64})  (.+)$")


@dataclass
class BundleReport:
    problems: list[str] = field(default_factory=list)  # mismatches: verification fails
    warnings: list[str] = field(default_factory=list)
    files_checked: int = 0
    signed: bool = False
    signature_ok: bool = False
    key_fingerprint: str | None = None
    trusted_key: bool = False  # the signature was checked against a key given by the user

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "problems": self.problems,
            "warnings": self.warnings,
            "files_checked": self.files_checked,
            "signed": self.signed,
            "signature_ok": self.signature_ok,
            "key_fingerprint": self.key_fingerprint,
            "trusted_key": self.trusted_key,
        }


def bundle_files(folder: Path) -> tuple[list[str], list[str]]:
    """(regular files, anything else: links, devices) under `folder`, as relative POSIX
    paths, leaving out MANIFEST and MANIFEST.sig at the top."""
    files, odd = [], []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            odd.append(rel)
        elif path.is_file():
            if rel not in UNLISTED:
                files.append(rel)
        elif not path.is_dir():
            odd.append(rel)
    return files, odd


def manifest_text(folder: Path) -> str:
    files, odd = bundle_files(folder)
    if odd:
        raise ValueError(f"{odd[0]} is not a regular file")
    return "".join(f"{sha256_file(folder / rel)}  {rel}\n" for rel in files)


def write_manifest(folder: Path) -> bytes:
    data = manifest_text(folder).encode("utf-8")
    (folder / MANIFEST).write_bytes(data)
    return data


def is_bundle(path: Path) -> bool:
    return Path(path).is_dir() and (Path(path) / MANIFEST).is_file()


def _safe_rel(rel: str) -> bool:
    p = PurePosixPath(rel)
    return not (p.is_absolute() or ".." in p.parts or "\\" in rel or rel != p.as_posix())


def read_manifest(folder: Path, report: BundleReport) -> dict[str, str]:
    try:
        text = (folder / MANIFEST).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report.problems.append(f"MANIFEST cannot be read ({exc})")
        return {}
    listed: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = _LINE.match(line)
        if not m:
            report.problems.append(f"MANIFEST line {number} is not `<sha256>  <path>`")
            continue
        digest, rel = m.groups()
        if not _safe_rel(rel):
            report.problems.append(f"MANIFEST line {number} names an unsafe path {rel!r}")
            continue
        if rel in listed:
            report.problems.append(f"MANIFEST lists {rel} twice")
        listed[rel] = digest
    return listed


def verify_bundle(folder: Path, trusted_key: Path | None = None) -> BundleReport:
    """Recompute every file's hash against MANIFEST and check the signature."""
    folder = Path(folder)
    report = BundleReport()
    if not (folder / MANIFEST).is_file():
        report.problems.append(f"{folder.name} has no MANIFEST, so it is not a bundle")
        return report
    listed = read_manifest(folder, report)
    present, odd = bundle_files(folder)
    for rel in odd:
        report.problems.append(f"{rel} is a link or special file; a bundle holds plain files only")
    for rel, expected in sorted(listed.items()):
        path = folder / rel
        if not path.is_file() or path.is_symlink():
            report.problems.append(f"{rel} is missing")
            continue
        actual = sha256_file(path)
        report.files_checked += 1
        if actual != expected:
            report.problems.append(
                f"{rel} has changed (sha256 {actual[:16]}…, MANIFEST says {expected[:16]}…)"
            )
    for rel in present:
        if rel not in listed:
            report.problems.append(f"{rel} is not listed in MANIFEST")
    _check_signature(folder, report, trusted_key)
    return report


def _check_signature(folder: Path, report: BundleReport, trusted_key: Path | None) -> None:
    sig_path = folder / signing.SIGNATURE_FILE
    pub_path = folder / signing.PUBLIC_KEY_FILE
    report.signed = sig_path.is_file()
    if not report.signed:
        if trusted_key is not None:
            report.problems.append("the bundle is not signed, but a key to check it with was given")
        else:
            report.warnings.append("the bundle is not signed (MANIFEST.sig is absent)")
        return
    try:
        if trusted_key is not None:
            key = signing.load_public_key(Path(trusted_key).read_bytes(), Path(trusted_key).name)
            report.trusted_key = True
        elif pub_path.is_file():
            key = signing.load_public_key(pub_path.read_bytes(), signing.PUBLIC_KEY_FILE)
        else:
            report.problems.append("MANIFEST.sig is there but no public key to check it with")
            return
    except (SigningKeyError, OSError) as exc:
        report.problems.append(f"the signature cannot be checked: {exc}")
        return
    report.key_fingerprint = signing.fingerprint(key)
    if trusted_key is not None and pub_path.is_file():
        try:
            embedded = signing.load_public_key(pub_path.read_bytes(), signing.PUBLIC_KEY_FILE)
            if signing.fingerprint(embedded) != report.key_fingerprint:
                report.warnings.append(
                    "MANIFEST.pub in the bundle is not the key you gave; checked with yours"
                )
        except SigningKeyError:
            pass
    manifest = (folder / MANIFEST).read_bytes()
    report.signature_ok = signing.check(manifest, sig_path.read_bytes(), key)
    if not report.signature_ok:
        whose = "the key you gave" if trusted_key is not None else "MANIFEST.pub"
        report.problems.append(f"MANIFEST.sig is not a valid signature of MANIFEST by {whose}")
    elif trusted_key is None:
        report.warnings.append(
            f"signed by {report.key_fingerprint} (the key inside the bundle): compare this "
            "fingerprint with the one the publisher announced, or pass --key"
        )
