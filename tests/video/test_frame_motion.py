"""Motion agreement: a copy's pictures change the way the original's do (rescaled,
cropped, letterboxed, a logo and a moving ticker added); a look-alike room whose single
frames fit does not, and a still picture is no evidence either way."""

from __future__ import annotations

import numpy as np

from tests.copies_media import Copy, room_frames, transform
from workbench.recognize.copies import MOTION
from workbench.video.frame_transform import estimate, motion_agreement

COPY = Copy(
    crop=(0.05, 0.02, 0.08, 0.06), size=(256, 144), canvas=(256, 192), logo=True, ticker=True
)


def test_a_copy_moves_like_the_original_and_a_look_alike_room_does_not() -> None:
    room = list(room_frames(1, 30))
    copy = [transform(f, COPY, n) for n, f in enumerate(room)]
    fit = estimate(room[12], copy[12])
    assert motion_agreement((room[3], room[24]), (copy[3], copy[24]), fit) > 0.7
    assert motion_agreement((room[3], room[24]), (copy[24], copy[3]), fit) < -0.7  # backwards
    other = list(room_frames(4, 30))  # same layout, every monitor moves at another speed
    alike = estimate(room[12], other[12])
    assert motion_agreement((room[3], room[24]), (other[3], other[24]), alike) < MOTION


def test_a_still_picture_is_no_evidence() -> None:
    frame = next(room_frames(1, 30))
    noisy = np.clip(
        frame.astype(int) + np.random.default_rng(0).integers(-1, 2, frame.shape), 0, 255
    )
    fit = estimate(frame, frame)
    assert motion_agreement((frame, frame), (frame, noisy.astype(np.uint8)), fit) is None
