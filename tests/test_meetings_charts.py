"""The overlap heat map (``commlib.meetings.charts``): who works in each half hour of the
coming days, on one zone's clock; the spec carries its data and draws offline."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import vl_convert

from commlib import InvalidRecord, Stakeholder
from commlib.i18n import language
from commlib.meetings.charts import overlap_chart, overlap_frame


def person(name: str, **fields) -> Stakeholder:
    return Stakeholder(project_id=1, name=name, **fields)


WANG = person("Wang Fang", timezone="Asia/Shanghai", work_hours="09:00-18:00")
MARY = person("Mary Jones", timezone="Europe/London", work_hours="08:00-17:30", lunch="12:00-13:00")
JOHN = person("John Smith", timezone="America/New_York", work_hours="09:00-18:00", lunch="none")
TEAM = [WANG, MARY, JOHN]
CJK = re.compile(r"[\u4e00-\u9fff]")


def cell(frame, day: str, clock: str) -> dict:
    hours, minutes = map(int, clock.split(":"))
    rows = frame[(frame["day"] == day) & (frame["minute"] == hours * 60 + minutes)]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def walk(node) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_the_frame_counts_who_works_in_each_half_hour():
    frame = overlap_frame(TEAM, start=date(2026, 10, 8), days=3)
    assert len(frame) == 3 * 48 and set(frame["offset"]) == {"UTC+8"}  # Wang's clock
    afternoon = cell(frame, "2026-10-08", "16:00")  # 08:00Z: Wang and Mary, not John
    assert (afternoon["working"], afternoon["total"], afternoon["missing"]) == (
        2,
        3,
        ["John Smith"],
    )
    assert afternoon["moment"] == datetime(2026, 10, 8, 8, tzinfo=UTC)
    evening = cell(frame, "2026-10-08", "21:00")  # 13:00Z: Mary (14:00) and John (09:00)
    assert (evening["working"], evening["missing"]) == (2, ["Wang Fang"])
    lunch = cell(frame, "2026-10-08", "12:30")  # Wang at lunch; Mary asleep; John asleep
    assert lunch["working"] == 0
    assert cell(frame, "2026-10-08", "13:30")["missing"] == ["Mary Jones", "John Smith"]
    # Saturday 10-10 is worked in China (调休), by nobody else
    saturday = cell(frame, "2026-10-10", "10:00")
    assert (saturday["working"], saturday["missing"]) == (1, ["Mary Jones", "John Smith"])
    # a half hour counts only when worked in full: Mary stops at 17:30 London = 00:30 here
    assert cell(frame, "2026-10-09", "00:00")["missing"] == ["Wang Fang"]
    assert cell(frame, "2026-10-09", "00:30")["missing"] == ["Wang Fang", "Mary Jones"]


def test_the_frame_follows_the_chosen_zones_clock_changes():
    london = overlap_frame(TEAM, start=date(2026, 10, 24), days=3, tz="Europe/London")
    per_day = london.groupby("day")["minute"].agg(["count", "nunique"])
    # the day the clock goes back has 25 hours: the repeated hour is shown once
    assert per_day.loc["2026-10-25"].tolist() == [48, 48]
    assert set(london[london["day"] == "2026-10-24"]["offset"]) == {"UTC+1"}
    assert set(london[london["day"] == "2026-10-26"]["offset"]) == {"UTC+0"}
    spring = overlap_frame(TEAM, start=date(2026, 3, 29), days=1, tz="Europe/London")
    assert len(spring) == 46 and not set(spring["minute"]) & {60, 90}  # 01:00-02:00 skipped
    # 09:00 London on Monday 2026-10-26 is 17:00 in Shanghai and 05:00 in New York
    assert cell(london, "2026-10-26", "09:00")["missing"] == ["John Smith"]
    assert cell(london, "2026-10-26", "13:00")["working"] == 2  # Mary and John (09:00 EDT)


def test_the_chart_has_its_data_inline_and_draws_offline():
    chart = overlap_chart(TEAM, start=date(2026, 10, 8), days=10, lang="en")
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert not [n for n in walk(spec) if "url" in n]  # no data fetched from anywhere
    (rows,) = spec["datasets"].values()
    assert len(rows) == 10 * 48
    assert {"day_label", "hour", "hour_end", "time", "working", "share", "missing_text"} == set(
        rows[0]
    )
    first = next(r for r in rows if r["day_label"] == "Thu 10-08" and r["time"] == "16:00–16:30")
    assert (first["working"], first["share"], first["missing_text"]) == (2, "2 of 3", "John Smith")
    assert spec["mark"]["type"] == "rect"
    assert spec["encoding"]["x"]["title"] == "Hour of day, Asia/Shanghai time (UTC+8)"
    assert spec["encoding"]["color"]["scale"]["domain"] == [0, 1, 2, 3]
    assert spec["encoding"]["y"]["sort"][:3] == ["Thu 10-08", "Fri 10-09", "Sat 10-10"]
    svg = vl_convert.vegalite_to_svg(spec)  # the bundled Vega: no network, no CDN
    assert "<svg" in svg and "When the attendees are at work" in svg
    assert json.dumps(spec, ensure_ascii=False)


def test_the_chart_speaks_chinese_and_names_the_chosen_zone():
    spec = overlap_chart(TEAM, start=date(2026, 10, 22), days=7, tz="Europe/London",
                         lang="zh").to_dict()  # fmt: skip
    assert spec["encoding"]["x"]["title"] == "Europe/London 时间（UTC+1, UTC+0）的钟点"
    assert CJK.search(spec["title"]["text"]) and "Europe/London" in spec["title"]["subtitle"]
    (rows,) = spec["datasets"].values()
    assert rows[0]["day_label"] == "周四 10-22"
    assert {r["share"] for r in rows} <= {"0 / 3", "1 / 3", "2 / 3", "3 / 3"}
    titles = [t["title"] for t in spec["encoding"]["tooltip"]]
    assert titles == ["日期", "时间", "在岗参会人", "不在岗"]


def test_an_unknown_chart_zone_is_refused():
    with pytest.raises(InvalidRecord) as err:
        overlap_chart(TEAM, start=date(2026, 10, 8), tz="Mars/Olympus")
    assert str(err.value) == (
        "tz = 'Mars/Olympus': unknown time zone (use an IANA name such as Asia/Shanghai or "
        "Europe/London). Choose the chart's time zone by its IANA name."
    )
    with language("zh"), pytest.raises(InvalidRecord, match="请用 IANA 名称指定图表的时区"):
        overlap_frame(TEAM, start=date(2026, 10, 8), tz="Mars/Olympus")
    with pytest.raises(InvalidRecord, match="days = 61: must be from 1 to 60 days"):
        overlap_frame(TEAM, start=date(2026, 10, 8), days=61)
