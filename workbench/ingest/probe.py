"""Read a video's technical metadata with PyAV (FFmpeg's libraries) and check it is whole.

The probe demuxes every packet of the first video stream to catch files whose index
promises more than the file holds (a truncated download), then decodes the whole stream
once to count its pictures as FFmpeg does (`workbench.video.index_build`): that frame
index is returned with the metadata and stored in the case at ingest.

"Truncated" means data really is missing: frame data that runs past the end of the
file, or fewer packets than the header lists *and* timestamps that stop short of the
duration it declares. A sparse file (a recorder that writes a picture only now and
then: an AVI header that counts 444 slots of a 15 fps clock over 68 pictures) is whole;
its declared and decoded counts are both recorded and its timing is flagged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.case.records import VideoFormat
from workbench.errors import IngestError

if TYPE_CHECKING:
    from workbench.video.index import FrameIndex

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
class VideoInfo(VideoFormat):
    """What the probe reads: the format the case keeps, and how whole the file is."""

    variable_frame_rate: bool
    bit_rate: int | None
    tool: str  # e.g. "PyAV 18.1.0 / FFmpeg 7.1"
    declared_frames: int = 0  # frames (or frame slots) the container's header declares
    packets: int = 0  # non-empty packets of the video stream
    timing: str = "constant"  # constant | variable | sparse | discontinuous
    damaged_frames: tuple[int, ...] = ()  # pictures the decoder marked corrupt
    missing_before: tuple[int, ...] = ()  # frames before which data gave no picture
    index: FrameIndex | None = field(default=None, compare=False, repr=False)
    kind: str = "video"  # video | still | document (a PDF: frame N is page N + 1)
    # EXIF/XMP or PDF document information: kept in the source record, never published
    embedded: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> str:
        d: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        d.pop("index")
        d.pop("embedded")
        return json.dumps(d, sort_keys=True)


def tool_version() -> str:
    import av

    ff = getattr(av, "ffmpeg_version_info", None) or "?"
    return f"PyAV {av.__version__} / FFmpeg {ff}"


def probe(path: Path, display_name: str | None = None, signals: Any = None) -> VideoInfo:
    """Probe `path`; raise IngestError with one clear sentence if it is not a usable video.

    `signals` (a `index_build.SignalMaker`): the decode that builds the frame index also
    hands it every picture, for the keyframe pass's signals (`video.signal_file`)."""
    import av

    name = display_name or Path(path).name
    size = Path(path).stat().st_size
    if size == 0:
        raise IngestError(f"{name} is empty (0 bytes): there is nothing to add.")
    from workbench.video.media_kind import VIDEO, kind_of

    kind = kind_of(Path(path))
    if kind != VIDEO:  # a photo, a screenshot or a PDF: one frame, or one frame a page
        from workbench.ingest.probe_pages import probe_pages

        return VideoInfo(**probe_pages(Path(path), name, kind))
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
            raise IngestError(
                f"{name} is a still image in a format this workbench does not read "
                "(use JPEG, PNG, WebP, HEIC, TIFF or BMP)."
            )
        stream = container.streams.video[0]
        cc = stream.codec_context
        declared = int(stream.frames or 0)
        packets, durations, last_end, read_error = 0, set(), 0, False
        end_ts: int | None = None
        try:
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                packets += 1
                if packet.duration:
                    durations.add(int(packet.duration))
                if packet.pos is not None and packet.pos >= 0:
                    last_end = max(last_end, packet.pos + packet.size)
                ts = packet.pts if packet.pts is not None else packet.dts
                if ts is not None:
                    end = int(ts) + int(packet.duration or 0)
                    end_ts = end if end_ts is None else max(end_ts, end)
        except av.error.FFmpegError:
            read_error = True  # damaged from here on: what was read is decoded below
        if packets == 0:
            raise IngestError(f"{name} has a video stream with no frames in it.")
        if declared and packets < declared and _stops_short(stream, declared, end_ts):
            raise IngestError(
                f"{name} is truncated: its index lists {declared} frames but only "
                f"{packets} are in the file."
            )
        if last_end > size:
            raise IngestError(f"{name} is truncated: frame data runs past the end of the file.")
        rotation = _first_frame_rotation(path, name)
        index = _decoded_index(path, name, signals)
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
            frame_count=len(index),
            duration_s=round(duration, 6) if duration else None,
            width=int(cc.width),
            height=int(cc.height),
            rotation=rotation,
            variable_frame_rate=len(durations) > 1 or index.timing != "constant",
            bit_rate=int(container.bit_rate) if container.bit_rate else None,
            tool=tool_version(),
            declared_frames=declared,
            packets=packets,
            timing=index.timing,
            damaged_frames=index.damaged,
            missing_before=(*index.missing, *([len(index)] if read_error else [])),
            index=index,
        )
    finally:
        container.close()


def _stops_short(stream: Any, declared: int, end_ts: int | None) -> bool:
    """True when the packets' timestamps end well before the duration the header declares
    (data is missing), False when they reach it (a sparse file: slots, not pictures)."""
    if end_ts is None or not stream.time_base:
        return True
    rate = stream.average_rate or stream.guessed_rate
    start = int(stream.start_time or 0)
    if stream.duration:
        expected = int(stream.duration)
    elif rate:
        expected = int(declared / (rate * stream.time_base))
    else:
        return True
    return end_ts - start < 0.9 * expected


def _decoded_index(path: Path, name: str, signals: Any = None) -> FrameIndex:
    from workbench.video.errors import VideoError
    from workbench.video.index_build import decode_index

    try:
        return decode_index(path, signals=signals)
    except VideoError as exc:
        raise IngestError(f"{name} has no decodable video frame ({exc})") from exc


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
