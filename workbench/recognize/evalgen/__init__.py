"""Evaluation frames for OCR: control-room monitors filmed off-axis, with ground truth.

Each frame (1280x720) shows one to three monitors whose screens are UI panels (title bar
with a vendor wordmark, menus, camera labels, results, a status bar with a clock) in
Latin, Russian and Kazakh, dark or light themed. Each screen is warped into the frame by
a perspective homography, then the frame gets what filming a screen off a TV report
does: glare, moiré, blur, a resolution loss, noise and JPEG or H.264 compression.
Everything is drawn from one seed, so a frame is the same on every machine.

`make_frame(seed)` gives one frame; `static_clip(seed)` a static-monitor shot (camera
noise, a ticking clock, a results panel that changes once) for incremental-OCR checks.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw

from workbench.recognize.evalgen.panels import (
    CAPTIONS,
    FONTS,
    KAZAKH_LETTERS,
    MENU,
    PANEL,
    RESULTS,
    THEMES,
    Screen,
    fmt,
    font,
    ink,
    layout,
    render_panel,
    vendor_names,
)
from workbench.recognize.records import BBox, Quad, quad_of

W, H = 1280, 720  # the frame


@dataclass(frozen=True)
class GtText:
    text: str
    quad: Quad  # TL, TR, BR, BL of the ink box, frame pixels
    bbox: BBox
    height: float  # text height in frame pixels (mean of the quad's left and right sides)
    script: str  # latin | cyrillic | kazakh
    vendor: str | None  # canonical vendor name when the string names one
    screen: int
    role: str  # title | menu | camera | result | status | clock


@dataclass
class EvalFrame:
    rgb: np.ndarray
    texts: list[GtText]
    screens: list[Quad]  # inner screen corners, frame pixels
    params: dict[str, float | str] = field(default_factory=dict)


def script(text: str) -> str:
    if set(text) & KAZAKH_LETTERS:
        return "kazakh"
    return "cyrillic" if any("\u0400" <= ch <= "\u04ff" for ch in text) else "latin"


def _gt_text(q: np.ndarray, text: str, vendor: str | None, screen: int, role: str) -> GtText:
    lo, hi = np.floor(q.min(axis=0)), np.ceil(q.max(axis=0))
    height = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    quad = quad_of((float(x), float(y)) for x, y in q)
    box = (int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1]))
    return GtText(text, quad, box, round(float(height), 2), script(text), vendor, screen, role)


def _place_screen(rng: np.random.Generator, slot: tuple[float, float], severity: float):
    """Project the panel rectangle, turned by random yaw/pitch/roll, into a frame slot."""
    pw, ph = PANEL
    yaw, pitch, roll = np.radians(rng.uniform(-1, 1, 3) * [8 + 37 * severity, 4 + 14 * severity, 4])
    cy, sy, cp, sp, cr, sr = (
        np.cos(yaw),
        np.sin(yaw),
        np.cos(pitch),
        np.sin(pitch),
        np.cos(roll),
        np.sin(roll),
    )
    rot = (
        np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
        @ np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
        @ np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    )
    pts = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]]) * [pw / 2, ph / 2, 0] @ rot.T
    proj = pts[:, :2] * 1.6 * pw / (pts[:, 2:3] + 1.6 * pw)  # pinhole camera
    x0, x1 = slot
    width = (x1 - x0) * rng.uniform(0.78, 0.95)
    scale = min(width / np.ptp(proj[:, 0]), H * 0.8 / np.ptp(proj[:, 1]))
    proj = (proj - proj.min(axis=0)) * scale
    span = proj.max(axis=0)
    ox = x0 + rng.uniform(0, max(1.0, (x1 - x0) - span[0]))
    oy = rng.uniform(0.04 * H, max(0.05 * H, 0.86 * H - span[1]))
    return (proj + np.array([ox, oy])).astype(np.float32)


class _Scene:
    """Everything random about one frame or clip, drawn once from the seed."""

    def __init__(self, seed: int, severity: float | None = None):
        rng = np.random.default_rng(seed)
        self.seed, self.rng = seed, rng
        s = self.severity = float(rng.uniform(0, 1) if severity is None else severity)
        n = int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))
        bounds = np.linspace(0.02 * W, 0.98 * W, n + 1)
        self.screens: list[Screen] = []
        for k in range(n):
            corners = _place_screen(rng, (bounds[k], bounds[k + 1]), s)
            panel = np.array([[0, 0], [PANEL[0], 0], PANEL, [0, PANEL[1]]], np.float32)
            hom = cv2.getPerspectiveTransform(panel, corners)
            scale = float(np.sqrt(cv2.contourArea(corners) / (PANEL[0] * PANEL[1])))
            theme = str(rng.choice(["dark", "light"], p=[0.6, 0.4]))
            vendor = vendor_names()[int(rng.integers(0, len(vendor_names())))]
            items, geom = layout(rng, scale, str(rng.choice(list(MENU))), vendor)
            bar = THEMES[theme]["bar"][int(rng.integers(0, 3))]
            scr = Screen(theme, bar, items, geom, hom, corners, seed * 10 + k)
            for j, (_, _, name, size, role, _) in enumerate(items):
                if role == "result":  # what the results panel shows after it changes
                    room = PANEL[0] - geom[1] - 30
                    fits = [r for r in RESULTS if font(name, size).getlength(r) < room]
                    scr.alt[j] = fmt(rng, str(rng.choice(fits or ["REC"])))
            self.screens.append(scr)
        u = rng.uniform  # every degradation grows with the severity
        self.params: dict[str, float | str] = {
            "severity": round(s, 3), "screens": n, "black": u(5, 20 + 40 * s),
            "white": u(255 - 60 * s, 255), "glare": u(0, 0.3 * s), "moire": u(0, 0.03 + 0.09 * s),
            "moire_period": u(6, 30), "moire_angle": u(0, np.pi), "blur": u(0.3, 0.5 + 1.1 * s),
            "resample": u(1 - 0.4 * s, 1), "noise": u(1.5, 2 + 6 * s),
            "codec": str(rng.choice(["jpeg", "h264"])), "quality": u(0, 1) * s,
        }  # fmt: skip
        top, bottom = rng.integers(15, 70, 3), rng.integers(30, 90, 3)
        ramp = np.linspace(0, 1, H)[:, None, None]
        room = (top * (1 - ramp) + bottom * ramp) * np.ones((1, W, 1))
        self.room: np.ndarray = room.astype(np.float32)
        self.room[int(H * rng.uniform(0.82, 0.92)) :, :] = rng.integers(35, 80, 3)  # the desk
        self.caption: tuple[str, int, int, int] | None = None  # text, size, x, y (TV lower third)
        if rng.random() < 0.5:
            size, y = int(rng.integers(16, 30)), int(H * rng.uniform(0.8, 0.88))
            self.caption = (str(rng.choice(CAPTIONS)), size, int(rng.integers(30, 200)), y)

    def render(self, clock: str, change: bool, noise_seed: int) -> np.ndarray:
        p, frame = self.params, self.room.copy()
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        a = float(p["moire_angle"])
        wave = np.sin(2 * np.pi * (xx * np.cos(a) + yy * np.sin(a)) / float(p["moire_period"]))
        for scr in self.screens:
            bezel = np.array(
                [
                    [-30, -30],
                    [PANEL[0] + 30, -30],
                    [PANEL[0] + 30, PANEL[1] + 60],
                    [-30, PANEL[1] + 60],
                ],
                np.float32,
            )
            outer = cv2.perspectiveTransform(bezel.reshape(-1, 1, 2), scr.homography)
            cv2.fillConvexPoly(
                frame, outer.reshape(4, 2).astype(np.int32), (18.0, 18.0, 20.0), cv2.LINE_AA
            )
            panel = render_panel(scr, clock, change).astype(np.float32)
            f = min(1.0, 1.3 * float(np.sqrt(cv2.contourArea(scr.corners) / (PANEL[0] * PANEL[1]))))
            small = cv2.resize(panel, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)  # optics
            hom = scr.homography @ np.diag([1 / f, 1 / f, 1.0])
            warped = cv2.warpPerspective(small, hom, (W, H), flags=cv2.INTER_LINEAR)
            mask = cv2.warpPerspective(np.ones(small.shape[:2], np.float32), hom, (W, H))[..., None]
            lo, hi = float(p["black"]), float(p["white"])
            cx, cy = scr.corners.mean(axis=0)
            glare = (
                float(p["glare"])
                * 255
                * np.exp(-((xx - cx - 150) ** 2 + (yy - cy + 80) ** 2) / 2e5)
            )
            shown = (lo + warped * (hi - lo) / 255) * (1 + float(p["moire"]) * wave)[..., None]
            frame = frame * (1 - mask) + (shown + glare[..., None]) * mask
        if self.caption:
            text, size, x, y = self.caption
            img = Image.fromarray(np.clip(frame, 0, 255).astype(np.uint8))
            ImageDraw.Draw(img).rectangle([0, y - size // 2, W, y + size * 2], fill=(10, 30, 90))
            ImageDraw.Draw(img).text((x, y), text, font=font(FONTS[1], size), fill=(255, 255, 255))
            frame = np.asarray(img).astype(np.float32)
        frame = cv2.GaussianBlur(frame, (0, 0), float(p["blur"]))
        f = float(p["resample"])
        if f < 0.98:  # a broadcast chain that lost resolution
            small = cv2.resize(frame, (int(W * f), int(H * f)), interpolation=cv2.INTER_AREA)
            frame = cv2.resize(small, (W, H), interpolation=cv2.INTER_LINEAR)
        noise = np.random.default_rng(noise_seed).normal(0, float(p["noise"]), frame.shape)
        return np.clip(frame + noise, 0, 255).astype(np.uint8)

    def texts(self, clock: str, change: bool = False) -> list[GtText]:
        out = []
        for k, scr in enumerate(self.screens):
            for j, (_, xy, name, size, role, vendor) in enumerate(scr.items):
                text = scr.text_of(j, clock, change)
                q = cv2.perspectiveTransform(
                    ink(xy, text, name, size).reshape(-1, 1, 2), scr.homography
                )
                out.append(
                    _gt_text(
                        q.reshape(4, 2), text, None if change and j in scr.alt else vendor, k, role
                    )
                )
        if self.caption:
            text, size, x, y = self.caption
            out = [g for g in out if g.bbox[3] < y - size // 2]  # hidden behind the caption band
            out.append(_gt_text(ink((x, y), text, FONTS[1], size), text, None, -1, "caption"))
        return out

    def corners(self) -> list[Quad]:
        return [quad_of((float(x), float(y)) for x, y in s.corners) for s in self.screens]


def compress(rgb: np.ndarray, codec: str, quality: float) -> np.ndarray:
    """JPEG (quality 85..30) or one H.264 intra frame (crf 22..36); `quality` 0 best, 1 worst."""
    if codec == "jpeg":
        _, encoded = cv2.imencode(
            ".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(85 - 55 * quality)]
        )
        decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
        if decoded is None:
            raise RuntimeError("OpenCV could not decode the JPEG it just encoded.")
        return decoded[..., ::-1].copy()
    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="h264") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.height, stream.width = rgb.shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(int(22 + 14 * quality)), "preset": "veryfast"}
        for packet in [
            *stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")),
            *stream.encode(),
        ]:
            out.mux(packet)
    buf.seek(0)
    with av.open(buf, "r", format="h264") as inp:
        return next(inp.decode(video=0)).to_ndarray(format="rgb24")


def make_frame(seed: int, severity: float | None = None) -> EvalFrame:
    """One evaluation frame and its ground truth; `severity` 0..1 (random when None)."""
    scene = _Scene(seed, severity)
    clock = (
        f"2025-03-14 {int(scene.rng.integers(8, 23)):02d}:{int(scene.rng.integers(0, 60)):02d}:07"
    )
    rgb = scene.render(clock, False, seed)
    rgb = compress(rgb, str(scene.params["codec"]), float(scene.params["quality"]))
    return EvalFrame(rgb, scene.texts(clock), scene.corners(), dict(scene.params))


def static_clip(
    seed: int, seconds: float = 12.0, fps: int = 25, severity: float = 0.4
) -> Iterator[EvalFrame]:
    """A static monitor shot: fresh camera noise every frame, a clock ticking each second,
    and the results panel replaced once, halfway. Compression is left to the encoder."""
    scene = _Scene(seed, severity)
    n = int(seconds * fps)
    for i in range(n):
        sec, change = i // fps, i >= n // 2
        clock = f"2025-03-14 14:{(21 + (7 + sec) // 60) % 60:02d}:{(7 + sec) % 60:02d}"
        rgb = scene.render(clock, change, seed * 100000 + i)
        yield EvalFrame(
            rgb, scene.texts(clock, change), scene.corners(), {**scene.params, "index": i}
        )
