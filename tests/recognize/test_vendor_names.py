"""Vendor names across scripts: normalisation, the registry, and resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.recognize.vendors import VendorResolver, load_registry
from workbench.recognize.vendors.normalize import normalized, phonetic, script_of, skeleton
from workbench.recognize.vendors.registry import RegistryError


@pytest.fixture(scope="module")
def resolver() -> VendorResolver:
    return VendorResolver(load_registry())


def vendors(resolver: VendorResolver, text: str) -> list[str]:
    return [s.vendor for s in resolver.resolve(text)]


def test_legal_forms_and_quotes_never_decide() -> None:
    assert phonetic("ТОО «Хиквижн»") == phonetic('"Хиквижн" LLP') == ["khikvizhn"]
    assert normalized("HIKVISION Co., Ltd.") == normalized("Hikvision Limited") == "hikvision"


def test_cyrillic_letters_inside_a_latin_word_are_folded() -> None:
    # a Cyrillic Н and І inside a Latin word, as a mixed-script OCR produces
    assert phonetic("НIKVISІON") == ["hikvision"]
    assert script_of("НIKVISІON") == "mixed"


def test_cyrillic_read_as_latin_meets_on_the_skeleton() -> None:
    assert skeleton("Камера") == skeleton("KaMepa")
    assert skeleton("ТРАССИР") == skeleton("TPACCИP")


@pytest.mark.parametrize(
    "text, vendor",
    [
        ("HIKVISION DS-2CD2143G2", "Hangzhou Hikvision Digital Technology Co., Ltd."),
        ("ТОО «Хиквижн Казахстан»", "Hangzhou Hikvision Digital Technology Co., Ltd."),
        ("НIKVISION", "Hangzhou Hikvision Digital Technology Co., Ltd."),
        ("www.dahuasecurity.com / Дахуа", "Zhejiang Dahua Technology Co., Ltd."),
        ("FindFace Multi 2.1", "NtechLab"),
        ("НтехЛаб", "NtechLab"),
        ("Трассир 4.5", "DSSL"),
        ("Milestone XProtect Smart Client", "Milestone Systems A/S"),
        ("Stellar 0ptics", "Stellar Optics Co., Ltd. (fictional)"),  # OCR read O as 0
        ("Далакент Демо Системс ТОО", "Dalakent Demo Systems TOO (fictional)"),
        ("ҚалаСек", "QalaSec Distribution TOO (fictional)"),
    ],
)
def test_names_resolve_across_scripts(resolver: VendorResolver, text: str, vendor: str) -> None:
    got = resolver.resolve(text)
    assert got and got[0].vendor == vendor
    assert got[0].raw == text and got[0].rule in ("exact", "skeleton", "fuzzy")


@pytest.mark.parametrize(
    "text",
    [
        "taxis on the x axis",
        "unvisited",
        "hikvisionpro",
        "Genetic",
        "Face search",
        "Security Center",
        "Live view",
        "milestones of the project",
        "Камера 12",
    ],
)
def test_short_and_common_words_do_not_fire(resolver: VendorResolver, text: str) -> None:
    assert vendors(resolver, text) == []


def test_each_suggestion_keeps_raw_normalised_score_and_rule(resolver: VendorResolver) -> None:
    (s,) = resolver.resolve("Axxon Next 4.7")
    assert (s.vendor, s.matched, s.match_kind, s.rule) == (
        "AxxonSoft",
        "Axxon Next",
        "product",
        "exact",
    )
    assert s.normalized == "axxon next 4 7" and s.score == 1.0


def test_registry_entries_cite_sources_and_have_known_kinds() -> None:
    entries = load_registry()
    assert len(entries) >= 15
    for e in entries:
        assert e.fictional or e.sources
        assert e.country


def test_a_malformed_registry_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "vendors.toml"
    bad.write_text("[[vendor]]\nname = 'X'\nkind = ['spaceship']\nsources = ['u']\n")
    with pytest.raises(RegistryError, match="unknown or missing kind"):
        load_registry([bad])
    bad.write_text("[[vendor]\nname=")
    with pytest.raises(RegistryError, match="not valid TOML"):
        load_registry([bad])
    bad.write_text("[[vendor]]\nname = 'X'\nkind = ['integrator']\n")
    with pytest.raises(RegistryError, match="cites no public source"):
        load_registry([bad])
