"""A visual-word index of keyframes, so "find everywhere" verifies candidates, not everything.

The Video Google recipe (Sivic & Zisserman 2003) with Hamming embedding and weak
geometric consistency (Jégou, Douze & Schmid 2008), kept small:
* each keyframe, as a thumbnail `thumb_width` px wide, is described by at most
  `features` SIFT descriptors (RootSIFT), each kept as one posting: its visual word
  (nearest of K k-means centres, uint16), its scale and angle quantised to a byte each,
  and a 64-bit signature of where the descriptor lies inside its word's cell (random
  projection, each bit set above that word's median on the training sample);
* an inverted file (word -> postings) meets each descriptor of a reference with the
  postings of its word; a pair counts only when their signatures differ in at most
  `hamming` bits (two descriptors in the same cell but far apart do not);
* a pair votes for its keyframe in two histograms, of scale ratios and of angle
  differences: the appearance of a mark turns and scales all its points alike, so its
  votes pile up in one bin of each, while chance pairs spread; a keyframe scores as the
  smaller of its two peaks (idf-weighted), so a small mark in a busy frame still
  stands out (format 2 scored shared word sets of four windows instead);
* only the `candidates` best go to exact verification (the logo matcher's RANSAC
  homography on the keyframe itself, scanning only the regions around the consistent
  votes: each posting keeps its place in the keyframe, places.py), so a search costs one
  lookup over the archive plus a fixed number of verifications.

Postings are computed once per keyframe (at analysis time) and kept in derived/ with
the format VERSION inside; the vocabulary (centres, projection, medians) is trained once
and kept with them, named by its hash. Missing an appearance is possible when a mark is
too small in the thumbnail to give points: the benchmark's recall is measured with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

_cv: Any = cv2
VERSION = 4  # 4: + position (3: scale, angle, 64-bit signature; 2: window word sets)
BITS = 64
SCALE_STEP = 8  # quantised scale = log2(keypoint size in px) * this
ANGLE_BINS = 16  # histogram bins of angle differences (22.5 degrees each)
SCALE_BINS = 12  # histogram bins of log2 scale ratios (half an octave each, -4..+2)
BUILT = ("frames", "scales", "angles", "sigs", "offsets", "idf", "sizes", "xs", "ys")
POSTING = np.dtype(
    [("word", "<u2"), ("scale", "u1"), ("angle", "u1"), ("x", "u1"), ("y", "u1"), ("sig", "<u8")]
)  # x, y: the point's place in 256ths of the keyframe's width and height


@dataclass(frozen=True)
class IndexParams:
    thumb_width: int = 480  # px: keyframes are described at this width (never enlarged)
    features: int = 600  # SIFT keypoints kept per keyframe (the strongest)
    words: int = 4096  # vocabulary size
    train_sample: int = 60_000  # descriptors the vocabulary is trained on (~2 CPU min)
    candidates: int = 1000  # keyframes verified per search (60-115 s CPU at 100k keyframes)
    hamming: int = 14  # most differing signature bits (of 64) for a pair (bench: 14 > 18 > 24)
    view_scales: tuple[float, ...] = (1.0, 0.7, 0.5, 0.35)  # the reference, as seen smaller


def rootsift(desc: np.ndarray) -> np.ndarray:
    """Hellinger-normalised SIFT (Arandjelović & Zisserman 2012): better words for free."""
    if not len(desc):
        return desc.astype(np.float32)
    d = desc.astype(np.float32)
    d /= np.maximum(d.sum(1, keepdims=True), 1e-7)
    return np.sqrt(d)


@dataclass(frozen=True)
class Points:
    """Keypoints of one image: positions (share of width, height), size (px), angle (deg)."""

    xy: np.ndarray  # (n, 2) float32
    desc: np.ndarray  # (n, 128) float32 RootSIFT
    size: np.ndarray  # (n,) float32
    angle: np.ndarray  # (n,) float32


def describe(gray: np.ndarray, features: int, thumb_width: int | None = None) -> np.ndarray:
    """RootSIFT descriptors of a grey image (resized down to `thumb_width` first)."""
    return describe_points(gray, features, thumb_width).desc


def describe_points(gray: np.ndarray, features: int, thumb_width: int | None = None) -> Points:
    """Keypoints and their RootSIFT descriptors (resized down to `thumb_width` first)."""
    if thumb_width and gray.shape[1] > thumb_width:
        k = thumb_width / gray.shape[1]
        size = (thumb_width, max(16, round(gray.shape[0] * k)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    sift = _cv.SIFT_create(nfeatures=features)
    kps, desc = sift.detectAndCompute(gray, None)
    if desc is None or not kps:
        z = np.zeros(0, np.float32)
        return Points(np.zeros((0, 2), np.float32), np.zeros((0, 128), np.float32), z, z)
    pts = np.array([k.pt for k in kps], np.float32) / np.array(gray.shape[1::-1], np.float32)
    sizes = np.array([k.size for k in kps], np.float32)
    angle = np.array([k.angle for k in kps], np.float32)
    return Points(pts, rootsift(desc), sizes, angle)


def _quant_scale(size: np.ndarray) -> np.ndarray:
    return np.clip(np.round(np.log2(np.maximum(size, 1.0)) * SCALE_STEP), 0, 255).astype(np.uint8)


def _quant_angle(angle: np.ndarray) -> np.ndarray:
    return (np.round(np.asarray(angle) % 360 * 256 / 360).astype(np.int64) % 256).astype(np.uint8)


@dataclass(frozen=True)
class Vocabulary:
    centres: np.ndarray  # (K, 128) float32
    digest: str
    projection: np.ndarray  # (BITS, 128) float32, orthonormal rows
    medians: np.ndarray  # (K, BITS) float32: per word, the median of each projection

    @classmethod
    def train(cls, descriptors: np.ndarray, words: int, seed: int = 7) -> Vocabulary:
        """k-means centres over (a deterministic sample of) `descriptors`, and the
        Hamming-embedding projection with its per-word medians on the same sample."""
        rng = np.random.default_rng(seed)
        data = np.ascontiguousarray(descriptors, np.float32)
        k = int(min(words, max(8, len(data) // 20)))
        _cv.setRNGSeed(seed)
        crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_MAX_ITER, 12, 1e-3)
        order = rng.permutation(len(data))
        _, _, centres = cv2.kmeans(data[order], k, None, crit, 1, cv2.KMEANS_PP_CENTERS)
        centres = np.ascontiguousarray(centres, np.float32)
        q, _ = np.linalg.qr(rng.standard_normal((128, BITS)))
        projection = np.ascontiguousarray(q.T, np.float32)
        projected = data @ projection.T
        nearest = _nearest(centres, data)
        medians = np.tile(np.median(projected, 0), (k, 1)).astype(np.float32)
        order = np.argsort(nearest, kind="stable")
        bounds = np.searchsorted(nearest[order], np.arange(k + 1))
        for w in range(k):
            rows = order[bounds[w] : bounds[w + 1]]
            if len(rows) >= 8:
                medians[w] = np.median(projected[rows], 0)
        blob = centres.tobytes() + projection.tobytes() + medians.tobytes()
        digest = hashlib.sha256(blob + f"v{VERSION}".encode()).hexdigest()[:16]
        return cls(centres, digest, projection, medians)

    def words_of(self, desc: np.ndarray) -> np.ndarray:
        """The nearest word (int64) of each descriptor."""
        return _nearest(self.centres, desc) if len(desc) else np.zeros(0, np.int64)

    def signatures(self, desc: np.ndarray, words: np.ndarray) -> np.ndarray:
        """The 64-bit Hamming-embedding signature (uint64) of each descriptor in its word."""
        if not len(desc):
            return np.zeros(0, np.uint64)
        bits = (desc @ self.projection.T) > self.medians[words]
        return np.packbits(bits, axis=1, bitorder="little").view("<u8")[:, 0].astype(np.uint64)

    def postings(self, points: Points) -> np.ndarray:
        """One keyframe's postings (POSTING records), one per keypoint."""
        out = np.zeros(len(points.desc), POSTING)
        if not len(out):
            return out
        words = self.words_of(points.desc)
        out["word"] = words
        out["scale"] = _quant_scale(points.size)
        out["angle"] = _quant_angle(points.angle)
        place = np.clip(np.floor(points.xy * 256), 0, 255).astype(np.uint8)
        out["x"], out["y"] = place[:, 0], place[:, 1]
        out["sig"] = self.signatures(points.desc, words)
        return out


def _nearest(centres: np.ndarray, desc: np.ndarray) -> np.ndarray:
    out = np.empty(len(desc), np.int64)
    sq = (centres * centres).sum(1)[None, :]
    for i in range(0, len(desc), 4096):  # bounded memory: 4,096 x K distances at a time
        out[i : i + 4096] = (sq - 2.0 * desc[i : i + 4096] @ centres.T).argmin(1)
    return out


@dataclass
class WordIndex:
    """Keyframes as postings, searchable through an inverted file."""

    vocabulary: Vocabulary
    keys: list[tuple[str, int]] = field(default_factory=list)  # (video sha256, frame index)
    _parts: list[np.ndarray] = field(default_factory=list)  # one POSTING array per keyframe
    _built: tuple[np.ndarray, ...] | None = None

    def add(self, key: tuple[str, int], postings: np.ndarray) -> None:
        self.keys.append(key)
        self._parts.append(postings)
        self._built = None

    def extend(self, keys: Sequence[tuple[str, int]], postings: Iterable[np.ndarray]) -> None:
        for key, p in zip(keys, postings, strict=True):
            self.add(key, p)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def postings(self) -> int:
        if self._built is not None:
            return len(self._built[0])
        return int(sum(len(p) for p in self._parts))

    def nbytes(self) -> int:
        """Memory of the searchable structure (postings, offsets, weights)."""
        return int(sum(a.nbytes for a in self._build()))

    def _build(self) -> tuple[np.ndarray, ...]:
        if self._built is None:
            k = len(self.vocabulary.centres)
            lengths = np.array([len(p) for p in self._parts], np.int64)
            flat = np.concatenate(self._parts) if self._parts else np.zeros(0, POSTING)
            self._parts = []  # the sorted copy below replaces them
            order = np.argsort(flat["word"], kind="stable")
            frames = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)[order]
            flat = flat[order]
            offsets = np.searchsorted(flat["word"], np.arange(k + 1)).astype(np.int64)
            df = np.diff(offsets).astype(np.float32)
            idf = np.log((len(lengths) + 1) / (df + 1)).astype(np.float32)
            sizes = np.sqrt(np.maximum(lengths, 1)).astype(np.float32)
            self._built = (
                frames,
                np.ascontiguousarray(flat["scale"]),
                np.ascontiguousarray(flat["angle"]),
                np.ascontiguousarray(flat["sig"]),
                offsets,
                idf,
                sizes,
                np.ascontiguousarray(flat["x"]),
                np.ascontiguousarray(flat["y"]),
            )
        return self._built

    def arrays(self) -> dict[str, np.ndarray]:
        """The searchable structure as named arrays (to keep on disk: `from_arrays`)."""
        return dict(zip(BUILT, self._build(), strict=True))

    @classmethod
    def from_arrays(
        cls, vocabulary: Vocabulary, keys: list[tuple[str, int]], arrays: dict[str, np.ndarray]
    ) -> WordIndex:
        """An index made again from `arrays()` and its keys, without sorting again."""
        index = cls(vocabulary, list(keys))
        index._built = tuple(arrays[name] for name in BUILT)
        return index

    def places(self, rows: np.ndarray) -> np.ndarray:
        """(n, 2) float32: where postings `rows` (`Pairs.posting`) lie in their keyframe, as
        shares of its width and height (the middle of their 256th)."""
        xs, ys = self._build()[7:9]
        return (np.stack([xs[rows], ys[rows]], 1).astype(np.float32) + 0.5) / 256

    def pairs(self, query: Query, hamming: int) -> Iterator[Pairs]:
        """The query's pairs with postings, one word at a time: a pair counts when the two
        signatures differ in at most `hamming` bits."""
        frames, scales, angles, sigs, offsets, idf, *_ = self._build()
        order = np.argsort(query.words, kind="stable")
        qw = query.words[order]
        starts = np.flatnonzero(np.r_[True, qw[1:] != qw[:-1]])
        for s, e in zip(starts, np.r_[starts[1:], len(qw)], strict=True):
            w = int(qw[s])
            lo, hi = offsets[w], offsets[w + 1]
            if hi == lo:
                continue
            rows = order[s:e]
            dist = np.bitwise_count(sigs[lo:hi][None, :] ^ query.sigs[rows][:, None])
            qi, pi = np.nonzero(dist <= hamming)
            if not len(pi):
                continue
            da = (angles[lo:hi][pi].astype(np.int64) - query.angles[rows][qi]) % 256
            ds = scales[lo:hi][pi].astype(np.int64) - query.scales[rows][qi]
            sb = np.clip((ds + 4 * SCALE_STEP) * SCALE_BINS // (6 * SCALE_STEP), 0, SCALE_BINS - 1)
            yield Pairs(
                frames[lo:hi][pi].astype(np.int64),
                idf[w] ** 2 * query.weights[rows][qi],
                da * ANGLE_BINS // 256,
                sb,
                ds,
                lo + pi,
            )

    def search(
        self, query: Query, candidates: int, hamming: int = IndexParams.hamming
    ) -> list[tuple[int, float]]:
        """The `candidates` best keyframes (position in `keys`, score), best first."""
        sizes = self._build()[6]
        n_frames = len(self.keys)
        if n_frames == 0 or not len(query.words):
            return []
        by_angle = np.zeros(n_frames * ANGLE_BINS, np.float32)
        by_scale = np.zeros(n_frames * SCALE_BINS, np.float32)
        for p in self.pairs(query, hamming):
            by_angle += np.bincount(
                p.frame * ANGLE_BINS + p.angle_bin, p.weight, len(by_angle)
            ).astype(np.float32)
            by_scale += np.bincount(
                p.frame * SCALE_BINS + p.scale_bin, p.weight, len(by_scale)
            ).astype(np.float32)
        peak_a = _peak(by_angle.reshape(n_frames, ANGLE_BINS))
        peak_s = _peak(by_scale.reshape(n_frames, SCALE_BINS))
        scores = np.minimum(peak_a, peak_s) / sizes
        n = min(candidates, n_frames)
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


@dataclass(frozen=True)
class Pairs:
    """Pairs of a reference point and a keyframe posting (one word's worth)."""

    frame: np.ndarray  # int64: the keyframe's position in `WordIndex.keys`
    weight: np.ndarray  # idf^2 x the reference point's weight
    angle_bin: np.ndarray  # int64: bin of the angle difference (ANGLE_BINS)
    scale_bin: np.ndarray  # int64: bin of the log scale ratio (SCALE_BINS)
    log_scale: np.ndarray  # int64: log2(posting size / reference size) x SCALE_STEP
    posting: np.ndarray  # int64: the posting's row in the index's sorted arrays


def _paired(hist: np.ndarray) -> np.ndarray:
    """Each bin plus its right neighbour (circular): a true peak on a border counts."""
    return hist + np.roll(hist, -1, axis=1)


def _peak(hist: np.ndarray) -> np.ndarray:
    """Each row's best pair of neighbouring bins (its weight)."""
    return _paired(hist).max(1)


def peak_bin(hist: np.ndarray) -> np.ndarray:
    """Each row's best pair of neighbouring bins (its first bin), as `_peak` scores it."""
    return _paired(hist).argmax(1)


@dataclass(frozen=True)
class Query:
    """A reference's descriptors as postings: word, scale, angle, signature, weight."""

    words: np.ndarray  # int64
    scales: np.ndarray  # int64, quantised, in the crop's own pixels
    angles: np.ndarray  # int64, quantised
    sigs: np.ndarray  # uint64
    weights: np.ndarray  # float32


def query(crop_gray: np.ndarray, vocabulary: Vocabulary, params: IndexParams) -> Query:
    """The reference's descriptors from views of its crop as another camera would show it:
    as drawn and smaller (`params.view_scales`); a mark far from the camera loses the fine
    detail that the crop's descriptors come from. Each view's scales are given back in
    the crop's own pixels, so all views vote for the same scale ratio; a descriptor
    weighs 1 / the number of views, so views do not multiply a keyframe's score."""
    h, w = crop_gray.shape[:2]
    parts: list[tuple[np.ndarray, ...]] = []
    views = 0
    for k in params.view_scales:
        size = (round(w * k), round(h * k))
        if min(size) < 20:
            break
        view = crop_gray if k == 1 else cv2.resize(crop_gray, size, interpolation=cv2.INTER_AREA)
        pts = describe_points(view, 4 * params.features)
        words = vocabulary.words_of(pts.desc)
        parts.append(
            (
                words,
                _quant_scale(pts.size / k).astype(np.int64),
                _quant_angle(pts.angle).astype(np.int64),
                vocabulary.signatures(pts.desc, words),
            )
        )
        views += 1
    if not parts:
        e = np.zeros(0, np.int64)
        return Query(e, e, e, np.zeros(0, np.uint64), np.zeros(0, np.float32))
    cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
    weights = np.full(len(cols[0]), 1.0 / views, np.float32)
    return Query(cols[0], cols[1], cols[2], cols[3], weights)
