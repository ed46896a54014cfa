"""Evaluation generator B, written apart from generator A (`evalgen.make_frame`) so that
an engine tuned on one is checked on the other: its own fonts (Noto Sans and Serif,
Liberation, WenQuanYi Zen Hei for Chinese), its own vocabulary (Latin, Russian, Kazakh,
Chinese), its own layouts (a video wall of camera tiles, a dialog, a phone notification,
a sign or poster, a printed procedure on paper) and its own degradations (perspective up
to 45 degrees, motion blur, defocus, moiré, interlacing, glare, H.264 at a low bit rate).

`make_frame_b(seed, severity)` returns an `EvalFrame` (1280x720) with the same ground-truth
records as generator A, scripts `latin`, `cyrillic`, `kazakh` or `chinese`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from workbench.recognize.evalgen import EvalFrame, GtText
from workbench.recognize.evalgen.degrade import degrade
from workbench.recognize.records import quad_of

W, H = 1280, 720
FONTS = Path("/usr/share/fonts/truetype")
FACES = {  # script -> fonts that have its letters
    "latin": ["noto/NotoSans-Regular.ttf", "noto/NotoSerif-Regular.ttf", "noto/NotoSans-Bold.ttf",
              "liberation/LiberationSans-Regular.ttf", "liberation/LiberationSerif-Regular.ttf",
              "liberation/LiberationMono-Regular.ttf"],
    "cyrillic": ["noto/NotoSans-Regular.ttf", "noto/NotoSerif-Regular.ttf",
                 "liberation/LiberationSans-Bold.ttf", "liberation/LiberationSerif-Regular.ttf"],
    "kazakh": ["noto/NotoSans-Regular.ttf", "noto/NotoSerif-Regular.ttf", "noto/NotoSans-Bold.ttf"],
    "chinese": ["wqy/wqy-zenhei.ttc"],
}  # fmt: skip
WORDS = {
    "latin": ["Incident queue", "Operator 4 on duty", "Subject located", "Zone C perimeter",
              "Dahua DSS Pro", "Hikvision iVMS-4200", "Uniview", "Genetec Security Center",
              "Vehicle ANPR hit", "Emergency exit", "Authorized personnel only", "Channel 12",
              "Stream lost", "Recording", "Acknowledge", "Cancel", "Notification", "Open map",
              "Suspect list updated", "Milestone XProtect", "NtechLab FindFace", "Loading"],
    "cyrillic": ["Дежурная часть", "Камера отключена", "Внимание", "Нарушитель обнаружен",
                 "Категория: активист", "Уведомление", "Открыть", "Отмена", "Вход воспрещён",
                 "Служебное помещение", "Инструкция оператора", "Макроскоп", "Трассир",
                 "Сектор наблюдения", "Запись идёт", "Номер распознан"],
    "kazakh": ["Кезекші бөлім", "Назар аударыңыз", "Қызметтік үй-жай", "Шығу жолы",
               "Жедел хабарлама түсті", "Күзет аймағы", "Бақылау бөлмесі", "Өрт қауіпсіздігі",
               "Құжаттарды тексеру", "Ұялы байланыс"],
    "chinese": ["海康威视", "大华股份", "宇视科技", "视频监控中心", "人脸识别", "报警信息",
                "车牌识别", "实时预览", "录像回放", "系统设置", "华为", "商汤科技"],
}  # fmt: skip


@lru_cache(maxsize=128)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / path), size)


def fonts_installed() -> bool:
    return all((FONTS / f).is_file() for faces in FACES.values() for f in faces)


class Canvas:
    """A flat picture (screen, sign, paper) and the lines written on it."""

    def __init__(self, size: tuple[int, int], fill: tuple[int, int, int]):
        self.img = Image.new("RGB", size, fill)
        self.draw = ImageDraw.Draw(self.img)
        self.lines: list[tuple[str, str, tuple[int, int, int, int]]] = []  # text, script, ink

    def write(
        self, rng, xy: tuple[int, int], script: str, size: int, fill, text: str | None = None
    ) -> int:
        """Write a line; returns its ink box's bottom (for stacking)."""
        text = text or str(rng.choice(WORDS[script]))
        face = _font(str(rng.choice(FACES[script])), int(size))
        x0, y0, x1, y1 = (int(v) for v in self.draw.textbbox(xy, text, font=face))  # int xy: ints
        box = (x0, y0, x1, y1)
        if box[2] > self.img.width - 2 or box[3] > self.img.height - 2:
            return xy[1]
        self.draw.text(xy, text, font=face, fill=fill)
        self.lines.append((text, script, box))
        return box[3]


def _script(rng) -> str:
    return str(rng.choice(["latin", "cyrillic", "kazakh", "chinese"], p=[0.35, 0.3, 0.2, 0.15]))


def _ink(rng, light_bg: bool):
    v = int(rng.integers(0, 60)) if light_bg else int(rng.integers(200, 256))
    return (v, v, v)


def video_wall(rng) -> Canvas:
    c = Canvas((1600, 900), (8, 8, 10))
    rows, cols = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    tw, th = 1600 // cols, 900 // rows
    for r in range(rows):
        for k in range(cols):
            x, y = k * tw, r * th
            base = rng.integers(40, 160, 3)
            tile = rng.normal(0, 25, (th - 6, tw - 6, 3)) + base
            c.img.paste(Image.fromarray(np.clip(tile, 0, 255).astype(np.uint8)), (x + 3, y + 3))
            size = int(rng.integers(26, 48))
            c.write(rng, (x + 12, y + 10), _script(rng), size, (255, 255, 255))
            stamp = f"2025-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d} {rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}"  # noqa: E501
            c.write(rng, (x + 12, y + th - size - 24), "latin", size - 4, (255, 255, 0), stamp)
    return c


def dialog(rng) -> Canvas:
    light = bool(rng.random() < 0.6)
    c = Canvas((1100, 700), (236, 236, 232) if light else (40, 44, 52))
    c.draw.rectangle([0, 0, 1100, 70], fill=tuple(int(v) for v in rng.integers(0, 120, 3)))
    c.write(rng, (24, 14), _script(rng), 34, (255, 255, 255))
    y = 110
    for _ in range(int(rng.integers(3, 6))):
        y = c.write(rng, (40, y), _script(rng), int(rng.integers(18, 40)), _ink(rng, light)) + 30
    for bx in (560, 820):
        c.draw.rectangle([bx, 600, bx + 220, 670], outline=_ink(rng, light), width=3)
        c.write(rng, (bx + 20, 615), _script(rng), 26, _ink(rng, light))
    return c


def phone(rng) -> Canvas:
    c = Canvas((560, 1000), (250, 250, 250))
    c.draw.rectangle([0, 0, 560, 1000], outline=(0, 0, 0), width=24)
    c.write(
        rng,
        (60, 50),
        "latin",
        28,
        (20, 20, 20),
        f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}",
    )
    y = 130
    for _ in range(int(rng.integers(2, 4))):
        c.draw.rounded_rectangle([40, y, 520, y + 220], 24, fill=(225, 228, 240))
        c.write(rng, (64, y + 20), _script(rng), 30, (10, 10, 60))
        c.write(rng, (64, y + 80), _script(rng), 24, (40, 40, 40))
        c.write(rng, (64, y + 140), _script(rng), 22, (90, 90, 90))
        y += 250
    return c


def sign(rng) -> Canvas:
    r, g, b = (int(v) for v in rng.integers(0, 256, 3))
    bg = (r, g, b)
    light = sum(bg) > 380
    c = Canvas((1400, 600), bg)
    c.draw.rectangle([8, 8, 1392, 592], outline=_ink(rng, light), width=10)
    y = 40
    for _ in range(int(rng.integers(1, 4))):
        y = c.write(rng, (60, y), _script(rng), int(rng.integers(60, 120)), _ink(rng, light)) + 40
    return c


def paper(rng) -> Canvas:
    c = Canvas((900, 1200), (246, 244, 236))
    script = _script(rng)
    c.write(rng, (60, 50), script, 44, (0, 0, 0))
    y = 150
    while y < 1100:
        y = c.write(rng, (60, y), _script(rng) if rng.random() < 0.3 else script,
                    int(rng.integers(20, 30)), (30, 30, 30)) + 24  # fmt: skip
    return c


LAYOUTS = {"wall": video_wall, "dialog": dialog, "phone": phone, "sign": sign, "paper": paper}


def _homography(rng, size: tuple[int, int], severity: float) -> np.ndarray:
    """Canvas -> frame: turned about the vertical axis (yaw up to 45 degrees), tipped,
    rolled, and scaled into the frame."""
    w, h = size
    yaw = np.radians(rng.uniform(-45, 45) * (0.3 + 0.7 * severity))
    pitch = np.radians(rng.uniform(-20, 20) * severity)
    roll = np.radians(rng.uniform(-8, 8))
    pts = np.array(
        [[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]],
        np.float32,
    )
    ry = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    rx = np.array(
        [[1, 0, 0], [0, np.cos(pitch), -np.sin(pitch)], [0, np.sin(pitch), np.cos(pitch)]]
    )
    rz = np.array([[np.cos(roll), -np.sin(roll), 0], [np.sin(roll), np.cos(roll), 0], [0, 0, 1]])
    p = pts @ (rz @ rx @ ry).T
    dist = 2.2 * max(w, h)
    proj = p[:, :2] * dist / (dist + p[:, 2:3])
    span = proj.max(axis=0) - proj.min(axis=0)
    fill = rng.uniform(0.45, 0.95)
    scale = fill * min(W / span[0], H / span[1])
    proj = (proj - proj.min(axis=0)) * scale
    room = np.array([W, H]) - (proj.max(axis=0))
    proj += rng.uniform(0, 1, 2) * np.maximum(room, 0)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    return cv2.getPerspectiveTransform(src, proj.astype(np.float32))


def _background(rng) -> np.ndarray:
    small = rng.integers(20, 200, (9, 16, 3)).astype(np.uint8)
    bg = cv2.resize(small, (W, H), interpolation=cv2.INTER_CUBIC)
    return np.clip(bg + rng.normal(0, 6, bg.shape), 0, 255).astype(np.uint8)


def make_frame_b(seed: int, severity: float | None = None, layout: str | None = None) -> EvalFrame:
    rng = np.random.default_rng(10_000 + seed)
    severity = float(rng.uniform(0, 1) if severity is None else severity)
    name = layout or str(rng.choice(list(LAYOUTS)))
    canvas = LAYOUTS[name](rng)
    size = canvas.img.size
    hom = _homography(rng, size, severity)
    pic = np.asarray(canvas.img)
    frame = _background(rng)
    warped = cv2.warpPerspective(pic, hom, (W, H), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full(pic.shape[:2], 255, np.uint8), hom, (W, H)) > 127
    frame[mask] = warped[mask]
    texts = []
    for text, script, (x0, y0, x1, y1) in canvas.lines:
        corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32).reshape(-1, 1, 2)
        q = cv2.perspectiveTransform(corners, hom).reshape(4, 2)
        if q[:, 0].min() < 0 or q[:, 1].min() < 0 or q[:, 0].max() > W or q[:, 1].max() > H:
            continue
        height = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
        lo, hi = np.floor(q.min(axis=0)), np.ceil(q.max(axis=0))
        texts.append(
            GtText(
                text,
                quad_of((float(x), float(y)) for x, y in q),
                (int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1])),
                round(float(height), 2),
                script,
                None,
                0,
                name,
            )
        )
    rgb, applied = degrade(frame, rng, severity)
    return EvalFrame(rgb, texts, [], {"severity": severity, "layout": name, **applied})
