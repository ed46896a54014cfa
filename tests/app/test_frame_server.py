"""The frame server the keyboard viewer fetches from (issue 16, key-to-picture): real
HTTP on 127.0.0.1, real H.264 decoding; every picture it sends is the frame its index
names, and what is not its own (another host, an unknown token, a path, a range past the
end, too many frames) is refused with a status and nothing rendered."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from workbench.app import frame_window
from workbench.app.frame_server import MAX_FRAMES, FrameServer
from workbench.app.frames import FrameService
from workbench.synth import numbered_frames, read_index_strip, write_video
from workbench.video.enhance import Chain

COUNT = 120


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FrameServer, str]]:
    path = tmp_path_factory.mktemp("served") / "numbered.mp4"
    write_video(path, numbered_frames(COUNT), fps=25, gop=30)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    service = FrameService()
    server = FrameServer(service)
    view = frame_window.ViewSettings(path, sha, COUNT, Chain(), None, 320)
    address = server.publish(view)
    try:
        yield server, address
    finally:
        server.close()
        service.close()


def get(
    server: FrameServer, target: str, host: str | None = None, origin: str | None = None
) -> tuple[int, dict[str, str], dict]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Host": host or f"127.0.0.1:{server.port}"}
    if origin:
        headers["Origin"] = origin
    conn.request("GET", target, headers=headers)
    reply = conn.getresponse()
    body = json.loads(reply.read() or b"{}")
    conn.close()
    return reply.status, dict(reply.getheaders()), body


def burned(uri: str) -> int:
    data = base64.b64decode(uri.split(",", 1)[1])
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return read_index_strip(cv2.resize(bgr, (320, 240))[:, :, ::-1])


def test_frames_are_the_frames_named_and_the_next_ones_are_prerendered(
    served: tuple[FrameServer, str],
) -> None:
    server, address = served
    path = address.split(str(server.port), 1)[1]
    assert address.startswith("http://127.0.0.1:") and path.startswith("/v/")
    status, headers, body = get(server, path + "frames?start=57&stop=70&dir=1")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    frames = body["frames"]
    assert [f["index"] for f in frames] == list(range(57, 70))
    assert [burned(f["uri"]) for f in frames] == list(range(57, 70))
    assert all(len(f["pixel_sha256"]) == 64 for f in frames)
    # backwards, across a keyframe: still exact
    status, _, body = get(server, path + "frames?start=25&stop=35&dir=-1")
    assert [burned(f["uri"]) for f in body["frames"]] == list(range(25, 35))
    # after a request, the frames ahead in its direction are rendered in the background
    status, _, _ = get(server, path + "frames?start=80&stop=81&dir=1")
    view = next(iter(server._views.values()))
    deadline = time.monotonic() + 20
    while frame_window.kept(view, 100) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert frame_window.kept(view, 100) is not None
    assert burned(frame_window.kept(view, 100).uri) == 100  # type: ignore[union-attr]


def test_only_the_app_page_on_this_machine_may_read_it(served: tuple[FrameServer, str]) -> None:
    server, address = served
    path = address.split(str(server.port), 1)[1]
    ok = path + "frames?start=0&stop=2"
    status, headers, _ = get(server, ok, origin="http://127.0.0.1:8501")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8501"
    status, headers, _ = get(server, ok, origin="https://evil.example")
    assert status == 200 and "Access-Control-Allow-Origin" not in headers  # browser blocks it
    assert get(server, ok, host="evil.example:80")[0] == 403  # DNS rebinding
    assert get(server, "/v/not-a-token/frames?start=0&stop=2")[0] == 404
    assert get(server, "/v/../../etc/passwd")[0] == 404
    assert get(server, path + "frames?start=0&stop=%2e%2e")[0] == 400
    assert get(server, path + "frames?start=-1&stop=3")[0] == 400
    assert get(server, path + f"frames?start={COUNT - 1}&stop={COUNT + 1}")[0] == 400
    status, _, body = get(server, path + f"frames?start=0&stop={MAX_FRAMES + 1}")
    assert status == 400 and str(MAX_FRAMES) in body["error"]


def test_a_new_view_gets_its_own_token_and_the_same_view_keeps_it(
    served: tuple[FrameServer, str], tmp_path: Path
) -> None:
    server, address = served
    view = next(iter(server._views.values()))
    assert server.publish(view) == address  # the same settings: the same address
    zoomed = frame_window.ViewSettings(view.media, view.sha, COUNT, Chain(), (0, 0, 160, 120), 320)
    other = server.publish(zoomed)
    assert other != address
    status, _, body = get(server, other.split(str(server.port), 1)[1] + "frames?start=5&stop=6")
    assert status == 200 and body["frames"][0]["index"] == 5
