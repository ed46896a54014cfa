"""What a bundle says, read from the case store: findings, sources, graph, timeline.

Only confirmed findings by default; machine suggestions when asked for, always
labelled. Relations without evidence (hypotheses) are left out unless suggestions
are asked for, and then marked. Manual boxes tagged `redact` are redaction
instructions, not findings, and are never published as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from workbench.case import citation, records
from workbench.case.folder import Case
from workbench.case.observations import Observation, corrected_by, query
from workbench.publish.safe import file_name, scrub
from workbench.publish.timeline import Event, timeline

REDACT_TAGS = ("redact", "redact-video")  # that frame only / every frame of the video
MANUAL = "manual"


@dataclass
class FindingItem:
    obs: Observation
    origin: str  # person | machine-confirmed | machine-suggestion
    provisions: list[str] = field(default_factory=list)
    crop: str | None = None  # bundle path of the redacted crop
    frame_image: str | None = None

    @property
    def machine(self) -> bool:
        return self.origin != "person"

    @property
    def anchor(self) -> str:
        return f"finding-{self.obs.id}"

    @property
    def what(self) -> str:
        o = self.obs
        shown = " / ".join(x for x in (o.label, o.vendor, o.text) if x) or o.kind
        typed = corrected_by(o)
        if not typed:
            return shown
        # a corrected reading is credited to who typed it, with what the machine read
        first = o.params.get("machine_reading") or {}
        read = " / ".join(f"{first[k]}" for k in ("label", "vendor", "text") if first.get(k))
        who = ", ".join(f"{k} by {by}" for k, by in sorted(typed.items()))
        return f"{shown} (typed: {who}; the machine read: {read or 'nothing'})"


ORIGIN_TEXT = {
    "person": "noted by a person",
    "machine-confirmed": "machine-assisted: suggested by software, confirmed by a person",
    "machine-suggestion": "MACHINE-GENERATED suggestion, not reviewed by a person",
}


@dataclass
class FrameItem:
    video: str
    index: int
    time_s: float
    findings: list[FindingItem] = field(default_factory=list)
    image: str | None = None
    width: int = 0
    height: int = 0
    pixel_sha256: str | None = None  # of the decoded frame (before redaction)
    pixel_match: bool | None = None  # against the hash recorded with the findings
    faces_hidden: int = 0
    manual_hidden: int = 0
    media_kind: str = "video"  # video | still | document: cited as frame, image or page

    @property
    def where(self) -> str:
        """ "page 3 of document 1a2b…", "image 1a2b…" or "frame 12 of video 1a2b…"."""
        return citation.where(self.media_kind, self.video, self.index)

    @property
    def key(self) -> str:
        return f"{self.video[:12]}-{self.index:06d}"


def origin(o: Observation) -> str:
    if o.status == "suggested":
        return "machine-suggestion"
    return "person" if o.method == MANUAL or o.kind == MANUAL else "machine-confirmed"


def is_redaction_box(o: Observation) -> bool:
    return o.kind == MANUAL and any(t in REDACT_TAGS for t in o.tags)


def published_findings(
    case: Case, include_suggestions: bool, capability_map: dict[str, tuple[str, ...]]
) -> list[FindingItem]:
    wanted = ("confirmed", "suggested") if include_suggestions else ("confirmed",)
    items = []
    for o in query(case.conn):
        if o.status not in wanted or is_redaction_box(o):
            continue
        provisions: list[str] = []
        if o.kind == "capability":
            named = o.params.get("provisions")
            provisions = list(named) if isinstance(named, list) else []
            provisions = provisions or list(capability_map.get(o.label or "", ()))
        items.append(FindingItem(o, origin(o), [str(p) for p in provisions]))
    return items


def redaction_boxes(case: Case) -> tuple[dict[tuple[str, int], list], dict[str, list]]:
    """Boxes people marked for redaction: per (video, frame) and per whole video."""
    per_frame: dict[tuple[str, int], list] = {}
    per_video: dict[str, list] = {}
    for o in query(case.conn, kind=MANUAL):
        if not is_redaction_box(o) or o.status == "rejected" or not o.bbox:
            continue
        box = tuple(int(v) for v in o.bbox)
        if "redact-video" in o.tags:
            per_video.setdefault(o.video, []).append(box)
        else:
            per_frame.setdefault((o.video, o.frame_index), []).append(box)
    return per_frame, per_video


def group_frames(
    findings: list[FindingItem], kinds: dict[str, str] | None = None
) -> list[FrameItem]:
    frames: dict[tuple[str, int], FrameItem] = {}
    kinds = kinds or {}
    for f in findings:
        key = (f.obs.video, f.obs.frame_index)
        if key not in frames:
            kind = kinds.get(f.obs.video, "video")
            frames[key] = FrameItem(f.obs.video, f.obs.frame_index, f.obs.time_s, media_kind=kind)
        frames[key].findings.append(f)
    return [frames[k] for k in sorted(frames)]


def sources(case: Case, forbidden: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every source with its video's facts; a local file is named, its folder is not."""
    videos = {v.sha256: v for v in records.videos(case.conn)}
    out = []
    for s in records.sources(case.conn):
        v = videos.get(s.video_sha256)
        item: dict[str, Any] = {
            "id": s.id,
            "video": s.video_sha256,
            "kind": s.kind,
            "media_kind": v.kind if v else None,
            "url": s.uri if s.kind == "url" else None,
            "file_name": file_name(s.uri) if s.kind != "url" else None,
            "webpage_url": s.webpage_url,
            "title": s.title,
            "uploader": s.uploader,
            "upload_date": s.upload_date,
            "extractor": s.extractor,
            "retrieved_at": s.retrieved_at,
            "retrieved_by": s.actor,
            "tool_versions": s.tool_versions,
            "captures": [
                {
                    "kind": c.kind,
                    "url": c.url,
                    "sha256": c.sha256,
                    "file": PurePosixPath(c.media_path).name,
                    "captured_at": c.captured_at,
                    "method": c.method,
                }
                for c in s.captures
            ],
        }
        if v is not None:
            item["video_facts"] = {
                "container": v.container,
                "codec": v.codec,
                "fps": v.fps,
                "frame_count": v.frame_count,
                "duration_s": v.duration_s,
                "width": v.width,
                "height": v.height,
                "size_bytes": v.size_bytes,
            }
        out.append(scrub(item, forbidden))
    return out


def _value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def media_kinds(case: Case) -> dict[str, str]:
    return {v.sha256: v.kind for v in records.videos(case.conn)}


def graph_items(case: Case, include_hypotheses: bool):  # -> (GraphView, list[dict], int)
    """The graph view to publish, its edges with their counting evidence, and how
    many hypotheses were left out."""
    from workbench.graph.queries import edge_evidence
    from workbench.graph.view import GraphView, build

    full = build(case)
    edges = [e for e in full.edges if include_hypotheses or not e.get("hypothesis")]
    view = GraphView(full.nodes, edges)
    labels = {n["id"]: n["label"] for n in view.nodes}
    kinds = media_kinds(case)
    items = []
    for e in view.edges:
        rows = edge_evidence(case, e["id"], view).to_dict("records")
        pieces = [{k: _value(v) for k, v in r.items()} for r in rows]
        for p in pieces:  # cited as page, image or frame
            p["media_kind"] = kinds.get(str(p.get("video_sha256") or ""))
        items.append(
            {
                "edge": e,
                "source_label": labels.get(e["source"], e["source"]),
                "target_label": labels.get(e["target"], e["target"]),
                "evidence": [p for p in pieces if p.get("counts")],
                "not_counted": sum(1 for p in pieces if not p.get("counts")),
            }
        )
    return view, items, len(full.edges) - len(edges)


@dataclass
class ReportData:  # published_at "" : a preview, never published
    """Everything the HTML and Markdown reports show."""

    title: str
    summary: str
    fictional: bool
    published_at: str
    published_by: str
    workbench_version: str
    include_suggestions: bool
    unredacted: bool
    frames: list[FrameItem]
    findings: list[FindingItem]
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    hypotheses_left_out: int
    sources: list[dict[str, Any]]
    provisions: list[Any]  # legal.Provision
    timeline: list[Event]
    detector: str | None
    policy: dict[str, Any] | None
    faces_hidden: int
    manual_hidden: int
    images: int
    key_fingerprint: str | None
    graph_png: str | None
    graph_html: str | None
    data_files: list[str]
    pdf: str | None = "report.pdf"
    pdf_note: str | None = None

    @property
    def methods(self) -> list[str]:
        return sorted({f.obs.method for f in self.findings})

    @property
    def reviewers(self) -> list[str]:
        return sorted({f.obs.reviewed_by for f in self.findings if f.obs.reviewed_by})

    @property
    def suggestions(self) -> int:
        return sum(1 for f in self.findings if f.obs.status == "suggested")

    @property
    def machine_confirmed(self) -> int:
        return sum(1 for f in self.findings if f.origin == "machine-confirmed")

    def provision_refs(self) -> dict[str, list[FindingItem]]:
        refs: dict[str, list[FindingItem]] = {}
        for f in self.findings:
            for p in f.provisions:
                refs.setdefault(p, []).append(f)
        return refs


@dataclass
class Gathered:
    """What a case file publishes, read from the case once (publish and its preview)."""

    findings: list[FindingItem]
    frames: list[FrameItem]
    view: Any  # graph.view.GraphView
    edges: list[dict[str, Any]]
    hypotheses_left_out: int
    sources: list[dict[str, Any]]
    provisions: list[Any]  # legal.Provision


def gather(case: Case, include_suggestions: bool, forbidden: tuple[str, ...]) -> Gathered:
    from workbench.publish.legal import capability_provisions, load_provisions

    findings = published_findings(case, include_suggestions, capability_provisions())
    view, edges, left_out = graph_items(case, include_hypotheses=include_suggestions)
    return Gathered(
        findings=findings,
        frames=group_frames(findings, media_kinds(case)),
        view=view,
        edges=edges,
        hypotheses_left_out=left_out,
        sources=sources(case, forbidden),
        provisions=list(load_provisions().values()),
    )


def report_data(
    case: Case,
    g: Gathered,
    *,
    published_at: str,
    published_by: str,
    include_suggestions: bool,
    unredacted: bool,
    **images: Any,
) -> ReportData:
    """The report's content from what was gathered; `images` are the fields that only
    rendering the images decides (detector, policy, counts, files, pdf)."""
    from workbench import __version__
    from workbench.publish.copy_events import copy_events

    return ReportData(
        title=case.info.title,
        summary=case.info.summary,
        fictional=case.info.fictional,
        published_at=published_at,
        published_by=published_by,
        workbench_version=__version__,
        include_suggestions=include_suggestions,
        unredacted=unredacted,
        frames=g.frames,
        findings=g.findings,
        nodes=g.view.nodes,
        edges=g.edges,
        hypotheses_left_out=g.hypotheses_left_out,
        sources=g.sources,
        provisions=g.provisions,
        timeline=sorted(
            timeline(g.sources, g.findings, g.edges, published_at)
            + [Event(*e) for e in copy_events(case)],  # earliest uploads of shared footage
            key=lambda ev: (ev.date, ev.text),
        ),
        **images,
    )
