"""What every commlib chart shares: one palette, and labels cut to a length.

The chart builders (``contacts/charts.py``, ``risks/charts.py``, ``schedule/charts.py``,
``surveys/charts.py``) set their colours explicitly from these names, so a report looks the
same wherever it is opened and the user's own altair theme is left alone (altair's theme is
the process's, not a library's to change).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

# the Tableau colours Vega-Lite uses by default, named by what they look like
BLUE = "#4c78a8"
ORANGE = "#f58518"
GREEN = "#54a24b"
TEAL = "#72b7b2"
PURPLE = "#b279a2"
GREY = "#9d9d9d"
WARM_GREY = "#bab0ac"
# signals: bad to good
RED = "#d62728"
AMBER = "#f2a93b"
YELLOW = "#f2cf5b"
LIGHT_GREEN = "#8cc084"
DARK_GREEN = "#2e7d32"
# backgrounds and rules
LIGHT_GREY = "#d9d9d9"
PALE_GREY = "#dcdcdc"
MID_GREY = "#8c8c8c"
TEXT_GREY = "#555"


def trim(text: Any, limit: int) -> str:
    """A label of at most ``limit`` characters (``…`` where it was cut; missing: empty)."""
    text = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
