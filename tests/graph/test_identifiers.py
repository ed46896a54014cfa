"""Identifier validation (mirrors workbench/graph/identifiers.py)."""

from __future__ import annotations

import pytest

from workbench.graph import identifiers as ids
from workbench.graph.errors import GraphError


def make_bin(first11: str) -> str:
    digit = ids.kz_check_digit(first11)
    assert digit is not None
    return first11 + str(digit)


@pytest.mark.parametrize("value", ["940140000385", "960440000151", "9401 4000 0385"])
def test_real_kazakh_bins_validate(value: str) -> None:
    assert ids.normalise("bin", value) == ("kz_bin", value.replace(" ", ""))


@pytest.mark.parametrize(
    "value, words",
    [
        ("940140000386", "check digit"),
        ("94014000038", "12 digits"),
        ("94014000038X", "only digits"),
        ("９４０１４００００３８５", "only digits"),  # full-width digits are not ASCII
        (make_bin("94134000038"), "not a business number"),  # month 13
        (make_bin("94011000038"), "not a business number"),  # an IIN shape
    ],
)
def test_bad_bins_are_refused_with_a_reason(value: str, words: str) -> None:
    with pytest.raises(GraphError, match=words):
        ids.normalise("БИН", value)


def test_iin_checks_the_birth_date() -> None:
    good = make_bin("85071530012")
    assert ids.normalise("iin", good) == ("kz_iin", good)
    with pytest.raises(GraphError, match="birth date"):
        ids.normalise("iin", make_bin("85133130012"))


def test_check_digit_second_pass_and_impossible_numbers() -> None:
    # find prefixes whose first pass gives 10: the second weights decide or none exists
    seen_second = False
    for n in range(10000):
        prefix = f"9401400{n:04d}"
        first = sum(int(c) * w for c, w in zip(prefix, range(1, 12), strict=True)) % 11
        if first == 10:
            seen_second = True
            digit = ids.kz_check_digit(prefix)
            assert digit is None or 0 <= digit <= 9
    assert seen_second


@pytest.mark.parametrize(
    "scheme, value, normal",
    [
        ("inn", "7707049388", "7707049388"),
        ("ИНН", "7707 049388", "7707049388"),
        ("ogrn", "1027700198767", "1027700198767"),
        ("uscc", "91330000733796106P", "91330000733796106P"),
        ("uscc", "91330000727215176k", "91330000727215176K"),
        ("lei", "254900OPPU84GM83MG36", "254900OPPU84GM83MG36"),
        ("website", "https://www.Sergek.KZ/about?x=1", "sergek.kz"),
        ("url", "сергек.қаз", "xn--c1adbu1ae.xn--80ao21a"),
    ],
)
def test_other_schemes(scheme: str, value: str, normal: str) -> None:
    assert ids.normalise(scheme, value)[1] == normal


@pytest.mark.parametrize(
    "scheme, value",
    [
        ("inn", "7707049389"),
        ("ogrn", "1027700198768"),
        ("uscc", "91330000733796106Q"),
        ("lei", "254900OPPU84GM83MG37"),
        ("website", "not a host"),
        ("website", "http://"),
    ],
)
def test_other_schemes_refuse_bad_values(scheme: str, value: str) -> None:
    with pytest.raises(GraphError):
        ids.normalise(scheme, value)


def test_unknown_scheme_and_empty_value() -> None:
    with pytest.raises(GraphError, match="not an identifier scheme"):
        ids.normalise("ssn", "1")
    with pytest.raises(GraphError, match="empty"):
        ids.normalise("bin", "  ")


def test_detect_guesses_by_shape_and_checksum() -> None:
    assert ids.detect("940140000385") == ("kz_bin", "940140000385")
    assert ids.detect("7707049388") == ("ru_inn", "7707049388")
    assert ids.detect("1027700198767") == ("ru_ogrn", "1027700198767")
    assert ids.detect("91330000733796106P") == ("cn_uscc", "91330000733796106P")
    assert ids.detect("www.dahuasecurity.com") == ("website", "dahuasecurity.com")
    with pytest.raises(GraphError, match="not a valid"):
        ids.detect("12345")
