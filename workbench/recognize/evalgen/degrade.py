"""Degradations of generator B: what filming and broadcasting do to a picture."""

from __future__ import annotations

import cv2
import numpy as np


def motion_blur(rgb: np.ndarray, length: int, angle: float) -> np.ndarray:
    k: np.ndarray = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    k = cv2.warpAffine(k, rot, (length, length))
    return cv2.filter2D(rgb, -1, k / max(k.sum(), 1e-6))


def defocus(rgb: np.ndarray, radius: float) -> np.ndarray:
    r = int(np.ceil(radius))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    k = ((xx**2 + yy**2) <= radius**2).astype(np.float32)
    return cv2.filter2D(rgb, -1, k / k.sum())


def moire(rgb: np.ndarray, rng, strength: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    f, a = rng.uniform(0.3, 0.9), rng.uniform(0, np.pi)
    wave = np.sin(f * (xx * np.cos(a) + yy * np.sin(a))) * np.sin(0.97 * f * xx)
    return np.clip(rgb * (1 + strength * wave[..., None]), 0, 255).astype(np.uint8)


def interlace(rgb: np.ndarray, shift: int) -> np.ndarray:
    out = rgb.copy()
    out[1::2] = np.roll(rgb[1::2], shift, axis=1)
    return out


def glare(rgb: np.ndarray, rng, strength: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    spot = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * (0.25 * w) ** 2))
    return np.clip(rgb + 255 * strength * spot[..., None], 0, 255).astype(np.uint8)


def h264(rgb: np.ndarray, kbps: int) -> np.ndarray:
    """The picture after an H.264 encode at `kbps` (a 2-frame stream, the second read)."""
    import io

    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = rgb.shape[1], rgb.shape[0], "yuv420p"
        stream.bit_rate = kbps * 1000
        stream.options = {"preset": "veryfast", "tune": "zerolatency"}
        for _ in range(2):
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    buf.seek(0)
    with av.open(buf, mode="r") as src:
        frames = [f.to_ndarray(format="rgb24") for f in src.decode(video=0)]
    return frames[-1]


def degrade(rgb: np.ndarray, rng, severity: float) -> tuple[np.ndarray, dict]:
    """Some of the degradations, each drawn with a chance and strength that grow with
    `severity` (0..1); returns the picture and what was applied."""
    applied: dict[str, float | str] = {}
    s = severity
    if rng.random() < 0.3 + 0.5 * s:
        length = int(rng.integers(2, 3 + int(8 * s)))
        rgb = motion_blur(rgb, length, float(rng.uniform(0, 180)))
        applied["motion_blur"] = length
    if rng.random() < 0.3 + 0.4 * s:
        radius = float(rng.uniform(0.6, 0.8 + 2.2 * s))
        rgb = defocus(rgb, radius)
        applied["defocus"] = round(radius, 2)
    if rng.random() < 0.4 * s + 0.1:
        rgb = moire(rgb, rng, 0.05 + 0.15 * s)
        applied["moire"] = 1
    if rng.random() < 0.3 * s:
        shift = int(rng.integers(1, 2 + int(4 * s)))
        rgb = interlace(rgb, shift)
        applied["interlace"] = shift
    if rng.random() < 0.2 + 0.4 * s:
        rgb = glare(rgb, rng, 0.15 + 0.45 * s)
        applied["glare"] = 1
    rgb = np.clip(rgb + rng.normal(0, 2 + 6 * s, rgb.shape), 0, 255).astype(np.uint8)
    kbps = int(3000 - 2600 * s * rng.uniform(0.6, 1.0))
    applied["h264_kbps"] = kbps
    return h264(np.ascontiguousarray(rgb), kbps), applied
