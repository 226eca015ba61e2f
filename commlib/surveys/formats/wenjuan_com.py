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
from ._base import Parsed, meta, texts
from ._read import Table, read, seconds_between

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
    rows = _layout.header_rows(table)
    header_rows, body = read(table, rows)
    header = header_rows[0]
    _layout.trimmed(body)
    taken: set[int] = set()
    at = {
        "id": _layout.find(header, IDS, taken),
        "source": _layout.find(header, SOURCES, taken),
        "start": _layout.find(header, STARTS, taken),
        "finish": _layout.find(header, FINISHES, taken),
        "duration": _layout.find(header, DURATIONS, taken),
    }
    while _layout.find(header, IGNORED, taken) is not None:
        pass
    start = _layout.moments(body, header, at["start"], zone, rows + 1)
    finish = _layout.moments(body, header, at["finish"], zone, rows + 1)
    if at["duration"] is not None:
        duration = _layout.seconds(body[at["duration"]])
    elif start is not None and finish is not None:
        duration = seconds_between(start, finish)
    else:
        duration = None
    parsed = Parsed(PLATFORM)
    parsed.details["header_rows"] = rows
    parsed.meta = meta(
        len(body),
        texts(body[at["id"]]) if at["id"] is not None else None,
        finish,
        duration,
        texts(body[at["source"]]) if at["source"] is not None else None,
        finish.notna().to_numpy() if finish is not None else None,
    )
    if at["id"] is None:
        parsed.ids_from_file = False
    columns = [n for n in range(len(header)) if n not in taken]
    _layout.questions(parsed, body, header, columns)
    parsed.keep_rows(parsed.meta["respondent"].notna().to_numpy())
    return parsed
