"""A plain table of responses: one header row, one row per respondent (CSV, TSV, Excel).

Taken only when ``--survey`` (``survey=``) names the survey, since almost any table would
fit. A column named like ``id``, ``respondent``, ``编号`` with a distinct value in every row
gives the respondent ids, else the row numbers do (``1, 2, ...``: import a grown file again
and only the new rows at its end are added). Columns named like ``submitted_at``,
``timestamp``, ``提交时间`` / ``duration``, ``用时`` / ``source``, ``来源`` fill the response's
metadata. Every other column is a question; a header that looks like a code (``Q1``,
``satisfaction``) is its code, ``3、题干`` or ``3. text`` gives ``Q3``, any other ``Q{n}``.
Multi-select answers joined with ``┋``, ``;`` or ``|`` are split.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import tzinfo
from typing import Any

import pandas as pd

from ...i18n import t
from ._base import META_COLUMNS, Parsed, meta, texts
from ._columns import counts
from ._infer import Guess, infer, looks_joined, order_lists, split_lists
from ._read import Table, read
from ._times import durations, parse_times

NAME = "survey_table"
PLATFORM = "table"  # no platform: headings numbered by position, not stable ids
NEEDS_SURVEY = True
IDS = {
    "id",
    "respondent",
    "respondent id",
    "respondent_id",
    "respondentid",
    "response id",
    "response_id",
    "responseid",
    "user id",
    "user_id",
    "受访者",
    "受访者编号",
    "受访者id",
    "编号",
    "序号",
    "答卷编号",
    "样本编号",
}
TIMES = {
    "submitted_at",
    "submitted",
    "timestamp",
    "submit time",
    "submission time",
    "date submitted",
    "submitdate",
    "end date",
    "enddate",
    "recorded date",
    "recordeddate",
    "提交时间",
    "提交答卷时间",
    "完成时间",
    "填写时间",
    "时间戳",
}
DURATIONS = {
    "duration",
    "duration_s",
    "duration (in seconds)",
    "seconds",
    "time taken",
    "用时",
    "所用时间",
    "耗时",
    "答题时长",
    "答题用时",
}
SOURCES = {"source", "channel", "来源", "渠道"}
SEPARATORS = ("┋", ";", "|", "；")
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.#\[\]-]{0,39}$")
_NUMBERED = re.compile(r"^(?:Q\s*)?(\d+)\s*[、.．)）:：]\s*\S")


def label() -> str:
    return t("surveys.import.kind.survey_table")


def describe() -> str:
    return t("surveys.import.describe.survey_table")


def sniff(table: Table) -> bool:
    header = [c for c in table.header if c]
    rows = len(table.rows) >= 2 or not table.complete  # a heading longer than the peek
    return len(header) >= 2 and len(set(header)) == len(header) and rows


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    header_rows, body = read(table, table.hints.header_rows or 1)
    # several heading rows (the user said so): each column's non-empty headings joined
    header = [" - ".join(c for c in cells if c) for cells in zip(*header_rows, strict=True)]
    keys = [c.strip().lower() for c in header]
    parsed = Parsed(PLATFORM)
    rows = len(body)
    used_columns: set[int] = set()

    def find(names: set[str]) -> int | None:
        for n, key in enumerate(keys):
            if key in names and n not in used_columns:
                used_columns.add(n)
                return n
        return None

    respondent = None
    for n, key in enumerate(keys):
        if key in IDS:
            values = texts(body[n])
            if values.notna().all() and counts(values).max(initial=0) <= 1:  # each id once
                respondent = values
                used_columns.add(n)
                break
    when, duration, source = find(TIMES), find(DURATIONS), find(SOURCES)
    asked = [(n, cell) for n, cell in enumerate(header) if n not in used_columns and cell]
    # the times and each question's column understood on either core (numpy and Arrow let
    # go of the GIL on whole columns), then added in the file's order
    with ThreadPoolExecutor(max_workers=2) as pool:

        def task(func: Callable[..., Any], *args: Any) -> Future:
            return pool.submit(contextvars.copy_context().run, func, *args)

        times = task(parse_times, body[when], zone, header[when]) if when is not None else None
        tasks = [task(_understood, body[n], cell) for n, cell in asked]
        parsed.meta = meta(
            rows,
            respondent,
            times.result() if times is not None else None,
            durations(body[duration]) if duration is not None else None,
            texts(body[source]) if source is not None else None,
        )
        for number, ((_n, cell), found) in enumerate(zip(asked, tasks, strict=True), start=1):
            _question(parsed, _code(cell, number), cell, found.result())
    parsed.details["respondent_ids"] = "column" if respondent is not None else "row numbers"
    return parsed


def _code(cell: str, number: int) -> str:
    numbered = _NUMBERED.match(cell)
    if numbered:
        return f"Q{numbered.group(1)}"
    if _CODE.match(cell) and cell not in META_COLUMNS:
        return cell
    return f"Q{number}"


def _understood(column: pd.Series, text: str) -> tuple[list[str], pd.Series] | Guess:
    """A column's answers: choices joined by a separator (options and ordered lists), or
    what inference makes of them."""
    for separator in SEPARATORS:
        if looks_joined(column, separator):
            options, lists = split_lists(column, separator)
            return options, order_lists(lists, options)
    return infer(column, text)


def _question(
    parsed: Parsed, code: str, text: str, found: tuple[list[str], pd.Series] | Guess
) -> None:
    if isinstance(found, tuple):
        parsed.add(code, text, "multi", *found)
    else:
        parsed.guess(code, text, found)
