"""`workbench graph import`: CSV/XLSX records into entities and evidence-backed relations.

All or nothing: every row is parsed and checked first; if any row is malformed the
import stops naming the rows, and nothing is written, unless `skip_bad` is set, in
which case the bad rows are left out and listed in the report and the import record.
The import is one transaction with one audit entry (file hash, kind, mapping, counts).
Importing the same file again adds nothing new: evidence is keyed by file and row.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from workbench.case import audit
from workbench.case.folder import Case
from workbench.case.store import transaction
from workbench.graph import entity_rows, import_log
from workbench.graph.bulk import Batch
from workbench.graph.entities import now
from workbench.graph.errors import GraphError, ImportRowsError
from workbench.graph.import_specs import SPECS, ImportSpec, ParsedRow, RowContext
from workbench.graph.model import IMPORT_KINDS
from workbench.graph.records import ImportReport
from workbench.graph.relations import check_endpoints
from workbench.graph.tables import Table, read_table
from workbench.graph.view import no_gc

SHOWN_PROBLEMS = 5


def parse_mapping(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """['Заказчик=buyer', ...] → {'Заказчик': 'buyer'} (column → field)."""
    out: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        if not sep or not column.strip() or not target.strip():
            raise GraphError(f"--map {pair!r} must look like COLUMN=FIELD.")
        out[column.strip()] = target.strip()
    return out


def column_fields(spec: ImportSpec, header: list[str], mapping: dict[str, str]) -> dict[int, str]:
    """Which field each column feeds: explicit mapping, else same name, else a synonym."""
    folded = {h.casefold(): i for i, h in enumerate(header) if h}
    out: dict[int, str] = {}
    for column, target in mapping.items():
        if column.casefold() not in folded:
            raise GraphError(
                f"--map names the column {column!r}, which the file does not have "
                f"(it has: {', '.join(h for h in header if h)})."
            )
        if target not in spec.fields:
            raise GraphError(
                f"--map sends {column!r} to {target!r}, which is not a field of a {spec.kind} "
                f"import (fields: {', '.join(spec.fields)})."
            )
        out[folded[column.casefold()]] = target
    mapped_columns = {c.casefold() for c in mapping}
    for i, name in enumerate(header):
        if not name or name.casefold() in mapped_columns or i in out:
            continue
        key = name.casefold().strip()
        found = key if key in spec.fields else spec.synonyms.get(key)
        if found and found not in out.values():
            out[i] = found
    present = set(out.values())
    for group in spec.required:
        if not present & set(group):
            wanted = " or ".join(repr(g) for g in group)
            raise GraphError(
                f"A {spec.kind} import needs a column for {wanted}; the file has "
                f"{', '.join(repr(h) for h in header if h)} (map one with --map COLUMN=FIELD)."
            )
    return out


def _check_relations(conn: sqlite3.Connection, row: ParsedRow, kinds: dict[str, str]) -> None:
    for rel in row.relations:
        ends = []
        for end in ("source", "target"):
            explicit = getattr(rel, f"{end}_id")
            if explicit:
                known = kinds.get(explicit)
                if known is None:
                    known = entity_rows.kind_of(conn, explicit)
                    if known is None:
                        raise GraphError(f"No entity has the id {explicit!r}.")
                ends.append(known)
            else:
                ends.append(row.parties[getattr(rel, end)].kind)
        check_endpoints(rel.kind, ends[0], ends[1])


def _parse_all(
    conn: sqlite3.Connection,
    spec: ImportSpec,
    table: Table,
    columns: dict[int, str],
    import_id: int,
) -> tuple[list[ParsedRow], list[tuple[int, str]]]:
    problems = list(table.problems)
    bad_rows = {n for n, _ in problems}
    parsed: list[ParsedRow] = []
    declared: dict[str, int] = {}  # explicit entity id → row that declares it
    kinds: dict[str, str] = {}
    for number, cells in table.rows:
        if number in bad_rows:
            continue
        values: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        for i, cell in enumerate(cells[: len(table.header)]):
            if table.header[i]:
                raw[table.header[i]] = cell
            if i in columns and cell not in (None, ""):
                values[columns[i]] = cell
        ctx = RowContext(number, spec.kind, import_id, table.sha256, raw)
        try:
            row = spec.parse(values, ctx)
            for party in row.parties[:1]:
                if party.id:
                    if party.id in declared:
                        raise GraphError(
                            f"The id {party.id!r} is also on row {declared[party.id]}."
                        )
                    declared[party.id] = number
                    kinds[party.id] = party.kind
            _check_relations(conn, row, kinds)
        except GraphError as exc:
            problems.append((number, f"row {number}: {str(exc).rstrip('.')}"))
            continue
        parsed.append(row)
    return parsed, sorted(problems)


def _write(batch: Batch, rows: list[ParsedRow]) -> None:
    for row in rows:
        ids = [batch.party(p) for p in row.parties]
        for rel in row.relations:
            source = rel.source_id or ids[rel.source]
            target = rel.target_id or ids[rel.target]
            batch.relation(
                rel.kind,
                source,
                target,
                rel.start,
                rel.end,
                rel.confidence,
                rel.note,
                rel.evidence,
            )


def import_file(
    case: Case,
    actor: str,
    path: Path,
    kind: str,
    mapping: dict[str, str] | None = None,
    skip_bad: bool = False,
    encoding: str | None = None,
    sheet: str | None = None,
) -> ImportReport:
    """Import one CSV or XLSX file of KIND; see the module docstring and docs/graph.md."""
    if kind not in IMPORT_KINDS:
        raise GraphError(f"{kind!r} is not an import kind (known: {', '.join(IMPORT_KINDS)}).")
    spec = SPECS[kind]
    path = Path(path)
    table = read_table(path, encoding=encoding, sheet=sheet)
    columns = column_fields(spec, table.header, mapping or {})
    report = ImportReport(None, kind, path.name, table.sha256, table.encoding)
    report.rows_total = len(table.rows)
    report.warnings += table.warnings
    conn = case.conn
    with transaction(conn), no_gc():
        before = import_log.earlier_import(conn, table.sha256, kind)
        if before:
            report.warnings.append(
                f"this file was already imported as import {before}; only what is new is added"
            )
        used = {table.header[i]: f for i, f in columns.items()}
        import_id = import_log.start(
            conn,
            kind=kind,
            file_name=path.name,
            file_sha256=table.sha256,
            mapping=used,
            encoding=table.encoding,
            rows_total=len(table.rows),
            at=now(),
            actor=actor,
        )
        report.import_id = import_id
        rows, problems = _parse_all(conn, spec, table, columns, import_id)
        if problems and not skip_bad:
            shown = "; ".join(p for _, p in problems[:SHOWN_PROBLEMS])
            more = (
                f"; and {len(problems) - SHOWN_PROBLEMS} more"
                if len(problems) > SHOWN_PROBLEMS
                else ""
            )
            raise ImportRowsError(
                f"{len(problems)} of {len(table.rows)} rows of {path.name} are malformed, so "
                f"nothing was imported (fix them, or pass --skip-bad to import the rest): "
                f"{shown}{more}.",
                problems,
            )
        batch = Batch(conn, actor, f"import:{import_id}")
        _write(batch, rows)
        stats = batch.finish()
        report.rows_imported = len(rows)
        report.skipped = problems
        report.warnings += stats.warnings
        for name in (
            "entities_created",
            "entities_matched",
            "merges",
            "relations_created",
            "evidence_added",
        ):
            setattr(report, name, getattr(stats, name))
        import_log.finish(conn, import_id, len(rows), problems)
        audit.append(
            conn,
            actor,
            "graph.import",
            path.name,
            {
                "import": import_id,
                "kind": kind,
                "sha256": table.sha256,
                "encoding": table.encoding,
                "mapping": used,
                "rows": len(table.rows),
                "imported": len(rows),
                "skipped": [n for n, _ in problems],
                "entities_created": stats.entities_created,
                "merges": stats.merges,
                "relations_created": stats.relations_created,
                "evidence_added": stats.evidence_added,
            },
        )
    return report
