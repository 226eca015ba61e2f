"""What the newer platform readers share (wenjuan.com, Tencent Survey, Microsoft Forms,
Typeform): metadata columns found by their headings in any of several interface languages,
and the other columns read as questions — one column per question, or several columns whose
headings share a stem (``Q3|A1``, ``3.题干:选项``, ``Question [Row]``) read as a multi-select
(one 0/1 or label column per option), a ranking or a matrix; an option's ``open`` / "other"
column becomes a text question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo

import pandas as pd

from ._base import Parsed, meta, texts
from ._columns import blank, map_categories
from ._groups import (
    OTHER,
    is_binary,
    is_rank,
    matrix_rows,
    multi_from_columns,
    other_texts,
    rank_from_columns,
)
from ._infer import MAX_OPTIONS, infer, looks_joined, order_lists, split_lists, text_answers
from ._read import Table, read
from ._times import durations, parse_times, seconds_between

#: how a heading names the question it belongs to and the option or row it holds
_STEMS = (
    re.compile(r"^(.+?)\s*\|\s*(.+)$", re.S),  # Q3|A1, Q3|A1|open
    re.compile(r"^(.*\S)\s*[\[【](.+)[\]】]\s*$", re.S),  # Question [Row]
    re.compile(r"^(.*\S)\s*[(（]([^()（）]+)[)）]\s*$", re.S),  # 题干(选项)
    re.compile(r"^(.*\S)\s*[:：]\s*(.+)$", re.S),  # 题干:选项
    re.compile(r"^(.*\S)\s+-\s+(.+)$", re.S),  # Question - Row
)
_NUMBER = re.compile(r"^\s*(?:Q\s*|第\s*)?(\d+)(?:\s*题)?\s*(?:[、.．:：)）|]|$)", re.I)
_OPEN = re.compile(r"(?:^|\|)\s*(?:open|其他|其它|填空|other)\s*$", re.I)


def key(cell: str) -> str:
    """A heading as compared with the known names: trimmed, lower case, single spaces."""
    return " ".join(str(cell).split()).lower()


def find(header: Sequence[str], names: Iterable[str], taken: set[int]) -> int | None:
    """The first column not yet taken whose heading is one of ``names``."""
    wanted = {key(n) for n in names}
    for n, cell in enumerate(header):
        if n not in taken and key(cell) in wanted:
            taken.add(n)
            return n
    return None


def header_rows(table: Table, default: int = 1) -> int:
    return table.hints.header_rows or default


def trimmed(body: pd.DataFrame, missing: set[str] = frozenset()) -> None:
    """Every column's values trimmed (answers differ by trailing spaces), ``missing``
    texts made empty."""
    for n in body.columns:
        body[n] = map_categories(body[n], lambda c: c.strip() or None)
        if missing:
            body[n] = blank(body[n], set(missing))


def seconds(column: pd.Series) -> pd.Series:
    return durations(column)


@dataclass
class _Group:
    stem: str
    columns: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def _split(cell: str) -> tuple[str, str] | None:
    for pattern in _STEMS:
        found = pattern.match(cell)
        if found:
            return found.group(1).strip(), found.group(2).strip()
    return None


def groups(header: Sequence[str], columns: Sequence[int]) -> list[_Group]:
    """Consecutive question columns whose headings share a stem form one group; any other
    column is a group of its own (its label empty). An empty heading joins the column to
    the question on its left (the heading sat above the first column only)."""
    found: list[_Group] = []
    previous: int | None = None
    for n in columns:
        cell = header[n].strip()
        adjacent = previous is not None and n == previous + 1
        previous = n
        if not cell:
            if found and adjacent:
                found[-1].columns.append(n)
                found[-1].labels.append("")
            continue
        split = _split(cell)
        if split and found and adjacent and found[-1].stem == split[0]:
            if not found[-1].labels:  # the question's own column, then its options'
                found[-1].labels = [""] * len(found[-1].columns)
            found[-1].columns.append(n)
            found[-1].labels.append(split[1])
            continue
        nxt = n + 1
        if split and nxt < len(header) and nxt in columns:
            following = _split(header[nxt].strip())
            if following and following[0] == split[0]:
                found.append(_Group(split[0], [n], [split[1]]))
                continue
        found.append(_Group(cell, [n], []))
    return found


def code_of(text: str, number: int, taken: set[str]) -> str:
    found = _NUMBER.match(text)
    code = f"Q{found.group(1)}" if found else f"Q{number}"
    return code if code not in taken else f"Q{number}"


def questions(
    parsed: Parsed,
    body: pd.DataFrame,
    header: Sequence[str],
    columns: Sequence[int],
    separators: Sequence[str] = ("┋", "|", ";", "；"),
    *,
    labels: Sequence[str] | None = None,
    start: int = 1,
) -> int:
    """Every question of these columns into ``parsed``; ``labels``: a second heading row
    (the option or row each column holds), when the export has one; ``start``: the number
    of the first (codes ``Q{n}`` when a heading gives none). Returns the next number."""
    taken: set[str] = {q["code"] for q in parsed.questions}
    number = start - 1
    for number, group in enumerate(groups(header, columns), start=start):
        code = code_of(group.stem, number, taken)
        taken.add(code)
        names = list(group.labels)
        if labels is not None:
            names = [
                labels[i] or names[k] if k < len(names) else labels[i]
                for k, i in enumerate(group.columns)
            ]
        if len(group.columns) == 1:
            label = names[0] if names else ""
            text = group.stem if not label else f"{group.stem} - {label}"
            one(parsed, code, text, body[group.columns[0]], separators)
            continue
        several(parsed, code, group.stem, [body[i] for i in group.columns], names)
    return number + 1


def one(parsed: Parsed, code: str, text: str, column: pd.Series, separators: Sequence[str]) -> None:
    for separator in separators:
        if looks_joined(column, separator):
            options, lists = split_lists(column, separator)
            if len(options) <= MAX_OPTIONS:
                parsed.add(code, text, "multi", options, order_lists(lists, options))
                return
    parsed.guess(code, text, infer(column, text))


def several(
    parsed: Parsed, code: str, text: str, columns: list[pd.Series], labels: list[str]
) -> None:
    extras = [(c, label) for c, label in zip(columns, labels, strict=True) if _OPEN.search(label)]
    items = [
        (c, label) for c, label in zip(columns, labels, strict=True) if not _OPEN.search(label)
    ]
    columns = [c for c, _ in items]
    names = [label or str(n) for n, (_, label) in enumerate(items, start=1)]
    if columns and is_binary(columns, names):
        parsed.add(code, text, "multi", names, multi_from_columns(columns, names), ordered=True)
    elif columns and is_rank(columns):
        parsed.add(code, text, "rank", names, rank_from_columns(columns, names), ordered=True)
    elif len(columns) == 1:
        label = items[0][1]
        one(parsed, code, f"{text} - {label}" if label else text, columns[0], ("┋", "|", ";"))
    elif columns:
        parsed.add(code, text, "matrix")
        for n, (guess, row) in enumerate(zip(matrix_rows(columns, names), names, strict=True), 1):
            parsed.guess(f"{code}_{n}", row, guess, parent=code)
    for n, (column, label) in enumerate(extras, start=1):
        suffix = "other" if n == 1 else f"other_{n}"
        answers = other_texts(column) if OTHER.search(label) else text_answers(column)
        parsed.add(f"{code}_{suffix}", f"{text} - {label}", "text", answers=answers)


def moments(body: pd.DataFrame, header: Sequence[str], at: int | None, zone, first_row: int):
    """The times of column ``at`` in UTC (None without the column)."""
    if at is None:
        return None
    return parse_times(body[at], zone, header[at], first_row=first_row)


def parse_named_columns(
    table: Table,
    zone: tzinfo | None,
    platform: str,
    names: dict[str, Sequence[str]],
    ignored: Sequence[str] = (),
) -> Parsed:
    """A one-row-per-respondent export whose metadata columns are found by their headings:
    ``names`` gives the headings of ``id``, ``source``, ``start``, ``finish`` and
    ``duration`` (any may be absent from the file), ``ignored`` those not stored. Every other
    column is a question. The finish time is the submission, and a response with none is
    incomplete; the duration is the file's, else finish - start."""
    rows = header_rows(table)
    heading, body = read(table, rows)
    header = heading[0]
    trimmed(body)
    taken: set[int] = set()
    at = {role: find(header, names.get(role, ()), taken) for role in ROLES}
    while ignored and find(header, ignored, taken) is not None:
        pass
    start = moments(body, header, at["start"], zone, rows + 1)
    finish = moments(body, header, at["finish"], zone, rows + 1)
    if at["duration"] is not None:
        duration = seconds(body[at["duration"]])
    elif start is not None and finish is not None:
        duration = seconds_between(start, finish)
    else:
        duration = None
    parsed = Parsed(platform)
    parsed.details["header_rows"] = rows
    parsed.meta = meta(
        len(body),
        texts(body[at["id"]]) if at["id"] is not None else None,
        finish,
        duration,
        texts(body[at["source"]]) if at["source"] is not None else None,
        finish.notna().to_numpy() if finish is not None else None,
    )
    columns = [n for n in range(len(header)) if n not in taken]
    questions(parsed, body, header, columns)
    parsed.keep_rows(parsed.meta["respondent"].notna().to_numpy())
    return parsed


#: the metadata a ``parse_named_columns`` export may have, in the order they are looked for
ROLES = ("id", "source", "start", "finish", "duration")
