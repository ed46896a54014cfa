"""The units of work of a batch run and what they return: plain, picklable records.

A task names everything its worker needs (absolute paths on storage every node mounts at
the same place, parameters); none touches the case database. Results go back to the
driver, which alone commits them.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.recognize.stage_text import KeyframeRead, TextStageParams
from workbench.video.analysis import StoredKeyframe
from workbench.video.keyframes import ShotAnalysis
from workbench.video.signals import FrameSignal, ScanParams

CPU = "cpu"  # decoding, shots and keyframes: plain tasks
OCR = "ocr"  # OCR: a pool of long-lived workers that keep their engine loaded


@dataclass(frozen=True)
class VideoRef:
    sha256: str
    path: str  # the original, absolute
    frames: int  # frame count recorded at ingest (for planning only)

    @property
    def short(self) -> str:
        return self.sha256[:12]


@dataclass(frozen=True)
class Thumbs:
    """Where keyframe thumbnails go: the case folder (shared storage on a cluster)."""

    root: str
    tmp_dir: str
    key: str  # the keyframe run's params hash


@dataclass(frozen=True)
class WholeScan:
    """Shots, keyframes and thumbnails of a short video in one task."""

    video: VideoRef
    params: ScanParams
    thumbs: Thumbs
    threads: int = 1  # decoder threads: 1 when every core runs a task, 0 (auto) when alone
    pool = CPU

    def describe(self) -> str:
        return f"keyframes {self.video.short}"


@dataclass(frozen=True)
class IndexVideo:
    """The exact frame count of a long video (from its frame index), to split it."""

    video: VideoRef
    pool = CPU

    def describe(self) -> str:
        return f"index {self.video.short}"


@dataclass(frozen=True)
class ScanSegment:
    """Frame signals of frames first..last of a long video (each worker indexes the video
    once and keeps the index, so tasks stay small)."""

    video: VideoRef
    params: ScanParams
    span: tuple[int, int]
    pool = CPU

    def describe(self) -> str:
        return f"scan {self.video.short} frames {self.span[0]}-{self.span[1]}"


@dataclass(frozen=True)
class MakeThumbs:
    """Decode, hash and thumbnail the keyframes the driver found in a long video."""

    video: VideoRef
    analysis: ShotAnalysis
    thumbs: Thumbs
    pool = CPU

    def describe(self) -> str:
        return f"thumbnails {self.video.short}"


@dataclass(frozen=True)
class EngineVersion:
    """The version of the OCR engine as the OCR workers run it (it keys the text run)."""

    engine: str
    pool = OCR

    def describe(self) -> str:
        return f"ocr engine {self.engine}"


@dataclass(frozen=True)
class ReadKeyframes:
    """OCR of some keyframes of one video: (frame index, previous keyframe in its shot), and
    per item the frames the keyframe stands for (`keyframe_span`: the frames a whole read
    may fuse; none: the keyframe alone)."""

    video: VideoRef
    params: TextStageParams
    items: tuple[tuple[int, int | None], ...]
    spans: tuple[tuple[int, int] | None, ...] = ()
    pool = OCR

    def describe(self) -> str:
        first, last = self.items[0][0], self.items[-1][0]
        return f"ocr {self.video.short} keyframes {first}-{last}"


Task = WholeScan | IndexVideo | ScanSegment | MakeThumbs | EngineVersion | ReadKeyframes


@dataclass(frozen=True)
class ScanResult:
    analysis: ShotAnalysis
    stored: tuple[StoredKeyframe, ...]


@dataclass(frozen=True)
class SegmentResult:
    span: tuple[int, int]
    signals: tuple[FrameSignal, ...]


@dataclass(frozen=True)
class ReadResult:
    reads: tuple[KeyframeRead, ...]


@dataclass(frozen=True)
class Outcome:
    """A finished attempt of a task: its value, or the error that ended it."""

    ticket: int
    task: Task
    value: object = None
    error: str | None = None


@dataclass(frozen=True)
class TaskFailure:
    """A task that failed on every attempt: reported, never dropped."""

    video: str  # sha256 ("" when the task is not about one video)
    task: str
    error: str
    attempts: int

    def describe(self) -> str:
        return f"{self.task} failed after {self.attempts} attempt(s): {self.error}"
