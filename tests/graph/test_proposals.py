"""From confirmed observations to proposed edges, accepted or rejected by a person."""

from __future__ import annotations

import pytest

from tests.graph.conftest import VIDEO_SHA, add_observation, add_video
from workbench.case import Case, audit
from workbench.graph.entities import add_entity
from workbench.graph.errors import GraphError
from workbench.graph.proposals import decide, link_video, proposals, propose
from workbench.graph.relations import get_relation
from workbench.graph.view import build


@pytest.fixture()
def footage(gcase: Case) -> dict:
    add_video(gcase)
    ids = {
        "site": add_entity(gcase, "t", "site", "ЦОУ ДП Алматы").id,
        "product": add_entity(gcase, "t", "product", "HikCentral").id,
        "vendor": add_entity(
            gcase, "t", "organisation", "Hikvision", aliases=["Хиквижн"], country="cn"
        ).id,
        "logo": add_observation(gcase, label="Hikvision", vendor="Hikvision", frame=5),
        "ui": add_observation(
            gcase, label="HikCentral", vendor="Hikvision", frame=9, kind="interface"
        ),
        "unknown": add_observation(gcase, label="Zorgvision", frame=12),
        "suggested": add_observation(gcase, label="HikCentral", status="suggested", frame=15),
    }
    return ids


def test_propose_needs_a_video_linked_to_a_site(gcase: Case, footage: dict) -> None:
    assert propose(gcase, "t").proposals == []
    with pytest.raises(GraphError, match="not a site"):
        link_video(gcase, "t", footage["product"], VIDEO_SHA[:8])
    with pytest.raises(GraphError, match="No video"):
        link_video(gcase, "t", footage["site"], "ffffff")
    link_video(gcase, "t", footage["site"], VIDEO_SHA[:8])
    result = propose(gcase, "t")
    made = {(p.source_id, p.observation_id) for p in result.proposals}
    assert made == {
        (footage["vendor"], footage["logo"]),
        (footage["product"], footage["ui"]),
        (footage["vendor"], footage["ui"]),
    }
    assert result.unmatched == ["Zorgvision"]
    assert all(p.target_id == footage["site"] and p.kind == "appears_in" for p in result.proposals)
    assert propose(gcase, "t").proposals == []  # nothing new the second time
    assert build(gcase).edges == []  # nothing enters the graph before a person accepts


def test_accept_and_reject(gcase: Case, footage: dict) -> None:
    link_video(gcase, "t", footage["site"], VIDEO_SHA)
    result = propose(gcase, "t")
    by_obs = {(p.source_id, p.observation_id): p.id for p in result.proposals}
    logo = by_obs[(footage["vendor"], footage["logo"])]
    ui = by_obs[(footage["vendor"], footage["ui"])]
    product = by_obs[(footage["product"], footage["ui"])]
    accepted = decide(gcase, "reviewer", [logo, ui], accept=True)
    assert accepted[0].relation_id == accepted[1].relation_id  # one edge, two observations
    rel = get_relation(gcase, accepted[0].relation_id)
    assert {e.observation_id for e in rel.evidence} == {footage["logo"], footage["ui"]}
    (rejected,) = decide(gcase, "reviewer", [product], accept=False)
    assert rejected.status == "rejected" and rejected.relation_id is None
    with pytest.raises(GraphError, match="already accepted"):
        decide(gcase, "reviewer", [logo], accept=True)
    assert proposals(gcase) == []
    (edge,) = build(gcase).edges
    assert (edge["kind"], edge["strength"], edge["evidence_count"]) == ("appears_in", "observed", 2)
    actions = [e.action for e in audit.entries(gcase.conn)]
    assert actions.count("graph.accept") == 2 and actions.count("graph.reject") == 1


def test_withdrawn_observation_no_longer_counts(gcase: Case, footage: dict) -> None:
    link_video(gcase, "t", footage["site"], VIDEO_SHA)
    result = propose(gcase, "t")
    logo = next(p.id for p in result.proposals if p.observation_id == footage["logo"])
    decide(gcase, "t", [logo], accept=True)
    gcase.conn.execute(
        "UPDATE observations SET status = 'rejected' WHERE id = ?", (footage["logo"],)
    )
    (edge,) = build(gcase).edges
    assert edge["hypothesis"] and edge["strength"] == "hypothesis"
