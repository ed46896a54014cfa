"""Keyframes: one at each shot start, and one more whenever the picture has changed
meaningfully since the last one (perceptual hash distance or a changed grid cell).

`Analyzer` runs shot detection and keyframe selection in one streaming pass over frame
signals; its memory is a delay line as long as the detector's latency.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from workbench.video.fingerprint import Fingerprinter, FrameHashes
from workbench.video.shots import Shot, ShotDetector
from workbench.video.signals import FrameSignal, ScanParams, hamming, region_change

METHOD = "workbench.video.shots/2"  # 2: flashes are not cuts


@dataclass(frozen=True)
class Keyframe:
    index: int
    time: float
    phash: str  # 16 hex digits
    reason: str  # shot_start | phash (whole picture) | region (part of it) | content
    shot_no: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ShotAnalysis:
    shots: tuple[Shot, ...]
    keyframes: tuple[Keyframe, ...]
    frame_count: int
    params: ScanParams
    method: str = METHOD
    fingerprints: FrameHashes | None = None  # every frame's region hashes (copies)


class Analyzer:
    """Push every frame's signal in order, then `finish()`."""

    def __init__(self, params: ScanParams):
        self.p = params
        self.detector = ShotDetector(params)
        self._pending: deque[FrameSignal] = deque()
        self._starts: dict[int, str] = {0: "start"}
        self._shots: list[Shot] = []
        self._keyframes: list[Keyframe] = []
        self._shot_first: FrameSignal | None = None
        self._shot_kind = "start"
        self._last: FrameSignal | None = None  # last released frame
        self._kf: FrameSignal | None = None  # signal of the last keyframe
        self.frames = 0
        self._fingerprints = Fingerprinter()

    def push(self, sig: FrameSignal) -> None:
        self.frames += 1
        self._fingerprints.push(sig.index, sig.time, sig.gray)
        for boundary in self.detector.push(sig):
            self._starts[boundary.index] = boundary.kind
        self._pending.append(sig)
        while self._pending and self._pending[0].index <= sig.index - self.detector.latency:
            self._release(self._pending.popleft())

    @property
    def decided(self) -> list[Keyframe]:
        """The keyframes decided so far (each frame is decided `detector.latency` frames
        after it is pushed, or at `finish`)."""
        return self._keyframes

    @property
    def undecided(self) -> int | None:
        """Index of the first frame pushed and not yet decided (None: none is waiting)."""
        return self._pending[0].index if self._pending else None

    def finish(self) -> ShotAnalysis:
        if self._pending:
            for boundary in self.detector.finish(self._pending[-1].index):
                self._starts[boundary.index] = boundary.kind
        while self._pending:
            self._release(self._pending.popleft())
        self._close_shot()
        shots, keyframes = tuple(self._shots), tuple(self._keyframes)
        fingerprints = self._fingerprints.finish()
        return ShotAnalysis(shots, keyframes, self.frames, self.p, METHOD, fingerprints)

    def _release(self, sig: FrameSignal) -> None:
        kind = self._starts.pop(sig.index, None)
        if kind is not None or self._shot_first is None:
            self._close_shot()
            self._shot_first, self._shot_kind = sig, kind or "start"
            self._add_keyframe(sig, "shot_start")
        else:
            reason = self._change(sig)
            if reason:
                self._add_keyframe(sig, reason)
        self._last = sig

    def _change(self, sig: FrameSignal) -> str | None:
        p, kf = self.p, self._kf
        if sig.index in self.detector.flashes:
            self.detector.flashes.discard(sig.index)
            return None  # a flash over the picture is no new content
        if kf is None or sig.luma < p.black_level or sig.contrast < p.min_contrast:
            return None
        if kf.luma < p.black_level or kf.contrast < p.min_contrast:
            return "content"  # the shot's first keyframe was blank; this one is not
        if sig.time - kf.time < p.min_keyframe_gap_s:
            return None
        if hamming(sig.phash, kf.phash) >= p.phash_distance:
            return "phash"
        if region_change(kf.gray, sig.gray, p.region_change) >= p.region_fraction:
            return "region"
        return None

    def _add_keyframe(self, sig: FrameSignal, reason: str) -> None:
        self._kf = sig
        self._keyframes.append(
            Keyframe(sig.index, sig.time, f"{sig.phash:016x}", reason, len(self._shots))
        )

    def _close_shot(self) -> None:
        first, last = self._shot_first, self._last
        if first is None or last is None:
            return
        self._shots.append(
            Shot(len(self._shots), first.index, last.index, first.time, last.time, self._shot_kind)
        )
        self._shot_first = None
