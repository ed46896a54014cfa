"""The frame service of the app: exact frames decoded on the server, shown at display size.

One `FrameService` lives per process (the Review page keeps it in `st.cache_resource`):
it keeps an open `FrameReader` per video, so stepping one frame costs one decode and
stepping back is served from the reader's cache, and a few rendered views, so a rerun
that changes nothing on screen decodes nothing. A view is the frame, optionally cropped
to a zoom box, passed through the enhancement chain (on the source pixels, as a saved
still would be), then resized to the display width and encoded. No Streamlit here.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from workbench.app.coords import Box, View, display_size
from workbench.case.boxes import XYWH
from workbench.video.enhance import Chain, Crop
from workbench.video.errors import VideoError
from workbench.video.frames import Frame, FrameReader, FrameRef

# steps after which display pixels no longer map linearly to the frame's pixels
GEOMETRIC_STEPS = frozenset({"crop", "rectify"})

PRESETS: dict[str, str] = {
    "sharpen": "unsharp:amount=1.5",
    "contrast (CLAHE)": "clahe:clip=2.0",
    "brighten shadows": "gamma:0.7",
    "denoise": "denoise:h=5.0",
    "invert": "invert",
}


class ChainError(ValueError):
    """An enhancement chain that cannot be read or applied."""


def parse_chain(text: str, presets: list[str] | tuple[str, ...] = ()) -> Chain:
    """A chain typed as text (`clahe:clip=2|gamma:0.8`) or pasted as its JSON processing
    log, followed by the named `PRESETS`. Raises ChainError with one clear sentence."""
    text = (text or "").strip()
    try:
        base = Chain.from_json(text) if text.startswith("{") else Chain.parse(text)
        extra = Chain.parse("|".join(PRESETS[name] for name in presets))
    except json.JSONDecodeError as exc:
        raise ChainError(f"The processing log is not valid JSON ({exc.msg}).") from exc
    except KeyError as exc:
        raise ChainError(f"There is no preset named {exc.args[0]!r}.") from exc
    except (VideoError, ValueError, TypeError) as exc:
        raise ChainError(str(exc)) from exc
    return Chain(base.steps + extra.steps)


def maps_geometry(chain: Chain) -> bool:
    """Whether boxes drawn on the processed picture still map to the frame's pixels."""
    return not any(step.name in GEOMETRIC_STEPS for step in chain.steps)


@dataclass(frozen=True)
class Rendered:
    """A frame as the page shows it."""

    rgb: np.ndarray  # display-size RGB, read-only
    ref: FrameRef  # which frame, with its pixel hash (of the decoded, unprocessed frame)
    view: View  # display <-> frame pixels
    chain: Chain  # the user's chain
    processing: Chain  # what made the picture from the frame: crop (zoom) + chain
    mappable: bool  # False when the chain moves pixels (crop, rectify): no boxes, overlays

    @property
    def frame_size(self) -> tuple[int, int]:
        return self.view.frame_w, self.view.frame_h


def resize_to(rgb: np.ndarray, size: tuple[int, int], upscale: str = "nearest") -> np.ndarray:
    """`rgb` at `size` (w, h): area averaging down, `upscale` (nearest shows real pixels) up."""
    h, w = rgb.shape[:2]
    if (w, h) == size:
        return rgb
    if size[0] < w:
        # less than halving: bilinear looks the same and is ~5x faster than area
        # averaging at a non-integer factor (1280 -> 960: 3 ms instead of 14 ms)
        method = cv2.INTER_LINEAR if 2 * size[0] > w else cv2.INTER_AREA
    else:
        method = {"nearest": cv2.INTER_NEAREST, "linear": cv2.INTER_LINEAR}.get(
            upscale, cv2.INTER_CUBIC
        )
    return cv2.resize(rgb, size, interpolation=method)


def encode(rgb: np.ndarray, fmt: str = "jpeg", quality: int = 90) -> bytes:
    """JPEG (fast, small: what the browser gets) or PNG (lossless: for saving)."""
    bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
    if fmt.lower() in ("jpeg", "jpg"):
        ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    elif fmt.lower() == "png":
        ok, data = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    else:
        raise ValueError(f"unknown image format {fmt!r}")
    if not ok:
        raise VideoError("The frame could not be encoded for display.")
    return data.tobytes()


class FrameService:
    """Open readers per video, recently decoded frames and rendered views, shared by the
    sessions of one process; each reader is used under its own lock (a reader is not
    thread-safe).

    With `prefetch`, a background thread uses the idle time after each render to decode
    the frames just before the one shown (stepping back is the expensive direction: it
    means seeking to an earlier keyframe) with a second reader of its own; it stops at
    the next frame boundary as soon as another render is asked for."""

    def __init__(
        self,
        max_readers: int = 3,
        cache_frames: int = 24,
        max_frames: int = 32,
        max_views: int = 24,
        prefetch: bool = False,
        prefetch_back: int = 12,
    ):
        self.max_readers = max(1, max_readers)
        self.cache_frames = cache_frames
        self.max_frames = max(2, max_frames)
        self.max_views = max(1, max_views)
        self.prefetch_back = max(0, prefetch_back)
        self._readers: OrderedDict[tuple[str, str], tuple[FrameReader, threading.Lock]] = (
            OrderedDict()
        )
        self._frames: OrderedDict[tuple[str, str, int], Frame] = OrderedDict()
        self._views: OrderedDict[tuple[object, ...], Rendered] = OrderedDict()
        self._lock = threading.Lock()
        self._asked = 0  # renders asked for so far: the prefetcher yields to a newer one
        self._wanted: tuple[Path, str, int] | None = None
        self._wake = threading.Event()
        self._closed = False
        self._worker: threading.Thread | None = None
        if prefetch and self.prefetch_back:
            self._worker = threading.Thread(target=self._prefetch_loop, daemon=True)
            self._worker.start()

    # -- readers -----------------------------------------------------------
    def _entry(
        self, path: Path, sha256: str, role: str = "main"
    ) -> tuple[FrameReader, threading.Lock]:
        key = (str(Path(path).resolve()) + "#" + role, sha256)
        with self._lock:
            entry = self._readers.get(key)
            if entry is not None:
                self._readers.move_to_end(key)
                return entry
        size = self.cache_frames if role == "main" else 2  # prefetched frames go to _frames
        reader = FrameReader(Path(path), video_sha256=sha256, cache_frames=size)
        with self._lock:
            entry = self._readers.setdefault(key, (reader, threading.Lock()))
            self._readers.move_to_end(key)
            evicted = []
            while len(self._readers) > 2 * self.max_readers:
                evicted.append(self._readers.popitem(last=False)[1])
        for old, old_lock in evicted:
            with old_lock:
                old.close()
        if entry[0] is not reader:
            reader.close()
        return entry

    def reader(self, path: Path, sha256: str) -> FrameReader:
        """The open reader of a video (facts: frame count, fps, times, keyframes).
        Decode through `frame` or `render`, which lock it."""
        return self._entry(path, sha256)[0]

    def _cached(self, key: tuple[str, str, int]) -> Frame | None:
        with self._lock:
            hit = self._frames.get(key)
            if hit is not None:
                self._frames.move_to_end(key)
            return hit

    def _keep(self, key: tuple[str, str, int], value: Frame) -> None:
        with self._lock:
            self._frames[key] = value
            self._frames.move_to_end(key)
            while len(self._frames) > self.max_frames:
                self._frames.popitem(last=False)

    def frame(self, path: Path, sha256: str, index: int) -> tuple[np.ndarray, FrameRef]:
        """Frame `index` as decoded (RGB, read-only) with its reference."""
        key = (str(path), sha256, index)
        hit = self._cached(key)
        if hit is not None:
            return hit.rgb, hit.ref
        reader, lock = self._entry(path, sha256)
        with lock:
            back = -1 if reader.position is None else reader.position - index
            if back > 0 and (self._worker is not None or back > self.cache_frames // 2):
                # jumping or stepping back: convert only a few frames before the target
                # (the reader alone would convert and hash half its cache); the
                # prefetcher fills in the earlier ones while the picture is looked at
                for frame in reader.iter_range(max(0, index - 3), index):
                    self._keep((str(path), sha256, frame.index), frame)
            else:
                frame = reader.get(index)
        self._keep(key, frame)
        return frame.rgb, frame.ref  # only the frame shown is hashed

    # -- prefetch ----------------------------------------------------------
    def _ask_prefetch(self, path: Path, sha256: str, index: int) -> None:
        if self._worker is None:
            return
        with self._lock:
            self._wanted = (Path(path), sha256, index)
        self._wake.set()

    def _prefetch_loop(self) -> None:
        while not self._closed:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                wanted, asked = self._wanted, self._asked
            if wanted is None or self._closed:
                continue
            try:
                self._prefetch(*wanted, asked)
            except Exception:  # a failed prefetch only costs speed; the render reports errors
                continue

    def _prefetch(self, path: Path, sha256: str, index: int, asked: int) -> None:
        first = max(0, index - self.prefetch_back)
        missing = [i for i in range(first, index) if self._cached((str(path), sha256, i)) is None]
        if not missing:
            return
        reader, lock = self._entry(path, sha256, role="prefetch")
        with lock:
            for frame in reader.iter_range(missing[0], index - 1):
                self._keep((str(path), sha256, frame.index), frame)
                if self._asked != asked or self._closed:
                    return  # someone is waiting for a render: give the CPU back

    # -- views -------------------------------------------------------------
    def render(
        self,
        path: Path,
        sha256: str,
        index: int,
        chain: Chain | None = None,
        zoom: Box | None = None,
        width: int = 960,
        upscale: str = "nearest",
    ) -> Rendered:
        """Frame `index` cropped to `zoom`, through `chain`, resized to `width` pixels wide.

        Raises ChainError when the chain cannot be applied to this picture (the frame
        itself decoded fine) and VideoError when the frame cannot be decoded."""
        chain = chain or Chain()
        key = (str(path), sha256, index, chain.to_string(), zoom, width, upscale)
        with self._lock:
            self._asked += 1
            hit = self._views.get(key)
            if hit is not None:
                self._views.move_to_end(key)
                return hit
        rgb, ref = self.frame(path, sha256, index)
        frame_h, frame_w = rgb.shape[:2]
        box = XYWH(*zoom) if zoom else XYWH(0, 0, frame_w, frame_h)
        steps = (Crop(*box),) if zoom else ()
        processing = Chain(steps + chain.steps)
        try:
            out = processing.apply(rgb)
        except (VideoError, ValueError, cv2.error) as exc:
            raise ChainError(f"The enhancement chain cannot be applied here: {exc}") from exc
        mappable = maps_geometry(chain)
        if mappable:
            size = display_size(box[2], box[3], width)
        else:
            size = display_size(out.shape[1], out.shape[0], width)
        shown = resize_to(out, size, upscale)
        shown = np.ascontiguousarray(shown)
        shown.flags.writeable = False
        view = View(frame_w, frame_h, box, size[0], size[1])
        rendered = Rendered(shown, ref, view, chain, processing, mappable)
        with self._lock:
            self._views[key] = rendered
            while len(self._views) > self.max_views:
                self._views.popitem(last=False)
        self._ask_prefetch(path, sha256, index)
        return rendered

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        if self._worker is not None:
            self._worker.join(timeout=5)
        with self._lock:
            readers = list(self._readers.values())
            self._readers.clear()
            self._views.clear()
            self._frames.clear()
        for reader, lock in readers:
            with lock:
                reader.close()
