"""Batched fingerprints are the per-picture ones bit for bit: on the small pictures the
keyframe pass makes of real footage (Debian's opencv-doc sample videos, scikit-image's
photographs), of generated control rooms, letterboxed, pillarboxed, black and flat ones,
and pictures whose bars change from one frame to the next (several groups per batch)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.copies_media import room_frames
from workbench.video.fingerprint import (
    REGIONS,
    Fingerprinter,
    active_box,
    active_boxes,
    batch_hashes,
    fingerprint_frames,
    region_hashes,
)
from workbench.video.index_build import build_index
from workbench.video.scan import scan_signals
from workbench.video.signals import ScanParams

DATA = Path("/usr/share/doc/opencv-doc/examples/data")


def small(rgb: np.ndarray, size: tuple[int, int] = (64, 36)) -> np.ndarray:
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def per_picture(grays: np.ndarray) -> np.ndarray:
    return np.array([region_hashes(g) for g in grays], np.uint64).reshape(-1, len(REGIONS))


def boxed(grays: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Bars of random widths on random sides, different from picture to picture."""
    out = grays.copy()
    for g in out:
        top, bottom, left, right = rng.integers(0, 9, 4)
        g[:top], g[g.shape[0] - bottom :] = rng.integers(0, 20), 0
        g[:, :left], g[:, g.shape[1] - right :] = 0, rng.integers(0, 20)
    return out


@pytest.mark.skipif(not (DATA / "vtest.avi").is_file(), reason="opencv-doc is missing")
@pytest.mark.parametrize("name", ["vtest.avi", "Megamind.avi", "tree.avi"])
def test_real_footage_through_the_keyframe_pass(name: str) -> None:
    path = DATA / name
    scan = scan_signals(path, build_index(path), ScanParams())
    sigs = [s for _, s in zip(range(700), scan, strict=False)]
    grays = np.stack([s.gray for s in sigs])
    assert np.array_equal(batch_hashes(grays), per_picture(grays))
    fp = fingerprint_frames((s.index, s.time, s.gray) for s in sigs)  # full batches and the rest
    assert np.array_equal(fp.hashes, per_picture(grays))
    assert np.array_equal(fp.indices, [s.index for s in sigs])
    rng = np.random.default_rng(len(name))
    bars = boxed(grays, rng)
    assert len({active_box(g) for g in bars}) > 10
    assert np.array_equal(batch_hashes(bars), per_picture(bars))


def test_photographs_generated_rooms_and_odd_pictures() -> None:
    from skimage import data

    rng = np.random.default_rng(5)
    photos = [data.astronaut(), data.coffee(), data.chelsea(), data.rocket()]
    grays = [small(p, size) for p in photos for size in [(64, 36), (48, 36), (40, 40)]]
    grays += [small(f) for f in room_frames(3, 40)]
    flat = [np.zeros((36, 64), np.uint8), np.full((36, 64), 128, np.uint8)]
    flat += [np.full((36, 64), 23, np.uint8), rng.integers(0, 256, (36, 64), np.uint8)]
    for size in [(64, 36), (48, 36), (40, 40)]:
        same = np.stack([g for g in grays + flat if g.shape[::-1] == size])
        for stack in (same, boxed(same, rng)):
            assert np.array_equal(batch_hashes(stack), per_picture(stack)), size
            want = [active_box(g) for g in stack]
            assert [tuple(b) for b in active_boxes(stack)] == want
    assert batch_hashes(np.zeros((0, 36, 64), np.uint8)).shape == (0, len(REGIONS))


def test_the_fingerprinter_keeps_order_when_the_picture_size_changes() -> None:
    frames = [small(f) for f in room_frames(4, 30)] + [
        small(f, (48, 36)) for f in room_frames(4, 9)
    ]
    fp = Fingerprinter()
    for k, g in enumerate(frames):
        fp.push(k, k / 25, g)
    got = fp.finish()
    assert np.array_equal(got.hashes, np.vstack([region_hashes(g) for g in frames]))
    assert np.array_equal(got.times, np.arange(len(frames)) / 25)
    assert len(Fingerprinter().finish()) == 0
