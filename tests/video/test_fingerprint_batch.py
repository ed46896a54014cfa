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


@pytest.fixture(params=["matrices at once", "matrices after 96 pictures"])
def maps_from(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bit identity holds whether a picture size gets its matrix products at once (every
    group below goes through them) or, as by default, only once it is common."""
    from workbench.video import fingerprint_matrix

    if request.param == "matrices at once":
        monkeypatch.setattr(fingerprint_matrix, "WORTH_MAPS", 0)


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
def test_real_footage_through_the_keyframe_pass(name: str, maps_from: None) -> None:
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


def test_photographs_generated_rooms_and_odd_pictures(maps_from: None) -> None:
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


def test_the_fingerprinter_keeps_order_when_the_picture_size_changes(maps_from: None) -> None:
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


def test_matrix_products_give_opencvs_coefficients_and_flag_the_undecidable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fast path's coefficients are OpenCV's (scale-down, then DCT) to floating point,
    for crops that shrink and crops that grow (a 40x40 picture's 67 % crop is 27 px, so
    OpenCV's INTER_AREA takes its linear path there); black and flat pictures, whose AC
    coefficients are rounding noise, are sent back to the exact path."""
    from skimage import data

    from workbench.video.fingerprint import _crops
    from workbench.video.fingerprint_matrix import coefficients, fast_hashes, pack, region_maps

    photos = [data.astronaut(), data.coffee(), data.rocket()]
    for size in [(64, 36), (40, 40), (48, 36)]:
        stack = np.stack([small(p, size) for p in photos]).astype(np.float32)
        h, w = stack.shape[1:]
        crops = _crops(h, w)
        blocks = coefficients(stack, *region_maps(h, w, crops))
        for r, (top, left, ch, cw) in enumerate(crops):
            for k, pic in enumerate(stack):
                scaled = cv2.resize(
                    pic[top : top + ch, left : left + cw], (32, 32), interpolation=cv2.INTER_AREA
                )
                want = cv2.dct(scaled)[:8, :8].ravel()
                assert np.abs(blocks[r, k] - want).max() < 1e-6 * np.abs(want).max(), (size, r)
        assert not pack(blocks.reshape(-1, 64))[1].all()  # photographs are mostly decidable
    flat = np.stack([np.zeros((36, 64)), np.full((36, 64), 128.0)]).astype(np.float32)
    crops = _crops(36, 64)
    _, fragile = pack(coefficients(flat, *region_maps(36, 64, crops)).reshape(-1, 64))
    assert fragile.all()
    asked: list[int] = []

    def exact(crop_stack: np.ndarray) -> np.ndarray:
        asked.append(len(crop_stack))
        return np.arange(len(crop_stack), dtype=np.uint64) + 7

    from workbench.video import fingerprint_matrix

    monkeypatch.setattr(fingerprint_matrix, "WORTH_MAPS", 0)
    photo = np.stack([small(data.astronaut())]).astype(np.float32)
    got = fast_hashes(np.concatenate([flat, photo]), crops, exact)
    assert asked == [2, 2, 2, 2]  # only the flat pictures went the exact way
    assert (got[:2] == np.array([[7] * 4, [8] * 4], np.uint64)).all()
    assert (got[2] == region_hashes(small(data.astronaut()))).all()
    asked.clear()
    got = fast_hashes(flat, crops, exact)
    assert asked == [2, 2, 2, 2] and (got == np.array([[7] * 4, [8] * 4], np.uint64)).all()


def test_a_large_picture_takes_the_fast_path_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """`batch_hashes` is public: a picture far larger than the keyframe pass's 64x36 (here
    a 360x640 photograph) gets the same hashes either way, its unit pictures made a few at
    a time (`UNIT_FLOATS`), not 512 full-size pictures at once."""
    from skimage import data

    from workbench.video import fingerprint_matrix

    monkeypatch.setattr(fingerprint_matrix, "WORTH_MAPS", 0)
    grays = np.stack([small(p, (640, 360)) for p in (data.astronaut(), data.coffee())])
    assert np.array_equal(batch_hashes(grays), per_picture(grays))
