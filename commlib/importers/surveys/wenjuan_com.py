"""wenjuan.com (问卷网) exports: readable headings or code headings, GBK, CSV or Excel.

Readable: ``答题序号, 来源, Q1.., 开始时间, 提交时间, 答题时长, IP省份, IP城市, IP地址, 浏览器,
操作系统``; code headings: ``seq, source, Q1, Q2|A1|open, ..., start, finish, time_used,
ip_province, ip_city, ip, browser, os``. A question spread over columns is ``Q5|A1``,
``Q5|A2`` (one column per option, or per matrix row ``Q6|R1``); ``|open`` columns hold the
text typed for an option (an "other, please specify" or a fill-in blank).

Codes are ``Q{N}`` from the headings; the respondent is ``答题序号`` / ``seq``; submitted at
``提交时间`` / ``finish`` (local time; empty: an unfinished response); the duration is
``答题时长`` / ``time_used``, else finish - start; the source ``来源`` / ``source``. IP,
browser and system columns are not stored.
"""

from __future__ import annotations

from datetime import tzinfo

from ...i18n import t
from . import _layout
from ._base import Parsed
from ._read import Table

NAME = "wenjuan_com"
PLATFORM = "wenjuan_com"
IDS = ("答题序号", "seq")
SOURCES = ("来源", "source")
STARTS = ("开始时间", "start", "开始答题时间")
FINISHES = ("提交时间", "finish", "结束时间")
DURATIONS = ("答题时长", "time_used", "答题用时")
#: about the respondent's device and place, not answers
IGNORED = (
    "IP省份", "IP城市", "IP地址", "IP", "浏览器", "操作系统", "ip_province", "ip_city", "ip",
    "browser", "os", "用户ID", "昵称", "设备", "user_id", "nickname",
)  # fmt: skip


def label() -> str:
    return t("surveys.layouts.kind.wenjuan_com")


def describe() -> str:
    return t("surveys.layouts.describe.wenjuan_com")


def sniff(table: Table) -> bool:
    keys = {_layout.key(c) for c in table.header}
    if not keys & {_layout.key(c) for c in IDS}:
        return False
    found = sum(
        bool(keys & {_layout.key(c) for c in names})
        for names in (SOURCES, STARTS, FINISHES, DURATIONS, IGNORED)
    )
    return found >= 3


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    names = {
        "id": IDS,
        "source": SOURCES,
        "start": STARTS,
        "finish": FINISHES,
        "duration": DURATIONS,
    }
    return _layout.parse_named_columns(table, zone, PLATFORM, names, IGNORED)
