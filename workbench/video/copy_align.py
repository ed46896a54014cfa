"""Finding one shot's frames inside another video: candidates, then sequence alignment.

`ArchiveIndex` holds a few frames per second of every fingerprinted video (two regions
each) and names the videos, and the stretch of each, where a shot's frames may appear.
`align` then slides the shot's per-frame hashes along that stretch, voting for time
offsets with the frame pairs that agree, and keeps the offset whose aligned frames agree
best; the result is frame-exact where the picture moves (a static picture fits several
offsets equally well, and the one with most votes is kept).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.video.fingerprint import REGIONS, FrameHashes

METHOD = "workbench.video.copy_align/1"
PAIR = 14  # bits of 64: two frames this close agree
ACCEPT = 15.0  # mean bits over the aligned frames for a copy (bench/bench_copies.py)
MIN_FRAMES = 4  # aligned frames needed (fewer only when the shot is shorter)
GAP = 3  # frames of disagreement (a flash, a damaged frame) tolerated inside a run
# region pairs compared: centred crops whose size ratio a crop of up to 20 % can produce
PAIRS = tuple((i, j) for i in range(len(REGIONS)) for j in range(len(REGIONS)) if abs(i - j) <= 2)
ANCHOR_REGIONS = (0, 2)  # the archive keeps the whole picture and its 77 % crop
QUERY_SAMPLES = 32
ANCHOR_EVERY_S = 1.0


@dataclass(frozen=True)
class Alignment:
    """Rows `q_first`..`q_last` of the query are rows `t_first`..`t_last` of the target."""

    offset_s: float  # time in the target = time in the query + offset_s
    q_first: int
    q_last: int
    t_first: int
    t_last: int
    distance: float  # mean Hamming bits over the aligned frames
    frames: int


def distances(q: np.ndarray, t: np.ndarray, pairs: tuple[tuple[int, int], ...] = PAIRS):
    """(n, m) the closest region pair of every query and target frame, in bits."""
    best = np.full((q.shape[0], t.shape[0]), 64, np.uint8)
    for i, j in pairs:
        d = np.bitwise_count(q[:, i, None] ^ t[None, :, j]).astype(np.uint8)
        np.minimum(best, d, out=best)
    return best


def pair_distances(q: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(..., n) the closest region pair of query frame k and target frame k (`t` may carry
    leading axes: several placements of the query at once)."""
    best = np.full(t.shape[:-1], 64, np.uint8)
    for i, j in PAIRS:
        np.minimum(best, np.bitwise_count(q[:, i] ^ t[..., j]).astype(np.uint8), out=best)
    return best


def align(query: FrameHashes, target: FrameHashes, accept: float = ACCEPT) -> Alignment | None:
    """Where the query's frames appear in the target, or None."""
    n, m = len(query), len(target)
    if n == 0 or m == 0:
        return None
    sample = np.arange(0, n, max(1, n // 48))
    d = distances(query.hashes[sample], target.hashes)
    qi, tj = np.nonzero(d <= PAIR)
    if not len(qi):
        return None
    step = _step(target)
    offsets = target.times[tj] - query.times[sample][qi]
    keys, counts = np.unique(np.round(offsets, 3), return_counts=True)
    best = _fit_many(query, target, keys[np.argsort(-counts, kind="stable")[:16]], step)
    if best is None:
        return None
    result = _refine(query, target, best, step)[1]
    if result.distance > accept or result.frames < min(MIN_FRAMES, n):
        return None
    return result


def _step(target: FrameHashes) -> float:
    """The target's usual frame duration (0 for a single frame)."""
    return float(np.median(np.diff(target.times))) if len(target) > 1 else 0.0


def _refine(
    query: FrameHashes, target: FrameHashes, best: tuple[float, Alignment], step: float
) -> tuple[float, Alignment]:
    """Try the offsets a few target frames either side, compared over the same query
    frames (frame-exact where the picture moves; a tie keeps the offset voted for)."""
    if step <= 0:
        return best
    found = best[1]
    rows = np.arange(found.q_first, found.q_last + 1)
    shifts = found.offset_s + np.array([0, -2, -1, 1, 2], np.float64) * step
    times = query.times[rows][None, :] + shifts[:, None]
    pos = _nearest(target.times, times - 1e-6, times)
    means = pair_distances(query.hashes[rows], target.hashes[pos]).mean(axis=1)
    base = float(means[0])
    for offset, mean in zip(shifts[1:], means[1:], strict=True):
        if mean < base - 0.25:
            again = _fit_many(query, target, np.array([offset]), step)
            if again is not None:
                best, base = again, float(mean)
    return best


def _nearest(times: np.ndarray, keys: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Positions (shaped like `want`) of the target times nearest to `want`, searched from
    `keys` (`want` itself, or a hair before it)."""
    last = len(times) - 1
    pos = np.clip(np.searchsorted(times, keys.ravel()).reshape(keys.shape), 0, last)
    before = np.maximum(pos - 1, 0)
    nearer = np.abs(times[before] - want) < np.abs(times[pos] - want)
    return np.where(nearer, before, pos)


def _fit_many(
    query: FrameHashes, target: FrameHashes, offsets: np.ndarray, step: float
) -> tuple[float, Alignment] | None:
    """The best run of agreeing frames when the query is shifted by each of `offsets`
    seconds (all offsets compared in one pass; a tie keeps the earlier offset)."""
    times = query.times[None, :] + np.asarray(offsets, np.float64)[:, None]
    pos = _nearest(target.times, times, times)
    inside = np.abs(target.times[pos] - times) <= max(step or 1.0, 1e-3) * 0.75
    d = pair_distances(query.hashes, target.hashes[pos]).astype(np.float64)
    good = (d <= PAIR) & inside
    best: tuple[float, Alignment] | None = None
    for k in range(len(times)):
        run = _longest_run(good[k]) if inside[k].any() else None
        if run is None:
            continue
        a, b = run
        span = d[k, a : b + 1][inside[k, a : b + 1]]
        score = float((PAIR + 1 - np.minimum(span, PAIR + 1)).sum())
        if best is None or score > best[0]:
            mean = round(float(span.mean()), 3)
            found = Alignment(
                float(offsets[k]), a, b, int(pos[k, a]), int(pos[k, b]), mean, len(span)
            )
            best = (score, found)
    return best


def _longest_run(good: np.ndarray) -> tuple[int, int] | None:
    """First and last position of the longest run of True, gaps of `GAP` tolerated (the
    first of equally long runs)."""
    hits = np.flatnonzero(good)
    if not len(hits):
        return None
    breaks = np.flatnonzero(np.diff(hits) > GAP + 1)
    starts = hits[np.r_[0, breaks + 1]]
    ends = hits[np.r_[breaks, len(hits) - 1]]
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])


class ArchiveIndex:
    """A few frames per second of every video, to find where a shot may appear."""

    def __init__(self, videos: dict[str, FrameHashes], every_s: float = ANCHOR_EVERY_S):
        self.videos = videos
        self.names = list(videos)
        owners, rows, hashes = [], [], []
        for k, name in enumerate(self.names):
            fp = videos[name]
            if not len(fp):
                continue
            slot = np.floor((fp.times - fp.times[0]) / every_s).astype(np.int64)
            picks = np.flatnonzero(np.r_[True, np.diff(slot) != 0])
            owners.append(np.full(len(picks), k, np.int32))
            rows.append(picks.astype(np.int64))
            hashes.append(fp.hashes[picks][:, ANCHOR_REGIONS])
        self.owner = np.concatenate(owners) if owners else np.zeros(0, np.int32)
        self.row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        self.hashes = np.vstack(hashes) if hashes else np.zeros((0, len(ANCHOR_REGIONS)), np.uint64)
        self._cols: list[np.ndarray] | None = None

    def __len__(self) -> int:
        return int(self.owner.shape[0])

    def _columns(self) -> list[np.ndarray]:
        """Each anchor region's hashes as one contiguous array (made once, on first use)."""
        if self._cols is None:
            self._cols = [
                np.ascontiguousarray(self.hashes[:, k]) for k in range(len(ANCHOR_REGIONS))
            ]
        return self._cols

    def candidates(self, query: FrameHashes, exclude: str | None = None) -> dict[str, list[int]]:
        """Video -> target rows of the anchors some frame of the query agrees with."""
        n = len(query)
        if n == 0 or not len(self):
            return {}
        sample = query.hashes[np.linspace(0, n - 1, min(n, QUERY_SAMPLES)).astype(int)]
        pairs = tuple(
            (i, k)
            for i in range(len(REGIONS))
            for k, j in enumerate(ANCHOR_REGIONS)
            if abs(i - j) <= 2
        )
        hits = np.zeros(len(self), np.int32)
        columns = self._columns()
        best = np.empty(len(self), np.uint8)
        for q in sample:  # one query frame at a time: memory stays one row of the archive
            best.fill(64)
            for i, k in pairs:
                np.minimum(best, np.bitwise_count(columns[k] ^ q[i]), out=best)
            hits += best <= PAIR
        out: dict[str, list[int]] = {}
        count: dict[str, int] = {}
        for pick in np.flatnonzero(hits):
            name = self.names[int(self.owner[pick])]
            if name != exclude:
                out.setdefault(name, []).append(int(self.row[pick]))
                count[name] = count.get(name, 0) + int(hits[pick])
        # a copy's anchor agrees with several neighbouring query frames; one chance agreement
        # of 64-bit hashes (about 1 in 200,000 pairs within PAIR bits) is not a candidate
        return {name: rows for name, rows in out.items() if count[name] >= min(2, len(sample))}

    def search(self, query: FrameHashes, exclude: str | None = None) -> dict[str, Alignment]:
        """Video -> where the query appears in it (the best place in each video)."""
        n = len(query)
        span_s = float(query.times[-1] - query.times[0]) if n else 0.0
        out: dict[str, Alignment] = {}
        for name, rows in self.candidates(query, exclude).items():
            target = self.videos[name]
            t0 = float(target.times[min(rows)]) - span_s - 2 * ANCHOR_EVERY_S
            t1 = float(target.times[max(rows)]) + span_s + 2 * ANCHOR_EVERY_S
            lo = int(np.searchsorted(target.times, t0, "left"))
            hi = int(np.searchsorted(target.times, t1, "right"))
            window = FrameHashes(target.indices[lo:hi], target.times[lo:hi], target.hashes[lo:hi])
            found = align(query, window)
            if found is not None:
                out[name] = Alignment(
                    found.offset_s,
                    found.q_first,
                    found.q_last,
                    found.t_first + lo,
                    found.t_last + lo,
                    found.distance,
                    found.frames,
                )
        return out
