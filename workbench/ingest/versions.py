"""Versions of every tool that touched a piece of evidence, recorded with it."""

from __future__ import annotations

import platform
from functools import lru_cache


@lru_cache(maxsize=1)
def tool_versions() -> dict[str, str]:
    import av
    import yt_dlp.version

    from workbench import __version__
    from workbench.ingest.jsruntime import runtime_versions

    return {
        **runtime_versions(),
        "workbench": __version__,
        "yt-dlp": yt_dlp.version.__version__,
        "pyav": av.__version__,
        "ffmpeg": str(getattr(av, "ffmpeg_version_info", "?")),
        "python": platform.python_version(),
    }
