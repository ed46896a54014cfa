"""The same footage across uploads, on small real clips: a control-room clip re-published
(frames dropped, a studio shot before it, cropped, rescaled, letterboxed, a channel logo
and a ticker, a low bit rate) is found with its frame-exact offset, a look-alike room is
not; a confirmed finding is proposed at the copy's aligned frame with its box mapped."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tests.copies_media import Copy, make_copy, room_frames
from workbench.batch.analyze import analyze
from workbench.case import Case, audit
from workbench.case.observations import query
from workbench.cli import main
from workbench.ingest import ingest_file
from workbench.recognize.copies import copies_at, find_copies
from workbench.recognize.propagate import propagate
from workbench.synth import write_video

FRAMES = 60  # two shots of 30 frames at 25 fps
COPY = Copy(
    start=8,
    prefix=20,
    crop=(0.08, 0.08, 0.08, 0.08),
    size=(256, 144),
    canvas=(256, 192),
    logo=True,
    ticker=True,
    crf=36,
)


@dataclass(frozen=True)
class Built:
    case_dir: Path
    original: str
    copy: str
    other: str
    unanalysed: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("copies")
    write_video(root / "original.mp4", room_frames(1, FRAMES), fps=25, crf=18)
    make_copy(room_frames(1, FRAMES), COPY, root / "copy.mp4", prefix=room_frames(7, 30))
    write_video(root / "other.mp4", room_frames(2, FRAMES), fps=25, crf=18)
    write_video(root / "later.mp4", room_frames(3, 20), fps=25, crf=18)
    case_dir = root / "case"
    Case.init(case_dir, "Copies", actor="tester").close()
    with Case.open(case_dir) as case:
        shas = [ingest_file(case, root / f"{n}.mp4", "tester").video_sha256 for n in
                ("original", "copy", "other")]  # fmt: skip
        analyze(case, "keyframes", actor="tester")
        later = ingest_file(case, root / "later.mp4", "tester").video_sha256
    return Built(case_dir, *shas, later)


@pytest.fixture()
def case_dir(built: Built, tmp_path: Path) -> Path:
    dest = tmp_path / "case"
    shutil.copytree(built.case_dir, dest)
    return dest


def dump(case_dir: Path) -> list[tuple]:
    with sqlite3.connect(case_dir / "case.db") as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [(t, *r) for t in sorted(tables) for r in conn.execute(f"SELECT * FROM '{t}'")]


def test_the_copy_is_found_frame_exact_and_the_look_alike_room_is_not(
    case_dir: Path, built: Built
) -> None:
    with Case.open(case_dir) as case:
        found = find_copies(case, actor="tester")
    assert built.unanalysed in found.skipped
    pairs = {(x.video_a, x.video_b) for x in found.links}
    assert (built.original, built.copy) in pairs and (built.copy, built.original) in pairs
    assert not any(built.other in pair for pair in pairs)
    from_original = [x for x in found.links if x.video_a == built.original]
    assert sorted(x.shot_a for x in from_original) == [0, 1]
    for x in from_original:
        assert x.video_b == built.copy
        assert x.b_first == COPY.frame_of(x.a_first)  # frame-exact
        assert x.b_last == COPY.frame_of(x.a_last)
        assert x.offset_s == pytest.approx((COPY.prefix - COPY.start) / 25, abs=1e-3)
        assert x.method.startswith("workbench.recognize.copies/2")
        assert x.params["verified"]["motion"] >= x.params["motion_ncc"]
    first = min(from_original, key=lambda x: x.shot_a)
    assert first.a_first == COPY.start  # the frames the copy dropped are not claimed


def test_a_confirmed_finding_is_proposed_at_the_copy_with_its_box_mapped(
    case_dir: Path, built: Built
) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["copies", str(case_dir), "--json", "--by", "tester"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert {(r["video_a"], r["video_b"]) for r in rows} >= {(built.original, built.copy)}
    box = (120, 60, 60, 40)  # x, y, w, h on frame 45 of the original (the second shot)
    out = runner.invoke(main, [
        "annotate", str(case_dir), built.original[:12], "--index", "45",
        "--box", ",".join(map(str, box)), "--note", "NORDVIEW logo", "--by", "alice",
    ])  # fmt: skip
    assert out.exit_code == 0, out.output
    with Case.open(case_dir) as case:
        note = next(o for o in query(case.conn, video=built.original) if o.kind == "manual")
        made = propagate(case, [note.id], actor="tester")
        assert [p.new for p in made] == [True]
        again = propagate(case, [note.id], actor="tester")  # idempotent
        assert [p.new for p in again] == [False]
        copies = [
            o for o in query(case.conn, video=built.copy) if o.params.get("origin_observation")
        ]
        assert len(copies) == 1
        proposed = copies[0]
        here = copies_at(case, built.original, 45)
        entries = [e for e in audit.entries(case.conn) if e.action == "copies.propagate"]
    assert proposed.status == "suggested" and proposed.text == "NORDVIEW logo"
    assert proposed.frame_index == COPY.frame_of(45) == here[0].frame_index
    assert proposed.params["origin_observation"] == note.id
    assert proposed.params["origin_video"] == built.original
    # the copy crops 8 % off each side of 320x180 (26, 14 px), scales 268x152 to 256x144
    # and puts 24 px of black above it: the box lands there
    sx, sy = 256 / 268, 144 / 152
    x, y, w, h = box
    expected = [(x - 26) * sx, (y - 14) * sy + 24, (x + w - 26) * sx, (y + h - 14) * sy + 24]
    assert proposed.bbox == pytest.approx(expected, abs=4)
    assert len(entries) == 1 and entries[0].params["origin_observation"] == note.id
    out = runner.invoke(main, ["findings", str(case_dir), "--format", "json"])
    record = next(r for r in json.loads(out.stdout) if r["id"] == proposed.id)
    assert record["params"]["origin_observation"] == note.id
    assert record["method"] == "workbench.recognize.propagate/1"


@pytest.mark.parametrize("kind", ["unanalysed", "one frame", "unknown"])
def test_bad_input_gets_one_sentence_and_changes_nothing(
    case_dir: Path, built: Built, tmp_path: Path, kind: str
) -> None:
    runner = CliRunner()
    ref = {"unanalysed": built.unanalysed[:12], "unknown": "abcdef123456"}.get(kind, "")
    if kind == "one frame":
        write_video(tmp_path / "one.mp4", room_frames(4, 1), fps=25)
        with Case.open(case_dir) as case:
            ref = ingest_file(case, tmp_path / "one.mp4", "tester").video_sha256
            analyze(case, "keyframes", actor="tester", videos=[ref])
    before = dump(case_dir)
    out = runner.invoke(main, ["copies", str(case_dir), "--video", ref])
    assert out.exit_code == 1
    message = out.stderr.strip()
    assert len(message.splitlines()) == 1, message
    expected = {
        "unanalysed": "has not been analysed yet: run `workbench analyze",
        "one frame": "has 1 frame(s): at least 4 are needed",
        "unknown": "No video in this case matches",
    }[kind]
    assert expected in message
    assert dump(case_dir) == before


def test_a_damaged_copy_is_read_as_far_as_it_goes(
    case_dir: Path, built: Built, tmp_path: Path
) -> None:
    """A copy with bytes overwritten in its middle: ingest and analysis read what is
    there, and its shots are still found at the right frames; a file cut inside its header
    is refused in one sentence."""
    make_copy(room_frames(1, FRAMES), COPY, tmp_path / "copy.mp4", prefix=room_frames(8, 30))
    raw = (tmp_path / "copy.mp4").read_bytes()
    data = bytearray(raw)
    at = len(data) * 3 // 5
    data[at : at + 300] = np.random.default_rng(3).integers(0, 256, 300, np.uint8).tobytes()
    (tmp_path / "cut.mp4").write_bytes(bytes(data))
    (tmp_path / "head.mp4").write_bytes(raw[:200])
    runner = CliRunner()
    before = dump(case_dir)
    out = runner.invoke(main, ["ingest", str(case_dir), str(tmp_path / "head.mp4")])
    assert out.exit_code == 1 and len(out.stderr.strip().splitlines()) == 1
    assert dump(case_dir) == before
    with Case.open(case_dir) as case:
        cut = ingest_file(case, tmp_path / "cut.mp4", "tester").video_sha256
        analyze(case, "keyframes", actor="tester", videos=[cut])
        found = find_copies(case, [cut], actor="tester")
    assert {x.video_b for x in found.links} == {built.original, built.copy}  # both copies
    with Case.open(case_dir) as case:
        damaged = case.conn.execute(
            "SELECT damaged_json FROM frame_indexes WHERE video_sha256 = ?", (cut,)
        ).fetchone()[0]
    assert damaged != "[]"  # the decoder did meet damage
    with Case.open(case_dir) as case:
        frames = case.conn.execute(
            "SELECT frame_count FROM videos WHERE sha256 = ?", (cut,)
        ).fetchone()[0]
    for x in found.links:
        if x.video_b == built.original:  # the decoder may lose pictures where data is damaged:
            lost = 72 - frames  # frame numbers after the damage move by as many
            assert 0 <= x.a_first - COPY.frame_of(x.b_first) + lost <= lost


def test_the_review_page_shows_the_copies_of_the_shot_on_screen(
    case_dir: Path, built: Built
) -> None:
    from streamlit.testing.v1 import AppTest

    page = Path(__file__).resolve().parents[2] / "workbench" / "app" / "views" / "review.py"
    with Case.open(case_dir) as case:
        find_copies(case, actor="tester")
        case.conn.execute(  # the original's upload date, as ingest takes it from yt-dlp
            "UPDATE sources SET upload_date = '20240305' WHERE video_sha256 = ?",
            (built.original,),
        )
        case.conn.commit()
    at = AppTest.from_file(str(page), default_timeout=60)
    at.session_state["case_dir"] = str(case_dir)
    at.session_state["reviewer"] = "alice"
    at.session_state["review_video"] = built.original
    at.run()
    at.number_input(key="review_frame").set_value(45).run()
    assert not at.exception, [e.value for e in at.exception]
    panel = next(e for e in at.expander if e.label.startswith("Copies of this shot"))
    assert panel.label == "Copies of this shot (1)"
    captions = [c.value for c in panel.caption]
    assert any(
        f"copy in {built.copy[:12]}: frames {COPY.frame_of(30)}–{COPY.frame_of(59)}" in c
        and f"this frame is its frame {COPY.frame_of(45)}" in c
        for c in captions
    ), captions
    assert any(f"earliest known upload: {built.original[:12]} on 20240305" in c for c in captions)


def test_the_case_file_names_the_earliest_known_upload(
    case_dir: Path, built: Built, tmp_path: Path
) -> None:
    with Case.open(case_dir) as case:
        find_copies(case, actor="tester")
        for sha, day in ((built.original, "20240305"), (built.copy, "20240101")):
            case.conn.execute(
                "UPDATE sources SET upload_date = ? WHERE video_sha256 = ?", (day, sha)
            )
        case.conn.commit()
    out = CliRunner().invoke(
        main,
        [
            "publish",
            str(case_dir),
            "-o",
            str(tmp_path / "bundle"),
            "--no-pdf",
            "--by",
            "ngo",
            "--unredacted",
            "--i-understand-the-risk",
        ],  # no face detector: what is checked is text
    )
    assert out.exit_code == 0, out.output
    report = (tmp_path / "bundle" / "report.md").read_text()
    lines = [line for line in report.splitlines() if "earliest known upload" in line]
    # the copy was uploaded first: its shots are the earliest known uploads of the footage
    assert lines and all("2024-01-01" in line for line in lines), lines
    assert any(f"of video {built.copy[:12]}" in line for line in lines)
    assert any(f"appears in {built.original[:12]}" in line for line in lines)
    assert not any(f"of video {built.original[:12]}" in line for line in lines)


def test_confirming_in_the_app_proposes_at_the_copies(case_dir: Path, built: Built) -> None:
    from workbench.app.findings_table import review_ids
    from workbench.case.observations import NewObservation, insert
    from workbench.case.store import transaction

    with Case.open(case_dir) as case:
        find_copies(case, actor="tester")
        with transaction(case.conn):
            oid = insert(case.conn, NewObservation(
                built.original, 50, 2.0, "ocr", "test-ocr/1", "ocr", text="VMS 4.2",
                bbox=(100, 40, 160, 60),
            ))  # fmt: skip
        assert not [o for o in query(case.conn) if o.params.get("origin_observation") == oid]
        review_ids(case, [oid], "confirmed", "bob")
        made = [o for o in query(case.conn) if o.params.get("origin_observation") == oid]
    assert [(o.video, o.frame_index, o.status) for o in made] == [
        (built.copy, COPY.frame_of(50), "suggested")
    ]
