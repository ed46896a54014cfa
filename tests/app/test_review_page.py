"""The Review page under Streamlit's AppTest: stepping, jumps, zoom, enhancement errors,
notes, overlays, slow motion, on a small case whose frames show their own index."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.case import Case
from workbench.case.observations import NewObservation, insert, query
from workbench.case.store import transaction
from workbench.ingest.local import ingest_file
from workbench.synth import numbered_frames, read_index_strip, write_video
from workbench.video import FrameReader, analyze_keyframes

PAGE = Path(__file__).resolve().parents[2] / "workbench" / "app" / "views" / "review.py"
COUNT = 75  # 3 s at 25 fps


@dataclass(frozen=True)
class Built:
    case_dir: Path
    sha: str
    other_sha: str
    clip: Path
    shot_starts: tuple[int, ...]
    keyframes: tuple[int, ...]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("review")
    clip = root / "numbered.mp4"
    write_video(clip, numbered_frames(COUNT), fps=25, gop=12)
    other = root / "other.mp4"
    write_video(other, numbered_frames(30, 160, 120), fps=25, gop=10)
    case_dir = root / "case"
    Case.init(case_dir, "Review test", actor="tester").close()
    with Case.open(case_dir) as case:
        sha = ingest_file(case, clip, actor="tester").video_sha256
        other_sha = ingest_file(case, other, actor="tester").video_sha256
        done = analyze_keyframes(case, sha, actor="tester")
    return Built(
        case_dir,
        sha,
        other_sha,
        clip,
        tuple(s.first_index for s in done.shots),
        tuple(k.keyframe.index for k in done.keyframes),
    )


@pytest.fixture()
def case_dir(built: Built, tmp_path: Path) -> Path:
    dest = tmp_path / "case"
    shutil.copytree(built.case_dir, dest)
    return dest


@pytest.fixture()
def at(case_dir: Path, built: Built) -> Iterator[AppTest]:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.session_state["case_dir"] = str(case_dir)
    app.session_state["reviewer"] = "alice"
    app.session_state["review_video"] = built.sha
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    yield app


def position(at: AppTest) -> tuple[int, str]:
    """(frame index, decoded pixel sha256) as the page shows them in its captions."""
    captions = [c.value for c in at.caption]
    head = next(c for c in captions if re.match(r"frame \d+ / \d+", c))
    index = int(re.match(r"frame (\d+)", head).group(1))  # type: ignore[union-attr]
    detail = next(c for c in captions if " · pixels " in c)
    assert detail.startswith(f"frame {index} · ")
    return index, re.search(r"pixels ([0-9a-f]{12})", detail).group(1)  # type: ignore[union-attr]


def click(at: AppTest, key: str) -> None:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_the_frame_caption_names_frame_time_and_source(at: AppTest, built: Built) -> None:
    head = at.caption[0]
    assert head.value == f"frame 0 / {COUNT - 1} · 00:00:00.000 · source {built.sha[:12]}"
    assert built.sha in head.proto.help
    labels = [b.label for b in at.button]
    assert labels[:6] == ["−10", "−1", "+1", "+10", "−1 s", "+1 s"]


def test_buttons_step_exact_frames(at: AppTest, built: Built) -> None:
    expected = 0
    with FrameReader(built.clip) as reader:
        for key, delta in [
            ("review_next1", 1), ("review_next10", 10), ("review_next10", 10),
            ("review_prev1", -1), ("review_prev10", -10), ("review_next1", 1),
            ("review_prev10", -10), ("review_prev10", -10), ("review_prev1", -1),
        ]:  # fmt: skip
            click(at, key)
            expected = min(max(expected + delta, 0), COUNT - 1)
            index, pixels = position(at)
            assert index == expected == at.session_state["review_index"]
            frame = reader.get(index)
            assert frame.ref.pixel_sha256.startswith(pixels)  # the page decoded that frame
            assert read_index_strip(frame.rgb) == index
            assert at.number_input(key="review_frame").value == index
        click(at, "review_fwd1s")
        assert position(at)[0] == 25
        click(at, "review_fwd1s")
        click(at, "review_fwd1s")
        assert position(at)[0] == COUNT - 1  # clamped at the last frame
        click(at, "review_back1s")
        assert position(at)[0] == COUNT - 1 - 25
        assert at.number_input(key="review_time").value == pytest.approx((COUNT - 26) / 25)


def test_jumps_to_a_time_a_frame_a_shot_and_a_keyframe(at: AppTest, built: Built) -> None:
    at.number_input(key="review_time").set_value(1.5).run()
    assert position(at)[0] == 37  # 1.5 s at 25 fps: frame 37 is on screen (1.48 s)
    at.number_input(key="review_frame").set_value(61).run()
    assert position(at)[0] == 61
    assert at.number_input(key="review_time").value == pytest.approx(61 / 25)
    assert len(built.shot_starts) >= 2
    target = built.shot_starts[1]
    at.selectbox(key="review_shot").set_value(target).run()
    assert position(at)[0] == target
    assert at.selectbox(key="review_shot").value is None  # ready for the next jump
    kf = built.keyframes[-1]
    at.selectbox(key="review_keyframe").set_value(kf).run()
    assert position(at)[0] == kf
    click(at, "review_prev_shot")
    index = position(at)[0]
    assert index in built.shot_starts and index <= kf
    click(at, "review_next_shot")
    assert position(at)[0] in built.shot_starts
    last = built.shot_starts[-1]
    click(at, f"review_strip_{len(built.shot_starts) - 1}")
    assert position(at)[0] >= last


def test_a_note_on_a_box_is_a_manual_observation_by_the_reviewer(
    at: AppTest, built: Built, case_dir: Path
) -> None:
    click(at, "review_next10")
    at.button(key="review_annotate").click().run()
    assert any("Select a box first" in e.value for e in at.error)
    at.text_input(key="review_box").set_value("10,20,50,40").run()
    at.text_area(key="review_note").set_value("VendorX logo on the operator's screen")
    at.text_input(key="review_tags").set_value("logo, screen").run()
    at.button(key="review_annotate").click().run()
    assert not at.exception
    assert any("by alice" in s.value for s in at.success)
    with Case.open(case_dir) as case:
        [obs] = query(case.conn, kind="manual")
    assert obs.created_by == "alice" and obs.status == "confirmed"
    assert (obs.frame_index, obs.video, obs.bbox) == (10, built.sha, [10, 20, 60, 60])
    assert obs.text == "VendorX logo on the operator's screen"
    assert obs.tags == ["logo", "screen"]
    # the note shows on the picture at once, not after the next interaction
    assert "1 observation on this frame" in [c.value for c in at.caption][1]
    # a second click on Save adds no silent duplicate
    at.button(key="review_annotate").click().run()
    assert any(f"already saved as #{obs.id}" in e.value for e in at.error)
    with Case.open(case_dir) as case:
        assert len(query(case.conn, kind="manual")) == 1


def test_a_bad_box_is_refused_and_nothing_is_saved(at: AppTest, case_dir: Path) -> None:
    at.text_input(key="review_box").set_value("300,200,100,100").run()
    assert any("not inside the 320x240 frame" in e.value for e in at.error)
    at.text_area(key="review_note").set_value("something")
    at.button(key="review_annotate").click().run()
    at.button(key="review_zoom_in").click().run()
    assert any("not inside" in e.value for e in at.error)
    with Case.open(case_dir) as case:
        assert query(case.conn, kind="manual") == []
    assert at.session_state["review_zoom"] is None


def test_zoom_to_a_typed_box_and_back(at: AppTest) -> None:
    click(at, "review_next1")
    at.text_input(key="review_box").set_value("0,200,160,40").run()
    click(at, "review_zoom_in")
    assert at.session_state["review_zoom"] == (0, 200, 160, 40)
    assert '"chain": "crop:x=0,y=200,w=160,h=40"' in at.code[0].value
    assert "zoom 0,200,160,40" in at.caption[1].value
    click(at, "review_next1")  # stepping keeps the zoom
    assert position(at)[0] == 2 and at.session_state["review_zoom"] == (0, 200, 160, 40)
    click(at, "review_zoom_out")
    assert at.session_state["review_zoom"] is None
    assert '"chain": ""' in at.code[0].value


def test_enhancement_errors_show_and_lose_nothing(at: AppTest) -> None:
    click(at, "review_next10")
    at.text_input(key="review_box").set_value("5,5,20,20").run()
    at.text_input(key="review_chain").set_value("clahe:clip=3|gamma:0.8").run()
    assert not at.error
    assert '"chain": "clahe:clip=3.0|gamma:0.8"' in at.code[0].value
    at.text_input(key="review_chain").set_value("clahe:clip=3|sharpenn:2").run()
    assert not at.exception
    assert any("Unknown enhancement step 'sharpenn'" in e.value for e in at.error)
    # the frame, the box, the typed text and the last working chain are all still there
    assert position(at)[0] == 10
    assert at.text_input(key="review_box").value == "5,5,20,20"
    assert at.text_input(key="review_chain").value == "clahe:clip=3|sharpenn:2"
    assert '"chain": "clahe:clip=3.0|gamma:0.8"' in at.code[0].value
    # a chain that parses but cannot apply (a crop outside the picture)
    at.text_input(key="review_chain").set_value("crop:x=900,y=0,w=10,h=10").run()
    assert any("cannot be applied" in e.value for e in at.error)
    assert position(at)[0] == 10
    at.checkbox(key="review_preset_invert").check()
    at.text_input(key="review_chain").set_value("").run()
    assert not at.error
    assert '"chain": "invert"' in at.code[0].value


def test_overlays_show_suggestions_of_the_nearest_keyframe(
    at: AppTest, built: Built, case_dir: Path
) -> None:
    kf = built.keyframes[0]
    with Case.open(case_dir) as case, transaction(case.conn) as conn:
        insert(
            conn,
            NewObservation(
                video_sha256=built.sha, frame_index=kf, time_s=kf / 25, kind="ocr",
                method="test", created_by="ocr", text="VENDOR", bbox=(10, 10, 100, 40),
                score=0.8,
            ),
        )  # fmt: skip
    click(at, "review_next1")
    assert f"1 observation from frame {kf} (1 frame earlier, dashed boxes)" in at.caption[1].value
    at.checkbox(key="review_ov_OCR").uncheck().run()
    assert "no observations" in at.caption[1].value


def test_switching_video_starts_at_its_first_frame(at: AppTest, built: Built) -> None:
    click(at, "review_next10")
    at.selectbox(key="review_video").set_value(built.other_sha).run()
    assert not at.exception
    assert at.caption[0].value.startswith(
        f"frame 0 / 29 · 00:00:00.000 · source {built.other_sha[:12]}"
    )
    assert "No shots yet" in " ".join(c.value for c in at.caption)


def test_slow_motion_clip_is_written_to_derived(at: AppTest, built: Built, case_dir: Path) -> None:
    click(at, "review_next10")
    at.number_input(key="review_clip_len").set_value(0.4)
    at.select_slider(key="review_speed").set_value(0.5)
    at.button(key="review_clip").click().run()
    assert not at.exception and not at.error
    clips = list((case_dir / "derived" / "clips" / built.sha).glob("*.mp4"))
    assert len(clips) == 1
    with FrameReader(clips[0]) as out:
        assert out.frame_count == 20  # 0.4 s of source at 0.5x, 25 fps
        first = out.get(0).rgb
    assert read_index_strip(first[:240]) == 10  # starts on the frame on screen
    assert at.session_state["review_clip_path"] == str(clips[0])


def test_rectify_corners_show_the_flattened_screen(at: AppTest) -> None:
    at.session_state["review_corners"] = [
        (20.0, 30.0),
        (200.0, 40.0),
        (190.0, 150.0),
        (25.0, 140.0),
    ]
    at.run()
    assert not at.exception
    assert at.radio(key="review_quad_pick").value == "clicked corners"
    click(at, "review_quad_box")
    assert at.text_input(key="review_box").value == "20,30,180,120"
    click(at, "review_suggest")
    click(at, "review_clear")
    assert at.session_state["review_corners"] == []


def test_no_case_and_no_video(tmp_path: Path) -> None:
    app = AppTest.from_file(str(PAGE), default_timeout=30)
    app.run()
    assert any("No case is open" in i.value for i in app.info)
    empty = tmp_path / "empty"
    Case.init(empty, "Empty", actor="tester").close()
    app = AppTest.from_file(str(PAGE), default_timeout=30)
    app.session_state["case_dir"] = str(empty)
    app.run()
    assert not app.exception
    assert any("No video in this case" in i.value for i in app.info)


def test_the_keyboard_viewer_and_a_box_picked_for_review(
    at: AppTest, built: Built, case_dir: Path
) -> None:
    with Case.open(case_dir) as case, transaction(case.conn) as conn:
        oid = insert(
            conn,
            NewObservation(
                video_sha256=built.sha, frame_index=3, time_s=3 / 25, kind="ocr",
                method="test", created_by="ocr", text="VENDR", bbox=(10, 10, 100, 40),
            ),
        )  # fmt: skip
    at.toggle(key="review_keys").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    at.session_state["review_picked"] = oid  # as a click on the box does
    at.run()
    at.text_input(key=f"review_fix_{oid}").set_value("VENDOR").run()
    at.button(key="review_box_correct").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Case.open(case_dir) as case:
        (obs,) = query(case.conn, ids=[oid])
    assert (obs.text, obs.status, obs.reviewed_by) == ("VENDOR", "confirmed", "alice")
    assert obs.params["machine_reading"] == {"text": "VENDR"}


def test_an_evidence_image_carries_its_provenance_and_is_logged(
    at: AppTest, built: Built, case_dir: Path
) -> None:
    import hashlib
    import json

    from workbench.app.evidence_image import read_provenance
    from workbench.case.audit import entries

    click(at, "review_next10")
    at.text_input(key="review_chain").set_value("gamma:0.8").run()
    at.button(key="review_ev_export").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (png,) = (case_dir / "exports" / "evidence").glob("*.png")
    carried = read_provenance(png)
    with FrameReader(built.clip) as reader:
        frame = reader.get(10)
    assert (carried["video_sha256"], carried["frame_index"]) == (built.sha, 10)
    assert carried["pixel_sha256"] == frame.ref.pixel_sha256
    assert carried["processing"] == "gamma:0.8" and carried["exported_by"] == "alice"
    sidecar = json.loads(png.with_suffix(".json").read_text())
    assert sidecar["png_sha256"] == hashlib.sha256(png.read_bytes()).hexdigest()
    with Case.open(case_dir) as case:
        (entry,) = [e for e in entries(case.conn) if e.action == "evidence.export"]
    assert entry.params["png_sha256"] == sidecar["png_sha256"]


def test_a_time_past_the_end_goes_to_the_last_frame_and_the_picker_names_videos(
    at: AppTest, built: Built
) -> None:
    at.number_input(key="review_time").set_value(999.0).run()
    assert not at.exception and not at.error
    assert position(at)[0] == COUNT - 1
    labels = at.selectbox(key="review_video").options
    assert any(lab.startswith("numbered.mp4 · 320x240") for lab in labels), labels
    assert all(lab.count(built.sha[:12]) <= 1 for lab in labels)


def test_compare_two_frames_of_two_videos_each_with_its_own_chain(
    at: AppTest, built: Built
) -> None:
    click(at, "review_next10")
    at.selectbox(key="compare_1_video").set_value(built.other_sha).run()
    at.number_input(key="compare_1_frame").set_value(5).run()
    at.text_input(key="compare_1_chain").set_value("invert").run()
    at.text_input(key="compare_0_zoom").set_value("0,0,160,120").run()
    assert not at.exception and not at.error
    captions = [i.caption for img in at.image for i in img.proto.imgs]
    assert any(c.startswith("frame 0 · ") and built.sha[:12] in c and "crop:" in c
               for c in captions), captions  # fmt: skip
    assert any(c.startswith("frame 5 · ") and built.other_sha[:12] in c and "invert" in c
               for c in captions), captions  # fmt: skip
    at.text_input(key="compare_1_chain").set_value("nonsense:9").run()
    assert any("nonsense" in e.value for e in at.error)  # one pane says why, the other stays
