"""Legal provisions: declared once in data/legal.toml, sourced, linked from findings,
worded as context."""

from __future__ import annotations

import json
import re

from tests.publish.conftest import Published
from workbench.publish.legal import capability_provisions, load_provisions
from workbench.publish.safe import safe_url

REQUIRED = {
    "kz-ai-2025-labelling",
    "kz-ai-2025-biometric-realtime",
    "kz-ai-2025-emotion",
    "kz-ai-2025-manipulation",
    "eu-ai-act-5-1-h",
    "eu-ai-act-5-1-f",
    "eu-ai-act-5-1-e",
    "eu-ai-act-50",
}


def test_every_provision_a_capability_names_exists_with_an_official_source() -> None:
    provisions = load_provisions()
    assert set(provisions) >= REQUIRED
    named = {p for ids in capability_provisions().values() for p in ids}
    assert named <= set(provisions), named - set(provisions)
    for p in provisions.values():
        assert safe_url(p.source) and p.source.startswith("https://"), p.id
        assert p.title and p.summary and p.jurisdiction and p.date
        if p.id.startswith("eu-ai-act"):
            assert p.source == "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
            assert "2024/1689" in p.instrument
        if p.id.startswith("kz-ai-2025"):
            assert p.source.startswith("https://adilet.zan.kz")
            assert p.date == "2025-11-17"
            assert p.note and "not verified" in p.note  # no invented document number
        # context, not conclusions: no provision says a system is unlawful
        assert not re.search(r"\b(is|are) (illegal|unlawful)\b|\bviolat", p.summary, re.I), p.id


def test_capability_findings_link_to_their_provisions(published: Published) -> None:
    index = (published.out / "index.html").read_text()
    fid = published.built.ids["face-search"]
    row = index[index.index(f'id="finding-{fid}"') :]
    row = row[: row.index("</tr>")]
    assert 'href="#prov-kz-ai-2025-biometric-realtime"' in row
    assert 'href="#prov-eu-ai-act-5-1-h"' in row
    legal = index[index.index('<section id="legal">') :]
    assert "not legal conclusions" in legal
    for pid in REQUIRED:
        assert f'id="prov-{pid}"' in legal
    block = legal[legal.index('id="prov-kz-ai-2025-biometric-realtime"') :]
    block = block[: block.index("</div>")]
    assert f'href="#finding-{fid}"' in block
    assert '<a href="https://adilet.zan.kz/"' in block
    records = json.loads((published.out / "data/findings.json").read_text())
    capability = next(r for r in records if r["id"] == fid)
    assert capability["provisions"] == ["kz-ai-2025-biometric-realtime", "eu-ai-act-5-1-h"]
    assert {
        p["id"] for p in json.loads((published.out / "data/legal.json").read_text())
    } >= REQUIRED
