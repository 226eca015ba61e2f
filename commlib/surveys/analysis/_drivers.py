"""Drivers: which items go with overall satisfaction (correlations and a regression).

    >>> drivers(frame, codebook, overall="Q1")   # r, ρ, standardised betas, rank by |r|

Items in whole points are correlated from their joint table of counts (no pass over the
responses per pair); fractional scores from the paired answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # the distributions' functions; scipy.stats takes 1 s to import

from ._codebook import SCORED, Item, item_of, question_codes, questions
from ._encode import Columns, on_scale


def _p_of_r(r: float, n: float) -> float:
    """Two-sided p-value of a correlation (t-test with n − 2 df, as scipy's)."""
    if not math.isfinite(r) or n < 3:
        return math.nan
    if abs(r) >= 1:
        return 0.0
    statistic = r * math.sqrt((n - 2) / (1 - r * r))
    return float(2 * special.stdtr(n - 2, -abs(statistic)))


def _pearson(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Pearson's r and its p-value, from paired answers."""
    n = len(x)
    if n < 2:
        return math.nan, math.nan
    dx, dy = x - x.mean(), y - y.mean()
    spread = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if spread == 0:
        return math.nan, math.nan
    r = max(-1.0, min(1.0, float(dx @ dy) / spread))
    return r, _p_of_r(r, n)


def _pearson_table(joint: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Pearson's r and its p-value from a joint table of counts and each side's values."""
    n = joint.sum()
    if n < 2:
        return math.nan, math.nan
    rows, cols = joint.sum(axis=1), joint.sum(axis=0)
    da, db = a - (rows @ a) / n, b - (cols @ b) / n
    spread = math.sqrt(float(rows @ (da * da)) * float(cols @ (db * db)))
    if spread == 0:
        return math.nan, math.nan
    r = max(-1.0, min(1.0, float(da @ joint @ db) / spread))
    return r, _p_of_r(r, n)


def _average_ranks(counts: np.ndarray) -> np.ndarray:
    """The average rank of each value, from how many answers each value has (ties share)."""
    upper = np.cumsum(counts)
    return upper - (counts - 1) / 2.0


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (ties share the mean rank), O(n) for whole-number scores."""
    if not len(values):
        return values
    low, high = values.min(), values.max()
    if high - low < 1_000_000 and np.array_equal(values, np.floor(values)):
        level = (values - low).astype(np.int64)
        return _average_ranks(np.bincount(level))[level]
    return pd.Series(values).rank(method="average").to_numpy()


@dataclass(frozen=True)
class _Scores:
    """One item's scores for the drivers: values, and point codes when they are whole."""

    values: np.ndarray
    codes: np.ndarray | None
    points: np.ndarray | None


def _driver_scores(question: Item, columns: Columns) -> _Scores:
    values = on_scale(columns.values(question), question)
    if question.type == "numeric" or not columns.whole(question):
        return _Scores(values, None, None)
    low, labels, codes = columns.points(question)
    return _Scores(values, codes, np.arange(low, low + len(labels), dtype=np.float64))


def _mean(x: _Scores) -> float:
    """The mean of all of an item's answers."""
    if x.codes is not None and x.points is not None:
        counts = np.bincount(x.codes + 1, minlength=len(x.points) + 1)[1:]
        total = counts.sum()
        return float(counts @ x.points / total) if total else math.nan
    answered = x.values[np.isfinite(x.values)]
    return float(answered.mean()) if len(answered) else math.nan


def _association(x: _Scores, y: _Scores) -> tuple[int, float, float, float, float]:
    """n, Pearson r and p, Spearman ρ and p over the responses with both answers."""
    if x.codes is not None and y.codes is not None:
        assert x.points is not None and y.points is not None
        kx, ky = len(x.points) + 1, len(y.points) + 1  # and a first "no answer" row/column
        flat = (x.codes + 1) * ky + (y.codes + 1)
        joint = np.bincount(flat, minlength=kx * ky).reshape(kx, ky)[1:, 1:].astype(np.float64)
        r, p = _pearson_table(joint, x.points, y.points)
        rx, ry = _average_ranks(joint.sum(axis=1)), _average_ranks(joint.sum(axis=0))
        rho, rho_p = _pearson_table(joint, rx, ry)
        return int(joint.sum()), r, p, rho, rho_p
    both = np.isfinite(x.values) & np.isfinite(y.values)
    a, b = x.values[both], y.values[both]
    r, p = _pearson(a, b)
    rho, rho_p = _pearson(_ranks(a), _ranks(b))
    return int(both.sum()), r, p, rho, rho_p


_DRIVER_COLUMNS = [
    "code",
    "item",
    "n",
    "mean",
    "pearson_r",
    "pearson_p",
    "spearman_rho",
    "spearman_p",
    "beta",
    "rank",
]


def drivers(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    overall: str,
    items: Iterable[str] | None = None,
    *,
    regression: bool = True,
) -> pd.DataFrame:
    """What goes with overall satisfaction: each item's score against ``overall``.

    Per item (default: every likert/rating question but ``overall``), over the responses
    that answered both: ``n``, the item's ``mean`` (over all its answers), Pearson's r and
    Spearman's ρ (average ranks for ties) with their two-sided p-values. ``rank`` orders
    items by |r| (1 = strongest: the usual "derived importance"). With ``regression``,
    ``beta`` holds the standardised coefficients of a least-squares regression of the overall
    score on all items together, over the responses that answered every one
    (``attrs["n_regression"]``, ``attrs["r2"]``); solved with ``numpy.linalg.lstsq`` on the
    correlation matrix of those responses (the normal equations, which give the same betas
    as least squares on the z-scores). Items are usually correlated with each other: read
    the betas next to r, not instead of it.
    """
    return driver_table(frame, codebook, overall, items, regression, Columns(frame))


def driver_table(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    overall: str,
    items: Iterable[str] | None,
    regression: bool,
    memo: Columns,
) -> pd.DataFrame:
    """:func:`drivers`, reading scores through ``memo`` (``analyse`` shares its own)."""
    book = questions(codebook)
    target = item_of(frame, codebook, overall, SCORED, book)
    y = _driver_scores(target, memo)
    codes = [
        c for c in question_codes(frame, codebook, items, ("likert", "rating")) if c != overall
    ]
    rows, columns = [], []
    for code in codes:
        question = item_of(frame, codebook, code, SCORED, book)
        x = _driver_scores(question, memo)
        columns.append(x.values)
        n, r, p, rho, rho_p = _association(x, y)
        rows.append(
            {
                "code": code,
                "item": question.label,
                "n": n,
                "mean": _mean(x),
                "pearson_r": r,
                "pearson_p": p,
                "spearman_rho": rho,
                "spearman_p": rho_p,
            }
        )
    table = pd.DataFrame(rows, columns=_DRIVER_COLUMNS[:-2])
    betas, n_reg, r2 = _regression(columns, y.values) if regression and codes else (None, 0, None)
    table["beta"] = betas if betas is not None else math.nan
    strength = table["pearson_r"].abs()
    table["rank"] = strength.rank(ascending=False, method="min").astype("Int64")
    table = table.sort_values("rank", kind="stable", na_position="last").reset_index(drop=True)
    table.attrs.update(overall=overall, n_regression=n_reg, r2=r2)
    return table[_DRIVER_COLUMNS]


def _regression(
    columns: list[np.ndarray], y: np.ndarray
) -> tuple[np.ndarray | None, int, float | None]:
    """Standardised betas, the number of complete responses and R²."""
    complete = np.isfinite(y)
    for x in columns:
        complete &= np.isfinite(x)
    n, k = int(complete.sum()), len(columns)
    if n < k + 2:
        return None, n, None
    data = np.empty((k + 1, n))
    for i, x in enumerate([*columns, y]):
        data[i] = x[complete]
        data[i] -= data[i].mean()
    cross = data @ data.T
    spread = np.sqrt(np.diag(cross))
    if spread[-1] == 0:
        return None, n, None
    usable = np.flatnonzero(spread[:-1] > 0)
    corr = cross / np.outer(spread, spread).clip(min=1e-300)
    rxx, rxy = corr[np.ix_(usable, usable)], corr[usable, -1]
    coef, *_ = np.linalg.lstsq(rxx, rxy, rcond=None)
    betas = np.full(k, np.nan)
    betas[usable] = coef
    return betas, n, float(coef @ rxy)
