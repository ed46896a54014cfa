"""Reading CSV and XLSX tables: encodings (mixed ones too), delimiters, ragged rows.

A table is a header and numbered rows; the header is row 1, so row numbers are what a
spreadsheet shows. CSV bytes are decoded as UTF-8 (with or without BOM) or UTF-16 with
a BOM; when a file mixes encodings, each line that is not UTF-8 is decoded as cp1251
(Russian Windows) or, when it holds Kazakh letters, as kz1048, and the table says
which rows that happened to.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.graph.errors import GraphError

# bytes that cp1251 decodes to Serbian/Macedonian letters but kz1048 to Kazakh ones
_KZ_ONLY = set("ҒғҚқҢңҮүҰұҺһӘәІіӨө")
MAX_CELL = 100_000


@dataclass
class Table:
    path: Path
    sha256: str
    encoding: str
    header: list[str]
    rows: list[tuple[int, list[object]]]  # (row number, cells)
    warnings: list[str] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # structural, per row


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _decode_line(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    kz = raw.decode("kz1048", errors="replace")
    if any(ch in _KZ_ONLY for ch in kz):
        return kz, "kz1048"
    return raw.decode("cp1251", errors="replace"), "cp1251"


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str, list[int]]:
    """(text, encoding name, 1-based line numbers not in the main encoding)."""
    if encoding:
        try:
            return data.decode(encoding), encoding, []
        except (UnicodeDecodeError, LookupError) as exc:
            raise GraphError(f"The file cannot be read as {encoding} ({exc}).") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise GraphError(f"The file starts like UTF-16 but is not ({exc}).") from None
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    lines, odd, used, utf8_evidence = [], [], set(), False
    for number, raw in enumerate(data.split(b"\n"), start=1):
        text, enc = _decode_line(raw)
        lines.append(text)
        if enc != "utf-8":
            odd.append(number)
            used.add(enc)
        elif not raw.isascii():
            utf8_evidence = True
    if not utf8_evidence:  # one legacy encoding throughout (kz1048 is cp1251 plus Kazakh)
        legacy = "kz1048" if "kz1048" in used else "cp1251"
        return data.decode(legacy, errors="replace"), legacy, []
    name = "mixed: utf-8 and " + " and ".join(sorted(used))
    return "\n".join(lines), name, odd


def _sniff(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _header(cells: list[object]) -> list[str]:
    names = [str(c).strip() if c is not None else "" for c in cells]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            continue
        key = name.casefold()
        if key in seen:
            raise GraphError(
                f"The header names the column {name!r} twice (columns {seen[key] + 1} and {i + 1})."
            )
        seen[key] = i
    if not seen:
        raise GraphError("The first row of the table is empty; it must name the columns.")
    return names


def _blank(cells: list[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_csv(path: Path, data: bytes, encoding: str | None = None) -> Table:
    text, enc, odd_lines = decode(data, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(text[:65536]))
    table = Table(path, sha256_bytes(data), enc, [], [])
    try:
        records: Iterator[list[str]] = iter(reader)
        header = next(records, None)
        if header is None:
            raise GraphError(f"{path.name} is empty.")
        table.header = _header(list(header))
        number = 1
        odd_rows: list[int] = []
        odd = set(odd_lines)
        first_line = reader.line_num
        for cells in records:
            number += 1
            if odd and any(n in odd for n in range(first_line + 1, reader.line_num + 1)):
                odd_rows.append(number)
            first_line = reader.line_num
            if _blank(list(cells)):
                continue
            table.rows.append((number, list(cells)))
    except csv.Error as exc:
        raise GraphError(
            f"{path.name} is not valid CSV near line {reader.line_num}: {exc}."
        ) from None
    if odd_rows:
        shown = ", ".join(map(str, odd_rows[:10])) + (" ..." if len(odd_rows) > 10 else "")
        table.warnings.append(
            f"{len(odd_rows)} row(s) were not UTF-8 and were read as {enc.split(' and ')[-1]}: "
            f"rows {shown}"
        )
    return table


def read_xlsx(path: Path, data: bytes, sheet: str | None = None) -> Table:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise GraphError(f"{path.name} is not a readable XLSX workbook ({exc}).") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise GraphError(f"{path.name} has no sheet {sheet!r} (it has {book.sheetnames}).")
        ws = book[sheet] if sheet else book.worksheets[0]
        table = Table(path, sha256_bytes(data), "xlsx", [], [])
        rows = ws.iter_rows(values_only=True)
        number = 0
        for cells in rows:
            number += 1
            if not _blank(list(cells)):
                table.header = _header(list(cells))
                break
        if not table.header:
            raise GraphError(f"{path.name} has no rows.")
        for cells in rows:
            number += 1
            values = [c.strip() if isinstance(c, str) else c for c in cells]
            if not _blank(values):
                table.rows.append((number, values))
    finally:
        book.close()
    return table


def read_table(path: Path, encoding: str | None = None, sheet: str | None = None) -> Table:
    path = Path(path)
    if not path.is_file():
        raise GraphError(f"{path} is not a file.")
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        table = read_xlsx(path, data, sheet)
    else:
        table = read_csv(path, data, encoding)
    width = len(table.header)
    while width and not table.header[width - 1]:
        width -= 1
    for number, cells in table.rows:
        extra = [c for c in cells[width:] if c not in (None, "")]
        if extra:
            table.problems.append(
                (number, f"row {number} has {len(cells)} cells but the header names {width}")
            )
        if any(isinstance(c, str) and len(c) > MAX_CELL for c in cells):
            table.problems.append((number, f"row {number} has a cell over {MAX_CELL} characters"))
    return table
