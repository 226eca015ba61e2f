"""LimeSurvey CSV exports, with question codes or full question texts as headings.

Metadata columns ``id, submitdate, lastpage, startlanguage, seed`` (full headings: ``Response
ID, Date submitted, Last page, Start language, Seed``), maybe ``startdate, datestamp,
ipaddr, refurl, token, interviewtime`` and timing columns. Sub-questions are ``Q1[SQ001]``
(full headings: ``Question text [Option]``): a multiple choice holds ``Y`` (``Yes``) or
nothing per option; an array holds an answer per row; a ranking ``Q5[1], Q5[2]...`` holds
the option ranked 1st, 2nd...; ``[other]`` and ``[comment]`` hold free text. Answers are
codes (``A1``) or full answers, as chosen at export.

Codes are the LimeSurvey codes (``Q1``, array rows ``Q2[SQ001]``); with full-text headings
``Q1, Q2...`` in order (rows ``Q2_1``...). The respondent is ``id``; submitted at
``submitdate`` (local time; empty for incomplete responses); the duration ``interviewtime``
when timings were exported, else ``datestamp`` - ``startdate``.
"""

from __future__ import annotations

import re
from datetime import tzinfo

import numpy as np
import pandas as pd

from ...i18n import t
from ._base import Parsed, meta, texts
from ._groups import answered, is_binary, matrix_rows, multi_from_columns, used
from ._infer import infer, text_answers
from ._read import Table, durations, parse_times, read, seconds_between

NAME = "limesurvey"
PLATFORM = "limesurvey"
#: metadata: code heading -> full heading
META = {
    "id": "Response ID",
    "submitdate": "Date submitted",
    "lastpage": "Last page",
    "startlanguage": "Start language",
    "seed": "Seed",
    "startdate": "Date started",
    "datestamp": "Date last action",
    "ipaddr": "IP address",
    "refurl": "Referrer URL",
    "token": "Token",
    "interviewtime": "Total time",
}
_FULL = {v.lower(): k for k, v in META.items()}
_TIMING = re.compile(r"Time$|^Group time:|^Question time:", re.I)
_SUB = re.compile(r"^(.*?)\s*\[(.+)\]\s*$", re.S)
_RANKING = re.compile(r"^(?:Ranking\s*)?(\d+)$", re.I)
_OTHER = {"other", "其他"}
_COMMENT = {"comment", "评论"}


def label() -> str:
    return t("surveys.import.kind.limesurvey")


def describe() -> str:
    return t("surveys.import.describe.limesurvey")


def _meta_key(cell: str) -> str | None:
    if cell in META:
        return cell
    return _FULL.get(cell.strip().lower())


def sniff(table: Table) -> bool:
    keys = {_meta_key(c) for c in table.header}
    return {"id", "submitdate", "lastpage", "startlanguage"} <= keys


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    header_rows, body = read(table, 1)
    header = header_rows[0]
    full = "Response ID" in header
    where = {key: n for n, cell in enumerate(header) if (key := _meta_key(cell))}
    timings = "interviewtime" in where

    def moment(key: str) -> pd.Series | None:
        if key not in where:
            return None
        return parse_times(body[where[key]], zone, header[where[key]])

    start, last = moment("startdate"), moment("datestamp")
    if timings:
        duration = durations(body[where["interviewtime"]])
    elif start is not None and last is not None:
        duration = seconds_between(start, last)
    else:
        duration = None
    parsed = Parsed(PLATFORM)
    parsed.meta = meta(len(body), texts(body[where["id"]]), moment("submitdate"), duration)
    columns = [
        (n, cell)
        for n, cell in enumerate(header)
        if cell and n not in where.values() and not (timings and _TIMING.search(cell))
    ]
    number = 0
    n = 0
    while n < len(columns):
        index, cell = columns[n]
        number += 1
        sub = _SUB.match(cell)
        if not sub:
            code = f"Q{number}" if full else cell
            parsed.guess(code, cell, infer(body[index], cell))
            n += 1
            continue
        group = [(index, sub.group(2).strip())]
        while n + len(group) < len(columns):
            nxt = _SUB.match(columns[n + len(group)][1])
            if not nxt or nxt.group(1) != sub.group(1):
                break
            group.append((columns[n + len(group)][0], nxt.group(2).strip()))
        base = f"Q{number}" if full else sub.group(1)
        _group(parsed, body, base, sub.group(1), group, full)
        n += len(group)
    parsed.keep_rows(parsed.meta["respondent"].notna().to_numpy())
    return parsed


def _group(
    parsed: Parsed,
    body: pd.DataFrame,
    base: str,
    text: str,
    group: list[tuple[int, str]],
    full: bool,
) -> None:
    extras = [(i, s) for i, s in group if s.lower() in _OTHER | _COMMENT]
    items = [(i, s) for i, s in group if s.lower() not in _OTHER | _COMMENT]
    columns = [body[i] for i, _ in items]
    labels = [s for _, s in items]
    if items and all(_RANKING.match(s) for s in labels) and _distinct_rows(columns):
        parsed.add(base, text, "rank", _ranked_options(columns), _ranking(columns), ordered=True)
    elif items and is_binary(columns):
        parsed.add(base, text, "multi", labels, multi_from_columns(columns, labels), ordered=True)
    elif items:
        parsed.add(base, text, "matrix")
        for n, ((_i, sub), guess) in enumerate(
            zip(items, matrix_rows(columns, labels), strict=True), start=1
        ):
            code = f"{base}_{n}" if full else f"{base}[{sub}]"
            parsed.guess(code, sub, guess, parent=base)
    for index, sub in extras:
        kind = "other" if sub.lower() in _OTHER else "comment"
        code = f"{base}_{kind}" if full else f"{base}[{sub}]"
        parsed.add(code, f"{text} [{sub}]", "text", answers=text_answers(body[index]))


def _distinct_rows(columns: list[pd.Series]) -> bool:
    frame = pd.DataFrame({n: c.astype(object) for n, c in enumerate(columns)})
    for row in frame.drop_duplicates().itertuples(index=False):
        found = [v for v in row if isinstance(v, str)]
        if len(found) != len(set(found)):
            return False
    return any(len(used(c)) for c in columns)


def _ranked_options(columns: list[pd.Series]) -> list[str]:
    options: list[str] = []
    for column in columns:
        options += [v for v in used(column) if v not in options]
    return options


def _ranking(columns: list[pd.Series]) -> pd.Series:
    frame = pd.DataFrame({n: c.astype(object) for n, c in enumerate(columns)})
    keys, uniques = pd.factorize(pd.Series(list(frame.itertuples(index=False, name=None))))
    table = np.empty(len(uniques) + 1, dtype=object)
    for k, row in enumerate(uniques):
        table[k] = [v.strip() for v in row if isinstance(v, str) and v.strip()]
    table[-1] = np.nan
    keys = np.where(answered(columns), keys, len(uniques))
    return pd.Series(table[keys], dtype=object)
