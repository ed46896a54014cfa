"""Money: amounts written the Kazakh, Russian or English way, and ISO 4217 currencies."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from workbench.graph.errors import GraphError

_SYMBOLS = {
    "₸": "KZT",
    "тг": "KZT",
    "тенге": "KZT",
    "теңге": "KZT",
    "$": "USD",
    "us$": "USD",
    "доллар": "USD",
    "€": "EUR",
    "евро": "EUR",
    "₽": "RUB",
    "руб": "RUB",
    "рубль": "RUB",
    "рублей": "RUB",
    "¥": "CNY",
    "rmb": "CNY",
    "юань": "CNY",
    "元": "CNY",
    "人民币": "CNY",
}
_CODE = re.compile(r"^[A-Za-z]{3}$")
_AMOUNT = re.compile(r"([^\d\-]*)(-?\d[\d.,]*)([^\d]*)")


def parse_amount(value: object) -> float | None:
    """1 234 567,89 · 1,234,567.89 · 1.234.567,89 · 1234567 → 1234567.89 (None if empty)."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = re.sub(r"[\s\u00a0\u202f']", "", str(value))
    if not text:
        return None
    parts = _AMOUNT.fullmatch(text)
    if not parts:
        raise GraphError(f"{value!r} is not an amount.")
    for unit in (parts.group(1), parts.group(3)):  # a currency written next to the number
        if unit and unit.lower().rstrip(".") not in _SYMBOLS and not _CODE.match(unit):
            raise GraphError(f"{value!r} is not an amount.")
    text = parts.group(2)
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        text = text.replace(thousands, "").replace(decimal_sep, ".")
    elif text.count(",") == 1 and len(text.split(",")[1]) != 3:
        text = text.replace(",", ".")
    elif text.count(".") > 1 or text.count(",") >= 1:
        text = text.replace(",", "").replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise GraphError(f"{value!r} is not an amount.") from None
    if not amount.is_finite():
        raise GraphError(f"{value!r} is not an amount.")
    return float(amount)


def parse_currency(value: object) -> str | None:
    """'KZT', 'тг', '₸', 'руб.' → ISO 4217 code; None if empty."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip().rstrip(".").lower()
    if text in _SYMBOLS:
        return _SYMBOLS[text]
    if _CODE.match(text):
        return text.upper()
    raise GraphError(f"{value!r} is not a currency (use an ISO code such as KZT, USD, CNY).")
