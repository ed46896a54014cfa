"""Screen-text preprocessing: filmed screen text is often under 10 px high, where every
engine fails without help. Upscale small text, and make text dark on light."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Prep:
    upscale: float = 2.0  # factor applied before reading
    invert: str = "auto"  # auto | always | never: make text dark on a light background
    max_side: int = 4096  # never upscale past this

    def describe(self) -> str:
        return f"upscale={self.upscale},invert={self.invert}"


def is_light_on_dark(gray: np.ndarray) -> bool:
    """True when the minority (text) pixels are brighter than the majority (background)."""
    import cv2

    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = float((mask > 0).mean())
    return bright < 0.5


def stretch(line: np.ndarray, percentiles: tuple[float, float]) -> np.ndarray:
    """A grey line's contrast stretched so that the given percentiles become 0 and 255
    (clipped); returned as it is when they lie closer than 8 grey levels (a flat crop)."""
    lo, hi = np.percentile(line, percentiles)
    if hi - lo < 8:
        return line
    return np.clip((line.astype(np.float32) - lo) * 255 / (hi - lo), 0, 255)


def prepare(image: np.ndarray, prep: Prep) -> tuple[np.ndarray, float]:
    """Return the image to read (RGB) and the scale it was resized by."""
    import cv2

    h, w = image.shape[:2]
    scale = min(prep.upscale, prep.max_side / max(h, w)) if prep.upscale > 1 else 1.0
    out = image
    if scale > 1.0:
        out = cv2.resize(image, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_CUBIC)
    else:
        scale = 1.0
    if prep.invert != "never":
        gray = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        if prep.invert == "always" or is_light_on_dark(gray):
            out = 255 - out
    return out, scale
