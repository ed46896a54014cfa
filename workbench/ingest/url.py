"""Download a video from a URL with yt-dlp's Python API, keeping its metadata and a capture
of the page it came from."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from workbench.case.folder import Case
from workbench.case.media import is_disk_full, sha256_file
from workbench.errors import DiskFullError, IngestError
from workbench.ingest import capture
from workbench.ingest.store import IngestResult, SourceDraft, commit_video, now
from workbench.progress import NullProgress, ProgressSink

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class UrlOptions:
    max_height: int = 1080
    socket_timeout_s: float = 20.0
    retries: int = 2
    capture_page: bool = True
    screenshot: bool = True


def is_url(text: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text))


def ffmpeg_location() -> str | None:
    """ffmpeg on PATH, else the binary that the imageio-ffmpeg package ships."""
    if shutil.which("ffmpeg"):
        return None
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None


class _Logger:
    """Collects yt-dlp's messages instead of printing them; errors become our messages."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def debug(self, msg: str) -> None:
        pass

    def info(self, msg: str) -> None:
        pass

    def warning(self, msg: str) -> None:
        pass

    def error(self, msg: str) -> None:
        self.errors.append(_ANSI.sub("", msg))


def ingest_url(
    case: Case,
    url: str,
    actor: str,
    options: UrlOptions | None = None,
    progress: ProgressSink | None = None,
) -> list[IngestResult]:
    """Download `url` (a page, a playlist or a direct file) and ingest every video in it."""
    import yt_dlp

    options = options or UrlOptions()
    progress = progress or NullProgress()
    scheme = urlparse(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise IngestError(f"{url} is not an http(s) URL; give local files as paths.")
    retrieved_at = now()
    logger = _Logger()
    with tempfile.TemporaryDirectory(prefix="download-", dir=case.tmp_dir) as workdir:

        def hook(d: dict[str, Any]) -> None:
            total = d.get("total_bytes") or d.get("total_bytes_estimate")
            progress.update(f"download {url}", d.get("downloaded_bytes") or 0, total)

        ydl_opts: dict[str, Any] = {
            # best single file (video and audio together) up to the height asked for;
            # `?` lets formats of unknown height (plain files on a web server) through
            "format": f"b[height<=?{options.max_height}]/b",
            "outtmpl": str(Path(workdir) / "%(id)s.%(ext)s"),
            "restrictfilenames": True,
            "noplaylist": False,
            "quiet": True,
            "no_warnings": True,
            "noprogress": True,
            "logger": logger,
            "progress_hooks": [hook],
            "socket_timeout": options.socket_timeout_s,
            "retries": options.retries,
            "fragment_retries": options.retries,
            "extractor_retries": options.retries,
            "overwrites": True,
            "cachedir": False,
        }
        location = ffmpeg_location()
        if location:
            ydl_opts["ffmpeg_location"] = location
        try:
            with yt_dlp.YoutubeDL(ydl_opts) as ydl:
                raw = ydl.extract_info(url, download=True)
                info = ydl.sanitize_info(raw)
                entries = _entries(info)
                page = None
                if options.capture_page:
                    page = capture.capture_page(
                        case,
                        ydl,
                        info.get("webpage_url") or url,
                        f"yt-dlp {yt_dlp.version.__version__} urlopen",
                    )
        except yt_dlp.utils.DownloadError as exc:
            raise IngestError(_explain(url, logger.errors or [str(exc)])) from exc
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFullError(
                    f"The disk is full while downloading {url}; nothing was added to the case."
                ) from exc
            raise
        shot = None
        if options.screenshot and page is not None:
            shot = capture.screenshot(case, page.url)
        results = []
        try:
            for entry in entries:
                results.append(
                    _ingest_entry(
                        case,
                        url,
                        info,
                        entry,
                        retrieved_at,
                        actor,
                        progress,
                        (page, shot) if not results else (),
                    )
                )
        finally:
            for cap in (page, shot):
                if cap is not None:
                    cap.tmp.unlink(missing_ok=True)
        return results


def _entries(info: dict[str, Any]) -> list[dict[str, Any]]:
    if info.get("_type") == "playlist":
        return [e for e in info.get("entries") or [] if e]
    return [info]


def _ingest_entry(
    case: Case,
    url: str,
    info: dict[str, Any],
    entry: dict[str, Any],
    retrieved_at: str,
    actor: str,
    progress: ProgressSink,
    caps: tuple,
) -> IngestResult:
    downloads = entry.get("requested_downloads") or []
    path = Path(downloads[0]["filepath"]) if downloads else None
    if path is None or not path.is_file():
        raise IngestError(f"yt-dlp reported no downloaded file for {url}.")
    # the download already sits in the case's tmp/ folder: hash it there, then commit
    sha256 = sha256_file(path)
    keep = {
        k: entry.get(k)
        for k in entry
        if k not in ("requested_downloads", "formats", "thumbnails", "http_headers")
    }
    keep["original_url"] = url
    if info is not entry:
        keep["playlist_title"] = info.get("title")
    page = next((c for c in caps if c is not None and c.kind == "page_html"), None)
    if page is not None and page.title:
        keep["page_title"] = page.title  # yt-dlp may number or rewrite titles; keep the page's
    draft = SourceDraft(
        kind="url",
        uri=url,
        retrieved_at=retrieved_at,
        title=entry.get("title"),
        uploader=entry.get("uploader"),
        upload_date=entry.get("upload_date"),
        webpage_url=entry.get("webpage_url"),
        extractor=entry.get("extractor_key") or entry.get("extractor"),
        info=keep,
        captures=tuple(c for c in caps if c is not None),
    )
    progress.update(f"record {entry.get('id')}", 1, 1)
    return commit_video(case, path, sha256, path.name, draft, actor)


def _explain(url: str, errors: list[str]) -> str:
    text = " ".join(errors)
    low = text.lower()
    if "unsupported url" in low:
        return f"No video was found at {url} (yt-dlp does not support that page)."
    if any(
        s in low
        for s in (
            "connection refused",
            "name or service not known",
            "timed out",
            "no route to host",
            "network is unreachable",
            "failed to resolve",
            "nodename nor servname",
            "temporary failure in name resolution",
        )
    ):
        return f"{url} could not be reached ({_first_reason(text)})."
    if "http error 404" in low or "404" in low:
        return f"{url} answered 404 Not Found."
    if "http error" in low:
        return f"{url} answered with an error ({_first_reason(text)})."
    return f"yt-dlp could not download {url}: {_first_reason(text)}."


def _first_reason(text: str) -> str:
    text = text.replace("ERROR: ", "").strip()
    return text.splitlines()[0][:300] if text else "no reason given"
