"""Fictional logos and the frames they appear in, generated from a seed.

The workbench ships no trademark images: the demo logo library, the tests and the
logo benchmark use wordmark + symbol logos drawn here with Pillow, and control-room
frames with a logo pasted under a known homography (perspective, scale, blur, noise,
moiré, JPEG compression, colour inversion), so every answer is known exactly.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from workbench.synth import font as _default_font

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = (
    "DejaVuSans-Bold.ttf",
    "DejaVuSerif-Bold.ttf",
    "DejaVuSansCondensed-Bold.ttf",
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSans.ttf",
    "DejaVuSerif-Italic.ttf",
)

# label -> (wordmark, tagline, vendor); all invented, vendors as in data/demo/vendors.toml.
DEMO_LOGOS: dict[str, tuple[str, str, str]] = {
    "stellar-optics": ("STELLAR OPTICS", "imaging systems", "Stellar Optics Co., Ltd. (fictional)"),
    "nordview": ("NordView", "video management", "NordView Systems (fictional)"),
    "facetrace": ("FaceTrace", "analytics suite", "FaceTrace Analytics (fictional)"),
    "qalasec": ("QALASEC", "smart city security", "QalaSec Distribution TOO (fictional)"),
    "dalakent": ("Dalakent", "integration group", "Dalakent Demo Systems TOO (fictional)"),
    "orbis-vision": ("ORBIS VISION", "camera networks", "Orbis Vision (fictional)"),
}

_SYLLABLE_TEXT = (
    "ar ben cor dal eko fin gar hel ion jus kal lum mer nov orb pax qua ris sol tek "
    "ula vex wen xan yor zed bri cam dor fal gri hol ist kor lan mon nex pol ren sar"
)
_SYLLABLES = _SYLLABLE_TEXT.split()
_SUFFIXES = ("systems", "vision", "labs", "secure", "data")
_WORD_TEXT = (
    "CAM ZONE ALERT EVENT PLAYBACK LIVE MAP SECTOR PATROL STATUS ONLINE OFFLINE RECORD "
    "SEARCH EXPORT PLATE FACE MATCH QUEUE INCIDENT DISPATCH UNIT STREAM ARCHIVE LAYOUT"
)
_WORDS = _WORD_TEXT.split()

Rng = np.random.Generator


def seed_of(text: str) -> int:
    """A stable 32-bit seed from a string (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def fictional_names(count: int, seed: int = 0, avoid: tuple[str, ...] = ()) -> list[str]:
    """`count` distinct invented brand labels such as 'kornex' or 'solwen-labs'."""
    rng = np.random.default_rng(seed)
    names: list[str] = []
    while len(names) < count:
        a, b = rng.choice(len(_SYLLABLES), 2, replace=False)
        name = _SYLLABLES[a] + _SYLLABLES[b]
        if rng.random() < 0.3:
            name += "-" + _SUFFIXES[int(rng.integers(len(_SUFFIXES)))]
        if name not in names and name not in DEMO_LOGOS and name not in avoid:
            names.append(name)
    return names


@lru_cache(maxsize=64)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONT_DIR / name
    return ImageFont.truetype(str(path), size) if path.is_file() else _default_font(size)


def _colour(rng: Rng, dark: bool) -> tuple[int, int, int]:
    lo, hi = (10, 110) if dark else (130, 250)
    r, g, b = (int(v) for v in rng.integers(lo, hi, 3))
    return r, g, b


def _gradient(size: tuple[int, int], c0: tuple, c1: tuple, angle: float) -> Image.Image:
    w, h = size
    t = np.add.outer(np.arange(h) * math.sin(angle), np.arange(w) * math.cos(angle))
    t = ((t - t.min()) / max(float(t.max() - t.min()), 1.0))[..., None]
    rgb = np.asarray(c0, np.float32) * (1 - t) + np.asarray(c1, np.float32) * t
    return Image.fromarray(rgb.astype(np.uint8))


def _at(c: tuple[float, float], r: float, a: float) -> tuple[float, float]:
    return c[0] + r * math.cos(a), c[1] + r * math.sin(a)


def _star(c: tuple[float, float], r: float, n: int, inner: float, rot: float) -> list[tuple]:
    return [_at(c, r * (1 if i % 2 == 0 else inner), rot + i * math.pi / n) for i in range(2 * n)]


def _symbol(rng: Rng, s: int, fg: tuple, accent: tuple, kind: int) -> Image.Image:
    """A square RGBA mark of side `s`: a shape family (`kind` 0-5), randomised, plus emblems."""
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    c, lw, white = (s / 2, s / 2), max(2, s // 18), (255, 255, 255, 255)

    def u(lo: float, hi: float) -> float:
        return float(rng.uniform(lo, hi))

    def disc(p: tuple[float, float], r: float, fill: tuple) -> None:
        d.ellipse([p[0] - r, p[1] - r, p[0] + r, p[1] + r], fill=fill)

    if kind == 0:  # broken concentric rings
        for i, r in enumerate(np.linspace(s * 0.48, s * u(0.15, 0.25), int(rng.integers(2, 5)))):
            a = u(0, 360)
            box = [c[0] - r, c[1] - r, c[0] + r, c[1] + r]
            d.arc(box, a, a + u(160, 320), fill=(fg, accent)[i % 2], width=lw)
    elif kind == 1:  # a polygon cut into a fan of triangles
        pts = _star(c, s * 0.46, int(rng.integers(5, 9)), 1.0, u(0, math.pi))[::2]
        d.polygon(pts, fill=fg)
        for k, p in enumerate(pts):
            if rng.random() < 0.5:
                d.polygon([c, p, pts[(k + 1) % len(pts)]], fill=accent)
    elif kind == 2:  # an eye with rays
        for _ in range(int(rng.integers(5, 14))):
            a = u(0, 2 * math.pi)
            d.line(
                [_at(c, s * u(0.3, 0.36), a), _at(c, s * u(0.4, 0.49), a)], fill=accent, width=lw
            )
        e = s * u(0.14, 0.24)
        d.ellipse([c[0] - s * 0.34, c[1] - e, c[0] + s * 0.34, c[1] + e], fill=fg)
        disc(c, s * 0.12, accent)
    elif kind == 3:  # a planet with tilted orbits
        disc(c, s * 0.2, fg)
        for _ in range(int(rng.integers(1, 4))):
            tilt, flat = u(0, math.pi), u(0.1, 0.25)
            ca, sa = math.cos(tilt), math.sin(tilt)
            ts = np.linspace(0, 2 * math.pi, 60)
            xs, ys = s * 0.47 * np.cos(ts), s * flat * np.sin(ts)
            pts = list(zip(c[0] + xs * ca - ys * sa, c[1] + xs * sa + ys * ca, strict=True))
            d.line(pts, fill=accent, width=max(2, lw // 2))
            disc(pts[int(rng.integers(60))], s * 0.05, fg)
    elif kind == 4:  # a shield with stripes
        y0, y1 = s * u(0.4, 0.6), s * u(0.4, 0.6)
        d.polygon([(s * 0.1, s * 0.06), (s * 0.9, s * 0.06), (s * 0.9, y0), (c[0], s * 0.96),
                   (s * 0.1, y1)], fill=fg)  # fmt: skip
        slope = u(-0.6, 0.6)
        for _ in range(int(rng.integers(2, 6))):
            y = s * u(0.15, 0.7)
            d.line([(s * 0.12, y), (s * 0.88, y + slope * s * 0.76)], fill=accent, width=lw)
    else:  # a mirrored pixel pattern
        cell, grid = s / 5, rng.random((5, 3)) < 0.55
        for i, j in np.ndindex(5, 5):
            if grid[i, min(j, 4 - j)]:
                box = [j * cell + 1, i * cell + 1, (j + 1) * cell - 2, (i + 1) * cell - 2]
                d.rectangle(box, fill=accent if (i + j) % 3 == 0 else fg)
    for _ in range(int(rng.integers(1, 3))):  # emblems make two marks of one family differ
        p, r = (s * u(0.25, 0.75), s * u(0.25, 0.75)), s * u(0.06, 0.13)
        fill = (white, accent, fg)[int(rng.integers(3))]
        d.polygon(_star(p, r, int(rng.integers(3, 7)), u(0.4, 1.0), u(0, math.pi)), fill=fill)
    return img


def render_logo(label: str, seed: int | None = None, width: int = 360, text: str | None = None,
                tagline: str | None = None, kind: int | None = None) -> np.ndarray:  # fmt: skip
    """A fictional wordmark + symbol logo as an RGB uint8 array, the same for the same inputs.

    `kind` picks the symbol family (0-5); by default each demo logo has its own.
    """
    rng = np.random.default_rng(seed_of(label) if seed is None else seed)
    if kind is None:
        kind = list(DEMO_LOGOS).index(label) if label in DEMO_LOGOS else int(rng.integers(6))
    wordmark, tag, _ = DEMO_LOGOS.get(label, (label.replace("-", " ").title(), "", ""))
    wordmark, tag = text or wordmark, tag if tagline is None else tagline
    dark = bool(rng.random() < 0.4)
    bg0, bg1 = _colour(rng, dark), _colour(rng, dark)
    fg, accent = _colour(rng, not dark), _colour(rng, not dark)
    stacked = bool(rng.random() < 0.3)
    fnt_name = FONT_FILES[int(rng.integers(len(FONT_FILES)))]
    w = width * 2  # drawn at twice the size, then downsampled: antialiased edges
    h = int(w * (0.62 if stacked else 0.36))
    canvas = _gradient((w, h), bg0, bg1, float(rng.uniform(0, math.pi))).convert("RGBA")
    side = int(h * (0.5 if stacked else 0.78))
    sym = _symbol(rng, side, (*fg, 255), (*accent, 255), kind % 6)
    size = int(h * (0.2 if stacked else 0.26))
    tx = h * 0.08 if stacked else h * 0.22 + side
    while _font(fnt_name, size).getlength(wordmark) > w - tx - h * 0.08 and size > 8:
        size -= 2
    fnt = _font(fnt_name, size)
    if stacked:
        canvas.alpha_composite(sym, ((w - side) // 2, int(h * 0.06)))
        tx, ty = (w - fnt.getlength(wordmark)) / 2, h * 0.6
    else:
        canvas.alpha_composite(sym, (int(h * 0.11), (h - side) // 2))
        ty = h * (0.22 if tag else 0.36)
    d = ImageDraw.Draw(canvas)
    d.text((tx, ty), wordmark, font=fnt, fill=fg)
    if tag:
        small = _font("DejaVuSans.ttf", max(8, int(size * 0.5)))
        d.text((tx + size * 0.1, ty + size * 1.25), tag.upper(), font=small, fill=accent)
    d.rectangle([0, 0, w - 1, h - 1], outline=accent, width=4)
    return np.asarray(canvas.convert("RGB").resize((width, h // 2), Image.Resampling.LANCZOS))


def write_library(folder: Path, labels: list[str], vendors: dict[str, str] | None = None) -> Path:
    """Write fictional logos as PNG files plus a `logos.toml` naming their vendors."""
    folder.mkdir(parents=True, exist_ok=True)
    vendors = vendors or {}
    lines = ["# Fictional logos generated by workbench.recognize.synthlogos; no real brand.", ""]
    for label in labels:
        Image.fromarray(render_logo(label)).save(folder / f"{label}.png", optimize=True)
        vendor = vendors.get(label, f"{label.replace('-', ' ').title()} (fictional)")
        lines += [f"[labels.{label}]", f'vendor = "{vendor}"', ""]
    (folder / "logos.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


def write_demo_library(folder: Path) -> Path:
    """The six demo logos (data/logos in the repository is made by this function)."""
    return write_library(folder, list(DEMO_LOGOS), {k: v[2] for k, v in DEMO_LOGOS.items()})


def _camera_tile(rng: Rng, w: int, h: int) -> Image.Image:
    small = rng.integers(0, 255, (max(2, h // 24), max(2, w // 24), 3), dtype=np.uint8)
    tile = Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC)
    d = ImageDraw.Draw(tile)
    for _ in range(int(rng.integers(1, 4))):
        x, y, r = (
            int(rng.integers(0, w)),
            int(rng.integers(0, h)),
            int(rng.integers(4, max(5, h // 4))),
        )
        d.rectangle([x, y, x + r, y + 2 * r], fill=_colour(rng, bool(rng.random() < 0.5)))
    label = f"CAM {int(rng.integers(1, 99)):02d}"
    d.text((4, 2), label, font=_font("DejaVuSans.ttf", 11), fill=(240, 240, 240))
    return tile


def _monitor(rng: Rng, w: int, h: int) -> Image.Image:
    """One screen: a camera grid, a VMS-like panel with text, or a map."""
    dark = bool(rng.random() < 0.7)
    screen = Image.new("RGB", (w, h), _colour(rng, dark))
    d = ImageDraw.Draw(screen)
    kind = int(rng.integers(3))
    if kind == 0:
        n = int(rng.integers(2, 4))
        for i, j in np.ndindex(n, n):
            screen.paste(
                _camera_tile(rng, w // n - 3, h // n - 3), (j * (w // n) + 1, i * (h // n) + 1)
            )
    elif kind == 1:
        d.rectangle([0, 0, w, 22], fill=_colour(rng, not dark))
        fnt = _font("DejaVuSans.ttf", int(rng.integers(11, 17)))
        for k, y in enumerate(range(30, h - 12, int(rng.integers(18, 28)))):
            words = " ".join(
                _WORDS[int(i)] for i in rng.integers(len(_WORDS), size=rng.integers(2, 5))
            )
            text = f"{words} {int(rng.integers(100)):02d}:{int(rng.integers(60)):02d}"
            d.text((8, y), text, font=fnt, fill=_colour(rng, not dark))
            if k % 3 == 0:
                d.rectangle([w - 70, y, w - 10, y + 14], outline=_colour(rng, not dark))
    else:
        for _ in range(int(rng.integers(8, 20))):
            (x0, y0), (x1, y1) = rng.integers(0, [w, h], size=(2, 2)).tolist()
            d.line([(x0, y0), (x1, y1)], fill=_colour(rng, not dark), width=int(rng.integers(1, 4)))
        for _ in range(int(rng.integers(3, 9))):
            x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
            d.ellipse([x - 5, y - 5, x + 5, y + 5], fill=(230, 60, 40))
    return screen


def render_scene(seed: int, width: int = 1280, height: int = 720) -> np.ndarray:
    """A control room seen by a TV camera: dark walls, a desk, several busy monitors."""
    rng = np.random.default_rng(seed)
    angle = float(rng.uniform(0, math.pi))
    room = _gradient((width, height), _colour(rng, True), _colour(rng, True), angle)
    d = ImageDraw.Draw(room)
    d.rectangle([0, int(height * 0.8), width, height], fill=_colour(rng, True))
    cols = int(rng.integers(2, 4))
    mw = width // cols
    for i, j in np.ndindex(cols, 2):
        w, h = int(mw * rng.uniform(0.8, 0.95)), int(height * rng.uniform(0.3, 0.37))
        x = i * mw + int(rng.integers(4, mw - w + 5))
        y = int(height * 0.02) + j * int(height * 0.39)
        d.rectangle([x - 6, y - 6, x + w + 6, y + h + 6], fill=(18, 18, 20))
        room.paste(_monitor(rng, w, h), (x, y))
    return np.asarray(room).copy()


@dataclass(frozen=True)
class Placement:
    """Where and how a logo appears in a frame, and how the frame is degraded."""

    width: float  # width of the logo in the frame before perspective, px
    center: tuple[float, float]  # frame px
    rotation: float = 0.0  # degrees
    perspective: float = 0.0  # random corner shift, as a fraction of the width
    blur: float = 0.0  # Gaussian sigma, px
    noise: float = 0.0  # Gaussian noise std, grey levels
    moire: float = 0.0  # amplitude of a screen-beat pattern, 0..1
    jpeg_quality: int = 0  # 0: no compression
    invert: bool = False  # the logo is shown in inverted colours
    seed: int = 0  # for the corner shifts, the noise and the moiré phase


def random_placement(
    rng: Rng,
    frame: tuple[int, int],
    logo: tuple[int, int],
    width: tuple = (100.0, 300.0),
    hard: bool = True,
) -> Placement:
    """A random placement inside a (width, height) frame for a (width, height) logo.

    With `hard`, each degradation is drawn with some probability: blur (sigma 0.3-1.2),
    noise (1-6 grey levels), moiré (4-12 %), JPEG (quality 35-85), inversion (1 in 5).
    """
    fw, fh = frame
    lw = float(rng.uniform(*width))
    margin = 0.6 * math.hypot(lw, lw * logo[1] / logo[0]) + 4
    cx = float(rng.uniform(margin, fw - margin))
    cy = float(rng.uniform(min(margin, fh / 2), max(fh - margin, fh / 2)))

    def maybe(p: float, lo: float, hi: float) -> float:
        return float(rng.uniform(lo, hi)) if hard and rng.random() < p else 0.0

    return Placement(
        width=lw, center=(cx, cy), rotation=float(rng.uniform(-12, 12)),
        perspective=float(rng.uniform(0.0, 0.2)), blur=maybe(0.5, 0.3, 1.2),
        noise=maybe(0.5, 1, 6), moire=maybe(0.3, 0.04, 0.12), jpeg_quality=int(maybe(0.7, 35, 86)),
        invert=bool(hard and rng.random() < 0.2), seed=int(rng.integers(2**31)),
    )  # fmt: skip


def placement_quad(p: Placement, logo: tuple[int, int]) -> np.ndarray:
    """The logo's corners (top-left, top-right, bottom-right, bottom-left) in frame px."""
    rng = np.random.default_rng(p.seed)
    lw, lh = p.width, p.width * logo[1] / logo[0]
    a = math.radians(p.rotation)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    corners = np.array([[-lw, -lh], [lw, -lh], [lw, lh], [-lw, lh]]) / 2
    corners = corners + rng.uniform(-1, 1, (4, 2)) * p.perspective * lw / 2
    return (corners @ rot.T + np.asarray(p.center)).astype(np.float32)


def _degrade(frame: np.ndarray, p: Placement) -> np.ndarray:
    import cv2

    rng = np.random.default_rng(p.seed + 1)
    out: np.ndarray = frame.astype(np.float32)
    if p.moire:  # a beat between the screen's pixel grid and the camera's: curved stripes
        h, w = frame.shape[:2]
        f, ang, ph = rng.uniform(0.05, 0.2), rng.uniform(0, math.pi), rng.uniform(0, 2 * math.pi)
        xs, ys = np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32)
        bend = 0.00004 * rng.uniform(-1, 1) * (xs - w / 2) ** 2
        phase = np.add.outer(ys * math.sin(ang), xs * math.cos(ang) + bend)
        out *= (1.0 + p.moire * np.sin((2 * math.pi * f) * phase + ph, dtype=np.float32))[..., None]
    if p.blur:
        out = cv2.GaussianBlur(out, (0, 0), p.blur)
    if p.noise:
        out += p.noise * rng.standard_normal(out.shape, dtype=np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if p.jpeg_quality:
        _, buf = cv2.imencode(".jpg", out[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, p.jpeg_quality])
        out = np.asarray(cv2.imdecode(buf, cv2.IMREAD_COLOR))[..., ::-1].copy()
    return out


def paste_logo(scene: np.ndarray, logo: np.ndarray | None, p: Placement) -> tuple[np.ndarray, ...]:
    """Warp `logo` (RGB) into a copy of `scene` as `p` says and degrade the frame.

    Returns the frame and the ground-truth quad (4 x 2, frame px). With `logo=None` only
    the degradations are applied and the quad is empty.
    """
    import cv2

    frame = scene.copy()
    if logo is None:
        return _degrade(frame, p), np.zeros((0, 2), np.float32)
    lh, lw = logo.shape[:2]
    quad = placement_quad(p, (lw, lh))
    k = min(1.0, 1.5 * p.width / lw)  # area-average first, so the warp does not alias
    size = (max(2, round(lw * k)), max(2, round(lh * k)))
    small = cv2.resize(255 - logo if p.invert else logo, size, interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    src = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], np.float32)
    x0, y0 = np.clip(np.floor(quad.min(0)).astype(int) - 2, 0, None)
    x1, y1 = np.minimum(np.ceil(quad.max(0)).astype(int) + 2, frame.shape[1::-1])
    h_mat = cv2.getPerspectiveTransform(src, quad - np.array([x0, y0], np.float32))
    roi = (int(x1 - x0), int(y1 - y0))
    warped = cv2.warpPerspective(small, h_mat, roi, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((sh, sw), np.float32), h_mat, roi)[..., None]
    frame[y0:y1, x0:x1] = (frame[y0:y1, x0:x1] * (1 - mask) + warped * mask).astype(np.uint8)
    return _degrade(frame, p), quad
