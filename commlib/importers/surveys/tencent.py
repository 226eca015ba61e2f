"""Tencent Survey (腾讯问卷) exports, CSV or Excel.

Metadata columns ``编号, 开始答题时间, 结束答题时间, 答题时长, 地理位置国家和地区, 地理位置省,
地理位置市, 用户类型, 用户标识, 昵称, 自定义字段`` (some optional), then one column per question
headed by its number and text (``1.您的性别``); a question over several columns has headings
sharing its text (``3.题干:选项``, ``3.题干(选项)``); a multi-select in one cell is joined with
``┋`` or ``|``.

Codes are ``Q{N}`` from the headings; the respondent is ``编号`` (or ``序号``); submitted at
``结束答题时间`` (local time); the duration ``答题时长``, else end - start. Places, user ids and
nicknames are not stored.
"""

from __future__ import annotations

from datetime import tzinfo

from ...i18n import t
from . import _layout
from ._base import Parsed
from ._read import Table

NAME = "tencent"
PLATFORM = "tencent"
IDS = ("编号", "序号", "答卷编号", "原始记录编号")
STARTS = ("开始答题时间", "开始时间")
FINISHES = ("结束答题时间", "提交时间", "结束时间")
DURATIONS = ("答题时长", "答题用时")
SOURCES = ("来源", "渠道", "来源渠道")
IGNORED = (
    "地理位置国家和地区", "地理位置省", "地理位置市", "地理位置", "用户类型", "用户标识", "昵称",
    "自定义字段", "IP", "IP地址", "数据版本", "原始记录编号", "openid", "用户ID",
)  # fmt: skip


def label() -> str:
    return t("surveys.layouts.kind.tencent")


def describe() -> str:
    return t("surveys.layouts.describe.tencent")


def sniff(table: Table) -> bool:
    keys = {_layout.key(c) for c in table.header}
    if {"开始答题时间", "结束答题时间"} <= keys:
        return True
    place = any(k.startswith("地理位置") for k in keys)
    return bool(keys & set(IDS)) and "答题时长" in keys and (place or "用户标识" in keys)


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    names = {
        "id": IDS,
        "source": SOURCES,
        "start": STARTS,
        "finish": FINISHES,
        "duration": DURATIONS,
    }
    return _layout.parse_named_columns(table, zone, PLATFORM, names, IGNORED)
