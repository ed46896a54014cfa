"""Enhancement steps: the chain's text and JSON forms, determinism, and what each step does."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np
import pytest

from tests.video import video_footage as footage
from workbench.video import Chain, VideoError, parse_step

EXAMPLE = (
    "crop:x=10,y=20,w=200,h=100|zoom:4,lanczos|unsharp:amount=1.5,radius=2|clahe:clip=2.0"
    "|gamma:0.8|denoise:h=5|deinterlace|demoire|invert"
)


def image() -> np.ndarray:
    return footage.scene(3)


def digest(rgb: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(rgb).tobytes()).hexdigest()


def test_chain_text_round_trips() -> None:
    chain = Chain.parse(EXAMPLE)
    assert [s.name for s in chain.steps] == [
        "crop", "zoom", "unsharp", "clahe", "gamma", "denoise", "deinterlace", "demoire", "invert"
    ]  # fmt: skip
    text = chain.to_string()
    assert text == (
        "crop:x=10,y=20,w=200,h=100|zoom:4.0|unsharp:amount=1.5|clahe|gamma:0.8|denoise"
        "|deinterlace|demoire|invert"
    )  # defaults are left out of the canonical form
    assert Chain.parse(text) == chain
    assert Chain.parse(text).to_string() == text
    assert Chain.parse("zoom:2.5,cubic|deinterlace:top|demoire:lowpass,sigma=2.0").to_string() == (
        "zoom:2.5,cubic|deinterlace:top|demoire:lowpass,sigma=2.0"
    )


def test_chain_json_is_the_processing_log() -> None:
    chain = Chain.parse(EXAMPLE)
    log = chain.to_dict()
    assert log["chain"] == chain.to_string() and log["opencv"] == cv2.__version__
    assert log["steps"][0] == {"op": "crop", "x": 10, "y": 20, "w": 200, "h": 100}
    assert Chain.from_json(chain.to_json()) == chain


def test_same_input_same_output() -> None:
    chain = Chain.parse(EXAMPLE)
    a, b = chain.apply(image()), chain.apply(image().copy())
    assert digest(a) == digest(b)
    assert a.shape == (400, 800, 3) and a.dtype == np.uint8


@pytest.mark.parametrize(
    "text, problem",
    [
        ("sharpen", "Unknown enhancement step"),
        ("zoom:0", "factor"),
        ("zoom:2,bogus", "method"),
        ("gamma:x", "number"),
        ("crop:x=1,y=1,w=0,h=5", "crop"),
        ("unsharp:size=3", "no parameter"),
        ("crop:x=1", "missing"),
    ],
)
def test_bad_steps_are_clear_errors(text: str, problem: str) -> None:
    with pytest.raises(VideoError, match=problem):
        Chain.parse(text)


def test_crop_zoom_invert_gamma() -> None:
    img = image()
    assert np.array_equal(parse_step("crop:x=10,y=20,w=50,h=40").apply(img), img[20:60, 10:60])
    assert parse_step("zoom:3,cubic").apply(img).shape == (540, 960, 3)
    assert np.array_equal(Chain.parse("invert|invert").apply(img), img)
    grey = np.full((4, 4, 3), 128, np.uint8)
    assert parse_step("gamma:0.5").apply(grey)[0, 0, 0] == 181  # below 1 brightens


def test_unsharp_adds_detail_and_clahe_adds_contrast() -> None:
    img = cv2.GaussianBlur(image(), (0, 0), 2)
    sharp = parse_step("unsharp:amount=2.0,radius=2.0").apply(img)
    assert cv2.Laplacian(sharp, cv2.CV_64F).var() > 2 * cv2.Laplacian(img, cv2.CV_64F).var()
    flat = (img // 4 + 96).astype(np.uint8)
    assert parse_step("clahe:clip=3.0").apply(flat).std() > 1.3 * flat.std()


def test_denoise_and_deinterlace() -> None:
    clean = image().astype(np.float32)
    noisy = np.clip(clean + np.random.default_rng(1).normal(0, 15, clean.shape), 0, 255)
    noisy = noisy.astype(np.uint8)
    out = parse_step("denoise:h=12.0").apply(noisy)
    assert np.abs(out - clean).mean() < 0.7 * np.abs(noisy - clean).mean()

    moved = np.roll(image(), 6, axis=1)  # the second field caught the scene 6 px later
    combed = image().copy()
    combed[1::2] = moved[1::2]

    def comb(rgb: np.ndarray) -> float:
        g = rgb.astype(np.float32).mean(axis=2)
        return float(np.abs(g[1:-1] - (g[:-2] + g[2:]) / 2).mean())

    for mode in ("blend", "top", "bottom"):
        assert comb(parse_step(f"deinterlace:{mode}").apply(combed)) < 0.5 * comb(combed)


def test_demoire_removes_a_screen_pattern() -> None:
    clean = cv2.GaussianBlur(image(), (0, 0), 1.5).astype(np.float32)
    yy, xx = np.mgrid[0 : clean.shape[0], 0 : clean.shape[1]]
    pattern = 25 * np.sin(2 * np.pi * (xx * 0.31 + yy * 0.17))
    moire = np.clip(clean + pattern[:, :, None], 0, 255).astype(np.uint8)
    before = np.abs(moire - clean).mean()
    for text in ("demoire", "demoire:lowpass"):
        after = np.abs(parse_step(text).apply(moire) - clean).mean()
        assert after < 0.5 * before, text
