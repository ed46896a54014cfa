"""Identifiers of organisations and people: validation and one normal form each.

Schemes: Kazakhstan BIN (business) and IIN (individual), both 12 digits with a mod-11
check digit; Russian INN and OGRN; the Chinese unified social credit code (USCC); the
LEI; a website (kept as its host name). `normalise(scheme, value)` returns the stored
form or raises GraphError with one sentence saying what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import ModuleType

from stdnum import lei as std_lei
from stdnum.cn import uscc as std_uscc
from stdnum.exceptions import ValidationError
from stdnum.ru import inn as std_inn
from stdnum.ru import ogrn as std_ogrn

from workbench.graph.errors import GraphError

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


@dataclass(frozen=True)
class Scheme:
    name: str
    label: str
    normalise: Callable[[str], str]
    ftm_property: str  # the FtM LegalEntity property that carries it
    country: str | None  # the issuing country, if any


def kz_check_digit(first11: str) -> int | None:
    """The check digit of a BIN/IIN from its first 11 digits; None if none can exist."""
    digits = [int(c) for c in first11]
    total = sum(d * w for d, w in zip(digits, _W1, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, _W2, strict=True)) % 11
        if total == 10:
            return None
    return total


def _digits(value: str, label: str, length: int) -> str:
    compact = re.sub(r"[\s\-.]", "", value)
    if not compact.isascii() or not compact.isdigit():
        raise GraphError(f"The {label} {value!r} must contain only digits.")
    if len(compact) != length:
        raise GraphError(f"The {label} {value!r} must have {length} digits, not {len(compact)}.")
    return compact


def _kz_checked(value: str, label: str) -> str:
    number = _digits(value, label, 12)
    if kz_check_digit(number[:11]) != int(number[11]):
        raise GraphError(f"The {label} {value!r} has a wrong check digit.")
    return number


def kz_bin(value: str) -> str:
    """A Kazakhstan business identification number (БИН): YYMM, type, attribute, serial."""
    number = _kz_checked(value, "BIN")
    month, kind = int(number[2:4]), number[4]
    if not 1 <= month <= 12 or kind not in "456":
        raise GraphError(
            f"The BIN {value!r} is not a business number (digits 3-4 must be a month and "
            "digit 5 one of 4, 5, 6); an individual's number is an IIN."
        )
    return number


def kz_iin(value: str) -> str:
    """A Kazakhstan individual identification number (ИИН): birth date YYMMDD first."""
    number = _kz_checked(value, "IIN")
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}.get(number[6])
    try:
        date((century or 1900) + int(number[:2]), int(number[2:4]), int(number[4:6]))
    except ValueError:
        raise GraphError(f"The IIN {value!r} does not start with a valid birth date.") from None
    return number


def _stdnum(module: ModuleType, label: str) -> Callable[[str], str]:
    def normalise(value: str) -> str:
        try:
            return str(module.validate(value))
        except ValidationError as exc:
            reason = str(exc).rstrip(".").lower()
            raise GraphError(f"The {label} {value!r} is not valid ({reason}).") from None

    return normalise


_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


def website(value: str) -> str:
    """A website as its host name, lower case, IDNA-encoded, without 'www.'."""
    text = value.strip()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text, flags=re.I)
    host = re.split(r"[/?#]", text, maxsplit=1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    host = host.rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise GraphError(f"The website {value!r} does not have a valid host name.") from None
    host = host.removeprefix("www.")
    if not _HOST.match(host):
        raise GraphError(f"The website {value!r} does not have a valid host name.")
    return host


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        Scheme("kz_bin", "Kazakhstan BIN", kz_bin, "registrationNumber", "kz"),
        Scheme("kz_iin", "Kazakhstan IIN", kz_iin, "idNumber", "kz"),
        Scheme("ru_inn", "Russian INN", _stdnum(std_inn, "INN"), "innCode", "ru"),
        Scheme("ru_ogrn", "Russian OGRN", _stdnum(std_ogrn, "OGRN"), "ogrnCode", "ru"),
        Scheme("cn_uscc", "Chinese USCC", _stdnum(std_uscc, "USCC"), "uscCode", "cn"),
        Scheme("lei", "LEI", _stdnum(std_lei, "LEI"), "leiCode", None),
        Scheme("website", "website", website, "website", None),
    )
}
ALIASES = {
    "bin": "kz_bin",
    "бин": "kz_bin",
    "iin": "kz_iin",
    "иин": "kz_iin",
    "inn": "ru_inn",
    "инн": "ru_inn",
    "ogrn": "ru_ogrn",
    "огрн": "ru_ogrn",
    "uscc": "cn_uscc",
    "usci": "cn_uscc",
    "url": "website",
    "site": "website",
}
# schemes that identify a registered company (so FtM calls it a Company)
COMPANY_SCHEMES = frozenset({"kz_bin", "ru_inn", "ru_ogrn", "cn_uscc", "lei"})


def scheme(name: str) -> Scheme:
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in SCHEMES:
        known = ", ".join(SCHEMES)
        raise GraphError(f"{name!r} is not an identifier scheme (known: {known}).")
    return SCHEMES[key]


def normalise(scheme_name: str, value: str) -> tuple[str, str]:
    """(scheme, normal form) of an identifier; GraphError if it is not valid."""
    found = scheme(scheme_name)
    text = str(value).strip()
    if not text:
        raise GraphError(f"The {found.label} is empty.")
    return found.name, found.normalise(text)


def detect(value: str, country: str | None = None) -> tuple[str, str]:
    """Guess the scheme of a bare identifier by its shape and check digits."""
    text = re.sub(r"[\s\-.]", "", str(value)).upper()
    candidates: list[str] = []
    if re.search(r"[A-Za-z\u0400-\uffff]\.|\.[A-Za-z\u0400-\uffff]|/", str(value)):
        candidates = ["website"]
    elif text.isdigit() and len(text) == 12:
        candidates = ["kz_bin", "kz_iin", "ru_inn"]
        if country == "ru":
            candidates = ["ru_inn", "kz_bin", "kz_iin"]
    elif text.isdigit() and len(text) == 10:
        candidates = ["ru_inn"]
    elif text.isdigit() and len(text) in (13, 15):
        candidates = ["ru_ogrn"]
    elif len(text) == 18:
        candidates = ["cn_uscc"]
    elif len(text) == 20:
        candidates = ["lei"]
    for name in candidates:
        try:
            return name, SCHEMES[name].normalise(str(value))
        except GraphError:
            continue
    raise GraphError(f"{value!r} is not a valid BIN, IIN, INN, OGRN, USCC, LEI or website.")


def split_written(text: str, what: str = "The identifier") -> tuple[str, str]:
    """(scheme, value) from an identifier written SCHEME=VALUE, as the CLI and the app take it."""
    scheme, sep, value = str(text).partition("=")
    if not sep:
        raise GraphError(f"{what} {text!r} must look like SCHEME=VALUE.")
    return scheme.strip(), value.strip()
