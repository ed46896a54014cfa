"""Fixtures: small real videos made with PyAV, case folders, a local HTTP server."""

from __future__ import annotations

import functools
import http.server
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.case import Case
from workbench.synth import numbered_frames, write_video


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """AppTest runs a page as `__main__` and leaves it in sys.modules; a later test that
    starts a spawn process pool would then re-run that page in every child. Put it back
    (every package has AppTests now: app, recognize, stills)."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def clip(media_dir: Path) -> Path:
    """A 48-frame 320x240 H.264 clip at 24 fps whose frames show their own index."""
    path = media_dir / "numbered.mp4"
    write_video(path, numbered_frames(48), fps=24, gop=12)
    return path


@pytest.fixture(scope="session")
def other_clip(media_dir: Path) -> Path:
    path = media_dir / "other.mp4"
    write_video(path, numbered_frames(30, 160, 120), fps=25, gop=10)
    return path


@pytest.fixture()
def case_dir(tmp_path: Path) -> Path:
    path = tmp_path / "case"
    Case.init(path, "Test case", actor="tester").close()
    return path


@pytest.fixture()
def case(case_dir: Path) -> Iterator[Case]:
    with Case.open(case_dir) as c:
        yield c


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def web_root(tmp_path: Path) -> Path:
    root = tmp_path / "www"
    root.mkdir()
    return root


@pytest.fixture()
def http_server(web_root: Path) -> Iterator[str]:
    """Serves `web_root` on 127.0.0.1 only; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(web_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def demo_case_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full fictional demo case (footage, analysis, scripted review, graph, case file),
    built once per session. Tests that change it work on a copy (`demo_case`)."""
    from workbench.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo"
    build_demo(path, actor="demo")
    return path


@pytest.fixture()
def demo_case(demo_case_built: Path, tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "demo"
    shutil.copytree(demo_case_built, copy)
    return copy
