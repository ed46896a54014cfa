"""The case's own interface signatures: references made from confirmed interface findings.

Such a reference keeps the product, its vendor and the strings read inside the box (the
strings the finding matched, then every OCR line there). The interface identification
of the text stage uses them next to data/interfaces/ from then on, each naming its
origin (reference id, video, frame).
"""

from __future__ import annotations

from workbench.case import references
from workbench.case.folder import Case
from workbench.recognize.interfaces import Signature


def case_signatures(case: Case) -> list[Signature]:
    out = []
    for ref in references.signatures(case.conn):
        strings = tuple((s, 1.0) for s in ref.strings if s.strip())
        if ref.product and len(strings) >= 2:
            out.append(Signature(ref.product, ref.vendor or "", strings, origin=ref.origin()))
    return out
