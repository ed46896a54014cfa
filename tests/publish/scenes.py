"""Evidence frames built from real photographs of people.

scikit-image ships the astronaut Eileen Collins (NASA), the "cameraman" and a subset
of Labeled Faces in the Wild; matplotlib ships Grace Hopper's portrait. They are
placed on a synthetic operator screen: a live camera panel with a person, and a
watchlist grid of face thumbnails, the kind of screen TV reports from police control
centres show. Nothing is downloaded.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from workbench.synth import draw_text

W, H = 960, 540
Box = tuple[int, int, int, int]


@cache
def photos() -> dict[str, Image.Image]:
    import matplotlib
    from skimage import data

    hopper = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    lfw = data.lfw_subset()  # the first 100 are faces, 25x25 grey
    out = {
        "astronaut": Image.fromarray(data.astronaut()),
        "hopper": Image.open(hopper).convert("RGB"),
        "cameraman": Image.fromarray(data.camera()).convert("RGB"),
    }
    for i in range(6):
        grey = (lfw[i * 7] * 255).astype(np.uint8)
        out[f"lfw{i}"] = Image.fromarray(np.stack([grey] * 3, axis=-1))
    return out


def face_thumbs() -> list[Image.Image]:
    p = photos()
    return [
        p["astronaut"].crop((160, 30, 300, 200)),
        p["hopper"].crop((150, 100, 380, 360)),
        p["cameraman"].crop((180, 90, 280, 220)),
        *(p[f"lfw{i}"] for i in range(6)),
    ]


def operator_screen() -> tuple[np.ndarray, list[Box], dict[str, Box]]:
    """A face-search screen; (frame, where faces were placed, boxes of texts)."""
    img = Image.new("RGB", (W, H), (28, 32, 42))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, W, 44], fill=(20, 60, 120))
    draw_text(img, (12, 8), "NORDVIEW VMS 4.2", 24)
    texts = {"vendor": (12, 8, 230, 38)}
    draw_text(img, (560, 12), "Face search", 20)
    texts["face-search"] = (560, 12, 680, 36)
    img.paste(photos()["astronaut"].resize((300, 300)), (20, 60))
    faces: list[Box] = [(20, 60, 320, 360)]
    draw_text(img, (20, 370), "Camera 12: match 87%", 20)
    for k, thumb in enumerate(face_thumbs()):
        r, c = divmod(k, 3)
        size = (88, 64, 48)[r]
        x, y = 400 + c * 170, 70 + r * 150
        img.paste(thumb.resize((size, size)), (x, y))
        faces.append((x, y, x + size, y + size))
        draw_text(img, (x, y + size + 4), f"#{k:03d} category A", 13)
    return np.asarray(img), faces, texts


def control_room() -> tuple[np.ndarray, list[Box], dict[str, Box]]:
    """A wall screen showing a portrait, and an operator's name tag."""
    img = Image.new("RGB", (W, H), (50, 52, 58))
    draw = ImageDraw.Draw(img)
    draw.rectangle([480, 40, 940, 500], fill=(10, 10, 12))
    img.paste(photos()["hopper"].resize((360, 422)), (530, 60))
    draw_text(img, (30, 40), "SITUATION CENTRE", 28)
    draw_text(img, (30, 420), "Operator: A. Example", 22)
    return (
        np.asarray(img),
        [(530, 60, 890, 482)],
        {
            "title": (30, 40, 330, 76),
            "name-tag": (28, 416, 300, 448),
        },
    )


def frames(count_each: int = 6) -> list[np.ndarray]:
    a, _, _ = operator_screen()
    b, _, _ = control_room()
    return [a] * count_each + [b] * count_each
