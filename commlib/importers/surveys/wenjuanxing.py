"""Wenjuanxing (问卷星) exports: readable (答案文本) and coded (original, 选项序号).

Layout: six metadata columns ``序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP``, then one
column per question headed ``1、题干``. The readable file joins a multi-select answer with
``┋`` and a ranking with ``→``; the coded file gives choice numbers, and one 0/1 column per
option (``第6题(选项)``); matrix rows are ``第N题(子项)`` columns in both. ``-2``/``-3``
(coded) and ``(跳过)``/``(空)`` (readable) are skipped / not shown. "Other, please specify"
text (``其他【请注明】〖…〗`` or ``3^…``) goes to a text question ``Q6_other``.

Codes: ``Q{N}``; matrix rows ``Q{N}_{i}``. The respondent id is ``序号``. Times are the
machine's local time; ``所用时间`` (``125秒``, ``2分5秒``) becomes seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import tzinfo

import numpy as np
import pandas as pd

from ...i18n import t
from ._base import SKIPPED, Parsed, meta, texts
from ._columns import blank
from ._groups import (
    OTHER,
    is_binary,
    is_rank,
    matrix_rows,
    multi_from_columns,
    other_texts,
    rank_from_columns,
    used,
)
from ._infer import all_numbers, infer, order_lists, single_answers, split_lists
from ._read import Table, read
from ._times import durations, parse_times

NAME = "wenjuanxing"
PLATFORM = "wenjuanxing"
META = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP")
#: other columns some exports add that are not questions
IGNORED = {"来源详情", "来自IP", "总分", "用户ID", "微信昵称", "答题序号", "IP"}
MULTI = "┋"
RANK = "→"

_QUESTION = re.compile(r"^(\d+)\s*[、.．]\s*(.*)$", re.S)
_SUB = re.compile(r"^(?:第\s*)?(\d+)\s*(?:题)?\s*[(（](.*)[)）]\s*$", re.S)
_OTHER_TEXT = re.compile(r"^(.*?)\s*〖(.*)〗\s*$", re.S)
_CODED_OTHER = re.compile(r"^\s*(-?\d+)\s*\^(.*)$", re.S)


def label() -> str:
    return t("surveys.import.kind.wenjuanxing")


def describe() -> str:
    return t("surveys.import.describe.wenjuanxing")


def sniff(table: Table) -> bool:
    header = table.header
    return (
        "序号" in header[:3]
        and "提交答卷时间" in header
        and ("所用时间" in header or "来源" in header)
    )


@dataclass
class _Group:
    number: int
    text: str
    columns: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    split: bool = False  # one column per option or row (第N题(…))


def _groups(header: list[str]) -> tuple[list[_Group], list[tuple[int, str]]]:
    groups: list[_Group] = []
    others: list[tuple[int, str]] = []
    for index, cell in enumerate(header):
        if cell in META or cell in IGNORED or not cell:
            continue
        sub = _SUB.match(cell)
        question = _QUESTION.match(cell)
        if sub and not question:
            number, item = int(sub.group(1)), sub.group(2).strip()
            last = groups[-1] if groups else None
            if last is not None and last.split and last.number == number:
                last.columns.append(index)
                last.labels.append(item)
            else:
                groups.append(_Group(number, f"第{number}题", [index], [item], True))
        elif question:
            number = int(question.group(1))
            groups.append(_Group(number, question.group(2).strip(), [index], [cell]))
        else:
            others.append((index, cell))
    texts_of = {g.number: g.text for g in groups if not g.split}
    for g in groups:
        if g.split and g.number in texts_of:
            g.text = texts_of[g.number]
    return groups, others


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    header_rows, body = read(table, table.hints.header_rows or 1)
    header = header_rows[0]
    where = {name: header.index(name) for name in META if name in header}
    parsed = Parsed(PLATFORM)
    rows = len(body)
    respondent = texts(body[where["序号"]]) if "序号" in where else None
    submitted = where.get("提交答卷时间")
    parsed.meta = meta(
        rows,
        respondent,
        parse_times(body[submitted], zone, "提交答卷时间") if submitted is not None else None,
        durations(body[where["所用时间"]]) if "所用时间" in where else None,
        texts(body[where["来源"]]) if "来源" in where else None,
    )
    groups, others = _groups(header)
    columns = {i: blank(body[i], SKIPPED) for g in groups for i in g.columns}
    coded = _coded(groups, columns, body, table)
    parsed.details["export"] = "coded" if coded else "readable"
    for group in groups:
        code = f"Q{group.number}"
        if group.split:
            _split_group(parsed, code, group, [columns[i] for i in group.columns], coded)
        else:
            _one_column(parsed, code, group.text, columns[group.columns[0]], coded)
    for index, cell in others:
        parsed.guess(cell, cell, infer(blank(body[index], SKIPPED), cell))
    parsed.keep_rows(parsed.meta["respondent"].notna().to_numpy())
    return parsed


def _coded(
    groups: list[_Group],
    columns: dict[int, pd.Series],
    body: pd.DataFrame,
    table: Table,
) -> bool:
    """Whether this is the coded ("original") export of the pair."""
    raw_values = {v for g in groups for i in g.columns for v in used(body[i])}
    if any(g.split and is_binary([columns[i] for i in g.columns], g.labels) for g in groups):
        return True
    if raw_values & {"-2", "-3"}:
        return True
    if any(MULTI in v or RANK in v for v in raw_values) or raw_values & SKIPPED:
        return False
    # nothing in the cells tells: the file's name may (All_Data_Original.xls, 按序号)
    stem = table.path.stem.lower()
    return "original" in stem or "按序号" in stem or "选项序号" in stem


def _one_column(parsed: Parsed, code: str, text: str, column: pd.Series, coded: bool) -> None:
    values = used(column)
    if coded and any(_CODED_OTHER.match(v) for v in values):
        column, other = _split_coded_other(column)
        parsed.guess(code, text, infer(column, text, codes_only=True), coded=True)
        parsed.add(f"{code}_other", f"{text} - 其他", "text", answers=other)
        return
    if any(MULTI in v for v in values) or any(RANK in v for v in values):
        separator = MULTI if any(MULTI in v for v in values) else RANK
        column, other = _strip_other(column)
        options, lists = split_lists(column, separator)
        kind = "multi" if separator == MULTI else "rank"
        if kind == "multi":
            lists = order_lists(lists, options)
        parsed.add(code, text, kind, options, lists)
        if other is not None:
            parsed.add(f"{code}_other", f"{text} - 其他", "text", answers=other)
        return
    if any(_OTHER_TEXT.match(v) for v in values):
        column, other = _strip_other(column)
        guess = infer(column, text)
        if guess.type == "text":  # the "other" answers made it look like free text
            options = [v for v in used(column)]
            guess.type, guess.options = "single", options
            guess.answers = single_answers(column, options)
        parsed.guess(code, text, guess)
        if other is not None:
            parsed.add(f"{code}_other", f"{text} - 其他", "text", answers=other)
        return
    guess = infer(column, text, codes_only=coded)
    is_code = coded and guess.type == "single" and all_numbers(column)
    parsed.guess(code, text, guess, coded=is_code)


def _strip_other(column: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    """``其他〖free text〗`` -> the option ``其他`` and, aside, the free text."""
    cats = list(column.cat.categories)
    found = False
    options, extra = [], []
    for c in cats:
        pieces = []
        notes = []
        for piece in re.split(f"[{MULTI}{RANK}]", c):
            match = _OTHER_TEXT.match(piece)
            if match:
                found = True
                pieces.append(match.group(1).strip())
                notes.append(match.group(2).strip())
            else:
                pieces.append(piece)
        separator = MULTI if MULTI in c else RANK if RANK in c else ""
        options.append(separator.join(pieces))
        extra.append("; ".join(n for n in notes if n) or np.nan)
    if not found:
        return column, None
    codes = column.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(cats)
    base = np.array([*options, np.nan], dtype=object)[codes]
    other = pd.Series(np.array([*extra, np.nan], dtype=object)[codes], dtype=object, copy=False)
    return pd.Series(pd.Categorical(base)), other


def _split_coded_other(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``3^free text`` -> the code ``3`` and, aside, the free text."""
    cats = list(column.cat.categories)
    codes_of, notes = [], []
    for c in cats:
        match = _CODED_OTHER.match(c)
        codes_of.append(match.group(1) if match else c)
        notes.append(match.group(2).strip() or np.nan if match else np.nan)
    codes = column.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(cats)
    base = np.array([*codes_of, np.nan], dtype=object)[codes]
    other = pd.Series(np.array([*notes, np.nan], dtype=object)[codes], dtype=object, copy=False)
    return pd.Series(pd.Categorical(base)), other


def _split_group(
    parsed: Parsed, code: str, group: _Group, columns: list[pd.Series], coded: bool
) -> None:
    labels = group.labels
    if is_binary(columns, labels):
        lists = multi_from_columns(columns, labels)
        parsed.add(code, group.text, "multi", labels, lists, ordered=True)
        others = [c for c, label in zip(columns, labels, strict=True) if OTHER.search(label)]
        for column in others:
            other = other_texts(column)
            if other.notna().any():
                parsed.add(f"{code}_other", f"{group.text} - 其他", "text", answers=other)
        return
    if is_rank(columns) and coded:
        parsed.add(
            code, group.text, "rank", labels, rank_from_columns(columns, labels), ordered=True
        )
        return
    parsed.add(code, group.text, "matrix")
    for n, (column, guess, item) in enumerate(
        zip(columns, matrix_rows(columns, labels, codes_only=coded), labels, strict=True), start=1
    ):
        is_code = coded and guess.type == "single" and all_numbers(column)
        parsed.guess(f"{code}_{n}", item, guess, parent=code, coded=is_code)
