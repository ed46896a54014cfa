"""Stills and PDFs are media items: ingested with provenance, read as frames or pages,
refused with one clear sentence (and an unchanged case) when they are bad."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import run_cli, snapshot
from workbench.case import Case, records
from workbench.video.frames import FrameReader
from workbench.video.pdf_pages import MAX_PAGES


def _ingest(case_dir: Path, *paths: Path | str) -> list[dict]:
    result = run_cli("ingest", case_dir, *paths, "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_stills_and_pdfs_are_media_items_with_kind_and_provenance(
    case_dir: Path, photo: Path, brochure: Path, post: Path
) -> None:
    rows = _ingest(case_dir, photo, brochure, post, photo)
    assert [r["media_kind"] for r in rows] == ["still", "document", "still", "still"]
    assert [r["frames"] for r in rows] == [1, 2, 1, 1]
    assert rows[3]["sha256"] == rows[0]["sha256"] and not rows[3]["new_video"]
    with Case.open(case_dir) as c:
        kinds = {v.sha256: v.kind for v in records.videos(c.conn)}
        assert sorted(kinds.values()) == ["document", "still", "still"]
        srcs = records.sources(c.conn, rows[0]["sha256"])
        assert len(srcs) == 2  # the same content twice: one item, two sources
        meta = records.source_embedded(c.conn, srcs[0].id)
        assert meta is not None
        assert meta["tags"]["Make"] == "FictionalCam"
        lat, lon = meta["gps_decimal"]
        assert abs(lat - (43 + 14 / 60 + 17 / 3600)) < 1e-6 and abs(lon - (76 + 53 / 60)) < 1e-6
        assert "FictionalCam" not in json.dumps([s.to_dict() for s in srcs])  # not published
        media = c.path(records.video(c.conn, rows[1]["sha256"]).media_path)  # type: ignore[union-attr]
    assert media.read_bytes() == brochure.read_bytes()
    assert not media.stat().st_mode & 0o222  # read-only original
    listed = run_cli("sources", case_dir, "--json")
    assert sorted(s["media_kind"] for s in json.loads(listed.stdout)) == [
        "document",
        "still",
        "still",
        "still",
    ]


def test_a_pdf_page_is_a_frame_rendered_at_the_recorded_resolution(brochure: Path) -> None:
    import pypdfium2 as pdfium

    with FrameReader(brochure) as reader:
        assert reader.kind == "document" and len(reader) == 2 and reader.index.dpi == 150.0
        page2 = reader.get(1)
        again = reader.get(0), reader.get(1)
    doc = pdfium.PdfDocument(str(brochure))
    w, h = doc.get_page_size(1)
    doc.close()
    assert page2.rgb.shape == (math.ceil(h * 150 / 72), math.ceil(w * 150 / 72), 3)
    assert again[1].ref.pixel_sha256 == page2.ref.pixel_sha256  # re-rendered identically
    assert again[0].ref.pixel_sha256 != page2.ref.pixel_sha256
    assert page2.rgb.min() < 60  # the scan's dark text is on the page


def test_a_still_is_one_upright_frame(photo: Path) -> None:
    from skimage import data

    with FrameReader(photo) as reader:
        assert reader.kind == "still" and len(reader) == 1
        rgb = reader.get(0).rgb
    diff = np.abs(rgb.astype(int) - data.astronaut().astype(int)).mean()
    assert rgb.shape == (512, 512, 3) and diff < 4  # the JPEG of that photograph


def test_a_truncated_jpeg_is_refused_but_its_reader_reads_it_as_far_as_it_goes(
    bad_files: dict[str, Path],
) -> None:
    """Ingest refuses it (see BAD); a media file damaged later still shows what it holds."""
    with FrameReader(bad_files["truncated"]) as reader:
        frame = reader.get(0)
        rgb = frame.rgb
    top, bottom = rgb[:100].std(), rgb[-50:].std()
    assert top > 20 and bottom < 5  # the picture, then the grey where the file ended


BAD = {
    "encrypted": "is an encrypted PDF that needs a password",
    "many-pages": f"has 1001 pages, over this workbench's limit of {MAX_PAGES} pages",
    "huge-page": "measures 20000x20000 points, outside this workbench's limit",
    "wide": "declares a 100000x8 picture, over this workbench's limit",
    "not-an-image": "is not an image this workbench can decode",
    "truncated": "is truncated or damaged: its picture stops before the image ends",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_stills_and_documents_are_refused_and_change_nothing(
    name: str, case_dir: Path, bad_files: dict[str, Path], post: Path
) -> None:
    _ingest(case_dir, post)
    before = snapshot(case_dir)
    result = run_cli("ingest", case_dir, bad_files[name])
    assert result.exit_code == 1, result.output
    assert BAD[name] in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert snapshot(case_dir) == before


def test_old_cases_get_the_media_kind_column(case_dir: Path) -> None:
    conn = sqlite3.connect(case_dir / "case.db")
    try:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(videos)")}
        scols = {r[1] for r in conn.execute("PRAGMA table_info(sources)")}
    finally:
        conn.close()
    assert "kind" in cols and "embedded_json" in scols


def test_a_direct_link_to_a_photo_or_a_pdf_is_ingested_from_its_url(
    case_dir: Path, web_root: Path, http_server: str, photo: Path, brochure: Path
) -> None:
    (web_root / "photo.jpg").write_bytes(photo.read_bytes())
    (web_root / "sheet.pdf").write_bytes(brochure.read_bytes())
    rows = _ingest(
        case_dir, f"{http_server}/photo.jpg", f"{http_server}/sheet.pdf", "--no-screenshot"
    )
    assert [r["media_kind"] for r in rows] == ["still", "document"]
    with Case.open(case_dir) as c:
        srcs = records.sources(c.conn)
        assert [s.kind for s in srcs] == ["url", "url"]
        assert srcs[0].uri.endswith("/photo.jpg")
        meta = records.source_embedded(c.conn, srcs[0].id)
    assert meta is not None and "gps" in meta  # EXIF kept whichever way the file came


def test_a_heic_photo_is_a_still(case_dir: Path, heic: Path) -> None:
    from skimage import data

    (row,) = _ingest(case_dir, heic)
    assert row["media_kind"] == "still" and (row["width"], row["height"]) == (226, 150)
    with FrameReader(heic) as reader:
        rgb = reader.get(0).rgb
    expected = data.chelsea()[::2, ::2].astype(int)
    assert np.abs(rgb.astype(int) - expected).mean() < 8  # the picture, decoded


@pytest.mark.parametrize("fmt", ["webp", "png", "tiff", "bmp"])
def test_every_still_format_reads_as_the_same_picture(fmt: str, tmp_path: Path) -> None:
    from PIL import Image
    from skimage import data

    picture = data.coffee()[::2, ::2]
    path = tmp_path / f"picture.{fmt}"
    Image.fromarray(picture).save(path, **({"quality": 95} if fmt == "webp" else {}))
    with FrameReader(path) as reader:
        assert reader.kind == "still" and len(reader) == 1
        rgb = reader.get(0).rgb
    assert rgb.shape == picture.shape
    assert np.abs(rgb.astype(int) - picture.astype(int)).mean() < (4 if fmt == "webp" else 0.01)


def test_the_exif_orientation_turns_the_picture_upright(tmp_path: Path) -> None:
    from PIL import Image
    from skimage import data

    picture = data.coffee()[::2, ::2]
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90 degrees clockwise to display
    path = tmp_path / "sideways.jpg"
    Image.fromarray(picture).save(path, exif=exif, quality=95)
    with FrameReader(path) as reader:
        rgb = reader.get(0).rgb
    upright = np.rot90(picture, -1)
    assert rgb.shape == upright.shape
    assert np.abs(rgb.astype(int) - upright.astype(int)).mean() < 4
