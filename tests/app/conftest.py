"""AppTest runs a page as `__main__` and leaves it in sys.modules; a later test that
starts a spawn process pool would then re-run that page in every child. Put it back."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
