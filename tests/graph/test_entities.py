"""Entities in the store: add, find, change; every write audited."""

from __future__ import annotations

import pytest

from workbench.case import Case, audit
from workbench.graph import entities as ents
from workbench.graph.errors import GraphError


def test_schema_migration_is_recorded(gcase: Case) -> None:
    names = {r[0] for r in gcase.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "entities",
        "entity_names",
        "identifiers",
        "relations",
        "evidence",
        "merges",
        "proposals",
        "site_videos",
        "graph_imports",
    } <= names
    row = gcase.conn.execute("SELECT name FROM schema_version WHERE version = 5").fetchone()
    assert row[0] == "graph: entities, relations, evidence, merges"


def test_add_entity_with_identifiers_and_aliases(gcase: Case) -> None:
    e = ents.add_entity(
        gcase,
        "ana",
        "organisation",
        "  ТОО «Сергек Групп» ",
        role="Integrator",
        country="Kazakhstan",
        aliases=["Sergek Group LLP"],
        identifiers=[("bin", "940140000385"), ("website", "sergek.kz")],
    )
    assert e.id == "org-too-sergek-grupp"
    assert (e.name, e.role, e.country) == ("ТОО «Сергек Групп»", "integrator", "kz")
    assert e.aliases == ("Sergek Group LLP",)
    assert {(i.scheme, i.value) for i in e.identifiers} == {
        ("kz_bin", "940140000385"),
        ("website", "sergek.kz"),
    }
    last = audit.entries(gcase.conn)[-1]
    assert (last.actor, last.action, last.target) == ("ana", "graph.entity.add", e.id)
    assert audit.verify_chain(gcase.conn) == []


def test_ids_are_unique_and_readable(gcase: Case) -> None:
    a = ents.add_entity(gcase, "t", "site", "Ситуационный центр")
    b = ents.add_entity(gcase, "t", "site", "Ситуационный центр")
    assert (a.id, b.id) == ("site-situacionnyj-centr", "site-situacionnyj-centr-2")
    c = ents.add_entity(gcase, "t", "product", "😀")
    assert c.id == "prod-x"
    with pytest.raises(GraphError, match="already exists"):
        ents.add_entity(gcase, "t", "site", "Other", id=a.id)
    with pytest.raises(GraphError, match="not a usable entity id"):
        ents.add_entity(gcase, "t", "site", "Other", id="Bad Id!")


def test_find_by_id_identifier_and_any_spelling(gcase: Case) -> None:
    e = ents.add_entity(
        gcase, "t", "organisation", "АО «Казахтелеком»", identifiers=[("bin", "940140000385")]
    )
    for ref in (e.id, "940140000385", "Kazakhtelecom JSC", "«Қазақтелеком» АҚ"):
        assert ents.resolve(gcase, ref).id == e.id
    with pytest.raises(GraphError, match="did you mean org-ao-kazahtelekom"):
        ents.resolve(gcase, "Kazakhtelecom Holding International")
    with pytest.raises(GraphError, match="No product matches"):
        ents.resolve(gcase, "Kazakhtelecom", kind="product")


def test_identifier_belongs_to_one_entity(gcase: Case) -> None:
    ents.add_entity(gcase, "t", "organisation", "A", identifiers=[("bin", "940140000385")])
    with pytest.raises(GraphError, match="already belongs"):
        ents.add_entity(gcase, "t", "organisation", "B", identifiers=[("bin", "940140000385")])
    b = ents.add_entity(gcase, "t", "organisation", "B")
    with pytest.raises(GraphError, match="merge the two"):
        ents.add_identifier(gcase, "t", b.id, "bin", "940140000385")


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"kind": "company", "name": "X"}, "not an entity kind"),
        ({"kind": "organisation", "name": "  "}, "needs a name"),
        ({"kind": "organisation", "name": "X", "role": "spy"}, "not a role"),
        ({"kind": "site", "name": "X", "lat": 95, "lon": 1}, "outside"),
        ({"kind": "site", "name": "X", "lat": 45}, "both a latitude and a longitude"),
        ({"kind": "organisation", "name": "X", "country": "Narnia"}, "not a country"),
        ({"kind": "organisation", "name": "X", "identifiers": [("bin", "1")]}, "12 digits"),
    ],
)
def test_bad_entities_are_refused_and_nothing_is_written(
    gcase: Case, kwargs: dict, words: str
) -> None:
    before = gcase.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    kind, name = kwargs.pop("kind"), kwargs.pop("name")
    with pytest.raises(GraphError, match=words):
        ents.add_entity(gcase, "t", kind, name, **kwargs)
    assert gcase.conn.execute("SELECT count(*) FROM entities").fetchone()[0] == 0
    assert gcase.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_update_alias_and_list(gcase: Case) -> None:
    site = ents.add_entity(gcase, "t", "site", "ЦОУ Алматы", role="control_centre")
    site = ents.update_entity(gcase, "t", site.id, city="Алматы", lat=43.24, lon=76.95)
    assert (site.city, site.lat, site.lon, site.role) == ("Алматы", 43.24, 76.95, "control_centre")
    site = ents.add_alias(gcase, "t", site.id, "Almaty Operational Control Centre")
    assert ents.resolve(gcase, "almaty operational control centre").id == site.id
    assert [e.id for e in ents.list_entities(gcase, "site")] == [site.id]
    actions = [e.action for e in audit.entries(gcase.conn)]
    assert actions[-3:] == ["graph.entity.add", "graph.entity.update", "graph.entity.alias"]
    with pytest.raises(GraphError, match="no field"):
        ents.update_entity(gcase, "t", site.id, colour="red")
