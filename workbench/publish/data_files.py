"""The bundle's open data: findings (JSON, CSV), sources, legal provisions, redaction
log and the case's facts, with local paths scrubbed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench import tabular
from workbench.publish.content import ORIGIN_TEXT, FindingItem
from workbench.publish.safe import scrub
from workbench.recognize.findings import FIELDS, record

EXTRA = ("origin", "machine_generated", "label_note", "frame_image", "crop_image", "provisions")


def finding_record(f: FindingItem, forbidden: tuple[str, ...]) -> dict[str, Any]:
    rec = record(f.obs)
    rec.update(
        origin=f.origin,
        machine_generated=f.machine,
        label_note=ORIGIN_TEXT[f.origin],
        frame_image=f.frame_image,
        crop_image=f.crop,
        provisions=f.provisions,
    )
    return scrub(rec, forbidden)


def findings_csv(records: list[dict[str, Any]]) -> str:
    return tabular.to_csv(records, [*FIELDS, *EXTRA])


def write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", "utf-8")


def write_findings(
    folder: Path, findings: list[FindingItem], forbidden: tuple[str, ...]
) -> list[str]:
    records = [finding_record(f, forbidden) for f in findings]
    write_json(folder / "data/findings.json", records)
    (folder / "data/findings.csv").write_text(findings_csv(records), "utf-8")
    return ["data/findings.json", "data/findings.csv"]
