"""Fixtures for the vendor graph: fresh cases, a video with observations, record files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from workbench.case import Case
from workbench.graph.entities import add_entity, resolve
from workbench.graph.imports import import_file
from workbench.graph.merges import merge
from workbench.graph.proposals import decide, link_video, propose
from workbench.graph.relations import NewEvidence, add_evidence, add_relation

VIDEO_SHA = "ab" * 32


@pytest.fixture()
def gcase(tmp_path: Path) -> Iterator[Case]:
    case = Case.init(tmp_path / "case", "Graph test", actor="tester")
    try:
        yield case
    finally:
        case.close()


def add_video(case: Case, sha256: str = VIDEO_SHA) -> str:
    now = datetime.now(timezone.utc).isoformat()
    case.conn.execute(
        "INSERT INTO videos (sha256, media_path, size_bytes, container, codec, fps, frame_count,"
        " duration_s, width, height, rotation, probe_json, added_at)"
        " VALUES (?, ?, 1000, 'mp4', 'h264', 25.0, 250, 10.0, 640, 360, 0, '{}', ?)",
        (sha256, f"media/{sha256}.mp4", now),
    )
    return sha256


def add_observation(
    case: Case,
    video: str = VIDEO_SHA,
    *,
    label: str | None = None,
    vendor: str | None = None,
    status: str = "confirmed",
    frame: int = 10,
    kind: str = "logo",
) -> int:
    now = datetime.now(timezone.utc).isoformat()
    cur = case.conn.execute(
        "INSERT INTO observations (video_sha256, frame_index, time_s, kind, label, vendor, bbox,"
        " score, status, method, created_at, created_by, reviewed_at, reviewed_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 0.9, ?, 'test 1.0', ?, 'test', ?, 'reviewer')",
        (
            video,
            frame,
            frame / 25,
            kind,
            label,
            vendor,
            json.dumps([10, 20, 110, 60]),
            status,
            now,
            now,
        ),
    )
    return int(cur.lastrowid)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


EVIL = "<script>alert('x')</script> & \"Co\""
POLICE = "ГУ «Департамент полиции г. Алматы»"
PROCUREMENT = (
    "buyer,supplier,supplier_id,supplier_country,lot,amount,currency,date,tender_id,url\n"
    f"{POLICE},ТОО «Сергек Групп»,940140000385,kz,Камеры,1000,KZT,"
    "2021-05-17,T-1,https://goszakup.gov.kz/1\n"
    f"{POLICE},Sergek Group LLP,,kz,Серверы,2000,KZT,2022,,\n"
)
CUSTOMS = (
    "sender,sender_country,receiver,goods,hs_code,amount,currency,date,declaration\n"
    "杭州海康威视数字技术股份有限公司,cn,ТОО «Сергек Групп»,"
    "IP cameras,852589,5,USD,2020,D-1\n"
)


@pytest.fixture()
def rich(gcase: Case, tmp_path: Path) -> Case:
    """A case with every entity kind, relation kind and evidence kind."""
    c = gcase
    import_file(c, "t", write(tmp_path / "p.csv", PROCUREMENT), "procurement")
    import_file(c, "t", write(tmp_path / "c.csv", CUSTOMS), "customs")
    import_file(
        c,
        "t",
        write(
            tmp_path / "r.csv",
            (
                "id,name,role,country,parent,uscc,website\n"
                "org-hik-kz,Hikvision Kazakhstan LLP,distributor,kz,,,\n"
                "org-hik,Hikvision,vendor,cn,,91330000733796106P,hikvision.com\n"
                "org-hik-sub,Hikvision Technology Co. Ltd.,vendor,cn,Hikvision,,\n"
            ),
        ),
        "registry",
    )
    hik = "org-hik"
    merge(c, "t", hik, resolve(c, "杭州海康威视数字技术股份有限公司").id, "same company")
    site = add_entity(
        c,
        "t",
        "site",
        "ЦОУ ДП Алматы",
        city="Алматы",
        address="пр. Абая 1",
        lat=43.238,
        lon=76.945,
        role="control_centre",
    ).id
    cam = add_entity(c, "t", "product", "DS-2CD2T47", role="camera").id
    evil = add_entity(c, "t", "product", EVIL, role="software").id
    person = add_entity(c, "t", "person", "Иван Петров").id
    emoji = add_entity(c, "t", "organisation", "📹 Vision 株式会社", country="jp", role="vendor").id
    sergek = resolve(c, "ТОО «Сергек Групп»").id
    police = resolve(c, "ГУ «Департамент полиции г. Алматы»").id
    add_relation(c, "t", "distributes", "org-hik-kz", hik)
    add_relation(
        c,
        "t",
        "supplies",
        "org-hik-kz",
        sergek,
        start="2020",
        confidence=0.7,
        evidence=[
            NewEvidence("url", url="https://example.kz/a?x=1&y=<2>", retrieved_at="2024-02-01")
        ],
    )
    r = add_relation(c, "t", "integrates", sergek, site)
    brochure = tmp_path / "b.pdf"
    brochure.write_bytes(b"%PDF brochure")
    add_evidence(c, "t", r.id, NewEvidence("document", title="Brochure"), copy=brochure)
    add_relation(c, "t", "operates", police, site)
    add_relation(c, "t", "made_by", cam, hik)
    add_relation(c, "t", "made_by", evil, emoji)
    add_relation(c, "t", "partner_of", person, sergek)
    add_video(c)
    add_observation(c, label="DS-2CD2T47", vendor="Hikvision")
    link_video(c, "t", site, VIDEO_SHA)
    decide(c, "t", [p.id for p in propose(c, "t").proposals], accept=True)
    return c
