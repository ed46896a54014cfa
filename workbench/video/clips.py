"""Slow-motion clips and numbered frame sequences of a time range, with optional
burned-in captions (source frame index, time code, short video hash) in a bar added
below the picture, so no source pixel is covered."""

from __future__ import annotations

import bisect
import hashlib
import json
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from workbench.case.media import sha256_file
from workbench.synth import font
from workbench.video.enhance import Chain
from workbench.video.errors import VideoError
from workbench.video.frames import FrameReader, FrameRef
from workbench.video.index import seconds

MIN_SPEED, MAX_SPEED = Fraction(1, 10), Fraction(1)


@dataclass(frozen=True)
class ClipResult:
    path: Path
    video_sha256: str
    start_s: float
    end_s: float
    first_index: int
    last_index: int
    speed: float
    fps: float
    frames_written: int
    duration_s: float
    sha256: str
    chain: str = ""
    burned: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"path": str(self.path)}


@dataclass(frozen=True)
class FramesResult:
    folder: Path
    files: tuple[Path, ...]
    refs: tuple[FrameRef, ...]
    manifest: Path
    chain: str = ""


def timecode(t: float) -> str:
    """HH:MM:SS.mmm"""
    ms = round(t * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def frame_range(reader: FrameReader, start_s: float, end_s: float) -> tuple[int, int]:
    """First and last index of the frames whose time is in [start_s, end_s)."""
    pts, base = reader.index.pts, reader.index.time_base
    first = bisect.bisect_left(pts, seconds(start_s) / base)
    last = bisect.bisect_left(pts, seconds(end_s) / base) - 1
    if first > last:
        raise VideoError(f"No frame of the video is between {start_s} s and {end_s} s.")
    return first, last


def caption(rgb: np.ndarray, ref: FrameRef, note: str = "") -> np.ndarray:
    """The frame with a bar below it: frame index, time code, short video sha256."""
    h, w = rgb.shape[:2]
    bar = max(14, round(h * 0.09))
    bar += bar % 2
    text = f"#{ref.index}  {timecode(ref.time_s)}  {ref.video_sha256[:8]}" + (
        f"  {note}" if note else ""
    )
    img = Image.new("RGB", (w, h + bar), (0, 0, 0))
    img.paste(Image.fromarray(np.ascontiguousarray(rgb)), (0, 0))
    size = max(6, round(bar * 0.7))
    while size > 6 and font(size).getlength(text) > w - 4:
        size -= 1
    ImageDraw.Draw(img).text((2, h + (bar - size) // 2), text, font=font(size), fill=(255, 255, 0))
    return np.asarray(img)


def export_clip(
    reader: FrameReader,
    start_s: float,
    end_s: float,
    out: Path,
    speed: float = 1.0,
    burn: bool = False,
    chain: Chain | None = None,
    crf: int = 18,
) -> ClipResult:
    """Encode [start_s, end_s) at `speed` (0.1 to 1) as H.264 MP4 at the source frame rate.

    Output frame k shows the source frame on screen at start + k * speed / fps, so at
    0.25x each source frame appears four times (constant frame rate, any player).
    """
    import av

    rate = Fraction(speed).limit_denominator(1000)
    if not MIN_SPEED <= rate <= MAX_SPEED:
        raise VideoError(f"The speed must be between 0.1 and 1, not {speed}.")
    first, last = frame_range(reader, start_s, end_s)
    fps = Fraction(reader.fps).limit_denominator(1001) if reader.fps else Fraction(25)
    start = seconds(start_s)
    end = min(seconds(end_s), seconds(reader.index.end_time()))
    count = max(1, round((end - start) * fps / rate))
    chain = chain or Chain()
    note = f"x{float(rate):g}" if rate != 1 else ""
    out = Path(out)
    written = 0
    with av.open(str(out), "w", options={"movflags": "faststart"}) as container:
        container.metadata["comment"] = json.dumps(
            {"source": reader.video_sha256, "start_s": start_s, "end_s": end_s}
            | {"speed": float(rate), "chain": chain.to_string(), "burned": burn},
            sort_keys=True,
        )
        stream = None
        for k in range(count):
            t = start + k * rate / fps
            index = min(max(reader.index.index_at(t), first), last)
            frame = reader.get(index)
            rgb = chain.apply(frame.rgb)
            if burn:
                rgb = caption(rgb, frame.ref, note)
            rgb = _even(rgb)
            if stream is None:
                stream = container.add_stream("libx264", rate=fps)
                stream.height, stream.width = rgb.shape[:2]
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": str(crf), "preset": "veryfast"}
            av_frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            av_frame.pts = k
            for packet in stream.encode(av_frame):
                container.mux(packet)
            written += 1
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)
    return ClipResult(
        path=out,
        video_sha256=reader.video_sha256,
        start_s=start_s,
        end_s=end_s,
        first_index=first,
        last_index=last,
        speed=float(rate),
        fps=float(fps),
        frames_written=written,
        duration_s=float(written / fps),
        sha256=sha256_file(out),
        chain=chain.to_string(),
        burned=burn,
    )


def export_frames(
    reader: FrameReader,
    start_s: float,
    end_s: float,
    folder: Path,
    burn: bool = False,
    chain: Chain | None = None,
) -> FramesResult:
    """Every frame in [start_s, end_s) as `frame_<index>.png`, plus `frames.json`."""
    first, last = frame_range(reader, start_s, end_s)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    chain = chain or Chain()
    files, refs, entries = [], [], []
    for frame in reader.iter_range(first, last):
        rgb = chain.apply(frame.rgb)
        if burn:
            rgb = caption(rgb, frame.ref)
        path = folder / f"frame_{frame.ref.index:07d}.png"
        Image.fromarray(rgb).save(path, format="PNG")
        files.append(path)
        refs.append(frame.ref)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        entries.append(frame.ref.to_dict() | {"file": path.name, "file_sha256": digest})
    manifest = folder / "frames.json"
    manifest.write_text(
        json.dumps(
            {"source": reader.video_sha256, "start_s": start_s, "end_s": end_s}
            | {"chain": chain.to_dict(), "burned": burn, "frames": entries},
            indent=2,
            sort_keys=True,
        ),
        encoding="utf-8",
    )
    return FramesResult(folder, tuple(files), tuple(refs), manifest, chain.to_string())


def _even(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    if h % 2 or w % 2:
        rgb = np.pad(rgb, ((0, h % 2), (0, w % 2), (0, 0)), mode="edge")
    return np.ascontiguousarray(rgb)
