"""The keyframe pass's per-frame signals, computed during ingest's one decode and kept in
the case folder, so that the first analysis reads them instead of decoding every picture.

`derived/signals/<sha256>.signals` is a zip: `gray.u8` (every analysis frame's luma,
streamed while decoding), `numbers.npy` (diff, changed, luma, contrast, dissolve per
frame), `phash.npy` and `meta.json` (the signal version, the parameters the signals
depend on, the decoder and OpenCV versions, the frame count). A file that is missing,
damaged (a zip CRC error, a member missing, a wrong shape) or stale (any of those keys
differs) is never used: the pass decodes the video as before.

The signals are those the pass computes from a decode with frame threads from the
file's start (`scan.scan_frames` with threads 0), bit for bit: the same `small_frame`
and `SignalExtractor` run on the same decoded pictures, only earlier.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from workbench.video.index import FrameIndex
from workbench.video.signals import FrameSignal, ScanParams, SignalExtractor, small_frame

SIGNALS_VERSION = 1
SUFFIX = ".signals"
# the parameters the signals depend on (the rest only steer the decisions made on them)
SIGNAL_PARAMS = (
    "width",
    "height",
    "cut_threshold",
    "black_level",
    "dissolve_window",
    "dissolve_change",
    "dissolve_residual",
)
_NUMBERS = ("diff", "changed", "luma", "contrast", "dissolve")


class SignalFileError(Exception):
    """A signals file that cannot be used (damaged while it was being read)."""


def signal_key(params: ScanParams) -> dict[str, Any]:
    """Everything a stored signal's value depends on besides the file's own bytes."""
    import av
    import cv2

    ff = getattr(av, "ffmpeg_version_info", "?")
    return {
        "version": SIGNALS_VERSION,
        "params": {k: getattr(params, k) for k in SIGNAL_PARAMS},
        "decoder": f"PyAV {av.__version__} / FFmpeg {ff} / threads auto, from the start",
        "opencv": cv2.__version__,
        "numpy": np.__version__,
    }


def signals_path(media: Path) -> Path | None:
    """Where the signals of an original at `<case>/media/<sha256>.<ext>` are kept."""
    media = Path(media)
    if media.parent.name != "media" or not (media.parent.parent / "case.db").is_file():
        return None
    return media.parent.parent / "derived" / "signals" / f"{media.stem}{SUFFIX}"


def has_signals(media: Path) -> bool:
    """Whether a signals file lies beside this case original (checked when it is read)."""
    path = signals_path(media)
    return path is not None and path.is_file()


class SignalWriter:
    """Computes each decoded picture's signal and streams it into a signals file.

    Memory stays flat in the video's length: the grey frames go straight into the
    compressed member; only five numbers and a hash per frame are kept until `close`."""

    def __init__(self, dest: Path, params: ScanParams, rotation: int, sha256: str = ""):
        self.dest = Path(dest)
        self.params = params
        self.rotation = rotation
        self.sha256 = sha256
        self.frames = 0
        self._extractor = SignalExtractor(params)
        self._numbers = array("d")  # five per frame
        self._phash = array("Q")
        self._shape: tuple[int, ...] | None = None
        self._zip = zipfile.ZipFile(self.dest, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._gray = self._zip.open("gray.u8", "w", force_zip64=True)

    def push(self, av_frame: Any) -> None:
        """Compute and write the signal of the next decoded picture."""
        small = small_frame(av_frame, self.params, self.rotation)
        self.add(self._extractor.push(self.frames, 0.0, small))

    def add(self, sig: FrameSignal) -> None:
        """Write the next frame's signal, computed elsewhere (by a decoding pass)."""
        if sig.index != self.frames:
            raise ValueError(f"signal of frame {sig.index} where frame {self.frames} was due")
        self.frames += 1
        if self._shape is None:
            self._shape = sig.gray.shape
        self._gray.write(np.ascontiguousarray(sig.gray).tobytes())
        dissolve = np.nan if sig.dissolve is None else sig.dissolve
        self._numbers.extend((sig.diff, sig.changed, sig.luma, sig.contrast, dissolve))
        self._phash.append(sig.phash)

    def close(self) -> None:
        """Finish the file (with its key, written last: a file cut short has none)."""
        self._gray.close()
        numbers = np.frombuffer(self._numbers, np.float64).reshape(-1, len(_NUMBERS))
        self._put("numbers.npy", numbers)
        self._put("phash.npy", np.frombuffer(self._phash, np.uint64))
        meta = {
            "key": signal_key(self.params),
            "sha256": self.sha256,
            "frames": self.frames,
            "shape": list(self._shape or (0, 0)),
            "numbers": list(_NUMBERS),
        }
        self._zip.writestr("meta.json", json.dumps(meta, sort_keys=True))
        self._zip.close()

    def abandon(self) -> None:
        try:
            self._gray.close()
            self._zip.close()
        finally:
            self.dest.unlink(missing_ok=True)

    def _put(self, name: str, array: np.ndarray) -> None:
        buf = io.BytesIO()
        np.save(buf, array, allow_pickle=False)
        self._zip.writestr(name, buf.getvalue())


def temp_writer(folder: Path, params: ScanParams, rotation: int) -> SignalWriter:
    """A writer into a new temporary file in `folder` (moved into place by `keep`)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="signals-", suffix=SUFFIX, dir=folder)
    os.close(fd)
    return SignalWriter(Path(name), params, rotation)


def keep(tmp: Path, media: Path, sha256: str) -> Path | None:
    """Move a finished temporary signals file to its place beside the case's original
    (its meta names the video); None when `media` is no case original."""
    dest = signals_path(media)
    if dest is None:
        Path(tmp).unlink(missing_ok=True)
        return None
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(tmp, "a") as zf:  # the video's hash was not known while decoding
        zf.writestr("sha256.txt", sha256)
    os.replace(tmp, dest)
    return dest


def open_signals(media: Path, index: FrameIndex, params: ScanParams) -> StoredSignals | None:
    """The stored signals of a case original, when they exist, are whole, and were made
    for this index and these parameters by this decoder; else None (decode instead)."""
    path = signals_path(media)
    if path is None or not path.is_file():
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("meta.json"))
            sha = zf.read("sha256.txt").decode("ascii")
            if zf.testzip() is not None:  # every member's CRC
                return None
            numbers = np.load(io.BytesIO(zf.read("numbers.npy")), allow_pickle=False)
            phash = np.load(io.BytesIO(zf.read("phash.npy")), allow_pickle=False)
            gray_size = zf.getinfo("gray.u8").file_size
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    n = len(index)
    if not isinstance(meta, dict) or meta.get("key") != signal_key(params):
        return None
    shape = meta.get("shape")
    if sha != Path(media).stem or meta.get("frames") != n or not isinstance(shape, list):
        return None
    if len(shape) != 2 or numbers.shape != (n, len(_NUMBERS)) or phash.shape != (n,):
        return None
    if numbers.dtype != np.float64 or phash.dtype != np.uint64:
        return None
    if gray_size != n * int(shape[0]) * int(shape[1]):
        return None
    return StoredSignals(path, index, numbers, phash, (int(shape[0]), int(shape[1])))


class StoredSignals:
    """Signals read back from a checked file, streamed frame by frame."""

    def __init__(
        self,
        path: Path,
        index: FrameIndex,
        numbers: np.ndarray,
        phash: np.ndarray,
        shape: tuple[int, int],
    ):
        self.path = path
        self.index = index
        self.numbers = numbers
        self.phash = phash
        self.shape = shape

    def __len__(self) -> int:
        return len(self.numbers)

    def __iter__(self) -> Iterator[FrameSignal]:
        size = self.shape[0] * self.shape[1]
        try:
            with zipfile.ZipFile(self.path) as zf, zf.open("gray.u8") as fh:
                for i in range(len(self.numbers)):
                    data = fh.read(size)
                    if len(data) != size:
                        raise SignalFileError(f"{self.path.name} ends early")
                    diff, changed, luma, contrast, dissolve = self.numbers[i].tolist()
                    yield FrameSignal(
                        index=i,
                        time=self.index.time(i),
                        diff=diff,
                        changed=changed,
                        luma=luma,
                        contrast=contrast,
                        phash=int(self.phash[i]),
                        gray=np.frombuffer(data, np.uint8).reshape(self.shape),
                        dissolve=None if dissolve != dissolve else dissolve,
                    )
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise SignalFileError(f"{self.path.name} cannot be read ({exc})") from exc
