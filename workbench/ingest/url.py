"""Download videos from a URL with yt-dlp's Python API, keeping their metadata and a capture
of the page they came from.

A playlist, channel or search URL is a collection: each video becomes its own source
(recorded with the collection's URL and its position), committed as soon as it is
downloaded, so an interrupted run keeps what it finished and a second run skips it.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from workbench.case import records
from workbench.case.folder import Case
from workbench.case.media import is_disk_full, sha256_file
from workbench.errors import DiskFullError, IngestError, WorkbenchError
from workbench.ingest import capture, ydl
from workbench.ingest.explain import explain as _explain
from workbench.ingest.explain import first_reason as _first_reason
from workbench.ingest.jsruntime import runtime_versions
from workbench.ingest.options import UrlOptions
from workbench.ingest.store import IngestResult, SourceDraft, commit_video, now
from workbench.progress import NullProgress, ProgressSink

# never stored: cookies and request headers yt-dlp puts into its info dicts
DROP_KEYS = frozenset(
    {
        "requested_downloads",
        "requested_formats",
        "formats",
        "thumbnails",
        "http_headers",
        "cookies",
        "filepath",
    }
)


@dataclass(frozen=True)
class Skip:
    item: str  # position and id or title in the collection
    reason: str


@dataclass
class UrlIngest:
    """What one URL gave: the sources added and, for a collection, what was skipped."""

    url: str
    results: list[IngestResult] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    collection: str | None = None  # the playlist's title, when the URL is a collection
    total: int | None = None  # videos in the collection (after --max-videos)


def is_url(text: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text))


ffmpeg_location = ydl.ffmpeg_location  # kept for callers of the old name


def ingest_url(
    case: Case,
    url: str,
    actor: str,
    options: UrlOptions | None = None,
    progress: ProgressSink | None = None,
) -> list[IngestResult]:
    """Download `url` (a page, a playlist or a direct file) and ingest every video in it."""
    return fetch(case, url, actor, options, progress).results


def fetch(
    case: Case,
    url: str,
    actor: str,
    options: UrlOptions | None = None,
    progress: ProgressSink | None = None,
) -> UrlIngest:
    """Like `ingest_url`, with the report of a collection: what was skipped and why."""
    import yt_dlp

    options = (options or UrlOptions()).checked()
    if urlparse(url).scheme.lower() not in ("http", "https"):
        raise IngestError(f"{url} is not an http(s) URL; give local files as paths.")
    job = _Job(case, url, actor, options, progress or NullProgress())
    # one folder per URL: a .part file left by an interrupted run is resumed by the next
    workdir = case.tmp_dir / f"download-{hashlib.sha256(url.encode()).hexdigest()[:16]}"
    workdir.mkdir(parents=True, exist_ok=True)
    logger = ydl.Logger()
    try:
        with ydl.private_cookies(options) as cookiefile:
            opts = {
                **ydl.params(options, workdir, cookiefile),
                "logger": logger,
                "progress_hooks": [job.hook],
                "match_filter": job.match_filter,
                "ignoreerrors": True,  # one bad video in a collection never stops the rest
            }
            with yt_dlp.YoutubeDL(opts) as downloader:
                job.ydl = downloader
                downloader.add_post_processor(_committer(job), when="after_move")
                info = downloader.extract_info(url, download=True)
    except yt_dlp.cookies.CookieLoadError as exc:
        cause = exc.__cause__ or exc.__context__ or exc
        where = "the cookies file" if options.cookies_file else "the browser"
        raise IngestError(f"The cookies could not be read from {where} ({cause}).") from exc
    except yt_dlp.utils.DownloadError as exc:
        raise IngestError(_explain(url, logger.errors or [str(exc)], options)) from exc
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFullError(
                f"The disk is full while downloading {url}; nothing more was added to the case."
            ) from exc
        raise
    finally:
        job.cleanup()
        if not any(workdir.glob("*.part")):  # else kept: the next run resumes it
            shutil.rmtree(workdir, ignore_errors=True)
    return job.report(info, logger)


class _Job:
    """State of one URL's download: the post-processor commits each video through it."""

    def __init__(
        self, case: Case, url: str, actor: str, options: UrlOptions, progress: ProgressSink
    ) -> None:
        self.case, self.url, self.actor, self.options = case, url, actor, options
        self.progress = progress
        self.retrieved_at = now()
        self.ydl: Any = None
        self.result = UrlIngest(url)
        self.failures: list[tuple[str, WorkbenchError]] = []
        self.known = records.collection_items(case.conn, url)
        self.caps: tuple[capture.CaptureDraft, ...] | None = None  # taken with the first video
        self.current = url
        self.done = 0

    # -- yt-dlp callbacks ----------------------------------------------------
    def hook(self, d: dict[str, Any]) -> None:
        total = d.get("total_bytes") or d.get("total_bytes_estimate")
        self.progress.update(f"download {self.current}", d.get("downloaded_bytes") or 0, total)

    def match_filter(self, info: dict[str, Any], incomplete: Any = False) -> str | None:
        position = info.get("playlist_index")
        if position is None:
            return None  # a single video: nothing to filter
        label = _label(info)
        if info.get("id") is not None and str(info["id"]) in self.known:
            return self._skip(label, "already in the case from this collection")
        if incomplete:
            return None
        reason = _date_reason(info.get("upload_date"), self.options)
        if reason:
            return self._skip(label, reason)
        self.current = label
        self.progress.update("collection", self.done, info.get("n_entries"))
        return None

    def commit(self, info: dict[str, Any]) -> None:
        path = Path(info.get("filepath") or "")
        label = _label(info) if info.get("playlist_index") is not None else self.url
        try:
            if not path.is_file():
                raise IngestError(f"yt-dlp reported no downloaded file for {self.url}.")
            if self.caps is None:
                self.caps = self._captures(info)
            draft = self._draft(info, self.caps if not self.result.results else ())
            sha256 = sha256_file(path)
            self.progress.update(f"record {info.get('id')}", 1, 1)
            result = commit_video(self.case, path, sha256, path.name, draft, self.actor)
        except DiskFullError:
            raise
        except WorkbenchError as exc:
            path.unlink(missing_ok=True)
            self.failures.append((label, exc))
            if not self.result.results:
                self.caps = None  # the failed commit removed them; the next video takes new ones
            return
        self.result.results.append(result)
        if info.get("id") is not None:
            self.known.add(str(info["id"]))
        self.done += 1
        if info.get("playlist_index") is not None:
            self.progress.update("collection", self.done, info.get("n_entries"))

    # -- helpers ---------------------------------------------------------------
    def _skip(self, label: str, reason: str) -> str:
        self.result.skipped.append(Skip(label, reason))
        return f"{label}: {reason}"

    def _captures(self, info: dict[str, Any]) -> tuple[capture.CaptureDraft, ...]:
        if not self.options.capture_page:
            return ()
        import yt_dlp

        page_url = (
            self.url
            if info.get("playlist_index") is not None
            else (info.get("webpage_url") or self.url)
        )
        method = f"yt-dlp {yt_dlp.version.__version__} urlopen"
        if self.options.cookies_file is None and not self.options.cookies_from_browser:
            page = capture.capture_page(self.case, self.ydl, page_url, method)
        else:
            # a logged-in page can show the investigator's account: capture the page as
            # anyone sees it (same proxy, no cookies), as the screenshot does
            logged_out = replace(self.options, cookies_file=None, cookies_from_browser=None)
            with ydl.make(logged_out, logger=ydl.Logger()) as anonymous:
                page = capture.capture_page(
                    self.case, anonymous, page_url, method + " without cookies"
                )
        shot = None
        if self.options.screenshot and page is not None:
            shot = capture.screenshot(self.case, page.url, proxy=self.options.proxy)
        return tuple(c for c in (page, shot) if c is not None)

    def _draft(self, info: dict[str, Any], caps: tuple) -> SourceDraft:
        keep = _clean(info)
        keep["original_url"] = self.url
        if info.get("playlist_index") is not None:
            keep["playlist"] = {
                "url": self.url,
                "position": info.get("playlist_index"),
                "title": info.get("playlist_title") or info.get("playlist"),
                "id": info.get("playlist_id"),
                "count": info.get("playlist_count") or info.get("n_entries"),
            }
        page = next((c for c in caps if c.kind == "page_html"), None)
        if page is not None and page.title:
            keep["page_title"] = page.title  # yt-dlp may number or rewrite titles; keep the page's
        fetched = self.options.provenance()
        if fetched:
            keep["fetched_with"] = fetched
        return SourceDraft(
            kind="url",
            uri=self.url,
            retrieved_at=self.retrieved_at,
            title=info.get("title"),
            uploader=info.get("uploader"),
            upload_date=info.get("upload_date"),
            webpage_url=info.get("webpage_url"),
            extractor=info.get("extractor_key") or info.get("extractor"),
            info=keep,
            extra_versions=runtime_versions(),
            captures=caps,
        )

    def cleanup(self) -> None:
        for cap in self.caps or ():
            cap.tmp.unlink(missing_ok=True)

    def report(self, info: dict[str, Any] | None, logger: ydl.Logger) -> UrlIngest:
        result = self.result
        is_collection = info is not None and info.get("_type") == "playlist"
        if info is not None and is_collection:
            result.collection = info.get("title") or self.url
            entries = info.get("entries") or []
            result.total = len(entries)
            for label, exc in self.failures:
                result.skipped.append(Skip(label, f"failed: {exc}"))
            for position, entry in enumerate(entries, 1):
                if entry is None and not any(
                    s.item.startswith(f"#{position} ") for s in result.skipped
                ):
                    result.skipped.append(Skip(f"#{position}", "failed: " + _failure(logger)))
            if not result.results and not result.skipped:
                raise IngestError(f"No video was found at {self.url} (the collection is empty).")
            return result
        if self.failures:
            raise self.failures[0][1]
        if not result.results:
            raise IngestError(
                _explain(self.url, logger.errors or ["no video was downloaded"], self.options)
            )
        return result


def _committer(job: _Job):
    from yt_dlp.postprocessor.common import PostProcessor

    class Commit(PostProcessor):
        def run(self, info: dict[str, Any]) -> tuple[list, dict[str, Any]]:
            job.commit(info)
            return [], info

    return Commit(None)


def _label(info: dict[str, Any]) -> str:
    return f"#{info.get('playlist_index')} {info.get('title') or info.get('id') or ''}".strip()


def _clean(info: dict[str, Any]) -> dict[str, Any]:
    """yt-dlp's info dict without downloads, formats, request headers and cookies (at any
    depth: a requested format carries its own)."""
    import yt_dlp

    out = _drop(info)
    with contextlib.suppress(Exception):
        out = yt_dlp.YoutubeDL.sanitize_info(out)
    return out


def _drop(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _drop(v)
            for k, v in value.items()
            if not (isinstance(k, str) and (k in DROP_KEYS or k.startswith("_")))
        }
    if isinstance(value, (list, tuple)):
        return [_drop(v) for v in value]
    return value


def _date_reason(upload_date: str | None, options: UrlOptions) -> str | None:
    if not (options.date_after or options.date_before) or not upload_date:
        return None
    if options.date_after and upload_date < options.date_after:
        return f"uploaded {_iso(upload_date)}, before {_iso(options.date_after)}"
    if options.date_before and upload_date > options.date_before:
        return f"uploaded {_iso(upload_date)}, after {_iso(options.date_before)}"
    return None


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}"


def _failure(logger: ydl.Logger) -> str:
    return _first_reason(logger.errors[-1]) if logger.errors else "no reason given"
