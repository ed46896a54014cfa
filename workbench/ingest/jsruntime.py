"""The JavaScript runtime and challenge-solver scripts (EJS) that yt-dlp needs for YouTube.

Since yt-dlp 2025.11 full YouTube support runs YouTube's player challenges in an external
JS runtime (Deno) with the EJS solver scripts (the `yt-dlp-ejs` package). The `deno`
package from PyPI ships the binary; we hand its path to yt-dlp's `js_runtimes` option.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Any


def deno_path() -> str | None:
    """WORKBENCH_DENO, else the binary the `deno` package ships, else deno on PATH."""
    explicit = os.environ.get("WORKBENCH_DENO")
    if explicit:
        return explicit if os.path.isfile(explicit) else None
    try:
        import deno

        return deno.find_deno_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("deno")


def js_runtimes() -> dict[str, dict[str, Any]]:
    """The value of yt-dlp's `js_runtimes` option: Deno at the path we found."""
    path = deno_path()
    return {"deno": {"path": path} if path else {}}


def ejs_version() -> str | None:
    try:
        return metadata.version("yt-dlp-ejs")
    except metadata.PackageNotFoundError:
        return None


@dataclass(frozen=True)
class JsStatus:
    """What yt-dlp itself reports: the runtime it will use and the solver scripts it loads."""

    runtime: str | None  # e.g. "deno 2.9.8"
    runtime_path: str | None
    supported: bool
    ejs: str | None  # e.g. "0.8.0 (python package)"
    problem: str | None  # one sentence when YouTube will not work fully

    @property
    def ok(self) -> bool:
        return self.problem is None


def check(ydl) -> JsStatus:
    """Ask `ydl` (a yt_dlp.YoutubeDL) which JS runtime and EJS scripts its YouTube extractor
    would use. Runs the runtime's `--version` and loads the scripts; no network."""
    runtime = next((r for r in ydl._js_runtimes.values() if r is not None and r.info), None)
    info = runtime.info if runtime is not None else None
    if info is None:
        return JsStatus(None, None, False, None, "no JavaScript runtime (Deno) was found")
    label = f"{info.name} {info.version}"
    if not info.supported:
        return JsStatus(label, info.path, False, None, f"{label} is too old for yt-dlp")
    ie = ydl.get_info_extractor("Youtube")
    ie.initialize()
    provider = next((p for p in ie._jsc_director.providers.values() if p.is_available()), None)
    if provider is None:
        return JsStatus(label, info.path, True, None, "yt-dlp found no usable challenge solver")
    try:
        lib, core = provider._lib_script, provider._core_script
    except Exception as exc:  # yt-dlp raises its own provider errors here
        return JsStatus(label, info.path, True, None, f"the EJS scripts could not load ({exc})")
    ejs = f"{core.version} ({core.source.value})"
    if lib.version != core.version:
        ejs = f"lib {lib.version}, core {core.version}"
    return JsStatus(label, info.path, True, ejs, None)


@lru_cache(maxsize=1)
def runtime_versions() -> dict[str, str]:
    """Versions to record with every source: the JS runtime and the EJS scripts."""
    from yt_dlp.utils._jsruntime import DenoJsRuntime

    out: dict[str, str] = {}
    path = deno_path()
    info = DenoJsRuntime(path=path).info if path else None
    out["js-runtime"] = f"{info.name} {info.version}" if info else "none"
    out["yt-dlp-ejs"] = ejs_version() or "none"
    return out
