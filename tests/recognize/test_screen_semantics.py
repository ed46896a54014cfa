"""Capabilities and interface signatures from screen text."""

from __future__ import annotations

import pytest

from workbench.recognize.capabilities import find_capabilities, load_capabilities
from workbench.recognize.interfaces import identify, load_signatures


@pytest.fixture(scope="module")
def caps():
    return load_capabilities()


@pytest.mark.parametrize(
    "text, capability",
    [
        ("Face search", "face-search"),
        ("Поиск по лицу", "face-search"),
        ("Бет бойынша іздеу", "face-search"),
        ("Список наблюдения: Категория B", "watchlist"),
        ("WATCHLIST: protesters", "watchlist"),
        ("Совпадение 87%", "match-percentage"),
        ("Similarity: 91.5 %", "match-percentage"),
        ("Анализ эмоций", "emotion"),
        ("ANPR event log", "licence-plate"),
        ("Распознавание номеров", "licence-plate"),
        ("Person tracking", "tracking"),
    ],
)
def test_capabilities_are_found_in_every_script(caps, text: str, capability: str) -> None:
    assert capability in [h.capability for h in find_capabilities(text, caps)]


@pytest.mark.parametrize("text", ["Playback", "Export", "Камера 12", "87", "Settings"])
def test_plain_ui_text_reveals_no_capability(caps, text: str) -> None:
    assert find_capabilities(text, caps) == []


def test_interfaces_score_by_weighted_strings_and_keep_the_evidence() -> None:
    signatures = load_signatures()
    lines = [
        "FaceTrace Search - Поиск по лицу (fictional)",
        "Список наблюдения: Категория B",
        "Совпадение 87%",
        "Query #1001",
    ]
    best = identify(lines, signatures)[0]
    assert best.product == "FaceTrace Search"
    assert best.vendor == "FaceTrace Analytics (fictional)"
    assert set(best.matched) >= {"FaceTrace Search", "Поиск по лицу", "Список наблюдения"}
    assert best.score > 0.9
    # one generic string is not enough to name a product
    assert identify(["Export", "Settings"], signatures) == []
    vms = identify(["Live view", "Playback", "Alarms"], signatures)
    assert [m.product for m in vms] == ["NORDVIEW VMS"] and vms[0].score < 0.5
