"""Wave over wave: a measure per wave, its change against the previous wave, and a test.

    >>> wave_change(frame, codebook, "Q1", measure="csat")   # previous, change, p_value

:func:`with_change` adds the comparison to any table by wave of ``nps``, ``csat`` or
``means`` (``analyse`` uses it on the tables it has already counted).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special  # the distributions' functions; scipy.stats takes 1 s to import

from ...errors import AnalysisError
from ...i18n import t
from ._codebook import SCORED, Item, item_of
from ._encode import divide
from ._groups import segment_factor
from ._measures import csat, means, nps

#: the columns of ``wave_change`` after its [``segment``] ``wave`` keys
CHANGE_COLUMNS = ["n", "value", "ci_low", "ci_high", "previous", "change", "statistic", "p_value"]


#: what each test needs from the previous wave
_NEEDS = {
    "nps": ["value", "n", "se"],
    "csat": ["value", "n", "top_box"],
    "mean": ["value", "n", "sd"],
}


def with_change(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Add ``previous, change, statistic, p_value`` against the previous wave.

    Rows are in wave order within each question (``code``) and segment, when present.
    """
    table = table.reset_index(drop=True)
    keys = [table[c].astype(object).fillna("\0") for c in ("code", "segment") if c in table]
    needed = table[_NEEDS.get(measure, _NEEDS["mean"])]
    prev = needed.groupby(keys, sort=False).shift(1) if keys else needed.shift(1)
    table["previous"] = prev["value"]
    table["change"] = table["value"] - table["previous"]
    n1, n2 = prev["n"].astype(np.float64), table["n"].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        if measure == "nps":
            statistic = divide(table["change"], np.sqrt(table["se"] ** 2 + prev["se"] ** 2))
            p = 2 * special.ndtr(-np.abs(statistic))
        elif measure == "csat":
            pooled = divide(prev["top_box"] + table["top_box"], n1 + n2)
            spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
            statistic = divide(table["change"], spread)
            p = 2 * special.ndtr(-np.abs(statistic))
        else:
            v1, v2 = prev["sd"] ** 2 / n1, table["sd"] ** 2 / n2
            statistic = divide(table["change"], np.sqrt(v1 + v2))
            dof = divide((v1 + v2) ** 2, v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
            p = 2 * special.stdtr(dof, -np.abs(statistic))
    table["statistic"] = statistic
    table["p_value"] = np.where(np.isfinite(statistic), p, np.nan)
    return table


def default_measure(question: Item) -> str:
    """``nps`` for an NPS question, else ``mean``."""
    return "nps" if question.type == "nps" else "mean"


def wave_change(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    measure: str | None = None,
    wave_col: str = "wave",
    segment: str | None = None,
    top: int = 2,
    scale: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """A measure per wave, its change against the previous wave, and whether it is real.

    ``measure``: ``nps`` (default for NPS questions) — z-test of the difference with the
    variance of :func:`nps` (z = ΔNPS / √(SE₁² + SE₂²)); ``csat`` — two-proportion z-test with
    the pooled proportion (top-``top`` box, see :func:`csat`); ``mean`` (default otherwise) —
    Welch's t-test. Two-sided p-values; NaN for the first wave and where the test is
    undefined (fewer than two answers, no spread). With ``segment``, each segment is compared
    with its own previous wave.

    Columns: [``segment``] ``wave, n, value, ci_low, ci_high, previous, change, statistic,
    p_value`` — ``value`` in the measure's unit (NPS points, share, mean score).
    """
    question = item_of(frame, codebook, code, SCORED)
    measure = measure or default_measure(question)
    by = {"segment": segment, "wave_col": wave_col}
    if measure == "nps":
        table = nps(frame, codebook, code, **by)
        table["value"] = table["nps"]
    elif measure == "csat":
        table = csat(frame, codebook, code, top=top, scale=scale, **by)
        table["value"] = table["share"]
    elif measure == "mean":
        table = means(frame, codebook, [code], **by)
        table["value"] = table["mean"]
    else:
        raise AnalysisError(t("surveys.analysis.error.measure", measure=measure))
    table = with_change(table, measure)
    keys = [c for c in ("segment", "wave") if c in table.columns]
    if segment is not None:
        levels = pd.Index(segment_factor(frame, codebook, segment)[1])
        table = table.assign(_s=levels.get_indexer(table["segment"]))
        table = table.sort_values("_s", kind="stable")
    return table[[*keys, *CHANGE_COLUMNS]].reset_index(drop=True)
