"""Publishable case files: redacted evidence, a static report, open data, a manifest.

`publish(case, out, actor, PublishOptions(...))` writes the bundle; `verify_bundle(path)`
checks it. Faces in every published image are hidden by default (`redact`, `faces`);
only confirmed findings are published unless suggestions are asked for, and then each
is labelled as machine-generated. Import the submodules you need: this package imports
nothing heavy at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from workbench.publish.bundle import PublishOptions, PublishResult, publish
    from workbench.publish.manifest import BundleReport, verify_bundle

__all__ = ["BundleReport", "PublishOptions", "PublishResult", "publish", "verify_bundle"]


def __getattr__(name: str) -> Any:
    if name in ("PublishOptions", "PublishResult", "publish"):
        from workbench.publish import bundle

        return getattr(bundle, name)
    if name in ("BundleReport", "verify_bundle"):
        from workbench.publish import manifest

        return getattr(manifest, name)
    raise AttributeError(name)
