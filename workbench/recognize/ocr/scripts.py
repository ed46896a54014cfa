"""Latin and Cyrillic letters that look the same: OCR picks either, per word.

`repair_scripts` makes each word one script: letters that look alike are switched to the
script of the word's unambiguous letters (or, for words made only of look-alikes, of the
line's), so "Объект: ТРЦ Mегa" reads as Cyrillic throughout. `fold_lookalikes` maps
look-alikes to Latin for comparing strings as they look on screen.
"""

from __future__ import annotations

import re

# Cyrillic -> Latin, letters that render the same (upper and lower case kept apart)
CYR_TO_LAT = dict(zip("АВЕКМНОРСТХІЈЅҮаеорсухіјѕһ", "ABEKMHOPCTXIJSYaeopcyxijsh", strict=True))
LAT_TO_CYR = {v: k for k, v in CYR_TO_LAT.items()}
_WORD = re.compile(r"\w+")


def _kind(ch: str) -> str:
    if ch in CYR_TO_LAT or ch in LAT_TO_CYR:
        return "both"
    if "\u0400" <= ch <= "\u04ff":
        return "cyr"
    if ch.isascii() and ch.isalpha():
        return "lat"
    return "other"


def _counts(text: str) -> tuple[int, int]:
    kinds = [_kind(c) for c in text]
    return kinds.count("cyr"), kinds.count("lat")


def repair_scripts(text: str) -> str:
    """Each word in one script where its look-alike letters allow it."""
    line_cyr, line_lat = _counts(text)

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        cyr, lat = _counts(word)
        if cyr == lat:
            cyr, lat = line_cyr, line_lat
        if cyr > lat:
            return "".join(LAT_TO_CYR.get(c, c) for c in word)
        if lat > cyr:
            return "".join(CYR_TO_LAT.get(c, c) for c in word)
        return word

    return _WORD.sub(fix, text)


def fold_lookalikes(text: str) -> str:
    """Cyrillic look-alikes as Latin: strings compared as a reader sees them."""
    return "".join(CYR_TO_LAT.get(c, c) for c in text)
