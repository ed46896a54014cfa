"""Real photographs with text that ship in packages, with ground truth written by a person
looking at them (the words a reader sees at a glance; approximate text heights).

Nothing is copied into this repository: the images load from the installed packages at
run time. `scikit-image` (a test dependency) ships `page.png`; Debian's `opencv-doc`
(`apt-get install opencv-doc`, BSD/Apache licensed samples) ships street photographs of
signs and a shop front. Photographs whose package is missing are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

OPENCV_TEXT = Path("/usr/share/doc/opencv-doc/examples/text")


@dataclass(frozen=True)
class RealLine:
    text: str
    height: float  # approximate cap-to-baseline-plus height in the image's pixels
    script: str = "latin"


@dataclass(frozen=True)
class RealPhoto:
    name: str
    source: str  # the package it comes from
    lines: tuple[RealLine, ...]

    def load(self) -> np.ndarray | None:
        """The photograph as RGB uint8, or None where its package is not installed."""
        if self.source == "scikit-image":
            try:
                from skimage import data
            except ImportError:
                return None
            gray = getattr(data, self.name)()
            return np.dstack([gray] * 3) if gray.ndim == 2 else gray[..., :3]
        path = OPENCV_TEXT / f"{self.name}.jpg"
        if not path.is_file():
            return None
        from PIL import Image

        return np.asarray(Image.open(path).convert("RGB"))


def _lines(*items: tuple[str, float]) -> tuple[RealLine, ...]:
    return tuple(RealLine(text, h) for text, h in items)


PHOTOS = (
    RealPhoto(
        "page",
        "scikit-image",
        _lines(
            ("Region-based segmentation", 16),
            ("Let us first determine markers of the coins and the", 12),
            ("background. These markers are pixels that we can label", 12),
            ("unambiguously as either object or background. Here,", 12),
            ("the markers are found at the two extreme parts of the", 12),
            ("histogram of grey values:", 12),
            (">>> markers = np.zeros_like(coins)", 11),
        ),
    ),
    RealPhoto(
        "scenetext01",
        "opencv-doc",
        _lines(
            ("NOTICE", 30),
            ("DOUBLE", 28),
            ("PARKING", 28),
            ("PROHIBITED", 24),
            ("AT ALL TIMES", 24),
            ("The Washington Post", 11),
        ),
    ),
    RealPhoto(
        "scenetext02",
        "opencv-doc",
        _lines(
            ("Sports Centre", 40),
            ("Wivenhoe Park", 40),
            ("Conference Centre", 40),
            ("Car Parks", 40),
        ),
    ),
    RealPhoto("scenetext03", "opencv-doc", _lines(("the", 20), ("copy centre", 45))),
    RealPhoto("scenetext04", "opencv-doc", _lines(("GM 125", 30), ("Gmmco", 18))),
    RealPhoto("scenetext05", "opencv-doc", _lines(("NO PARKING", 38), ("NO PARKING", 26))),
    RealPhoto(
        "scenetext06",
        "opencv-doc",
        _lines(
            ("priory galleries at the ship", 16),
            ("priory galleries", 12),
            ("at the ship", 7),
        ),
    ),
)


def installed_photos() -> list[tuple[RealPhoto, np.ndarray]]:
    out = []
    for photo in PHOTOS:
        rgb = photo.load()
        if rgb is not None:
            out.append((photo, rgb))
    return out
