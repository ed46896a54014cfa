"""A window of rendered frames around the current one, for the browser's frame viewer:
it steps through them by key without asking the server, and asks for a new window when
a step leaves it. Also the timeline: shots, keyframes and findings over the whole video.
No Streamlit here."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

from workbench.app import overlays
from workbench.app.coords import Box, View
from workbench.app.frames import FrameService, encode
from workbench.case.observations import Observation
from workbench.video.enhance import Chain
from workbench.video.shots import Shot

BEHIND = 12  # frames kept behind the current one (against the direction of stepping)
AHEAD = 40  # frames sent ahead of it: the viewer asks for the next window well before
# it reaches this edge, so fast stepping (+10s) rarely outruns it
JUMP = (3, 12)  # (behind, ahead) for a step that left the window: the first picture soon
BUDGET = 24  # new pictures rendered per request at most (about 0.2 s on one core)
KEEP = 240  # finished window frames kept in memory (about 8 MB of JPEG at 960 px)
_KEPT: OrderedDict[tuple[str, int], WindowFrame] = OrderedDict()
_KEPT_LOCK = threading.Lock()


def _no_shot(_index: int) -> tuple[int, int] | None:
    return None


@dataclass(frozen=True)
class WindowFrame:
    index: int
    time_s: float
    pixel_sha256: str
    note: str  # what the overlays on it are (own, borrowed from frame N)
    uri: str  # data:image/jpeg;base64,...
    boxes: tuple[dict[str, float], ...] = ()  # id, x0, y0, x1, y1 in the picture's pixels


def window_range(
    center: int, count: int, direction: int = 1, behind: int = BEHIND, ahead: int = AHEAD
) -> range:
    """The indexes of the window around `center`: `ahead` frames in the direction of
    stepping (forward unless `direction` < 0), `behind` frames the other way, kept inside
    the video (a window at an end is shifted, not shortened, when the video is long
    enough)."""
    size = behind + ahead + 1
    start = center - (behind if direction >= 0 else ahead)
    first = max(0, min(start, count - size))
    return range(first, min(count, first + size))


@dataclass(frozen=True, eq=False)
class ViewSettings:
    """What every picture of one viewer window shares: the video and how it is shown
    (zoom, enhancement chain, display width, the observations drawn on it)."""

    media: Path
    sha: str
    count: int
    chain: Chain
    zoom: Box | None
    width: int
    observations: tuple[Observation, ...] = ()
    kinds: tuple[str, ...] = ()
    shot_of: Callable[[int], tuple[int, int] | None] = _no_shot
    labels: bool = True
    quality: int = 80

    @cached_property
    def signature(self) -> str:
        """Equal for two settings that draw the same pictures."""
        return hashlib.sha256(
            repr(
                (str(self.media), self.sha, self.chain.to_string(), self.zoom, self.width,
                 self.labels, sorted(self.kinds), self.quality,
                 [(o.id, o.status, o.text, o.label, o.vendor, o.bbox, o.frame_index)
                  for o in self.observations])
            ).encode()
        ).hexdigest()  # fmt: skip


def kept(view: ViewSettings, i: int) -> WindowFrame | None:
    """Frame `i` of `view` if it was rendered lately (by the page or the frame server)."""
    with _KEPT_LOCK:
        hit = _KEPT.get((view.signature, i))
        if hit is not None:
            _KEPT.move_to_end((view.signature, i))
        return hit


def render(service: FrameService, view: ViewSettings, i: int) -> WindowFrame:
    """Frame `i` as the viewer shows it, rendered once and kept."""
    hit = kept(view, i)
    if hit is not None:
        return hit
    frame = _render(service, view, i)
    with _KEPT_LOCK:
        _KEPT[(view.signature, i)] = frame
        while len(_KEPT) > KEEP:
            _KEPT.popitem(last=False)
    return frame


def build(
    service: FrameService,
    view: ViewSettings,
    center: int,
    direction: int = 1,
    behind: int = BEHIND,
    ahead: int = AHEAD,
    budget: int = BUDGET,
) -> list[WindowFrame]:
    """The frames of the window as the page would show them (zoom, chain, overlays).
    Finished frames are kept (a shifted window re-uses the ones it shares with the last)."""
    span = window_range(center, view.count, direction, behind, ahead)
    if not span:
        return []
    center = min(max(center, span.start), span.stop - 1)
    got = {i: f for i in span if (f := kept(view, i)) is not None}
    # at most `budget` new pictures per call (a request must not wait for a whole cold
    # window): the current frame, then the side ahead, then the side behind, each kept
    # contiguous with the current frame; rendered in increasing order (cheap decoding)
    budget = max(1, budget)
    todo = [] if center in got else [center]
    low = range(center - 1, span.start - 1, -1)
    high = range(center + 1, span.stop)
    for side in (high, low) if direction >= 0 else (low, high):
        for i in side:
            if i not in got:
                if len(todo) >= budget:
                    break
                todo.append(i)
    keep = set(todo) | set(got)
    first, last = center, center
    while first - 1 in keep:
        first -= 1
    while last + 1 in keep:
        last += 1
    for i in sorted(i for i in todo if first <= i <= last):
        got[i] = render(service, view, i)
    return [got[i] for i in range(first, last + 1)]


def _render(service: FrameService, view: ViewSettings, i: int) -> WindowFrame:
    shown = service.render(view.media, view.sha, i, view.chain, zoom=view.zoom, width=view.width)
    on = overlays.for_frame(view.observations, i, view.kinds, view.shot_of(i))
    rgb, boxes = shown.rgb, []
    if shown.mappable:
        rgb = overlays.draw(
            rgb, shown.view, on.observations, labels=view.labels, borrowed=on.borrowed
        )
        boxes = [_box(o, shown.view) for o in on.observations if o.bbox]
    uri = "data:image/jpeg;base64," + base64.b64encode(encode(rgb, "jpeg", view.quality)).decode()
    return WindowFrame(
        i, shown.ref.time_s, shown.ref.pixel_sha256, on.describe(), uri, tuple(boxes)
    )


def _box(obs: Observation, view: View) -> dict[str, float]:
    assert obs.bbox is not None
    x0, y0, x1, y1 = obs.bbox
    (a, b), (c, d) = view.to_display(x0, y0), view.to_display(x1, y1)
    return {"id": obs.id, "x0": a, "y0": b, "x1": c, "y1": d}


@dataclass(frozen=True)
class Mark:
    index: int
    kind: str  # shot, keyframe, suggested, confirmed, rejected, manual
    title: str


def timeline(
    count: int,
    shots: Sequence[Shot],
    keyframes: Sequence[int],
    observations: Sequence[Observation],
) -> list[dict[str, object]]:
    """Marks over the whole video: shot starts, keyframes, and one mark per frame with
    findings (its most decided status: confirmed over suggested over rejected)."""
    marks = [Mark(s.first_index, "shot", f"shot {s.shot_no}") for s in shots if s.first_index]
    marks += [Mark(k, "keyframe", f"keyframe {k}") for k in keyframes]
    rank = {"confirmed": 3, "suggested": 2, "rejected": 1}
    best: dict[int, tuple[str, list[str]]] = {}
    for o in observations:
        kind = "manual" if o.kind == "manual" else o.status
        seen = best.get(o.frame_index)
        what = f"#{o.id} {o.kind} {o.status}: {(o.text or o.label or '')[:30]}"
        if seen is None:
            best[o.frame_index] = (kind, [what])
            continue
        keep = kind if rank.get(kind, 4) > rank.get(seen[0], 4) else seen[0]
        best[o.frame_index] = (keep, [*seen[1], what])
    marks += [Mark(i, k, "; ".join(w[:4])) for i, (k, w) in sorted(best.items())]
    return [asdict(m) for m in marks if 0 <= m.index < count]
