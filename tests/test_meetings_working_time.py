"""When each stakeholder works (``commlib.meetings.working_time``): hours, lunch, time zones
across the clock changes, public holidays and China's make-up working days of 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from commlib import InvalidRecord, Stakeholder
from commlib.meetings import WorkingTime, holiday_region, working_time


def person(**fields) -> Stakeholder:
    return Stakeholder(project_id=1, name=fields.pop("name", "someone"), **fields)


SHANGHAI = working_time(person(timezone="Asia/Shanghai"))
LONDON = working_time(person(timezone="Europe/London"))
NEW_YORK = working_time(person(timezone="America/New_York"))


def utc(window):
    return [
        (a.astimezone(UTC).strftime("%H:%M"), b.astimezone(UTC).strftime("%H:%M"))
        for a, b in window
    ]


def test_the_region_is_the_country_of_the_time_zone_unless_given():
    assert (SHANGHAI.region, LONDON.region, NEW_YORK.region) == ("CN", "GB", "US")
    assert working_time(person(timezone="Asia/Shanghai", holiday_region="HK")).region == "HK"
    assert working_time(person(timezone="UTC")).region is None  # no country's zone
    assert working_time(person()).zone == "UTC"
    assert holiday_region("none", "Asia/Shanghai") is None


@pytest.mark.parametrize("day", [date(2026, 2, 14), date(2026, 10, 10), date(2026, 9, 20)])
def test_chinas_make_up_weekend_days_of_2026_are_worked(day):
    assert day.weekday() >= 5
    assert SHANGHAI.is_working_day(day)
    assert utc(SHANGHAI.windows(day)) == [("01:00", "04:00"), ("05:30", "10:00")]
    assert not LONDON.is_working_day(day) and LONDON.windows(day) == []


@pytest.mark.parametrize(
    "day", [date(2026, 2, 17), date(2026, 2, 20), date(2026, 10, 1), date(2026, 10, 7)]
)
def test_chinas_holiday_weekdays_of_2026_are_off(day):
    assert day.weekday() < 5
    assert not SHANGHAI.is_working_day(day) and SHANGHAI.windows(day) == []
    assert NEW_YORK.is_working_day(day)


def test_the_lunch_break_is_the_usual_one_where_they_work():
    assert SHANGHAI.lunch == (12 * 60, 13 * 60 + 30)
    assert LONDON.lunch == (12 * 60, 13 * 60)
    custom = working_time(person(timezone="Asia/Shanghai", lunch="11:30-12:30"))
    day = date(2026, 10, 9)
    assert [(a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in custom.windows(day)] == [
        ("09:00", "11:30"),
        ("12:30", "18:00"),
    ]
    none = working_time(person(timezone="Asia/Shanghai", lunch="none", work_hours="8-17"))
    assert [(a.hour, b.hour) for a, b in none.windows(day)] == [(8, 17)]


def test_windows_follow_the_clock_changes_in_london_and_new_york():
    # the Friday before, and the Monday after, the clocks went forward
    assert utc(LONDON.windows(date(2026, 3, 27)))[0] == ("09:00", "12:00")
    assert utc(LONDON.windows(date(2026, 3, 30)))[0] == ("08:00", "11:00")
    assert utc(NEW_YORK.windows(date(2026, 3, 6)))[0] == ("14:00", "17:00")
    assert utc(NEW_YORK.windows(date(2026, 3, 9)))[0] == ("13:00", "16:00")
    # and back
    assert utc(LONDON.windows(date(2026, 10, 26)))[0] == ("09:00", "12:00")
    assert utc(NEW_YORK.windows(date(2026, 11, 2)))[0] == ("14:00", "17:00")


class EveryDay(WorkingTime):
    """Works every day, so that a window can fall on the Sunday the clocks change."""

    def is_working_day(self, day):
        return True


def test_a_window_never_starts_in_the_hour_the_clock_skips():
    # New York, 2026-03-08: 02:00 jumps to 03:00
    gap = EveryDay("night", "America/New_York", (150, 360), None, None)  # 02:30-06:00
    ((start, end),) = gap.windows(date(2026, 3, 8))
    assert start.strftime("%H:%M %z") == "03:30 -0400"
    assert end.astimezone(UTC).strftime("%H:%M") == "10:00"
    # London, 2026-10-25: 01:00-02:00 is lived twice; a window keeps its wall-clock length
    twice = EveryDay("night", "Europe/London", (60, 180), None, None)  # 01:00-03:00
    ((start, end),) = twice.windows(date(2026, 10, 25))
    assert utc([(start, end)]) == [("00:00", "03:00")]  # three real hours that night


def test_hours_that_end_before_they_start_are_refused():
    with pytest.raises(InvalidRecord) as err:
        person(work_hours="18:00-09:00")
    assert "18:00" in str(err.value) and "09:00-18:00" in str(err.value)
    with pytest.raises(InvalidRecord):
        person(work_hours="nine to five")
    with pytest.raises(InvalidRecord):
        person(holiday_region="Narnia")
    assert person(work_hours="9-17:30").work_hours == "09:00-17:30"
    assert person(work_hours="09:00～18:00").work_hours == "09:00-18:00"


def test_holidays_are_named_in_the_language_asked_for():
    found = SHANGHAI.holidays(date(2026, 9, 28), date(2026, 10, 12), "zh")
    assert found[date(2026, 10, 1)] == "国庆节"
    assert date(2026, 10, 10) not in found  # a make-up working day is no holiday
    english = SHANGHAI.holidays(date(2026, 9, 28), date(2026, 10, 12), "en")
    assert english[date(2026, 10, 1)] == "National Day"


def test_local_time():
    moment = datetime(2026, 10, 8, 13, 0, tzinfo=UTC)
    assert SHANGHAI.local(moment).hour == 21 and NEW_YORK.local(moment).hour == 9
