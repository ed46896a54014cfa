"""Names: clean display names, and matching keys across scripts and legal forms.

`clean_name` keeps a name as written, minus what breaks storage and display (control
and zero-width characters, bidi marks, runs of spaces). `name_key` reduces a name to
the key entity resolution compares: ТОО «Сергек Групп», TOO "Sergek Group",
Sergek Group LLP and «Сергек Групп» ЖШС all give `sergekgrup`.

How: casefold; drop quotes and punctuation; remove legal forms in their own script
(ТОО, ЖШС, АО, АҚ, ООО, 有限公司 ... here; the long international list through
rigour); transliterate to ASCII (Kazakh letters first, then normality/ICU: Chinese to
pinyin); remove Latin legal forms (LLP, JSC, Co., Ltd., gufen youxian gongsi ...);
drop spaces, so pinyin written as one word or as syllables matches; fold
transliteration variants (sh/ш, kh/х/қ, c/k, y/j/i, doubled letters).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from normality import ascii_text
from rigour.names import remove_org_types

# characters that must never reach the store: C0/C1 controls, zero-width, bidi controls
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufffe\uffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w]+", re.UNICODE)

# Kazakh Cyrillic letters ICU would turn into '?' or diacritics; map them first
_KAZAKH = str.maketrans(
    {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"}
)

# legal forms written in Cyrillic (Kazakh and Russian), as word sequences, casefolded
_CYRILLIC_FORMS = [
    "товарищество с ограниченной ответственностью",
    "жауапкершілігі шектеулі серіктестігі",
    "жауапкершілігі шектеулі серіктестік",
    "общество с ограниченной ответственностью",
    "публичное акционерное общество",
    "открытое акционерное общество",
    "закрытое акционерное общество",
    "акционерное общество",
    "акционерлік қоғамы",
    "акционерлік қоғам",
    "индивидуальный предприниматель",
    "жеке кәсіпкер",
    "государственное учреждение",
    "мемлекеттік мекемесі",
    "мемлекеттік мекеме",
    "республиканское государственное предприятие",
    "республикалық мемлекеттік кәсіпорын",
    "коммунальное государственное предприятие",
    "коммуналдық мемлекеттік кәсіпорын",
    "тоо",
    "жшс",
    "ао",
    "ақ",
    "оао",
    "зао",
    "пао",
    "ооо",
    "ип",
    "жк",
    "гу",
    "мм",
    "ргп",
    "кгп",
    "ргп на пхв",
    "кгп на пхв",
    "нао",
]

# Chinese legal forms, longest first (no word boundaries in Chinese: strip at the end)
_CHINESE_FORMS = ["股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司"]

# Latin legal forms after transliteration, as word sequences
_LATIN_FORMS = [
    "gufen youxian gongsi",
    "youxian zeren gongsi",
    "youxian gongsi",
    "company limited",
    "co ltd",
    "co limited",
    "company ltd",
    "limited liability partnership",
    "limited liability company",
    "joint stock company",
    "public joint stock company",
    "tovarishchestvo s ogranichennoi otvetstvennostiu",
    "aktsionernoe obshchestvo",
    "llp",
    "llc",
    "ltd",
    "limited",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "too",
    "tov",
    "ao",
    "ooo",
    "oao",
    "zao",
    "pao",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "plc",
    "sa",
    "bv",
    "zhshs",
    "ip",
    "gongsi",
]


def _form_pattern(forms: list[str]) -> re.Pattern[str]:
    alts = sorted(forms, key=len, reverse=True)
    body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in alts)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


_CYRILLIC_RE = _form_pattern(_CYRILLIC_FORMS)
_LATIN_RE = _form_pattern(_LATIN_FORMS)
_CHINESE_RE = re.compile("(?:" + "|".join(_CHINESE_FORMS) + ")$")

# transliteration variants, applied in order to each ASCII word: what ICU writes for
# Cyrillic (Ш→s, Ж→z, Ч→c, Ц→c, Х→h) and what English spellings write (sh, zh, ch, ts,
# kh) fold together, as do Kazakh қ/q, Russian х and English kh (Қазақ, Казах, Kazakh),
# and a soft c before e/i/y ("City", "Сити"). Doubled letters collapse across words.
_SMOOTH = [
    (re.compile("shch|sch"), "s"),
    (re.compile("sh"), "s"),
    (re.compile("zh"), "z"),
    (re.compile("ch"), "C"),
    (re.compile("ts|tz"), "c"),
    (re.compile("ph"), "f"),
    (re.compile("c(?=[eiy])"), "s"),
    (re.compile("kh|ck|q|h|c|C"), "k"),
    (re.compile("x"), "ks"),
    (re.compile("w"), "v"),
    (re.compile("ou"), "u"),
    (re.compile("[yj]"), "i"),
]
_DOUBLES = re.compile(r"([a-z])\1+")


def clean_name(text: str) -> str:
    """A name as written, safe to store and display: NFC, no invisible characters."""
    text = unicodedata.normalize("NFC", str(text))
    text = _SURROGATE.sub("", _INVISIBLE.sub("", text))
    return _SPACES.sub(" ", text).strip()


def _words(text: str) -> str:
    return _SPACES.sub(" ", _PUNCT.sub(" ", text.replace("_", " "))).strip()


@lru_cache(maxsize=200_000)
def name_key(name: str, organisation: bool = True) -> str:
    """The matching key of a name (see the module docstring); never empty."""
    text = unicodedata.normalize("NFKC", clean_name(name).casefold())
    words = _words(text)
    if organisation:
        words = _words(_CYRILLIC_RE.sub(" ", words)) or words
        if _is_cjk(words):
            words = _CHINESE_RE.sub("", words.replace(" ", "")) or words
    latin = _words(ascii_text(words.translate(_KAZAKH)).lower().replace("?", ""))
    if organisation and latin:
        latin = _words(_LATIN_RE.sub(" ", remove_org_types(latin))) or latin
    key = _DOUBLES.sub(r"\1", "".join(_smooth(w) for w in latin.split()))
    if not key:  # emoji, symbols: keep something stable and distinct
        key = "#" + hashlib.sha1(clean_name(name).encode("utf-8")).hexdigest()[:12]
    return key


def _smooth(word: str) -> str:
    for pattern, repl in _SMOOTH:
        word = pattern.sub(repl, word)
    return word


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def legal_form(name: str) -> str | None:
    """The legal form written in a name (as written), or None: 'ТОО', 'Co., Ltd.', 'LLP'."""
    text = clean_name(name)
    for pattern in (_CYRILLIC_RE, _LATIN_RE):
        match = pattern.search(_words(text.casefold()))
        if match:
            return match.group(0).upper()
    match = _CHINESE_RE.search(text)
    return match.group(0) if match else None


# legal forms and words that mark a state body (Kazakh, Russian, English)
_PUBLIC = _form_pattern(
    [
        "гу",
        "ргу",
        "кгу",
        "мм",
        "ргп",
        "кгп",
        "государственное учреждение",
        "мемлекеттік мекеме",
        "мемлекеттік мекемесі",
        "республиканское государственное предприятие",
        "коммунальное государственное предприятие",
        "акимат",
        "әкімдігі",
        "әкімдік",
        "министерство",
        "министрлігі",
        "департамент полиции",
        "полиция департаменті",
        "ministry",
        "akimat",
        "police department",
    ]
)


def looks_public(name: str) -> bool:
    """Whether a name says it is a state body (ГУ, РГП, акимат, министерство, ministry...)."""
    return bool(_PUBLIC.search(_words(clean_name(name).casefold())))


def org_markers(name: str) -> tuple[bool, bool]:
    """(has a legal form, looks like a state body), normalising the name once."""
    text = clean_name(name)
    words = _words(text.casefold())
    public = bool(_PUBLIC.search(words))
    form = bool(_CYRILLIC_RE.search(words) or _LATIN_RE.search(words) or _CHINESE_RE.search(text))
    return form, public


def slug(text: str, limit: int = 48) -> str:
    """An ASCII slug for ids: lower-case words joined by hyphens (may be empty)."""
    latin = ascii_text(clean_name(text).casefold().translate(_KAZAKH)).lower()
    words = re.sub(r"[^a-z0-9]+", "-", latin).strip("-")
    return words[:limit].rstrip("-")
