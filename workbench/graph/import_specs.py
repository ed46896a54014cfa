"""What each import kind reads: its fields, default column names, and one row's meaning.

A row parser turns one row's fields into parties (entities to resolve) and relations
between them, or raises GraphError naming the bad value. Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.graph import identifiers as ids
from workbench.graph.countries import country as parse_country
from workbench.graph.dates import parse_date
from workbench.graph.errors import GraphError
from workbench.graph.fields import EntityFields, entity_fields, text_or_none
from workbench.graph.model import ENTITY_KINDS, RELATION_KINDS, RelationKind, relation_kind
from workbench.graph.money import parse_amount, parse_currency
from workbench.graph.relations import NewEvidence, check_confidence, check_span


@dataclass
class RelationSpec:
    kind: RelationKind
    source: int  # index into ParsedRow.parties, or -1 with source_id
    target: int
    source_id: str | None = None  # an existing entity named by id
    target_id: str | None = None
    start: str | None = None
    end: str | None = None
    confidence: float = 0.5
    note: str | None = None
    evidence: NewEvidence | None = None


@dataclass
class ParsedRow:
    number: int
    parties: list[EntityFields] = field(default_factory=list)
    relations: list[RelationSpec] = field(default_factory=list)


Parser = Callable[[dict[str, Any], "RowContext"], ParsedRow]


@dataclass
class RowContext:
    number: int
    kind: str
    import_id: int
    file_sha256: str
    raw: dict[str, Any]  # the row as read: column → cell

    def record(self, fields: dict[str, Any], url: str | None) -> NewEvidence:
        return NewEvidence(
            kind=self.kind,
            url=url,
            import_id=self.import_id,
            file_sha256=self.file_sha256,
            row_number=self.number,
            row_values={"fields": fields, "raw": self.raw},
        )


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    fields: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]  # each tuple: at least one of these columns
    synonyms: dict[str, str]
    parse: Parser


def _party_fields(
    v: dict[str, Any], prefix: str, role: str | None = None, public: object = None
) -> EntityFields:
    name = v.get(prefix)
    if not text_or_none(name):
        raise GraphError(f"The {prefix} is empty.")
    idents: list[tuple[str, object]] = []
    country = parse_country(text_or_none(v.get(f"{prefix}_country")))
    raw_id = text_or_none(v.get(f"{prefix}_id"))
    if raw_id:
        idents.append(ids.detect(raw_id, country))
    return entity_fields(
        "organisation",
        name,
        role=v.get(f"{prefix}_role") or role,
        country=country,
        public=v.get(f"{prefix}_public", public),
        identifiers=idents,
    )


def _money(v: dict[str, Any]) -> dict[str, Any]:
    out = {"amount": parse_amount(v.get("amount")), "currency": parse_currency(v.get("currency"))}
    if out["amount"] is not None and out["currency"] is None:
        raise GraphError(f"The amount {v.get('amount')!r} has no currency.")
    return out


def _url(v: dict[str, Any], key: str = "url") -> str | None:
    return text_or_none(v.get(key))


def parse_procurement(v: dict[str, Any], ctx: RowContext) -> ParsedRow:
    buyer = _party_fields(v, "buyer")
    supplier = _party_fields(v, "supplier")
    money = _money(v)
    when = parse_date(v.get("date"))
    fields = {
        "buyer": buyer.name,
        "supplier": supplier.name,
        "lot": text_or_none(v.get("lot")),
        "tender_id": text_or_none(v.get("tender_id")),
        "date": when,
        "url": _url(v),
        **money,
    }
    rel = RelationSpec(
        RELATION_KINDS["supplies"],
        source=1,
        target=0,
        start=when,
        end=when,
        confidence=check_confidence(v.get("confidence") or 0.9),
        note=text_or_none(v.get("note")),
        evidence=ctx.record(fields, fields["url"]),
    )
    return ParsedRow(ctx.number, [buyer, supplier], [rel])


def parse_customs(v: dict[str, Any], ctx: RowContext) -> ParsedRow:
    sender = _party_fields(v, "sender")
    receiver = _party_fields(v, "receiver")
    money = _money(v)
    when = parse_date(v.get("date"))
    fields = {
        "sender": sender.name,
        "receiver": receiver.name,
        "goods": text_or_none(v.get("goods")),
        "hs_code": text_or_none(v.get("hs_code")),
        "origin_country": parse_country(text_or_none(v.get("origin_country"))),
        "declaration": text_or_none(v.get("declaration")),
        "date": when,
        "url": _url(v),
        **money,
    }
    rel = RelationSpec(
        RELATION_KINDS["supplies"],
        source=0,
        target=1,
        start=when,
        end=when,
        confidence=check_confidence(v.get("confidence") or 0.9),
        evidence=ctx.record(fields, fields["url"]),
    )
    return ParsedRow(ctx.number, [sender, receiver], [rel])


_NAME_ALIASES = ("name_en", "name_ru", "name_kk", "name_zh")
_ID_COLUMNS = ("bin", "iin", "inn", "ogrn", "uscc", "lei", "website")


def parse_registry(v: dict[str, Any], ctx: RowContext) -> ParsedRow:
    kind = (text_or_none(v.get("kind")) or "organisation").lower()
    kind = {"organization": "organisation", "company": "organisation"}.get(kind, kind)
    country = text_or_none(v.get("country"))
    idents: list[tuple[str, object]] = [(c, v.get(c)) for c in _ID_COLUMNS if v.get(c)]
    if text_or_none(v.get("identifier")):
        idents.append(ids.detect(str(v["identifier"]), parse_country(country)))
    aliases: list[object] = [v.get(a) for a in _NAME_ALIASES if v.get(a)]
    aliases += [a for a in str(v.get("aliases") or "").replace("|", ";").split(";") if a.strip()]
    props = {"registered": parse_date(v.get("registered")), "note": text_or_none(v.get("note"))}
    party = entity_fields(
        kind,
        v.get("name"),
        id=text_or_none(v.get("id")),
        role=v.get("role"),
        country=country,
        city=v.get("city"),
        address=v.get("address"),
        lat=v.get("lat"),
        lon=v.get("lon"),
        public=v.get("public"),
        props={k: val for k, val in props.items() if val},
        aliases=aliases,
        identifiers=idents,
    )
    row = ParsedRow(ctx.number, [party])
    parent, parent_id = text_or_none(v.get("parent")), text_or_none(v.get("parent_id"))
    if parent or parent_id:
        if kind != "organisation":
            raise GraphError(f"Only an organisation has a parent, not a {kind}.")
        fields = {"name": party.name, "parent": parent, "parent_id": parent_id, "url": _url(v)}
        spec = RelationSpec(
            RELATION_KINDS["subsidiary_of"],
            source=0,
            target=1 if parent else -1,
            target_id=parent_id,
            confidence=0.9,
            evidence=ctx.record(fields, fields["url"]),
        )
        if parent:
            row.parties.append(entity_fields("organisation", parent))
        row.relations.append(spec)
    return row


def _end_kind(v: dict[str, Any], end: str, allowed: frozenset[str]) -> str:
    given = text_or_none(v.get(f"{end}_kind"))
    if given:
        kind = given.lower()
        if kind not in ENTITY_KINDS:
            raise GraphError(f"{given!r} is not an entity kind.")
        return kind
    return next(iter(allowed)) if len(allowed) == 1 else "organisation"


def parse_relations(v: dict[str, Any], ctx: RowContext) -> ParsedRow:
    kind = relation_kind(str(v.get("relation") or ""))
    row = ParsedRow(ctx.number)
    spec = RelationSpec(kind, source=-1, target=-1)
    for end, allowed in (("source", kind.sources), ("target", kind.targets)):
        explicit = text_or_none(v.get(f"{end}_id"))
        if explicit:
            setattr(spec, f"{end}_id", explicit)
            continue
        if not text_or_none(v.get(end)):
            raise GraphError(f"The {end} is empty.")
        party = entity_fields(
            _end_kind(v, end, allowed), v.get(end), country=v.get(f"{end}_country")
        )
        row.parties.append(party)
        setattr(spec, end, len(row.parties) - 1)
    spec.start, spec.end = check_span(v.get("start"), v.get("end"))
    spec.confidence = check_confidence(v.get("confidence"))
    spec.note = text_or_none(v.get("note"))
    url, sha = _url(v), text_or_none(v.get("sha256"))
    if url or sha:
        ev_kind = text_or_none(v.get("evidence")) or ("url" if url and not sha else "document")
        if ev_kind not in ("url", "document"):
            raise GraphError(f"The evidence kind {ev_kind!r} must be url or document here.")
        spec.evidence = NewEvidence(
            kind=ev_kind,
            url=url,
            title=text_or_none(v.get("title")),
            retrieved_at=text_or_none(v.get("retrieved_at")),
            sha256=sha.lower() if sha else None,
        )
    row.relations.append(spec)
    return row


SPECS: dict[str, ImportSpec] = {
    s.kind: s
    for s in (
        ImportSpec(
            "procurement",
            (
                "buyer",
                "buyer_id",
                "buyer_country",
                "buyer_public",
                "supplier",
                "supplier_id",
                "supplier_country",
                "supplier_role",
                "lot",
                "tender_id",
                "amount",
                "currency",
                "date",
                "url",
                "confidence",
                "note",
            ),
            (("buyer",), ("supplier",)),
            {
                "заказчик": "buyer",
                "customer": "buyer",
                "бин заказчика": "buyer_id",
                "поставщик": "supplier",
                "winner": "supplier",
                "бин поставщика": "supplier_id",
                "лот": "lot",
                "наименование лота": "lot",
                "сумма": "amount",
                "валюта": "currency",
                "дата": "date",
                "ссылка": "url",
                "source_url": "url",
                "source url": "url",
            },
            parse_procurement,
        ),
        ImportSpec(
            "customs",
            (
                "sender",
                "sender_id",
                "sender_country",
                "receiver",
                "receiver_id",
                "receiver_country",
                "goods",
                "hs_code",
                "origin_country",
                "amount",
                "currency",
                "date",
                "declaration",
                "url",
                "confidence",
            ),
            (("sender",), ("receiver",)),
            {
                "exporter": "sender",
                "отправитель": "sender",
                "importer": "receiver",
                "получатель": "receiver",
                "декларант": "receiver",
                "товар": "goods",
                "тн вэд": "hs_code",
                "source_url": "url",
            },
            parse_customs,
        ),
        ImportSpec(
            "registry",
            (
                "id",
                "name",
                "kind",
                "role",
                "country",
                "city",
                "address",
                "lat",
                "lon",
                "public",
                *_ID_COLUMNS,
                "identifier",
                "aliases",
                *_NAME_ALIASES,
                "parent",
                "parent_id",
                "registered",
                "url",
                "note",
            ),
            (("name",),),
            {
                "наименование": "name",
                "бин": "bin",
                "иин": "iin",
                "инн": "inn",
                "огрн": "ogrn",
                "страна": "country",
                "город": "city",
                "адрес": "address",
                "сайт": "website",
                "source_url": "url",
            },
            parse_registry,
        ),
        ImportSpec(
            "relations",
            (
                "source",
                "source_id",
                "source_kind",
                "source_country",
                "relation",
                "target",
                "target_id",
                "target_kind",
                "target_country",
                "start",
                "end",
                "confidence",
                "evidence",
                "url",
                "title",
                "retrieved_at",
                "sha256",
                "note",
            ),
            (("source", "source_id"), ("relation",), ("target", "target_id")),
            {"source_url": "url", "kind": "relation"},
            parse_relations,
        ),
    )
}
