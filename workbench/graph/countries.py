"""Countries: ISO 3166-1 alpha-2, lower case, from codes or names in many languages.

Codes and the names this investigation meets most (in English, Russian, Kazakh,
Chinese) are looked up directly; anything else goes to followthemoney's country
type, which knows names in many languages but takes seconds to load the first time.
"""

from __future__ import annotations

from functools import lru_cache

from workbench.graph.errors import GraphError

HOME = "kz"  # the country whose surveillance is investigated; "foreign" means not this

_COMMON = {
    "kz": ("kazakhstan", "казахстан", "қазақстан", "республика казахстан", "哈萨克斯坦"),
    "cn": ("china", "prc", "people's republic of china", "китай", "кнр", "қытай", "中国"),
    "ru": ("russia", "russian federation", "россия", "российская федерация", "рф", "ресей"),
    "us": ("usa", "united states", "сша", "америка"),
    "kr": ("south korea", "korea", "республика корея", "корея", "韩国"),
    "tr": ("turkey", "türkiye", "турция", "түркия"),
    "il": ("israel", "израиль"),
    "de": ("germany", "германия"),
    "by": ("belarus", "беларусь"),
    "uz": ("uzbekistan", "узбекистан", "өзбекстан"),
    "kg": ("kyrgyzstan", "кыргызстан", "киргизия", "қырғызстан"),
    "ae": ("uae", "united arab emirates", "оаэ"),
    "hk": ("hong kong", "гонконг", "香港"),
    "tw": ("taiwan", "тайвань", "台湾"),
    "jp": ("japan", "япония", "日本"),
}
_NAMES = {name: code for code, names in _COMMON.items() for name in names}
# ISO 3166 user-assigned codes; the fictional demo case and tests place invented
# foreign suppliers there, so that no real country is named
FICTIONAL = ("xa", "xb", "xc")


@lru_cache(maxsize=4096)
def country(value: str | None) -> str | None:
    """'Kazakhstan', 'Казахстан', 'KZ', '中国' → 'kz', 'cn'; None if empty; else GraphError."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    folded = text.casefold()
    if folded in _NAMES:
        return _NAMES[folded]
    if folded in FICTIONAL:
        return folded
    if len(text) == 2 and text.isascii() and text.isalpha():
        from rigour.territories import get_territory

        territory = get_territory(folded)
        if territory is not None and territory.ftm_country:
            return str(territory.ftm_country)
    from followthemoney.types import registry

    code = registry.country.clean(text)
    if code is None or len(code) != 2:
        raise GraphError(
            f"{value!r} is not a country this workbench knows (use ISO codes: kz, cn)."
        )
    return code.lower()


def is_foreign(code: str | None, home: str = HOME) -> bool:
    return code is not None and code != home
