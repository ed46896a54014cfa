"""The shape DESIGN.md draws, checked on the source itself.

- every table of case.db is read and written by its owner module only;
- no lower layer imports a higher one (cli/app -> publish/graph/batch -> recognize ->
  ingest/video -> case);
- no import cycle between modules (imports for type checking aside);
- no module passes 400 lines.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "workbench"
MAX_LINES = 400

# table -> the module (path below workbench/) that holds all of its SQL
OWNERS: dict[str, str] = {
    "audit": "case/audit.py",
    "videos": "case/records.py",
    "sources": "case/records.py",
    "captures": "case/records.py",
    "observations": "case/observations.py",
    "timestamps": "case/timestamps.py",
    "frame_indexes": "case/frame_index.py",
    "observation_search": "case/search.py",
    "observation_search_state": "case/search.py",
    "schema_version": "case/migrations.py",
    "shots": "video/analysis.py",
    "keyframes": "video/analysis.py",
    "stage_runs": "recognize/runs.py",
    "stage_items": "recognize/runs.py",
    "entities": "graph/entity_rows.py",
    "entity_names": "graph/entity_rows.py",
    "identifiers": "graph/entity_rows.py",
    "relations": "graph/relation_rows.py",
    "evidence": "graph/relation_rows.py",
    "graph_imports": "graph/import_log.py",
    "merges": "graph/merges.py",
    "proposals": "graph/proposals.py",
    "site_videos": "graph/proposals.py",
    "find_references": "case/references.py",
    "fingerprints": "case/copies.py",
    "copy_links": "case/copies.py",
}
# the schema itself (CREATE TABLE, triggers) is declared in the migrations
SCHEMA_FILES = {"case/migrations.py", "case/graph_schema.py"}

# layer of each top-level part of the package; root modules are shared utilities
LAYERS: dict[str, int] = {
    "case": 0,
    "errors": 0,
    "actor": 0,
    "progress": 0,
    "resources": 0,
    "synth": 0,
    "synth_docs": 0,
    "demo_media": 4,
    "tabular": 0,
    "chromium": 0,
    "ingest": 1,
    "video": 1,
    "recognize": 2,
    "graph": 3,
    "publish": 3,
    "batch": 3,
    "doctor": 4,
    "cli": 4,
    "app": 4,
    "demo": 4,
    "demo_story": 4,
}


@functools.lru_cache(maxsize=1)
def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _table_pattern() -> re.Pattern[str]:
    names = "|".join(sorted(OWNERS, key=len, reverse=True))
    sql = rf"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|FROM|JOIN)\s+({names})\b"
    return re.compile(sql)


ROW_LAYER = re.compile(r"rows\.(?:insert|update|update_many|select|exists)\(\s*[\w.]+,\s*\"(\w+)\"")


def sql_users(root: Path = PACKAGE) -> dict[str, set[str]]:
    """table -> the modules whose source names it in SQL (or in a row-layer call)."""
    pattern = _table_pattern()
    users: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        text = path.read_text("utf-8")
        for match in [*pattern.finditer(text), *ROW_LAYER.finditer(text)]:
            users.setdefault(match.group(1), set()).add(rel)
    return users


def test_every_table_is_used_by_its_owner_only() -> None:
    wrong = {
        table: sorted(found - {OWNERS[table]} - SCHEMA_FILES)
        for table, found in sql_users().items()
        if table in OWNERS and found - {OWNERS[table]} - SCHEMA_FILES
    }
    assert not wrong, f"SQL on a table outside its owner module: {wrong}"


def test_every_table_has_an_owner() -> None:
    declared = set()
    for name in SCHEMA_FILES:
        declared |= set(
            re.findall(
                r"CREATE (?:VIRTUAL )?TABLE (?:IF NOT EXISTS )?(\w+)",
                (PACKAGE / name).read_text("utf-8"),
            )
        )
    assert declared, "no CREATE TABLE found: the scan is broken"
    assert not declared - set(OWNERS), f"tables without an owner: {declared - set(OWNERS)}"


def _imports(path: Path, *, typing_too: bool) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text("utf-8"))
    skip: set[int] = set()
    if not typing_too:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip |= {id(n) for n in ast.walk(node)}
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
    return [(name, line) for name, line in out if name.split(".")[0] == "workbench"]


def _layer(module: str) -> int:
    """The layer of a module, or of the module a `from X import name` name lives in."""
    known = _modules()
    while module not in known and "." in module:
        module = module.rpartition(".")[0]
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__init__":
        return 0
    if parts[1] not in LAYERS:
        raise AssertionError(f"{module}: give workbench.{parts[1]} a layer in this test")
    return LAYERS[parts[1]]


def test_no_lower_layer_imports_a_higher_one() -> None:
    wrong = []
    for module, path in _modules().items():
        mine = _layer(module)
        for name, line in _imports(path, typing_too=True):
            if _layer(name) > mine:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not wrong, "imports against the direction of dependency:\n" + "\n".join(wrong)


def import_cycles() -> list[list[str]]:
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for name, _ in _imports(path, typing_too=False):
            target = resolve(name)
            if target and target != module and not module.startswith(target + "."):
                edges[module].add(target)
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return cycles


def test_no_import_cycle() -> None:
    assert not import_cycles()


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_module_passes_400_lines(path: Path) -> None:
    lines = path.read_text("utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it"
