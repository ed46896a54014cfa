"""Signals computed during ingest's one decode give the keyframe pass exactly what a
decoding pass gives (shots, keyframes, pixel hashes, thumbnails) on every clip of the
matrix, the shot clips and a damaged clip; a signals file that is missing, stale or
damaged is never used: the pass decodes every picture and writes the file again."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tests.video import matrix, video_footage
from workbench.case.folder import Case
from workbench.errors import WorkbenchError
from workbench.ingest import ingest_file
from workbench.video.index_build import build_index
from workbench.video.keyframe_pass import Thumbs, keyframe_pass
from workbench.video.signal_file import SignalFileError, open_signals, signals_path
from workbench.video.signals import ScanParams

SHOT_CLIPS = {
    "cuts": video_footage.cuts_clip,
    "flashes": video_footage.flash_clip,
    "dissolve": video_footage.dissolve_clip,
}


@pytest.fixture(scope="session")
def ingested(tmp_path_factory: pytest.TempPathFactory, matrix_clip, vdir: Path) -> dict:
    """One case holding every matrix clip, three shot clips and a damaged clip, each
    ingested the ordinary way (which writes its signals)."""
    root = tmp_path_factory.mktemp("signals") / "case"
    case = Case.init(root, "signals")
    folder = vdir / "signal-clips"
    folder.mkdir(exist_ok=True)
    paths = {name: matrix_clip(name) for name in matrix.CLIPS}
    for name, make in SHOT_CLIPS.items():
        paths[name] = make(folder / f"{name}.mp4")
    paths["damaged"] = matrix.damaged(folder)
    media = {}
    for name, path in paths.items():
        result = ingest_file(case, path, "ana")
        media[name] = root / result.media_path
    case.close()
    return media


def both_passes(media: Path, out: Path) -> tuple[tuple, tuple]:
    """(pass on the stored signals, pass decoding every picture): results and pictures."""
    index, params = build_index(media), ScanParams()
    runs = []
    for use in (True, False):
        where = Thumbs(out / str(use), out / str(use) / "tmp", media.stem, "k")
        result, stored = keyframe_pass(media, index, params, where, stored_signals=use)
        jpgs = [(out / str(use) / s.thumbnail_path).read_bytes() for s in stored]
        runs.append(
            (result, [(s.keyframe, s.pixel_sha256, s.thumbnail_path) for s in stored], jpgs)
        )
    return runs[0], runs[1]


@pytest.mark.parametrize("name", [*sorted(matrix.CLIPS), *SHOT_CLIPS, "damaged"])
def test_stored_signals_give_what_decoding_gives(name: str, ingested: dict, tmp_path: Path) -> None:
    media = ingested[name]
    assert open_signals(media, build_index(media), ScanParams()) is not None  # used, not redone
    (fast, fast_kf, fast_jpg), (full, full_kf, full_jpg) = both_passes(media, tmp_path)
    assert fast.shots == full.shots
    assert fast.keyframes == full.keyframes and len(fast.keyframes) >= 1
    assert fast.frame_count == full.frame_count == len(build_index(media))
    assert fast_kf == full_kf  # same pictures: pixel hashes and thumbnail names
    assert fast_jpg == full_jpg  # byte-identical thumbnails


@pytest.fixture
def one(ingested: dict, tmp_path: Path) -> Path:
    """A fresh copy of a case holding only the cuts clip and its signals."""
    src = ingested["cuts"]
    root = tmp_path / "case"
    (root / "media").mkdir(parents=True)
    shutil.copy(src.parent.parent / "case.db", root / "case.db")
    shutil.copy(src, root / "media" / src.name)
    sig = signals_path(src)
    assert sig is not None and sig.is_file()
    (root / "derived" / "signals").mkdir(parents=True)
    shutil.copy(sig, root / "derived" / "signals" / sig.name)
    return root / "media" / src.name


def _rewrite(path: Path, member: str, data: bytes) -> None:
    members = {}
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members[member] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)


def _meta(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("meta.json"))


def _stale_version(path: Path) -> None:
    meta = _meta(path)
    meta["key"]["version"] -= 1
    _rewrite(path, "meta.json", json.dumps(meta).encode())


def _stale_decoder(path: Path) -> None:
    meta = _meta(path)
    meta["key"]["decoder"] = "PyAV 0.0 / FFmpeg 0.0"
    _rewrite(path, "meta.json", json.dumps(meta).encode())


def _fewer_frames(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        numbers = np.load(io.BytesIO(zf.read("numbers.npy")))
    buf = io.BytesIO()
    np.save(buf, numbers[:-1])
    _rewrite(path, "numbers.npy", buf.getvalue())


def _flip_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("gray.u8")
    at = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[at : at + 16] = bytes(255 - b for b in data[at : at + 16])
    path.write_bytes(bytes(data))


def _cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _not_a_zip(path: Path) -> None:
    path.write_bytes(b"these are not the signals you are looking for")


def _other_video(path: Path) -> None:
    _rewrite(path, "sha256.txt", b"0" * 64)


SPOIL = {
    "missing": lambda p: p.unlink(),
    "stale version": _stale_version,
    "stale decoder": _stale_decoder,
    "frame count": _fewer_frames,
    "flipped bytes": _flip_bytes,
    "cut short": _cut_short,
    "not a zip": _not_a_zip,
    "another video's": _other_video,
}


@pytest.mark.parametrize("how", sorted(SPOIL))
def test_bad_signals_file_is_recomputed(how: str, one: Path, tmp_path: Path) -> None:
    sig = signals_path(one)
    assert sig is not None
    index, params = build_index(one), ScanParams()
    good = open_signals(one, index, params)
    assert good is not None
    SPOIL[how](sig)
    assert open_signals(one, index, params) is None  # never trusted
    (fast, fast_kf, fast_jpg), (full, full_kf, full_jpg) = both_passes(one, tmp_path)
    assert (fast.shots, fast.keyframes, fast_kf, fast_jpg) == (
        full.shots,
        full.keyframes,
        full_kf,
        full_jpg,
    )
    again = open_signals(one, index, params)  # the decoding pass wrote it anew
    assert again is not None
    assert np.array_equal(again.numbers, good.numbers, equal_nan=True)
    assert np.array_equal(again.phash, good.phash)
    assert all(np.array_equal(a.gray, b.gray) for a, b in zip(again, good, strict=True))


def test_other_parameters_need_other_signals(one: Path) -> None:
    index = build_index(one)
    assert open_signals(one, index, ScanParams(min_keyframe_gap_s=1.0)) is not None
    assert open_signals(one, index, ScanParams(cut_threshold=25.0)) is None


def test_damaged_while_read_is_reported(one: Path) -> None:
    index = build_index(one)
    signals = open_signals(one, index, ScanParams())
    assert signals is not None
    sig = signals_path(one)
    assert sig is not None
    _cut_short(sig)
    with pytest.raises(SignalFileError):
        list(signals)


def test_refused_ingest_leaves_no_signals(tmp_path: Path) -> None:
    """Every picture's data overwritten: ingest refuses the file, the case is unchanged."""
    data = bytearray(matrix.h264_mp4(tmp_path).read_bytes())
    at = data.find(b"mdat")
    size = int.from_bytes(data[at - 4 : at], "big")
    data[at + 4 : at - 4 + size] = (
        np.random.default_rng(1).integers(0, 256, size - 8).astype(np.uint8).tobytes()
    )
    bad = tmp_path / "garbled.mp4"
    bad.write_bytes(bytes(data))
    case = Case.init(tmp_path / "case", "refused")
    with pytest.raises(WorkbenchError, match=r"garbled\.mp4"):
        ingest_file(case, bad, "ana")
    signals = case.root / "derived" / "signals"
    assert not signals.exists() or not any(signals.iterdir())
    assert not any(case.tmp_dir.iterdir())
    assert not any((case.root / "media").glob("*"))
    case.close()
