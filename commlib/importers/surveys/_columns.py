"""A column of a survey export as every reader holds it: a pandas ``Categorical`` of the cells'
texts, and the work done on its distinct values only (``per_value``, ``map_categories``,
``counts``...), never row by row: a million rows of repeated answers are a few distinct texts.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def as_category(values: pd.Series) -> pd.Series:
    """A column (text, numbers or mixed values) as a Categorical of its texts."""
    if values.dtype == "str":  # text already: its distinct values found by Arrow
        array = pa.array(values.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        array = pc.cast(array, pa.string())
        fixed = _fixed_digits(array)
        if fixed is not None:  # times, phone numbers: told apart by their digits, not hashed
            codes, categories = fixed
            return categorical(codes, pd.Index(categories, dtype="str"), values.index)
        found = pc.dictionary_encode(array)
        codes = pc.fill_null(found.indices, -1).to_numpy(zero_copy_only=False)
        return categorical(codes, pd.Index(found.dictionary, dtype="str"), values.index)
    plain = isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu"
    numbers = values.to_numpy() if plain else None
    if numbers is not None and len(numbers) > 1 and (numbers[1:] > numbers[:-1]).all():
        # ids counted up (1, 2, 3...): each distinct, in order, with no hashing
        texts = pc.cast(pa.array(numbers), pa.string())
        codes = np.arange(len(numbers), dtype=np.int32 if len(numbers) < 2**31 else np.int64)
        return categorical(codes, pd.Index(texts, dtype="str"), values.index)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if pd.api.types.is_integer_dtype(uniques.dtype):  # whole numbers: distinct texts at once
        texts = pc.cast(pa.array(np.asarray(uniques)), pa.string())
        return categorical(codes, pd.Index(texts, dtype="str"), values.index)
    texts = pd.Index([_value_text(u) for u in uniques], dtype=object)
    merged, categories = pd.factorize(texts)
    mapped = np.append(merged, -1)[np.where(codes < 0, len(merged), codes)]
    return categorical(mapped, pd.Index(categories, dtype="str"), values.index)


def _fixed_digits(array: pa.StringArray) -> tuple[np.ndarray, pa.StringArray] | None:
    """For texts of one width whose every position holds a digit or the same byte in all of
    them (``2026-03-01 12:34:56``): each text's distinct-value code (in order of first
    appearance, as a factorize gives) and the distinct texts, found from the digits packed
    four bits each into one number; None for any other column (or a short one)."""
    if len(array) < 10_000 or array.null_count:
        return None
    offsets = np.frombuffer(array.buffers()[1], np.int32)[
        array.offset : array.offset + len(array) + 1
    ]
    width = int(offsets[1] - offsets[0])
    if not 0 < width <= 40 or not (np.diff(offsets) == width).all():
        return None
    table = np.frombuffer(array.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
    table = table.reshape(-1, width)
    varying = np.flatnonzero(~(table == table[0]).all(axis=0))  # (the rest: separators)
    if len(varying) > 16:  # (more than one int64 holds)
        return None
    digits = table[:, varying] - np.uint8(ord("0"))
    if (digits > 9).any():
        return None
    if len(varying) % 2:
        digits = np.concatenate([digits, np.zeros((len(digits), 1), np.uint8)], axis=1)
    packed = np.zeros((len(digits), 8), np.uint8)
    packed[:, : digits.shape[1] // 2] = (digits[:, 0::2] << 4) | digits[:, 1::2]
    codes, _uniques = pd.factorize(packed.view(np.int64).ravel())
    top = np.maximum.accumulate(codes)
    first = np.flatnonzero(np.concatenate([[True], top[1:] > top[:-1]]))
    rows = np.ascontiguousarray(table[first])  # the distinct texts, each ``width`` bytes
    starts = np.arange(0, (len(first) + 1) * width, width, dtype=np.int32)
    texts = pa.StringArray.from_buffers(len(first), pa.py_buffer(starts), pa.py_buffer(rows))
    return codes, texts


#: pandas' CategoricalDtype without its check that the categories are distinct (hashing each
#: again: 0.3 s for a million), for categories that are (from a factorize or a dictionary)
_DISTINCT = getattr(pd.CategoricalDtype, "_from_fastpath", None)


def categorical(
    codes: np.ndarray, categories: pd.Index, index: pd.Index | None = None
) -> pd.Series:
    """A Categorical Series from codes (-1: missing) into distinct ``categories``."""
    dtype = _DISTINCT(categories, False) if _DISTINCT else pd.CategoricalDtype(categories)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False), index=index)


def _value_text(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


# --- working on the distinct values of a column -----------------------------------------


def per_value(
    column: pd.Series, func: Callable[[str], Any], missing: Any = None, dtype: Any = object
) -> np.ndarray:
    """``func`` applied to each distinct value, spread over the rows (an array of ``dtype``)."""
    cats = column.cat.categories
    mapped = np.empty(len(cats) + 1, dtype=dtype)
    mapped[:-1] = [func(c) for c in cats]
    mapped[-1] = missing
    return mapped[column.cat.codes.to_numpy()]


def map_categories(column: pd.Series, func: Callable[[str], str | None]) -> pd.Series:
    """A Categorical with ``func`` applied to each category (None: missing; equal results
    merge), without touching the rows one by one."""
    mapped = pd.Index([func(c) for c in column.cat.categories], dtype=object)
    merged, categories = pd.factorize(mapped, use_na_sentinel=True)
    table = np.append(merged, -1)
    codes = column.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(merged)
    return categorical(table[codes], pd.Index(categories, dtype="str"))


def counts(column: pd.Series) -> np.ndarray:
    """How many rows hold each category (kept while the column lives: inference asks the
    same column several times, and a million rows take milliseconds each time)."""
    array = column.array
    known = _COUNTS.get(id(array))
    if known is not None and known[0]() is array:
        return known[1]
    codes = column.cat.codes.to_numpy().astype(np.intp) + 1  # missing (-1) counted at 0
    found = np.bincount(codes, minlength=len(column.cat.categories) + 1)[1:]
    found.flags.writeable = False
    key = id(array)
    _COUNTS[key] = (weakref.ref(array, lambda _ref: _COUNTS.pop(key, None)), found)
    return found


_COUNTS: dict[int, tuple[weakref.ref, np.ndarray]] = {}


def first_seen(column: pd.Series) -> list[str]:
    """The distinct values in the order they first appear in the rows."""
    cats = column.cat.categories
    return [cats[i] for i in first_seen_codes(column)]


def first_seen_codes(column: pd.Series) -> list[int]:
    """The codes of the distinct values in the order they first appear in the rows."""
    codes = column.cat.codes.to_numpy()
    present = counts(column) > 0
    head = codes[:_HEAD]  # (a few options all appear in the first rows: nothing else to read)
    order = pd.unique(head[head >= 0])
    if len(order) == int(present.sum()):
        return [int(c) for c in order]
    if len(column.cat.categories) <= 64:  # each one's first row found by a scan, not hashed
        known = np.flatnonzero(present)
        first = [int(np.argmax(codes == k)) for k in known]
        return [int(c) for c in known[np.argsort(first, kind="stable")]]
    return [int(c) for c in pd.unique(codes[codes >= 0])]


_HEAD = 4096


def blank(column: pd.Series, texts: set[str]) -> pd.Series:
    """The column with the given values made missing (skipped, not shown...)."""
    cats = column.cat.categories
    drop = [c for c in cats if c.strip() in texts]
    return column.cat.remove_categories(drop) if drop else column
