"""Fuse the readings of one screen from several frames of a shot into one reading per line.

The frames show the same picture (checked by the caller), so a line stays at the same
place give or take a few pixels: hits are grouped by overlap across frames, and each group
votes its text. A vote is worth the reading's confidence, more when its words are in the
lexicon; readings that agree (fuzzy ratio >= 85 after normalising) pool their votes. The
group's line is the best-scored reading of the winning text, and every raw reading of every
frame stays in `readings` ("engine@frame"), so the provenance keeps what each frame said.
"""

from __future__ import annotations

from dataclasses import replace

from rapidfuzz import fuzz

from workbench.recognize.records import BBox, TextHit, iou

METHOD = "workbench.ocr-fuse/1"  # in the text stage's run key: bump when the vote changes
AGREE = 85.0  # two readings of a line count as the same text
LONE_SCORE = 0.9  # a line read on one frame only, not the keyframe, needs this confidence


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _same_place(a: BBox, b: BBox) -> bool:
    """Same line: boxes overlap well, or share a row and most of their width."""
    if iou(a, b) > 0.35:
        return True
    h = max(1, min(a[3] - a[1], b[3] - b[1]))
    cy_a, cy_b = (a[1] + a[3]) / 2, (b[1] + b[3]) / 2
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    return abs(cy_a - cy_b) < 0.5 * h and ix > 0.6 * min(a[2] - a[0], b[2] - b[0])


def _weight(hit: TextHit) -> float:
    from workbench.recognize.ocr.routed import lexicon, lexicon_share

    return max(0.05, hit.score) * (1.0 + lexicon_share(hit.text, lexicon()))


def _raw(hit: TextHit, frame: int) -> tuple[tuple[str, str, float], ...]:
    own = hit.readings or ((hit.engine, hit.text, hit.score),)
    return tuple((f"{e}@{frame}", t, s) for e, t, s in own)


def fuse_readings(per_frame: list[tuple[int, list[TextHit]]], key: int) -> list[TextHit]:
    """One hit per line from the hits of several frames ((frame index, hits) pairs);
    `key` is the keyframe's index, whose lines are kept even when read on it alone."""
    groups: list[list[tuple[int, TextHit]]] = []
    ordered = sorted(per_frame, key=lambda fh: fh[0] != key)  # the keyframe's lines first
    for frame, hits in ordered:
        for hit in hits:
            home = next(
                (g for g in groups if all(f != frame for f, _ in g) and _places(g, hit)), None
            )
            if home is None:
                groups.append([(frame, hit)])
            else:
                home.append((frame, hit))
    return [line for g in groups if (line := _vote(g, key)) is not None]


def _places(group: list[tuple[int, TextHit]], hit: TextHit) -> bool:
    return any(_same_place(h.bbox, hit.bbox) for _, h in group)


def _vote(group: list[tuple[int, TextHit]], key: int) -> TextHit | None:
    if len(group) == 1:
        frame, hit = group[0]
        if frame != key and hit.score < LONE_SCORE:
            return None  # noise seen once on one of the extra frames
    texts: list[tuple[str, float, TextHit]] = []  # (normalised text, votes, best hit)
    for _, hit in group:
        n, w = _norm(hit.text), _weight(hit)
        for i, (t, votes, best) in enumerate(texts):
            if fuzz.ratio(n, t) >= AGREE:
                texts[i] = (t, votes + w, best if best.score >= hit.score else hit)
                break
        else:
            texts.append((n, w, hit))
    _, _, winner = max(texts, key=lambda t: t[1])
    readings = tuple(r for frame, hit in group for r in _raw(hit, frame))
    return replace(winner, readings=readings)
