"""Typeform responses (the CSV or Excel download).

One header row (some downloads two: the question over its first column, the choice under
each): ``#`` (the response token; ``Response ID`` / ``Token`` in newer downloads), one
column per question headed by its text (``{{field:…}}`` / ``{{hidden:…}}`` placeholders stand
for earlier answers), hidden fields, then ``Response Type``, ``Start Date (UTC)``, ``Stage
Date (UTC)``, ``Submit Date (UTC)``, ``Network ID``, ``Tags``. A multi-select is one column
per choice, holding the choice's label when chosen.

Codes are ``Q1, Q2, ...`` in order; the respondent is ``#``; submitted at ``Submit Date
(UTC)`` (UTC); the duration submit - start. ``Response Type`` ``partial`` (or no submit
date) marks an unfinished response. Network ids and tags are not stored.
"""

from __future__ import annotations

import re
from datetime import tzinfo
from zoneinfo import ZoneInfo

import pandas as pd

from ...i18n import t
from . import _layout
from ._base import Parsed, meta, texts
from ._columns import per_value
from ._groups import is_binary, multi_from_columns, used
from ._read import Table, read
from ._times import seconds_between

NAME = "typeform"
PLATFORM = "typeform"
IDS = ("#", "response id", "token", "response_id")
STARTS = ("start date (utc)", "start date")
STAGES = ("stage date (utc)", "stage date")
SUBMITS = ("submit date (utc)", "submit date", "submitted at")
NETWORK = ("network id",)
TYPES = ("response type",)
IGNORED = ("tags", "ending", "ending id")
_PLACEHOLDER = re.compile(r"\{\{\s*(?:field|hidden|var|variable):[^}]*\}\}")


def label() -> str:
    return t("surveys.layouts.kind.typeform")


def describe() -> str:
    return t("surveys.layouts.describe.typeform")


def sniff(table: Table) -> bool:
    keys = {_layout.key(c) for c in table.header}
    if not keys & set(IDS):
        return False
    dates = bool(keys & set(SUBMITS)) and bool(keys & set(STARTS))
    return dates and (bool(keys & set(NETWORK)) or "start date (utc)" in keys)


def _two_rows(table: Table) -> bool:
    """A second heading row: nothing under the id and the dates, labels under questions."""
    header, second = table.header, table.row(1)
    where = [n for n, c in enumerate(header) if _layout.key(c) in set(IDS) | set(SUBMITS)]
    return bool(any(second)) and all(not second[n] for n in where)


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    rows = table.hints.header_rows or (2 if _two_rows(table) else 1)
    header_rows, body = read(table, rows)
    header = [_PLACEHOLDER.sub("…", c) for c in header_rows[0]]
    labels = header_rows[1] if rows >= 2 else None
    _layout.trimmed(body)
    taken: set[int] = set()
    at = {
        "id": _layout.find(header, IDS, taken),
        "start": _layout.find(header, STARTS, taken),
        "stage": _layout.find(header, STAGES, taken),
        "submit": _layout.find(header, SUBMITS, taken),
        "network": _layout.find(header, NETWORK, taken),
        "type": _layout.find(header, TYPES, taken),
    }
    while _layout.find(header, IGNORED, taken) is not None:
        pass
    utc = ZoneInfo("UTC")
    start = _layout.moments(body, header, at["start"], utc, rows + 1)
    submit = _layout.moments(body, header, at["submit"], utc, rows + 1)
    complete = submit.notna().to_numpy() if submit is not None else None
    if at["type"] is not None:
        kinds = per_value(body[at["type"]], lambda v: v.strip().lower() != "partial", True)
        complete = kinds.astype(bool)  # "completed" / "partial" says it outright
    parsed = Parsed(PLATFORM)
    parsed.details["header_rows"] = rows
    parsed.meta = meta(
        len(body),
        texts(body[at["id"]]) if at["id"] is not None else None,
        submit,
        seconds_between(start, submit) if start is not None and submit is not None else None,
        complete=complete,
    )
    columns = [n for n in range(len(header)) if n not in taken]
    if labels is not None:
        _layout.questions(parsed, body, header, columns, (",",), labels=labels)
    else:
        _questions(parsed, body, header, columns)
    parsed.keep_rows(parsed.meta["respondent"].notna().to_numpy())
    return parsed


def _own_label(column: pd.Series, heading: str) -> bool:
    """The column holds only its own heading (a choice of a multi-select), when anything."""
    values = used(column)
    return bool(values) and all(v.strip() == heading.strip() for v in values)


def _questions(parsed: Parsed, body: pd.DataFrame, header: list[str], columns: list[int]) -> None:
    """Runs of columns that each hold only their own heading are one multi-select (its
    choices); every other column goes through the shared reader."""
    n = 0
    number = 1
    pending: list[int] = []
    while n < len(columns):
        index = columns[n]
        run = [index]
        while (
            n + len(run) < len(columns)
            and _own_label(body[index], header[index])
            and _own_label(body[columns[n + len(run)]], header[columns[n + len(run)]])
        ):
            run.append(columns[n + len(run)])
        if len(run) > 1:
            if pending:
                number = _layout.questions(parsed, body, header, pending, (",",), start=number)
                pending = []
            choices = [header[i] for i in run]
            parts = [body[i] for i in run]
            text = " / ".join(choices)[:300]
            if is_binary(parts, choices):
                answers = multi_from_columns(parts, choices)
                parsed.add(f"Q{number}", text, "multi", choices, answers, ordered=True)
                number += 1
            else:
                pending += run
            n += len(run)
            continue
        pending.append(index)
        n += 1
    if pending:
        _layout.questions(parsed, body, header, pending, (",",), start=number)
