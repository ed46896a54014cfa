"""The case file's timeline: uploads, retrievals, confirmations, dated relations and
publication, in date order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.publish.content import FindingItem


@dataclass(frozen=True)
class Event:
    date: str
    text: str
    anchor: str | None = None


def _date(text: str | None) -> str | None:
    if not text:
        return None
    t = str(text)
    if len(t) == 8 and t.isdigit():  # yt-dlp's upload_date
        return f"{t[:4]}-{t[4:6]}-{t[6:]}"
    return t[:16].replace("T", " ")


def timeline(
    srcs: list[dict[str, Any]],
    findings: list[FindingItem],
    edges: list[dict[str, Any]],
    published_at: str,
) -> list[Event]:
    events: list[Event] = []
    for s in srcs:
        name = s["title"] or s["webpage_url"] or s["url"] or s["file_name"] or s["video"][:12]
        if _date(s.get("upload_date")):
            who = f" by {s['uploader']}" if s.get("uploader") else ""
            events.append(
                Event(
                    _date(s["upload_date"]) or "",
                    f"published online{who}: {name}",
                    f"source-{s['id']}",
                )
            )
        events.append(
            Event(
                _date(s["retrieved_at"]) or "",
                f"retrieved for this case: {name}",
                f"source-{s['id']}",
            )
        )
    confirmed: dict[str, int] = {}
    for f in findings:
        if f.obs.status == "confirmed" and f.obs.reviewed_at:
            day = f.obs.reviewed_at[:10]
            confirmed[day] = confirmed.get(day, 0) + 1
    for day, n in confirmed.items():
        events.append(Event(day, f"{n} finding(s) confirmed by a person", "findings"))
    for item in edges:
        e = item["edge"]
        claim = f"{item['source_label']} {e['label']} {item['target_label']}"
        for key, word in (("start", "from"), ("end", "until")):
            if e.get(key):
                events.append(Event(str(e[key]), f"{claim} ({word} this date)", str(e["id"])))
    if published_at:  # a preview has not been published
        events.append(Event(_date(published_at) or published_at, "this case file was published"))
    return sorted(events, key=lambda ev: (ev.date, ev.text))
