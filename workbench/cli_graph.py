"""`workbench graph …`: the vendor graph's commands (thin: each calls workbench.graph).

Attach with `main.add_command(graph)`. Errors (WorkbenchError) reach stderr as one
sentence with exit code 1, whether `graph` runs under `workbench` or on its own.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from workbench.errors import WorkbenchError

FORMATS = ("graphml", "gexf", "json", "csv", "ftm", "html", "png")
IMPORT_KINDS = ("procurement", "customs", "registry", "relations")
ENTITY_KINDS = ("organisation", "product", "site", "person")


def _actor() -> str:
    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class GraphGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


by_option = click.option(
    "--by",
    "actor",
    default=_actor,
    show_default="$WORKBENCH_USER or the login name",
    help="Who is doing this (recorded in the audit log).",
)
dir_arg = click.argument("directory", type=click.Path(path_type=Path))
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
table_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="How to print the answer.",
)


def _open(directory: Path) -> Any:
    from workbench.case import Case

    return Case.open(directory)


def _print_frame(df: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(df.to_json(orient="records", force_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(df.to_csv(index=False), nl=False)
    elif df.empty:
        click.echo("(nothing)")
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", None, "display.width", 200):
            click.echo(df.to_string(index=False))


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _pairs(values: tuple[str, ...], what: str) -> list[tuple[str, str]]:
    out = []
    for v in values:
        key, sep, val = v.partition("=")
        if not sep:
            raise WorkbenchError(f"{what} {v!r} must look like SCHEME=VALUE.")
        out.append((key, val))
    return out


@click.group(cls=GraphGroup)
def graph() -> None:
    """The vendor graph: entities, evidence-backed relations, queries, exports."""


@graph.command("import")
@dir_arg
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(IMPORT_KINDS), required=True, help="What the rows are.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read COLUMN as FIELD (repeatable); docs/graph.md lists the fields.",
)
@click.option("--skip-bad", is_flag=True, help="Import the good rows and list the bad ones.")
@click.option("--encoding", help="Force a text encoding for CSV (default: detect).")
@click.option("--sheet", help="XLSX: the sheet to read (default: the first).")
@json_option
@by_option
def import_cmd(directory: Path, file: Path, kind: str, mapping: tuple[str, ...], **kw: Any) -> None:
    """Import FILE (CSV or XLSX) of KIND records into the case in DIRECTORY."""
    from workbench.graph.imports import import_file, parse_mapping

    with _open(directory) as c:
        r = import_file(
            c,
            kw["actor"],
            file,
            kind,
            parse_mapping(mapping),
            kw["skip_bad"],
            kw["encoding"],
            kw["sheet"],
        )
    if kw["as_json"]:
        return _echo_json(r.to_dict())
    click.echo(
        f"import {r.import_id}: {r.rows_imported} of {r.rows_total} rows ({r.encoding}); "
        f"{r.entities_created} entities new, {r.entities_matched} matched, {r.merges} merged by "
        f"name; {r.relations_created} relations new, {r.evidence_added} pieces of evidence added"
    )
    for _, problem in r.skipped:
        click.echo(f"skipped: {problem}", err=True)
    for warning in r.warnings:
        click.echo(f"warning: {warning}", err=True)


@graph.command("export")
@dir_arg
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="The file to write (a folder for csv).",
)
@by_option
def export_cmd(directory: Path, fmt: str, out: Path, actor: str) -> None:
    """Export the vendor graph of DIRECTORY to OUT."""
    from workbench.graph.exports import export

    with _open(directory) as c:
        result = export(c, actor, fmt, out)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    counts = ", ".join(f"{n} {s}" for s, n in sorted(result.entities.items()))
    click.echo(
        f"wrote {', '.join(map(str, result.paths))}: {result.nodes} entities, "
        f"{result.edges} relations" + (f" ({counts})" if counts else "")
    )


# -- entities ---------------------------------------------------------------------
@graph.group(cls=GraphGroup)
def entity() -> None:
    """Add, change and inspect entities."""


def _entity_fields(f):  # type: ignore[no-untyped-def]
    for option in reversed(
        [
            click.option("--role", help="integrator, vendor, distributor, operator, client…"),
            click.option("--country", help="ISO code or name: kz, cn, Russia…"),
            click.option("--city"),
            click.option("--address"),
            click.option("--lat", type=float),
            click.option("--lon", type=float),
        ]
    ):
        f = option(f)
    return f


@entity.command("add")
@dir_arg
@click.argument("kind", type=click.Choice(ENTITY_KINDS))
@click.argument("name")
@click.option("--id", "id", help="Choose the id (default: made from the name).")
@_entity_fields
@click.option("--public", is_flag=True, help="A public body (ministry, akimat, police).")
@click.option("--alias", "aliases", multiple=True, help="Another spelling (repeatable).")
@click.option(
    "--identifier",
    "identifiers",
    multiple=True,
    metavar="SCHEME=VALUE",
    help="bin, iin, inn, ogrn, uscc, lei, website (repeatable).",
)
@json_option
@by_option
def entity_add(directory: Path, kind: str, name: str, actor: str, as_json: bool, **kw: Any) -> None:
    """Add an entity of KIND called NAME; prints its id."""
    from workbench.graph.entities import add_entity

    kw["identifiers"] = _pairs(kw["identifiers"], "--identifier")
    kw["aliases"] = list(kw["aliases"])
    with _open(directory) as c:
        e = add_entity(c, actor, kind, name, **kw)
    _echo_json(e.to_dict()) if as_json else click.echo(e.id)


@entity.command("set")
@dir_arg
@click.argument("ref")
@click.option("--name")
@_entity_fields
@click.option("--public/--not-public", default=None)
@click.option("--alias", "aliases", multiple=True, help="Add another spelling (repeatable).")
@click.option("--identifier", "identifiers", multiple=True, metavar="SCHEME=VALUE")
@by_option
def entity_set(
    directory: Path,
    ref: str,
    actor: str,
    aliases: tuple[str, ...],
    identifiers: tuple[str, ...],
    **changes: Any,
) -> None:
    """Change fields of the entity REF (an id, an identifier or a name), add spellings and
    identifiers (bin, iin, inn, ogrn, uscc, lei, website)."""
    from workbench.graph import entities

    with _open(directory) as c:
        entity_id = entities.resolve(c, ref).id
        if any(v is not None for v in changes.values()):
            entities.update_entity(c, actor, entity_id, **changes)
        for alias in aliases:
            entities.add_alias(c, actor, entity_id, alias)
        for scheme, value in _pairs(identifiers, "--identifier"):
            entities.add_identifier(c, actor, entity_id, scheme, value)
    click.echo(entity_id)


@entity.command("show")
@dir_arg
@click.argument("ref")
def entity_show(directory: Path, ref: str) -> None:
    """Print the entity REF (an id, an identifier or a name in any spelling) as JSON."""
    from workbench.graph.entities import resolve

    with _open(directory) as c:
        _echo_json(resolve(c, ref).to_dict())


@entity.command("list")
@dir_arg
@click.option("--kind", type=click.Choice(ENTITY_KINDS))
@table_option
def entity_list(directory: Path, kind: str | None, fmt: str) -> None:
    """List entities (merged ones folded in)."""
    from workbench.graph.queries import nodes_frame

    with _open(directory) as c:
        df = nodes_frame(c)
    _print_frame(df[df["kind"] == kind] if kind and not df.empty else df, fmt)


# -- relations and evidence -------------------------------------------------------
def _evidence_options(f):  # type: ignore[no-untyped-def]
    for option in reversed(
        [
            click.option("--url", help="A web page or document URL."),
            click.option("--title", help="The document's title."),
            click.option("--retrieved-at", help="When it was retrieved (ISO 8601)."),
            click.option("--sha256", help="SHA-256 of a saved copy kept elsewhere."),
            click.option(
                "--file",
                "copy",
                type=click.Path(path_type=Path),
                help="A saved copy to store in the case's media/ (hashed).",
            ),
            click.option("--observation", type=int, help="A confirmed observation's id."),
            click.option("--note"),
        ]
    ):
        f = option(f)
    return f


def _evidence(kw: dict[str, Any], kind: str | None = None) -> Any:
    """NewEvidence from the evidence options, or None when none were given."""
    from workbench.graph.relations import NewEvidence

    if kw["observation"] is not None:
        return NewEvidence(kind="observation", observation_id=kw["observation"], note=kw["note"])
    if not (kw["url"] or kw["title"] or kw["sha256"] or kw["copy"] or kind):
        return None
    guess = "url" if kw["url"] and not (kw["sha256"] or kw["copy"]) else "document"
    return NewEvidence(
        kind=kind or guess,
        url=kw["url"],
        title=kw["title"],
        retrieved_at=kw["retrieved_at"],
        sha256=kw["sha256"],
        note=kw["note"],
    )


@graph.group(cls=GraphGroup)
def relation() -> None:
    """Add and inspect relations."""


@relation.command("add")
@dir_arg
@click.argument("source")
@click.argument("kind")
@click.argument("target")
@click.option("--start", help="When it began (2021, 2021-05, 2021-05-17).")
@click.option("--end", help="When it ended.")
@click.option("--confidence", default="0.5", show_default=True, help="0 to 1.")
@_evidence_options
@by_option
def relation_add(directory: Path, source: str, kind: str, target: str, **kw: Any) -> None:
    """Add SOURCE KIND TARGET (`org-a supplies org-b`); without evidence, a hypothesis."""
    from workbench.graph.entities import resolve
    from workbench.graph.relations import add_evidence, add_relation

    ev = _evidence(kw)
    with _open(directory) as c:
        r = add_relation(
            c,
            kw["actor"],
            kind,
            resolve(c, source).id,
            resolve(c, target).id,
            start=kw["start"],
            end=kw["end"],
            confidence=kw["confidence"],
            evidence=[ev] if ev and kw["copy"] is None else [],
        )
        if kw["copy"] is not None:
            add_evidence(c, kw["actor"], r.id, ev, copy=kw["copy"])
    click.echo(f"{r.id}" + ("" if ev else " (a hypothesis: no evidence yet)"))


@relation.command("show")
@dir_arg
@click.argument("relation_id", type=int)
def relation_show(directory: Path, relation_id: int) -> None:
    """Print relation RELATION_ID with its evidence as JSON."""
    from workbench.graph.relations import get_relation

    with _open(directory) as c:
        r = get_relation(c, relation_id)
    _echo_json({**asdict(r), "hypothesis": r.hypothesis})


@graph.group(cls=GraphGroup)
def evidence() -> None:
    """Add evidence to relations."""


@evidence.command("add")
@dir_arg
@click.argument("relation_id", type=int)
@click.option("--kind", type=click.Choice(["url", "document", "observation"]))
@_evidence_options
@by_option
def evidence_add(directory: Path, relation_id: int, kind: str | None, **kw: Any) -> None:
    """Add a piece of evidence to relation RELATION_ID."""
    from workbench.graph.relations import add_evidence

    ev = _evidence(kw, kind)
    if ev is None:
        raise WorkbenchError("Give --url, --file, --sha256, --title or --observation.")
    with _open(directory) as c:
        added = add_evidence(c, kw["actor"], relation_id, ev, copy=kw["copy"])
    click.echo(f"{added.id} {added.ref}")


# -- from observations to edges ----------------------------------------------------
@graph.command("link-video")
@dir_arg
@click.argument("site")
@click.argument("video")
@click.option("--note")
@by_option
def link_video_cmd(directory: Path, site: str, video: str, note: str | None, actor: str) -> None:
    """Record that VIDEO (sha256 or a 6+ digit prefix) was filmed at SITE."""
    from workbench.graph.entities import resolve
    from workbench.graph.proposals import link_video

    with _open(directory) as c:
        link_video(c, actor, resolve(c, site, "site").id, video, note)


@graph.command("propose")
@dir_arg
@json_option
@by_option
def propose_cmd(directory: Path, as_json: bool, actor: str) -> None:
    """Propose appears_in edges from confirmed observations in videos linked to sites."""
    from workbench.graph.proposals import propose

    with _open(directory) as c:
        result = propose(c, actor)
    if as_json:
        proposals = [asdict(p) for p in result.proposals]
        return _echo_json({"proposals": proposals, "unmatched": result.unmatched})
    for p in result.proposals:
        click.echo(f"{p.id}  {p.source_id} appears_in {p.target_id}  ({p.reason})")
    for name in result.unmatched:
        click.echo(f"no entity matches {name!r}; add it to propose its edges", err=True)
    click.echo(f"{len(result.proposals)} new proposal(s); accept with `workbench graph accept`")


@graph.command("proposals")
@dir_arg
@click.option(
    "--status",
    type=click.Choice(["proposed", "accepted", "rejected", "all"]),
    default="proposed",
    show_default=True,
)
def proposals_cmd(directory: Path, status: str) -> None:
    """List proposals as JSON."""
    from workbench.graph.proposals import proposals

    with _open(directory) as c:
        _echo_json([asdict(p) for p in proposals(c, None if status == "all" else status)])


@graph.command("accept")
@dir_arg
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--reject", is_flag=True, help="Reject them instead.")
@by_option
def accept_cmd(directory: Path, ids: tuple[int, ...], reject: bool, actor: str) -> None:
    """Accept proposals IDS (adding their edges, citing the observations), or reject them."""
    from workbench.graph.proposals import decide

    with _open(directory) as c:
        for p in decide(c, actor, list(ids), not reject):
            click.echo(f"{p.id} {p.status}" + (f": relation {p.relation_id}" if not reject else ""))


# -- merges -------------------------------------------------------------------------
@graph.command("merge")
@dir_arg
@click.argument("winner")
@click.argument("loser")
@click.option("--reason", default="", help="Why they are the same (recorded).")
@by_option
def merge_cmd(directory: Path, winner: str, loser: str, reason: str, actor: str) -> None:
    """Merge entity LOSER into WINNER (undo with `workbench graph unmerge`)."""
    from workbench.graph.entities import resolve
    from workbench.graph.merges import merge

    with _open(directory) as c:
        m = merge(c, actor, resolve(c, winner).id, resolve(c, loser).id, reason)
    click.echo(f"merge {m.id}: {m.loser_id} into {m.winner_id}")


@graph.command("unmerge")
@dir_arg
@click.argument("what")
@by_option
def unmerge_cmd(directory: Path, what: str, actor: str) -> None:
    """Undo a merge, named by its number or by the merged entity's id."""
    from workbench.graph.merges import unmerge

    with _open(directory) as c:
        m = unmerge(c, actor, what)
    click.echo(f"merge {m.id} undone: {m.loser_id} is separate from {m.winner_id} again")


@graph.command("merges")
@dir_arg
@click.option("--candidates", is_flag=True, help="Instead: pairs that look alike, not merged.")
@click.option("--threshold", default=88.0, show_default=True, help="Similarity 0-100.")
@table_option
def merges_cmd(directory: Path, candidates: bool, threshold: float, fmt: str) -> None:
    """The merge history (automatic merges from imports included), or merge candidates."""
    import pandas as pd

    from workbench.graph import merges

    with _open(directory) as c:
        if candidates:
            return _print_frame(merges.candidates(c, threshold), fmt)
        _print_frame(pd.DataFrame([asdict(m) for m in merges.merges(c)]), fmt)


# -- queries ------------------------------------------------------------------------
@graph.command("query")
@dir_arg
@click.argument("question", type=click.Choice(["suppliers", "paths", "sites", "evidence"]))
@click.argument("subject")
@click.option("--by-country", is_flag=True, help="suppliers: count them per country.")
@click.option("--max-hops", default=4, show_default=True, help="paths: longest path.")
@click.option("--home", default="kz", show_default=True, help="paths: not from here = foreign.")
@table_option
def query_cmd(directory: Path, question: str, subject: str, fmt: str, **kw: Any) -> None:
    """Ask the graph. QUESTION and SUBJECT:

    \b
    suppliers INTEGRATOR  who supplies it (directly, via distributors, makers of its products)
    paths SITE            every path from the site upstream to a foreign organisation
    sites PRODUCT         the sites where the product is installed or seen in footage
    evidence EDGE         the evidence behind an edge (rel-7 or 7)
    """
    from workbench.graph import queries

    with _open(directory) as c:
        if question == "suppliers":
            fn = queries.suppliers_by_country if kw["by_country"] else queries.suppliers
            df = fn(c, subject)
        elif question == "paths":
            df = queries.paths_to_foreign(c, subject, kw["max_hops"], kw["home"].lower())
            df = df.drop(columns=["path_ids"]) if fmt == "table" else df
        elif question == "sites":
            df = queries.product_sites(c, subject)
        else:
            df = queries.edge_evidence(c, subject)
            if fmt == "table":
                df = df[
                    [
                        "relation_id",
                        "id",
                        "kind",
                        "counts",
                        "url",
                        "retrieved_at",
                        "sha256",
                        "observation_id",
                        "frame_index",
                        "row_number",
                    ]
                ]
    _print_frame(df, fmt)


@graph.command("changes")
@dir_arg
@click.option("--since", required=True, help="A date (2025-01-31) or an ISO timestamp.")
@table_option
def changes_cmd(directory: Path, since: str, fmt: str) -> None:
    """What changed in the graph since a date (from the audit log)."""
    from workbench.graph.queries import changes_since

    with _open(directory) as c:
        _print_frame(changes_since(c, since), fmt)
