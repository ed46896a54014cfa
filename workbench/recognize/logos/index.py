"""Features of every reference in one search structure, built once and cacheable on disk.

Each reference is resized to `reference_width` and described at several scales (a small
logo in a frame looks like a small reference, not like a blurred large one), the small
views also blurred, and with `invert` every view also in inverted grey, so a logo shown
in dark mode matches too. All views go into one FLANN index: a KD-tree forest for SIFT's
float descriptors, LSH tables for binary ones. The arrays can be cached in an .npz file
named by a hash of the library's contents, OpenCV's version and the parameters.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from workbench.recognize.logos.features import Features, binary, extract
from workbench.recognize.logos.library import LogoLibrary
from workbench.recognize.logos.params import MatchParams

# OpenCV's stubs lack names it has (SIFT_create, flann_Index): reach them untyped
_cv: Any = cv2

GRID = (8, 4)  # cells over a reference, for the coverage of its inliers
VERSION = 1  # of how references are described; part of the cache key
_ARRAYS = ("sizes", "occupied", "ref", "polarity", "pts", "sizes_kp", "angles", "desc")
_REFERENCE_FIELDS = (
    "features", "rootsift", "reference_width", "reference_scales", "reference_blur", "invert",
    "max_features",
)  # fmt: skip


@dataclass
class ReferenceIndex:
    labels: list[str]
    sizes: np.ndarray  # (r, 2) float32: width, height of each reference as described
    occupied: np.ndarray  # (r, GRID[1], GRID[0]) bool: cells where a reference has keypoints
    ref: np.ndarray  # (n,) int32: which reference each descriptor belongs to
    polarity: np.ndarray  # (n,) int8: 0 as drawn, 1 inverted
    pts: np.ndarray  # (n, 2) float32: in the reference's described coordinates
    sizes_kp: np.ndarray  # (n,) float32
    angles: np.ndarray  # (n,) float32
    desc: np.ndarray  # (n, d)
    grays: list[np.ndarray]  # each reference in grey, as described (for the appearance check)
    kind: str
    key: str
    trees: int = 4
    _flann: Any = None  # cv2.flann_Index, built on first use
    _per_ref: dict = field(default_factory=dict)  # reference -> (rows, its own FLANN index)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, library: LogoLibrary, params: MatchParams, cache_dir: Path | None = None):
        """Describe every reference, or load the description cached under `cache_dir`."""
        key = cache_key(library, params)
        path = cache_dir / f"logo-index-{key[:24]}.npz" if cache_dir else None
        if path is not None and path.is_file():
            try:
                cached = cls.load(path, params)
                if cached.key == key:
                    return cached
            except (OSError, ValueError, KeyError):
                pass
            path.unlink(missing_ok=True)  # a stale or torn cache file: rebuild it
        parts: list[tuple[int, int, Features]] = []
        sizes, occupied, grays = [], [], []
        for r, reference in enumerate(library.references):
            gray = cv2.cvtColor(reference.rgb, cv2.COLOR_RGB2GRAY)
            h, w = gray.shape
            k = params.reference_width / w
            size = (params.reference_width, max(8, round(h * k)))
            base = cv2.resize(
                gray, size, interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC
            )
            sizes.append(size)
            grays.append(base)
            mine = []
            for s, view in _views(base, params):
                for pol in (0, 1) if params.invert else (0,):
                    feats = extract(255 - view if pol else view, params)
                    mine.append((r, pol, feats.scaled(s, (0.5 / s - 0.5, 0.5 / s - 0.5))))
            parts += mine
            pts = np.concatenate([f.pts for *_, f in mine])
            occupied.append(cells(pts, size) >= 2)
        index = cls(
            labels=library.labels,
            sizes=np.array(sizes, np.float32),
            occupied=np.array(occupied, bool),
            ref=np.concatenate([np.full(len(f), r, np.int32) for r, _, f in parts]),
            polarity=np.concatenate([np.full(len(f), p, np.int8) for _, p, f in parts]),
            pts=np.concatenate([f.pts for *_, f in parts]),
            sizes_kp=np.concatenate([f.sizes for *_, f in parts]),
            angles=np.concatenate([f.angles for *_, f in parts]),
            desc=np.concatenate([f.desc for *_, f in parts]),
            grays=grays,
            kind=params.features,
            key=key,
            trees=params.flann_trees,
        )
        if path is not None:
            index.save(path)
        return index

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.npz")
        meta = json.dumps({"labels": self.labels, "kind": self.kind, "key": self.key})
        pixels = np.concatenate([g.ravel() for g in self.grays])
        arrays = {k: getattr(self, k) for k in _ARRAYS}
        np.savez(tmp, meta=np.array(meta), gray_pixels=pixels, **arrays)
        tmp.replace(path)  # atomic: a reader sees the old file or the whole new one

    @classmethod
    def load(cls, path: Path, params: MatchParams) -> ReferenceIndex:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            arrays = {k: z[k] for k in _ARRAYS}
            pixels = z["gray_pixels"]
        if meta["kind"] != params.features:
            raise ValueError("the cached index is for another feature type")
        shapes = [(int(h), int(w)) for w, h in arrays["sizes"]]
        ends = np.cumsum([h * w for h, w in shapes])[:-1]
        grays = [p.reshape(s) for p, s in zip(np.split(pixels, ends), shapes, strict=True)]
        return cls(labels=meta["labels"], kind=meta["kind"], key=meta["key"], grays=grays,
                   trees=params.flann_trees, **arrays)  # fmt: skip

    @property
    def flann(self) -> Any:  # cv2.flann_Index
        with self._lock:
            if self._flann is None:
                self._flann = _flann(self.desc, self.kind, self.trees)
        return self._flann

    def knn(self, desc: np.ndarray, k: int, checks: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and distances (squared for SIFT) of the `k` nearest reference descriptors."""
        k = min(k, len(self.desc))
        if len(desc) == 0:
            return np.zeros((0, k), np.int64), np.zeros((0, k), np.float32)
        idx, dist = self.flann.knnSearch(desc, k, params={"checks": checks})
        return idx.astype(np.int64), dist.astype(np.float32)

    def knn_within(self, desc: np.ndarray, ref: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The same among the descriptors of one reference only (the multi-scale pass)."""
        with self._lock:
            if ref not in self._per_ref:
                rows = np.flatnonzero(self.ref == ref)
                self._per_ref[ref] = (rows, _flann(self.desc[rows], self.kind, self.trees))
            rows, flann = self._per_ref[ref]
        k = min(k, len(rows))
        if len(desc) == 0 or k < 2:
            return np.zeros((0, 2), np.int64), np.zeros((0, 2), np.float32)
        idx, dist = flann.knnSearch(desc, k, params={"checks": 64})
        return rows[idx].astype(np.int64), dist.astype(np.float32)


def _flann(desc: np.ndarray, kind: str, trees: int) -> Any:  # cv2.flann_Index
    if binary(kind):
        lsh = {"algorithm": 6, "table_number": 6, "key_size": 12, "multi_probe_level": 1}
        return _cv.flann_Index(desc, lsh)
    return _cv.flann_Index(desc, {"algorithm": 1, "trees": trees})


def _views(base: np.ndarray, params: MatchParams) -> list[tuple[float, np.ndarray]]:
    """The reference at each of `reference_scales`, plus blurred copies of the small ones."""
    out = []
    for s in params.reference_scales:
        view = base if s == 1 else cv2.resize(base, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        out.append((s, view))
        if s <= 0.5 and params.reference_blur > 0:
            out.append((s, cv2.GaussianBlur(view, (0, 0), params.reference_blur)))
    return out


def cells(pts: np.ndarray, size: tuple[float, float]) -> np.ndarray:
    """How many of `pts` fall in each cell of a GRID over a reference of `size`."""
    gx = np.clip((pts[:, 0] / size[0] * GRID[0]).astype(int), 0, GRID[0] - 1)
    gy = np.clip((pts[:, 1] / size[1] * GRID[1]).astype(int), 0, GRID[1] - 1)
    counts = np.zeros((GRID[1], GRID[0]), np.int32)
    np.add.at(counts, (gy, gx), 1)
    return counts


def cache_key(library: LogoLibrary, params: MatchParams) -> str:
    relevant = {k: getattr(params, k) for k in _REFERENCE_FIELDS}
    text = json.dumps(
        [VERSION, library.digest, cv2.__version__, relevant], sort_keys=True, default=list
    )
    return hashlib.sha256(text.encode()).hexdigest()
