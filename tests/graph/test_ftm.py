"""The FollowTheMoney export: entities that validate, reference each other, load into Aleph."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from followthemoney import model

from tests.graph.conftest import VIDEO_SHA
from workbench.case import Case
from workbench.graph.entities import resolve
from workbench.graph.errors import GraphError
from workbench.graph.exports import export
from workbench.graph.ftm_writer import FtmWriter
from workbench.graph.view import build


def _ftm(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_ftm_entities_validate_and_reference_each_other(rich: Case, tmp_path: Path) -> None:
    view = build(rich)
    result = export(rich, "t", "ftm", tmp_path / "g.ftm.json", view)
    items = _ftm(tmp_path / "g.ftm.json")
    ids = [d["id"] for d in items]
    assert len(ids) == len(set(ids))
    for d in items:
        proxy = model.get_proxy(d)  # cleans again: nothing may be lost
        assert proxy.to_dict()["properties"] == d["properties"], d
        for prop in proxy.schema.required:
            assert proxy.get(prop), (d["id"], prop)
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in ids
    schemas = {d["schema"] for d in items}
    assert {
        "PublicBody",
        "Company",
        "Person",
        "Asset",
        "RealEstate",
        "UnknownLink",
        "Representation",
        "Ownership",
        "Contract",
        "ContractAward",
        "EconomicActivity",
        "Document",
        "Video",
        "Image",
        "Documentation",
    } <= schemas
    assert result.entities["UnknownLink"] + result.entities["Representation"] + result.entities[
        "Ownership"
    ] == len(view.edges)
    by_id = {d["id"]: d for d in items}
    supply = next(
        d
        for d in items
        if d["schema"] == "UnknownLink"
        and "supplies" in d["properties"]["role"][0]
        and d["properties"].get("sourceUrl") == ["https://example.kz/a?x=1&y=<2>"]
    )
    assert by_id[supply["properties"]["subject"][0]]["properties"]["name"] == [
        "Hikvision Kazakhstan LLP"
    ]
    assert supply["properties"]["status"] == ["reported"]
    video = next(d for d in items if d["schema"] == "Video")
    assert video["properties"]["contentHash"] == [VIDEO_SHA]
    award = next(d for d in items if d["schema"] == "ContractAward")
    contract = by_id[award["properties"]["contract"][0]]
    assert contract["properties"]["authority"] == [
        f"wb-e-{resolve(rich, 'ГУ «Департамент полиции г. Алматы»').id}"
    ]
    site = next(d for d in items if d["schema"] == "RealEstate")
    assert site["properties"]["latitude"] and site["properties"]["longitude"]
    hik = by_id["wb-e-org-hik"]
    assert (
        hik["schema"] == "Company"
        and "杭州海康威视数字技术股份有限公司" in hik["properties"]["alias"]
    )


def test_ftm_validate_cli_keeps_every_entity(rich: Case, tmp_path: Path) -> None:
    ftm = Path(sys.executable).with_name("ftm")
    if not ftm.exists():
        pytest.skip("the ftm command is not installed next to this Python")
    export(rich, "t", "ftm", tmp_path / "g.ftm.json")
    out = subprocess.run(
        [str(ftm), "validate", "-i", str(tmp_path / "g.ftm.json")],
        capture_output=True,
        text=True,
        check=True,
    )
    back = {d["id"]: d for d in map(json.loads, out.stdout.splitlines())}
    mine = {d["id"]: d for d in _ftm(tmp_path / "g.ftm.json")}
    assert back.keys() == mine.keys()
    assert all(back[k]["properties"] == mine[k]["properties"] for k in mine)


def test_ftm_writer_refuses_what_would_not_validate(tmp_path: Path) -> None:
    with open(tmp_path / "x.json", "w") as fh:
        w = FtmWriter(fh)
        link = w.make("UnknownLink", "wb-r-1")
        w.add(link, "subject", "wb-e-missing")
        w.add(link, "startDate", "31.02.2021")  # not a date FtM accepts: dropped, counted
        w.emit(link)
        doc = w.make("Document", "wb-d-1")
        w.emit(doc)
    assert w.dropped == {"UnknownLink.startDate": 1}
    with pytest.raises(GraphError, match="3 entities would not validate") as info:
        w.check()
    message = str(info.value)
    assert "has no object" in message and "wb-e-missing" in message and "has no fileName" in message


@pytest.mark.parametrize(
    "url",
    [
        "https://goszakup.gov.kz/ru/announce/index/1",
        "http://example.org/a/b-c_d.e~f/",
        "https://www.sergek.kz/",
        "https://a.b.co/x%20y/(1)/it's,ok;no",
        "https://HOST.example.COM/Path",
    ],
)
def test_fast_url_path_agrees_with_followthemoney(url: str) -> None:
    from followthemoney.types import registry

    from workbench.graph.ftm_writer import _CANONICAL_URL

    assert _CANONICAL_URL.match("https://goszakup.gov.kz/ru/announce/index/1")
    if _CANONICAL_URL.match(url):
        assert registry.url.clean(url) == url
