"""The text stage of `workbench analyze`: OCR of keyframes, reading only what changed,
then vendor, capability and interface suggestions from what was read.

Resumable per keyframe: each keyframe's observations and its "done" mark are written in
one transaction, so a killed run continues after the last finished keyframe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from workbench.case.boxes import XYXY
from workbench.case.folder import Case
from workbench.case.observations import of_run
from workbench.progress import NullProgress, ProgressSink
from workbench.recognize import runs
from workbench.recognize.capabilities import METHOD as CAP_METHOD
from workbench.recognize.capabilities import load_capabilities
from workbench.recognize.find.signatures import case_signatures
from workbench.recognize.interfaces import METHOD as IF_METHOD
from workbench.recognize.interfaces import load_signatures
from workbench.recognize.ocr import DEFAULT, OcrEngine, make_engine
from workbench.recognize.ocr.fuse import METHOD as FUSE_METHOD
from workbench.recognize.ocr.fuse import fuse_readings
from workbench.recognize.ocr.prep import Prep
from workbench.recognize.pdf_text import page_text
from workbench.recognize.per_keyframe import KeyframeRun, run_keyframes, video_keyframes
from workbench.recognize.records import BBox, TextHit
from workbench.recognize.screen import read_frame
from workbench.recognize.text_observations import ShotState, shot_observations
from workbench.recognize.tiles import TileParams, regions_to_read, small_gray
from workbench.recognize.vendors import VendorResolver, load_registry
from workbench.recognize.vendors.normalize import normalized
from workbench.recognize.vendors.resolve import METHOD as VENDOR_METHOD
from workbench.video.analysis import StoredAnalysis, StoredKeyframe
from workbench.video.errors import VideoError
from workbench.video.frames import Frame, FrameReader, FrameRef
from workbench.video.media_kind import DOCUMENT, VIDEO

STAGE = "text"


@dataclass(frozen=True)
class TextStageParams:
    engine: str = DEFAULT
    prep: Prep = field(default_factory=Prep)
    tiles: TileParams = field(default_factory=TileParams)
    incremental: bool = True  # False: read every keyframe whole (the naive reference)
    # a whole read takes the sharpest of the frames up to this many either side of the
    # keyframe that show the same picture: one blurred keyframe does not lose a shot's text
    sharpest: int = 2
    # a whole read also reads up to this many other frames of the same picture, one every
    # `fuse_step_s` seconds either side, and votes each line across them (ocr/fuse.py)
    fuse: int = 1  # chosen by bench/bench_ocr_fuse.py (2 costs more, reads no more)
    fuse_step_s: float = 1.0
    fuse_look: int = 4  # frames looked at (decoded, not read) to choose the `fuse` sharpest


@dataclass
class TextStageResult:
    video_sha256: str
    run_key: str
    keyframes: int = 0
    skipped: int = 0  # already done in an earlier (interrupted) run
    ocr_calls: int = 0
    pixels_read: int = 0
    pixels_whole: int = 0  # what reading every keyframe whole would have cost
    observations: int = 0


@dataclass(frozen=True)
class KeyframeRead:
    """What OCR read on one keyframe: computed anywhere (a worker process, a cluster node),
    committed by `run_text_stage` in the case's own process."""

    ref: FrameRef
    size: tuple[int, int]  # (width, height) of the source frame
    regions: tuple[BBox, ...]  # the parts of the frame that were read
    hits: tuple[TextHit, ...]
    method: str  # the OCR engine's version


def previous_in_shot(keyframes: tuple, n: int) -> int | None:
    """The keyframe before the n-th in the same shot (what an incremental read compares
    against), or None at a shot's first keyframe."""
    if n > 0 and keyframes[n - 1].keyframe.shot_no == keyframes[n].keyframe.shot_no:
        return int(keyframes[n - 1].keyframe.index)
    return None


def keyframe_span(keyframes: tuple, shots, n: int) -> tuple[int, int] | None:
    """The frames the n-th keyframe stands for: its shot's, after the keyframe before it
    and before the one after it in that shot (a new keyframe marks a new picture, also
    where the shot detector saw no cut)."""
    kf = keyframes[n].keyframe
    shot = next((s for s in shots if s.shot_no == kf.shot_no), None)
    if shot is None:
        return None
    first, last = shot.first_index, shot.last_index
    if n > 0 and keyframes[n - 1].keyframe.shot_no == kf.shot_no:
        first = max(first, keyframes[n - 1].keyframe.index + 1)
    if n + 1 < len(keyframes) and keyframes[n + 1].keyframe.shot_no == kf.shot_no:
        last = min(last, keyframes[n + 1].keyframe.index - 1)
    return first, last


def read_keyframe(
    reader: FrameReader,
    engine: OcrEngine,
    params: TextStageParams,
    index: int,
    previous: int | None,
    previous_gray: np.ndarray | None = None,
    shot: tuple[int, int] | None = None,
) -> tuple[KeyframeRead, np.ndarray]:
    """OCR one keyframe (only what changed since `previous` when incremental); a whole read
    also fuses other frames of `shot` (first, last frame index: `keyframe_span`; none
    without it, as a cut to a like-looking picture can't be told from the pixels); returns the
    read and the keyframe's small gray image (the next keyframe's `previous_gray`)."""
    frame = reader.get(index)
    gray = small_gray(frame.rgb, params.tiles.work_width)
    h, w = frame.rgb.shape[:2]
    if reader.kind == DOCUMENT:  # its text layer, exact; OCR only where the page is a picture
        text_hits, pictures = page_text(reader.path, index, reader.index.dpi)
        ocr_hits = read_frame(engine, frame.rgb, pictures, params.prep) if pictures else []
        hits = [*text_hits, *ocr_hits]
        read = KeyframeRead(frame.ref, (w, h), tuple(pictures), tuple(hits), engine.version())
        return read, gray
    if params.incremental:
        if previous_gray is None and previous is not None:
            prev = reader.get(previous)
            previous_gray = small_gray(prev.rgb, params.tiles.work_width)
        regions = regions_to_read(previous_gray, gray, (w, h), params.tiles)
    else:
        regions = [(0, 0, w, h)]
    whole = regions == [(0, 0, w, h)] and reader.kind == VIDEO
    if whole and params.sharpest > 0:
        frame = sharpest_near(reader, frame, gray, params)
    hits = read_frame(engine, frame.rgb, regions, params.prep) if regions else []
    if whole and params.fuse > 0 and shot is not None:
        per_frame = [(frame.ref.index, hits)]
        for other in fuse_frames(reader, frame.ref.index, gray, params, shot):
            per_frame.append((other.ref.index, read_frame(engine, other.rgb, regions, params.prep)))
        if len(per_frame) > 1:
            hits = fuse_readings(per_frame, frame.ref.index)
    read = KeyframeRead(frame.ref, (w, h), tuple(regions), tuple(hits), engine.version())
    return read, gray


def sharpness(gray: np.ndarray) -> float:
    import cv2

    return float(cv2.Laplacian(gray, cv2.CV_32F).var())


def sharpest_near(reader: FrameReader, frame, gray: np.ndarray, params: TextStageParams):
    """The sharpest frame among `frame` and its neighbours (up to `params.sharpest` either
    side) that show the same picture (small grey copies alike; a cut is never crossed)."""
    best, best_sharp = frame, sharpness(gray)
    index = frame.ref.index
    for other in range(index - params.sharpest, index + params.sharpest + 1):
        if other == index or other < 0 or other >= reader.frame_count:
            continue
        try:
            cand = reader.get(other)
        except VideoError:
            continue
        small = small_gray(cand.rgb, params.tiles.work_width)
        if small.shape != gray.shape:
            continue
        if _unlike(small, gray, 8.0):
            continue  # another picture: a cut or fast motion
        sharp = sharpness(small)
        if sharp > 1.15 * best_sharp:
            best, best_sharp = cand, sharp
    return best


def fuse_frames(
    reader: FrameReader,
    index: int,
    gray: np.ndarray,
    params: TextStageParams,
    shot: tuple[int, int],
) -> list[Frame]:
    """Up to `params.fuse` other frames showing the same picture as frame `index`: of the
    frames one every `fuse_step_s` seconds either side (`fuse_look` of them, nearest
    first), the sharpest ones that are clearly sharper than the keyframe (a sharp keyframe
    costs one read), each then the sharpest of its own neighbours; a frame of another
    picture (a cut, a pan) is skipped."""
    step = max(1, round(params.fuse_step_s * (reader.fps or 25.0)))
    cands: list[tuple[Frame, np.ndarray]] = []
    for k in range(1, params.fuse_look + 1):
        other = index + (k + 1) // 2 * step * (1 if k % 2 else -1)
        if other < max(0, shot[0]) or other > min(shot[1], reader.frame_count - 1):
            continue  # never across a cut
        try:
            cand = reader.get(other)
        except VideoError:
            continue
        small = small_gray(cand.rgb, params.tiles.work_width)
        if small.shape == gray.shape and not _unlike(small, gray, 12.0):
            cands.append((cand, small))  # the same picture
    chosen = pick_sharper(gray, [small for _, small in cands], params.fuse)
    return [
        sharpest_near(reader, cands[i][0], cands[i][1], params) if params.sharpest else cands[i][0]
        for i in chosen
    ]


def pick_sharper(key: np.ndarray, others: list[np.ndarray], n: int) -> list[int]:
    """Indices of the (at most n) sharpest of `others` that are clearly sharper than `key`,
    measured on one field (even rows) so that interlacing's combing does not pass for
    detail; sharpest first."""
    limit = 1.15 * sharpness(key[::2])
    sharp = [(sharpness(o[::2]), i) for i, o in enumerate(others)]
    return [i for s, i in sorted(sharp, reverse=True) if s > limit][:n]


def _unlike(a: np.ndarray, b: np.ndarray, limit: float) -> bool:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean()) > limit


def text_run(
    video_sha256: str, analysis: StoredAnalysis, params: TextStageParams, method: str
) -> tuple[str, dict[str, Any]]:
    """The run key and keyed parameters of the text stage on one video's keyframes."""
    key_params = {
        "engine": method,
        "prep": asdict(params.prep),
        "tiles": asdict(params.tiles),
        "incremental": params.incremental,
        "sharpest": params.sharpest,
        "fuse": params.fuse,
        "fuse_step_s": params.fuse_step_s,
        "fuse_look": params.fuse_look,
        "fusion": FUSE_METHOD,
        "keyframes": analysis.params_hash,
        "vendors": VENDOR_METHOD,
        "capabilities": CAP_METHOD,
        "interfaces": IF_METHOD,
    }
    return runs.run_key(video_sha256, STAGE, key_params), key_params


def run_text_stage(
    case: Case,
    video_sha256: str,
    params: TextStageParams | None = None,
    progress: ProgressSink | None = None,
    actor: str = "workbench",
    reads: Mapping[int, KeyframeRead] | None = None,
    method: str | None = None,
) -> TextStageResult:
    """OCR the keyframes of a video and commit the suggestions, keyframe by keyframe.

    `reads` are keyframes already read elsewhere (by frame index; the batch executors),
    `method` their engine's version: the run is then keyed by it and only keyframes
    missing from `reads` are read here, so both paths share one run and resume each other.
    """
    params = params or TextStageParams()
    reads = reads or {}
    video, analysis = video_keyframes(case, video_sha256)
    engine: OcrEngine | None = None
    if method is None:
        engine = make_engine(params.engine)
        method = engine.version()
    resolver = VendorResolver(load_registry())
    capabilities = load_capabilities()
    signatures = load_signatures() + case_signatures(case)
    key, key_params = text_run(video.sha256, analysis, params, method)
    result = TextStageResult(video.sha256, key)
    state = ShotState()
    keyframes = analysis.keyframes

    def in_shot(shot_no: int) -> ShotState:
        nonlocal state
        if shot_no != state.shot_no:
            state = ShotState(shot_no=shot_no)
        return state

    def skip(n: int, stored: StoredKeyframe) -> None:
        in_shot(stored.keyframe.shot_no).prev_gray = None  # re-derived from the next read
        _reload_seen(case, key, stored.keyframe.shot_no, analysis, state)

    def compute(n: int, stored: StoredKeyframe, reader: FrameReader):
        nonlocal engine
        kf, shot = stored.keyframe, in_shot(stored.keyframe.shot_no)
        gray: np.ndarray | None = None
        if kf.index in reads:
            got = reads[kf.index]
            if got.method != method:
                raise VideoError(f"Keyframe {kf.index} was read with {got.method}, not {method}.")
        else:
            if engine is None:
                engine = make_engine(params.engine)
                if engine.version() != method:
                    raise VideoError(f"The OCR engine here is {engine.version()}, not {method}.")
            previous = previous_in_shot(keyframes, n)
            span = keyframe_span(keyframes, analysis.shots, n)
            got, gray = read_keyframe(
                reader, engine, params, kf.index, previous, shot.prev_gray, span
            )
        regions, hits = list(got.regions), list(got.hits)
        result.ocr_calls += len(regions)
        result.pixels_read += sum((b[2] - b[0]) * (b[3] - b[1]) for b in regions)
        result.pixels_whole += got.size[0] * got.size[1]
        new = shot_observations(
            got.ref, got.size, hits, shot, resolver, capabilities, signatures, method, key, regions
        )
        shot.prev_gray = gray
        return new, {"regions": len(regions), "hits": len(hits), "new": len(new)}

    run_keyframes(
        case,
        KeyframeRun(video, STAGE, method, key, key_params),
        keyframes,
        compute,
        skip,
        result,
        progress or NullProgress(),
        actor,
        lambda: {"ocr_calls": result.ocr_calls, "pixels_read": result.pixels_read},
    )
    return result


def _reload_seen(case: Case, key: str, shot_no: int, analysis, state: ShotState) -> None:
    """After a resume, what this run already recorded in the shot counts as seen."""
    shot = next((s for s in analysis.shots if s.shot_no == shot_no), None)
    if shot is None:
        return
    for o in of_run(case.conn, key, shot.first_index, shot.last_index):
        if o.kind == "ocr" and o.text and o.bbox is not None:
            bbox = XYXY.of(o.bbox)
            state.seen.append((normalized(o.text), bbox))
            state.lines.append(TextHit(o.text, bbox, 1.0, "stored"))
        elif o.kind == "interface" and o.label:
            state.products.add(o.label)
