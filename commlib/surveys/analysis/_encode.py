"""Answers as numbers and codes: what every count of the analysis starts from.

A scored question's answers become float64 scores (:func:`scores`: likert positions without
the non-answer options, ratings and NPS as they are), then integer codes of the points of
its scale (:func:`point_codes`, -1 for no answer or off the scale), which ``np.bincount``
counts per group. Choices become codes into their options (:func:`option_codes`), a
multi-select column (row, option) pairs (:func:`exploded`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .._values import HEADER_TEXTS, is_missing
from ._codebook import Item


def _number(value: object, positions: Mapping[object, int]) -> float:
    if value in positions:
        return float(positions[value] + 1)
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return math.nan


def _numeric(series: pd.Series, options: Sequence[str] = ()) -> np.ndarray:
    """Scores as float64 (NaN missing). Text answers that are options score their position."""
    dtype = series.dtype
    if not isinstance(dtype, pd.CategoricalDtype) and (
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    ):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    if isinstance(dtype, pd.CategoricalDtype):
        raw, uniques = series.cat.codes.to_numpy(), list(dtype.categories)
    else:
        raw, uniques = pd.factorize(series)
    positions = {o: i for i, o in enumerate(options)}
    lookup = np.array([_number(u, positions) for u in uniques] + [math.nan], dtype=np.float64)
    return lookup[raw]


def scores(series: pd.Series, question: Item) -> np.ndarray:
    """A scored question's answers as numbers: likert positions on the scale without its
    non-answer options (an answer that is one is NaN), ratings and NPS as they are."""
    values = _numeric(series, question.options)
    skipped = question.skipped
    if not skipped:
        return values
    k = len(question.options)
    table = np.full(k + 1, np.nan)
    position = 0
    for i in range(k):
        if i not in skipped:
            position += 1
            table[i + 1] = position
    with np.errstate(invalid="ignore"):
        whole = (values >= 1) & (values <= k) & (values == np.floor(values))
    index = np.where(whole, values, 0).astype(np.int64)
    return np.where(whole, table[index], np.nan)


def scale_of(question: Item, values: np.ndarray | None = None) -> tuple[int, int]:
    """The lowest and highest point of a question's scale.

    likert: 1..number of options (1..5 without options); nps: 0..10; rating: its options when
    they are two numbers (``["1", "5"]``), else guessed from the answers: from 0 when there
    is a 0 (else 1) up to 5, 7 or 10, whichever first holds the highest answer.
    """
    if question.type == "likert":
        return 1, (len(question.scored_options) if question.options else 5)
    if question.type == "nps":
        return 0, 10
    bounds = [_number(o, {}) for o in question.options]
    # negative recodes (-1 "don't know", -99 "seen, not answered") are no bound of a scale
    bounds = [b for b in bounds if math.isfinite(b) and b >= 0]
    if len(bounds) >= 2:
        return math.floor(min(bounds)), math.ceil(max(bounds))
    seen = values[np.isfinite(values)] if values is not None else np.array([])
    if not len(seen):
        return 1, 5
    low = 0 if seen.min() < 1 else 1
    top = float(seen.max())
    return low, next((h for h in (5, 7, 10) if top <= h), math.ceil(top))


def points_of(question: Item, values: np.ndarray) -> tuple[int, list[str]]:
    """The first point of a question's scale, and the label of every point."""
    low, high = scale_of(question, values)
    if question.type == "likert" and question.options:
        return low, list(question.scored_options)
    return low, [f"{v:g}" for v in range(low, high + 1)]


def point_codes(values: np.ndarray, low: int, k: int, whole: bool = False) -> np.ndarray:
    """0..k-1 for whole answers on the scale low..low+k-1, -1 for the rest.

    ``whole`` says the answers are known to be whole numbers (skips that check).
    """
    with np.errstate(invalid="ignore"):
        shifted = values - low
        ok = (shifted >= 0) & (shifted < k)
        if not whole:
            ok &= shifted == np.floor(shifted)
        return np.where(ok, shifted, -1).astype(np.int64)


def is_whole(values: np.ndarray) -> bool:
    """Whether every answer is a whole number (so that counts per point say everything)."""
    with np.errstate(invalid="ignore"):
        return not bool(np.any(values - np.floor(values) > 0))


class Columns:
    """Scores of a frame's columns, converted once per call and remembered."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._values: dict[str, np.ndarray] = {}
        self._whole: dict[str, bool] = {}
        self._points: dict[str, tuple[int, list[str], np.ndarray]] = {}

    def values(self, question: Item) -> np.ndarray:
        code = question.code
        if code not in self._values:
            self._values[code] = scores(self.frame[code], question)
        return self._values[code]

    def whole(self, question: Item) -> bool:
        code = question.code
        if code not in self._whole:
            self._whole[code] = is_whole(self.values(question))
        return self._whole[code]

    def points(self, question: Item) -> tuple[int, list[str], np.ndarray]:
        """The scale's first point, the points' labels and each answer's point code."""
        code = question.code
        if code not in self._points:
            values = self.values(question)
            low, labels = points_of(question, values)
            codes = point_codes(values, low, len(labels), whole=self.whole(question))
            self._points[code] = (low, labels, codes)
        return self._points[code]


def on_scale(values: np.ndarray, question: Item) -> np.ndarray:
    """Scores with answers off a likert/NPS/rating scale set to NaN (numeric: unchanged)."""
    if question.type == "numeric":
        return values
    low, high = scale_of(question, values)
    with np.errstate(invalid="ignore"):
        return np.where((values >= low) & (values <= high), values, np.nan)


def option_codes(series: pd.Series, options: Sequence[str]) -> tuple[np.ndarray, list]:
    """Codes into ``options``; answers that are not options are added after them."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        raw, uniques = series.cat.codes.to_numpy(), list(series.dtype.categories)
    else:
        raw, uniques = pd.factorize(series)
    labels: list = list(options)
    where = {o: i for i, o in enumerate(labels)}
    lookup = []
    for value in uniques:
        if value not in where and _not_an_answer(value):
            lookup.append(-1)
            continue
        if value not in where:
            where[value] = len(labels)
            labels.append(value)
        lookup.append(where[value])
    return np.array([*lookup, -1], dtype=np.int64)[raw], labels


def _not_an_answer(value: object) -> bool:
    """A stray value that is no answer: a missing mark (``-``, ``NA``) or a header row's
    text (SurveyMonkey's ``Response``), unless the question has it as an option."""
    if not isinstance(value, str):
        return False
    return is_missing(value) or value.strip().casefold() in HEADER_TEXTS


def exploded(
    series: pd.Series, options: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, list, np.ndarray]:
    """A multi-select column as (row position, option code) pairs, each pair once.

    Also returns the labels and which rows answered (a list, even an empty one).
    """
    values = series.reset_index(drop=True)
    answered = values.notna().to_numpy()
    picked = values[answered].explode()
    codes, labels = option_codes(picked, options)
    rows = picked.index.to_numpy(dtype=np.int64)
    keep = codes >= 0
    rows, codes = rows[keep], codes[keep]
    width = max(len(labels), 1)
    pairs = pd.unique(rows * width + codes)
    return pairs // width, pairs % width, labels, answered


def nps_group_codes(values: np.ndarray) -> np.ndarray:
    """0 detractor (0–6), 1 passive (7–8), 2 promoter (9–10), -1 missing or off the scale."""
    with np.errstate(invalid="ignore"):
        return np.select(
            [(values >= 9) & (values <= 10), (values >= 7) & (values < 9), values >= 0],
            [2, 1, 0],
            -1,
        ).astype(np.int64)


def divide(a: object, b: object) -> np.ndarray:
    """``a / b`` as float64, NaN where ``b`` is 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = np.full(np.broadcast(a, b).shape, np.nan)
    np.divide(a, b, out=out, where=b != 0)
    return out
