"""LogoMatcher: find library logos in a frame.

One scan of the frame (SIFT, matched against every reference at once through one FLANN
index), pose votes to pick candidates, a RANSAC homography and an appearance check per
candidate, and for candidates that would be small in the frame a second look at an
enlarged crop of the full-resolution frame; candidates that still fail may be confirmed
by their words (words.py). See `MatchParams` for the knobs and `geometry` for the score.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np

from workbench.recognize.logos.errors import LogoMatchError
from workbench.recognize.logos.features import Features, binary, extract
from workbench.recognize.logos.geometry import Verified, align, appearance, judged, quad_ok, verify
from workbench.recognize.logos.index import ReferenceIndex
from workbench.recognize.logos.library import LogoLibrary
from workbench.recognize.logos.params import LogoMatch, MatchParams
from workbench.recognize.logos.votes import Candidate, Putative, consistent, pose_votes, ratio_test
from workbench.recognize.logos.words import Reader, WordCheck, default_reader

RNG_SEED = 20251117
MIN_POSE_LOOK = 0.2  # appearance under a voted pose below which no alignment is tried
_NAMES = {"sift": "SIFT+FLANN(kd-tree)", "orb": "ORB+FLANN(LSH)", "akaze": "AKAZE+FLANN(LSH)"}


class LogoMatcher:
    """Holds a library's index (built once, optionally cached on disk) and matches frames."""

    def __init__(
        self,
        library: LogoLibrary,
        params: MatchParams | None = None,
        cache_dir: Path | str | None = None,
        reader: Reader | None = None,
    ) -> None:
        """`reader`: what reads a logo's words (`params.word_checks`); PP-OCR by default,
        and no word check where no reader is installed (the method string says which)."""
        self.library = library
        self.params = params or MatchParams()
        cache = Path(cache_dir) if cache_dir else None
        self.index = ReferenceIndex.build(library, self.params, cache)
        cv2.setRNGSeed(RNG_SEED)  # FLANN's randomised trees draw from OpenCV's RNG
        _ = self.index.flann  # build the search structure now, not on the first frame
        settings = json.dumps(self.params.to_dict(), sort_keys=True, separators=(",", ":"))
        self.method = f"opencv {cv2.__version__} {_NAMES[self.params.features]} {settings}"
        self.words: WordCheck | None = None
        if self.params.word_checks > 0:
            reader = reader or default_reader()
            if reader is not None:
                self.words = WordCheck(reader, self.index.grays)
            self.method += f"; {self.words.version() if self.words else 'no word reader'}"

    def match(self, image_rgb: np.ndarray) -> list[LogoMatch]:
        """Logos in an RGB (or grey) uint8 frame, best first, at most one per place.
        The same frame gives the same matches, whatever was matched before (OpenCV's
        random generator, used by RANSAC, is per thread and reseeded here)."""
        cv2.setRNGSeed(RNG_SEED)
        gray = _gray(image_rgb)
        p = self.params
        scan = gray
        if p.scan_scale != 1.0:
            size = (round(gray.shape[1] * p.scan_scale), round(gray.shape[0] * p.scan_scale))
            scan = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        frame = _to_frame(extract(scan, p), p.scan_scale, (0, 0))
        idx, dist = self.index.knn(frame.desc, p.knn, p.flann_checks)
        put = ratio_test(idx, dist, self.index, p.ratio, squared=not binary(p.features))
        found: list[Verified] = []
        failed: list[Candidate] = []
        looks = 0
        for cand in pose_votes(frame, put, self.index, p.min_votes, p.max_candidates):
            sel = consistent(frame, put, self.index, cand)
            best = self._verify(gray, frame, put, sel, p.ransac_threshold / p.scan_scale)
            if p.refine and looks < p.max_refine and (best is None or best.score < p.threshold):
                zoom = min(
                    p.max_upscale, p.refine_width / (cand.scale * self.index.sizes[cand.ref, 0])
                )
                if zoom >= 1.25:  # smaller than that, the scan saw it at about this resolution
                    looks += 1
                    again = self._refine(gray, cand, zoom)
                    if again is not None and (best is None or again.score > best.score):
                        best = again
            if best is not None and best.score >= p.threshold:
                found.append(best)
            else:
                failed.append(cand)
        if self.words is not None and p.word_checks > 0:
            weak = [c for c in pose_votes(frame, put, self.index, 2, p.max_candidates)
                    if c.votes < p.min_votes]  # fmt: skip
            found += self._by_words(gray, sorted(failed + weak, key=lambda c: -c.weight), found)
        return [self._record(v) for v in _suppress(found)]

    def match_many(
        self, frames: Iterable[np.ndarray], workers: int = 2
    ) -> Iterator[list[LogoMatch]]:
        """`match` over many frames, `workers` at a time (OpenCV releases the GIL)."""
        if workers <= 1:
            yield from map(self.match, frames)
            return
        with ThreadPoolExecutor(workers) as pool:
            yield from pool.map(self.match, frames)

    def _verify(self, gray: np.ndarray, frame: Features, put: Putative, sel: np.ndarray,
                threshold: float) -> Verified | None:  # fmt: skip
        if not len(sel):
            return None
        t = put.train[sel]
        ref = int(self.index.ref[t[0]])
        v = verify(self.index, ref, self.index.pts[t], frame.pts[put.query[sel]],
                   self.index.polarity[t], threshold, self.params.min_inliers)  # fmt: skip
        return judged(v, gray, self.index.grays[ref]) if v is not None else None

    def _refine(self, gray: np.ndarray, cand: Candidate, zoom: float) -> Verified | None:
        """Look again around a candidate in the full-resolution frame, enlarged `zoom` times."""
        p = self.params
        w, h = (float(v) for v in self.index.sizes[cand.ref])
        corners = _place(_pose(cand, w, h), w, h)
        margin = 0.25 * cand.scale * w + 8  # room for perspective and a wrong centre
        x0, y0 = np.maximum(np.floor(corners.min(0) - margin).astype(int), 0)
        x1, y1 = np.minimum(np.ceil(corners.max(0) + margin).astype(int), gray.shape[1::-1])
        if x1 - x0 < 16 or y1 - y0 < 16:
            return None
        crop = cv2.resize(gray[y0:y1, x0:x1], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC)
        # SIFT doubles its input again; detail finer than that is not in the frame anyway
        local = extract(crop, p, half_detect=zoom >= 1.8)
        idx, dist = self.index.knn_within(local.desc, cand.ref, 4)
        put = ratio_test(idx, dist, self.index, p.ratio, squared=not binary(p.features))
        if len(put.query) < p.min_inliers:
            return None
        frame = _to_frame(local, zoom, (x0, y0))
        return self._verify(gray, frame, put, np.arange(len(put.query)), p.ransac_threshold)

    def _by_words(self, gray: np.ndarray, pool: list[Candidate],
                  found: list[Verified]) -> list[Verified]:  # fmt: skip
        """Candidates confirmed by appearance and their words (words.py), at most
        `word_checks` of them tried, best voted first, none where a match already is."""
        assert self.words is not None
        p, tried = self.params, 0
        out: list[Verified] = []
        for cand in pool:
            if tried >= p.word_checks:
                break
            w, h = (float(v) for v in self.index.sizes[cand.ref])
            h0 = _pose(cand, w, h)
            if any(_iou(_place(h0, w, h), v.quad) >= 0.33 for v in found + out):
                continue
            if not self.words.words(cand.ref):
                continue  # a reference with no readable word cannot be confirmed this way
            tried += 1
            v = self._confirm(gray, cand.ref, h0, cand.votes)
            if v is not None and v.score >= p.threshold:
                out.append(v)
        return out

    def _confirm(self, gray: np.ndarray, ref: int, h0: np.ndarray, votes: int) -> Verified | None:
        assert self.words is not None
        p, ref_gray = self.params, self.index.grays[ref]
        looks = [appearance(gray, h0, ref_gray, inverted) for inverted in (False, True)]
        inverted = looks[1] > looks[0]
        if max(looks) < MIN_POSE_LOOK:
            return None  # nothing like the reference where the votes put it: not worth aligning
        h_mat = align(gray, h0, ref_gray, inverted)
        if h_mat is None:
            return None
        w, h = (float(v) for v in self.index.sizes[ref])
        quad = _place(h_mat, w, h)
        if not quad_ok(quad, (w, h)):
            return None
        look = appearance(gray, h_mat, ref_gray, inverted)
        if look < p.min_look_words:
            return None
        word = self.words.confirm(gray, ref, h_mat)
        if word < p.min_word:
            return None
        # no RANSAC inliers: `matches` holds the pose votes that proposed it
        return Verified(ref, h_mat, quad, 0, votes, 0.0, int(inverted), look, look * word,
                        word)  # fmt: skip

    def _record(self, v: Verified) -> LogoMatch:
        label = self.index.labels[v.ref]
        quad = tuple((round(float(x), 2), round(float(y), 2)) for x, y in v.quad)
        lo, hi = v.quad.min(0), v.quad.max(0)
        bbox = (round(float(lo[0]), 2), round(float(lo[1]), 2),
                round(float(hi[0]), 2), round(float(hi[1]), 2))  # fmt: skip
        details = {"look": round(v.look, 3), "coverage": round(v.coverage, 3),
                   "matches": float(v.matches), "inverted": float(v.polarity)}  # fmt: skip
        if v.word:
            details["word"] = round(v.word, 3)
        return LogoMatch(label, self.library.vendor(label), round(v.score, 4), quad, bbox,
                         v.inliers, self.method, details)  # fmt: skip


def _gray(image: np.ndarray) -> np.ndarray:
    img = np.asarray(image)
    if img.dtype != np.uint8 or img.ndim not in (2, 3) or min(img.shape[:2]) < 16:
        raise LogoMatchError("A frame must be an RGB or grey uint8 image at least 16 px wide.")
    if img.ndim == 2:
        return np.ascontiguousarray(img)
    code = cv2.COLOR_RGBA2GRAY if img.shape[2] == 4 else cv2.COLOR_RGB2GRAY
    return cv2.cvtColor(img, code)


def _to_frame(f: Features, zoom: float, origin: tuple[float, float]) -> Features:
    """Features of an image resized by `zoom` from frame px at `origin`, back in frame px."""
    shift = 0.5 / zoom - 0.5  # cv2.resize aligns pixel centres, not corners
    return f.scaled(zoom, (origin[0] + shift, origin[1] + shift))


def _pose(cand: Candidate, w: float, h: float) -> np.ndarray:
    """The candidate's voted similarity as a homography, reference px -> frame px."""
    a = math.radians(cand.angle)
    rot = cand.scale * np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    shift = np.array(cand.center) - rot @ np.array([w / 2, h / 2])
    return np.array([[*rot[0], shift[0]], [*rot[1], shift[1]], [0.0, 0.0, 1.0]])


def _place(h_mat: np.ndarray, w: float, h: float) -> np.ndarray:
    """A w x h reference's corners (TL, TR, BR, BL) in the frame under `h_mat`."""
    outline = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    return cv2.perspectiveTransform(outline[None], h_mat)[0]


def _suppress(found: list[Verified]) -> list[Verified]:
    """Keep the best match where several overlap (boxes overlapping by over a third)."""
    kept: list[Verified] = []
    for v in sorted(found, key=lambda v: -v.score):
        if all(_iou(v.quad, k.quad) < 0.33 for k in kept):
            kept.append(v)
    return kept


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    (ax0, ay0), (ax1, ay1) = a.min(0), a.max(0)
    (bx0, by0), (bx1, by1) = b.min(0), b.max(0)
    iw, ih = max(0.0, min(ax1, bx1) - max(ax0, bx0)), max(0.0, min(ay1, by1) - max(ay0, by0))
    union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - iw * ih
    return float(iw * ih / union) if union > 0 else 0.0
