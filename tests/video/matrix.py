"""The container/codec/timing matrix: small clips whose every picture shows its own
number (digits and a binary strip), written with FFmpeg, and FFmpeg's own account of
them (every picture its decoder outputs, as `select=eq(n\\,N)` numbers them)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np

from workbench.synth import numbered_frames, read_index_strip

W, H = 160, 120


@cache
def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@cache
def encoders() -> frozenset[str]:
    out = subprocess.run([ffmpeg(), "-hide_banner", "-encoders"], capture_output=True, text=True)
    names = [line.split()[1] for line in out.stdout.splitlines() if line.startswith(" V")]
    return frozenset(names)


def encode(
    out: Path,
    args: list[str],
    count: int = 48,
    rate: str = "25",
    frames: Iterable[np.ndarray] | None = None,
    first: int = 0,
) -> Path:
    """Numbered frames `first`..`first + count - 1` piped into FFmpeg with `args`."""
    cmd = [ffmpeg(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24"]
    cmd += ["-s", f"{W}x{H}", "-r", rate, "-i", "-", *args, str(out)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    source = frames if frames is not None else _numbered(first, count)
    for rgb in source:
        proc.stdin.write(np.ascontiguousarray(rgb).tobytes())
    proc.stdin.close()
    err = proc.stderr.read() if proc.stderr else b""
    if proc.wait() != 0:
        raise RuntimeError(f"ffmpeg failed for {out.name}: {err.decode(errors='replace')}")
    return out


def _numbered(first: int, count: int) -> Iterable[np.ndarray]:
    for k, rgb in enumerate(numbered_frames(first + count, W, H)):
        if k >= first:
            yield rgb


def run(args: list[str]) -> None:
    subprocess.run([ffmpeg(), "-v", "error", "-y", *args], check=True, capture_output=True)


@dataclass(frozen=True)
class Truth:
    """What FFmpeg's command line decodes: every picture (autorotated, RGB) and its time."""

    pictures: np.ndarray  # (n, h, w, 3)
    times: tuple[float, ...]  # pts_time as FFmpeg's showinfo prints it

    @property
    def numbers(self) -> list[int]:
        return [read_index_strip(p) for p in self.pictures]


def ffmpeg_truth(path: Path, size: tuple[int, int] | None = None) -> Truth:
    """Every picture FFmpeg's decoder outputs (no frame-rate conversion) and its time;
    `size`: (height, width) as displayed, when the clip is not one of the matrix."""
    cmd = [ffmpeg(), "-v", "info", "-i", str(path), "-map", "0:v:0", "-fps_mode", "passthrough"]
    cmd += ["-vf", "showinfo", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    out = subprocess.run(cmd, capture_output=True, check=True)
    times = []
    for line in out.stderr.decode(errors="replace").splitlines():
        if "Parsed_showinfo" in line and " n:" in line and "pts_time:" in line:
            times.append(float(line.split("pts_time:")[1].split()[0]))
    h, w = size or _size(path)
    data = np.frombuffer(out.stdout, np.uint8)
    return Truth(data.reshape(len(times), h, w, 3), tuple(times))


def ffmpeg_select(path: Path, n: int, size: tuple[int, int] | None = None) -> np.ndarray:
    """FFmpeg's picture n, exactly as the definition writes it: select=eq(n\\,N)."""
    cmd = [ffmpeg(), "-v", "error", "-i", str(path), "-vf", f"select=eq(n\\,{n})"]
    cmd += ["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    data = subprocess.run(cmd, capture_output=True, check=True).stdout
    h, w = size or _size(path)
    return np.frombuffer(data, np.uint8).reshape(h, w, 3)


def _size(path: Path) -> tuple[int, int]:
    return (W, H) if _rotated(path) else (H, W)


def _rotated(path: Path) -> bool:
    return "rotated" in path.name


# -- the clips ---------------------------------------------------------------------


def h264_mp4(d: Path) -> Path:
    return encode(d / "h264-bframes.mp4", ["-c:v", "libx264", "-bf", "3", "-g", "12"])


def h264_raw(d: Path) -> Path:
    """A raw Annex B stream: no container, no timestamps at all."""
    return encode(d / "h264-raw.h264", ["-c:v", "libx264", "-bf", "3", "-g", "12", "-f", "h264"])


def h264_mkv_open_gop(d: Path) -> Path:
    args = ["-c:v", "libx264", "-bf", "3", "-g", "12", "-x264-params", "open-gop=1:keyint_min=1"]
    return encode(d / "h264-opengop.mkv", args)


def hevc_mp4(d: Path) -> Path:
    args = ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=none:bframes=3"]
    return encode(d / "hevc.mp4", [*args, "-g", "12", "-tag:v", "hvc1"])


def vp9_webm(d: Path) -> Path:
    args = ["-c:v", "libvpx-vp9", "-deadline", "good", "-cpu-used", "8", "-g", "12"]
    return encode(d / "vp9-altref.webm", [*args, "-auto-alt-ref", "1", "-lag-in-frames", "16"])


def av1_mkv(d: Path) -> Path:
    if "libsvtav1" in encoders():
        return encode(d / "av1.mkv", ["-c:v", "libsvtav1", "-preset", "12", "-g", "12"])
    return encode(d / "av1.mkv", ["-c:v", "libaom-av1", "-cpu-used", "8", "-g", "12"])


def mpeg2_ts_wrap(d: Path) -> Path:
    """Interlaced MPEG-2 in a transport stream: the first part's timestamps wrap past
    2^33 ticks, then the stream jumps back (a second recording appended)."""
    inter = ["-vf", "setfield=tff", "-c:v", "mpeg2video", "-flags", "+ildct+ilme"]
    inter += ["-alternate_scan", "1", "-g", "12", "-bf", "2"]
    near_wrap = str(2**33 / 90000 - 1.4 - 0.8)  # (1.4 s: the muxer's delay) wraps at 0.8 s
    a = encode(d / "ts-a.ts", [*inter, "-output_ts_offset", near_wrap], count=40)
    b = encode(d / "ts-b.ts", [*inter, "-output_ts_offset", "20"], count=24, first=40)
    out = d / "mpeg2-wrap-jump.ts"
    out.write_bytes(a.read_bytes() + b.read_bytes())
    return out


def xvid_packed(d: Path) -> Path:
    """MPEG-4 Part 2 with packed B-frames (two pictures in one AVI chunk, then a
    placeholder chunk), as DivX 5 and XviD wrote AVIs."""
    return encode(d / "xvid-packed.avi", ["-c:v", "libxvid", "-bf", "2", "-g", "12"])


def xvid_packed_ntsc(d: Path) -> Path:
    """Its twin with another frame-rate header."""
    args = ["-c:v", "libxvid", "-bf", "2", "-g", "15"]
    return encode(d / "xvid-packed-ntsc.avi", args, rate="30000/1001")


def mjpeg_avi(d: Path) -> Path:
    return encode(d / "mjpeg.avi", ["-c:v", "mjpeg", "-q:v", "3"], count=30)


def msmpeg4_avi(d: Path) -> Path:
    return encode(d / "msmpeg4v3.avi", ["-c:v", "msmpeg4", "-g", "12"], count=36)


def msmpeg4v2_avi(d: Path) -> Path:
    return encode(d / "msmpeg4v2.avi", ["-c:v", "msmpeg4v2", "-g", "12"], count=36)


SPARSE_SLOTS = (0, 1, 2, 9, 10, 25, 26, 27, 28, 60, 61, 90, 91, 92, 130, 131, 132, 133, 200)


def sparse(d: Path, ext: str) -> Path:
    """Pictures only at some slots of a 15 fps clock, gaps between them (a recorder that
    writes on motion); an AVI header then declares every slot."""
    out = d / f"sparse.{ext}"
    import av

    with av.open(str(out), "w") as container:
        codec = "mpeg4" if ext == "avi" else "libx264"
        stream = container.add_stream(codec, rate=15)
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 15)
        stream.options = {"g": "6"} if codec == "mpeg4" else {"g": "6", "bf": "0"}
        frames = numbered_frames(len(SPARSE_SLOTS), W, H)
        for rgb, slot in zip(frames, SPARSE_SLOTS, strict=True):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = slot, Fraction(1, 15)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out


def sparse_avi(d: Path) -> Path:
    return sparse(d, "avi")


def sparse_mkv(d: Path) -> Path:
    return sparse(d, "mkv")


def mov_edit_list(d: Path) -> Path:
    """A MOV cut with stream copy at a non-keyframe: its edit list starts mid-GOP."""
    src = encode(d / "edit-src.mp4", ["-c:v", "libx264", "-bf", "2", "-g", "12"])
    out = d / "edit-list.mov"
    run(["-ss", "0.3", "-i", str(src), "-c", "copy", str(out)])
    return out


def rotated_mp4(d: Path) -> Path:
    src = encode(d / "phone-src.mp4", ["-c:v", "libx264", "-bf", "2", "-g", "12"], count=30)
    out = d / "phone-rotated.mp4"
    run(["-display_rotation", "90", "-i", str(src), "-c", "copy", str(out)])
    return out


CLIPS: dict[str, Callable[[Path], Path]] = {
    "h264-bframes-mp4": h264_mp4,
    "h264-opengop-mkv": h264_mkv_open_gop,
    "h264-raw-no-timestamps": h264_raw,
    "hevc-mp4": hevc_mp4,
    "vp9-altref-webm": vp9_webm,
    "av1-mkv": av1_mkv,
    "mpeg2-interlaced-ts-wrap-jump": mpeg2_ts_wrap,
    "xvid-packed-bframes-avi": xvid_packed,
    "xvid-packed-bframes-ntsc-avi": xvid_packed_ntsc,
    "mjpeg-avi": mjpeg_avi,
    "msmpeg4v3-avi": msmpeg4_avi,
    "msmpeg4v2-avi": msmpeg4v2_avi,
    "sparse-vfr-avi": sparse_avi,
    "sparse-vfr-mkv": sparse_mkv,
    "mov-edit-list": mov_edit_list,
    "rotated-phone-mp4": rotated_mp4,
}


def damaged(d: Path, name: str = "damaged-h264.mp4", args: list[str] | None = None) -> Path:
    """A clip with random bytes written over two stretches in its middle."""
    args = args or ["-c:v", "libx264", "-bf", "2", "-g", "12"]
    src = encode(d / f"whole-{name}", args, count=60)
    data = bytearray(src.read_bytes())
    rng = np.random.default_rng(3)
    for at in (0.45, 0.55):
        offset = int(len(data) * at)
        data[offset : offset + 300] = rng.integers(0, 256, 300, dtype=np.uint8).tobytes()
    out = d / name
    out.write_bytes(bytes(data))
    return out
