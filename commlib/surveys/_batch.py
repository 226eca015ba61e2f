"""A batch of new responses as the payload ``commlib._responses`` writes: the fields besides
the answers (respondent, submission time, duration, source, completion) checked and made
Arrow columns, the answers encoded by ``_answers``.

Each check looks at a column at once, or at its distinct values: a million unique respondent
ids are trimmed and checked on their bytes, and only the texts a check flags are read as text.
What is wrong goes to a list of ``Problem``s naming the respondent.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import _responses
from ..errors import Problem
from ..i18n import t
from ..models import Question
from ..text import NOT_ONE_LINE, NOT_ONE_LINE_RE2, has_break_byte, padded, strip_texts
from ._answers import at, encode, is_number, missing


def rows_frame(rows: list[Any]) -> pd.DataFrame:
    """Dicts as a frame; values as they are where pandas cannot make text of them (a lone
    surrogate is no UTF-8: the checks then name it)."""
    try:
        return pd.DataFrame(rows)
    except UnicodeError:
        return pd.DataFrame(rows, dtype=object)


def prepare(
    chunk: pd.DataFrame,
    respondents: pd.Series,
    codes: list[str] | None,
    book: Mapping[str, Question],
    ids: np.ndarray,
    now: datetime,
    problems: list[Problem],
) -> pa.Table:
    """The payload of one chunk of new responses (see ``commlib._responses``); what is wrong
    goes to ``problems`` (and then the table is empty)."""
    where = respondents.reset_index(drop=True).array  # where[n]: the n-th response, for messages
    if codes is None:
        wide, codes = _expand(chunk["answers"], where, problems)
    else:
        wide = chunk[codes]
    answers = {}
    for code in codes:
        if code not in book:
            known = ", ".join(list(book)[:30]) or t("word.none")
            problems.append(Problem(code, None, t("surveys.import.data.unknown_code", known=known)))

    def encoded(code: str) -> tuple[pa.Array | None, list[Problem]]:
        found: list[Problem] = []
        return encode(wide[code], book[code], where, found), found

    # a column at a time on each core (numpy and Arrow let go of the GIL on whole columns)
    known = [c for c in codes if c in book]
    with ThreadPoolExecutor(max_workers=2) as pool:
        tasks = [pool.submit(contextvars.copy_context().run, encoded, c) for c in known]
        for code, task in zip(known, tasks, strict=True):
            answers[_responses.PREFIX + code], found = task.result()
            problems += found
    submitted = _moments(chunk, where, problems)
    durations = _durations(chunk, where, problems)
    sources = _sources(chunk, where, problems)
    complete = _complete(chunk)
    if problems:
        return pa.table({})
    rows = len(chunk)
    stamp = pa.array(
        np.full(rows, np.datetime64(now.replace(tzinfo=None), "us")), _responses.MOMENT
    )
    columns = {
        "id": pa.array(ids),
        "visibility": _same(rows, "internal"),
        "notes": _same(rows, ""),
        "created_at": stamp,
        "updated_at": stamp,
        "respondent": _text_array(respondents),
        "submitted_at": submitted,
        "duration_s": _numbers(durations),
        "source": sources,
        "complete": pa.array(complete, pa.bool_()),
    }
    fields = [pa.field(name, array.type) for name, array in columns.items()]
    for name, array in answers.items():
        if array is not None:  # numbers: the whole ones read back as ints, as JSON had them
            whole = _responses.WHOLE if pa.types.is_floating(array.type) else None
            fields.append(pa.field(name, array.type, metadata=whole))
    arrays = [*columns.values(), *(a for a in answers.values() if a is not None)]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _numbers(values: np.ndarray) -> pa.Array:
    """Floats, NaN missing (none known: no data buffer to write)."""
    unknown = np.isnan(values)
    if unknown.all():
        return pa.nulls(len(values), pa.float64())
    return pa.array(values, pa.float64(), mask=unknown)


def _same(rows: int, text: str) -> pa.DictionaryArray:
    """One text for every row, a byte each."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, np.int8)), pa.array([text]))


def repeated_rows(values: pd.Series, texts: pd.Series) -> np.ndarray:
    """Which respondents (``texts``, the trimmed ``values``) were given by an earlier row;
    from a Categorical's codes when trimming merged none of its values (no text hashed)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.dtype == "str":
        cats = values.cat.categories
        codes = values.cat.codes.to_numpy()
        if len(codes) == len(cats) and (codes == np.arange(len(codes))).all():
            return np.zeros(len(codes), dtype=bool)  # (one row an id, in order: none again)
        if not padded(cats).any() or bool((cats.str.strip() == cats).all()):
            return pd.Series(codes).duplicated().to_numpy() & (codes >= 0)
    return texts.duplicated().to_numpy()


def differing_repeats(
    frame: pd.DataFrame, texts: pd.Series, repeated: np.ndarray, columns: list[str]
) -> list[Problem]:
    """A problem for each respondent id (the first five) that rows differing in ``columns``
    share: one of them would be lost. Rows alike in all of them (ids made from the row's
    content, as for Google Forms) are one response, the others counted as duplicates. Only
    the rows of a repeated id are looked at (``repeated``: from ``repeated_rows``)."""
    if not repeated.any():
        return []
    twice = pd.unique(texts.to_numpy(dtype=object)[repeated])
    rows = np.flatnonzero(texts.isin(twice).to_numpy())
    ids = texts.iloc[rows].tolist()
    cells = frame.iloc[rows][columns].to_numpy(dtype=object)
    first: dict[Any, int] = {}
    differ: dict[Any, None] = {}
    for n, respondent in enumerate(ids):
        k = first.setdefault(respondent, n)
        if k == n or respondent in differ:
            continue
        if not all(_alike(a, b) for a, b in zip(cells[k], cells[n], strict=True)):
            differ[respondent] = None
            if len(differ) == 5:
                break
    rows_of = pd.Series(ids).value_counts()
    return [
        Problem("respondent", r, t("surveys.import.repeated_respondent", n=int(rows_of[r])))
        for r in differ
    ]


def _alike(a: Any, b: Any) -> bool:
    """Whether two cells hold the same value (missing ones alike, lists by their items)."""
    a = a.tolist() if isinstance(a, np.ndarray) else a
    b = b.tolist() if isinstance(b, np.ndarray) else b
    if missing(a) or missing(b):
        return missing(a) and missing(b)
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # (values no equality compares)
        return False


def respondent_ids(values: pd.Series, problems: list[Problem]) -> pd.Series:
    """Respondent ids as trimmed text (whole numbers without ``.0``), checked."""
    if pd.api.types.is_integer_dtype(values.dtype):
        texts = values.astype("int64").astype("str")
    elif isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.dtype == "str":
        # trimmed once per distinct id, then put in place (astype("str") took 0.16 s a million)
        cats = strip_texts(values.cat.categories)
        empty = np.asarray(cats == "", dtype=bool)
        cats = cats.where(~empty, np.nan) if empty.any() else cats
        codes = values.cat.codes.to_numpy()
        if len(codes) == len(cats) and (codes == np.arange(len(codes))).all():
            texts = pd.Series(cats.array, index=values.index, copy=False)  # one row an id
        else:
            texts = pd.Series(cats.array.take(codes, allow_fill=True), index=values.index)
    elif pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        stripped = values.str.strip()
        texts = stripped.where(stripped != "", np.nan)
    else:
        texts = values.map(_respondent_text).astype(object)
    bad = texts.isna().to_numpy()
    lengths = texts.str.len().fillna(0).to_numpy()
    broken = _broken(texts)
    for n in np.flatnonzero(bad | (lengths > 200) | broken)[:5]:
        problems.append(
            Problem("respondent", values.iloc[n], t("surveys.import.data.bad_respondent"))
        )
    return texts


def _text_array(texts: pd.Series) -> pa.Array:
    """A column of text as Arrow ``string`` (without a copy when Arrow holds it already)."""
    if texts.dtype == "str":
        found = pa.array(texts.array)
        found = found.combine_chunks() if isinstance(found, pa.ChunkedArray) else found
        return pc.cast(found, pa.string())
    return pa.array(texts.to_numpy(dtype=object), pa.string(), from_pandas=True)


def _broken(texts: pd.Series) -> np.ndarray:
    """Which texts hold a line break or a control character (``NOT_ONE_LINE``), at C speed when
    they are UTF-8 (a lone surrogate is not: then by Python)."""
    try:
        found = _text_array(texts)
    except (pa.ArrowException, UnicodeError):
        return (
            texts.str.contains(NOT_ONE_LINE.pattern, regex=True).fillna(False).to_numpy(dtype=bool)
        )
    data = found.buffers()[2]
    if data is None or not has_break_byte(np.frombuffer(data, np.uint8)):
        return np.zeros(len(texts), dtype=bool)
    broken = pc.match_substring_regex(found, NOT_ONE_LINE_RE2)
    return pc.fill_null(broken, False).to_numpy(zero_copy_only=False)


def _respondent_text(value: Any) -> str | None:
    if missing(value) or isinstance(value, bool):
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _expand(
    answers: pd.Series, where: Any, problems: list[Problem]
) -> tuple[pd.DataFrame, list[str]]:
    dicts = []
    for n, value in enumerate(answers):
        if isinstance(value, Mapping):
            dicts.append(value)
        else:
            if not missing(value):
                problems.append(
                    Problem("answers", value, t("surveys.import.data.not_a_dict"), at(where[n]))
                )
            dicts.append({})
    wide = rows_frame(dicts)
    return wide, [str(c) for c in wide.columns]


def _moments(chunk: pd.DataFrame, where: Any, problems: list[Problem]) -> Any:
    if "submitted_at" not in chunk.columns:
        return pa.nulls(len(chunk), _responses.MOMENT)
    raw = chunk["submitted_at"]
    bad = np.zeros(len(raw), dtype=bool)
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        parsed = raw
    else:
        try:
            parsed = pd.to_datetime(raw, utc=True, errors="coerce", format="mixed")
        except (TypeError, ValueError, OverflowError):
            parsed = pd.Series([_moment(v) for v in raw], index=raw.index, dtype=object)
            parsed = pd.to_datetime(parsed, utc=True)
        if not isinstance(parsed.dtype, pd.DatetimeTZDtype):  # nothing readable: naive NaT
            parsed = parsed.dt.tz_localize("UTC")
        bad = (parsed.isna() & raw.notna()).to_numpy()
    # a moment must fall within years 1-9999 in UTC (pandas reaches further than Python)
    years = parsed.dt.year
    beyond = (parsed.notna() & ((years < 1) | (years > 9999))).to_numpy()
    if beyond.any():
        parsed = parsed.mask(beyond)
        bad = bad | beyond
    for n in np.flatnonzero(bad)[:5]:
        problems.append(
            Problem("submitted_at", raw.iloc[n], t("surveys.import.data.bad_moment"), at(where[n]))
        )
    naive = parsed.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
    return pa.array(naive.to_numpy(), _responses.MOMENT, from_pandas=True)


def _moment(value: Any) -> pd.Timestamp:
    """One submission time as a moment in UTC (NaT when it is not one)."""
    if isinstance(value, bool | dict | list | tuple | set) or missing(value):
        return pd.NaT
    try:
        found = pd.to_datetime(value, utc=True, errors="coerce")
    except (TypeError, ValueError, OverflowError):
        return pd.NaT
    return found if isinstance(found, pd.Timestamp) else pd.NaT


def _durations(chunk: pd.DataFrame, where: Any, problems: list[Problem]) -> np.ndarray:
    if "duration_s" not in chunk.columns:
        return np.full(len(chunk), np.nan)
    raw = chunk["duration_s"]
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        numbers = raw.astype("float64")
    else:
        numbers = pd.to_numeric(raw.map(lambda v: v if is_number(v) else np.nan))
        numbers = numbers.astype("float64")
    bad = (numbers.isna() & raw.notna()) | (numbers < 0) | np.isinf(numbers)
    for n in np.flatnonzero(bad.to_numpy())[:5]:
        problems.append(
            Problem("duration_s", raw.iloc[n], t("surveys.import.data.bad_duration"), at(where[n]))
        )
    return numbers.to_numpy(dtype="float64", na_value=np.nan)


def _complete(chunk: pd.DataFrame) -> np.ndarray:
    """Whether each response was finished (no ``complete`` column, or a missing value: yes)."""
    if "complete" not in chunk.columns:
        return np.ones(len(chunk), dtype=bool)
    values = chunk["complete"]
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # lists, dicts
        return np.array([not _unfinished(v) for v in values], dtype=bool)
    done = np.array([not _unfinished(u) for u in uniques] + [True], dtype=bool)
    return done[np.where(codes < 0, len(uniques), codes)]


def _unfinished(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("0", "false", "no")
    return not missing(value) and not bool(value)


def _sources(chunk: pd.DataFrame, where: Any, problems: list[Problem]) -> pa.Array:
    """Where each response came from, as trimmed text ("" when not known); each distinct
    value checked once."""
    if "source" not in chunk.columns or not chunk["source"].notna().any():
        return _blank_texts(len(chunk))
    raw = chunk["source"]
    try:
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    except TypeError:  # lists, dicts: checked below as text
        codes, uniques = pd.factorize(raw.map(str), use_na_sentinel=True)
    texts = pd.Series(["" if missing(u) else str(u).strip() for u in uniques], dtype=object)
    wrong = (texts.str.len().to_numpy() > 200) | _broken(texts) if len(texts) else []
    for k in np.flatnonzero(wrong)[:5]:
        n = int(np.flatnonzero(codes == k)[0])
        problems.append(
            Problem("source", texts[k], t("surveys.import.data.bad_source"), at(where[n]))
        )
    if not any(texts):  # (no source known for any response)
        return _blank_texts(len(chunk))
    table = pa.array([*texts, ""], pa.string())
    return pc.take(table, pa.array(np.where(codes < 0, len(texts), codes)))


def _blank_texts(rows: int) -> pa.StringArray:
    """``""`` for every row (offsets only)."""
    offsets = pa.py_buffer(np.zeros(rows + 1, np.int32))
    return pa.StringArray.from_buffers(rows, offsets, pa.py_buffer(b""))
