"""Amounts and days as typed in the risk register (``commlib.risks.amounts``)."""

import pytest

from commlib.errors import InvalidRecord
from commlib.risks.amounts import format_amount, parse_amount, parse_days


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("120000", 120_000.0),
        ("120,000", 120_000.0),
        (" 1 234.5 ", 1234.5),
        ("12万", 120_000.0),
        ("1.5亿", 150_000_000.0),
        ("80k", 80_000.0),
        ("1.5M", 1_500_000.0),
        ("¥3,000", 3000.0),
        ("$250", 250.0),
        ("", None),
        ("  ", None),
    ],
)
def test_amounts_people_type(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["abc", "12万元", "1,2.3.4", "k", "--5"])
def test_not_amounts(text):
    with pytest.raises(InvalidRecord) as err:
        parse_amount(text)
    assert err.value.problems[0].field == "cost_impact"


def test_days_and_amount_formatting():
    assert parse_days("14") == 14 and parse_days("") is None and parse_days(" 3 ") == 3
    with pytest.raises(InvalidRecord):
        parse_days("two weeks")
    assert format_amount(120_000.0) == "120,000"
    assert format_amount(1234.5) == "1,234.5"
    assert format_amount(None) == ""
    assert parse_amount(format_amount(12_500.5)) == 12_500.5
