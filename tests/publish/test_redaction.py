"""Faces in published images: found before redaction, not found after.

The frames come from real photographs of people (see scenes.py), encoded into a video,
ingested, decoded back: the same path real footage takes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.publish.conftest import Built, Published
from workbench.case import records
from workbench.publish.faces import MODEL_ENV, Face, default_detector, model_path
from workbench.publish.redact import RedactionPolicy, find_faces, redact, widen
from workbench.video.frames import FrameReader

POLICY = RedactionPolicy()
STANDARD = 0.5  # a detector's usual operating point
SENSITIVE = 0.1  # half the publishing threshold


def _overlaps(face: Face, box: tuple[int, int, int, int]) -> bool:
    x0, y0, x1, y1 = face.box
    return x0 < box[2] and box[0] < x1 and y0 < box[3] and box[1] < y1


def _frames(built: Built) -> dict[int, np.ndarray]:
    from workbench.case import Case

    with Case.open(built.case_dir) as case:
        video = records.video(case.conn, built.video)
        assert video is not None
        with FrameReader(case.path(video.media_path), video.sha256) as reader:
            return {i: reader.get(i).rgb for i in (built.screen_index, built.room_index)}


def test_the_detector_finds_every_real_face_before_redaction(built: Built) -> None:
    frames = _frames(built)
    detector = default_detector()
    cases = [
        (frames[built.screen_index], built.screen_faces),
        (frames[built.room_index], built.room_faces),
    ]
    for rgb, placed in cases:
        faces = find_faces(detector, rgb, STANDARD, POLICY)
        for box in placed:  # the live view, every watchlist thumbnail, the wall portrait
            hits = [f for f in faces if _overlaps(f, box)]
            assert hits, f"no face found in {box}"
            assert max(f.score for f in hits) >= 0.7
        assert len(faces) >= len(placed)


def _published_images(bundle: Path) -> list[Path]:
    images = sorted((bundle / "media").iterdir())
    assert {p.suffix for p in images} <= {".jpg", ".png"}
    return images


def test_published_images_hold_no_face_the_detector_still_finds(published: Published) -> None:
    detector = default_detector()
    built = published.built
    originals = _frames(built)
    known = {  # where the detector found faces before redaction, widened by half
        f"{index:06d}": [
            widen(f, 0.5, originals[index].shape)
            for f in find_faces(detector, originals[index], STANDARD, POLICY)
        ]
        for index in (built.screen_index, built.room_index)
    }
    assert len(known[f"{built.screen_index:06d}"]) == len(built.screen_faces)
    images = _published_images(published.out)
    assert len([p for p in images if p.name.startswith("frame-")]) == 2
    for path in images:
        rgb = np.asarray(Image.open(path).convert("RGB"))
        found = find_faces(detector, rgb, SENSITIVE, POLICY)  # 1x and 2x
        strong = [f for f in found if f.score >= POLICY.threshold]
        assert not strong, f"{path.name}: {strong}"
        frame_key = path.stem.rsplit("-", 1)[-1]
        for box in known.get(frame_key, []):
            near = [f for f in found if _overlaps(f, box)]
            assert not near, f"{path.name}: a trace at {near} where a face was"


def test_the_redaction_log_records_every_face_hidden(published: Published) -> None:
    log = json.loads((published.out / "data/redactions.json").read_text())
    assert log["unredacted"] is False
    assert log["detector"].startswith("CenterFace")
    frames = {e["file"]: e for e in log["images"] if e["file"].startswith("media/frame-")}
    screen = next(e for k, e in frames.items() if k.endswith("000002.jpg"))
    room = next(e for k, e in frames.items() if k.endswith("000008.jpg"))
    assert len(screen["faces"]) == len(published.built.screen_faces)
    assert len(room["faces"]) == len(published.built.room_faces)
    assert room["manual_boxes"] == [list(published.built.name_tag)]
    assert all(e["after_max_score"] < POLICY.threshold for e in log["images"])
    assert published.result.faces_hidden == len(screen["faces"]) + len(room["faces"])


def test_a_box_marked_for_redaction_is_pixelated(published: Published) -> None:
    x0, y0, x1, y1 = published.built.name_tag
    original = _frames(published.built)[published.built.room_index][y0:y1, x0:x1]
    path = next((published.out / "media").glob("frame-*-000008.jpg"))
    shown = np.asarray(Image.open(path).convert("RGB"))[y0:y1, x0:x1]

    def detail(a: np.ndarray) -> float:  # mean horizontal gradient: text has a lot
        grey = a.astype(float).mean(axis=2)
        return float(np.abs(np.diff(grey, axis=1)).mean())

    assert detail(original) > 5 * detail(shown)


def test_redact_hides_a_photograph_face_at_every_method() -> None:
    from skimage import data

    rgb = data.astronaut()
    detector = default_detector()
    before = find_faces(detector, rgb, STANDARD, POLICY)
    assert before and before[0].score > 0.9
    for method in ("pixelate", "fill"):
        done = redact(rgb, detector, RedactionPolicy(method=method))
        assert done.report.faces
        assert not find_faces(detector, done.rgb, POLICY.threshold, POLICY)


def test_a_missing_model_is_one_clear_sentence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from workbench.publish.errors import FaceModelMissing

    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "absent.onnx"))
    with pytest.raises(FaceModelMissing, match="is not a file"):
        model_path()


def test_redaction_boxes_are_instructions_not_findings(case_copy: Path, built: Built) -> None:
    from workbench.case import Case
    from workbench.publish.content import published_findings, redaction_boxes
    from workbench.recognize.manual import annotate

    with Case.open(case_copy) as case:
        annotate(
            case,
            built.video,
            (10, 10, 40, 30),
            "a badge",
            "editor",
            index=0,
            tags=("redact-video",),
        )
        per_frame, per_video = redaction_boxes(case)
        findings = published_findings(case, include_suggestions=True, capability_map={})
    assert per_frame == {(built.video, built.room_index): [built.name_tag]}
    assert per_video == {built.video: [(10, 10, 50, 40)]}
    assert not [f for f in findings if f.obs.kind == "manual"]
