"""Read a video's technical metadata with PyAV (FFmpeg's libraries) and check it is whole.

The probe demuxes every packet of the first video stream (cheap: no decoding) to count
frames exactly and to catch files whose index promises more frames than the file holds
(a truncated download), then decodes the first frame to prove the codec is available.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

from workbench.errors import IngestError

# FFmpeg demuxers for single images: a still is not footage
IMAGE_FORMATS = frozenset(
    {
        "image2",
        "png_pipe",
        "jpeg_pipe",
        "webp_pipe",
        "bmp_pipe",
        "tiff_pipe",
        "gif_pipe",
        "svg_pipe",
    }
)


@dataclass(frozen=True)
class VideoInfo:
    container: str
    codec: str
    fps: float | None
    frame_count: int
    duration_s: float | None
    width: int
    height: int
    rotation: int  # degrees counter-clockwise, as FFmpeg's display matrix reports it
    variable_frame_rate: bool
    bit_rate: int | None
    tool: str  # e.g. "PyAV 18.1.0 / FFmpeg 7.1"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def tool_version() -> str:
    import av

    ff = getattr(av, "ffmpeg_version_info", None) or "?"
    return f"PyAV {av.__version__} / FFmpeg {ff}"


def probe(path: Path, display_name: str | None = None) -> VideoInfo:
    """Probe `path`; raise IngestError with one clear sentence if it is not a usable video."""
    import av

    name = display_name or Path(path).name
    size = Path(path).stat().st_size
    if size == 0:
        raise IngestError(f"{name} is empty (0 bytes), so it is not a video.")
    try:
        container = av.open(str(path))
    except av.error.InvalidDataError as exc:
        raise IngestError(
            f"{name} is not a video file FFmpeg can read (invalid or truncated data)."
        ) from exc
    except av.error.FFmpegError as exc:
        raise IngestError(f"{name} could not be opened as a video ({exc}).") from exc
    try:
        if not container.streams.video:
            raise IngestError(f"{name} holds no video stream.")
        if container.format.name in IMAGE_FORMATS or container.format.name.endswith("_pipe"):
            raise IngestError(f"{name} is a still image, not a video.")
        stream = container.streams.video[0]
        cc = stream.codec_context
        declared = int(stream.frames or 0)
        packets, durations, last_end = 0, set(), 0
        try:
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                packets += 1
                if packet.duration:
                    durations.add(int(packet.duration))
                if packet.pos is not None and packet.pos >= 0:
                    last_end = max(last_end, packet.pos + packet.size)
        except av.error.FFmpegError as exc:
            raise IngestError(
                f"{name} is damaged: reading it failed after {packets} frames ({exc})."
            ) from exc
        if packets == 0:
            raise IngestError(f"{name} has a video stream with no frames in it.")
        if declared and packets < declared:
            raise IngestError(
                f"{name} is truncated: its index lists {declared} frames but only "
                f"{packets} are in the file."
            )
        if last_end > size:
            raise IngestError(f"{name} is truncated: frame data runs past the end of the file.")
        rotation = _first_frame_rotation(path, name)
        rate = stream.average_rate or stream.guessed_rate
        fps = float(rate) if rate else None
        duration = None
        if stream.duration and stream.time_base:
            duration = float(stream.duration * stream.time_base)
        elif container.duration:
            duration = container.duration / 1_000_000
        return VideoInfo(
            container=container.format.name,
            codec=cc.name,
            fps=round(fps, 6) if fps else None,
            frame_count=packets,
            duration_s=round(duration, 6) if duration else None,
            width=int(cc.width),
            height=int(cc.height),
            rotation=rotation,
            variable_frame_rate=len(durations) > 1,
            bit_rate=int(container.bit_rate) if container.bit_rate else None,
            tool=tool_version(),
        )
    finally:
        container.close()


def _first_frame_rotation(path: Path, name: str) -> int:
    import av

    try:
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                return round(getattr(frame, "rotation", 0) or 0) % 360
    except av.error.FFmpegError as exc:
        raise IngestError(
            f"{name} cannot be decoded here: its codec is missing or its data is damaged ({exc})."
        ) from exc
    raise IngestError(f"{name} has no decodable video frame.")


def frame_rate_fraction(info: VideoInfo) -> Fraction | None:
    return Fraction(info.fps).limit_denominator(1001) if info.fps else None
