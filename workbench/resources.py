"""Where the reference data lives: `data/` in a checkout, or $WORKBENCH_DATA."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    explicit = os.environ.get("WORKBENCH_DATA")
    if explicit:
        return Path(explicit)
    return Path(__file__).resolve().parent.parent / "data"
