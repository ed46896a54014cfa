"""A visual-word index of keyframes, so "find everywhere" verifies candidates, not everything.

The Video Google recipe (Sivic & Zisserman 2003), kept small:
* each keyframe, as a thumbnail `thumb_width` px wide, is described by at most
  `features` SIFT descriptors (RootSIFT), each quantised to the nearest of K visual
  words (k-means centres); a keyframe is stored as the word sets (uint16) of four
  overlapping windows (each 60 % of the frame, so a mark up to a fifth of the frame
  lies whole in one): a small mark weighs more in a window than in the whole frame;
* an inverted file (word -> windows) scores every window against the words of a
  reference in one pass (idf-weighted shared words over the window's norm), and a
  keyframe scores as its best window;
* only the `candidates` best go to exact verification (the logo matcher's RANSAC
  homography on the keyframe itself), so a search costs one lookup over the archive
  plus a fixed number of verifications.

Word sets are computed once per keyframe (at analysis time) and kept in derived/; the
vocabulary is trained once (k-means over a sample of descriptors) and kept with them,
named by its hash. Missing an appearance is possible when a mark is too small in the
thumbnail to give words: the recall the benchmark reports is measured with this filter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

_cv: Any = cv2
VERSION = 2  # 2: 4,096 words (1 had 1,024)


@dataclass(frozen=True)
class IndexParams:
    thumb_width: int = 480  # px: keyframes are described at this width (never enlarged)
    features: int = 600  # SIFT keypoints kept per keyframe (the strongest)
    words: int = 4096  # vocabulary size (1,024 kept 0.30-0.45 of the planted frames, see bench)
    train_sample: int = 60_000  # descriptors the vocabulary is trained on (~2 CPU min)
    candidates: int = 1000  # keyframes verified per search (60-115 s CPU at 100k keyframes)
    neighbours: int = 1  # words each query descriptor votes for (soft assignment, query only)
    view_power: float = 0.0  # a query word weighs (share of the query's views it is in) ** this


def rootsift(desc: np.ndarray) -> np.ndarray:
    """Hellinger-normalised SIFT (Arandjelović & Zisserman 2012): better words for free."""
    if not len(desc):
        return desc.astype(np.float32)
    d = desc.astype(np.float32)
    d /= np.maximum(d.sum(1, keepdims=True), 1e-7)
    return np.sqrt(d)


WINDOWS = ((0.0, 0.0), (0.4, 0.0), (0.0, 0.4), (0.4, 0.4))  # top-left corners, of 1.0
WINDOW = 0.6  # side of a window, as a share of the frame's width and height


def describe(gray: np.ndarray, features: int, thumb_width: int | None = None) -> np.ndarray:
    """RootSIFT descriptors of a grey image (resized down to `thumb_width` first)."""
    return describe_points(gray, features, thumb_width)[1]


def describe_points(
    gray: np.ndarray, features: int, thumb_width: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Keypoint positions (as shares of width and height) and their RootSIFT descriptors."""
    if thumb_width and gray.shape[1] > thumb_width:
        k = thumb_width / gray.shape[1]
        size = (thumb_width, max(16, round(gray.shape[0] * k)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    sift = _cv.SIFT_create(nfeatures=features)
    kps, desc = sift.detectAndCompute(gray, None)
    if desc is None or not kps:
        return np.zeros((0, 2), np.float32), np.zeros((0, 128), np.float32)
    pts = np.array([k.pt for k in kps], np.float32) / np.array(gray.shape[1::-1], np.float32)
    return pts, rootsift(desc)


@dataclass(frozen=True)
class Vocabulary:
    centres: np.ndarray  # (K, 128) float32
    digest: str

    @classmethod
    def train(cls, descriptors: np.ndarray, words: int, seed: int = 7) -> Vocabulary:
        """k-means centres over (a deterministic sample of) `descriptors`."""
        rng = np.random.default_rng(seed)
        data = np.ascontiguousarray(descriptors, np.float32)
        k = int(min(words, max(8, len(data) // 20)))
        _cv.setRNGSeed(seed)
        crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_MAX_ITER, 12, 1e-3)
        order = rng.permutation(len(data))
        _, _, centres = cv2.kmeans(data[order], k, None, crit, 1, cv2.KMEANS_PP_CENTERS)
        centres = np.ascontiguousarray(centres, np.float32)
        digest = hashlib.sha256(centres.tobytes() + f"v{VERSION}".encode()).hexdigest()[:16]
        return cls(centres, digest)

    def quantise(self, desc: np.ndarray, neighbours: int = 1) -> np.ndarray:
        """The sorted set of words (uint16) that `desc` fall in (each in its `neighbours`
        nearest words: the query side uses more than one, so that a descriptor near a
        border between two words still meets the archive's)."""
        if not len(desc):
            return np.zeros(0, np.uint16)
        c = self.centres
        dist = (c * c).sum(1)[None, :] - 2.0 * desc @ c.T
        if neighbours <= 1:
            return np.unique(dist.argmin(1)).astype(np.uint16)
        near = np.argpartition(dist, neighbours - 1, axis=1)[:, :neighbours]
        return np.unique(near).astype(np.uint16)

    def windows(self, pts: np.ndarray, desc: np.ndarray) -> list[np.ndarray]:
        """The word set of each of the WINDOWS over a keyframe."""
        if not len(desc):
            return [np.zeros(0, np.uint16) for _ in WINDOWS]
        c = self.centres
        words = ((c * c).sum(1)[None, :] - 2.0 * desc @ c.T).argmin(1).astype(np.uint16)
        out = []
        for x, y in WINDOWS:
            inside = (
                (pts[:, 0] >= x) & (pts[:, 0] < x + WINDOW) & (pts[:, 1] >= y)
                & (pts[:, 1] < y + WINDOW)
            )  # fmt: skip
            out.append(np.unique(words[inside]))
        return out


@dataclass
class WordIndex:
    """Keyframes as window word sets, searchable through an inverted file."""

    vocabulary: Vocabulary
    keys: list[tuple[str, int]] = field(default_factory=list)  # (video sha256, frame index)
    _sets: list[np.ndarray] = field(default_factory=list)  # one per window
    _owner: list[int] = field(default_factory=list)  # window -> position in keys
    _built: tuple[np.ndarray, ...] | None = None

    def add(self, key: tuple[str, int], windows: Sequence[np.ndarray]) -> None:
        self._owner += [len(self.keys)] * len(windows)
        self.keys.append(key)
        self._sets += list(windows)
        self._built = None

    def extend(
        self, keys: Sequence[tuple[str, int]], windows: Iterable[Sequence[np.ndarray]]
    ) -> None:
        for key, sets in zip(keys, windows, strict=True):
            self.add(key, sets)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def postings(self) -> int:
        return int(sum(len(s) for s in self._sets))

    def nbytes(self) -> int:
        """Memory of the searchable structure (postings, offsets, weights)."""
        return int(sum(a.nbytes for a in self._build()))

    def _build(self) -> tuple[np.ndarray, ...]:
        if self._built is None:
            k = len(self.vocabulary.centres)
            lengths = np.array([len(s) for s in self._sets], np.int64)
            words = np.concatenate(self._sets) if self._sets else np.zeros(0, np.uint16)
            frames = np.repeat(np.arange(len(self._sets), dtype=np.int32), lengths)
            order = np.argsort(words, kind="stable")
            frames = frames[order]
            offsets = np.searchsorted(words[order], np.arange(k + 1)).astype(np.int64)
            df = np.diff(offsets).astype(np.float32)
            idf = np.log((len(self._sets) + 1) / (df + 1)).astype(np.float32)
            norm = np.zeros(len(self._sets), np.float32)
            np.add.at(norm, np.repeat(np.arange(len(self._sets)), lengths), idf[words] ** 2)
            owner = np.array(self._owner, np.int32)
            self._built = (frames, offsets, idf, np.sqrt(norm) + 1e-6, owner)
        return self._built

    def search(
        self, words: np.ndarray, candidates: int, weights: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The `candidates` best keyframes (position in `keys`, score), best first;
        `weights`, one per word in `words` (distinct), scale each query word's vote."""
        frames, offsets, idf, norm, owner = self._build()
        per_window = np.zeros(len(self._sets), np.float32)
        if weights is None:
            words, weights = np.unique(words), np.ones(len(np.unique(words)), np.float32)
        for w, q in zip(words.astype(np.int64), weights, strict=True):
            hits = frames[offsets[w] : offsets[w + 1]]
            per_window[hits] += idf[w] ** 2 * q
        per_window /= norm
        scores = np.zeros(len(self.keys), np.float32)
        np.maximum.at(scores, owner, per_window)
        n = min(candidates, len(scores))
        if n == 0:
            return []
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def query_words(crop_gray: np.ndarray, vocabulary: Vocabulary, params: IndexParams) -> np.ndarray:
    """The words of a reference (see `query`), without their weights."""
    return query(crop_gray, vocabulary, params)[0]


def query(
    crop_gray: np.ndarray, vocabulary: Vocabulary, params: IndexParams
) -> tuple[np.ndarray, np.ndarray]:
    """The words of a reference and their weights, from views of its crop as another
    camera would show it: as drawn, smaller (0.6, 0.35) and turned (-20, +20 degrees).
    Words are not invariant to everything, so the query side carries the views instead
    of the whole archive. A word weighs by the share of views it appears in, to the
    power `params.view_power`: a word that survives scale and turn is the mark's, one seen
    in a single view is mostly quantisation noise."""
    views = []
    h, w = crop_gray.shape[:2]
    for k in (1.0, 0.6, 0.35):
        size = (round(w * k), round(h * k))
        if min(size) < 20:
            break
        view = crop_gray if k == 1 else cv2.resize(crop_gray, size, interpolation=cv2.INTER_AREA)
        for angle in (0.0, -20.0, 20.0):
            turned = view if not angle else _turn(view, angle)
            words = vocabulary.quantise(describe(turned, 4 * params.features), params.neighbours)
            views.append(words)
    if not views:
        return np.zeros(0, np.uint16), np.zeros(0, np.float32)
    counts = np.bincount(np.concatenate(views).astype(np.int64))
    words = np.nonzero(counts)[0]
    weights = (counts[words] / len(views)).astype(np.float32) ** params.view_power
    return words.astype(np.uint16), weights


def _turn(gray: np.ndarray, angle: float) -> np.ndarray:
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * s + w * c), int(h * c + w * s)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(
        gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
