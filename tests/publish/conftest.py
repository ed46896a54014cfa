"""A case built from real footage-like frames: ingested video, findings, graph, sources
with hostile strings, and the bundles published from it (built once per session)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.publish import scenes
from workbench.case import Case
from workbench.case.media import copy_to_temp
from workbench.case.observations import NewObservation, insert, review
from workbench.case.store import transaction
from workbench.synth import write_video

HOSTILE_TITLE = "<script>alert('title')</script> \"quoted\" & 'single'"
HOSTILE_UPLOADER = '" onmouseover="alert(1)'
HOSTILE_PAGE = "javascript:alert(document.cookie)"
HOSTILE_OCR = '<img src=x onerror="alert(2)">'
SUGGESTED_TEXT = "<script>alert('SUGGESTED-7Q')</script>"
SUGGESTED_MARK = "SUGGESTED-7Q"
REJECTED_TEXT = "REJECTED-NEVER-PUBLISH"
FRAMES_EACH = 6


@dataclass
class Built:
    case_dir: Path
    video: str
    screen_index: int
    room_index: int
    screen_faces: list
    room_faces: list
    name_tag: tuple
    clip: Path
    ids: dict[str, int]


@pytest.fixture(scope="session")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("footage") / "control-centre.mp4"
    write_video(path, scenes.frames(FRAMES_EACH), fps=25, gop=6, crf=16)
    return path


def build_case(root: Path, footage: Path) -> Built:
    from workbench.graph.entities import add_entity
    from workbench.graph.relations import NewEvidence, add_relation
    from workbench.ingest.store import SourceDraft, commit_video
    from workbench.video.frames import FrameReader

    case = Case.init(root, 'Who built the <centre>? "Qala" & co', actor="editor")
    try:
        tmp, sha = copy_to_temp(footage, case.tmp_dir)
        draft = SourceDraft(
            kind="url",
            uri="https://video.example.org/watch?v=1&list=2",
            retrieved_at="2025-03-15T10:00:00+00:00",
            title=HOSTILE_TITLE,
            uploader=HOSTILE_UPLOADER,
            upload_date="20250314",
            webpage_url=HOSTILE_PAGE,
            extractor="generic",
        )
        result = commit_video(case, tmp, sha, footage.name, draft, "editor")
        tmp2, sha2 = copy_to_temp(footage, case.tmp_dir)
        local = SourceDraft(kind="file", uri=str(footage), retrieved_at="2025-03-16T09:00:00+00:00")
        commit_video(case, tmp2, sha2, footage.name, local, "editor")
        screen, room = 2, FRAMES_EACH + 2
        with FrameReader(case.path(result.media_path), sha) as reader:
            pix = {i: reader.get(i).ref for i in (screen, room)}
        _, screen_faces, screen_texts = scenes.operator_screen()
        _, room_faces, room_texts = scenes.control_room()

        def obs(index: int, kind: str, bbox: tuple, status: str, **kw) -> NewObservation:
            ref = pix[index]
            return NewObservation(
                video_sha256=sha,
                frame_index=index,
                time_s=ref.time_s,
                pixel_sha256=ref.pixel_sha256,
                kind=kind,
                bbox=bbox,
                status=status,
                created_by=kw.pop("created_by", "tesseract 5.3.0"),
                method=kw.pop("method", "tesseract 5.3.0"),
                score=kw.pop("score", 0.93),
                **kw,
            )

        ids: dict[str, int] = {}
        with transaction(case.conn) as conn:
            ids["vendor"] = insert(
                conn,
                obs(
                    screen,
                    "ocr",
                    screen_texts["vendor"],
                    "suggested",
                    text="NORDVIEW VMS 4.2",
                    vendor="Nordview",
                ),
            )
            ids["face-search"] = insert(
                conn,
                obs(
                    screen,
                    "capability",
                    screen_texts["face-search"],
                    "suggested",
                    text="Face search",
                    label="face-search",
                    method="workbench.capabilities/1",
                    params={
                        "provisions": ["kz-ai-2025-biometric-realtime", "eu-ai-act-5-1-h"],
                        "logo_library": str(root / "logos" / "nordview.png"),
                    },
                ),
            )
            ids["hostile"] = insert(
                conn, obs(room, "ocr", room_texts["title"], "suggested", text=HOSTILE_OCR)
            )
            ids["suggested"] = insert(
                conn, obs(screen, "ocr", (20, 370, 260, 396), "suggested", text=SUGGESTED_TEXT)
            )
            ids["rejected"] = insert(
                conn, obs(room, "ocr", (30, 40, 300, 70), "rejected", text=REJECTED_TEXT)
            )
            x0, y0, x1, y1 = room_texts["name-tag"]
            ids["redact"] = insert(
                conn,
                obs(
                    room,
                    "manual",
                    (x0, y0, x1, y1),
                    "confirmed",
                    text="operator's name",
                    method="manual",
                    created_by="editor",
                    tags=("redact",),
                ),
            )
        review(
            case.conn, [ids["vendor"], ids["face-search"], ids["hostile"]], "confirmed", "editor"
        )
        integrator = add_entity(
            case,
            "editor",
            "organisation",
            "Qala <b>Systems</b> LLP",
            role="integrator",
            country="KZ",
        )
        vendor = add_entity(case, "editor", "organisation", "Nordview", role="vendor")
        site = add_entity(
            case, "editor", "site", "Operational control centre", role="control_centre"
        )
        add_relation(
            case,
            "editor",
            "supplies",
            vendor.id,
            integrator.id,
            evidence=[
                NewEvidence(kind="observation", observation_id=ids["vendor"]),
                NewEvidence(
                    kind="url",
                    url='https://example.org/brochure?a=1&b="2"',
                    title="<script>alert('evidence')</script>",
                    retrieved_at="2025-03-01",
                ),
            ],
            start="2019-05-01",
        )
        add_relation(case, "editor", "integrates", integrator.id, site.id)  # a hypothesis
    finally:
        case.close()
    return Built(
        root, sha, screen, room, screen_faces, room_faces, room_texts["name-tag"], footage, ids
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, footage: Path) -> Built:
    return build_case(tmp_path_factory.mktemp("pub") / "case", footage)


@pytest.fixture()
def case_copy(built: Built, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the built case, for tests that publish or change it."""
    dest = tmp_path / "case"
    shutil.copytree(built.case_dir, dest)
    yield dest


@dataclass
class Published:
    case_dir: Path
    out: Path
    result: object  # PublishResult
    key: Path
    built: Built


def _publish(built: Built, root: Path, **options) -> Published:
    from workbench.publish.bundle import PublishOptions, publish
    from workbench.publish.signing import generate_key

    case_dir = root / "case"
    shutil.copytree(built.case_dir, case_dir)
    key = root / "publisher.pem"
    generate_key(key)
    if options.pop("sign", False):
        options["sign_key"] = key
    with Case.open(case_dir) as case:
        result = publish(case, root / "bundle", "publisher", PublishOptions(**options))
    return Published(case_dir, root / "bundle", result, key, built)


@pytest.fixture(scope="session")
def published(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The default bundle (confirmed findings, redacted), signed, zipped, with its PDF."""
    return _publish(built, tmp_path_factory.mktemp("published"), sign=True, make_zip=True)


@pytest.fixture(scope="session")
def with_suggestions(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Published:
    """With machine suggestions; its images are not under test here, so faces are only
    searched at 1x (the default policy's bundle is the one test_redaction checks)."""
    from workbench.publish.redact import RedactionPolicy

    return _publish(
        built,
        tmp_path_factory.mktemp("suggestions"),
        include_suggestions=True,
        pdf=False,
        policy=RedactionPolicy(upscale_max_pixels=0),
    )
