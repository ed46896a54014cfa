"""Local features (SIFT by default; ORB, or AKAZE where this OpenCV has it) as plain arrays."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from workbench.recognize.logos.errors import LogoMatchError
from workbench.recognize.logos.params import MatchParams

# OpenCV's stubs lack names it has (SIFT_create, flann_Index): reach them untyped
_cv: Any = cv2


@dataclass(frozen=True)
class Features:
    pts: np.ndarray  # (n, 2) float32, px
    sizes: np.ndarray  # (n,) float32, keypoint diameter in px
    angles: np.ndarray  # (n,) float32, degrees, OpenCV's convention
    desc: np.ndarray  # (n, d) float32 (SIFT) or uint8 (binary)

    def __len__(self) -> int:
        return len(self.pts)

    def scaled(self, factor: float, offset: tuple[float, float] = (0.0, 0.0)) -> Features:
        """The same features with coordinates divided by `factor`, then shifted by `offset`."""
        pts = self.pts / factor + np.array(offset, np.float32)
        return Features(pts.astype(np.float32), self.sizes / factor, self.angles, self.desc)


def binary(kind: str) -> bool:
    return kind != "sift"


_local = threading.local()


def detector(kind: str, max_features: int) -> cv2.Feature2D:
    """One detector per thread and setting (OpenCV objects are not shared across threads)."""
    cache = _local.__dict__.setdefault("detectors", {})
    if (kind, max_features) not in cache:
        cache[(kind, max_features)] = _create(kind, max_features)
    return cache[(kind, max_features)]


def _create(kind: str, max_features: int) -> cv2.Feature2D:
    if kind == "sift":
        return _cv.SIFT_create(nfeatures=max_features)
    if kind == "orb":
        return _cv.ORB_create(nfeatures=max_features or 5000, edgeThreshold=15, patchSize=15)
    if kind == "akaze" and hasattr(cv2, "AKAZE_create"):
        return cv2.AKAZE_create()
    raise LogoMatchError(
        f"OpenCV {cv2.__version__} has no {kind.upper()} detector (OpenCV 5 moved AKAZE to "
        "opencv-contrib); use 'sift' or 'orb'."
    )


def _arrays(kps: Sequence[Any], desc: np.ndarray | None, kind: str) -> Features:
    if desc is None or not len(kps):
        dim, dtype = (128, np.float32) if kind == "sift" else (32, np.uint8)
        empty = np.zeros(0, np.float32)
        return Features(np.zeros((0, 2), np.float32), empty, empty, np.zeros((0, dim), dtype))
    pts = np.array([k.pt for k in kps], np.float32)
    sizes = np.array([k.size for k in kps], np.float32)
    angles = np.array([k.angle for k in kps], np.float32)
    return Features(pts, sizes, angles, np.ascontiguousarray(desc))


def root(feats: Features) -> Features:
    """RootSIFT (Arandjelović and Zisserman, 2012): each SIFT descriptor L1-normalised,
    then its square root, so that Euclidean distance compares them as the Hellinger
    kernel does; fewer matches dominated by a few large bins (glare, strong edges)."""
    desc = feats.desc.astype(np.float32)
    desc /= np.maximum(desc.sum(axis=1, keepdims=True), 1e-7)
    return Features(feats.pts, feats.sizes, feats.angles, np.sqrt(desc))


def extract(gray: np.ndarray, params: MatchParams, half_detect: bool = False) -> Features:
    """Keypoints and descriptors of a grey uint8 image (RootSIFT for SIFT when
    `params.rootsift`); see `_extract`."""
    feats = _extract(gray, params, half_detect)
    return root(feats) if params.features == "sift" and params.rootsift else feats


def _extract(gray: np.ndarray, params: MatchParams, half_detect: bool = False) -> Features:
    """Keypoints and descriptors of a grey uint8 image.

    With `half_detect` (SIFT only; the multi-scale pass uses it on crops it has enlarged
    twice or more), keypoints are detected on a half-size copy and described on `gray`
    itself. SIFT doubles its input before detecting, so on an enlarged image this finds
    about the same keypoints in about a third of the time.
    """
    kind = params.features
    det = detector(kind, params.max_features)
    if not (half_detect and kind == "sift" and min(gray.shape[:2]) >= 64):
        kps, desc = det.detectAndCompute(gray, None)
        return _arrays(kps, desc, kind)
    small = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
    kps = det.detect(small, None)
    if not kps:
        return _arrays((), None, kind)
    full = []
    for k in kps:
        octave = k.octave & 255
        octave = octave - 256 if octave >= 128 else octave
        packed = (k.octave & ~255) | ((octave + 1) & 255)  # one octave up at twice the size
        full.append(
            cv2.KeyPoint(
                k.pt[0] * 2 + 0.5, k.pt[1] * 2 + 0.5, k.size * 2, k.angle, k.response, packed
            )
        )
    kps, desc = det.compute(gray, full)
    return _arrays(kps, desc, kind)
