"""Groups of responses: by wave, by segment, or both, and each response's group.

    >>> groups = Groups.of(frame, "wave", "Q9", codebook)   # wave × segment
    >>> counts = groups.count(codes, width)                  # answers per group and code
    >>> groups.sum_to(counts, groups.coarsen("wave"))        # the same counts by wave

Waves are in frame order (:func:`wave_order`), segments in option order (a single-choice
question), category order (a Categorical), else sorted; a missing value is a group of its
own (NaN, last).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ._codebook import column_of, questions
from ._encode import option_codes


def _with_missing(codes: np.ndarray, levels: list) -> tuple[np.ndarray, list]:
    codes = np.asarray(codes, dtype=np.int64)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(levels), codes)
        levels = [*levels, np.nan]
    return codes, levels


def factor(series: pd.Series) -> tuple[np.ndarray, list]:
    """Codes 0..k-1 and the k levels: categories in order, else sorted; NaN last."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return _with_missing(series.cat.codes.to_numpy(), list(series.dtype.categories))
    try:
        codes, uniques = pd.factorize(series, sort=True)
    except TypeError:
        codes, uniques = pd.factorize(series)
    return _with_missing(codes, list(uniques))


def segment_factor(
    frame: pd.DataFrame, codebook: pd.DataFrame | None, segment: str
) -> tuple[np.ndarray, list]:
    """A segment's codes and levels: a single-choice question's in option order."""
    series = column_of(frame, segment)
    found = questions(codebook).get(segment)
    if found is not None and found.type == "single" and found.options:
        return _with_missing(*option_codes(series, found.options))
    return factor(series)


def wave_factor(frame: pd.DataFrame, wave_col: str) -> tuple[np.ndarray, list]:
    """Codes and levels of the wave column, in wave order (see :func:`wave_order`)."""
    series = column_of(frame, wave_col)
    if isinstance(series.dtype, pd.CategoricalDtype):
        return factor(series)
    codes, uniques = pd.factorize(series)
    return _with_missing(codes, list(uniques))


def wave_order(frame: pd.DataFrame, wave_col: str = "wave") -> list:
    """The waves of a frame, in order.

    A Categorical wave column keeps its category order; otherwise waves come in the order
    they first appear (``responses_frame`` lists the responses of the earliest wave first).
    """
    if wave_col not in frame.columns:
        return []
    codes, levels = wave_factor(frame, wave_col)
    present = set(np.unique(codes).tolist())
    return [level for i, level in enumerate(levels) if i in present]


@dataclass(frozen=True)
class Groups:
    """The groups (every combination of the levels of each key) and each response's group.

    ``codes`` is None for a coarser grouping made with :meth:`coarsen`, whose counts come
    from summing a finer grouping's counts (:meth:`sum_to`).
    """

    dims: tuple[tuple[str, tuple], ...]
    codes: np.ndarray | None = None

    @classmethod
    def of(
        cls,
        frame: pd.DataFrame,
        wave_col: str | None,
        segment: str | None,
        codebook: pd.DataFrame | None = None,
    ) -> Groups:
        """Responses grouped by wave (in wave order) and/or segment (see :func:`segment_factor`);
        without either, one group of everyone."""
        parts = []
        if wave_col is not None:
            parts.append(("wave", *wave_factor(frame, wave_col)))
        if segment is not None:
            parts.append(("segment", *segment_factor(frame, codebook, segment)))
        codes = np.zeros(len(frame), dtype=np.int64)
        for _, part, levels in parts:
            codes = codes * len(levels) + part
        return cls(tuple((name, tuple(levels)) for name, _, levels in parts), codes)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.dims]

    @property
    def sizes(self) -> list[int]:
        return [len(levels) for _, levels in self.dims]

    @property
    def size(self) -> int:
        return math.prod(self.sizes)

    @property
    def grouped(self) -> bool:
        return bool(self.dims)

    @cached_property
    def key_values(self) -> dict[str, np.ndarray]:
        """Each key's value in every group (object arrays, one item per group)."""
        found = {}
        where = np.unravel_index(np.arange(self.size), self.sizes) if self.dims else ()
        for (name, levels), index in zip(self.dims, where, strict=True):
            values = np.empty(len(levels), dtype=object)
            values[:] = list(levels)
            found[name] = values[index]
        return found

    @property
    def keys(self) -> pd.DataFrame:
        """One row per group, one column per key."""
        return pd.DataFrame(self.key_values, index=pd.RangeIndex(self.size))

    def count(self, codes: np.ndarray, width: int, rows: np.ndarray | None = None) -> np.ndarray:
        """Answers per group and code (``codes`` -1 = none): a (size, width) array."""
        assert self.codes is not None
        groups = self.codes if rows is None else self.codes[rows]
        # one more column for "no answer" (code -1), dropped after counting
        flat = groups * (width + 1) + (codes + 1)
        counts = np.bincount(flat, minlength=self.size * (width + 1))
        return counts.reshape(self.size, width + 1)[:, 1:]

    def tally(self, mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Rows per group where ``mask`` holds (or the sum of their ``weights``)."""
        assert self.codes is not None
        w = None if weights is None else weights[mask]
        return np.bincount(self.codes[mask], weights=w, minlength=self.size)

    def coarsen(self, *names: str) -> Groups:
        return Groups(tuple(d for d in self.dims if d[0] in names))

    def sum_to(self, array: np.ndarray, target: Groups) -> np.ndarray:
        """Per-group values (first axis) summed to a coarser grouping."""
        array = np.asarray(array)
        drop = tuple(i for i, name in enumerate(self.names) if name not in target.names)
        if not drop:
            return array
        shaped = array.reshape(*self.sizes, *array.shape[1:])
        return shaped.sum(axis=drop).reshape(target.size, *array.shape[1:])

    def _key_arrays(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        return {name: values[rows] for name, values in self.key_values.items()}

    def table(self, columns: Mapping[str, object], n: np.ndarray) -> pd.DataFrame:
        """Keys and ``columns`` (one value per group), groups without answers left out."""
        rows = np.flatnonzero(np.asarray(n) > 0) if self.grouped else np.arange(self.size)
        data: dict[str, object] = self._key_arrays(rows)
        for name, value in columns.items():
            data[name] = np.asarray(value)[rows] if np.ndim(value) else value
        return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))

    def long(
        self, counts: np.ndarray, labels: Sequence, n: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """One row per group with answers and label: keys, ``option``, ``count``.

        Also returns each row's group and label index.
        """
        keep = n > 0 if self.grouped else np.ones(self.size, dtype=bool)
        width = len(labels)
        rows = np.repeat(np.flatnonzero(keep), width)
        cols = np.tile(np.arange(width), int(keep.sum()))
        names = np.empty(width, dtype=object)
        names[:] = list(labels)
        data = {
            **self._key_arrays(rows),
            "option": names[cols],
            "count": counts[rows, cols].astype(np.int64),
        }
        return pd.DataFrame(data, index=pd.RangeIndex(len(rows))), rows, cols
