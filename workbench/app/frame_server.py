"""The frames the browser's keyboard viewer lacks, served straight to it: a small HTTP
server on 127.0.0.1, one per app process, so a step or a jump out of the viewer's window
fetches pictures without a Streamlit rerun (which costs a page's worth of work).

A view (video, zoom, enhancement chain, width, the boxes drawn) is published under a
random token; the viewer asks `GET /v/TOKEN/frames?start=A&stop=B&dir=D` for at most
`MAX_FRAMES` frames and gets the same records the page sends it (index, time, pixel
hash, the picture as a JPEG data URI, the clickable boxes). Nothing in a request names a
file: an unknown token is 404, a host other than this server's own (DNS rebinding) 403.
After each request, a background thread renders the next `PRERENDER` frames in the
direction of stepping, so the viewer's next request finds them ready; it waits while a
request is served and starts again from the edge of a newer one. No Streamlit here.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from workbench.app import frame_window
from workbench.app.frame_window import ViewSettings, WindowFrame
from workbench.app.frames import ChainError, FrameService
from workbench.errors import WorkbenchError

log = logging.getLogger(__name__)

MAX_FRAMES = 48  # frames per request at most
PRERENDER = 36  # frames rendered ahead in the background after each request
KEEP_VIEWS = 64  # published views kept (older tokens are forgotten: 404)
_ORIGIN = re.compile(r"^https?://(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$")


class RequestError(Exception):
    """A request that cannot be served; `status` is its HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class FrameServer:
    """Serves published views' frames on 127.0.0.1 (a free port unless `port`)."""

    def __init__(self, service: FrameService, port: int = 0):
        self.service = service
        self._views: OrderedDict[str, ViewSettings] = OrderedDict()
        self._tokens: dict[str, str] = {}  # view signature -> token
        self._lock = threading.Lock()
        self._busy = 0  # requests being served: the pre-render waits for them
        self._wanted: tuple[ViewSettings, int, int] | None = None
        self._wake = threading.Event()
        self._closed = False
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.frame_server = self  # type: ignore[attr-defined]
        self.port = int(self.httpd.server_address[1])
        self.hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        self._threads = [
            threading.Thread(target=self.httpd.serve_forever, daemon=True, name="frame-server"),
            threading.Thread(target=self._prerender_loop, daemon=True, name="frame-prerender"),
        ]
        for thread in self._threads:
            thread.start()

    def publish(self, view: ViewSettings) -> str:
        """The address the viewer fetches `view`'s frames from (one token per view)."""
        with self._lock:
            token = self._tokens.get(view.signature)
            if token is None or token not in self._views:
                token = secrets.token_urlsafe(18)
                self._tokens[view.signature] = token
            self._views[token] = view
            self._views.move_to_end(token)
            while len(self._views) > KEEP_VIEWS:
                _, old_view = self._views.popitem(last=False)
                self._tokens.pop(old_view.signature, None)
        return f"http://127.0.0.1:{self.port}/v/{token}/"

    def frames(self, token: str, start: int, stop: int, direction: int = 1) -> list[WindowFrame]:
        """Frames `start` to `stop - 1` of the view published under `token`."""
        with self._lock:
            view = self._views.get(token)
        if view is None:
            raise RequestError(404, "This view is not served (any more): reload the page.")
        if not 0 <= start < stop <= view.count:
            raise RequestError(400, f"The frames asked for are outside 0–{view.count - 1}.")
        if stop - start > MAX_FRAMES:
            raise RequestError(400, f"At most {MAX_FRAMES} frames per request.")
        with self._lock:
            self._busy += 1
        try:
            out = [frame_window.render(self.service, view, i) for i in range(start, stop)]
        except (WorkbenchError, ChainError, OSError) as exc:
            log.warning("frame server: %s", exc)
            raise RequestError(500, "The frame could not be decoded or processed.") from exc
        finally:
            with self._lock:
                self._busy -= 1
        edge = stop if direction >= 0 else start - 1
        with self._lock:
            self._wanted = (view, edge, 1 if direction >= 0 else -1)
        self._wake.set()
        return out

    def _prerender_loop(self) -> None:
        while not self._closed:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                wanted, self._wanted = self._wanted, None
            if wanted is None or self._closed:
                continue
            view, edge, direction = wanted
            for n in range(PRERENDER):
                i = edge + n * direction
                if not 0 <= i < view.count or self._wanted is not None or self._closed:
                    break  # the end of the video, or a newer request: start from its edge
                while self._busy and not self._closed:
                    time.sleep(0.002)  # a request is served first
                try:
                    frame_window.render(self.service, view, i)
                except Exception:  # a failed pre-render only costs speed; requests report
                    break

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    server_version = "workbench-frames"

    def do_GET(self) -> None:
        fs: FrameServer = self.server.frame_server  # type: ignore[attr-defined]
        try:
            if self.headers.get("Host", "") not in fs.hosts:
                raise RequestError(403, "Wrong host.")
            parts = urlsplit(self.path)
            path = parts.path.strip("/").split("/")
            if len(path) != 3 or path[0] != "v" or path[2] != "frames":
                raise RequestError(404, "Not found.")
            query = parse_qs(parts.query)
            try:
                start, stop = int(query["start"][0]), int(query["stop"][0])
                direction = int(query.get("dir", ["1"])[0])
            except (KeyError, ValueError) as exc:
                raise RequestError(400, "start and stop must be frame numbers.") from exc
            frames = fs.frames(path[1], start, stop, direction)
            self._reply(200, {"frames": [asdict(f) for f in frames]})
        except RequestError as exc:
            self._reply(exc.status, {"error": str(exc)})

    def _reply(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        origin = self.headers.get("Origin", "")
        if _ORIGIN.match(origin):  # the app's page on this machine, whatever its port
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("frame server: " + format, *args)
