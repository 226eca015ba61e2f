"""Questions spread over several columns: one column per option (multi-select, ranking) or
per row of a matrix. Lists are built once per distinct combination, not once per row."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._columns import counts, first_seen
from ._infer import (
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    Guess,
    all_numbers,
    coded_answers,
    infer,
    likert_answers,
    likert_scale,
    merge_spellings,
    numbers,
    single_answers,
    without_missing,
)

#: texts that mean "selected" in a one-column-per-option export
SELECTED = {"1", "y", "yes", "是", "true", "selected", "checked", "√", "✓"}
#: texts that mean "not selected"
NOT_SELECTED = {"0", "n", "no", "否", "false", "not selected", "unchecked"}
#: an "other, please specify" option, whose column may hold the free text
OTHER = re.compile(r"其他|其它|other|请注明|please specify", re.I)


def used(column: pd.Series) -> list[str]:
    return [c for c, k in zip(column.cat.categories, counts(column), strict=True) if k]


def is_binary(columns: Sequence[pd.Series], labels: Sequence[str] = ()) -> bool:
    """Every column holds only selected/not-selected marks (or its own label), except that
    an "other" option's column may hold free text."""
    found_any = False
    for n, column in enumerate(columns):
        label = labels[n].strip().lower() if n < len(labels) else ""
        for value in used(column):
            key = value.strip().lower()
            if key in SELECTED or key in NOT_SELECTED or (label and key == label):
                found_any = True
            elif not (label and OTHER.search(label)):
                return False
    return found_any


def other_texts(column: pd.Series) -> pd.Series:
    """The free text an "other" option's column holds (NaN for marks and empty cells)."""
    cats = column.cat.categories
    table = np.empty(len(cats) + 1, dtype=object)
    table[:-1] = [
        np.nan if c.strip().lower() in SELECTED | NOT_SELECTED else c.strip() for c in cats
    ]
    table[-1] = np.nan
    codes = column.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(cats)
    return pd.Series(table[codes], dtype=object, copy=False)


def selected(column: pd.Series) -> np.ndarray:
    """Which rows selected this option: any mark but a "not selected" one (an "other"
    option's free text counts as selected)."""
    cats = column.cat.categories
    marks = np.array([c.strip().lower() not in NOT_SELECTED for c in cats] + [False], dtype=bool)
    codes = column.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(cats)
    return marks[codes]


def answered(columns: Sequence[pd.Series]) -> np.ndarray:
    """Rows with anything in any of the columns."""
    found = np.zeros(len(columns[0]), dtype=bool)
    for column in columns:
        found |= column.notna().to_numpy()
    return found


def lists_from_flags(flags: np.ndarray, options: Sequence[str], shown: np.ndarray) -> pd.Series:
    """Multi-select lists from an (n x k) array of flags; NaN where nothing was shown."""
    n, k = flags.shape
    if n == 0:
        return pd.Series([], dtype=object)
    uniques, inverse = np.unique(flags, axis=0, return_inverse=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    for i, row in enumerate(uniques):
        table[i] = [options[j] for j in range(k) if row[j]]
    table[-1] = np.nan
    inverse = np.asarray(inverse).reshape(-1).astype(np.int64)
    inverse[~shown] = len(uniques)
    return pd.Series(table[inverse], dtype=object, copy=False)


def multi_from_columns(columns: Sequence[pd.Series], options: Sequence[str]) -> pd.Series:
    """Multi-select lists from one column per option (NaN where all are empty)."""
    flags = np.column_stack([selected(c) for c in columns])
    return lists_from_flags(flags, options, answered(columns))


def is_rank(columns: Sequence[pd.Series]) -> bool:
    """Each row's whole numbers are the positions 1..m (m >= 2 somewhere): a ranking, one
    column per option. A matrix of scale answers almost never looks like that."""
    if any(not _is_number(v) for c in columns for v in used(c)):
        return False
    matrix = np.column_stack([numbers(c).to_numpy() for c in columns])
    if np.isnan(matrix).all():
        return False
    matrix = np.where(np.isnan(matrix) | (matrix <= 0), 0, matrix)
    if not (matrix == np.round(matrix)).all():
        return False
    longest = 0
    for row in np.unique(matrix, axis=0):
        ranks = sorted(int(v) for v in row if v > 0)
        if ranks != list(range(1, len(ranks) + 1)):
            return False
        longest = max(longest, len(ranks))
    return longest >= 2


def rank_from_columns(columns: Sequence[pd.Series], options: Sequence[str]) -> pd.Series:
    """Ranking lists (first = ranked highest) from one column of positions per option."""
    matrix = np.column_stack([numbers(c).to_numpy() for c in columns])
    matrix = np.where(np.isnan(matrix) | (matrix <= 0), 0, matrix)
    shown = answered(columns)
    uniques, inverse = np.unique(matrix, axis=0, return_inverse=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    for i, row in enumerate(uniques):
        order = sorted((position, j) for j, position in enumerate(row) if position > 0)
        table[i] = [options[j] for _position, j in order]
    table[-1] = np.nan
    inverse = np.asarray(inverse).reshape(-1).astype(np.int64)
    inverse[~shown] = len(uniques)
    return pd.Series(table[inverse], dtype=object, copy=False)


def matrix_rows(
    columns: Sequence[pd.Series], texts: Sequence[str], *, codes_only: bool = False
) -> list[Guess]:
    """The rows of a matrix share one scale: a known likert scale, numbers (each row
    guessed on its own), or the choices seen in any row (a single choice per row). Values
    that mean no answer are missing; spellings that differ only by case or spaces are one
    value in every row."""
    columns, merged = merge_spellings([without_missing(c) for c in columns])
    guesses = _matrix_rows(columns, texts, codes_only)
    for guess in guesses:
        if guess.type in ("likert", "single"):
            guess.merged = merged
    return guesses


def _matrix_rows(
    columns: Sequence[pd.Series], texts: Sequence[str], codes_only: bool
) -> list[Guess]:
    values = list(dict.fromkeys(v for c in columns for v in first_seen(c)))
    scale = likert_scale(values) if values else None
    if scale is not None:
        return [Guess("likert", scale, likert_answers(c, scale)) for c in columns]
    grid = _rating_grid(columns) if not codes_only and len(columns) >= 2 else None
    if grid is not None:
        return [Guess("rating", grid, numbers(c)) for c in columns]
    guesses = [infer(c, t, codes_only=codes_only) for c, t in zip(columns, texts, strict=True)]
    if all(g.type in ("rating", "numeric", "nps") for g in guesses):
        return guesses
    if not values or max(len(v) for v in values) > MAX_OPTION_LENGTH or len(values) > MAX_OPTIONS:
        return guesses
    whole = all(_is_number(v) and float(v).is_integer() for v in values)
    if whole:  # choice numbers (codes): in their order
        options = sorted({str(int(float(v))) for v in values}, key=int)
        return [
            Guess("single", options, single_answers(coded_answers(c), options)) for c in columns
        ]
    return [Guess("single", values, single_answers(c, values)) for c in columns]


def _rating_grid(columns: Sequence[pd.Series]) -> list[str] | None:
    """The bounds of a grid of whole numbers within 0–10 (a matrix of ratings: the grid
    itself says the numbers are a scale, where a lone column of 1/2 may be codes), or None."""
    found = [numbers(c).dropna() for c in columns]
    if any(len(f) and not all_numbers(c) for f, c in zip(found, columns, strict=True)):
        return None
    values = pd.concat(found) if found else pd.Series(dtype=float)
    if values.nunique() < 2 or not bool((values == values.round()).all()):
        return None
    low, high = float(values.min()), float(values.max())
    if low < 0 or high > 10:
        return None
    top = "5" if high <= 5 else "7" if high <= 7 else "10"
    return ["0" if low == 0 else "1", top]


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
