"""Still images (JPEG, PNG, WebP, HEIC, TIFF, BMP, GIF) as one-frame media: decoded by Pillow.

A still's frame 0 is the picture turned upright by its EXIF orientation, as RGB. The
header's size is checked before any pixel is decoded (a decompression bomb is refused),
and a truncated file is read as far as it goes: the rest is left grey and frame 0 is
recorded as damaged. EXIF/XMP metadata is read out for the source record only.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from workbench.video.errors import VideoError
from workbench.video.index import FrameIndex

MAX_SIDE = 30_000  # pixels: a longer side is refused (decompression-bomb guard)
MAX_PIXELS = 150_000_000  # width x height above this is refused (450 MB of RGB)
STILL_METHOD = "workbench.video.stills/1 pillow"


@cache
def heif_available() -> bool:
    """Whether HEIC/HEIF decodes here (pillow-heif registers itself with Pillow)."""
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def still_version() -> str:
    import PIL

    heif = ""
    if heif_available():
        import pillow_heif

        heif = f" / pillow-heif {pillow_heif.__version__}"
    return f"Pillow {PIL.__version__}{heif} / exif_transpose / rgb"


@dataclass(frozen=True)
class StillPicture:
    rgb: np.ndarray
    damaged: bool  # the file ended (or broke) before the whole picture was decoded
    format: str  # Pillow's name: JPEG, PNG, WEBP, HEIF...
    orientation: int  # the EXIF orientation tag that was applied (1: none)


def _open(path: Path) -> Any:
    from PIL import Image, UnidentifiedImageError

    heif_available()
    name = Path(path).name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise VideoError(f"{name} is refused: {exc}") from exc
    except UnidentifiedImageError as exc:
        hint = "" if heif_available() else " (HEIC needs the pillow-heif package)"
        raise VideoError(f"{name} is not an image this workbench can decode{hint}.") from exc
    except OSError as exc:
        raise VideoError(f"{name} cannot be read as an image ({exc}).") from exc
    check_size(name, img.size)
    return img


def check_size(name: str, size: tuple[int, int]) -> None:
    """Refuse pictures too large to decode safely, before any pixel is decoded."""
    w, h = size
    if w <= 0 or h <= 0:
        raise VideoError(f"{name} declares an empty picture ({w}x{h}).")
    if max(w, h) > MAX_SIDE or w * h > MAX_PIXELS:
        raise VideoError(
            f"{name} declares a {w}x{h} picture, over this workbench's limit "
            f"({MAX_SIDE} pixels a side, {MAX_PIXELS // 1_000_000} megapixels): refused as a "
            "possible decompression bomb."
        )


def read_still(path: Path) -> StillPicture:
    """Decode the still at `path` upright; a truncated file gives what it holds, flagged."""
    from PIL import Image, ImageFile, ImageOps

    name = Path(path).name
    img = _open(path)
    damaged = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            try:
                img.load()
            except OSError:
                damaged = True
                img.close()
                img = _open(path)
                before = ImageFile.LOAD_TRUNCATED_IMAGES
                ImageFile.LOAD_TRUNCATED_IMAGES = True
                try:
                    img.load()
                except OSError as exc:
                    raise VideoError(f"{name} is damaged beyond reading ({exc}).") from exc
                finally:
                    ImageFile.LOAD_TRUNCATED_IMAGES = before
            orientation = int(img.getexif().get(0x0112, 1) or 1)
            fmt = str(img.format or "?")
            upright = ImageOps.exif_transpose(img) or img
            rgb = np.asarray(upright.convert("RGB"))
    finally:
        img.close()
    rgb = np.ascontiguousarray(rgb)
    rgb.flags.writeable = False
    return StillPicture(rgb, damaged, fmt, orientation)


def still_index(path: Path) -> FrameIndex:
    """A still is one frame, at time 0, that decoding can start at."""
    pic = read_still(path)
    h, w = pic.rgb.shape[:2]
    return FrameIndex(
        pts=(0,),
        keyframes=(0,),
        time_base=Fraction(1),
        fps=1.0,
        rotation=0,  # the EXIF orientation is applied when decoding
        width=w,
        height=h,
        stamps=(0,),
        damaged=(0,) if pic.damaged else (),
        packets=1,
        declared=1,
        timing="still",
        method=STILL_METHOD,
    )


def frames(path: Path, first: int, last: int) -> Iterator[tuple[int, np.ndarray]]:
    if first <= 0 <= last:
        yield 0, read_still(path).rgb


def embedded_metadata(path: Path) -> dict[str, Any]:
    """EXIF (camera, time, GPS) and XMP as JSON-able values; {} when there is none.

    Kept in the source record as evidence of where a picture was taken; never published."""
    from PIL import ExifTags

    out: dict[str, Any] = {}
    try:
        img = _open(path)
    except VideoError:
        return out
    with img:
        exif = img.getexif()
        tags = {ExifTags.TAGS.get(k, str(k)): _plain(v) for k, v in exif.items()}
        for ifd_id, label in ((ExifTags.IFD.Exif, "exif"), (ExifTags.IFD.GPSInfo, "gps")):
            with contextlib.suppress(KeyError, OSError, ValueError, TypeError):
                ifd = exif.get_ifd(ifd_id)
                names = ExifTags.GPSTAGS if label == "gps" else ExifTags.TAGS
                if ifd:
                    out[label] = {names.get(k, str(k)): _plain(v) for k, v in ifd.items()}
        tags.pop("ExifOffset", None)
        tags.pop("GPSInfo", None)
        if tags:
            out["tags"] = tags
        xmp = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp")
        if xmp:
            out["xmp"] = xmp.decode("utf-8", "replace") if isinstance(xmp, bytes) else str(xmp)
        if "gps" in out:
            with contextlib.suppress(KeyError, TypeError, ValueError, ZeroDivisionError):
                out["gps_decimal"] = _decimal_gps(exif.get_ifd(ExifTags.IFD.GPSInfo))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")[:2000]
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, int | str | bool) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _decimal_gps(gps: Any) -> list[float]:
    def deg(dms: Any, ref: str) -> float:
        d, m, s = (float(x) for x in dms)
        v = d + m / 60 + s / 3600
        return -v if ref in ("S", "W") else v

    return [round(deg(gps[2], gps[1]), 7), round(deg(gps[4], gps[3]), 7)]
