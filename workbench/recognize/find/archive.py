"""The case's keyframes as visual words (index.py), kept in derived/find/, re-creatable.

Each analysed video's keyframes are described once (when the references stage runs
after analysis, or at the first search that needs them) into one .npz per video, named
by the vocabulary and the keyframe analysis they come from; the vocabulary is trained
once per case, on the keyframes present then. Every file holds the index format
VERSION: one of another version (an older workbench's) is made again, never read as
this one. A search over many keyframes asks this index for candidates and verifies
only those.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from workbench.case import records
from workbench.case.folder import Case
from workbench.progress import NullProgress, ProgressSink
from workbench.recognize.find.index import (
    BUILT,
    POSTING,
    VERSION,
    IndexParams,
    Points,
    Vocabulary,
    WordIndex,
    describe_points,
)
from workbench.recognize.find.places import EMPTY, Votes, voted
from workbench.video.analysis import load_analysis
from workbench.video.frames import FrameReader

FOLDER = "derived/find"
PARAMS = IndexParams()


def _folder(case: Case) -> Path:
    path = case.path(FOLDER)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _descriptors(case: Case, video: records.Video, frames: list[int]) -> list[Points]:
    out = []
    with FrameReader(case.path(video.media_path), video.sha256) as reader:
        for index in frames:
            gray = cv2.cvtColor(reader.get(index).rgb, cv2.COLOR_RGB2GRAY)
            out.append(describe_points(gray, PARAMS.features, PARAMS.thumb_width))
    return out


def vocabulary(case: Case, progress: ProgressSink | None = None) -> Vocabulary | None:
    """The case's vocabulary: loaded, or trained now on its keyframes (None: no keyframes)."""
    path = _folder(case) / f"vocabulary-v{VERSION}.npz"
    z = _read(path, ("centres", "digest", "projection", "medians"))
    if z is not None:
        return Vocabulary(z["centres"], str(z["digest"]), z["projection"], z["medians"])
    sample: list[np.ndarray] = []
    for video in records.videos(case.conn):
        analysis = load_analysis(case, video.sha256)
        if analysis is not None:
            frames = [k.keyframe.index for k in analysis.keyframes][:200]
            sample += [p.desc for p in _descriptors(case, video, frames)]
        (progress or NullProgress()).update("find: vocabulary", len(sample), None)
    if not sample:
        return None
    data = np.concatenate(sample)
    vocab = Vocabulary.train(data[:: max(1, len(data) // PARAMS.train_sample)], PARAMS.words)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(
        tmp,
        version=np.array(VERSION),
        centres=vocab.centres,
        digest=np.array(vocab.digest),
        projection=vocab.projection,
        medians=vocab.medians,
    )
    tmp.replace(path)
    return vocab


def _read(path: Path, names: tuple[str, ...]) -> dict[str, np.ndarray] | None:
    """The arrays `names` of a file written in this format VERSION; None when it is
    missing, unreadable (cut short, not an .npz) or of another version (format 2 files
    carry none): such a file is made again, never read as this format."""
    try:
        with np.load(path, allow_pickle=False) as z:
            if "version" not in z.files or int(z["version"]) != VERSION:
                return None
            return {name: z[name] for name in names}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
        return None


def video_words(
    case: Case, vocab: Vocabulary, sha: str, progress: ProgressSink | None = None
) -> tuple[list[int], list[np.ndarray]]:
    """The postings of each keyframe of one video: from derived/, or computed now."""
    video = records.require_video(case.conn, sha)
    analysis = load_analysis(case, video.sha256)
    if analysis is None:
        return [], []
    path = _folder(case) / _postings_name(vocab, sha, analysis.params_hash)
    z = _read(path, ("frames", "lengths", "postings"))
    if z is not None and z["postings"].dtype == POSTING:
        ends = np.cumsum(z["lengths"])[:-1]
        return [int(i) for i in z["frames"]], np.split(z["postings"], ends)
    frames = [k.keyframe.index for k in analysis.keyframes]
    per_frame = [vocab.postings(p) for p in _descriptors(case, video, frames)]
    (progress or NullProgress()).update(f"find: index {sha[:12]}", len(frames), len(frames))
    tmp = path.with_suffix(".tmp.npz")
    np.savez(
        tmp,
        version=np.array(VERSION),
        frames=np.array(frames, np.int64),
        lengths=np.array([len(p) for p in per_frame], np.int64),
        postings=np.concatenate(per_frame) if per_frame else np.zeros(0, POSTING),
    )
    tmp.replace(path)
    return frames, per_frame


def _postings_name(vocab: Vocabulary, sha: str, params_hash: str) -> str:
    return f"postings-{vocab.digest}-{sha[:16]}-{params_hash[:12]}.npz"


def word_index(
    case: Case, vocab: Vocabulary, shas: list[str], progress: ProgressSink | None = None
) -> WordIndex:
    """The searchable index of these videos' keyframes: kept in derived/ (named by the
    postings files it is made of, so adding or analysing a video again makes a new one;
    the one before is removed), made from the postings files when missing or unreadable.
    Sorting 100,000 keyframes' postings takes ~15 s; loading them sorted ~1 s."""
    names = []
    for sha in shas:
        analysis = load_analysis(case, sha)
        if analysis is not None:
            names.append(_postings_name(vocab, sha, analysis.params_hash))
    digest = hashlib.sha256("\n".join([vocab.digest, *sorted(names)]).encode()).hexdigest()
    path = _folder(case) / f"inverted-{digest[:16]}.npz"
    z = _read(path, (*BUILT, "videos", "video", "frame"))
    if z is not None:
        videos = [str(v) for v in z["videos"]]
        keys = [(videos[v], int(f)) for v, f in zip(z["video"], z["frame"], strict=True)]
        return WordIndex.from_arrays(vocab, keys, z)
    index = WordIndex(vocab)
    for sha in shas:
        frames, sets = video_words(case, vocab, sha, progress)
        index.extend([(sha, f) for f in frames], sets)
    arrays = index.arrays()
    order = {sha: n for n, sha in enumerate(shas)}
    tmp = path.with_suffix(".tmp.npz")
    payload: dict[str, Any] = {
        "version": np.array(VERSION),
        "videos": np.array(shas, dtype=str),
        "video": np.array([order[v] for v, _ in index.keys], np.int32),
        "frame": np.array([f for _, f in index.keys], np.int64),
        **arrays,
    }
    np.savez(tmp, **payload)
    tmp.replace(path)
    for old in _folder(case).glob("inverted-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)
    return index


def candidates(
    case: Case,
    crop_rgb: np.ndarray,
    shas: list[str],
    progress: ProgressSink | None = None,
    count: int = PARAMS.candidates,
) -> dict[tuple[str, int], Votes] | None:
    """The keyframes (video, frame) worth verifying for a reference, each with the votes
    that chose it (where to look: places.regions), or None: no index, or
    a reference the index cannot describe (too small or too plain to give a point at any
    of its views, such as a box of 16-19 px): then every keyframe is verified, slower but
    nothing is ruled out unseen."""
    from workbench.recognize.find.index import query

    vocab = vocabulary(case, progress)
    if vocab is None:
        return None
    index = word_index(case, vocab, shas, progress)
    q = query(cv2.cvtColor(crop_rgb, cv2.COLOR_RGB2GRAY), vocab, PARAMS)
    if not len(q.words):
        return None
    found = [pos for pos, _ in index.search(q, count, PARAMS.hamming)]
    votes = voted(index, q, PARAMS.hamming, found)
    return {index.keys[pos]: votes.get(pos, EMPTY) for pos in found}
