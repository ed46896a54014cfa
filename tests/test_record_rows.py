"""One record type per table: a stored record is what was given plus where and when it was
stored, written and read through one mapping, and shown in the table's column order."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from PIL import Image

from workbench.case import Case, records
from workbench.case.records import Video, VideoFormat
from workbench.graph.entities import add_entity, get_entity
from workbench.graph.relations import NewEvidence, add_evidence, add_relation, get_relation
from workbench.ingest.local import ingest_file
from workbench.ingest.probe import probe


def _columns(case: Case, table: str) -> list[str]:
    return [r[1] for r in case.conn.execute(f"PRAGMA table_info({table})")]


def test_a_video_row_is_what_the_probe_read_and_where_the_file_is(case: Case, clip: Path) -> None:
    sha = ingest_file(case, clip, "tester").video_sha256
    video = records.require_video(case.conn, sha[:8])
    info = probe(case.path(video.media_path))
    assert {f.name: getattr(video, f.name) for f in fields(VideoFormat)} == {
        f.name: getattr(info, f.name) for f in fields(VideoFormat)
    }
    assert (video.sha256, video.width, video.height, video.frame_count) == (sha, 320, 240, 48)
    # every field of the record is a column, and the only other column is the probe's JSON
    assert set(_columns(case, "videos")) == {f.name for f in fields(Video)} | {"probe_json"}


def test_relation_and_entity_json_keep_the_tables_column_order(case: Case, tmp_path: Path) -> None:
    huawei = add_entity(case, "tester", "organisation", "Huawei", country="cn", role="vendor")
    telecom = add_entity(case, "tester", "organisation", "Kazakhtelecom")
    page = NewEvidence("url", url="https://example.org/award", title="Award")
    rel = add_relation(case, "tester", "supplies", huawei.id, telecom.id, evidence=[page])
    copy = tmp_path / "contract.pdf"
    copy.write_bytes(b"%PDF contract")
    add_evidence(case, "tester", rel.id, NewEvidence("document", title="Contract"), copy=copy)

    shown = get_relation(case, rel.id).to_dict()
    table = _columns(case, "evidence")
    assert [list(e) for e in shown["evidence"]] == [table, table]
    first, second = shown["evidence"]
    assert (first["relation_id"], first["ref"], first["url"]) == (
        rel.id,
        "url:https://example.org/award",
        "https://example.org/award",
    )
    assert second["kind"] == "document" and second["media_path"].startswith("media/")
    assert second["size_bytes"] == len(b"%PDF contract") and second["created_by"] == "tester"

    entity = get_entity(case, huawei.id).to_dict()
    table = _columns(case, "entities")
    assert [k for k in entity if k in table] == [c for c in table if c in entity]
    assert list(entity)[:3] == ["id", "kind", "name"] and entity["country"] == "cn"
    assert list(entity)[-2:] == ["aliases", "identifiers"]


def test_an_image_that_is_not_a_png_carries_no_provenance(tmp_path: Path) -> None:
    from workbench.app.evidence_image import read_provenance

    jpeg = tmp_path / "frame.jpg"
    Image.new("RGB", (8, 8)).save(jpeg)
    with pytest.raises(ValueError, match=r"frame\.jpg is not a PNG"):
        read_provenance(jpeg)
