"""Google Forms responses (the linked sheet, downloaded as CSV or Excel).

One header row: ``Timestamp`` first (localised: ``时间戳``, ``時間戳記``, ``Marca temporal``...),
then one column per question headed by its text. Checkbox answers are joined with ``, ``;
grid questions are one column per row, ``Question [Row]``.

Codes are ``Q1, Q2, ...`` in question order (grid rows ``Q3_1``...). Google Forms has no
respondent id, so a respondent is named by a hash of the whole row (timestamp and answers):
importing the sheet again, or a later download with more rows, adds only the new rows.
The e-mail address and quiz score columns are not stored.
"""

from __future__ import annotations

import re
from datetime import tzinfo

import pandas as pd

from ...i18n import t
from ._base import Parsed, meta
from ._groups import matrix_rows
from ._infer import infer, looks_joined, order_lists, split_lists
from ._read import Table, read
from ._times import parse_times

NAME = "google_forms"
PLATFORM = "google_forms"
TIMESTAMP = {
    "timestamp",
    "时间戳",
    "時間戳記",
    "时间戳记",
    "marca temporal",
    "horodateur",
    "zeitstempel",
    "タイムスタンプ",
    "carimbo de data/hora",
    "informazioni cronologiche",
}
#: columns that are about the respondent, not answers
PERSONAL = {
    "email address",
    "email",
    "电子邮件地址",
    "电子邮箱地址",
    "電子郵件地址",
    "score",
    "分数",
    "得分",
    "username",
    "用户名",
}
_GRID = re.compile(r"^(.*\S)\s*\[(.+)\]\s*$", re.S)
SEPARATOR = ", "


def label() -> str:
    return t("surveys.import.kind.google_forms")


def describe() -> str:
    return t("surveys.import.describe.google_forms")


def sniff(table: Table) -> bool:
    header = table.header
    return bool(header) and header[0].strip().lower() in TIMESTAMP and len(header) >= 2


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    header_rows, body = read(table, table.hints.header_rows or 1)
    header = header_rows[0]
    parsed = Parsed(PLATFORM)
    hashes = pd.util.hash_pandas_object(body, index=False).to_numpy()  # before any cleaning
    respondent = pd.Series([f"gf-{h:016x}" for h in hashes.tolist()], dtype=object)
    parsed.meta = meta(len(body), respondent, parse_times(body[0], zone, header[0]))
    number = 0
    index = 1
    while index < len(header):
        cell = header[index]
        if not cell or cell.strip().lower() in PERSONAL:
            index += 1
            continue
        number += 1
        code = f"Q{number}"
        grid = _GRID.match(cell)
        if grid:
            group = [index]
            while index + len(group) < len(header):
                nxt = _GRID.match(header[index + len(group)])
                if not nxt or nxt.group(1) != grid.group(1):
                    break
                group.append(index + len(group))
            _grid(parsed, code, grid.group(1), body, header, group)
            index += len(group)
            continue
        _question(parsed, code, cell, body[index])
        index += 1
    parsed.details["header_rows"] = table.hints.header_rows or 1
    return parsed


def _question(parsed: Parsed, code: str, text: str, column: pd.Series) -> None:
    if looks_joined(column, SEPARATOR):
        options, lists = split_lists(column, SEPARATOR)
        parsed.add(code, text, "multi", options, order_lists(lists, options))
        return
    parsed.guess(code, text, infer(column, text))


def _grid(
    parsed: Parsed, code: str, text: str, body: pd.DataFrame, header: list[str], group: list[int]
) -> None:
    rows = [_GRID.match(header[i]).group(2).strip() for i in group]  # type: ignore[union-attr]
    columns = [body[i] for i in group]
    parsed.add(code, text, "matrix")
    if any(looks_joined(c, SEPARATOR) for c in columns):  # a checkbox grid
        for n, (column, row) in enumerate(zip(columns, rows, strict=True), start=1):
            options, lists = split_lists(column, SEPARATOR)
            parsed.add(f"{code}_{n}", row, "multi", options, order_lists(lists, options), code)
        return
    for n, (guess, row) in enumerate(zip(matrix_rows(columns, rows), rows, strict=True), start=1):
        parsed.guess(f"{code}_{n}", row, guess, parent=code)
