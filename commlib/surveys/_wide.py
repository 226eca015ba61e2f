"""Stored responses as rows of the wide frame (``data.responses_frame``): a survey's batches,
read as one Arrow table, become one column per question in its type's dtype.

The columns stored in their type's own form are converted by Arrow at once (numbers to
float64, single choices from their dictionary to a Categorical); answers stored as JSON are
converted per distinct value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import _responses
from ..models import Survey
from ._answers import LIST_TYPES, NUMBER_TYPES, Unhashable, hashable, is_number, text_of


def frame_run(
    run: list[tuple[Survey, pa.Table]],
    columns: list[str],
    types: dict[str, str],
    options: dict[str, list[str]],
    categories: dict[str, list[str]],
) -> pd.DataFrame:
    """Batches of one survey read with the same columns (``run``) as rows of the wide frame."""
    table = pa.concat_tables([t for _survey, t in run])
    return _frame_chunk(table, run[0][0], columns, types, options, categories)


def _frame_chunk(
    table: pa.Table,
    survey: Survey,
    columns: list[str],
    types: dict[str, str],
    options: dict[str, list[str]],
    categories: dict[str, list[str]],
) -> pd.DataFrame:
    """Responses of one survey as rows of the wide frame: the columns stored in their
    type's own form are converted by Arrow at once, the others value by value."""
    rows = table.num_rows
    arrays: dict[str, Any] = {
        "response_id": table.column("id"),
        "survey_id": pa.array(np.full(rows, survey.id, dtype="int64")),
        "survey": pa.repeat(pa.scalar(survey.name, pa.string()), rows),
        "wave": pa.repeat(pa.scalar(survey.wave, pa.string()), rows),
        "respondent": table.column("respondent"),
        "submitted_at": table.column("submitted_at"),
        "duration_s": pc.cast(table.column("duration_s"), pa.float64()),
        "source": table.column("source"),
        "complete": table.column("complete"),
    }
    slow: dict[str, pd.Series] = {}
    for code in columns:
        name, kind = _responses.PREFIX + code, types[code]
        column = table.column(name) if name in table.column_names else None
        stored = None if column is None or _responses.is_json(table, name) else column.type
        if stored is None:
            values = _responses.values(table, name) if column is not None else [None] * rows
            arrays[code] = pa.nulls(rows)
            slow[code] = _as_frame_column(
                pd.Series(values, dtype=object), kind, options[code], categories.get(code)
            )
        elif kind in NUMBER_TYPES and (pa.types.is_integer(stored) or pa.types.is_floating(stored)):
            arrays[code] = pc.cast(column, pa.float64())
        elif kind == "text" and pa.types.is_string(stored):
            arrays[code] = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        elif kind == "single" and code in categories and _is_texts(stored):
            arrays[code] = column if pa.types.is_dictionary(stored) else column.dictionary_encode()
        else:
            values = _responses.values(table, name)
            arrays[code] = pa.nulls(rows)
            slow[code] = _as_frame_column(
                pd.Series(values, dtype=object), kind, options[code], categories.get(code)
            )
    frame = pa.table(arrays).to_pandas()
    for code in columns:
        if code in slow:
            frame[code] = slow[code]
        elif types[code] == "single" and code in categories:
            frame[code] = _with_categories(frame[code], categories[code])
    frame["submitted_at"] = frame["submitted_at"].astype("datetime64[us, UTC]")
    return frame


def _with_categories(values: pd.Series, categories: list[str]) -> pd.Series:
    """A single choice's answers with the codebook's options as categories, then the
    answers that are none of them, sorted (``categories`` grows by those)."""
    values = values.cat.remove_categories([c for c in values.cat.categories if c == ""])
    used = values.cat.categories[np.unique(values.cat.codes[values.cat.codes >= 0])]
    known = set(categories)
    categories += sorted(set(used) - known)
    return values.cat.set_categories(categories)


def _is_texts(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or (
        pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type)
    )


def _as_frame_column(
    values: pd.Series, kind: str, options: list[str], categories: list[str] | None
) -> pd.Series:
    """One question's answers as read from JSON, in the frame's dtype for its type."""
    values = values.reset_index(drop=True)
    if kind in LIST_TYPES:
        return values.map(lambda v: v if isinstance(v, list) else np.nan).astype(object)
    if kind in NUMBER_TYPES:
        position = {o: i + 1 for i, o in enumerate(options)} if kind == "likert" else {}

        def number(v: Any) -> Any:
            if isinstance(v, str):
                return position.get(v, np.nan)
            return v if is_number(v) else np.nan

        return pd.Series(_per_value(values, number), dtype="float64")
    texts = _per_value(values, text_of)
    if kind == "single" and categories is not None:
        known = set(categories)
        categories += sorted({v for v in pd.unique(texts) if isinstance(v, str)} - known)
        return pd.Series(pd.Categorical(texts, categories=categories))
    return pd.Series(texts, dtype="str")


def _per_value(values: pd.Series, func: Any) -> np.ndarray:
    """``func`` over the distinct values of a column (lists are left out: NaN)."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # lists where a single value belongs
        codes, uniques = pd.factorize(values.map(hashable), use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [np.nan if isinstance(u, tuple | Unhashable) else func(u) for u in uniques]
    table[-1] = np.nan
    return table[np.where(codes < 0, len(uniques), codes)]


def join_parts(
    parts: list[pd.DataFrame],
    columns: list[str],
    types: dict[str, str],
    categories: dict[str, list[str]],
) -> pd.DataFrame:
    """The parts as one frame, each single choice with the same categories (without parts,
    an empty frame with the columns and dtypes a full one has)."""
    if not parts:
        empty: dict[str, Any] = {
            "response_id": pd.Series(dtype="int64"),
            "survey_id": pd.Series(dtype="int64"),
            "survey": pd.Series(dtype="str"),
            "wave": pd.Series(dtype="str"),
            "respondent": pd.Series(dtype="str"),
            "submitted_at": pd.Series(dtype="datetime64[us, UTC]"),
            "duration_s": pd.Series(dtype="float64"),
            "source": pd.Series(dtype="str"),
            "complete": pd.Series(dtype=bool),
        }
        for code in columns:
            kind = types[code]
            if kind in NUMBER_TYPES:
                empty[code] = pd.Series(dtype="float64")
            elif kind == "single":
                empty[code] = pd.Series(pd.Categorical([], categories=categories[code]))
            elif kind in LIST_TYPES:
                empty[code] = pd.Series(dtype=object)
            else:
                empty[code] = pd.Series(dtype="str")
        return pd.DataFrame(empty)
    for part in parts:
        for code, cats in categories.items():
            part[code] = part[code].cat.set_categories(cats)
    return pd.concat(parts, ignore_index=True)
