"""Small synthetic clips with known content for the footage-engine tests."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from workbench.synth import draw_text, numbered_frames

W, H = 320, 180


def scene(seed: int, width: int = W, height: int = H) -> np.ndarray:
    """A distinct, textured still: coloured shapes and a label, drawn from `seed`."""
    rng = np.random.default_rng(seed)
    base = rng.integers(40, 200, size=3)
    img = Image.new("RGB", (width, height), tuple(int(v) for v in base))
    draw = ImageDraw.Draw(img)
    for _ in range(14):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = int(rng.integers(10, width // 3)), int(rng.integers(10, height // 2))
        colour = tuple(int(v) for v in rng.integers(0, 256, size=3))
        if rng.random() < 0.5:
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour)
        else:
            draw.ellipse([x0, y0, x0 + w, y0 + h], fill=colour)
    draw_text(img, (8, 8), f"SCENE {seed}", size=height // 7)
    return np.asarray(img)


def moving(still: np.ndarray, i: int) -> np.ndarray:
    """The still with a small square drifting across it (some motion inside a shot)."""
    out = still.copy()
    x = 20 + (i * 2) % (still.shape[1] - 40)
    out[100:112, x : x + 12] = (250, 250, 250)
    return out


def cuts_clip(path: Path, cuts: tuple[int, ...] = (30, 75), count: int = 110) -> Path:
    bounds = [0, *cuts, count]
    frames = []
    for shot in range(len(bounds) - 1):
        still = scene(10 + shot)
        frames += [moving(still, i) for i in range(bounds[shot], bounds[shot + 1])]
    write(path, frames)
    return path


def fade_clip(path: Path) -> Path:
    """A 30 frames, fade out over 12, black 6, fade in over 12, B 30: B starts at 48."""
    a, b = scene(21), scene(22)
    frames = [moving(a, i) for i in range(30)]
    frames += [(moving(a, 30 + k) * (1 - (k + 1) / 12)).astype(np.uint8) for k in range(12)]
    frames += [np.zeros_like(a)] * 6
    frames += [(moving(b, k) * ((k + 1) / 12)).astype(np.uint8) for k in range(12)]
    frames += [moving(b, 12 + k) for k in range(30)]
    write(path, frames)
    return path


def dissolve_clip(path: Path, length: int = 20) -> Path:
    """A 30 frames, a dissolve of `length` frames, B 30; half-way at 30 + length / 2."""
    a, b = scene(31).astype(np.float32), scene(32).astype(np.float32)
    frames = [a] * 30
    frames += [a * (1 - (k + 0.5) / length) + b * ((k + 0.5) / length) for k in range(length)]
    frames += [b] * 30
    write(path, [moving(np.clip(f, 0, 255).astype(np.uint8), i) for i, f in enumerate(frames)])
    return path


def static_clip(path: Path, count: int = 60) -> Path:
    still = scene(41).astype(np.float32)
    rng = np.random.default_rng(41)
    frames = [np.clip(still + rng.normal(0, 2, still.shape), 0, 255) for _ in range(count)]
    write(path, [f.astype(np.uint8) for f in frames])
    return path


def pan_clip(path: Path, count: int = 100, speed: int = 3) -> Path:
    """A window sliding across a large textured image, `speed` pixels a frame."""
    big = np.concatenate([scene(51, 2 * W, H), scene(52, 2 * W, H)], axis=1)
    write(path, [big[:, i * speed : i * speed + W] for i in range(count)])
    return path


def write(path: Path, frames: list[np.ndarray], gop: int = 12) -> None:
    from workbench.synth import write_video

    write_video(path, frames, fps=25, gop=gop)


def numbered_clip(path: Path, count: int = 120, gop: int = 12) -> Path:
    from workbench.synth import write_video

    write_video(path, numbered_frames(count, 160, 120), fps=25, gop=gop)
    return path


def vfr_clip(path: Path, pts_ms: list[int]) -> Path:
    """Numbered frames at the given presentation times (milliseconds), time base 1/1000."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        stream.time_base = Fraction(1, 1000)
        stream.codec_context.time_base = Fraction(1, 1000)
        stream.options = {"g": "12", "crf": "18", "preset": "veryfast"}
        for rgb, pts in zip(numbered_frames(len(pts_ms), 160, 120), pts_ms, strict=True):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = pts, Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def rotated_copy(src: Path, dest: Path, degrees: int = 90) -> Path:
    """Remux with a display rotation (no re-encoding), as phones record portrait video."""
    import imageio_ffmpeg

    exe = imageio_ffmpeg.get_ffmpeg_exe()
    cmd = [exe, "-v", "error", "-y", "-display_rotation", str(degrees), "-i", str(src)]
    subprocess.run([*cmd, "-c", "copy", str(dest)], check=True, capture_output=True)
    return dest


def ffmpeg_frame(path: Path, width: int, height: int) -> np.ndarray:
    """The first frame as FFmpeg's own command line shows it (autorotated)."""
    import imageio_ffmpeg

    exe = imageio_ffmpeg.get_ffmpeg_exe()
    cmd = [exe, "-v", "error", "-i", str(path), "-frames:v", "1", "-f", "rawvideo"]
    out = subprocess.run([*cmd, "-pix_fmt", "rgb24", "-"], check=True, capture_output=True)
    return np.frombuffer(out.stdout, np.uint8).reshape(height, width, 3)


def panel_clip(path: Path) -> Path:
    """A static screen; at frame 20 a light panel opens over a quarter of it."""
    still = scene(71)
    opened = still.copy()
    opened[90:170, 150:310] = (235, 235, 240)
    write(path, [still] * 20 + [opened] * 20)
    return path


def flash(picture: np.ndarray, strength: float) -> np.ndarray:
    """The picture under a camera flash: washed towards white by `strength` (0-1)."""
    return (picture * (1 - strength) + 255 * strength).clip(0, 255).astype(np.uint8)


FLASH_CUTS = (40, 90)  # hard cuts
FLASH_FADE = 150  # first frame of the picture after a fade through black
FLASH_DISSOLVE = 204  # half-way point of a 16-frame dissolve
FLASHES = (12, 60, 61, 118, 121, 124, 172, 230)  # frames under a flash (never cuts)


def flash_clip(path: Path) -> Path:
    """Shots with camera flashes and a strobe inside them, a cut, a fade and a dissolve:
    A 0-39 (flash at 12) | cut | B 40-89 (a 2-frame decaying flash at 60) | cut |
    C 90-135 (strobe 118, 121, 124) | fade out 136-147, black 148-149, in 150-161 |
    D 162-195 (flash 172) | dissolve 196-211 | E 212-243 (flash 230)."""
    a, b, c, d, e = (scene(80 + k) for k in range(5))
    frames = [moving(a, i) for i in range(40)]
    frames += [moving(b, i) for i in range(40, 90)]
    frames += [moving(c, i) for i in range(90, 136)]
    frames += [(moving(c, 136 + k) * (1 - (k + 1) / 12)).astype(np.uint8) for k in range(12)]
    frames += [np.zeros_like(a)] * 2
    frames += [(moving(d, 150 + k) * ((k + 1) / 12)).astype(np.uint8) for k in range(12)]
    frames += [moving(d, i) for i in range(162, 196)]
    for k in range(16):
        w = (k + 0.5) / 16
        blend = (d.astype(np.float32) * (1 - w) + e.astype(np.float32) * w).astype(np.uint8)
        frames.append(moving(blend, 196 + k))
    frames += [moving(e, i) for i in range(212, 244)]
    strength = {12: 0.8, 60: 0.85, 61: 0.4, 118: 0.7, 121: 0.7, 124: 0.7, 172: 0.9, 230: 0.75}
    for i, s in strength.items():
        frames[i] = flash(frames[i], s)
    write(path, frames)
    return path
