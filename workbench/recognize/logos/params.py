"""The matcher's parameters and its answers: frozen, typed values."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FEATURES = ("sift", "orb", "akaze")


@dataclass(frozen=True)
class MatchParams:
    """How logos are looked for; every field is recorded in each match's `method`.

    The frame is scanned once at `scan_scale` (SIFT, which itself looks at twice that
    resolution). Matches against all references come from one index; clusters of
    consistent matches (Hough votes on position, scale and angle) are verified with a
    RANSAC homography and an appearance check (see geometry.py for the score).

    Small logos are found from both ends: each reference is described at several scales
    (`reference_scales`, the small views also blurred), and the best `max_refine`
    candidates that would be narrower than `refine_width` px and did not pass get a second
    look in a crop of the full-resolution frame enlarged up to `max_upscale` times.

    Candidates that still fail (often two or three keypoint votes: too few for a
    homography) may be confirmed by their words (words.py): the best `word_checks` of
    them are aligned on pixels from their voted pose, and kept when they look like the
    reference (`min_look_words`) and the reference's own words are read at the same
    place (`min_word`); such a match is scored look x word similarity.
    """

    features: str = "sift"  # "sift" (default), "orb" or "akaze" (if this OpenCV has it)
    rootsift: bool = True  # SIFT descriptors compared as RootSIFT (features.root)
    reference_width: int = 320  # px; each reference is resized to this width
    reference_scales: tuple[float, ...] = (1.0, 0.6, 0.35, 0.22)  # views for logos of any size
    reference_blur: float = 1.0  # px; also index blurred copies of the views at scale <= 0.5
    invert: bool = True  # also index colour-inverted references (dark-mode screens)
    scan_scale: float = 0.75  # the frame is scanned at this scale
    max_features: int = 0  # keypoints per scan; 0 means no limit
    ratio: float = 0.8  # Lowe's ratio test, per reference
    knn: int = 6  # neighbours fetched from the shared index
    flann_trees: int = 4
    flann_checks: int = 32
    min_votes: int = 3  # consistent matches needed to look at a candidate
    max_candidates: int = 40  # candidates verified per frame, best voted first
    max_refine: int = 1  # of those, how many may get the multi-scale second look
    ransac_threshold: float = 3.0  # px in the frame
    min_inliers: int = 6  # distinct RANSAC inliers
    refine: bool = True  # the multi-scale pass on candidates
    refine_width: float = 260.0  # px; crops are enlarged so the logo is about this wide
    max_upscale: float = 3.0
    threshold: float = 0.5  # score at or above which a match is reported
    word_checks: int = 4  # failed candidates per frame that may be confirmed by words; 0: off
    min_look_words: float = 0.6  # appearance such a candidate needs after alignment
    min_word: float = 0.8  # similarity of the words read there to the reference's words

    @classmethod
    def fast(cls, **changes: Any) -> MatchParams:
        """About twice as fast, for a first pass over long footage: the frame is scanned at
        half size and more candidates get the second look; small logos are missed more
        often (bench/bench_logos.py measures both presets)."""
        return cls(**{"scan_scale": 0.5, "max_refine": 3, **changes})

    def __post_init__(self) -> None:
        if self.features not in FEATURES:
            from workbench.recognize.logos.errors import LogoMatchError

            raise LogoMatchError(
                f"Unknown feature type {self.features!r}; use one of {', '.join(FEATURES)}."
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LogoMatch:
    """One logo found in a frame: a suggestion until a person confirms it."""

    label: str  # the reference file's stem
    vendor: str | None  # from logos.toml, if the library names one
    score: float  # 0..1, see workbench.recognize.logos.geometry.score
    quad: tuple[tuple[float, float], ...]  # the reference's corners TL, TR, BR, BL in frame px
    bbox: tuple[float, float, float, float]  # [x0, y0, x1, y1] around the quad, frame px
    inliers: int  # distinct RANSAC inliers
    method: str  # engine, version and parameters
    details: dict[str, float] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["quad"] = [list(p) for p in self.quad]
        d["bbox"] = list(self.bbox)
        return d
