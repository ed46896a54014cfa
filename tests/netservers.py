"""Small real servers on 127.0.0.1 for the network tests: a web server that needs a
cookie, one that drops a download halfway and honours Range, and a SOCKS5 proxy."""

from __future__ import annotations

import http.server
import select
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

COOKIE_NAME, COOKIE_VALUE = "session", "s3cr3t-cookie-value-8f2a"


class _Base(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes]
    log: list[dict]
    cut_whole: bool = False
    need_cookie: bool = False

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.log.append(
            {
                "path": self.path,
                "range": self.headers.get("Range"),
                "cookie": self.headers.get("Cookie"),
            }
        )
        body = self.files.get(self.path.split("?")[0])
        if body is None:
            self.send_error(404)
            return
        if self.need_cookie and f"{COOKIE_NAME}={COOKIE_VALUE}" not in (
            self.headers.get("Cookie") or ""
        ):
            self.send_error(403, "log in first")
            return
        ctype = {"html": "text/html; charset=utf-8", "xml": "application/rss+xml"}.get(
            self.path.rsplit(".", 1)[-1], "video/mp4"
        )
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0] or 0)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) - start))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        chunk = body[start:]
        if self.cut_whole and ctype == "video/mp4" and not rng:
            self.wfile.write(chunk[: len(chunk) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)  # the link dies halfway
            self.close_connection = True
            return
        self.wfile.write(chunk)


@contextmanager
def web_server(
    files: dict[str, bytes], need_cookie: bool = False, cut_whole: bool = False
) -> Iterator[tuple[str, list[dict]]]:
    """Serve `files` ({"/path": bytes}); yields (base URL, log of requests). `cut_whole`:
    a request for a whole video gets half of it, then the connection dies; a Range request
    for the rest is served."""
    log: list[dict] = []
    handler = type(
        "Handler",
        (_Base,),
        {
            "files": files,
            "log": log,
            "need_cookie": need_cookie,
            "cut_whole": cut_whole,
        },
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()


def cookie_file(path: Path, host: str = "127.0.0.1") -> Path:
    """A Netscape-format cookies file holding the session cookie for `host`."""
    path.write_text(
        "# Netscape HTTP Cookie File\n"
        f"{host}\tFALSE\t/\tFALSE\t2145916800\t{COOKIE_NAME}\t{COOKIE_VALUE}\n",
        "utf-8",
    )
    return path


# -- SOCKS5 (RFC 1928, with RFC 1929 user/password when asked for) ---------------------


class _Socks5(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        srv = self.server
        conn = self.request
        try:
            ver, n = _recv(conn, 2)
            methods = _recv(conn, n)
            want = 2 if srv.credentials else 0
            if ver != 5 or want not in methods:
                conn.sendall(b"\x05\xff")
                return
            conn.sendall(bytes([5, want]))
            if want == 2:
                _, ulen = _recv(conn, 2)
                user = _recv(conn, ulen).decode()
                (plen,) = _recv(conn, 1)
                password = _recv(conn, plen).decode()
                ok = (user, password) == srv.credentials
                conn.sendall(b"\x01\x00" if ok else b"\x01\x01")
                if not ok:
                    return
            _, cmd, _, atyp = _recv(conn, 4)
            if atyp == 1:
                host = socket.inet_ntoa(_recv(conn, 4))
            elif atyp == 3:
                (length,) = _recv(conn, 1)
                host = _recv(conn, length).decode()
            elif atyp == 4:
                host = socket.inet_ntop(socket.AF_INET6, _recv(conn, 16))
            else:
                return
            (port,) = struct.unpack("!H", _recv(conn, 2))
            if cmd != 1:
                conn.sendall(b"\x05\x07\x00\x01" + b"\0" * 6)
                return
            try:
                upstream = socket.create_connection((host, port), timeout=10)
            except OSError:
                conn.sendall(b"\x05\x05\x00\x01" + b"\0" * 6)
                return
            srv.connects.append((host, port))
            conn.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + b"\0\0")
            _pipe(conn, upstream)
        except (OSError, ValueError):
            return


def _recv(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        part = conn.recv(n - len(data))
        if not part:
            raise ValueError("closed")
        data += part
    return data


def _pipe(a: socket.socket, b: socket.socket) -> None:
    with b:
        socks = [a, b]
        while True:
            ready, _, _ = select.select(socks, [], [], 30)
            if not ready:
                return
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)


class _SocksServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def socks5_proxy(credentials: tuple[str, str] | None = None) -> Iterator[tuple[str, list]]:
    """A SOCKS5 proxy on 127.0.0.1; yields (host:port, list of (host, port) it connected)."""
    server = _SocksServer(("127.0.0.1", 0), _Socks5)
    server.credentials = credentials
    server.connects = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", server.connects
    finally:
        server.shutdown()
        server.server_close()


def firefox_profile(folder: Path, host: str = "127.0.0.1") -> Path:
    """A Firefox profile folder whose cookies.sqlite (Firefox's own table layout) holds the
    session cookie for `host`: what --cookies-from-browser firefox:PROFILE reads."""
    import sqlite3

    folder.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(folder / "cookies.sqlite")
    with conn:
        conn.execute(
            "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL"
            " DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER,"
            " lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly"
            " INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0,"
            " schemeMap INTEGER DEFAULT 0)"
        )
        conn.execute(
            "INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed,"
            " creationTime, isSecure, isHttpOnly) VALUES (?, ?, ?, '/', 2145916800, 0, 0, 0, 1)",
            (COOKIE_NAME, COOKIE_VALUE, host),
        )
    conn.close()
    return folder


@contextmanager
def http_proxy() -> Iterator[tuple[str, list]]:
    """A forwarding HTTP proxy on 127.0.0.1 (absolute-URI GETs, as clients send plain http
    through a proxy); yields (host:port, list of the URLs it fetched)."""
    import http.client
    from urllib.parse import urlsplit

    fetched: list[str] = []

    class Proxy(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            target = urlsplit(self.path)
            if target.scheme != "http" or not target.hostname:
                self.send_error(400, "absolute http URL expected")
                return
            fetched.append(self.path)
            upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=10)
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("proxy-connection", "connection", "host")
            }
            path = target.path + (f"?{target.query}" if target.query else "")
            upstream.request("GET", path, headers=headers)
            resp = upstream.getresponse()
            body = resp.read()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            upstream.close()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", fetched
    finally:
        server.shutdown()
        server.server_close()
