"""Small control-room clips and their re-published copies, for copy tests and the bench.

`room_frames(seed)` draws a control room (a wall of monitors whose pictures move, a desk,
a caption), two shots with a hard cut; rooms of other seeds look alike (same layout,
other pictures). `Copy` describes how a broadcaster re-published a clip: frames dropped
at the start, footage of its own before it, a crop, a new size, black bars, a channel
logo, a ticker, a low bit rate. `make_copy` writes it with PyAV (FFmpeg's libx264).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

from workbench.synth import write_video


def room_frames(seed: int, frames: int = 60, width: int = 320, height: int = 180) -> Iterator:
    """A control room in two shots (wall of monitors, then an operator's screen)."""
    rng = np.random.default_rng(seed)
    tiles = rng.integers(30, 230, size=(6, 3))
    speeds = rng.integers(2, 7, size=6)
    bg = rng.integers(15, 45, size=3)
    cut = frames // 2
    for i in range(frames):
        img = np.zeros((height, width, 3), np.uint8)
        img[:] = bg
        if i < cut:
            for k in range(6):
                x0 = 12 + (k % 3) * (width - 24) // 3
                y0 = 12 + (k // 3) * (height // 2 - 18)
                tw, th = (width - 24) // 3 - 8, height // 2 - 30
                cv2.rectangle(img, (x0, y0), (x0 + tw, y0 + th), (90, 90, 90), 2)
                inner = img[y0 + 3 : y0 + th - 2, x0 + 3 : x0 + tw - 2]
                inner[:] = tiles[k] // 3
                px = int((i * speeds[k] + k * 17) % max(1, tw - 30))
                cv2.circle(inner, (px + 12, th // 2), 9, tiles[k].tolist(), -1)
                cv2.rectangle(
                    inner, (tw - 30 - px // 2, 4), (tw - 12 - px // 2, 16), (220,) * 3, -1
                )
            cv2.rectangle(img, (0, height - 26), (width, height), (70, 55, 40), -1)
        else:
            j = i - cut
            cv2.rectangle(img, (30, 14), (width - 30, height - 20), (200, 200, 205), -1)
            for r in range(5):
                y = 30 + r * 24
                length = 40 + int(rng.integers(60, width - 120)) if j == 0 else 0
                if j == 0:
                    tiles[r % 6, 0] = length
                w = int(tiles[r % 6, 0])
                cv2.rectangle(img, (45, y), (45 + w, y + 10), (40, 40, 60), -1)
            x = 60 + (j * int(speeds[0]) * 2) % (width - 160)
            cv2.rectangle(img, (x, height - 60), (x + 60, height - 30), tiles[1].tolist(), -1)
        cv2.putText(img, f"room {seed}", (8, height - 8), 0, 0.4, (200, 200, 200), 1)
        yield img


@dataclass(frozen=True)
class Copy:
    start: int = 0  # first frame of the original that the copy shows
    prefix: int = 0  # frames of other footage before it (the broadcaster's studio)
    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # left, top, right, bottom
    size: tuple[int, int] = (320, 180)  # width, height of the picture (before bars)
    canvas: tuple[int, int] | None = None  # width, height with black bars around it
    logo: bool = False
    ticker: bool = False
    crf: int = 36  # libx264 quality: higher is a lower bit rate

    def frame_of(self, original: int) -> int:
        """The copy's frame that shows frame `original` of the clip."""
        return original - self.start + self.prefix


def transform(rgb: np.ndarray, copy: Copy, n: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    left, top, right, bottom = copy.crop
    x0, y0 = round(w * left), round(h * top)
    x1, y1 = w - round(w * right), h - round(h * bottom)
    out = cv2.resize(rgb[y0:y1, x0:x1], copy.size, interpolation=cv2.INTER_AREA)
    cw, ch = copy.size
    if copy.logo:
        cv2.rectangle(out, (cw - 52, 6), (cw - 8, 26), (250, 250, 250), -1)
        cv2.putText(out, "TV5", (cw - 48, 22), 0, 0.45, (200, 30, 30), 1)
    if copy.ticker:
        band = max(12, ch // 9)
        cv2.rectangle(out, (0, ch - band), (cw, ch), (160, 20, 20), -1)
        cv2.putText(
            out, "BREAKING NEWS " * 4, (cw - (n * 5) % (2 * cw), ch - 4), 0, 0.4, (255,) * 3, 1
        )
    if copy.canvas is not None:
        fw, fh = copy.canvas
        frame = np.zeros((fh, fw, 3), np.uint8)
        ox, oy = (fw - cw) // 2, (fh - ch) // 2
        frame[oy : oy + ch, ox : ox + cw] = out
        out = frame
    return out


def read_rgb(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def make_copy(
    original: Iterable[np.ndarray], copy: Copy, out: Path, prefix: Iterable[np.ndarray] = ()
) -> int:
    """Write the copy of `original` frames (and `prefix` frames first) to `out`."""
    frames: list[np.ndarray] = []
    size = copy.canvas or copy.size
    for k, rgb in enumerate(prefix):
        if k >= copy.prefix:
            break
        frames.append(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))
    for k, rgb in enumerate(original):
        if k >= copy.start:
            frames.append(transform(rgb, copy, k))
    return write_video(out, frames, fps=25, gop=25, crf=copy.crf)
