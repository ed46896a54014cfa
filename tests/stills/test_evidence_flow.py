"""A brochure page, a photograph and a post, from ingest to a published case file: the
text layer read exactly, the scan OCR'd, a capability confirmed and cited on a relation,
the bundle verified, holding no metadata and no face, and citing the page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.helpers import run_cli
from tests.stills.conftest import BROCHURE_LINES


@dataclass
class Flow:
    case_dir: Path
    shas: dict[str, str]
    findings: list[dict]
    capability: dict
    out: Path


def _ok(*args: object) -> str:
    result = run_cli(*[str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="session")
def flow(tmp_path_factory: pytest.TempPathFactory, brochure: Path, photo: Path, post: Path) -> Flow:
    root = tmp_path_factory.mktemp("flow")
    case_dir = root / "case"
    _ok("case", "init", case_dir, "--title", "Brochures and posts")
    rows = [
        json.loads(x)
        for x in _ok("ingest", case_dir, brochure, photo, post, "--json").split("\n")
        if x
    ]
    shas = dict(zip(("brochure", "photo", "post"), [r["sha256"] for r in rows], strict=True))
    _ok("analyze", case_dir, "--stages", "keyframes,ocr", "--ocr", "tesseract")
    findings = json.loads(_ok("findings", case_dir, "--format", "json"))
    cap = next(
        f
        for f in findings
        if f["kind"] == "capability"
        and f["label"] == "face-search"
        and f["video"] == shas["brochure"]
    )
    hik = next(f for f in findings if f["video"] == shas["brochure"] and "Hikvision" in f["text"])
    _ok("review", case_dir, "--confirm", cap["id"], hik["id"], "--by", "editor")
    _ok(
        "annotate",
        case_dir,
        shas["photo"],
        "--index",
        "0",
        "--box",
        "10,300,200,200",
        "--note",
        "operator at the console",
        "--by",
        "editor",
    )
    _ok(
        "annotate",
        case_dir,
        shas["post"],
        "--index",
        "0",
        "--box",
        "10,80,600,80",
        "--note",
        "the integrator's post: Hikvision cameras at the situation centre",
        "--by",
        "editor",
    )
    _ok("annotate", case_dir, shas["post"], "--index", "0", "--box", "70,10,400,45",
        "--note", "the author's name", "--tag", "redact", "--by", "editor")  # fmt: skip
    manual = json.loads(_ok("findings", case_dir, "--format", "json", "--kind", "manual"))
    post_note = next(f for f in manual if f["video"] == shas["post"])
    g = ("graph", "entity", "add", case_dir)
    _ok(*g, "product", "Hikvision DS-2CD2T47", "--id", "cam")
    _ok(*g, "organisation", "Hikvision", "--id", "hik", "--role", "vendor")
    _ok(*g, "organisation", "Fictional Integrator LLP", "--id", "integ", "--role", "integrator")
    _ok(*g, "site", "Almaty situation centre", "--id", "centre")
    _ok("graph", "relation", "add", case_dir, "cam", "made_by", "hik", "--observation", cap["id"])
    _ok(
        "graph",
        "relation",
        "add",
        case_dir,
        "integ",
        "integrates",
        "centre",
        "--observation",
        post_note["id"],
    )
    out = root / "bundle"
    _ok("publish", case_dir, "-o", out, "--no-pdf")
    return Flow(case_dir, shas, findings, cap, out)


def test_the_text_layer_is_read_exactly_with_its_method(flow: Flow) -> None:
    page = [f for f in flow.findings if f["video"] == flow.shas["brochure"] and f["kind"] == "ocr"]
    exact = {f["text"]: f for f in page if f["method"].startswith("pdf-text")}
    for line in BROCHURE_LINES:
        assert line.text in exact, sorted(exact)
        assert exact[line.text]["frame_index"] == 0 and exact[line.text]["score"] == 1.0
    assert exact[BROCHURE_LINES[0].text]["vendor"]  # Hikvision resolved as a vendor
    x0, y0, x1, y1 = exact[BROCHURE_LINES[3].text]["bbox"]
    assert x0 == pytest.approx(0.1 * 1241, abs=8) and y1 > y0 and x1 > x0
    assert flow.capability["bbox"] == exact[BROCHURE_LINES[3].text]["bbox"]


def test_the_scanned_page_is_read_by_ocr_inside_its_picture(flow: Flow) -> None:
    scanned = [
        f for f in flow.findings if f["video"] == flow.shas["brochure"] and f["frame_index"] == 1
    ]
    assert scanned and all(f["method"].startswith("tesseract") for f in scanned)
    assert any("DAHUA" in (f["text"] or "").upper() for f in scanned), scanned


def test_the_published_case_file_cites_the_page_and_verifies(flow: Flow) -> None:
    _ok("verify", flow.out)
    html = (flow.out / "index.html").read_text()
    md = (flow.out / "report.md").read_text()
    assert f"page 1 of document {flow.shas['brochure'][:12]}" in md
    assert "Page 1 of document" in html and "page 1" in html
    assert f"frame 0 of video {flow.shas['brochure'][:12]}" not in md


def test_published_images_hold_no_metadata_and_no_face(flow: Flow) -> None:
    from workbench.publish.faces import default_detector
    from workbench.publish.redact import RedactionPolicy, find_faces

    images = sorted((flow.out / "media").glob("*.*"))
    assert any(flow.shas["photo"][:12] in p.name for p in images)
    for path in images:
        with Image.open(path) as img:
            assert not img.getexif(), path.name
            assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(img.info)
            assert not [
                k
                for k in img.info
                if k
                not in (
                    "dpi",
                    "jfif",
                    "jfif_version",
                    "jfif_unit",
                    "jfif_density",
                    "progressive",
                    "progression",
                )
            ], img.info
    for path in flow.out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"FictionalCam" not in data and b"Model 7" not in data, path
    photo = next(p for p in images if p.name.startswith(f"frame-{flow.shas['photo'][:12]}"))
    rgb = np.asarray(Image.open(photo).convert("RGB"))
    policy = RedactionPolicy()
    assert not [f for f in find_faces(default_detector(), rgb, 0.1, policy) if f.score >= 0.5]
    log = json.loads((flow.out / "data/redactions.json").read_text())
    entry = next(e for e in log["images"] if e["file"] == f"media/{photo.name}")
    assert entry["faces"], "the astronaut's face was found and hidden"
    post = next(
        e for e in log["images"] if e["file"].startswith(f"media/frame-{flow.shas['post'][:12]}")
    )
    assert post["manual_boxes"] == [[70, 10, 470, 55]]  # the box the reviewer marked


def test_findings_filter_by_media_kind_in_the_cli_and_the_app(flow: Flow) -> None:
    from workbench.app import findings_table as ft
    from workbench.case import Case

    docs = json.loads(_ok("findings", flow.case_dir, "--media", "document"))
    assert docs and {f["video"] for f in docs} == {flow.shas["brochure"]}
    assert {f["media_kind"] for f in docs} == {"document"}
    with Case.open(flow.case_dir) as case:
        stills = ft.observations(case, ft.Filters(media="still"))
        everything = ft.observations(case, ft.Filters())
        assert "media" in ft.filter_options(case)
    assert {o.video for o in stills} == {flow.shas["photo"], flow.shas["post"]}
    assert len(everything) == len(stills) + len(docs)
