"""A copy that crops one axis more than the other and stretches the rest to fill the frame
(a common re-publication) is fitted with its aspect ratio; another room is not."""

from __future__ import annotations

import cv2
import numpy as np

from tests.copies_media import room_frames
from workbench.recognize.copies import VERIFY
from workbench.video.frame_transform import agreement, estimate, inverse


def _stretched(rgb: np.ndarray, side: float, top: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    x0, y0 = round(w * side), round(h * top)
    return cv2.resize(rgb[y0 : h - y0, x0 : w - x0], (w, h), interpolation=cv2.INTER_AREA)


def test_a_stretched_crop_is_fitted_with_its_aspect_ratio_and_another_room_is_not() -> None:
    frames = list(room_frames(3, 40))
    original = frames[5]
    copy = _stretched(original, side=0.09, top=0.01)  # 18 % of the width, 2 % of the height
    fit = estimate(original, copy)
    h, w = original.shape[:2]
    sx, sy = w / (w - 2 * round(w * 0.09)), h / (h - 2 * round(h * 0.01))
    assert abs(fit.scale - sx) < 0.03 * sx and abs(fit.scale_y - sy) < 0.03 * sy
    assert abs(fit.aspect - sy / sx) < 0.03
    assert agreement(original, copy, fit) >= VERIFY
    later = _stretched(frames[12], side=0.09, top=0.01)  # the fit holds as the picture moves
    assert agreement(frames[12], later, fit) >= VERIFY
    # a point maps where the crop put it, and back
    x, y = fit.point(160.0, 90.0)
    assert abs(x - (160 - round(w * 0.09)) * sx) < 3 and abs(y - (90 - round(h * 0.01)) * sy) < 3
    back = inverse(fit).point(x, y)
    assert abs(back[0] - 160) < 0.5 and abs(back[1] - 90) < 0.5
    other = list(room_frames(4, 40))[12]  # a look-alike room, same layout
    assert agreement(other, later, estimate(other, later)) < VERIFY
