"""The same footage across uploads, for the case file: for each shot found in other
videos, its earliest known upload (from the sources' upload dates) and where else it
appears, with the time ranges."""

from __future__ import annotations

from workbench.case.folder import Case
from workbench.recognize.copies import copies_of, earliest_upload
from workbench.video.clips import timecode


def _day(text: str) -> str:
    return f"{text[:4]}-{text[4:6]}-{text[6:]}" if len(text) == 8 and text.isdigit() else text


def copy_events(case: Case) -> list[tuple[str, str]]:
    """(date, text) for each shot whose video is the earliest known upload of its
    footage among the videos it appears in."""
    groups: dict[tuple[str, int], list] = {}
    for link in copies_of(case):
        groups.setdefault((link.video_a, link.shot_a), []).append(link)
    out = []
    for (sha, shot), links in sorted(groups.items()):
        first = earliest_upload(case, [sha, *(link.video_b for link in links)])
        if first is None or first[0] != sha:
            continue
        a = links[0]
        also = "; ".join(
            f"{link.video_b[:12]} at {timecode(link.b_first_time)}–{timecode(link.b_last_time)}"
            for link in links
        )
        text = (
            f"earliest known upload of the footage of shot {shot} of video {sha[:12]}"
            f" ({timecode(a.a_first_time)}–{timecode(a.a_last_time)}): {first[2]}; the same"
            f" footage appears in {also} ({a.method})"
        )
        out.append((_day(first[1]), text))
    return out
