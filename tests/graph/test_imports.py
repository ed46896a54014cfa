"""Imports of procurement, customs, registry and relation tables; bad input."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.graph.conftest import write
from tests.helpers import snapshot
from workbench.case import Case, audit
from workbench.graph.entities import get_entity, resolve
from workbench.graph.errors import GraphError, ImportRowsError
from workbench.graph.imports import import_file
from workbench.graph.relations import get_relation
from workbench.graph.view import build

PROCUREMENT = """buyer,buyer_id,supplier,supplier_id,supplier_country,lot,amount,currency,date,url
ГУ «Департамент полиции г. Алматы»,,ТОО «Сергек Групп»,940140000385,kz,Камеры,"1 234 567,89",KZT,17.05.2021,https://goszakup.gov.kz/1
ГУ «Департамент полиции г. Алматы»,,Sergek Group LLP,,kz,Серверы,5000000,тг,2022-01-10,https://goszakup.gov.kz/2
Sergek Group LLP,,"Hangzhou Hikvision Digital Technology Co., Ltd.",91330000733796106P,China,Cameras,100000,USD,2020,https://example.org/c
"""


def test_procurement_import(gcase: Case, tmp_path: Path) -> None:
    report = import_file(gcase, "ana", write(tmp_path / "p.csv", PROCUREMENT), "procurement")
    assert (report.rows_total, report.rows_imported, report.skipped) == (3, 3, [])
    assert report.merges == 1  # Sergek Group LLP folded into ТОО «Сергек Групп»
    sergek = resolve(gcase, "940140000385")
    assert sergek.name == "ТОО «Сергек Групп»" and "Sergek Group LLP" in sergek.aliases
    view = build(gcase)
    supplies = {(e["source"], e["target"]): e for e in view.edges}
    police = resolve(gcase, "ГУ «Департамент полиции г. Алматы»").id
    edge = supplies[(sergek.id, police)]
    assert (edge["start"], edge["end"], edge["evidence_count"], edge["strength"]) == (
        "2021-05-17",
        "2022-01-10",
        2,
        "recorded",
    )
    rel = get_relation(gcase, int(edge["relations"].split("; ")[0]))
    ev = rel.evidence[0]
    assert (ev.kind, ev.row_number, ev.file_sha256) == ("procurement", 2, report.file_sha256)
    assert ev.row_values["fields"]["amount"] == 1234567.89
    assert ev.row_values["raw"]["amount"] == "1 234 567,89"
    entry = audit.entries(gcase.conn)[-1]
    assert entry.action == "graph.import" and entry.params["sha256"] == report.file_sha256


def test_reimport_adds_nothing(gcase: Case, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", PROCUREMENT)
    import_file(gcase, "ana", path, "procurement")
    before = build(gcase)
    again = import_file(gcase, "ana", path, "procurement")
    assert (again.entities_created, again.relations_created, again.evidence_added) == (0, 0, 0)
    assert any("already imported" in w for w in again.warnings)
    after = build(gcase)
    assert after.nodes == before.nodes and after.edges == before.edges


def test_russian_headers_and_explicit_mapping(gcase: Case, tmp_path: Path) -> None:
    text = "Заказчик;Поставщик;Сумма;Валюта;Дата;Ссылка;Номер\nАкимат г. Шымкент;ТОО Альфа;100;KZT;2021;https://a.kz/1;Z-1\n"
    report = import_file(
        gcase, "t", write(tmp_path / "r.csv", text), "procurement", mapping={"Номер": "tender_id"}
    )
    assert report.rows_imported == 1
    (edge,) = build(gcase).edges
    rel = get_relation(gcase, int(edge["relations"]))
    assert rel.evidence[0].row_values["fields"]["tender_id"] == "Z-1"
    with pytest.raises(GraphError, match="does not have"):
        import_file(gcase, "t", tmp_path / "r.csv", "procurement", mapping={"Nope": "buyer"})
    with pytest.raises(GraphError, match="not a field"):
        import_file(gcase, "t", tmp_path / "r.csv", "procurement", mapping={"Номер": "colour"})
    with pytest.raises(GraphError, match="needs a column for 'supplier'"):
        import_file(gcase, "t", write(tmp_path / "x.csv", "buyer,x\na,b\n"), "procurement")


def test_malformed_rows_are_reported_and_nothing_is_imported(gcase: Case, tmp_path: Path) -> None:
    text = (
        "buyer,supplier,supplier_id,amount,currency,date\n"
        "A,B,,10,KZT,2021\n"
        ",C,,10,KZT,2021\n"  # row 3: no buyer
        "A,D,123,10,KZT,2021\n"  # row 4: bad identifier
        "A,E,,ten,KZT,2021\n"  # row 5: bad amount
        "A,F,,10,KZT,31.02.2021\n"  # row 6: bad date
        "A,G,,10,,2021\n"  # row 7: amount without currency
        "A,H,,10,KZT,2021,extra\n"  # row 8: too many cells
    )
    path = write(tmp_path / "bad.csv", text)
    before = snapshot(gcase.root)
    with pytest.raises(ImportRowsError) as info:
        import_file(gcase, "t", path, "procurement")
    assert [n for n, _ in info.value.problems] == [3, 4, 5, 6, 7, 8]
    message = str(info.value)
    assert message.startswith("6 of 7 rows of bad.csv are malformed, so nothing was imported")
    assert "row 3: The buyer is empty" in message and "row 4: " in message
    assert snapshot(gcase.root) == before

    report = import_file(gcase, "t", path, "procurement", skip_bad=True)
    assert report.rows_imported == 1 and [n for n, _ in report.skipped] == [3, 4, 5, 6, 7, 8]
    row = gcase.conn.execute("SELECT rows_skipped FROM graph_imports").fetchone()[0]
    assert '"row 8 has 7 cells but the header names 6"' in row


def test_registry_import(gcase: Case, tmp_path: Path) -> None:
    text = (
        "id,name,name_zh,kind,role,country,bin,uscc,website,aliases,parent,city,lat,lon\n"
        "org-hik,Hikvision,海康威视,organisation,vendor,cn,,91330000733796106P,hikvision.com,HIKVISION|Хиквижн,,,,\n"
        ",Hikvision Kazakhstan LLP,,,distributor,kz,,,,,Hikvision,,,\n"
        "site-ast,Astana Situation Centre,,site,control_centre,kz,,,,,,Astana,51.13,71.43\n"
    )
    report = import_file(gcase, "t", write(tmp_path / "reg.csv", text), "registry")
    assert report.rows_imported == 3
    hik = get_entity(gcase, "org-hik")
    assert set(hik.aliases) >= {"海康威视", "HIKVISION", "Хиквижн"}
    assert resolve(gcase, "Хиквижн").id == "org-hik"
    assert resolve(gcase, "https://www.hikvision.com/en/").id == "org-hik"
    site = get_entity(gcase, "site-ast")
    assert (site.kind, site.city, site.lat, site.role) == (
        "site",
        "Astana",
        51.13,
        "control_centre",
    )
    (edge,) = [e for e in build(gcase).edges if e["kind"] == "subsidiary_of"]
    assert edge["target"] == "org-hik" and edge["evidence_kinds"] == "registry"


def test_duplicate_ids_and_unknown_references(gcase: Case, tmp_path: Path) -> None:
    text = "id,name\norg-a,A\norg-b,B\norg-a,A again\n"
    with pytest.raises(ImportRowsError, match="row 4: The id 'org-a' is also on row 2"):
        import_file(gcase, "t", write(tmp_path / "dup.csv", text), "registry")
    rel = "source_id,relation,target\norg-missing,supplies,Somebody\n"
    with pytest.raises(ImportRowsError, match="No entity has the id 'org-missing'"):
        import_file(gcase, "t", write(tmp_path / "rel.csv", rel), "relations")


def test_relations_import_with_and_without_evidence(gcase: Case, tmp_path: Path) -> None:
    text = (
        "source,source_country,relation,target,target_kind,start,confidence,url,retrieved_at\n"
        "Dahua,cn,supplies,ТОО Сергек,,2019,0.7,https://dahua.example/case,2024-03-01\n"
        "DSS Pro,,made_by,Dahua,,,,,\n"
        "DSS Pro,,installed_at,ЦОУ Астана,site,,0.4,,\n"
        "Dahua,,sells,ТОО Сергек,,,,,\n"
    )
    with pytest.raises(ImportRowsError, match="row 5: 'sells' is not a relation kind"):
        import_file(gcase, "t", write(tmp_path / "r.csv", text), "relations")
    report = import_file(gcase, "t", tmp_path / "r.csv", "relations", skip_bad=True)
    assert report.relations_created == 3
    edges = {e["kind"]: e for e in build(gcase).edges}
    assert edges["supplies"]["strength"] == "reported" and not edges["supplies"]["hypothesis"]
    assert edges["made_by"]["hypothesis"] and edges["installed_at"]["hypothesis"]
    assert get_entity(gcase, edges["made_by"]["source"]).kind == "product"
    assert get_entity(gcase, edges["installed_at"]["target"]).kind == "site"


def test_customs_import(gcase: Case, tmp_path: Path) -> None:
    text = (
        "sender,sender_country,receiver,goods,hs_code,origin_country,amount,currency,date,"
        "declaration\nZhejiang Dahua Technology Co. Ltd.,cn,ТОО Сергек,IP cameras,852589,"
        "China,50000,USD,2021-03-01,10005/1\n"
    )
    import_file(gcase, "t", write(tmp_path / "c.csv", text), "customs")
    (edge,) = build(gcase).edges
    assert edge["kind"] == "supplies" and edge["evidence_kinds"] == "customs"
    assert get_entity(gcase, edge["source"]).country == "cn"


def test_every_script_and_mixed_encodings(gcase: Case, tmp_path: Path) -> None:
    names = [
        "Ψηφιακή Ασφάλεια ΑΕ",
        "شركة المراقبة",
        "מצלמות בע״מ",
        "निगरानी प्रा लि",
        "กล้อง จำกัด",
        "감시 카메라",
        "監視カメラ株式会社",
        "📹 Cameras",
        "<script>alert(1)</script>",
    ]
    lines = ["buyer,supplier"] + [f'"МВД РК","{n}"' for n in names]
    data = "\n".join(lines).encode("utf-8") + b"\n" + '"АҚ Қазақтелеком",Dahua\n'.encode("kz1048")
    path = tmp_path / "scripts.csv"
    path.write_bytes(data)
    report = import_file(gcase, "t", path, "procurement")
    assert report.rows_imported == len(names) + 1
    assert report.encoding == "mixed: utf-8 and kz1048"
    labels = {n["label"] for n in build(gcase).nodes}
    assert set(names) | {"АҚ Қазақтелеком", "МВД РК"} <= labels


def test_xlsx_import(gcase: Case, tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["Заказчик", "Поставщик", "amount", "currency", "date"])
    ws.append(["Акимат города Алматы", "ТОО «Сергек Групп»", 1500000, "KZT", datetime(2021, 5, 17)])
    ws.append(["Акимат города Алматы", None, 1, "KZT", None])
    book.save(tmp_path / "p.xlsx")
    with pytest.raises(ImportRowsError, match="row 3: The supplier is empty"):
        import_file(gcase, "t", tmp_path / "p.xlsx", "procurement")
    report = import_file(gcase, "t", tmp_path / "p.xlsx", "procurement", skip_bad=True)
    assert report.encoding == "xlsx" and report.rows_imported == 1
    (edge,) = build(gcase).edges
    assert edge["start"] == "2021-05-17"
