"""Rectifying a screen filmed at an angle, and stacking noisy frames."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.video import video_footage as footage
from workbench.synth import draw_text
from workbench.video import (
    Chain,
    FrameReader,
    order_corners,
    rectify_quad,
    stack_arrays,
    stack_frames,
)
from workbench.video.rectify import suggest_quads

TRUTH = np.float32([[130, 70], [380, 95], [360, 270], [115, 240]])  # TL, TR, BR, BL


def screen() -> np.ndarray:
    img = Image.new("RGB", (240, 150), (225, 230, 240))
    draw_text(img, (10, 10), "SERVER 7 ONLINE", 20, fill=(20, 20, 60))
    draw_text(img, (10, 50), "Камера 12 — ОК", 22, fill=(120, 0, 0))
    draw_text(img, (10, 95), "VendorX Vision", 24, fill=(0, 80, 0))
    return np.asarray(img)


def filmed(scr: np.ndarray) -> np.ndarray:
    """The screen seen at an angle (a known homography) in front of a textured wall."""
    rng = np.random.default_rng(3)
    wall = cv2.GaussianBlur(
        rng.normal(70, 12, (360, 480, 3)).clip(0, 255).astype(np.uint8), (0, 0), 2
    )
    src = np.float32([[0, 0], [239, 0], [239, 149], [0, 149]])
    h = cv2.getPerspectiveTransform(src, TRUTH)
    warped = cv2.warpPerspective(scr, h, (480, 360), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(
        np.ones((150, 240), np.uint8), h, (480, 360), flags=cv2.INTER_NEAREST
    )
    return np.where(mask[..., None] > 0, warped, wall)


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    ga = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(float).ravel()
    gb = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY).astype(float).ravel()
    return float(np.corrcoef(ga, gb)[0, 1])


def test_corner_order() -> None:
    shuffled = TRUTH[[2, 0, 3, 1]]
    assert np.array_equal(order_corners(shuffled), TRUTH)


def test_screen_is_found_and_rectified() -> None:
    scr = screen()
    frame = filmed(scr)
    quads = suggest_quads(frame)
    assert quads, "no quadrilateral found"
    corners = quads[0].array()
    assert np.abs(corners - TRUTH).max() < 3.0
    out = rectify_quad(frame, corners, size=(240, 150))
    assert out.shape == (150, 240, 3)
    assert correlation(out, scr) > 0.9
    auto = rectify_quad(frame, corners)  # size from edge lengths
    assert abs(auto.shape[1] - 251) <= 2 and abs(auto.shape[0] - 175) <= 2
    step = "rectify:" + ",".join(f"{v:.1f}" for v in corners.ravel()) + ",w=240,h=150"
    assert correlation(Chain.parse(step).apply(frame), scr) > 0.9


def shifted_noisy_copies(n: int, sigma: float) -> tuple[np.ndarray, list[np.ndarray]]:
    clean = footage.scene(5).astype(np.float32)
    rng = np.random.default_rng(0)
    frames = []
    for k in range(n):
        dx, dy = (0.0, 0.0) if k == 0 else rng.uniform(-3, 3, 2)
        moved = cv2.warpAffine(
            clean, np.float32([[1, 0, dx], [0, 1, dy]]), (320, 180), borderMode=cv2.BORDER_REPLICATE
        )
        frames.append(np.clip(moved + rng.normal(0, sigma, moved.shape), 0, 255).astype(np.uint8))
    return clean, frames


@pytest.mark.parametrize("align", ["phase", "ecc"])
def test_stacking_aligned_copies_reduces_noise(align: str) -> None:
    clean, frames = shifted_noisy_copies(5, 20)
    out, shifts = stack_arrays(frames, align=align)
    inner = (slice(10, -10), slice(10, -10))
    single = (frames[0] - clean)[inner].std()
    stacked = (out - clean)[inner].std()
    assert stacked < 0.7 * single
    assert shifts[0] == (0.0, 0.0) and len(shifts) == 5
    unaligned, _ = stack_arrays(frames, align="none")
    assert stacked < (unaligned - clean)[inner].std()


def test_stack_frames_from_a_video(vdir: Path) -> None:
    clean = footage.scene(6)
    rng = np.random.default_rng(2)
    noisy = [
        np.clip(clean + rng.normal(0, 18, clean.shape), 0, 255).astype(np.uint8) for _ in range(9)
    ]
    path = vdir / "noisy.mp4"
    footage.write(path, noisy)
    with FrameReader(path) as reader:
        result = stack_frames(reader, 4, n=7)
        single = reader.get(4).rgb
    assert [r.index for r in result.refs] == [4, 1, 2, 3, 5, 6, 7]
    assert result.method == "stack:n=7,align=phase,reduce=median"
    error = lambda img: (img.astype(float) - clean)[8:-8, 8:-8].std()  # noqa: E731
    assert error(result.rgb) < 0.8 * error(single)
    edge = stack_frames(FrameReader(path), 0, n=5)  # at the start: the window slides inwards
    assert [r.index for r in edge.refs] == [0, 1, 2, 3, 4]
