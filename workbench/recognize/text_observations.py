"""What the text stage suggests from one keyframe's readings: OCR lines, vendors,
capabilities and interfaces, each read once per shot (a line read again at the same
place in the same shot is not suggested twice), with every raw reading kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
from rapidfuzz import fuzz

from workbench.case.observations import NewObservation
from workbench.recognize.capabilities import METHOD as CAP_METHOD
from workbench.recognize.capabilities import find_capabilities
from workbench.recognize.interfaces import METHOD as IF_METHOD
from workbench.recognize.interfaces import identify
from workbench.recognize.pdf_text import PDF_TEXT
from workbench.recognize.records import BBox, TextHit, iou
from workbench.recognize.vendors import VendorResolver
from workbench.recognize.vendors.normalize import normalized
from workbench.recognize.vendors.resolve import METHOD as VENDOR_METHOD
from workbench.video.frames import FrameRef


class _FrameFields(TypedDict):
    """What every observation of one keyframe shares."""

    video_sha256: str
    frame_index: int
    time_s: float
    pixel_sha256: str
    run_key: str


@dataclass
class ShotState:
    shot_no: int = -1
    prev_gray: np.ndarray | None = None
    seen: list[tuple[str, BBox]] = field(default_factory=list)
    lines: list[TextHit] = field(default_factory=list)
    products: set[str] = field(default_factory=set)


def shot_observations(
    ref: FrameRef,
    size: tuple[int, int],
    hits: list[TextHit],
    state: ShotState,
    resolver: VendorResolver,
    capabilities,
    signatures,
    method: str,
    key: str,
    regions: list[BBox],
) -> list[NewObservation]:
    base: _FrameFields = {
        "video_sha256": ref.video_sha256,
        "frame_index": ref.index,
        "time_s": ref.time_s,
        "pixel_sha256": ref.pixel_sha256,
        "run_key": key,
    }
    out: list[NewObservation] = []
    # lines outside the re-read regions are still on screen: keep them for interfaces
    state.lines = [
        line
        for line in state.lines
        if not any(iou(line.bbox, r) > 0 or _inside(line.bbox, r) for r in regions)
    ]
    for hit in hits:
        if not plausible(hit):
            continue
        norm = normalized(hit.text)
        state.lines.append(hit)
        if not norm or _seen(norm, hit.bbox, state.seen):
            continue  # the same line (or a cut-off part of it) was read earlier in this shot
        state.seen.append((norm, hit.bbox))
        suggestions = resolver.resolve(hit.text)
        best = suggestions[0] if suggestions else None
        out.append(
            NewObservation(
                **base,
                kind="ocr",
                method=_method(hit, method),
                created_by=_method(hit, method),
                text=hit.text,
                vendor=best.vendor if best else None,
                bbox=hit.bbox,
                quad=hit.quad,
                score=hit.score,
                params={
                    "normalized": norm,
                    "vendor_suggestions": [
                        {
                            "vendor": s.vendor,
                            "matched": s.matched,
                            "kind": s.match_kind,
                            "score": s.score,
                            "rule": s.rule,
                        }
                        for s in suggestions
                    ],
                    "vendor_method": VENDOR_METHOD,
                    **_readings(hit),
                },
            )
        )
        for cap in find_capabilities(hit.text, capabilities):
            out.append(
                NewObservation(
                    **base,
                    kind="capability",
                    method=CAP_METHOD,
                    created_by=CAP_METHOD,
                    text=hit.text,
                    label=cap.capability,
                    bbox=hit.bbox,
                    score=hit.score,
                    params={
                        "pattern": cap.pattern,
                        "capability": cap.label,
                        "provisions": list(cap.provisions),
                        "ocr": _method(hit, method),
                    },
                )
            )
    for match in identify([line.text for line in state.lines], signatures):
        if match.product in state.products:
            continue
        state.products.add(match.product)
        boxes = [
            line.bbox
            for line in state.lines
            if any(m.casefold() in line.text.casefold() for m in match.matched)
        ]
        bbox = _union(boxes) if boxes else (0, 0, size[0], size[1])
        out.append(
            NewObservation(
                **base,
                kind="interface",
                method=IF_METHOD,
                created_by=IF_METHOD,
                label=match.product,
                vendor=match.vendor,
                bbox=bbox,
                score=match.score,
                text="; ".join(match.matched),
                params={
                    "matched": list(match.matched),
                    "string_score": match.string_score,
                    "screenshot_score": match.screenshot_score,
                    "ocr": method,
                    **({"origin": match.origin} if match.origin else {}),
                },
            )
        )
    return out


def _method(hit: TextHit, method: str) -> str:
    """A line from a PDF's own text layer names that method ("pdf-text"), not the OCR's."""
    return hit.engine if hit.engine.startswith(PDF_TEXT) else method


def _readings(hit: TextHit) -> dict[str, Any]:
    """Every engine's raw reading of the line, when several were compared."""
    if not hit.readings:
        return {}
    return {"readings": [{"engine": e, "text": t, "score": s} for e, t, s in hit.readings]}


def plausible(hit: TextHit) -> bool:
    """Drop OCR noise: single glyphs, and short strings read with low confidence."""
    alnum = sum(ch.isalnum() for ch in hit.text)
    return alnum >= 2 and not (alnum <= 3 and hit.score < 0.9)


def _seen(norm: str, bbox: BBox, seen: list[tuple[str, BBox]]) -> bool:
    for text, box in seen:
        if norm == text and iou(bbox, box) > 0.3:
            return True
        # the same line at the same place, read a little differently on another keyframe
        if iou(bbox, box) > 0.5 and fuzz.ratio(norm, text) >= 70:
            return True
        # a panned or partly covered screen shows a part of a line read before
        if len(norm) >= 8 and fuzz.partial_ratio(norm, text) >= 90 and len(norm) <= len(text):
            return True
    return False


def _inside(a: BBox, b: BBox) -> bool:
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


def _union(boxes: list[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
