"""What the summary modules share: reading a frame's rows and cells, and the language code."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..i18n import get_language, normalise


def rows_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts (none for an empty frame)."""
    return frame.to_dict("records") if len(frame) else []


def cell(row: dict[str, Any], name: str, default: Any = None) -> Any:
    """``row[name]``, or ``default`` when it is missing or blank."""
    value = row.get(name, default)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return value


def lang_code(lang: str | None) -> str:
    """``lang`` normalised, or the current language."""
    return normalise(lang) if lang else get_language()
