"""The word index's scoring: a keyframe whose points agree with a reference in word,
signature and one common turn and scale ranks above keyframes with the same words that
do not (signatures far apart, or turns and scales scattered)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.recognize.find.index import POSTING, Query, Vocabulary, WordIndex


def _vocabulary(words: int = 64) -> Vocabulary:
    rng = np.random.default_rng(3)
    data = np.abs(rng.standard_normal((words * 40, 128))).astype(np.float32)
    return Vocabulary.train(data / np.linalg.norm(data, axis=1, keepdims=True), words)


def test_geometry_and_signatures_decide_the_ranking() -> None:
    vocab = _vocabulary()
    rng = np.random.default_rng(4)
    n = 40
    words = rng.choice(len(vocab.centres), n, replace=False)
    sigs = rng.integers(0, 2**62, n, dtype=np.int64).astype(np.uint64)
    q_scale = rng.integers(20, 40, n)
    q_angle = rng.integers(0, 256, n)
    query = Query(words, q_scale, q_angle, sigs, np.ones(n, np.float32))

    def frame(scale: np.ndarray, angle: np.ndarray, sig: np.ndarray) -> np.ndarray:
        p = np.zeros(n, POSTING)
        p["word"], p["scale"], p["angle"], p["sig"] = words, scale, angle % 256, sig
        return p

    index = WordIndex(vocab)
    # the mark, turned by 40/256 of a turn and a little smaller, its signatures a bit off
    noisy = sigs ^ np.uint64(0b1011)
    index.add(("mark", 0), frame(q_scale - 6, q_angle + 40, noisy))
    # the same words with scattered turns and scales
    index.add(("scattered", 0), frame(rng.integers(0, 60, n), rng.integers(0, 256, n), sigs))
    # the same words and geometry, but other descriptors inside each word's cell
    index.add(("far", 0), frame(q_scale - 6, q_angle + 40, ~sigs))
    for j in range(20):  # unrelated keyframes, so that the words are rare (idf)
        p = np.zeros(n, POSTING)
        p["word"] = rng.integers(0, len(vocab.centres), n)
        p["sig"] = rng.integers(0, 2**62, n, dtype=np.int64).astype(np.uint64)
        index.add(("other", j), p)
    ranked = [(index.keys[i], s) for i, s in index.search(query, 5)]
    assert ranked[0][0] == ("mark", 0)
    scores = dict(ranked)
    assert ("far", 0) not in scores  # no pair passes the Hamming test
    assert scores.get(("scattered", 0), 0.0) < 0.5 * scores[("mark", 0)]


def _keyframe(photo: np.ndarray, mark: np.ndarray, centres: list[tuple[int, int]]):
    """A 1280x720 keyframe made from a real photograph, the mark pasted at `centres`
    (200 px wide, turned and in perspective); its boxes (x0, y0, x1, y1)."""
    import cv2

    from workbench.recognize.synthlogos import Placement, paste_logo

    frame = cv2.resize(photo, (1280, 720), interpolation=cv2.INTER_CUBIC)
    boxes = []
    for n, centre in enumerate(centres):
        p = Placement(width=200, center=centre, rotation=8 - 14 * n, perspective=0.1, seed=n)
        frame, quad = paste_logo(frame, mark, p)
        boxes.append((*quad.min(0), *quad.max(0)))
    return frame, boxes


def test_verification_looks_where_the_votes_came_from() -> None:
    """The consistent votes of a candidate lie on the appearance: the regions made from
    them hold the whole mark (once, or twice where it appears twice) and are a small part
    of a 720p keyframe, and the matcher scanning only them finds the mark where scanning
    the whole keyframe does."""
    import cv2
    from skimage import data

    from workbench.recognize.find.index import IndexParams, describe_points, query
    from workbench.recognize.find.places import regions, voted
    from workbench.recognize.find.scan import ScanningMatcher
    from workbench.recognize.logos import LogoLibrary, LogoReference
    from workbench.recognize.synthlogos import render_logo

    mark = render_logo("Korgan Vision", seed=41, width=300)
    params = IndexParams(features=600, thumb_width=480)
    photos = [data.coffee(), data.astronaut(), data.chelsea(), data.rocket()]
    once, one_box = _keyframe(photos[0], mark, [(850, 430)])
    twice, two_boxes = _keyframe(photos[1], mark, [(300, 220), (1000, 520)])
    plain = [cv2.resize(p, (1280, 720)) for p in photos[2:]]
    frames = [once, twice, *plain]
    points = [
        describe_points(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY), params.features, 480) for f in frames
    ]
    vocab = Vocabulary.train(np.concatenate([p.desc for p in points]), 256)
    index = WordIndex(vocab)
    index.extend([("v", i) for i in range(len(frames))], [vocab.postings(p) for p in points])
    crop = mark  # the reference: the mark as drawn
    q = query(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY), vocab, params)
    found = [pos for pos, _ in index.search(q, 4, params.hamming)]
    assert found[:2] and set(found[:2]) == {0, 1}
    votes = voted(index, q, params.hamming, found)
    size = (crop.shape[1], crop.shape[0])

    def holds(region, box) -> bool:
        return (region[0] <= box[0] and region[1] <= box[1] and region[2] >= box[2]
                and region[3] >= box[3])  # fmt: skip

    r1 = regions(votes[0], size, (1280, 720), 480)
    assert r1 is not None and len(r1) == 1 and holds(r1[0], one_box[0])
    area = (r1[0][2] - r1[0][0]) * (r1[0][3] - r1[0][1])
    assert area < 0.35 * 1280 * 720
    r2 = regions(votes[1], size, (1280, 720), 480)
    assert r2 is not None and 2 <= len(r2) <= 3
    assert all(any(holds(r, b) for r in r2) for b in two_boxes)
    assert regions(None, size, (1280, 720), 480) is None

    lib = LogoLibrary(Path("."), (LogoReference("k", None, Path("k"), crop),), "k")
    scanner = ScanningMatcher(lib)
    whole = scanner.match(once)
    part = scanner.match(once, r1)
    assert whole and part
    assert np.allclose(whole[0].bbox, part[0].bbox, atol=6)
    assert np.allclose(part[0].bbox, one_box[0], atol=12)
    both = scanner.match(twice, r2)
    assert len(both) == 2


def test_regions_from_votes_edges_and_fallbacks() -> None:
    """Votes near a corner give a region clipped to the keyframe; votes saying the mark
    fills most of it, or no votes, give None (scan it whole); a cluster with under a
    quarter of the first's weight gets no region of its own."""
    from workbench.recognize.find.places import EMPTY, MARGIN, SIZE_ERROR, Votes, regions

    def votes(points: list[tuple[float, float, float]], log_scale: float) -> Votes:
        arr = np.array(points, np.float32)
        return Votes(arr[:, :2], arr[:, 2], log_scale)

    # 100x50 reference, keyframe 1280x720 described at 480: 2^0 -> 100 px in the thumbnail,
    # 266.7 px in the keyframe; half-diagonal 149 px
    corner = votes([(0.01, 0.02, 1.0), (0.03, 0.03, 1.0), (0.02, 0.05, 1.0)], 0.0)
    [box] = regions(corner, (100, 50), (1280, 720), 480) or [None]
    assert box is not None and box[0] == 0 and box[1] == 0
    half = SIZE_ERROR * 0.5 * np.hypot(100, 50) * 1280 / 480 + MARGIN
    assert abs(box[2] - (0.02 * 1280 + half)) <= 2 and abs(box[3] - (0.0333 * 720 + half)) <= 2
    huge = votes([(0.5, 0.5, 1.0), (0.52, 0.5, 1.0)], 1.5)  # 2.8x: the whole keyframe
    assert regions(huge, (100, 50), (1280, 720), 480) is None
    assert regions(EMPTY, (100, 50), (1280, 720), 480) is None
    weak = votes([(0.2, 0.3, 1.0), (0.21, 0.3, 1.0), (0.8, 0.7, 0.4)], -1.0)
    assert len(regions(weak, (100, 50), (1280, 720), 480) or []) == 1
    strong = votes([(0.2, 0.3, 1.0), (0.21, 0.3, 1.0), (0.8, 0.7, 0.6)], -1.0)
    two = regions(strong, (100, 50), (1280, 720), 480) or []
    assert len(two) == 2 and two[1][0] < 0.8 * 1280 < two[1][2]
    # words found in every keyframe weigh nothing (idf 0): still a region, no division by 0
    weightless = votes([(0.4, 0.5, 0.0), (0.41, 0.5, 0.0)], 0.0)
    [box] = regions(weightless, (100, 50), (1280, 720), 480) or [None]
    assert box is not None and box[0] < 0.4 * 1280 < box[2]
