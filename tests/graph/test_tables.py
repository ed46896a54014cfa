"""Reading CSV and XLSX: encodings, mixed encodings, delimiters, ragged rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.graph.conftest import write
from workbench.graph.errors import GraphError
from workbench.graph.tables import read_table

ROWS = "name,country\nТОО «Сергек Групп»,kz\nАҚ «Қазақтелеком»,kz\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "kz1048"])
def test_whole_file_encodings(tmp_path: Path, encoding: str) -> None:
    table = read_table(write(tmp_path / "r.csv", ROWS, encoding))
    assert table.header == ["name", "country"]
    assert [c[0] for _, c in table.rows] == ["ТОО «Сергек Групп»", "АҚ «Қазақтелеком»"]
    assert not table.warnings


def test_cp1251_file(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "r.csv", "name\nТОО Сергек\nАО Казахтелеком\n", "cp1251"))
    assert table.encoding == "cp1251"
    assert [c[0] for _, c in table.rows] == ["ТОО Сергек", "АО Казахтелеком"]


def test_mixed_encodings_are_read_line_by_line_and_reported(tmp_path: Path) -> None:
    data = (
        b"name,note\n"
        + "ТОО Сергек,utf8\n".encode()
        + "ТОО Альфа,cp1251\n".encode("cp1251")
        + "АҚ Қазақтелеком,kz1048\n".encode("kz1048")
        + b"Hikvision,ascii\n"
    )
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    table = read_table(path)
    assert [c[0] for _, c in table.rows] == [
        "ТОО Сергек",
        "ТОО Альфа",
        "АҚ Қазақтелеком",
        "Hikvision",
    ]
    assert table.encoding.startswith("mixed")
    assert any("rows 3, 4" in w for w in table.warnings)


def test_semicolon_delimiter_and_quoted_newlines(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "r.csv", 'name;note\n"A; B";"two\nlines"\nC;d\n'))
    assert table.rows == [(2, ["A; B", "two\nlines"]), (3, ["C", "d"])]


def test_blank_rows_are_skipped_but_numbering_keeps_their_place(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "r.csv", "a,b\n1,2\n,\n3,4\n"))
    assert [n for n, _ in table.rows] == [2, 4]


def test_ragged_rows_are_problems(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "r.csv", "a,b\n1,2\n1,2,3\n1,2,,\n"))
    assert table.problems == [(3, "row 3 has 3 cells but the header names 2")]


def test_header_problems(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="twice"):
        read_table(write(tmp_path / "d.csv", "name,Name\n1,2\n"))
    with pytest.raises(GraphError, match="empty"):
        read_table(write(tmp_path / "e.csv", ""))
    with pytest.raises(GraphError, match="not a file"):
        read_table(tmp_path / "missing.csv")


def test_xlsx_keeps_types_and_row_numbers(tmp_path: Path) -> None:
    from datetime import datetime

    book = Workbook()
    ws = book.active
    ws.append([])
    ws.append(["buyer", "amount", "date"])
    ws.append(["ГУ Полиция", 1500.5, datetime(2021, 5, 17)])
    ws.append([None, None, None])
    ws.append(["Акимат", 10, "2022"])
    book.save(tmp_path / "p.xlsx")
    table = read_table(tmp_path / "p.xlsx")
    assert table.header == ["buyer", "amount", "date"]
    assert table.rows[0] == (3, ["ГУ Полиция", 1500.5, datetime(2021, 5, 17)])
    assert table.rows[1][0] == 5
    assert table.encoding == "xlsx"


def test_broken_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(GraphError, match="not a readable XLSX"):
        read_table(path)
