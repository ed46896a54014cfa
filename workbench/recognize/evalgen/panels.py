"""UI panels of the evaluation screens: strings in Latin, Russian and Kazakh, themes,
layout and rendering at the screen's native resolution."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypedDict

import numpy as np
from PIL import Image, ImageDraw, ImageFont

PANEL = (1280, 800)  # a screen's native resolution
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSansCondensed.ttf")
FONTS_NO_KAZAKH = (
    "liberation/LiberationSans-Regular.ttf",
    "liberation/LiberationSansNarrow-Regular.ttf",
)

MENU = {
    "latin": ["Live view", "Playback", "Alarms", "Face search", "Export", "Event log",
              "Camera list", "Settings", "Video wall", "License plates", "Watchlist",
              "Reports", "Device manager", "Search by photo", "User accounts", "Map"],
    "cyrillic": ["Поиск по лицу", "Журнал событий", "Архив", "Настройки", "Тревоги",
                 "Видеостена", "Экспорт", "Просмотр", "Поиск по фото", "Карта объектов",
                 "Пользователи", "Отчёты", "Распознавание номеров", "Нарушения ПДД",
                 "Розыск", "Список камер"],
    "kazakh": ["Бейнебақылау", "Бет бойынша іздеу", "Оқиғалар журналы", "Мұрағат",
               "Баптаулар", "Камералар тізімі", "Ескертулер", "Өңір картасы",
               "Жаңа оқиға", "Есептер", "Пайдаланушылар", "Қоғамдық қауіпсіздік"],
}  # fmt: skip
RESULTS = [
    "Список наблюдения: Категория B", "Совпадение {p}%", "Сәйкестік {p}%", "Match {p}%",
    "Қазақстан Республикасы", "Ішкі істер министрлігі", "Жедел басқару орталығы",
    "Оператор: Сергеев А.", "Watchlist: category B", "Объект: ТРЦ Мега", "Person ID {n}",
    "Номер: {n} KZ 02", "Распознано лиц: {n}", "Analytics server 2",
]  # fmt: skip
CAMERAS = ["пр. Абая", "ул. Толе би", "Достық даңғылы", "Abay Ave", "Al-Farabi", "Райымбек"]
STATUS = ["Сервер: в сети", "Storage 78%", "Желі: қосулы", "Events today: {n}", "REC"]
CAPTIONS = ["Алматы. Жедел басқару орталығы", "Оперативный центр управления полиции",
            "Police operational control centre", "Шымкент: Сергек жүйесі", "ХАБАР 24"]  # fmt: skip
DISTRACTORS = ["Security Center", "Camera Station", "Face recognition", "Video analytics",
               "Taxis depot", "Smart Client"]  # fmt: skip
RGB = tuple[int, int, int]


class Theme(TypedDict):
    bg: RGB
    bar: list[RGB]
    fg: RGB
    dim: RGB
    tile: RGB


THEMES: dict[str, Theme] = {
    "dark": dict(bg=(30, 34, 44), bar=[(20, 60, 120), (90, 20, 30), (15, 15, 18)],
                 fg=(225, 228, 235), dim=(150, 155, 165), tile=(12, 12, 14)),
    "light": dict(bg=(236, 238, 242), bar=[(0, 90, 160), (160, 20, 30), (40, 45, 55)],
                  fg=(20, 22, 28), dim=(90, 95, 105), tile=(60, 64, 70)),
}  # fmt: skip


@lru_cache(maxsize=256)
def font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font from FONTS (DejaVu has every Kazakh letter); the project's default font
    where this machine lacks that one."""
    path = FONT_DIR / name
    if path.is_file():
        return ImageFont.truetype(str(path), size)
    from workbench.synth import font as default_font

    return default_font(size)


def ink(xy: tuple[int, int], text: str, name: str, size: int) -> np.ndarray:
    """Corners (TL, TR, BR, BL) of the ink box of `text` drawn at `xy`."""
    x0, y0, x1, y1 = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox(xy, text, font(name, size))
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


@lru_cache(maxsize=1)
def vendor_names() -> tuple[tuple[str, str], ...]:
    """(wordmark text, canonical vendor) for every Latin or Cyrillic name in the registry."""
    from workbench.recognize.vendors import load_registry

    return tuple(
        (text, entry.name)
        for entry in load_registry()
        for text, _kind in entry.names()
        if text != entry.name and all(ch < "\u2e80" for ch in text)
    )


Item = tuple[
    str, tuple[int, int], str, int, str, "str | None"
]  # text, xy, font, size, role, vendor


@dataclass
class Screen:
    """One monitor: its panel layout (texts in panel pixels) and its place in the frame."""

    theme: str
    bar: tuple[int, int, int]
    items: list[Item]
    geom: tuple[float, float, int, int]  # menu width, results x, title-bar height, grid
    homography: np.ndarray  # panel -> frame
    corners: np.ndarray  # screen corners in the frame
    seed: int
    alt: dict[int, str] = field(default_factory=dict)  # results shown after the change

    def text_of(self, k: int, clock: str, change: bool) -> str:
        text, role = self.items[k][0], self.items[k][4]
        return clock if role == "clock" else self.alt.get(k, text) if change else text


def fmt(rng: np.random.Generator, text: str) -> str:
    return text.format(p=int(rng.integers(55, 99)), n=int(rng.integers(10, 999)))


def layout(rng: np.random.Generator, scale: float, lang: str, vendor: tuple[str, str]):
    """Texts of one panel, at sizes meant to come out 6..40 px high in the frame."""
    pw, ph = PANEL
    items: list[Item] = []

    def size_for(lo: float, hi: float) -> int:
        return max(6, round(float(np.exp(rng.uniform(np.log(lo), np.log(hi)))) / scale / 0.95))

    def add(
        text: str,
        x: float,
        y: float,
        size: int,
        role: str,
        width: float,
        vendor: str | None = None,
        bold: bool = False,
    ) -> None:
        fonts = FONTS if set(text) & KAZAKH_LETTERS else FONTS + FONTS_NO_KAZAKH
        name = fonts[1] if bold else fonts[int(rng.integers(0, len(fonts)))]
        while size > 6 and font(name, size).getlength(text) > width:
            size -= 1  # shrunk to fit, as UIs do
        items.append((text, (int(x), int(y)), name, size, role, vendor))

    bar_size = size_for(14, 40)
    bar_h = int(bar_size * 1.9)
    add(vendor[0], 24, bar_h * 0.22, bar_size, "title", pw * 0.55, vendor[1], bold=True)
    right = fmt(rng, str(rng.choice(RESULTS[7:8] + DISTRACTORS)))
    add(right, pw * 0.62, bar_h * 0.3, int(bar_size * 0.7), "title", pw * 0.36)
    menu_w = pw * rng.uniform(0.2, 0.27)
    y, size = bar_h + 20, size_for(9, 30)
    pool = list(dict.fromkeys(MENU[lang] + MENU[str(rng.choice(list(MENU)))][:4]))
    for text in rng.choice(pool, size=min(len(pool), 9), replace=False):
        if y + size * 1.3 > ph * 0.9:
            break
        add(str(text), 18, y, size, "menu", menu_w - 30)
        y += int(size * rng.uniform(1.7, 2.4))
    res_w = pw * rng.uniform(0.22, 0.3)
    res_x = pw - res_w
    y, size = bar_h + 20, size_for(9, 32)
    for text in rng.choice(RESULTS, size=int(rng.integers(3, 7)), replace=False):
        if y + size * 1.3 > ph * 0.9:
            break
        add(fmt(rng, str(text)), res_x + 12, y, size, "result", res_w - 24)
        y += int(size * rng.uniform(1.8, 2.6))
    if rng.random() < 0.7 and y + size * 1.3 < ph * 0.9:  # a second vendor string
        text, other = vendor_names()[int(rng.integers(0, len(vendor_names())))]
        add(text, res_x + 12, y, size, "result", res_w - 24, other)
    grid = int(rng.integers(2, 4))
    cw, ch = (res_x - menu_w - 20) / grid, (ph * 0.9 - bar_h - 10) / grid
    size = size_for(6, 20)
    for k in range(grid * grid):
        cam = f"CAM {int(rng.integers(1, 99)):02d} {rng.choice(CAMERAS)}"
        add(
            cam,
            menu_w + 18 + (k % grid) * cw,
            bar_h + 16 + (k // grid) * ch,
            size,
            "camera",
            cw - 20,
        )
    size = size_for(6, 18)
    add("2025-03-14 12:00:00", 18, ph * 0.93, size, "clock", pw * 0.3)
    add(fmt(rng, str(rng.choice(STATUS))), pw * 0.45, ph * 0.93, size, "status", pw * 0.25)
    return items, (menu_w, res_x, bar_h, grid)


def render_panel(scr: Screen, clock: str, change: bool) -> np.ndarray:
    """The panel at native resolution, RGB."""
    pw, ph = PANEL
    th = THEMES[scr.theme]
    img = Image.new("RGB", PANEL, th["bg"])
    draw = ImageDraw.Draw(img)
    menu_w, res_x, bar_h, grid = scr.geom
    draw.rectangle([0, 0, pw, bar_h], fill=scr.bar)
    draw.rectangle([0, ph * 0.91, pw, ph], fill=tuple(int(c * 0.8) for c in th["bg"]))
    rng = np.random.default_rng(scr.seed)
    cw, ch = (res_x - menu_w - 20) / grid, (ph * 0.9 - bar_h - 10) / grid
    for k in range(grid * grid):
        x, y = menu_w + 10 + (k % grid) * cw, bar_h + 10 + (k // grid) * ch
        draw.rectangle([x + 2, y + 2, x + cw - 2, y + ch - 2], fill=th["tile"])
        for _ in range(3):  # a little scene: blobs that are not text
            cx, cy, r = (
                x + rng.uniform(20, cw - 20),
                y + rng.uniform(40, ch - 10),
                rng.uniform(6, 30),
            )
            shade = tuple(int(v) for v in rng.integers(40, 200, 3))
            draw.ellipse([cx - r, cy - r * 0.6, cx + r, cy + r * 0.6], fill=shade)
    if change:
        draw.rectangle(
            [res_x, bar_h + 2, pw, ph * 0.9], fill=tuple(int(c * 0.92) for c in th["bg"])
        )
    for k, (_, xy, name, size, role, _v) in enumerate(scr.items):
        fill = {"title": (255, 255, 255), "status": th["dim"], "camera": (235, 235, 235)}
        draw.text(
            xy, scr.text_of(k, clock, change), font=font(name, size), fill=fill.get(role, th["fg"])
        )
    return np.asarray(img)
