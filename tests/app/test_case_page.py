"""The Case page: open or create a case, ingest an upload or a URL, list sources, analyse."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import free_port
from tests.helpers import snapshot
from workbench.app.casehome import safe_upload_name
from workbench.case import Case, records

PAGE = Path(__file__).resolve().parents[2] / "workbench" / "app" / "views" / "case.py"


def page(case_dir: Path | None, reviewer: str = "alice") -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    if case_dir is not None:
        at.session_state["case_dir"] = str(case_dir)
    at.session_state["reviewer"] = reviewer
    return at


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def uploader(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(u for u in at.file_uploader if u.label.startswith(label))


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\clip.mp4", "clip.mp4"),
        ("<script>a</script>.mp4", "script_.mp4"),
        ("", "upload"),
        ("..", "upload"),
        ("Ситуационный центр.mp4", "Ситуационный центр.mp4"),
    ],
)
def test_upload_names_lose_their_path_tricks(name: str, safe: str) -> None:
    got = safe_upload_name(name)
    assert got == safe
    assert "/" not in got and "\\" not in got and "<" not in got and not got.startswith(".")


def test_without_a_case_the_page_offers_to_open_one(case_dir: Path) -> None:
    at = page(None).run()
    assert not at.exception
    assert any("No case is open" in i.value for i in at.info)
    at.text_input[0].input(str(case_dir))
    button(at, "Open").click().run()
    assert not at.exception
    assert at.session_state["case_dir"] == str(case_dir.resolve())
    assert any(s.value == "Test case" for s in at.subheader)


def test_a_folder_that_is_not_a_case_is_refused(tmp_path: Path) -> None:
    at = page(None).run()
    at.text_input[0].input(str(tmp_path))
    button(at, "Open").click().run()
    assert any("is not a case folder" in e.value for e in at.error)
    assert not (tmp_path / "case.db").exists()


def test_create_a_case(tmp_path: Path) -> None:
    at = page(None).run()
    target = tmp_path / "new-case"
    at.text_input[0].input(str(target))
    at.text_input[1].input("Almaty <b>centre</b>")
    button(at, "Create").click().run()
    assert not at.exception
    with Case.open(target) as case:
        assert case.info.title == "Almaty <b>centre</b>"
        actor = case.conn.execute("SELECT actor FROM audit WHERE action = 'case.init'").fetchone()
    assert actor[0] == "alice"


def test_upload_is_ingested_with_its_own_name_and_listed(case_dir: Path, clip: Path) -> None:
    at = page(case_dir).run()
    uploader(at, "video file").set_value(("../../numbered.mp4", clip.read_bytes(), "video/mp4"))
    button(at, "Ingest file").click().run()
    assert not at.exception and not at.error
    assert any("Ingested" in s.value for s in at.success)
    with Case.open(case_dir) as case:
        (source,) = records.sources(case.conn)
        (video,) = records.videos(case.conn)
    assert source.uri == "upload:numbered.mp4" and source.actor == "alice"
    assert video.frame_count == 48
    assert list((case_dir / "tmp").iterdir()) == []
    table = at.dataframe[0].value
    assert list(table["sha256"]) == [video.sha256]


def test_a_bad_upload_says_why_and_changes_nothing(case_dir: Path) -> None:
    before = snapshot(case_dir)
    at = page(case_dir).run()
    uploader(at, "video file").set_value(("notes.mp4", b"not a video at all\n" * 50, "video/mp4"))
    button(at, "Ingest file").click().run()
    assert not at.exception
    assert any("is not a video file" in e.value for e in at.error)
    assert snapshot(case_dir) == before


def test_an_unreachable_url_says_why(case_dir: Path) -> None:
    before = snapshot(case_dir)
    at = page(case_dir).run()
    url_box = next(t for t in at.text_input if t.label.startswith("video page URL"))
    url_box.input(f"http://127.0.0.1:{free_port()}/video.mp4")
    button(at, "Ingest URL").click().run()
    assert not at.exception
    assert any("could not be reached" in e.value for e in at.error)
    assert snapshot(case_dir) == before


def test_analysis_runs_from_the_page(case_dir: Path, clip: Path) -> None:
    from workbench.ingest import ingest_file

    with Case.open(case_dir) as case:
        ingest_file(case, clip, "tester")
    at = page(case_dir).run()
    at.multiselect[0].set_value(["keyframes"])
    button(at, "Run analysis").click().run()
    assert not at.exception and not at.error
    with Case.open(case_dir) as case:
        shots = case.conn.execute("SELECT count(*) FROM shots").fetchone()[0]
    assert shots >= 1
    assert any("keyframes" in m.value for m in at.markdown)


def test_app_command_refuses_a_folder_that_is_not_a_case(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    result = run_cli("app", str(tmp_path), "--port", "0", "--no-browser")
    assert result.exit_code == 1
    assert "is not a case folder" in result.output


def test_app_command_says_when_the_port_is_taken(case_dir: Path) -> None:
    import socket

    from tests.helpers import run_cli

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("app", str(case_dir), "--port", str(port), "--no-browser")
    assert result.exit_code == 1
    assert f"did not start on port {port}" in result.output


def test_every_page_says_when_the_case_is_fictional(tmp_path: Path, case_dir: Path) -> None:
    from workbench.app.casehome import is_fictional

    demo = tmp_path / "fictional"
    Case.init(demo, "DEMO (fictional)", actor="tester", fictional=True).close()
    assert is_fictional(demo) and not is_fictional(case_dir)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "case.toml").write_text("[case\n", "utf-8")
    assert not is_fictional(tmp_path / "broken")

    main = PAGE.parents[1] / "main.py"
    for folder, expected in ((demo, True), (case_dir, False)):
        at = AppTest.from_file(str(main), default_timeout=60)
        at.session_state["case_dir"] = str(folder)
        at.run()
        assert not at.exception
        labels = [w.value for w in at.sidebar.warning]
        assert any("FICTIONAL" in v for v in labels) is expected


def test_a_logged_in_url_ingests_with_an_uploaded_cookies_file_kept_out_of_the_case(
    case_dir: Path, clip: Path, tmp_path: Path
) -> None:
    from tests.netservers import COOKIE_VALUE, cookie_file, web_server

    jar = cookie_file(tmp_path / "cookies.txt").read_bytes()
    with web_server({"/m/clip.mp4": clip.read_bytes()}, need_cookie=True) as (base, _):
        at = page(case_dir).run()
        url_box = next(t for t in at.text_input if t.label.startswith("video page URL"))
        url_box.input(f"{base}/m/clip.mp4")
        uploader(at, "cookies file").set_value(("cookies.txt", jar, "text/plain"))
        button(at, "Ingest URL").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("1 video(s) ingested" in s.value for s in at.success)
    with Case.open(case_dir) as case:
        (source,) = records.sources(case.conn)
        info = records.source_info_json(case.conn, source.id)
    assert info["fetched_with"] == {"cookies": "file"}
    held = b"".join(p.read_bytes() for p in case_dir.rglob("*") if p.is_file())
    assert COOKIE_VALUE.encode() not in held


def test_the_page_shows_what_works_on_this_machine(case_dir: Path) -> None:
    at = page(case_dir).run()
    button(at, "Check this machine").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert {"state", "what", "found", "fix"} <= set(table.columns)
    runtime = table[table["what"] == "JS runtime for YouTube"].iloc[0]
    assert runtime["state"] == "ok" and runtime["found"].startswith("deno ")
