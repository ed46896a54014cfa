"""Synthetic footage: frames drawn with Pillow, encoded with PyAV (FFmpeg's libx264).

Used by the demo and by the tests, so both work on real, decodable video with known
content (text, frame indices) and nothing downloaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


@lru_cache(maxsize=32)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A TrueType font with Latin and Cyrillic (DejaVu Sans), else Pillow's built-in one."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    try:
        import matplotlib

        path = Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    except ImportError:
        pass
    return ImageFont.load_default(size)


def write_video(
    path: Path,
    frames: Iterable[np.ndarray],
    fps: Fraction | int = 25,
    codec: str = "libx264",
    gop: int = 12,
    crf: int = 18,
    faststart: bool = True,
) -> int:
    """Encode RGB uint8 frames (all the same size, even dimensions) to `path`."""
    import av

    options = {"movflags": "faststart"} if faststart else {}
    count = 0
    with av.open(str(path), "w", options=options) as container:
        stream: av.VideoStream | None = None
        for rgb in frames:
            if stream is None:
                added = container.add_stream(codec, rate=Fraction(fps))
                assert isinstance(added, av.VideoStream)
                stream = added
                stream.height, stream.width = rgb.shape[:2]
                stream.pix_fmt = "yuv420p"
                if codec == "libx264":
                    stream.options = {"crf": str(crf), "g": str(gop), "preset": "veryfast"}
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
            count += 1
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)
    return count


def draw_text(
    img: Image.Image,
    xy: tuple[int, int],
    text: str,
    size: int,
    fill: tuple[int, int, int] = (255, 255, 255),
) -> None:
    ImageDraw.Draw(img).text(xy, text, font=font(size), fill=fill)


def numbered_frames(count: int, width: int = 320, height: int = 240) -> Iterable[np.ndarray]:
    """Frames that each show their own index in large digits and as a binary strip."""
    for i in range(count):
        img = Image.new("RGB", (width, height), (20 + (i * 7) % 200, 40, 90))
        draw_text(img, (10, 10), f"{i:05d}", size=height // 4)
        draw = ImageDraw.Draw(img)
        cell = width // 16
        for bit in range(16):
            on = (i >> bit) & 1
            draw.rectangle(
                [bit * cell, height - 24, (bit + 1) * cell - 1, height - 1],
                fill=(255, 255, 255) if on else (0, 0, 0),
            )
        yield np.asarray(img)


def read_index_strip(rgb: np.ndarray) -> int:
    """Decode the 16-bit binary strip that `numbered_frames` burns into each frame."""
    height, width = rgb.shape[:2]
    cell = width // 16
    row = rgb[height - 12, :, :].mean(axis=1)
    value = 0
    for bit in range(16):
        if row[bit * cell + cell // 2] > 127:
            value |= 1 << bit
    return value


ARCHIVE_LINES = (
    ("HIKVISION HikCentral", "Поиск по лицу"),
    ("Stellar Optics SO-9000", "Dalakent Demo Systems"),
    ("NORDVIEW VMS 4.2", "Список наблюдения"),
)


def archive_clip(
    path: Path, seed: int, frames: int = 40, width: int = 320, height: int = 240, fps: int = 10
) -> int:
    """A small clip for batch tests and benchmarks: two shots (an operator's screen whose
    camera tile moves, then a page), each with lines of text, a hard cut half-way."""
    rng = np.random.default_rng(seed)
    first, second = ARCHIVE_LINES[seed % 3], ARCHIVE_LINES[(seed + 1) % 3]
    bg = tuple(int(v) for v in rng.integers(20, 60, size=3))

    def shots() -> Iterable[np.ndarray]:
        for i in range(frames):
            if i < frames // 2:
                img = Image.new("RGB", (width, height), bg)
                draw_text(img, (8, 8), first[0], height // 12)
                draw_text(img, (8, 48), first[1], height // 14)
                x = 20 + (i * 4) % (width - 80)
                ImageDraw.Draw(img).rectangle([x, 140, x + 50, 190], fill=(150, 150, 150))
            else:
                img = Image.new("RGB", (width, height), (245, 245, 240))
                draw_text(img, (8, 30), second[0], height // 12, fill=(0, 0, 0))
                draw_text(img, (8, 90), f"{second[1]} {seed}", height // 14, fill=(0, 0, 0))
            yield np.asarray(img)

    return write_video(path, shots(), fps=fps, gop=10, crf=16)
