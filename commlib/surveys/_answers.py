"""Answers checked against their question and encoded as stored, one column at a time.

Each question type's answers have their Arrow type (``commlib._responses``): likert/nps as whole
numbers (int8), rating/numeric as float64, single as dictionary-encoded text, text as text,
multi/rank as lists of option texts. ``encode`` checks and encodes each distinct value of a
column once, and builds the column from the distinct values and where each one is; a column of
numbers that all fit is stored at once, without looking at a value.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import Problem
from ..frames import missing
from ..i18n import t
from ..models import Question
from ..text import NOT_TEXT

NUMBER_TYPES = frozenset({"likert", "nps", "rating", "numeric"})
LIST_TYPES = frozenset({"multi", "rank"})
CHOICE_TYPES = frozenset({"single", "multi", "rank"})
#: problems collected before giving up on a write
MAX_PROBLEMS = 50
#: the longest text answer, as ``models.Text``
MAX_TEXT = 20_000

#: the Arrow type answers of each question type are stored in
_STORED = {
    "likert": pa.int8(),
    "nps": pa.int8(),
    "rating": pa.float64(),
    "numeric": pa.float64(),
    "single": pa.string(),
    "text": pa.string(),
    "multi": pa.list_(pa.string()),
    "rank": pa.list_(pa.string()),
}


def encode(
    values: pd.Series, question: Question, where: Any, problems: list[Problem]
) -> pa.Array | None:
    """A question's answers as a stored column (None when none is answered), checked
    against the question; each distinct value is checked and encoded once, and the column
    built from the distinct values and where each one is."""
    kind = _STORED.get(question.type)
    if question.type in LIST_TYPES:
        found = _encode_lists(values, question, where, problems)
        if problems or not any(v is not None for v in found):
            return None
        return pa.array(found, type=kind)
    fast = _numbers_column(values, question)
    if fast is not False:
        return fast
    table, codes = _encode_values(values, question, where, problems)
    if problems or kind is None:
        return None
    if question.type in NUMBER_TYPES:
        numbers = np.array([np.nan if v is None else v for v in table], dtype="float64")[codes]
        missing = np.isnan(numbers)
        if missing.all():
            return None
        if pa.types.is_integer(kind):
            numbers = np.where(missing, 0, numbers).astype(kind.to_pandas_dtype())
        return pa.array(numbers, type=kind, mask=missing)
    # texts: one dictionary entry per distinct text, then (free text) the texts themselves
    merged, texts = pd.factorize(pd.Series(table, dtype=object), use_na_sentinel=True)
    indices = merged[codes]
    if (indices < 0).all():
        return None
    array = pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(_index_type(len(texts))), mask=indices < 0),
        pa.array(np.asarray(texts, dtype=object), pa.string()),
    )
    return array if question.type == "single" else array.dictionary_decode()


def _encode_values(
    values: pd.Series, question: Question, where: Any, problems: list[Problem]
) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct value as stored (None: missing, last), and which one each row holds."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists, dicts) where a single value belongs
        codes, uniques = pd.factorize(values.map(hashable), use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[-1] = None
    fast = _numbers_at_once(uniques, question)
    for k, value in enumerate(uniques):
        if fast is not None and fast[k] is not None:
            table[k] = fast[k]
            continue
        if isinstance(value, Unhashable):
            value = value.value
        encoded, message = _encode_value(value, question)
        table[k] = encoded
        if message:
            for n in np.flatnonzero(codes == k)[:3]:
                problems.append(Problem(question.code, _display(value), message, at(where[n])))
    return table, np.where(codes < 0, len(uniques), codes)


def _numbers_at_once(uniques: Any, question: Question) -> list[Any] | None:
    """Many distinct numbers, checked at once (None where a check must look)."""
    if question.type not in NUMBER_TYPES:
        return None
    if not (pd.api.types.is_numeric_dtype(uniques.dtype) and uniques.dtype != bool):
        return None
    numbers = np.asarray(uniques, dtype="float64")
    ok, whole = _number_checks(numbers, question)
    ok &= np.isfinite(numbers)
    if question.type in ("likert", "nps"):
        ints = np.where(whole, numbers, 0).astype(np.int64).tolist()
        return [i if good else None for i, good in zip(ints, ok.tolist(), strict=True)]
    return [n if good else None for n, good in zip(numbers.tolist(), ok.tolist(), strict=True)]


def _number_checks(numbers: np.ndarray, question: Question) -> tuple[np.ndarray, np.ndarray]:
    """Which numbers a question of numbers takes (NaN, unanswered, passes) and which are
    whole."""
    whole = np.isfinite(numbers) & (numbers == np.round(numbers)) & (np.abs(numbers) < 1e15)
    ok = ~np.isinf(numbers)
    if question.type == "likert":
        ok &= np.isnan(numbers) | (whole & (numbers >= 1) & (numbers <= len(question.options)))
    elif question.type == "nps":
        ok &= np.isnan(numbers) | (whole & (numbers >= 0) & (numbers <= 10))
    elif question.type == "rating" and (bounds := _bounds(question.options)):
        ok &= np.isnan(numbers) | ((numbers >= bounds[0]) & (numbers <= bounds[1]))
    return ok, whole


def _numbers_column(values: pd.Series, question: Question) -> pa.Array | bool | None:
    """A column of numbers stored at once when every one is right for the question (None:
    none answered); False when it is no column of numbers or one needs a closer look."""
    if question.type not in NUMBER_TYPES or not (
        pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values)
    ):
        return False
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    ok, _whole = _number_checks(numbers, question)
    if not ok.all():
        return False
    missing = np.isnan(numbers)
    if missing.all():
        return None
    kind = _STORED[question.type]
    if pa.types.is_integer(kind):
        numbers = np.where(missing, 0, numbers).astype(kind.to_pandas_dtype())
    return pa.array(numbers, type=kind, mask=missing)


class Unhashable:
    """An answer pandas cannot factorize (a dict, a list holding one), kept for the message."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = tuple(value) if isinstance(value, list) else value


def hashable(value: Any) -> Any:
    """A value pandas can factorize: lists as tuples (a list where one value belongs)."""
    found = tuple(value) if isinstance(value, list) else value
    try:
        hash(found)
    except TypeError:
        return Unhashable(value)
    return found


def _encode_lists(
    values: pd.Series, question: Question, where: Any, problems: list[Problem]
) -> np.ndarray:
    options = {o: i for i, o in enumerate(question.options)}
    cache: dict[Any, tuple[str | None, str]] = {}
    out = np.empty(len(values), dtype=object)
    for n, value in enumerate(values.tolist()):
        key = tuple(value) if isinstance(value, list | tuple) else value
        try:
            found = cache.get(key)
        except TypeError:
            found, key = None, None
        if found is None:
            found = _encode_list(value, question, options)
            if key is not None:
                cache[key] = found
        encoded, message = found
        out[n] = encoded
        if message and len(problems) < MAX_PROBLEMS:
            problems.append(Problem(question.code, value, message, at(where[n])))
    return out


def _encode_list(value: Any, question: Question, options: dict[str, int]) -> tuple[Any, str]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        if missing(value) or value == "":
            return None, ""
        return None, t("surveys.import.data.need_list")
    items = list(value)
    if not all(isinstance(v, str) for v in items):
        return None, t("surveys.import.data.need_list")
    unknown = [v for v in items if v not in options]
    if unknown:
        return None, t("surveys.import.data.not_an_option", options=_shown(question.options))
    if len(set(items)) != len(items):
        return None, t("surveys.import.data.repeated")
    if question.type == "multi":
        items = sorted(items, key=lambda v: options[v])
    return items, ""


def _encode_value(value: Any, question: Question) -> tuple[Any, str]:
    """One answer as stored, or a message saying why it does not fit."""
    if missing(value) or (isinstance(value, str) and value == ""):
        return None, ""
    kind = question.type
    if isinstance(value, tuple):
        return None, t("surveys.import.data.not_a_list_type")
    if kind == "matrix":
        return None, t("surveys.import.data.matrix_parent")
    if kind == "single":
        text = value if isinstance(value, str) else text_of(value)
        if isinstance(text, str) and text in question.options:
            return text, ""
        return None, t("surveys.import.data.not_an_option", options=_shown(question.options))
    if kind == "text":
        text = value if isinstance(value, str) else text_of(value)
        if not isinstance(text, str):
            return None, t("surveys.import.data.need_text")
        if len(text) > MAX_TEXT or NOT_TEXT.search(text):
            return None, t("surveys.import.data.bad_text", n=MAX_TEXT)
        return text, ""
    if kind == "likert" and isinstance(value, str) and value in question.options:
        return question.options.index(value) + 1, ""
    if not is_number(value):
        return None, t("surveys.import.data.need_number")
    number = float(value)
    if not math.isfinite(number):
        return None, t("surveys.import.data.need_number")
    if kind == "likert":
        if number.is_integer() and 1 <= number <= len(question.options):
            return int(number), ""
        return None, t("surveys.import.data.likert_range", k=len(question.options))
    if kind == "nps":
        if number.is_integer() and 0 <= number <= 10:
            return int(number), ""
        return None, t("surveys.import.data.nps_range")
    if kind == "rating":
        bounds = _bounds(question.options)
        if bounds and not bounds[0] <= number <= bounds[1]:
            return None, t("surveys.import.data.rating_range", low=bounds[0], high=bounds[1])
    return number, ""


def _bounds(options: list[str]) -> tuple[float, float] | None:
    if len(options) != 2:
        return None
    try:
        low, high = float(options[0]), float(options[1])
    except ValueError:
        return None
    return (low, high) if low <= high else None


def _shown(options: list[str]) -> str:
    text = ", ".join(options[:12])
    return text + (", ..." if len(options) > 12 else "") if options else t("word.none")


def is_number(value: Any) -> bool:
    """Whether a value is a number (a bool is not)."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def text_of(value: Any) -> Any:
    """An answer as text (a whole number without ``.0``); NaN when it is none."""
    if missing(value):
        return np.nan
    if isinstance(value, str):
        return value if value != "" else np.nan
    if is_number(value) and math.isfinite(value):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return np.nan


def _index_type(distinct: int) -> type[np.signedinteger]:
    """The smallest indices for a dictionary of ``distinct`` texts (a byte for most)."""
    return np.int8 if distinct < 128 else np.int16 if distinct < 32768 else np.int32


def _display(value: Any) -> Any:
    """A value as a message shows it: whole numbers without ``.0``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def at(respondent: Any) -> str:
    """Where a problem is: the response, named by its respondent id."""
    return t("surveys.import.data.where", respondent=respondent)
