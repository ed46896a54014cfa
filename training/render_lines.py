"""Training lines for the line reader (`workbench/recognize/ocr/linereader.py`): text lines
rendered in fonts and from word lists that neither benchmark generator uses, then filmed.

Fonts: ParaType PT Sans/Serif/Mono, Roboto, Open Sans, GNU FreeFont, Carlito, Cantarell
(Debian `fonts-paratype fonts-roboto fonts-open-sans fonts-freefont-ttf
fonts-crosextra-carlito fonts-cantarell`); the benchmark's generators draw with DejaVu,
Liberation and Noto, which training never sees. Words: Debian's Hunspell dictionaries
(`hunspell-ru`, `hunspell-kk`) and `wamerican`, plus numbers, times, dates and codes as
screens show them; never the vendor registry, interface strings or the generators' phrases.

"Filmed": drawn at its own pixel size on a plain, gradient or noisy ground, light on dark
or dark on light, then turned, sheared, blurred (defocus, motion), resampled by a camera
(0.45-1.2x), given moire, interlacing, glare, noise and JPEG blocks, and cut with the loose
and uneven margins a text detector leaves.
"""

from __future__ import annotations

import io
import random
import re
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

RU_LOWER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
KK_LOWER = "әғқңөұүһі"
LAT_LOWER = "abcdefghijklmnopqrstuvwxyz"
PUNCT = " .,:;-–—_/\\()[]%#№+*'\"!?@&«»|<>="
CHARS = (
    RU_LOWER
    + RU_LOWER.upper()
    + KK_LOWER
    + KK_LOWER.upper()
    + LAT_LOWER
    + LAT_LOWER.upper()
    + "0123456789"
    + PUNCT
)

FONT_DIR = Path("/usr/share/fonts/truetype")
FONT_GLOBS = (
    "paratype/PT*.ttf",
    "roboto/unhinted/RobotoTTF/Roboto-*.ttf",
    "roboto/unhinted/RobotoCondensed-*.ttf",
    "roboto/unhinted/RobotoTTF/RobotoCondensed-*.ttf",
    "open-sans/OpenSans-*.ttf",
    "freefont/Free*.ttf",
    "crosextra/Carlito-*.ttf",
    "cantarell/Cantarell-*.otf",
    "../opentype/cantarell/Cantarell-*.otf",
)
WORDS = {
    "ru": "/usr/share/hunspell/ru_RU.dic",
    "kk": "/usr/share/hunspell/kk_KZ.dic",
    "en": "/usr/share/dict/american-english",
}


@lru_cache(maxsize=1)
def font_files() -> list[str]:
    out: set[str] = set()
    for pattern in FONT_GLOBS:
        out.update(str(p.resolve()) for p in FONT_DIR.glob(pattern))
    keep = [f for f in sorted(out) if ("Thin" not in f and "Italic" not in f) or "PT" in f]
    if not keep:
        raise SystemExit(
            "No training fonts: apt-get install fonts-paratype fonts-roboto fonts-open-sans "
            "fonts-freefont-ttf fonts-crosextra-carlito fonts-cantarell"
        )
    return keep


@lru_cache(maxsize=512)
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=3)
def words(lang: str) -> list[str]:
    text = Path(WORDS[lang]).read_text("utf-8", errors="ignore").lstrip("\ufeff")
    out = []
    for line in text.splitlines()[1 if lang != "en" else 0 :]:
        word = line.split("/")[0].strip()
        if 2 <= len(word) <= 16 and "'" not in word and all(c in CHARS for c in word):
            out.append(word)
    if lang == "kk":  # Kazakh dictionary stems: keep those with letters only Kazakh has more
        out += [w for w in out if set(w.lower()) & set(KK_LOWER)] * 2
    return out


def _case(word: str, rng: random.Random) -> str:
    r = rng.random()
    return word.upper() if r < 0.15 else word.capitalize() if r < 0.5 else word.lower()


def _number(rng: random.Random) -> str:
    kind = rng.randrange(9)
    d = rng.randrange
    return [
        lambda: f"{d(24):02d}:{d(60):02d}:{d(60):02d}",
        lambda: f"{d(1, 29):02d}.{d(1, 13):02d}.{d(1990, 2031)}",
        lambda: f"{d(1990, 2031)}-{d(1, 13):02d}-{d(1, 29):02d}",
        lambda: str(d(1, 10 ** rng.randrange(1, 6))),
        lambda: f"{d(10, 250)}.{d(256)}.{d(256)}.{d(1, 255)}",
        lambda: f"{d(100)}%",
        lambda: f"№ {d(1, 999)}",
        lambda: f"{rng.choice(['CAM', 'IP', 'DS', 'NVR', 'ID', 'K', 'A'])}-{d(1, 999):02d}",
        lambda: f"+7 {d(700, 780)} {d(100, 999)} {d(10, 99)} {d(10, 99)}",
    ][kind]()


def line_text(rng: random.Random) -> str:
    mode = rng.choices(["ru", "kk", "en", "mixed"], [0.45, 0.2, 0.17, 0.18])[0]
    n = rng.choices([1, 2, 3, 4, 5], [0.25, 0.3, 0.22, 0.15, 0.08])[0]
    parts = []
    for i in range(n):
        lang = mode if mode != "mixed" else rng.choice(["ru", "ru", "kk", "en"])
        if rng.random() < (0.25 if mode == "mixed" else 0.08):
            parts.append(_number(rng))
        else:
            parts.append(_case(rng.choice(words(lang)), rng))
        if i < n - 1 and rng.random() < 0.2:
            parts[-1] += rng.choice([":", ",", ".", " -", " —", ";", "/"])
    text = " ".join(parts)
    r = rng.random()
    if r < 0.05:
        text = f"«{text}»"
    elif r < 0.09:
        text = f"({text})"
    elif r < 0.14:
        text += rng.choice([".", "!", "?", "...", ":"])
    return re.sub(r"\s+", " ", text)[:48].strip()


def _ground(h: int, w: int, rng: random.Random, light: bool) -> np.ndarray:
    base = rng.randrange(170, 256) if light else rng.randrange(0, 90)
    tint = np.array([base + rng.randrange(-25, 26) for _ in range(3)], np.float32)
    img = np.ones((h, w, 3), np.float32) * tint
    kind = rng.random()
    if kind < 0.3:  # gradient
        ramp = np.linspace(0, rng.uniform(-50, 50), w if rng.random() < 0.5 else h)
        img += ramp[None, :, None] if ramp.size == w else ramp[:, None, None]
    elif kind < 0.45:  # texture
        noise = np.random.default_rng(rng.randrange(1 << 30))
        img += noise.normal(0, rng.uniform(3, 14), (h, w, 1))
    return img


def render(text: str, rng: random.Random) -> tuple[np.ndarray, float]:
    """An RGB crop of `text` as a detector would cut it from a filmed screen, and the
    text's height in the crop's pixels (x-height band to descender)."""
    path = rng.choice(font_files())
    size = rng.randrange(10, 40)
    face = font(path, size)
    x0, y0, x1, y1 = face.getbbox(text)
    tw, th = x1 - x0, max(1, y1 - y0)
    pad_x = [int(rng.uniform(0.05, 1.0) * size) for _ in range(2)]
    pad_y = [int(rng.uniform(0.05, 0.55) * size) for _ in range(2)]
    h, w = th + sum(pad_y), tw + sum(pad_x)
    light = rng.random() < 0.55
    ground = _ground(h, w, rng, light)
    ink = rng.randrange(0, 80) if light else rng.randrange(160, 256)
    if rng.random() < 0.1:  # low contrast
        ink = int(ground.mean() + (-1 if light else 1) * rng.uniform(70, 110))
    fill = tuple(int(np.clip(ink + rng.randrange(-30, 31), 0, 255)) for _ in range(3))
    pic = Image.fromarray(np.clip(ground, 0, 255).astype(np.uint8))
    ImageDraw.Draw(pic).text((pad_x[0] - x0, pad_y[0] - y0), text, font=face, fill=fill)
    img = np.asarray(pic).astype(np.float32)
    # geometry: a small turn or shear (a filmed screen, a detector's loose quad)
    if rng.random() < 0.5:
        angle = rng.uniform(-2.5, 2.5)
        shear = rng.uniform(-0.25, 0.25) if rng.random() < 0.3 else 0.0
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        m[0, 1] += shear
        m[0, 2] -= shear * h / 2
        img = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    # optics
    if rng.random() < 0.5:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.2, 1.0) * max(1.0, size / 20))
    if rng.random() < 0.12:
        k = rng.randrange(3, 7)
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1 / k
        img = cv2.filter2D(img, -1, kernel)
    if rng.random() < 0.12:  # glare
        yy, xx = np.mgrid[0:h, 0:w]
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.3, 1.2) * w
        img += (rng.uniform(30, 110) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / r**2))[..., None]
    # the camera's sampling: most screen text reaches the reader at 7-20 px
    scale = rng.uniform(0.45, 1.2)
    nw, nh = max(4, int(w * scale)), max(4, int(h * scale))
    img = cv2.resize(img, (nw, nh), interpolation=rng.choice([cv2.INTER_AREA, cv2.INTER_LINEAR]))
    if rng.random() < 0.1:  # moire
        yy, xx = np.mgrid[0:nh, 0:nw]
        f, a = rng.uniform(0.5, 1.6), rng.uniform(0, np.pi)
        wave = np.sin(f * (xx * np.cos(a) + yy * np.sin(a)))
        img *= (1 + rng.uniform(0.05, 0.18) * wave)[..., None]
    if rng.random() < 0.05 and nh > 8:  # interlacing
        img[1::2] = np.roll(img[1::2], rng.choice([-1, 1]), axis=1)
    img += np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(0, 7), img.shape)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        buf = io.BytesIO()
        Image.fromarray(out).save(buf, "JPEG", quality=rng.randrange(15, 95))
        out = np.asarray(Image.open(buf).convert("RGB"))
    return out, th * scale


if __name__ == "__main__":  # a sheet of samples to look at
    rng = random.Random(1)
    rows = []
    for _ in range(24):
        t = line_text(rng)
        crop, _ = render(t, rng)
        g = cv2.resize(crop, (max(4, int(crop.shape[1] * 32 / crop.shape[0])), 32))
        rows.append(np.pad(g[:, :900], ((2, 2), (0, 900 - min(900, g.shape[1])), (0, 0))))
        print(t)
    Image.fromarray(np.vstack(rows)).save("/tmp/lines_sheet.png")
