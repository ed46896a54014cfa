"""The scripted second half of the FICTIONAL demo (data/demo/story.toml): a named demo
reviewer confirms and rejects chosen findings, the fictional registry, procurement and
relation records are imported, the footage is linked to its site, the proposed edges are
accepted, an edge citing a confirmed finding is added, and the case file is published."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.case import observations, records
from workbench.case.folder import Case
from workbench.errors import WorkbenchError
from workbench.progress import NullProgress, ProgressSink
from workbench.resources import data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass
class StoryResult:
    reviewer: str
    confirmed: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    accepted: list[int] = field(default_factory=list)
    edges: list[int] = field(default_factory=list)
    bundle: Path | None = None
    bundle_zip: Path | None = None
    bundle_problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"review by {self.reviewer}: {len(self.confirmed)} confirmed, "
            f"{len(self.rejected)} rejected",
            "graph: " + "; ".join(self.imports),
            f"graph: {len(self.accepted)} appears_in proposals accepted, "
            f"{len(self.edges)} edge(s) citing confirmed findings",
        ]
        if self.bundle:
            state = "verifies" if not self.bundle_problems else "DOES NOT VERIFY"
            out.append(f"case file: {self.bundle} ({state})")
        return out


def load_story(path: Path | None = None) -> dict[str, Any]:
    path = path or data_dir() / "demo" / "story.toml"
    return tomllib.loads(path.read_text("utf-8"))


def matches(obs: observations.Observation, rule: dict[str, Any]) -> bool:
    """Whether an observation is chosen by a story rule (kind plus label/vendor/text)."""
    if obs.kind != rule.get("kind"):
        return False
    for key in ("label", "vendor", "text"):
        if key in rule and getattr(obs, key) != rule[key]:
            return False
    return not ("text_contains" in rule and rule["text_contains"] not in (obs.text or ""))


def chosen(case: Case, rule: dict[str, Any], status: str | None = "suggested") -> list[int]:
    return [o.id for o in observations.query(case.conn, status=status) if matches(o, rule)]


def review_findings(case: Case, story: dict[str, Any]) -> tuple[list[int], list[int]]:
    who = story["reviewer"]
    confirmed: list[int] = []
    rejected: list[int] = []
    for rule in story.get("confirm", []):
        ids = chosen(case, rule)
        if ids:
            observations.review(case.conn, ids, "confirmed", who, rule.get("note"))
            confirmed += ids
    for rule in story.get("reject", []):
        ids = chosen(case, rule)
        if ids:
            observations.review(case.conn, ids, "rejected", who, rule.get("note"))
            rejected += ids
    return confirmed, rejected


def build_graph(case: Case, story: dict[str, Any], folder: Path) -> tuple[list[str], list, list]:
    from workbench.graph.entities import resolve
    from workbench.graph.imports import import_file
    from workbench.graph.proposals import decide, link_video, propose
    from workbench.graph.relations import NewEvidence, add_evidence, add_relation, find_relation

    who = story["reviewer"]
    done = []
    for spec in story.get("imports", []):
        r = import_file(case, who, folder / spec["file"], spec["kind"])
        done.append(f"{spec['file']} {r.rows_imported} rows")
    site = resolve(case, story["site"], "site").id
    for video in records.videos(case.conn):
        if video.kind == "video":  # footage filmed there; not the brochure or the post
            link_video(case, who, site, video.sha256, "the demo footage (fictional)")
    proposed = propose(case, who).proposals
    accepted = [p.id for p in decide(case, who, [p.id for p in proposed], True)] if proposed else []
    edges = []
    for edge in story.get("edge", []):
        ids = chosen(case, edge["evidence"], status="confirmed")
        if not ids:
            raise WorkbenchError(f"No confirmed finding matches the evidence of {edge}.")
        pieces = [
            NewEvidence(kind="observation", observation_id=i, note=edge.get("note")) for i in ids
        ]
        ends = resolve(case, edge["source"]).id, resolve(case, edge["target"]).id
        known = find_relation(case.conn, edge["relation"], *ends)
        if known:  # an imported relation: the finding is more evidence for it
            for piece in pieces:
                add_evidence(case, who, known, piece)
            edges.append(known)
            continue
        conf = edge.get("confidence", 0.8)
        rel = add_relation(case, who, edge["relation"], *ends, confidence=conf, evidence=pieces)
        edges.append(rel.id)
    return done, accepted, edges


def publish_case_file(case: Case, story: dict[str, Any], progress: ProgressSink):
    from workbench.publish.bundle import PublishOptions, publish
    from workbench.publish.manifest import verify_bundle

    out = case.root / "exports" / "case-file"
    result = publish(
        case, out, story["reviewer"], PublishOptions(make_zip=True, pdf=True), progress
    )
    report = verify_bundle(out)
    return result, list(report.problems)


def run_story(
    case: Case, progress: ProgressSink | None = None, story_path: Path | None = None
) -> StoryResult:
    progress = progress or NullProgress()
    path = story_path or data_dir() / "demo" / "story.toml"
    story = load_story(path)
    result = StoryResult(reviewer=story["reviewer"])
    progress.update("demo story", 0, 3)
    result.confirmed, result.rejected = review_findings(case, story)
    progress.update("demo story", 1, 3)
    result.imports, result.accepted, result.edges = build_graph(case, story, path.parent)
    progress.update("demo story", 2, 3)
    published, result.bundle_problems = publish_case_file(case, story, progress)
    result.bundle, result.bundle_zip = published.path, published.zip_path
    progress.update("demo story", 3, 3)
    return result
