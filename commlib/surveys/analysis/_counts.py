"""Counts of one question per group, and the tables made from those counts.

A question with a few possible answers is counted once per group and point of its scale
(:class:`Points`) or option (:func:`single_counts`, :func:`multi_counts`); moments
(:class:`Moments`: n, Σx, Σx²) give means and standard deviations, from the counts or, for
fractional scores, from the rows. The ``*_table`` functions turn counts of any grouping
into the tables of :mod:`commlib.surveys.analysis` (``nps``, ``csat``, ``means``...), so
:func:`~commlib.surveys.analysis.analyse` can count by wave × segment once and sum to
coarser groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # the distributions' functions; scipy.stats takes 1 s to import

from ...i18n import t
from ._codebook import Item
from ._encode import Columns, divide, exploded, on_scale, option_codes
from ._groups import Groups

#: the normal quantile of a two-sided 95% interval
Z95 = float(special.ndtri(0.975))
#: NPS groups, in this order everywhere: 0–6, 7–8, 9–10
NPS_GROUPS = ("detractors", "passives", "promoters")
#: the columns of a ``means`` table after its group keys
MEAN_COLUMNS = ["code", "item", "n", "mean", "sd", "se", "ci_low", "ci_high"]
#: the columns of a ``likert`` table after its group keys
LIKERT_COLUMNS = ["code", "item", "value", "option", "count", "share", "n", "mean"]
#: multi-select questions with at most this many options are counted by answer pattern
_PATTERN_OPTIONS = 12


# --- counts of one question --------------------------------------------------------------


@dataclass(frozen=True)
class Points:
    """Answers of a scored question per group and point of its scale."""

    low: int
    labels: list[str]
    counts: np.ndarray  # (groups, points)

    @property
    def values(self) -> np.ndarray:
        return np.arange(self.low, self.low + len(self.labels), dtype=np.float64)

    def to(self, source: Groups, target: Groups) -> Points:
        return Points(self.low, self.labels, source.sum_to(self.counts, target))


def point_counts(question: Item, groups: Groups, columns: Columns) -> Points | None:
    """Counts per point, or None when some answers are fractional (a rating of 4.5)."""
    if question.type == "numeric" or not columns.whole(question):
        return None
    low, labels, codes = columns.points(question)
    return Points(low, labels, groups.count(codes, len(labels)))


@dataclass(frozen=True)
class Moments:
    """n, Σ(x − shift) and Σ(x − shift)² per group: enough for means and variances."""

    n: np.ndarray
    s1: np.ndarray
    s2: np.ndarray
    shift: float = 0.0

    @classmethod
    def of_points(cls, points: Points) -> Moments:
        v = points.values
        counts = points.counts.astype(np.float64)
        return cls(counts.sum(axis=1), counts @ v, counts @ (v * v))

    @classmethod
    def of_rows(cls, values: np.ndarray, groups: Groups) -> Moments:
        valid = np.isfinite(values)
        shift = float(values[valid].mean()) if valid.any() else 0.0
        x = values - shift
        return cls(
            groups.tally(valid).astype(np.float64),
            groups.tally(valid, x),
            groups.tally(valid, x * x),
            shift,
        )

    def to(self, source: Groups, target: Groups) -> Moments:
        return Moments(
            source.sum_to(self.n, target),
            source.sum_to(self.s1, target),
            source.sum_to(self.s2, target),
            self.shift,
        )

    def columns(self) -> dict[str, np.ndarray]:
        """``n, mean, sd, se, ci_low, ci_high`` (a t interval; NaN below two answers)."""
        n = self.n
        mean = self.shift + divide(self.s1, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            squares = np.maximum(self.s2 - divide(self.s1 * self.s1, n), 0)
            sd = np.sqrt(divide(squares, n - 1))
            sd[n < 2] = np.nan
            se = sd / np.sqrt(n)
            quantile = special.stdtrit(np.maximum(n - 1, 1), 0.975)
        return {
            "n": n.astype(np.int64),
            "mean": mean,
            "sd": sd,
            "se": se,
            "ci_low": mean - quantile * se,
            "ci_high": mean + quantile * se,
        }


def moments_of(question: Item, groups: Groups, columns: Columns) -> Moments:
    points = point_counts(question, groups, columns)
    if points is not None:
        return Moments.of_points(points)
    return Moments.of_rows(on_scale(columns.values(question), question), groups)


def single_counts(frame: pd.DataFrame, question: Item, groups: Groups) -> tuple[np.ndarray, list]:
    codes, labels = option_codes(frame[question.code], question.options)
    return _trim(groups.count(codes, len(labels)), labels, len(question.options))


def multi_counts(
    frame: pd.DataFrame, question: Item, groups: Groups
) -> tuple[np.ndarray, list, np.ndarray]:
    """Respondents per group who picked each option; and per group who answered.

    With few options, each answer becomes a bit pattern (OR of its picks, so a repeated pick
    counts once), patterns are counted per group, and options counted from the patterns.
    """
    values = frame[question.code].reset_index(drop=True)
    answered = values.notna().to_numpy()
    picked = values[answered].explode()  # an empty answer becomes one missing pick
    codes, labels = option_codes(picked, question.options)
    k = len(labels)
    if 0 < k <= _PATTERN_OPTIONS and len(picked):
        rows = picked.index.to_numpy(dtype=np.int64)
        bits = np.where(codes >= 0, np.left_shift(1, np.maximum(codes, 0)), 0)
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        patterns = np.bitwise_or.reduceat(bits, starts)
        per_pattern = groups.count(patterns, 1 << k, rows=rows[starts])
        picks = (np.arange(1 << k)[:, None] >> np.arange(k)) & 1
        counts = per_pattern @ picks
    else:
        rows, codes, labels, _ = exploded(values, question.options)
        counts = groups.count(codes, len(labels), rows=rows)
    counts, labels = _trim(counts, labels, len(question.options))
    return counts, labels, groups.tally(answered)


def _trim(counts: np.ndarray, labels: list, known: int) -> tuple[np.ndarray, list]:
    """Drop answers-that-are-not-options nobody gave (unused categories)."""
    used = [j for j in range(len(labels)) if j < known or counts[..., j].sum() > 0]
    return counts[..., used], [labels[j] for j in used]


def concat_tables(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(parts, ignore_index=True)[columns]


# --- tables from counts ------------------------------------------------------------------


def nps_labels() -> list[str]:
    """ "Detractors", "Passives", "Promoters" in the current language."""
    return [
        t("surveys.analysis.nps.detractors"),
        t("surveys.analysis.nps.passives"),
        t("surveys.analysis.nps.promoters"),
    ]


def wilson_interval(successes: object, n: object) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score 95% interval of a proportion (NaN where n is 0)."""
    x, n = np.asarray(successes, dtype=np.float64), np.asarray(n, dtype=np.float64)
    p = divide(x, n)
    z2 = Z95**2
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denom
        half = Z95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n**2)) / denom
        # rounding leaves -4e-19 at 0 of 518: a share's bounds stay within 0..1
        low = np.where(x == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
        high = np.where(x == n, 1.0, np.clip(centre + half, 0.0, 1.0))
        low = np.where(n > 0, low, np.nan)
        high = np.where(n > 0, high, np.nan)
    return low, high


def nps_table(groups: Groups, counts: np.ndarray) -> pd.DataFrame:
    """The NPS table from counts per group of the answers 0..10."""
    parts = {
        "detractors": counts[:, :7].sum(axis=1),
        "passives": counts[:, 7:9].sum(axis=1),
        "promoters": counts[:, 9:11].sum(axis=1),
    }
    n = sum(parts.values(), np.zeros(groups.size, dtype=np.int64))
    table = groups.table({"n": n, **parts}, n)
    n = table["n"].to_numpy(dtype=np.float64)
    shares = {g: divide(table[g], n) for g in NPS_GROUPS}
    for g in NPS_GROUPS:
        table[f"share_{g}"] = shares[g]
    diff = shares["promoters"] - shares["detractors"]
    with np.errstate(invalid="ignore"):
        variance = divide(shares["promoters"] + shares["detractors"] - diff**2, n)
        se = 100 * np.sqrt(np.maximum(variance, 0))
    table["nps"] = 100 * diff
    table["se"] = se
    table["ci_low"] = np.clip(table["nps"] - Z95 * se, -100, 100)
    table["ci_high"] = np.clip(table["nps"] + Z95 * se, -100, 100)
    return table


def csat_table(
    groups: Groups, n: np.ndarray, x: np.ndarray, scale: tuple[int, int]
) -> pd.DataFrame:
    ci_low, ci_high = wilson_interval(x, n)
    table = groups.table(
        {"n": n, "top_box": x, "share": divide(x, n), "ci_low": ci_low, "ci_high": ci_high}, n
    )
    table["n"] = table["n"].astype(np.int64)
    table["top_box"] = table["top_box"].astype(np.int64)
    table.attrs["scale"] = scale
    return table


def csat_from_points(groups: Groups, points: Points, top: int) -> pd.DataFrame:
    counts = points.counts
    scale = (points.low, points.low + counts.shape[1] - 1)
    return csat_table(groups, counts.sum(axis=1), counts[:, -top:].sum(axis=1), scale)


def means_table(groups: Groups, moments: Moments, question: Item) -> pd.DataFrame:
    columns = moments.columns()
    return groups.table({"code": question.code, "item": question.label, **columns}, moments.n)


def likert_table(groups: Groups, points: Points, question: Item) -> pd.DataFrame:
    counts = points.counts
    n = counts.sum(axis=1)
    mean = divide(counts @ points.values, n)
    table, rows, cols = groups.long(counts, points.labels, n)
    at = len(groups.dims)
    table.insert(at, "code", question.code)
    table.insert(at + 1, "item", question.label)
    table.insert(at + 2, "value", points.low + cols)
    table["share"] = divide(table["count"], n[rows])
    table["n"] = n[rows]
    table["mean"] = mean[rows]
    return table


def options_table(
    groups: Groups, counts: np.ndarray, labels: list, n: np.ndarray, name: str
) -> pd.DataFrame:
    table, rows, _ = groups.long(counts, labels, n)
    table["share"] = divide(table["count"], n[rows])
    table[name] = n[rows].astype(np.int64)
    return table
