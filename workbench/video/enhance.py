"""Classical, deterministic enhancement steps and the chain that records them.

A chain is written `crop:x=10,y=20,w=200,h=100|zoom:4.0|clahe:clip=2.0|gamma:0.8` and
serialises to JSON as the forensic processing log; the same input and chain always give
the same output bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

import cv2
import numpy as np

from workbench.video.errors import VideoError
from workbench.video.steps import STEPS, Step, check, parse_step, register

ENGINE = "workbench.video.enhance/1"
INTERPOLATION = {
    "nearest": cv2.INTER_NEAREST,
    "linear": cv2.INTER_LINEAR,
    "cubic": cv2.INTER_CUBIC,
    "lanczos": cv2.INTER_LANCZOS4,
}


@register
@dataclass(frozen=True)
class Crop(Step):
    name: ClassVar[str] = "crop"
    x: int
    y: int
    w: int
    h: int

    def __post_init__(self) -> None:
        check(self.w > 0 and self.h > 0 and self.x >= 0 and self.y >= 0, "crop: bad box.")

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        out = rgb[self.y : self.y + self.h, self.x : self.x + self.w]
        check(out.size > 0, f"crop: the box {self.token()} is outside the image.")
        return np.ascontiguousarray(out)


@register
@dataclass(frozen=True)
class Zoom(Step):
    name: ClassVar[str] = "zoom"
    positional: ClassVar[tuple[str, ...]] = ("factor", "method")
    factor: float
    method: str = "lanczos"

    def __post_init__(self) -> None:
        check(0 < self.factor <= 16, "zoom: the factor must be above 0 and at most 16.")
        check(self.method in INTERPOLATION, f"zoom: method is one of {', '.join(INTERPOLATION)}.")

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        h, w = rgb.shape[:2]
        size = (max(1, round(w * self.factor)), max(1, round(h * self.factor)))
        return cv2.resize(rgb, size, interpolation=INTERPOLATION[self.method])


@register
@dataclass(frozen=True)
class Unsharp(Step):
    name: ClassVar[str] = "unsharp"
    amount: float = 1.0
    radius: float = 2.0  # Gaussian sigma, pixels
    threshold: int = 0  # leave differences smaller than this alone (0-255)

    def __post_init__(self) -> None:
        check(self.radius > 0 and self.amount >= 0, "unsharp: radius > 0 and amount >= 0.")

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        img = rgb.astype(np.float32)
        detail = img - cv2.GaussianBlur(img, (0, 0), self.radius)
        if self.threshold:
            detail[np.abs(detail) < self.threshold] = 0
        return _u8(img + self.amount * detail)


@register
@dataclass(frozen=True)
class Clahe(Step):
    """Contrast-limited adaptive histogram equalisation of the lightness (L of Lab)."""

    name: ClassVar[str] = "clahe"
    clip: float = 2.0
    tiles: int = 8

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)
        clahe = cv2.createCLAHE(clipLimit=self.clip, tileGridSize=(self.tiles, self.tiles))
        lab[:, :, 0] = clahe.apply(np.ascontiguousarray(lab[:, :, 0]))
        return cv2.cvtColor(lab, cv2.COLOR_Lab2RGB)


@register
@dataclass(frozen=True)
class Gamma(Step):
    """out = 255 * (in / 255) ** gamma: below 1 brightens shadows, above 1 darkens."""

    name: ClassVar[str] = "gamma"
    positional: ClassVar[tuple[str, ...]] = ("value",)
    value: float

    def __post_init__(self) -> None:
        check(0 < self.value <= 10, "gamma: the value must be above 0 and at most 10.")

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        table = np.clip(np.rint(255 * (np.arange(256) / 255) ** self.value), 0, 255)
        return cv2.LUT(rgb, table.astype(np.uint8))


@register
@dataclass(frozen=True)
class Denoise(Step):
    """Non-local means (OpenCV fastNlMeansDenoisingColored)."""

    name: ClassVar[str] = "denoise"
    h: float = 5.0
    template: int = 7
    search: int = 21

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        return cv2.fastNlMeansDenoisingColored(
            np.ascontiguousarray(rgb), None, self.h, self.h, self.template, self.search
        )


@register
@dataclass(frozen=True)
class Deinterlace(Step):
    """blend: mix each line with its neighbours; top/bottom: keep one field, interpolate."""

    name: ClassVar[str] = "deinterlace"
    positional: ClassVar[tuple[str, ...]] = ("mode",)
    mode: str = "blend"

    def __post_init__(self) -> None:
        check(self.mode in ("blend", "top", "bottom"), "deinterlace: blend, top or bottom.")

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        img = rgb.astype(np.float32)
        if self.mode == "blend":
            kernel = np.array([[0.25], [0.5], [0.25]], np.float32)
            return _u8(cv2.filter2D(img, -1, kernel, borderType=cv2.BORDER_REFLECT))
        keep = 0 if self.mode == "top" else 1
        out = img.copy()
        h = img.shape[0]
        for y in range(1 - keep, h, 2):
            above, below = y - 1, y + 1
            if above < 0:
                out[y] = img[below]
            elif below >= h:
                out[y] = img[above]
            else:
                out[y] = (img[above] + img[below]) / 2
        return _u8(out)


@register
@dataclass(frozen=True)
class Demoire(Step):
    """notch: remove isolated peaks of the spectrum (screen-door and moiré patterns);
    lowpass: a Gaussian blur of `sigma` pixels."""

    name: ClassVar[str] = "demoire"
    positional: ClassVar[tuple[str, ...]] = ("mode",)
    mode: str = "notch"
    threshold: float = 2.0  # notch: log-magnitude above the local spectrum level
    radius: float = 0.08  # notch: leave frequencies below this share of Nyquist alone
    sigma: float = 1.5  # lowpass

    def __post_init__(self) -> None:
        check(self.mode in ("notch", "lowpass"), "demoire: mode is notch or lowpass.")

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        if self.mode == "lowpass":
            return cv2.GaussianBlur(rgb, (0, 0), self.sigma)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float64)
        spectrum = np.fft.fftshift(np.fft.fft2(gray - gray.mean()))
        mag = np.log1p(np.abs(spectrum)).astype(np.float32)
        h, w = gray.shape
        level = cv2.GaussianBlur(mag, (0, 0), max(h, w) / 48 + 1)
        yy, xx = np.mgrid[0:h, 0:w]
        dist = np.hypot((yy - h // 2) / (h / 2), (xx - w // 2) / (w / 2))
        peaks = ((mag - level > self.threshold) & (dist > self.radius)).astype(np.float32)
        peaks = cv2.dilate(peaks, np.ones((3, 3), np.uint8))
        keep = 1 - np.clip(cv2.GaussianBlur(peaks, (0, 0), 1.0) * 2, 0, 1)
        mask = np.fft.ifftshift(keep.astype(np.float64))
        out = np.empty(rgb.shape, np.float64)
        for c in range(rgb.shape[2]):
            out[:, :, c] = np.real(
                np.fft.ifft2(np.fft.fft2(rgb[:, :, c].astype(np.float64)) * mask)
            )
        return _u8(out)


@register
@dataclass(frozen=True)
class Invert(Step):
    name: ClassVar[str] = "invert"

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        return 255 - rgb


@register
@dataclass(frozen=True)
class Rectify(Step):
    """Warp a quadrilateral (TL, TR, BR, BL corners) to an upright rectangle."""

    name: ClassVar[str] = "rectify"
    positional: ClassVar[tuple[str, ...]] = ("x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4")
    x1: float
    y1: float
    x2: float
    y2: float
    x3: float
    y3: float
    x4: float
    y4: float
    w: int = 0  # output size; 0: from the quadrilateral's edge lengths
    h: int = 0

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        from workbench.video.rectify import rectify_quad

        points = [[self.x1, self.y1], [self.x2, self.y2], [self.x3, self.y3], [self.x4, self.y4]]
        corners = np.array(points, dtype=np.float32)
        size = (self.w, self.h) if self.w and self.h else None
        return rectify_quad(rgb, corners, size=size)


def _u8(img: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class Chain:
    """Steps applied left to right."""

    steps: tuple[Step, ...] = ()

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        out = np.ascontiguousarray(rgb)
        for step in self.steps:
            out = step.apply(out)
        return out

    def to_string(self) -> str:
        return "|".join(step.token() for step in self.steps)

    @classmethod
    def parse(cls, text: str) -> Chain:
        return cls(tuple(parse_step(part) for part in text.split("|") if part.strip()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": ENGINE,
            "opencv": cv2.__version__,
            "chain": self.to_string(),
            "steps": [step.to_dict() for step in self.steps],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Chain:
        data = json.loads(text)
        steps = []
        for item in data.get("steps", []):
            item = dict(item)
            op = str(item.pop("op", ""))
            step_cls = STEPS.get(op)
            if step_cls is None:
                raise VideoError(f"Unknown enhancement step {op!r} in the processing log.")
            steps.append(step_cls.from_dict(item))
        return cls(tuple(steps))

    def __str__(self) -> str:
        return self.to_string()
