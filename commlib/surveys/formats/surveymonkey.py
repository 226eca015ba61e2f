"""SurveyMonkey exports (CSV or Excel), expanded or condensed.

Two header rows: ``Respondent ID, Collector ID, Start Date, End Date, IP Address, Email
Address, First Name, Last Name, Custom Data 1``, then the question texts, where a question
spanning several columns leaves the following cells empty; row 2 holds what each column is
(``Response``, ``Open-Ended Response``, an option, a matrix row, ``Other (please specify)``).
Expanded: a multi-select is one column per option, holding the option's text when chosen.
Condensed: one column per question, a multi-select's choices joined in one cell.

Codes are ``Q1, Q2, ...`` in question order (matrix rows ``Q3_1``...); the respondent is
``Respondent ID``; submitted at ``End Date`` (local time); duration end - start; the source
is the collector. Names and e-mail addresses are not stored.
"""

from __future__ import annotations

import re
from datetime import tzinfo

import pandas as pd

from ...i18n import t
from ._base import Parsed, meta, texts
from ._groups import is_binary, is_rank, matrix_rows, multi_from_columns, rank_from_columns
from ._infer import infer, looks_joined, order_lists, split_lists, text_answers
from ._read import Table, parse_times, read, seconds_between

NAME = "surveymonkey"
PLATFORM = "surveymonkey"
META = {
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "LastName",
    "FirstName",
}
_CUSTOM = re.compile(r"^Custom Data( \d+)?$|^Custom Variable", re.I)
_OTHER = re.compile(r"^(?:Other \(please specify\)|其他（请注明）|其他\(请注明\)|Other)$", re.I)
_RESPONSE = {"Response", "Open-Ended Response", "回复", "开放式回复", ""}
#: how a condensed export may join a multi-select's choices
SEPARATORS = ("\n", ";", " | ", ", ")


def label() -> str:
    return t("surveys.import.kind.surveymonkey")


def describe() -> str:
    return t("surveys.import.describe.surveymonkey")


def sniff(table: Table) -> bool:
    header = table.header
    return bool(header) and header[0] == "Respondent ID" and "Collector ID" in header


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    header_rows, body = read(table, 2)
    first, second = header_rows
    title = table.sheet if table.sheet and not table.sheet.lower().startswith("sheet") else ""
    parsed = Parsed(PLATFORM, title=title)
    where = {name: n for n, name in enumerate(first) if name in META}
    start = _times(body, where, "Start Date", zone)
    end = _times(body, where, "End Date", zone)
    parsed.meta = meta(
        len(body),
        texts(body[where["Respondent ID"]]),
        end,
        seconds_between(start, end) if start is not None and end is not None else None,
        texts(body[where["Collector ID"]]) if "Collector ID" in where else None,
    )
    for number, (text, columns) in enumerate(_questions(first), start=1):
        labels = [second[i] for i in columns]
        _question(parsed, f"Q{number}", text, [body[i] for i in columns], labels)
    parsed.keep_rows(parsed.meta["respondent"].notna().to_numpy())
    return parsed


def _times(
    body: pd.DataFrame, where: dict[str, int], name: str, zone: tzinfo | None
) -> pd.Series | None:
    if name not in where:
        return None
    return parse_times(body[where[name]], zone, name, first_row=3)


def _questions(first: list[str]) -> list[tuple[str, list[int]]]:
    found: list[tuple[str, list[int]]] = []
    inside = False
    for index, cell in enumerate(first):
        if cell in META or _CUSTOM.match(cell):
            inside = False
            continue
        if cell:
            found.append((cell, [index]))
            inside = True
        elif inside:
            found[-1][1].append(index)
    return found


def _question(
    parsed: Parsed, code: str, text: str, columns: list[pd.Series], labels: list[str]
) -> None:
    other, other_label = None, ""
    if len(columns) > 1 and _OTHER.match(labels[-1]):
        other, other_label = columns[-1], labels[-1]
        columns, labels = columns[:-1], labels[:-1]
    if len(columns) == 1:
        _one(parsed, code, text, columns[0], labels[0])
    elif is_binary(columns, labels):
        parsed.add(code, text, "multi", labels, multi_from_columns(columns, labels), ordered=True)
    elif is_rank(columns):
        parsed.add(code, text, "rank", labels, rank_from_columns(columns, labels), ordered=True)
    else:
        guesses = matrix_rows(columns, labels)
        if all(g.type == "text" for g in guesses):
            for n, (guess, item) in enumerate(zip(guesses, labels, strict=True), start=1):
                parsed.guess(f"{code}_{n}", f"{text} - {item}", guess)
        else:
            parsed.add(code, text, "matrix")
            for n, (guess, item) in enumerate(zip(guesses, labels, strict=True), start=1):
                parsed.guess(f"{code}_{n}", item, guess, parent=code)
    if other is not None:
        answers = text_answers(other)
        parsed.add(f"{code}_other", f"{text} - {other_label}", "text", answers=answers)


def _one(parsed: Parsed, code: str, text: str, column: pd.Series, label_: str) -> None:
    if label_ not in _RESPONSE:
        text = f"{text} - {label_}"
    for separator in SEPARATORS:
        if looks_joined(column, separator):
            options, lists = split_lists(column, separator)
            parsed.add(code, text, "multi", options, order_lists(lists, options))
            return
    parsed.guess(code, text, infer(column, text))
