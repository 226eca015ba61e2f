"""Crosstabs: two categorical columns counted together, with a chi-square test.

    >>> result = crosstab(frame, codebook, "Q9", "Q4")
    >>> result.row_shares, result.summary()    # χ² = 0.79, df = 1, p = 0.373, Cramér's V = 0.09

:func:`crosstab_counts` gives the counts per group (wave, segment) as well, for charts that
test every selection; :meth:`Crosstab.from_counts` tests any sum of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import special  # the distributions' functions; scipy.stats takes 1 s to import

from ...errors import AnalysisError
from ...i18n import t
from ._codebook import item_of, questions
from ._counts import nps_labels
from ._encode import exploded, nps_group_codes, option_codes, point_codes, points_of, scores
from ._groups import Groups, factor, wave_factor


@dataclass(frozen=True)
class Crosstab:
    """A two-way table with its chi-square test of independence.

    ``chi2`` is Pearson's statistic without Yates' continuity correction (the same as
    ``scipy.stats.chi2_contingency(..., correction=False)``), over the rows and columns that
    have answers; ``cramers_v`` = √(χ² / (n · (min(r, c) − 1))). ``small_expected`` is true
    when an expected count is below 1 or more than 20% are below 5 (Cochran's rule): the
    p-value is then unreliable, and ``warning`` says so in the current language. With a
    multi-select variable every pick is counted (``mentions``): n is picks, not people, and
    the test only a rough guide.
    """

    counts: pd.DataFrame
    expected: pd.DataFrame
    n: int
    chi2: float
    dof: int
    p_value: float
    cramers_v: float
    small_expected: bool
    mentions: bool = False
    warning: str | None = None

    @classmethod
    def from_counts(
        cls, counts: np.ndarray, rows: list, cols: list, mentions: bool = False
    ) -> Crosstab:
        """The table and its test from a (rows, columns) array of counts and their labels;
        ``mentions`` says the counts are picks of a multi-select question."""
        chi2, dof, p, v, expected, small = _chi_square(counts)
        index = pd.Index(rows, name="row")
        columns = pd.Index(cols, name="column")
        warning = None
        if small:
            inner = expected[expected > 0]
            warning = t(
                "surveys.analysis.crosstab.small_expected",
                low=f"{(inner < 5).mean():.0%}",
                min=f"{inner.min():.2f}",
            )
        if mentions:
            note = t("surveys.analysis.crosstab.mentions")
            warning = f"{warning} {note}" if warning else note
        return cls(
            counts=pd.DataFrame(np.asarray(counts, dtype=np.int64), index=index, columns=columns),
            expected=pd.DataFrame(expected, index=index, columns=columns),
            n=int(np.asarray(counts).sum()),
            chi2=chi2,
            dof=dof,
            p_value=p,
            cramers_v=v,
            small_expected=small,
            mentions=mentions,
            warning=warning,
        )

    @cached_property
    def row_shares(self) -> pd.DataFrame:
        totals = self.counts.sum(axis=1).replace(0, np.nan)
        return self.counts.div(totals, axis=0)

    @cached_property
    def column_shares(self) -> pd.DataFrame:
        totals = self.counts.sum(axis=0).replace(0, np.nan)
        return self.counts.div(totals, axis=1)

    def summary(self, warning: bool = True) -> str:
        """The test in one line, e.g. ``χ² = 0.79, df = 1, p = 0.373, Cramér's V = 0.09``.

        Followed by the warning, if any, unless ``warning`` is false.
        """
        if not self.dof:
            return t("surveys.analysis.crosstab.no_test", n=self.n)
        p = "< 0.001" if self.p_value < 0.001 else f"= {self.p_value:.3f}"
        text = t(
            "surveys.analysis.crosstab.result",
            chi2=f"{self.chi2:.2f}",
            dof=self.dof,
            p=p,
            v=f"{self.cramers_v:.2f}",
            n=self.n,
        )
        return f"{text} · {self.warning}" if warning and self.warning else text


@dataclass(frozen=True)
class _Categories:
    """A variable as codes: one per row (``rows`` None) or (row, code) pairs (multi)."""

    codes: np.ndarray
    labels: list
    rows: np.ndarray | None = None


def _categories(
    frame: pd.DataFrame, codebook: pd.DataFrame | None, code: str, wave_col: str | None
) -> _Categories:
    question = item_of(frame, codebook, code)
    series = frame[code]
    if code not in questions(codebook):
        codes, levels = wave_factor(frame, code) if code == wave_col else factor(series)
        if levels and isinstance(levels[-1], float) and math.isnan(levels[-1]):
            codes, levels = np.where(codes == len(levels) - 1, -1, codes), levels[:-1]
        return _Categories(codes, levels)
    if question.type in ("multi", "rank"):
        rows, codes, labels, _ = exploded(series, question.options)
        return _Categories(codes, labels, rows)
    if question.type == "single":
        return _Categories(*option_codes(series, question.options))
    if question.type == "nps":
        return _Categories(nps_group_codes(scores(series, question)), nps_labels())
    if question.type in ("likert", "rating"):
        values = scores(series, question)
        low, labels = points_of(question, values)
        return _Categories(point_codes(values, low, len(labels)), labels)
    raise AnalysisError(t("surveys.analysis.error.not_categorical", code=code, type=question.type))


def _pairs(a: _Categories, b: _Categories) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row positions and the two codes of every counted (row, a, b) combination."""
    if a.rows is None and b.rows is None:
        rows = np.flatnonzero((a.codes >= 0) & (b.codes >= 0))
        return rows, a.codes[rows], b.codes[rows]
    if a.rows is None or b.rows is None:
        single, multi = (a, b) if a.rows is None else (b, a)
        assert multi.rows is not None
        other = single.codes[multi.rows]
        ok = other >= 0
        rows, one, many = multi.rows[ok], other[ok], multi.codes[ok]
        return (rows, one, many) if a.rows is None else (rows, many, one)
    left = pd.DataFrame({"row": a.rows, "a": a.codes})
    both = left.merge(pd.DataFrame({"row": b.rows, "b": b.codes}), on="row")
    return both["row"].to_numpy(), both["a"].to_numpy(), both["b"].to_numpy()


def crosstab_counts(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    row: str,
    col: str,
    groups: Groups,
    wave_col: str | None = None,
) -> tuple[np.ndarray, list, list, bool]:
    """Counts per group, row and column: a (groups, rows, columns) array; labels; mentions."""
    a = _categories(frame, codebook, row, wave_col)
    b = _categories(frame, codebook, col, wave_col)
    rows, ca, cb = _pairs(a, b)
    r, c = len(a.labels), len(b.labels)
    assert groups.codes is not None
    flat = (groups.codes[rows] * r + ca) * c + cb
    counts = np.bincount(flat, minlength=groups.size * r * c).reshape(groups.size, r, c)
    return counts, a.labels, b.labels, a.rows is not None or b.rows is not None


def _chi_square(observed: np.ndarray) -> tuple[float, int, float, float, np.ndarray, bool]:
    """χ², df, p, Cramér's V, expected counts (full shape) and the small-expected flag."""
    observed = np.asarray(observed, dtype=np.float64)
    expected = np.zeros_like(observed)
    rows, cols = observed.sum(axis=1) > 0, observed.sum(axis=0) > 0
    table = observed[np.ix_(rows, cols)]
    n = table.sum()
    if n == 0:
        return math.nan, 0, math.nan, math.nan, expected, False
    inner = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    expected[np.ix_(rows, cols)] = inner
    r, c = table.shape
    dof = (r - 1) * (c - 1)
    small = bool((inner < 1).any() or (inner < 5).mean() > 0.2)
    if dof == 0:
        return math.nan, 0, math.nan, math.nan, expected, small
    chi2 = float(((table - inner) ** 2 / inner).sum())
    p = float(special.chdtrc(dof, chi2))
    v = math.sqrt(chi2 / (n * (min(r, c) - 1)))
    return chi2, dof, p, v, expected, small


def crosstab(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    row: str,
    col: str,
    *,
    wave_col: str | None = None,
) -> Crosstab:
    """Crosstab of two categorical columns with a chi-square test (see :class:`Crosstab`).

    Either column may be a single, likert, rating or NPS question (NPS in its three groups),
    a multi-select question (one count per pick), or a column the codebook does not describe
    (``source``, a segment); ``wave_col`` names the column whose levels are waves (in wave
    order). Every option is a row/column, even with no answers; the test uses the non-empty
    ones. Responses missing either answer are left out.
    """
    groups = Groups.of(frame, None, None)
    counts, rows, cols, mentions = crosstab_counts(frame, codebook, row, col, groups, wave_col)
    return Crosstab.from_counts(counts[0], rows, cols, mentions)
