"""The one-decode keyframe pass (frame-threaded decoding, keyframe pictures kept as the
scan meets them) gives exactly what a plain full decode gives: the same shots, the same
keyframes, the same pixel hashes and thumbnails as one-thread decoding of every frame
followed by `FrameReader` decoding each keyframe again — on every clip of the matrix and
on the shot clips (cuts, fade, dissolve, pan, flashes, damage)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.video import matrix, video_footage
from workbench.progress import NullProgress
from workbench.video.decoder import Decoder
from workbench.video.frames import pixel_sha256
from workbench.video.index_build import build_index
from workbench.video.keyframe_pass import Thumbs, keyframe_pass
from workbench.video.keyframes import Analyzer
from workbench.video.scan import scan_signals
from workbench.video.signals import ScanParams
from workbench.video.thumbs import frame_rgb, keyframe_thumbnails

SHOT_CLIPS = {
    "cuts": video_footage.cuts_clip,
    "fade": video_footage.fade_clip,
    "dissolve": video_footage.dissolve_clip,
    "pan": video_footage.pan_clip,
    "flashes": video_footage.flash_clip,
    "panel": video_footage.panel_clip,
}


def reference(path: Path, root: Path, threads: int = 1) -> tuple:
    """Every frame decoded (on one thread), then each keyframe decoded again by FrameReader."""
    params = ScanParams()
    analyzer = Analyzer(params)
    for sig in scan_signals(path, build_index(path), params, threads=threads):
        analyzer.push(sig)
    result = analyzer.finish()
    stored = keyframe_thumbnails(root, root / "tmp", path, "ref", "k", result, NullProgress())
    return result, stored


def same_as_full_decode(
    path: Path, tmp: Path, hold: bool = True, threads: int = 1, from_start: bool = False
) -> None:
    ref, ref_stored = reference(path, tmp / "ref", threads)
    fast, stored = keyframe_pass(
        path,
        build_index(path),
        ScanParams(),
        Thumbs(tmp / "fast", tmp / "fast" / "tmp", "ref", "k"),
        threads=0,
        hold=hold,
    )
    assert fast.shots == ref.shots
    assert fast.keyframes == ref.keyframes
    assert fast.frame_count == ref.frame_count == len(build_index(path))
    assert [s.keyframe for s in stored] == [s.keyframe for s in ref_stored]
    if not from_start:
        assert [s.pixel_sha256 for s in stored] == [s.pixel_sha256 for s in ref_stored]
    else:  # each picture as decoding the file from its start gives it (frame N's definition)
        index = build_index(path)
        decoder = Decoder(path, index, threads=threads)
        wanted = {s.keyframe.index for s in stored}
        hashes = {
            pos: pixel_sha256(frame_rgb(f, index.rotation))
            for pos, f in decoder.frames(0, len(index) - 1, from_start=True)
            if pos in wanted
        }
        decoder.close()
        assert [s.pixel_sha256 for s in stored] == [hashes[s.keyframe.index] for s in stored]
        return
    for a, b in zip(stored, ref_stored, strict=True):
        assert a.thumbnail_path == b.thumbnail_path
        fast_jpg = (tmp / "fast" / a.thumbnail_path).read_bytes()
        assert fast_jpg == (tmp / "ref" / b.thumbnail_path).read_bytes()


@pytest.mark.parametrize("name", sorted(matrix.CLIPS))
def test_matrix_clip_same_as_full_decode(name: str, matrix_clip, tmp_path: Path) -> None:
    same_as_full_decode(matrix_clip(name), tmp_path)


@pytest.mark.parametrize("name", sorted(SHOT_CLIPS))
def test_shot_clip_same_as_full_decode(name: str, vdir: Path, tmp_path: Path) -> None:
    folder = vdir / "pass"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.mp4"
    if not path.exists():
        SHOT_CLIPS[name](path)
    ref, _ = reference(path, tmp_path / "probe")
    assert len(ref.keyframes) >= 2  # something to compare
    same_as_full_decode(path, tmp_path)


def test_damaged_clip_same_as_full_decode(vdir: Path, tmp_path: Path) -> None:
    """Damaged pictures are concealed differently by frame threads and by one thread (as
    in FFmpeg itself), and after a seek than from the file's start: the reference decodes
    with the pass's threading, and its pictures are those decoded from the start."""
    folder = vdir / "pass-damaged"
    folder.mkdir(exist_ok=True)
    same_as_full_decode(matrix.damaged(folder), tmp_path, threads=0, from_start=True)


def test_keyframes_decoded_again_when_not_held(vdir: Path, tmp_path: Path) -> None:
    folder = vdir / "pass-again"
    folder.mkdir(exist_ok=True)
    same_as_full_decode(video_footage.cuts_clip(folder / "cuts.mp4"), tmp_path, hold=False)
