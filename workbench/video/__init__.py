"""The footage engine: exact frames, shots and keyframes, enhancement, rectification, clips.

Names are imported lazily, so `import workbench.video` loads neither PyAV nor OpenCV.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "VideoError": "errors",
    "FrameIndex": "index",
    "build_index": "index_build",
    "Frame": "frames",
    "FrameRef": "frames",
    "FrameReader": "frames",
    "pixel_sha256": "frames",
    "ScanParams": "signals",
    "Shot": "shots",
    "Keyframe": "keyframes",
    "ShotAnalysis": "keyframes",
    "analyze_video": "scan",
    "analyze_keyframes": "analysis",
    "load_analysis": "analysis",
    "analysis_rows": "analysis",
    "StoredAnalysis": "analysis",
    "Chain": "enhance",
    "parse_step": "steps",
    "StackResult": "stack",
    "stack_frames": "stack",
    "stack_arrays": "stack",
    "Quad": "rectify",
    "rectify_quad": "rectify",
    "suggest_quads": "rectify",
    "order_corners": "rectify",
    "ClipResult": "clips",
    "FramesResult": "clips",
    "export_clip": "clips",
    "export_frames": "clips",
    "timecode": "clips",
}

__all__ = [
    "Chain",
    "ClipResult",
    "Frame",
    "FrameIndex",
    "FrameReader",
    "FrameRef",
    "FramesResult",
    "Keyframe",
    "Quad",
    "ScanParams",
    "Shot",
    "ShotAnalysis",
    "StackResult",
    "StoredAnalysis",
    "VideoError",
    "analysis_rows",
    "analyze_keyframes",
    "analyze_video",
    "build_index",
    "export_clip",
    "export_frames",
    "load_analysis",
    "order_corners",
    "parse_step",
    "pixel_sha256",
    "rectify_quad",
    "stack_arrays",
    "stack_frames",
    "suggest_quads",
    "timecode",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench.video' has no attribute {name!r}")
    value = getattr(import_module(f"workbench.video.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from workbench.video.analysis import (
        StoredAnalysis,
        analysis_rows,
        analyze_keyframes,
        load_analysis,
    )
    from workbench.video.clips import (
        ClipResult,
        FramesResult,
        export_clip,
        export_frames,
        timecode,
    )
    from workbench.video.enhance import Chain
    from workbench.video.errors import VideoError
    from workbench.video.frames import Frame, FrameReader, FrameRef, pixel_sha256
    from workbench.video.index import FrameIndex
    from workbench.video.index_build import build_index
    from workbench.video.keyframes import Keyframe, ShotAnalysis
    from workbench.video.rectify import Quad, order_corners, rectify_quad, suggest_quads
    from workbench.video.scan import analyze_video
    from workbench.video.shots import Shot
    from workbench.video.signals import ScanParams
    from workbench.video.stack import StackResult, stack_arrays, stack_frames
    from workbench.video.steps import parse_step
