"""Countries, dates and money (mirrors countries.py, dates.py, money.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from workbench.graph.countries import country, is_foreign
from workbench.graph.dates import parse_date, parse_since
from workbench.graph.errors import GraphError
from workbench.graph.money import parse_amount, parse_currency


@pytest.mark.parametrize(
    "value, code",
    [
        ("Kazakhstan", "kz"),
        ("Казахстан", "kz"),
        ("Қазақстан", "kz"),
        ("KZ", "kz"),
        ("China", "cn"),
        ("Китай", "cn"),
        ("中国", "cn"),
        ("Россия", "ru"),
        (None, None),
        ("", None),
    ],
)
def test_country(value: str | None, code: str | None) -> None:
    assert country(value) == code


def test_unknown_country_and_foreignness() -> None:
    with pytest.raises(GraphError, match="not a country"):
        country("Atlantis")
    assert is_foreign("cn") and not is_foreign("kz") and not is_foreign(None)


@pytest.mark.parametrize(
    "value, iso",
    [
        ("2021-05-17", "2021-05-17"),
        ("17.05.2021", "2021-05-17"),
        ("17/05/2021", "2021-05-17"),
        ("2021-05", "2021-05"),
        ("05.2021", "2021-05"),
        ("2021", "2021"),
        (2021, "2021"),
        (datetime(2021, 5, 17, 10, 30), "2021-05-17"),
        (date(2021, 5, 17), "2021-05-17"),
        ("2021-05-17T10:00:00Z", "2021-05-17"),
        (None, None),
        ("  ", None),
    ],
)
def test_dates(value: object, iso: str | None) -> None:
    assert parse_date(value) == iso


@pytest.mark.parametrize("value", ["31.02.2021", "2021-13", "yesterday", "17.05.21"])
def test_bad_dates(value: str) -> None:
    with pytest.raises(GraphError):
        parse_date(value)


def test_since_accepts_dates_and_timestamps() -> None:
    assert parse_since("2025-01-31") == "2025-01-31"
    assert parse_since("2025-01-31T10:00:00+00:00") == "2025-01-31T10:00:00+00:00"


@pytest.mark.parametrize(
    "value, amount",
    [
        ("1 234 567,89", 1234567.89),
        ("1,234,567.89", 1234567.89),
        ("1.234.567,89", 1234567.89),
        ("1\u00a0000", 1000.0),
        ("₸ 1 000", 1000.0),
        ("1000 тг.", 1000.0),
        ("12,5", 12.5),
        (1500, 1500.0),
        (None, None),
        ("", None),
    ],
)
def test_amounts(value: object, amount: float | None) -> None:
    assert parse_amount(value) == amount


@pytest.mark.parametrize("value", ["abc", "12 apples", "1e5", "--"])
def test_bad_amounts(value: str) -> None:
    with pytest.raises(GraphError, match="not an amount"):
        parse_amount(value)


def test_currencies() -> None:
    assert [parse_currency(v) for v in ("KZT", "kzt", "тг", "₸", "руб.", "$", "元", None)] == [
        "KZT",
        "KZT",
        "KZT",
        "KZT",
        "RUB",
        "USD",
        "CNY",
        None,
    ]
    with pytest.raises(GraphError, match="not a currency"):
        parse_currency("dollars and cents")
