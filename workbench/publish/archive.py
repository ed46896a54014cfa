"""Zip a bundle with relative paths only, and extract a zip without letting any entry
land outside its folder.

`safe_extract` checks every entry before it writes anything: absolute paths, drive
letters, backslashes, `..`, symbolic links and other special files, duplicate names,
and archives that would unpack to more than a size limit are refused.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from workbench.publish.errors import UnsafeArchiveError

MAX_TOTAL_BYTES = 8 << 30
MAX_ENTRIES = 100_000


def zip_bundle(folder: Path, out: Path, when: datetime | None = None) -> Path:
    """Write `out` holding `folder` as `<folder name>/<relative path>`, files only."""
    folder, out = Path(folder), Path(out)
    stamp = (when or datetime.now()).timetuple()[:6]
    stamp = (max(1980, stamp[0]), *stamp[1:])
    tmp = out.with_name(f".{out.name}.partial")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(folder.rglob("*")):
                if path.is_symlink() or not path.is_file():
                    continue
                rel = path.relative_to(folder).as_posix()
                info = zipfile.ZipInfo(f"{folder.name}/{rel}", date_time=stamp)
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as src, zf.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def _check_name(name: str) -> PurePosixPath:
    if not name or "\\" in name or "\x00" in name:
        raise UnsafeArchiveError(
            f"The archive entry {name!r} has an unsafe name; nothing was extracted."
        )
    path = PurePosixPath(name)
    first = path.parts[0] if path.parts else ""
    if path.is_absolute() or name.startswith("/") or ":" in first:
        raise UnsafeArchiveError(
            f"The archive entry {name!r} is an absolute path; nothing was extracted."
        )
    if ".." in path.parts:
        raise UnsafeArchiveError(
            f"The archive entry {name!r} climbs out of its folder (..); nothing was extracted."
        )
    return path


def check_archive(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's file entries, or UnsafeArchiveError naming the first bad one."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UnsafeArchiveError(f"The archive holds {len(infos)} entries; too many to extract.")
    seen: set[str] = set()
    total = 0
    files = []
    for info in infos:
        path = _check_name(info.filename)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if stat.S_ISLNK(mode):
            raise UnsafeArchiveError(
                f"The archive entry {info.filename!r} is a symbolic link; nothing was extracted."
            )
        if kind and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise UnsafeArchiveError(
                f"The archive entry {info.filename!r} is not a plain file; nothing was extracted."
            )
        key = path.as_posix().rstrip("/").casefold()
        if key in seen:
            raise UnsafeArchiveError(
                f"The archive holds {info.filename!r} twice; nothing was extracted."
            )
        seen.add(key)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UnsafeArchiveError(
                "The archive would unpack to too much data; nothing was extracted."
            )
        if not info.is_dir():
            files.append(info)
    return files


def safe_extract(archive: Path, dest: Path) -> list[Path]:
    """Extract `archive` into `dest` (new or empty); return the files written."""
    archive, dest = Path(archive), Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UnsafeArchiveError(f"{dest} is not an empty folder; nothing was extracted.")
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UnsafeArchiveError(f"{archive.name} is not a readable zip archive ({exc}).") from exc
    with zf:
        files = check_archive(zf)
        dest.mkdir(parents=True, exist_ok=True)
        root = dest.resolve()
        written = []
        for info in files:
            target = (root / info.filename).resolve()
            if not target.is_relative_to(root):  # belt and braces after _check_name
                raise UnsafeArchiveError(
                    f"The archive entry {info.filename!r} would land outside {dest}."
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "xb") as dst:
                shutil.copyfileobj(src, dst)
            written.append(target)
    return written


def bundle_root(folder: Path) -> Path | None:
    """The folder holding MANIFEST: `folder` itself or its single sub-folder."""
    if (folder / "MANIFEST").is_file():
        return folder
    subs = [p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()]
    if len(subs) == 1 and (subs[0] / "MANIFEST").is_file():
        return subs[0]
    return None
