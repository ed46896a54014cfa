"""Redaction benchmark on frames made from real photographs of people (tests/publish/scenes).

For each scene (a face-search screen with a live view and a watchlist of thumbnails,
a control room with a wall portrait) and each hiding method: faces the detector finds
before, the highest score it still finds after (at 1x and 2x, anywhere in the image and
near a former face), passes, and seconds. The frames go through H.264 and back first,
as footage does, and the published JPEG is what is searched after.

    .venv/bin/python bench/bench_publish.py

Not a test: it prints a table.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from tests.publish import scenes
from workbench.publish.faces import default_detector
from workbench.publish.images import jpeg
from workbench.publish.redact import RedactionPolicy, find_faces, redact, widen
from workbench.synth import write_video
from workbench.video.frames import FrameReader


def _decoded() -> dict[str, np.ndarray]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenes.mp4"
        write_video(path, scenes.frames(2), fps=25, gop=2, crf=18)
        with FrameReader(path) as reader:
            return {"face-search screen": reader.get(0).rgb, "control room": reader.get(2).rgb}


def main() -> None:
    detector = default_detector()
    print(detector.method)
    print(
        f"{'scene':<20} {'method':<9} {'faces':>5} {'min before':>10} {'max after':>9} "
        f"{'near face':>9} {'passes':>6} {'s':>5}"
    )
    for name, rgb in _decoded().items():
        base = RedactionPolicy()
        before = find_faces(detector, rgb, 0.5, base)
        regions = [widen(f, 0.5, rgb.shape) for f in before]
        for method in ("pixelate", "blur", "fill"):
            policy = RedactionPolicy(method=method)
            t = time.perf_counter()
            done = redact(rgb, detector, policy, codec=jpeg)
            seconds = time.perf_counter() - t
            _, seen = jpeg(done.rgb)
            after = find_faces(detector, seen, 0.01, policy)
            near = [
                f
                for f in after
                if any(f.x0 < r[2] and r[0] < f.x1 and f.y0 < r[3] and r[1] < f.y1 for r in regions)
            ]
            print(
                f"{name:<20} {method:<9} {len(before):>5} "
                f"{min(f.score for f in before):>10.3f} "
                f"{max((f.score for f in after), default=0):>9.3f} "
                f"{max((f.score for f in near), default=0):>9.3f} "
                f"{done.report.passes:>6} {seconds:>5.1f}"
            )


if __name__ == "__main__":
    main()
