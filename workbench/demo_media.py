"""The FICTIONAL demo's stills and documents: a vendor's brochure page (a PDF made here,
with a real text layer) and an integrator's social-network post (a screenshot-like PNG).
Everything in them is invented, and each says so."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.synth_docs import A5_IN, TextLine, social_post, write_pdf

NOTICE = "FICTIONAL DEMO DOCUMENT - NOT A REAL PRODUCT OR COMPANY"


def write_brochure(path: Path) -> Path:
    """FaceTrace's (fictional) data sheet, an A5 page: product, capability, three languages."""
    page = [
        TextLine(0.08, 0.06, "FaceTrace Analytics (fictional)", 18),
        TextLine(0.08, 0.13, "FaceTrace Search - data sheet", 14),
        TextLine(0.08, 0.22, "Real-time face recognition against watchlists", 12),
        TextLine(0.08, 0.27, "Распознавание лиц в реальном времени", 11),
        TextLine(0.08, 0.32, "Бет-әлпетті нақты уақытта тану", 11),
        TextLine(0.08, 0.40, "Deployed in city situation centres since 2023", 10),
        TextLine(0.08, 0.92, NOTICE, 8),
    ]
    return write_pdf(path, [page], A5_IN)


def write_post(path: Path, photo: np.ndarray) -> Path:
    """The integrator's (fictional) post about the installation, with a photo."""
    return social_post(
        path,
        "Dalakent Demo Systems TOO (fictional)",
        [
            "We installed SO-9000 cameras at the",
            "Qalaport Situation Centre (fictional).",
            "FICTIONAL DEMO POST",
        ],
        photo,
    )
