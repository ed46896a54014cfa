"""A logo library: a folder of images whose file stems are labels, plus `logos.toml`.

```toml
[labels.stellar-optics]
vendor = "Stellar Optics Co., Ltd."
```

Every image file in the folder is a reference; `logos.toml` is optional and may name a
vendor for some labels. Anything else that is not an image is an error, so a typo never
silently drops a reference.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.recognize.logos.errors import LogoLibraryError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")
IGNORED = ("logos.toml", "readme.md", "readme.txt", "license", "license.txt", ".ds_store")


@dataclass(frozen=True)
class LogoReference:
    label: str
    vendor: str | None
    path: Path
    rgb: np.ndarray  # (h, w, 3) uint8; transparent pixels are composited on white


@dataclass(frozen=True)
class LogoLibrary:
    folder: Path
    references: tuple[LogoReference, ...]
    digest: str  # sha256 over labels, vendors and image bytes: the cache key of an index

    @classmethod
    def load(cls, folder: Path | str) -> LogoLibrary:
        """Read every image and `logos.toml` in `folder`; raise LogoLibraryError on anything odd."""
        folder = Path(folder)
        if not folder.is_dir():
            raise LogoLibraryError(f"The logo library {folder} is not a folder.")
        vendors = _read_toml(folder / "logos.toml")
        sha = hashlib.sha256()
        refs: list[LogoReference] = []
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.is_dir() or path.name.lower() in IGNORED:
                continue
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                raise LogoLibraryError(
                    f"The logo library holds {path.name}, which is not an image "
                    f"({', '.join(IMAGE_SUFFIXES)}); move it out of {folder}."
                )
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise LogoLibraryError(f"The logo image {path} cannot be read ({exc}).") from None
            rgb = _decode(path, data)
            label = path.stem
            if any(r.label == label for r in refs):
                raise LogoLibraryError(f"Two images in {folder} share the label {label!r}.")
            vendor = vendors.get(label)
            refs.append(LogoReference(label, vendor, path, rgb))
            sha.update(f"{label}\0{vendor}\0".encode())
            sha.update(hashlib.sha256(data).digest())
        if not refs:
            raise LogoLibraryError(f"The logo library {folder} holds no images.")
        unknown = sorted(set(vendors) - {r.label for r in refs})
        if unknown:
            raise LogoLibraryError(
                f"logos.toml in {folder} names labels with no image: {', '.join(unknown)}."
            )
        return cls(folder, tuple(refs), sha.hexdigest())

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.references]

    def vendor(self, label: str) -> str | None:
        return next((r.vendor for r in self.references if r.label == label), None)

    def __len__(self) -> int:
        return len(self.references)


def _read_toml(path: Path) -> dict[str, str | None]:
    if not path.is_file():
        return {}
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LogoLibraryError(f"{path} is not valid TOML ({exc}).") from None
    labels = doc.get("labels", {})
    if not isinstance(labels, dict):
        raise LogoLibraryError(f"{path}: [labels] must be a table of label tables.")
    out: dict[str, str | None] = {}
    for label, entry in labels.items():
        vendor = entry.get("vendor") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(vendor, (str, type(None))):
            raise LogoLibraryError(
                f'{path}: [labels.{label}] must be a table such as vendor = "Name".'
            )
        out[label] = vendor
    return out


def _decode(path: Path, data: bytes) -> np.ndarray:
    import cv2

    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None or img.size == 0:
        raise LogoLibraryError(f"The logo image {path} cannot be read as an image.")
    if img.dtype != np.uint8:
        img = cv2.convertScaleAbs(img, alpha=255.0 / max(float(img.max()), 1.0))
    if img.ndim == 2:
        return np.ascontiguousarray(np.repeat(img[..., None], 3, axis=2))
    if img.shape[2] == 4:  # composite transparency on white
        alpha = img[..., 3:4].astype(np.float32) / 255.0
        img = (img[..., :3] * alpha + 255.0 * (1 - alpha)).astype(np.uint8)
    rgb = np.ascontiguousarray(img[..., 2::-1])
    if min(rgb.shape[:2]) < 16:
        raise LogoLibraryError(f"The logo image {path} is smaller than 16 px; use a larger one.")
    return rgb
