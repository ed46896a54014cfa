"""The real systems: vendors of the Central Asian surveillance market and the interfaces of
their products, each fact with its public source, kept apart from the fictional demo."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import run_cli
from workbench.errors import WorkbenchError
from workbench.recognize.interfaces import Signature, identify, load_signatures
from workbench.recognize.vendors import VendorResolver, load_registry
from workbench.recognize.vendors.normalize import phonetic
from workbench.recognize.vendors.registry import KEYS, RegistryError, VendorEntry
from workbench.resources import data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REAL_FILE = data_dir() / "vendors.toml"
DEMO_FILE = data_dir() / "demo" / "vendors.toml"
# words that would state who supplied, installed for or partnered whom
RELATION_WORDS = re.compile(
    r"\b(suppl(y|ied|ies|ier|iers)|customer|client of|installed (at|by|for)|partner of|"
    r"поставщик|поставил|поставляет|заказчик|жеткізуші)\b",
    re.IGNORECASE,
)
CJK = re.compile(r"[\u4e00-\u9fff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
KAZAKH = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)


@pytest.fixture(scope="module")
def registry() -> list[VendorEntry]:
    return load_registry()


@pytest.fixture(scope="module")
def signatures() -> list[Signature]:
    return load_signatures()


def well_formed(url: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and "." in parts.netloc
        and not any(c.isspace() for c in url)
        and url == url.strip()
    )


def test_every_real_vendor_cites_well_formed_public_sources(registry) -> None:
    real = [e for e in registry if e.real]
    assert len(real) >= 25
    for e in real:
        assert not e.fictional and "(fictional)" not in e.name
        assert e.sources and all(well_formed(u) for u in e.sources), e.name
        for _fact, urls in e.cites:
            assert urls and all(u in e.sources and well_formed(u) for u in urls)
    # the market entries cite every fact: name, short, country, kind, each alias, product
    cited = [e for e in real if e.cited]
    assert {"Sergek Group", "Korkem Telecom LLP", "Target AI", "Presight"} <= {
        e.name for e in cited
    }
    for e in cited:
        facts = dict(e.cites)
        assert {"name", "short", "country", "kind"} <= set(facts), e.name
        assert all(facts[f"alias:{a}"] for a in e.aliases)
        assert all(facts[f"product:{p}"] for p in e.products)


def test_real_and_fictional_live_apart_and_never_share_a_name(registry, signatures) -> None:
    real_raw = tomllib.loads(REAL_FILE.read_text("utf-8"))["vendor"]
    demo_raw = tomllib.loads(DEMO_FILE.read_text("utf-8"))["vendor"]
    assert all(r.get("real") is True and not r.get("fictional") for r in real_raw)
    assert all(r.get("fictional") is True and "real" not in r for r in demo_raw)
    real_names = {t.casefold() for e in registry if e.real for t, _ in e.names()}
    fake_names = {t.casefold() for e in registry if e.fictional for t, _ in e.names()}
    assert real_names and fake_names and not real_names & fake_names
    by_name = {e.name: e for e in registry}
    for sig in signatures:  # a signature's vendor is a registry entry of the same kind
        assert sig.vendor in by_name and by_name[sig.vendor].fictional == sig.fictional
    real_products = {s.product.casefold() for s in signatures if not s.fictional}
    fake_products = {s.product.casefold() for s in signatures if s.fictional}
    assert len(real_products) >= 8 and not real_products & fake_products


def test_no_real_entry_states_a_supply_relation(registry) -> None:
    for raw in tomllib.loads(REAL_FILE.read_text("utf-8"))["vendor"]:
        assert set(raw) <= KEYS, raw["name"]
    data_text = "\n".join(
        line.split("#", 1)[0] for line in REAL_FILE.read_text("utf-8").splitlines()
    )
    data_text = re.sub(r"https?://\S+", "", data_text)  # a page's address is no claim
    assert not RELATION_WORDS.search(data_text)
    assert all(set(e.kinds) and e.country for e in registry)


def test_a_relation_a_missing_citation_or_a_bad_url_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "vendors.toml"
    entry = (
        "[[vendor]]\nreal = true\nname = 'Acme'\nkind = ['integrator']\ncountry = 'KZ'\n"
        "aliases = ['Акме']\n"
    )
    url = "https://example.org/acme"
    bad.write_text(entry + f"sources = ['{url}']\nsupplies = ['Hikvision']\n", "utf-8")
    with pytest.raises(RegistryError, match="never who supplied whom"):
        load_registry([bad])
    cite = f"[vendor.cite]\nname = ['{url}']\ncountry = ['{url}']\nkind = ['{url}']\n"
    bad.write_text(entry + cite, "utf-8")  # the alias Акме is not cited
    with pytest.raises(RegistryError, match="no public source is cited for 'alias:Акме'"):
        load_registry([bad])
    bad.write_text(entry + cite + "[vendor.cite.aliases]\n'Акме' = ['www.acme.kz']\n", "utf-8")
    with pytest.raises(RegistryError, match="not a well-formed http"):
        load_registry([bad])
    bad.write_text(entry + f"fictional = true\nsources = ['{url}']\n", "utf-8")
    with pytest.raises(RegistryError, match="either real or fictional"):
        load_registry([bad])
    twin = entry.replace("'Акме'", "'NordView'") + f"sources = ['{url}']\n"
    bad.write_text(twin, "utf-8")  # a real alias that a fictional demo vendor also bears
    with pytest.raises(RegistryError, match="must not share a name"):
        load_registry([bad, DEMO_FILE])
    good = entry + cite + f"[vendor.cite.aliases]\n'Акме' = ['{url}']\n"
    bad.write_text(good, "utf-8")
    (acme,) = load_registry([bad])
    assert acme.cited and acme.sources_for("alias:Акме") == (url,)


def test_names_load_and_resolve_in_every_script(registry) -> None:
    resolver = VendorResolver(registry)
    cited = [e for e in registry if e.real and e.cited]
    names = [(t, e) for e in cited for t, _ in e.names() if t not in (e.name,)]
    scripts = {
        "cyrillic": any(CYRILLIC.search(t) for t, _ in names),
        "kazakh": any(KAZAKH.search(t) for t, _ in names),
        "latin": any(re.search("[A-Za-z]", t) for t, _ in names),
        "chinese (whole registry)": any(CJK.search(a) for e in registry for a in e.aliases),
    }
    assert all(scripts.values()), scripts
    for text, entry in names:
        assert phonetic(text), text
        got = resolver.resolve(f"… {text} …")
        assert got and got[0].vendor == entry.name, (text, [g.vendor for g in got])
    assert [s.vendor for s in resolver.resolve("ТОО «Көркем Телеком»")] == ["Korkem Telecom LLP"]


def test_every_real_interface_string_has_its_source(signatures) -> None:
    real = [s for s in signatures if not s.fictional]
    for sig in real:
        assert len(sig.sources) == len(sig.strings)
        for (text, weight), (url, where) in zip(sig.strings, sig.sources, strict=True):
            assert weight > 0 and phonetic(text) and well_formed(url) and where, text
    texts = [t for s in real for t, _ in s.strings]
    assert any(CYRILLIC.search(t) for t in texts) and any(re.search("[A-Za-z]", t) for t in texts)


def test_a_real_signature_without_sources_is_refused(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_text(
        "[[interface]]\nproduct = 'Acme VMS'\nvendor = 'Acme'\nfictional = false\n"
        "strings = [{ text = 'Acme VMS', weight = 3.0 }, { text = 'Live', weight = 1.0 }]\n",
        "utf-8",
    )
    with pytest.raises(WorkbenchError, match="no public source URL"):
        load_signatures(tmp_path)


MISREAD = {
    "o": "0",
    "i": "l",
    "l": "1",
    "n": "h",
    "e": "c",
    "a": "o",
    "s": "5",
    "t": "f",
    "о": "o",
    "е": "e",
    "р": "p",
    "а": "a",
}


def ocr_like_screen(sig: Signature) -> list[str]:
    """Text lines as OCR gives them from a screen built from the product's own strings:
    a title bar, menu rows of three labels, a clock and camera names, case changed and one
    letter misread in long labels."""
    lines = [f"{sig.strings[0][0]}  v2.4.1", "2026-12-04 10:42:17   CAM 07 Entrance"]
    labels = [t for t, _ in sig.strings[1:]]
    for i, text in enumerate(labels):
        if len(text) >= 10 and text[4].isalpha():  # one letter misread, or lost
            text = text[:4] + MISREAD.get(text[4], "") + text[5:]
        labels[i] = text.upper() if i % 3 == 1 else text
    lines += ["   ".join(labels[k : k + 3]) for k in range(0, len(labels), 3)]
    return lines


def demo_screen_lines() -> list[list[str]]:
    """The text of the demo's fictional screens (workbench.demo) as OCR reads it."""
    return [
        [
            "NORDVIEW VMS 4.2  (fictional)",
            "Live view",
            "Playback",
            "Alarms",
            "Face search",
            "Export",
            "Камера 12 - пр. Демонстрации",
        ],
        [
            "FaceTrace Search - Поиск по лицу (fictional)",
            "Список наблюдения: Категория B",
            "Совпадение 91%",
            "Совпадение 87%",
            "Query #1001",
        ],
        ["CAM 01  QALAPORT", "CAM 02  QALAPORT", "CAM 05  QALAPORT"],
    ]


def test_each_real_product_is_named_on_its_own_screen(signatures) -> None:
    real = [s for s in signatures if not s.fictional]
    fictional = {s.product for s in signatures if s.fictional}
    for sig in real:
        got = identify(ocr_like_screen(sig), signatures)
        assert got and got[0].product == sig.product, (sig.product, got[:2])
        assert got[0].vendor == sig.vendor and got[0].score >= 0.6
        assert not fictional & {m.product for m in got}
    # the product's name alone, or generic words alone, name nothing
    assert identify(["HikCentral"], signatures) == []
    assert identify(["Live", "Playback", "Settings", "Events"], signatures) == []


def test_the_demo_screens_name_no_real_product(signatures) -> None:
    real = {s.product for s in signatures if not s.fictional}
    for lines in demo_screen_lines():
        assert not real & {m.product for m in identify(lines, signatures)}
    resolver = VendorResolver(load_registry())
    for line in [t for lines in demo_screen_lines() for t in lines]:
        assert all("(fictional)" in s.vendor for s in resolver.resolve(line)), line


def test_the_built_demo_case_suggests_no_real_vendor(demo_case_built: Path) -> None:
    from workbench.case import Case, observations

    real_vendors = {e.name for e in load_registry() if e.real}
    real_products = {s.product for s in load_signatures() if not s.fictional}
    with Case.open(demo_case_built) as case:
        found = observations.query(case.conn)
    assert found
    assert not {o.vendor for o in found} & real_vendors
    assert not {o.label for o in found} & real_products


def test_the_vendors_command_marks_real_and_fictional_apart() -> None:
    table = run_cli("vendors")
    assert table.exit_code == 0
    rows = [line.split() for line in table.output.splitlines() if "(fictional)" in line]
    assert len(rows) == 6 and all(r[0] == "FICTIONAL" for r in rows)
    assert any(
        line.split()[:3] == ["real", "Sergek", "Group"] for line in table.output.splitlines()
    )
    real = json.loads(run_cli("vendors", "--only", "real", "--format", "json").output)
    assert real and all(r["status"] == "real" and r["sources"] for r in real)
    sergek = next(r for r in real if r["name"] == "Sergek Group")
    assert "Сергек" in sergek["aliases"] and sergek["cites"]["alias:Сергек"]
    faces = json.loads(run_cli("vendors", "--interfaces", "--format", "json").output)
    assert {r["status"] for r in faces} == {"real", "FICTIONAL"}
    assert all(d["source"] for r in faces if r["status"] == "real" for d in r["detail"])
    fake = run_cli("vendors", "--interfaces", "--only", "fictional", "--format", "csv").output
    assert "NORDVIEW VMS" in fake and "HikCentral" not in fake


def test_a_cyrillic_label_read_with_latin_look_alikes_still_counts(signatures) -> None:
    # OCR of a Russian screen often puts a Latin A or O inside a Cyrillic word
    lines = ["Macroscop", "ЖУРНAЛ СОБЫТИЙ", "MAЛOAКТИВНАЯ ЗOНА"]
    (best,) = identify(lines, signatures)
    assert best.product == "Macroscop"
    assert {"Журнал событий", "Малоактивная зона"} <= set(best.matched)
    assert identify(["Macroscop", "ЖУРНAЛ"], signatures) == []  # one word is not the label
