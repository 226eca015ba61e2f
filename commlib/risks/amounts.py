"""Amounts and days as people type them in the risk register: ``120,000``, ``¥12万``, ``1.5m``,
``80k``; ``10`` days. Empty is ``None``; anything else is refused with ``InvalidRecord``."""

from __future__ import annotations

import re

from ..errors import InvalidRecord, Problem
from ..i18n import t

_MULTIPLIERS = {"万": 1e4, "亿": 1e8, "k": 1e3, "m": 1e6}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_amount(text: str, field: str = "cost_impact") -> float | None:
    """A typed amount as a number: ``120,000``, ``¥12万``, ``1.5m``, ``80k``; empty -> ``None``.

    Raises ``InvalidRecord`` (about ``field``) when it is not an amount.
    """
    value = re.sub(r"[\s,，_]", "", str(text or ""))
    value = value.lstrip("¥￥$€£")
    if not value:
        return None
    factor = 1.0
    if value[-1].lower() in _MULTIPLIERS:
        factor = _MULTIPLIERS[value[-1].lower()]
        value = value[:-1]
    if not _NUMBER.match(value):
        raise InvalidRecord([Problem(field, text, t("risks.error.amount"))])
    return float(value) * factor


def parse_days(text: str, field: str = "schedule_impact_days") -> int | None:
    """A typed number of days: ``10``; empty -> ``None``. Raises ``InvalidRecord`` if not."""
    value = str(text or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"[+-]?\d+", value):
        raise InvalidRecord([Problem(field, text, t("risks.error.days"))])
    return int(value)


def format_amount(value: float | None) -> str:
    """``120000.0`` -> ``120,000``; ``1234.5`` -> ``1,234.5``; ``None`` -> ``""``."""
    if value is None:
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".")
