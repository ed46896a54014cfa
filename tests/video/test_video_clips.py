"""Slow-motion clips and numbered frame sequences."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from workbench.synth import read_index_strip
from workbench.video import Chain, FrameReader, VideoError, export_clip, export_frames, timecode
from workbench.video.frames import pixel_sha256


def decoded(path: Path) -> tuple[list[np.ndarray], float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        duration = float(stream.duration * stream.time_base)
    return frames, duration


def test_quarter_speed_clip(gop12: Path, tmp_path: Path) -> None:
    reader = FrameReader(gop12)
    result = export_clip(reader, 1.0, 2.0, tmp_path / "slow.mp4", speed=0.25, burn=True)
    assert (result.first_index, result.last_index) == (25, 49)
    assert result.frames_written == 100 and result.duration_s == pytest.approx(4.0)
    frames, duration = decoded(result.path)
    assert duration == pytest.approx(4.0, abs=0.05)  # 4x the 1 s range
    assert len(frames) == 100
    assert frames[0].shape[0] > 120  # the caption bar is added below the picture
    shown = [read_index_strip(f[:120]) for f in frames]
    assert shown == [i for i in range(25, 50) for _ in range(4)]
    with av.open(str(result.path)) as container:
        meta = json.loads(container.metadata["comment"])
    assert meta["source"] == reader.video_sha256 and meta["speed"] == 0.25


def test_real_time_clip_with_a_chain(gop12: Path, tmp_path: Path) -> None:
    chain = Chain.parse("crop:x=0,y=0,w=160,h=120|zoom:2.0")
    result = export_clip(FrameReader(gop12), 0.0, 0.4, tmp_path / "rt.mp4", chain=chain)
    frames, _ = decoded(result.path)
    assert len(frames) == 10 and frames[0].shape == (240, 320, 3)
    assert [read_index_strip(f) for f in frames] == list(range(10))
    assert result.chain == "crop:x=0,y=0,w=160,h=120|zoom:2.0"


def test_speed_must_be_in_range(gop12: Path, tmp_path: Path) -> None:
    for speed in (0.05, 2.0):
        with pytest.raises(VideoError, match="speed"):
            export_clip(FrameReader(gop12), 0.0, 1.0, tmp_path / "x.mp4", speed=speed)


def test_png_sequence(gop12: Path, tmp_path: Path) -> None:
    reader = FrameReader(gop12)
    result = export_frames(reader, 1.0, 2.0, tmp_path / "seq")
    assert len(result.files) == 25  # every frame in [1 s, 2 s)
    assert [p.name for p in result.files][:2] == ["frame_0000025.png", "frame_0000026.png"]
    for path, ref in zip(result.files, result.refs, strict=True):
        pixels = np.asarray(Image.open(path).convert("RGB"))
        assert pixel_sha256(pixels) == ref.pixel_sha256  # PNG is lossless: same pixels
        assert read_index_strip(pixels) == ref.index
    manifest = json.loads(result.manifest.read_text())
    assert len(manifest["frames"]) == 25 and manifest["source"] == reader.video_sha256

    burned = export_frames(reader, 0.0, 0.2, tmp_path / "burned", burn=True)
    assert len(burned.files) == 5
    assert np.asarray(Image.open(burned.files[0])).shape[0] > 120


def test_timecode() -> None:
    assert timecode(0) == "00:00:00.000"
    assert timecode(3725.5) == "01:02:05.500"
