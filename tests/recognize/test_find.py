"""Find it everywhere: a box on one video's frame is found in another video where the same
mark appears at another angle and scale, and not in a video without it; every suggestion
cites its reference; bad input leaves the case unchanged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.findmedia import B_CENTER, MARK_BOX, write_find_media
from tests.helpers import run_cli, snapshot


@pytest.fixture(scope="session")
def find_media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_find_media(tmp_path_factory.mktemp("find"))


@pytest.fixture(scope="session")
def analysed_case(find_media: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case with the three clips ingested and their keyframes found (built once)."""
    case_dir = tmp_path_factory.mktemp("findcase") / "case"
    assert run_cli("case", "init", case_dir, "--title", "Find").exit_code == 0
    for name in ("a", "b", "c"):
        assert run_cli("ingest", case_dir, find_media[name]).exit_code == 0
    result = run_cli("analyze", case_dir, "--stages", "keyframes", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    return case_dir


@pytest.fixture()
def fresh(analysed_case: Path, tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(analysed_case, target)
    return target


def _videos(case_dir: Path) -> dict[str, str]:
    """Clip name (a, b, c) -> the video's sha256."""
    out = run_cli("sources", case_dir, "--json")
    assert out.exit_code == 0, out.stderr
    by_name = {}
    for s in json.loads(out.stdout):
        name = Path(s["uri"]).stem
        by_name[name] = s["video_sha256"]
    return by_name


def test_a_box_is_found_in_another_video_and_not_in_one_without_it(fresh: Path) -> None:
    videos = _videos(fresh)
    box = ",".join(map(str, MARK_BOX))
    result = run_cli(
        "find",
        fresh,
        videos["a"][:12],
        "--index",
        "2",
        "--box",
        box,
        "--label",
        "Korgan Vision",
        "--format",
        "json",
        "--by",
        "ana",
    )
    assert result.exit_code == 0, result.stderr
    matches = json.loads(result.stdout)
    assert "Next:" in result.stderr and "workbench review" in result.stderr
    in_b = [m for m in matches if m["video"] == videos["b"]]
    assert in_b, f"the mark was not found in video B: {matches}"
    x0, y0, x1, y1 = in_b[0]["bbox"]
    assert abs((x0 + x1) / 2 - B_CENTER[0]) < 25 and abs((y0 + y1) / 2 - B_CENTER[1]) < 25
    assert 80 < x1 - x0 < 150  # the smaller size it has there
    assert not [m for m in matches if m["video"] == videos["c"]]
    # every suggestion names its origin, in findings and in the audit log
    findings = json.loads(run_cli("findings", fresh, "--kind", "logo").stdout)
    assert {f["id"] for f in findings} == {m["observation"] for m in matches}
    refs = json.loads(run_cli("find", fresh, "--list", "--format", "json").stdout)
    assert len(refs) == 1 and refs[0]["created_by"] == "ana" and refs[0]["frame_index"] == 2
    rid = refs[0]["id"]
    for f in findings:
        assert f["status"] == "suggested" and f["origin"] == f"reference:{rid}"
        assert f["params"]["origin"]["video"] == videos["a"]
        assert f["params"]["origin"]["frame_index"] == 2
    log = json.loads(run_cli("log", fresh, "--json").stdout)
    created = [e for e in log if e["action"] == "reference.create"]
    assert len(created) == 1 and created[0]["actor"] == "ana"
    assert created[0]["params"]["video"] == videos["a"] and created[0]["params"]["box"] == list(
        MARK_BOX
    )
    suggested = {e["target"]: e["params"] for e in log if e["action"] == "observation.suggest"}
    for f in findings:
        assert suggested[f"observation:{f['id']}"]["origin"] == f"reference:{rid}"
    # matching again adds nothing (idempotent), and reports the same matches
    again = run_cli("find", fresh, "--reference", str(rid), "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert sorted(m["observation"] for m in json.loads(again.stdout)) == sorted(
        m["observation"] for m in matches
    )
    assert len(json.loads(run_cli("findings", fresh, "--kind", "logo").stdout)) == len(findings)


def test_a_video_analysed_later_is_matched_against_existing_references(
    find_media: dict[str, Path], tmp_path: Path
) -> None:
    case_dir = tmp_path / "later"
    run_cli("case", "init", case_dir, "--title", "Later")
    run_cli("ingest", case_dir, find_media["a"])
    run_cli("analyze", case_dir, "--stages", "keyframes")
    sha_a = _videos(case_dir)["a"]
    box = ",".join(map(str, MARK_BOX))
    made = run_cli("find", case_dir, sha_a, "--index", "0", "--box", box, "--format", "json")
    assert made.exit_code == 0, made.stderr
    run_cli("ingest", case_dir, find_media["b"])
    result = run_cli("analyze", case_dir, "--ocr", "tesseract", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    sha_b = _videos(case_dir)["b"]
    line = [x for x in result.stdout.splitlines() if sha_b[:12] in x and "references" in x]
    assert line and "new 1" in line[0], result.stdout
    logos = json.loads(run_cli("findings", case_dir, "--kind", "logo", "--video", sha_b).stdout)
    assert len(logos) == 1 and logos[0]["origin"] == "reference:1"


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["--index", "2", "--box", "600,300,100,100"], "not inside the 640x360 frame"),
        (["--index", "2", "--box", "10,10,0,40"], "has no area"),
        (["--index", "2", "--box", "10,10,8,8"], "smaller than 16 px"),
        (["--index", "99", "--box", "10,10,40,40"], "Frame 99 is outside this video"),
        (["--index", "2", "--box", "ten"], "is not a box"),
        (
            ["--index", "2", "--box", "10,10,40,40", "--label", "<script>alert(1)</script>"],
            "has other characters",
        ),
        (
            ["--index", "2", "--box", "10,10,40,40", "--label", "ok\n=cmd|' /C calc'!A0"],
            "has other characters",
        ),
        (["--index", "2", "--box", "10,10,40,40", "--label", "x" * 200], "at most 80"),
    ],
)
def test_bad_input_gets_one_sentence_and_changes_nothing(
    fresh: Path, args: list[str], sentence: str
) -> None:
    sha = _videos(fresh)["a"]
    before = snapshot(fresh)
    result = run_cli("find", fresh, sha, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and sentence in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(fresh) == before


def test_unknown_video_and_reference_are_refused(fresh: Path) -> None:
    before = snapshot(fresh)
    result = run_cli("find", fresh, "deadbeef00", "--index", "0", "--box", "1,1,40,40")
    assert result.exit_code == 1 and "No video in this case matches" in result.stderr
    result = run_cli("find", fresh, "--reference", "7")
    assert result.exit_code == 1 and "No reference has the id 7" in result.stderr
    result = run_cli("find", fresh, "--from-observation", "999")
    assert result.exit_code == 1 and "No observation has the id 999" in result.stderr
    result = run_cli("find", fresh, "--index", "0")
    assert result.exit_code == 1 and "Give VIDEO, --index N and --box" in result.stderr
    assert snapshot(fresh) == before


def test_a_confirmed_interface_finding_becomes_the_cases_own_signature(fresh: Path) -> None:
    from workbench.case import Case
    from workbench.case.observations import NewObservation, insert, review
    from workbench.case.store import transaction
    from workbench.recognize.find.signatures import case_signatures
    from workbench.recognize.interfaces import identify

    sha = _videos(fresh)["a"]
    lines = [("Оперативный журнал", (20, 30, 200, 50)), ("Poisk lits", (20, 60, 150, 80)),
             ("Elsewhere", (400, 300, 500, 330))]  # fmt: skip
    with Case.open(fresh) as case:
        with transaction(case.conn) as conn:
            for text, box in lines:
                insert(conn, NewObservation(sha, 0, 0.0, "ocr", "tesseract", "tesseract",
                                            text=text, bbox=box))  # fmt: skip
            oid = insert(conn, NewObservation(
                sha, 0, 0.0, "interface", "workbench.interfaces/1", "workbench.interfaces/1",
                label="Kamerator VMS", vendor="Kamerator LLP", bbox=(10, 20, 320, 100),
                params={"matched": ["Kamerator"]}))  # fmt: skip
        review(case.conn, [oid], "confirmed", "ana")
    result = run_cli("find", fresh, "--from-observation", str(oid), "--format", "json")
    assert result.exit_code == 0, result.stderr
    with Case.open(fresh) as case:
        sigs = case_signatures(case)
    assert len(sigs) == 1 and sigs[0].product == "Kamerator VMS"
    assert {s for s, _ in sigs[0].strings} == {"Kamerator", "Оперативный журнал", "Poisk lits"}
    assert sigs[0].origin is not None and sigs[0].origin["observation"] == oid
    assert sigs[0].origin["video"] == sha and sigs[0].origin["frame_index"] == 0
    # the interface stage's identification now knows the product, citing its origin
    found = identify(["Kamerator 2.1", "оперативный журнал", "Tools"], sigs)
    assert [m.product for m in found] == ["Kamerator VMS"] and found[0].origin == sigs[0].origin
    assert identify(["Tools", "Help"], sigs) == []
    refs = json.loads(run_cli("find", fresh, "--list", "--format", "json").stdout)
    assert refs[0]["kind"] == "screen" and refs[0]["product"] == "Kamerator VMS"


def test_the_word_index_keeps_the_appearance_among_its_candidates(fresh: Path) -> None:
    """With the prefilter on (as from 3,000 keyframes), only candidates are verified; the
    mark in B still is, C's keyframes are ruled out without being decoded."""
    from workbench.case import Case
    from workbench.recognize.find.make import make_reference
    from workbench.recognize.find.match import find_everywhere

    videos = _videos(fresh)
    with Case.open(fresh) as case:
        ref, _ = make_reference(case, videos["a"], 2, MARK_BOX, "ana", "Korgan Vision")
        result = find_everywhere(case, ref.id, prefilter_from=0, candidates=2)
        in_b = [m for m in result.matches if m.video == videos["b"]]
        assert in_b
        # verified in the region the index's votes point at, which holds the match
        from workbench.case import observations
        from workbench.recognize.find.match import AROUND_VOTES

        obs = {o.id: o for o in observations.query(case.conn, kind="logo")}
        o = obs[in_b[0].observation_id]
        assert AROUND_VOTES in o.method and o.params["regions"]
        x0, y0, x1, y1 = o.params["regions"][0]
        assert (x1 - x0) * (y1 - y0) < 0.5 * 640 * 360
        bx0, by0, bx1, by1 = o.bbox
        assert x0 <= bx0 and y0 <= by0 and bx1 <= x1 and by1 <= y1
        # the keyframes ruled out are marked done (together): running again skips them all
        again = find_everywhere(case, ref.id, prefilter_from=0, candidates=2)
        assert again.skipped == again.keyframes == result.keyframes and again.filtered == 0
        assert again.new == 0
    assert not [m for m in result.matches if m.video == videos["c"]]
    assert result.filtered > 0
    assert len(list((fresh / "derived" / "find").glob("postings-*.npz"))) == 3


def test_a_box_the_index_cannot_describe_is_verified_everywhere(fresh: Path) -> None:
    """A box of 16-19 px is accepted (MIN_MARK is 16) but too small for the index to give it
    a point at any view: with the prefilter on, nothing may be ruled out unseen, so every
    keyframe is verified (none filtered), as below the prefilter's threshold; a box the
    index describes still has keyframes ruled out."""
    from workbench.case import Case
    from workbench.recognize.find.make import make_reference
    from workbench.recognize.find.match import find_everywhere

    videos = _videos(fresh)
    x, y, _, _ = MARK_BOX
    with Case.open(fresh) as case:
        small, _ = make_reference(case, videos["a"], 2, (x + 20, y + 10, 18, 18), "ana", "K")
        tiny = find_everywhere(case, small.id, prefilter_from=0, candidates=2)
        big, _ = make_reference(case, videos["a"], 2, MARK_BOX, "ana", "Korgan Vision")
        whole = find_everywhere(case, big.id, prefilter_from=0, candidates=2)
    assert tiny.filtered == 0 and tiny.keyframes > 0
    assert whole.filtered > 0


def test_an_index_of_another_format_is_made_again_not_misread(fresh: Path) -> None:
    """A postings file or a vocabulary written by another index format (an older
    workbench's, same name) is made again in this format before it is searched."""
    import numpy as np

    from workbench.case import Case
    from workbench.recognize.find import archive
    from workbench.recognize.find.index import POSTING, VERSION
    from workbench.recognize.find.make import make_reference
    from workbench.recognize.find.match import find_everywhere

    videos = _videos(fresh)
    folder = fresh / "derived" / "find"
    with Case.open(fresh) as case:
        vocab = archive.vocabulary(case)
        assert vocab is not None
        frames, postings = archive.video_words(case, vocab, videos["b"])
        [path] = folder.glob(f"postings-*-{videos['b'][:16]}-*.npz")
        # format 2's content under this format's names: word sets, no version
        np.savez(path, frames=np.array(frames), lengths=np.array([2] * len(frames)),
                 postings=np.arange(2 * len(frames), dtype=np.uint16))  # fmt: skip
        vpath = folder / f"vocabulary-v{VERSION}.npz"
        np.savez(vpath, centres=vocab.centres, digest=np.array(vocab.digest))
        again = archive.vocabulary(case)
        assert again is not None and again.digest == vocab.digest  # trained again, same
        assert int(np.load(vpath)["version"]) == VERSION
        frames2, postings2 = archive.video_words(case, again, videos["b"])
        assert frames2 == frames and all(p.dtype == POSTING for p in postings2)
        assert [len(p) for p in postings2] == [len(p) for p in postings]
        with np.load(path) as z:
            assert int(z["version"]) == VERSION and z["postings"].dtype == POSTING
        path.write_bytes(path.read_bytes()[:100])  # cut short: made again too
        assert [len(p) for p in archive.video_words(case, again, videos["b"])[1]] == [
            len(p) for p in postings
        ]
        ref, _ = make_reference(case, videos["a"], 2, MARK_BOX, "ana", "Korgan Vision")
        result = find_everywhere(case, ref.id, prefilter_from=0, candidates=2)
    assert [m.video for m in result.matches if m.video == videos["b"]]


def test_a_run_under_a_new_key_does_not_suggest_again(fresh: Path) -> None:
    """Matching with other parameters (another run key) gives back what the reference
    already suggested instead of suggesting it twice."""
    from workbench.case import Case, observations
    from workbench.recognize.find.make import make_reference
    from workbench.recognize.find.match import find_everywhere

    videos = _videos(fresh)
    with Case.open(fresh) as case:
        ref, _ = make_reference(case, videos["a"], 2, MARK_BOX, "ana", "Korgan Vision")
        first = find_everywhere(case, ref.id)
        before = len(observations.query(case.conn, kind="logo"))
        second = find_everywhere(case, ref.id, prefilter_from=0, candidates=3)
        assert len(observations.query(case.conn, kind="logo")) == before
    assert first.new > 0 and second.new == 0
    assert {m.observation_id for m in second.matches} == {m.observation_id for m in first.matches}


def test_a_wide_keyframe_is_scanned_at_most_scan_width_and_still_matched(fresh: Path) -> None:
    """Verifying on a 1280x720 keyframe scans it 720 px wide (the matcher's 0.75 would be
    960 px: the cost grows with the pixels); the mark, turned and in perspective at 220 px,
    is still found there, and a keyframe of 640 px keeps the matcher's own scale."""
    from workbench.case import Case
    from workbench.recognize.find.make import make_reference
    from workbench.recognize.find.match import ReferenceMatcher
    from workbench.recognize.find.scan import SCAN_WIDTH, scan_scale
    from workbench.recognize.synthlogos import Placement, paste_logo, render_logo, render_scene

    assert scan_scale(0.75, 640) == 0.75 and scan_scale(0.75, 1280) == round(720 / 1280, 4)
    mark = render_logo("Korgan Vision", seed=41, width=300)
    turned = Placement(width=220, center=(840, 420), rotation=9, perspective=0.12, seed=5)
    wide = paste_logo(render_scene(8, 1280, 720), mark, turned)[0]
    videos = _videos(fresh)
    with Case.open(fresh) as case:
        ref, _ = make_reference(case, videos["a"], 2, MARK_BOX, "ana", "Korgan Vision")
        matcher = ReferenceMatcher(case, ref)
        found = matcher.match(wide, [])
        assert f"at most {SCAN_WIDTH} px wide" in matcher.method
        assert matcher.scanner.matcher_for(1280).params.scan_scale == round(SCAN_WIDTH / 1280, 4)
        assert matcher.scanner.matcher_for(640) is matcher.logos
    assert found, "the mark on the wide keyframe"
    x0, y0, x1, y1 = found[0]["bbox"]
    assert 700 < (x0 + x1) / 2 < 980 and 330 < (y0 + y1) / 2 < 510


def test_the_sorted_index_is_kept_and_made_again_when_the_videos_change(fresh: Path) -> None:
    """The searchable index is sorted once and kept in derived/find/; the next search
    loads it and gets the same candidates; a cut-short file is made again; searching
    other videos makes a new file and removes the one before."""
    import numpy as np

    from workbench.case import Case
    from workbench.recognize.find import archive
    from workbench.recognize.find.make import make_reference
    from workbench.recognize.find.match import ReferenceMatcher

    videos = _videos(fresh)
    folder = fresh / "derived" / "find"
    all3 = [videos["a"], videos["b"], videos["c"]]
    with Case.open(fresh) as case:
        ref, _ = make_reference(case, videos["a"], 2, MARK_BOX, "ana", "Korgan Vision")
        crop = ReferenceMatcher(case, ref).crop
        first = archive.candidates(case, crop, all3, count=3)
        [kept] = folder.glob("inverted-*.npz")
        stamp = kept.stat().st_mtime_ns
        again = archive.candidates(case, crop, all3, count=3)
        assert kept.stat().st_mtime_ns == stamp  # loaded, not made again
        assert first is not None and again is not None and set(first) == set(again)
        for key in first:
            assert np.array_equal(first[key].xy, again[key].xy)
        kept.write_bytes(kept.read_bytes()[:200])
        assert set(archive.candidates(case, crop, all3, count=3) or {}) == set(first)
        assert [p.name for p in folder.glob("inverted-*.npz")] == [kept.name]
        archive.candidates(case, crop, all3[:2], count=3)
        [other] = folder.glob("inverted-*.npz")
        assert other.name != kept.name
