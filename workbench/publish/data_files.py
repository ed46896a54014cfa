"""The bundle's open data: findings (JSON, CSV), sources, legal provisions, redaction
log and the case's facts, with local paths scrubbed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

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


def _cell(value: str) -> str:
    """Keep spreadsheets from running text as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def findings_csv(records: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*FIELDS, *EXTRA], lineterminator="\n")
    writer.writeheader()
    for rec in records:
        row = dict(rec)
        for k in ("bbox", "quad", "tags", "params", "provisions"):
            row[k] = json.dumps(row[k], ensure_ascii=False) if row[k] is not None else ""
        for k, v in row.items():
            if isinstance(v, str):
                row[k] = _cell(v)
        writer.writerow(row)
    return buf.getvalue()


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
