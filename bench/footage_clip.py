"""The benchmark clip of the footage engine: 1280x720, 25 fps H.264, a control-room look
(textured stills with moving parts, a slow camera drift, sensor grain), with known hard
cuts, camera flashes and a strobe inside shots, a fade through black and a dissolve.

    write_clip(path, seconds) -> Truth (cuts, gradual spans, flash frames)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

W, H, FPS, GOP = 1280, 720, 25, 50
SHOT = 100  # frames per shot, about
FADE = (12, 4, 12)  # frames: out, black, in
DISSOLVE = 20


@dataclass(frozen=True)
class Truth:
    cuts: tuple[int, ...]  # first frame of each shot after a hard cut
    gradual: tuple[tuple[int, int], ...]  # (first, last) frame of each fade and dissolve
    flashes: tuple[int, ...]  # frames under a flash: never cuts
    frames: int

    def spans(self) -> list[tuple[int, int]]:
        return sorted([(c, c) for c in self.cuts] + list(self.gradual))


def _still(rng: np.random.Generator) -> np.ndarray:
    from PIL import Image

    from workbench.synth import draw_text

    base = rng.integers(30, 200, 3)
    arr = np.empty((H + 64, W + 64, 3), np.uint8)
    arr[:] = base
    for _ in range(40):  # screens, panels, desks
        x, y = int(rng.integers(0, W)), int(rng.integers(0, H))
        w, h = int(rng.integers(40, 300)), int(rng.integers(30, 200))
        arr[y : y + h, x : x + w] = rng.integers(0, 256, 3)
    texture = rng.integers(-18, 18, (H + 64, W + 64, 1), dtype=np.int16)
    arr = np.clip(arr.astype(np.int16) + texture, 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    draw_text(img, (60, 60), f"ОПЕРАТИВНЫЙ ЦЕНТР {int(rng.integers(1, 99))}  VendorX", 40)
    return np.asarray(img)


def _flash(picture: np.ndarray, strength: float) -> np.ndarray:
    return (picture * (1 - strength) + 255 * strength).astype(np.uint8)


def frames_and_truth(seconds: int, seed: int = 7):
    """(frame generator, Truth) for a clip of `seconds` seconds."""
    count = seconds * FPS
    rng = np.random.default_rng(seed)
    plan: list[tuple[str, int]] = []  # (how the shot starts, its first frame)
    at, n = 0, 0
    while at < count:
        kind = {3: "fade", 5: "dissolve"}.get(n % 7, "cut") if at else "start"
        plan.append((kind, at))
        at += SHOT + int(rng.integers(-30, 60))
        n += 1
    starts = [a for _, a in plan] + [count]
    cuts, gradual, flashes = [], [], []
    for (kind, a), b in zip(plan, starts[1:], strict=False):
        if kind == "cut":
            cuts.append(a)
        elif kind == "fade":
            gradual.append((a - FADE[0] - FADE[1], a + FADE[2] - 1))
        elif kind == "dissolve":
            gradual.append((a - DISSOLVE // 2, a + DISSOLVE // 2 - 1))
        if b - a > 40 and len(flashes) < 3 * len(plan) // 4:
            f = a + (b - a) // 2
            flashes += [f] if n % 2 else [f, f + 3, f + 6]  # a flash, or a strobe
            n += 1
    truth = Truth(tuple(cuts), tuple(gradual), tuple(flashes), count)
    grain = [rng.integers(-6, 7, (H, W, 1), dtype=np.int16) for _ in range(7)]

    def shot_of(i: int) -> int:
        return max(k for k, s in enumerate(starts[:-1]) if s <= i)

    stills: dict[int, np.ndarray] = {}

    def picture(k: int, i: int) -> np.ndarray:
        if k not in stills:
            stills.clear() if len(stills) > 3 else None
            stills[k] = _still(np.random.default_rng(seed * 1000 + k))
        dx = max(0, i - starts[k]) // 4 % 64  # slow camera drift (still before its shot)
        out = stills[k][32 : 32 + H, dx : dx + W].copy()
        x = 100 + (i * 9) % (W - 300)  # someone walks across
        out[300:420, x : x + 60] = (230, 220, 200)
        return out

    def frames():
        flash_set = set(flashes)
        for i in range(count):
            k = shot_of(i)
            pic = picture(k, i).astype(np.float32)
            kind_next = plan[k + 1][0] if k + 1 < len(plan) else None
            start_next = starts[k + 1]
            kind = plan[k][0]
            if kind_next == "fade" and i >= start_next - FADE[0] - FADE[1]:
                j = i - (start_next - FADE[0] - FADE[1])
                pic = pic * max(0.0, 1 - (j + 1) / FADE[0])
            elif kind == "fade" and i < starts[k] + FADE[2]:
                pic = pic * ((i - starts[k] + 1) / FADE[2])
            elif kind_next == "dissolve" and i >= start_next - DISSOLVE // 2:
                w = (i - (start_next - DISSOLVE // 2) + 0.5) / DISSOLVE
                pic = pic * (1 - w) + picture(k + 1, i).astype(np.float32) * w
            elif kind == "dissolve" and i < starts[k] + DISSOLVE // 2:
                w = (i - (starts[k] - DISSOLVE // 2) + 0.5) / DISSOLVE
                pic = picture(k - 1, i).astype(np.float32) * (1 - w) + pic * w
            out = np.clip(pic + grain[i % 7], 0, 255).astype(np.uint8)
            if i in flash_set:
                out = _flash(out, 0.75)
            yield out

    return frames(), truth


def write_clip(path: Path, seconds: int, seed: int = 7) -> Truth:
    from workbench.synth import write_video

    frames, truth = frames_and_truth(seconds, seed)
    write_video(Path(path), frames, fps=FPS, gop=GOP, crf=23)
    return truth
