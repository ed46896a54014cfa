"""Content-addressed originals: media/<sha256>.<ext>, written once, read-only forever.

Files arrive through a temporary file in the case's tmp/ folder (same filesystem),
hashed while they are copied, then renamed into place atomically. A reader never sees
a half-written original, and a crash leaves at most a stray temporary file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import DiskFullError

CHUNK = 1 << 20
_EXT = re.compile(r"^\.[A-Za-z0-9]{1,8}$")

Progress = Callable[[int], None]  # called with the number of bytes just processed


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    relpath: str  # relative to the case folder, POSIX separators
    size: int


def sha256_file(path: Path, progress: Progress | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def safe_ext(name: str) -> str:
    ext = Path(name).suffix.lower()
    return ext if _EXT.match(ext) else ".bin"


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def copy_to_temp(src: Path, tmp_dir: Path, progress: Progress | None = None) -> tuple[Path, str]:
    """Copy `src` into a fresh temporary file under `tmp_dir`; return it and its sha256."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix="incoming-", dir=tmp_dir)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
            while chunk := inp.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                if progress:
                    progress(len(chunk))
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise DiskFullError(
                f"The disk is full (or a file-size limit was hit) while copying {src.name}; "
                "nothing was added to the case."
            ) from exc
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, digest.hexdigest()


def place(case_root: Path, tmp: Path, sha256: str, ext: str) -> StoredFile:
    """Move a hashed temporary file to media/<sha256><ext>, read-only.

    If the same content is already stored, the temporary file is dropped and the
    existing original is kept untouched.
    """
    rel = f"media/{sha256}{ext}"
    dest = case_root / rel
    size = tmp.stat().st_size
    if dest.exists():
        tmp.unlink(missing_ok=True)
        return StoredFile(sha256, rel, dest.stat().st_size)
    os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    os.replace(tmp, dest)
    _fsync_dir(dest.parent)
    return StoredFile(sha256, rel, size)


def bytes_to_temp(tmp_dir: Path, data: bytes) -> tuple[Path, str]:
    """Write in-memory content (a fetched page, a screenshot) to a temporary file."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix="incoming-", dir=tmp_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise DiskFullError("The disk is full; nothing was added to the case.") from exc
        raise
    return tmp, hashlib.sha256(data).hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
