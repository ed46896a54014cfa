"""The Findings page's logic: observations as a table with crop thumbnails, filters,
bulk review, corrections and links to the graph. No Streamlit here.

Crops are cut from the observation's own frame (decoded from the original) and cached
as PNG under derived/crops/, named by observation id and the frame's pixel hash, so a
crop is re-cut only when its frame or box changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbench.app.finding_crops import crops, data_uri
from workbench.case import records
from workbench.case.folder import Case
from workbench.case.observations import (
    KINDS,
    STATUSES,
    Observation,
    correct,
    query,
    review,
    undo,
    withdrawn,
)
from workbench.case.observations import vendors as distinct_vendors
from workbench.case.search import Hit
from workbench.graph.records import Evidence
from workbench.recognize.propagate import propagate

SELECT = "select"
COLUMNS = (
    SELECT,
    "crop",
    "id",
    "kind",
    "status",
    "text",
    "label",
    "vendor",
    "score",
    "video",
    "frame_index",
    "time_s",
    "method",
    "reviewed_by",
    "reviewed_at",
)


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    vendor: str | None = None
    status: str | None = None
    video: str | None = None
    media: str | None = None  # video | still | document


def filter_options(case: Case) -> dict[str, list[str]]:
    """The values each filter can take, from what the case holds."""
    vendors = distinct_vendors(case.conn)
    return {
        "kind": list(KINDS),
        "status": list(STATUSES),
        "vendor": vendors,
        "video": [v.sha256 for v in records.videos(case.conn)],
        "media": ["video", "still", "document"],
    }


def observations(case: Case, filters: Filters = Filters()) -> list[Observation]:
    """The observations these filters keep (withdrawn notes are shown nowhere)."""
    found = query(
        case.conn,
        kind=filters.kind or None,
        status=filters.status or None,
        video=filters.video or None,
        vendor=filters.vendor or None,
    )
    kinds = {v.sha256: v.kind for v in records.videos(case.conn)} if filters.media else {}
    return [o for o in found if not withdrawn(o) and kinds.get(o.video) == filters.media]


def search(case: Case, words: str) -> list[Hit]:
    """Every observation of every video whose words match (see workbench.case.search)."""
    from workbench.case.search import search as run

    return run(case.conn, words)


def hits_table(hits: list[Hit]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": h.observation.id,
                "kind": h.observation.kind,
                "status": h.observation.status,
                "frame": h.observation.frame_index,
                "time_s": round(h.observation.time_s, 3),
                "video": h.observation.video[:12],
                "match": h.snippet,
            }
            for h in hits
        ]
    )


def review_state(obs: Observation) -> dict[str, object]:
    """Session state that opens the Review page at the finding's exact frame, with its
    box highlighted and its review panel open."""
    return {
        "review_video": obs.video,
        "review_goto": obs.frame_index,
        "review_highlight": obs.id,
        "review_picked": obs.id,
    }


def undo_one(case: Case, oid: int, by: str, seen: str | None = None) -> Observation:
    """A reviewed suggestion back to suggested, or a note withdrawn (see observations.undo)."""
    return undo(case.conn, oid, by, expected_status=seen)


def get(case: Case, oid: int) -> Observation | None:
    found = query(case.conn, ids=[oid])
    return found[0] if found else None


# -- the table ----------------------------------------------------------------------
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


def _rows(case: Case, items: list[Observation], with_crops: bool) -> pd.DataFrame:
    cut = crops(case, items) if with_crops else {}
    rows = [
        {
            SELECT: False,
            "crop": data_uri(cut[o.id]) if o.id in cut else None,
            "id": o.id,
            "kind": o.kind,
            "status": o.status,
            "text": o.text,
            "label": o.label,
            "vendor": o.vendor,
            "score": o.score,
            "video": o.video[:12],
            "frame_index": o.frame_index,
            "time_s": o.time_s,
            "method": o.method,
            "reviewed_by": o.reviewed_by,
            "reviewed_at": (o.reviewed_at or "")[:19] or None,
        }
        for o in items
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def frame(
    case: Case,
    filters: Filters = Filters(),
    with_crops: bool = True,
    offset: int = 0,
    limit: int | None = None,
) -> pd.DataFrame:
    """One row per observation (COLUMNS) from OFFSET, at most LIMIT of them (all when
    None); `crop` is a data: URI or None. Crops are cut only for the rows returned."""
    items = observations(case, filters)
    start = max(0, int(offset))
    end = None if limit is None else start + max(0, int(limit))
    return _rows(case, items[start:end], with_crops)


def page_count(total: int, size: int) -> int:
    """How many pages TOTAL rows make, SIZE a page (at least one, even when empty)."""
    return max(1, -(-int(total) // max(1, int(size))))


@dataclass(frozen=True)
class Page:
    """One page of the table: its rows, where they sit among all TOTAL rows."""

    table: pd.DataFrame
    total: int
    number: int  # 1-based
    size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    @property
    def first(self) -> int:  # 1-based number of the first row shown; 0 when none
        return (self.number - 1) * self.size + 1 if len(self.table) else 0

    @property
    def last(self) -> int:
        return self.first + len(self.table) - 1 if len(self.table) else 0

    @property
    def caption(self) -> str:
        return f"rows {self.first}–{self.last} of {self.total}"


def page(
    case: Case,
    items: list[Observation],
    number: int = 1,
    size: int = DEFAULT_PAGE_SIZE,
    with_crops: bool = True,
) -> Page:
    """Page NUMBER (1-based, kept within the pages there are) of ITEMS, SIZE rows a
    page; only its rows (and their crops) are built."""
    size = max(1, int(size))
    number = min(max(1, int(number)), page_count(len(items), size))
    start = (number - 1) * size
    return Page(_rows(case, items[start : start + size], with_crops), len(items), number, size)


def selected_ids(table: pd.DataFrame) -> list[int]:
    """The ids of the rows whose `select` box is ticked."""
    if table.empty:
        return []
    return [int(i) for i in table.loc[table[SELECT].fillna(False).astype(bool), "id"]]


def review_ids(
    case: Case, ids: list[int], status: str, by: str, seen: Mapping[int, str] | None = None
) -> list[Observation]:
    """Confirm or reject (all or none), recorded with who and when; `seen` (id -> the
    status the page showed) refuses a decision on a finding someone else changed since."""
    expected = {i: seen[i] for i in ids if seen and i in seen}
    done = review(case.conn, ids, status, by, expected=expected)
    if status == "confirmed":  # proposed at the aligned frames of the shot's copies
        propagate(case, ids, by)
    return done


def correct_one(
    case: Case,
    oid: int,
    by: str,
    text: str | None = None,
    label: str | None = None,
    vendor: str | None = None,
    confirm: bool = False,
    seen: str | None = None,
) -> Observation:
    """Correct what an observation says; confirm it too when asked. `seen`: the status
    the page showed (a finding someone else decided since is not corrected over them)."""
    obs = correct(case.conn, oid, by, text=text, label=label, vendor=vendor, expected_status=seen)
    if confirm and obs.status != "confirmed":
        obs = review(case.conn, [oid], "confirmed", by)[0]
    return obs


# -- links to the graph ---------------------------------------------------------------
def link_to_relation(
    case: Case, actor: str, oid: int, relation_id: int, note: str | None = None
) -> Evidence:
    """Cite a confirmed observation as evidence of an existing relation."""
    from workbench.graph.relations import NewEvidence, add_evidence

    ev = NewEvidence(kind="observation", observation_id=oid, note=note or None)
    return add_evidence(case, actor, relation_id, ev)


def link_appears_in(case: Case, actor: str, oid: int, entity: str, site: str) -> int:
    """`entity appears_in site`, citing the observation; the relation is added if new,
    else the observation is added to its evidence. Returns the relation id."""
    from workbench.graph.entities import get_entity
    from workbench.graph.relations import NewEvidence, add_evidence, add_relation, find_relation

    ev = NewEvidence(kind="observation", observation_id=oid)
    src, tgt = get_entity(case, entity), get_entity(case, site)
    existing = find_relation(case.conn, "appears_in", src.id, tgt.id)
    if existing:
        add_evidence(case, actor, existing, ev)
        return existing
    return add_relation(case, actor, "appears_in", src.id, tgt.id, evidence=[ev]).id


def entity_choices(case: Case, kinds: tuple[str, ...] = ()) -> dict[str, str]:
    """id → "name (kind, id)" of every entity (of these kinds), for select boxes."""
    from workbench.graph.entities import list_entities

    return {
        e.id: f"{e.name} ({e.kind}, {e.id})"
        for e in list_entities(case)
        if not kinds or e.kind in kinds
    }


def relation_choices(case: Case) -> list[tuple[int, str]]:
    """(relation id, "A kind B") of every stored relation."""
    from workbench.graph import entity_rows, relation_rows

    names = entity_rows.display_names(case.conn)
    return [
        (rid, f"#{rid}: {names[src]} {kind} {names[tgt]}")
        for rid, kind, src, tgt, *_ in relation_rows.view_rows(case.conn)
        if src in names and tgt in names
    ]


def describe(o: Observation) -> dict[str, Any]:
    """What the page shows of one observation: only what is known, in words (no JSON,
    no NULL), with who typed a corrected value and what the machine read first."""
    out: dict[str, Any] = {
        "finding": f"#{o.id} · {o.kind} · {o.status}",
        "text": o.text,
        "label": o.label,
        "vendor": o.vendor,
        "where": f"frame {o.frame_index} at {o.time_s:.3f} s of {o.video[:12]}",
        "box (x0, y0, x1, y1)": ", ".join(str(v) for v in o.bbox) if o.bbox else None,
        "made by": o.method if o.kind != "manual" else f"a note by {o.created_by}",
        "score": f"{o.score:.2f}" if o.score is not None else None,
    }
    typed = o.params.get("typed_by") or {}
    if typed:
        out["typed by"] = ", ".join(f"{k}: {v}" for k, v in sorted(typed.items()))
    machine = o.params.get("machine_reading") or {}
    if machine:
        out["the machine read"] = ", ".join(f"{k}: {v}" for k, v in sorted(machine.items()))
    if o.reviewed_by:
        out["last decision"] = f"{o.status} by {o.reviewed_by} at {o.reviewed_at}"
    return {k: v for k, v in out.items() if v not in (None, "")}
