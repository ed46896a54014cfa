"""`workbench graph export`: one entry point for every format.

Each export builds the view from the store, writes to a temporary file next to OUT,
and renames it into place, so OUT is either complete or untouched. The export is
recorded in the audit log with the SHA-256 of what was written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from workbench.case import audit
from workbench.case.folder import Case
from workbench.case.media import sha256_file
from workbench.case.store import transaction
from workbench.graph.errors import GraphError
from workbench.graph.view import GraphView, build, no_gc

FORMATS = ("graphml", "gexf", "json", "csv", "ftm", "html", "png")


@dataclass
class ExportResult:
    format: str
    paths: list[Path]
    nodes: int
    edges: int
    entities: dict[str, int] = field(default_factory=dict)  # FtM: count per schema
    warnings: list[str] = field(default_factory=list)


def _write_file(out: Path, fmt: str, case: Case, view: GraphView, result: ExportResult) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        if fmt == "png":
            os.close(fd)
            from workbench.graph.png import write_png

            write_png(view, tmp, title=case.info.title)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                _write_text(fh, fmt, case, view, result)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_text(fh: IO[str], fmt: str, case: Case, view: GraphView, result: ExportResult) -> None:
    if fmt == "graphml":
        from workbench.graph.export_xml import write_graphml

        write_graphml(view, fh)
    elif fmt == "gexf":
        from workbench.graph.export_xml import write_gexf

        write_gexf(view, fh, description=case.info.title)
    elif fmt == "json":
        from workbench.graph.export_tab import write_json

        write_json(view, fh, {"name": case.info.title})
    elif fmt == "ftm":
        from workbench.graph.ftm import write_ftm

        writer = write_ftm(case.conn, view, fh)
        result.entities = dict(writer.counts)
        result.warnings += [
            f"{n} value(s) of {prop} were not valid FtM values and were left out"
            for prop, n in sorted(writer.dropped.items())
        ]
    elif fmt == "html":
        from workbench.graph.html import write_html

        write_html(view, fh, title=case.info.title)


def export(
    case: Case, actor: str, fmt: str, out: Path, view: GraphView | None = None
) -> ExportResult:
    """Write the case's graph as FMT to OUT (a folder for csv); see docs/graph.md."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise GraphError(f"{fmt!r} is not an export format (known: {', '.join(FORMATS)}).")
    out = Path(out)
    with no_gc():
        return _export(case, actor, fmt, out, view or build(case))


def _export(case: Case, actor: str, fmt: str, out: Path, view: GraphView) -> ExportResult:
    result = ExportResult(fmt, [], len(view.nodes), len(view.edges))
    if fmt == "csv":
        if out.exists() and not out.is_dir():
            raise GraphError(f"{out} is a file; a CSV export writes a folder of three files.")
        from workbench.graph.export_tab import write_csv

        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            written = write_csv(view, case.conn, tmp)
            out.mkdir(parents=True, exist_ok=True)
            for path in written:
                os.replace(path, out / path.name)
                result.paths.append(out / path.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        if out.is_dir():
            raise GraphError(f"{out} is a folder; give a file name for the {fmt} export.")
        _write_file(out, fmt, case, view, result)
        result.paths.append(out)
    with transaction(case.conn) as conn:
        audit.append(
            conn,
            actor,
            "graph.export",
            fmt,
            {
                "files": {p.name: sha256_file(p) for p in result.paths},
                "nodes": result.nodes,
                "edges": result.edges,
            },
        )
    return result
