"""Normalising names across scripts, as OCR of filmed screens delivers them.

Three keys per string, compared token by token:
- `phonetic`: Cyrillic transliterated to Latin (Russian and Kazakh letters), casefolded,
  diacritics dropped: "Хиквижн" and "Hikvizhn" meet.
- `skeleton`: what the letters *look* like: Cyrillic letters with a Latin twin become
  that twin ("КаМера" read by a Latin-only OCR as "KaMepa" meets "Камера"); a Cyrillic Н or
  І hiding inside a Latin word is folded the same way.
- legal forms (ТОО / TOO / LLP, АО / JSC, ООО / LLC, Co., Ltd., GmbH …) and quotes
  («» “” "") are dropped from both, so they never decide a match.
"""

from __future__ import annotations

import re
import unicodedata

# Russian + Kazakh Cyrillic → Latin (close to the Kazakh 2021 Latin alphabet and BGN/PCGN)
TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ә": "a",
    "ғ": "g",
    "қ": "k",
    "ң": "n",
    "ө": "o",
    "ұ": "u",
    "ү": "u",
    "һ": "h",
    "і": "i",
}

# Cyrillic letters that look like a Latin letter (lower case, after casefolding)
LOOKALIKE = {
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "і": "i",
    "ј": "j",
    "ѕ": "s",
    "ь": "b",
    "ү": "y",
    "һ": "h",
    "ӏ": "l",
    "п": "n",
    "и": "u",
    "л": "n",
    "г": "r",
    "з": "3",
    "ч": "4",
    "б": "6",
    "қ": "k",
    "ң": "h",
    "ұ": "y",
    "ө": "o",
    "ғ": "f",
}
# Latin letters that OCR confuses with each other or digits on screens
SKELETON_LATIN = {
    "0": "o",
    "1": "l",
    "i": "l",
    "|": "l",
    "5": "s",
    "3": "e",
    "6": "b",
    "8": "b",
    "u": "v",
    "n": "h",
    "r": "p",
    "4": "a",
}

LEGAL_FORMS = frozenset(
    {
        "too",
        "тоо",
        "llp",
        "ао",
        "ao",
        "jsc",
        "ооо",
        "ooo",
        "llc",
        "oao",
        "оао",
        "зао",
        "zao",
        "пао",
        "pao",
        "ип",
        "ip",
        "ltd",
        "limited",
        "co",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "gmbh",
        "ag",
        "ab",
        "sa",
        "sas",
        "bv",
        "nv",
        "plc",
        "kg",
        "srl",
        "company",
        "компания",
        "жшс",
        "аж",
        "group",
        "holding",
        "holdings",
    }
)

# each Chinese character is a token: Chinese runs words together without spaces
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+", re.UNICODE)
_CYR = re.compile(r"[\u0400-\u04FF]")
_LAT = re.compile(r"[A-Za-z]")


def fold(text: str) -> str:
    """NFKC, casefold, strip combining marks (é → e) but keep Cyrillic letters whole."""
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not (unicodedata.combining(c) and c != "\u0306"))
    return unicodedata.normalize("NFC", kept)


def tokens(text: str) -> list[str]:
    """Word tokens, casefolded, legal forms removed."""
    return [t for t in _TOKEN.findall(fold(text)) if t not in LEGAL_FORMS]


def _phonetic_token(token: str) -> str:
    if _LAT.search(token) and _CYR.search(token):
        token = "".join(LOOKALIKE.get(c, c) for c in token)  # a Latin word with stray Cyrillic
    return "".join(TRANSLIT.get(c, c) for c in token)


def _skeleton_token(token: str) -> str:
    out = "".join(LOOKALIKE.get(c, c) for c in token)
    return "".join(SKELETON_LATIN.get(c, c) for c in out)


def phonetic(text: str) -> list[str]:
    return [_phonetic_token(t) for t in tokens(text)]


def skeleton(text: str) -> list[str]:
    return [_skeleton_token(t) for t in tokens(text)]


def normalized(text: str) -> str:
    """The canonical display form of a normalised string (phonetic tokens joined)."""
    return " ".join(phonetic(text))


def script_of(text: str) -> str:
    """'cyrillic', 'latin', 'mixed' or 'none'."""
    cyr, lat = bool(_CYR.search(text)), bool(_LAT.search(text))
    return "mixed" if cyr and lat else "cyrillic" if cyr else "latin" if lat else "none"
