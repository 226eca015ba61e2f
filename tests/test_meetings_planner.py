"""The meeting planner (``commlib.meetings.planner``, ``commlib meeting slots``): slots inside
everyone's working hours across time zones, clock changes, China's make-up working days and
holidays, lunch breaks; ranked by the least comfortable attendee; clear refusals."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commlib import InvalidRecord, Meeting, NotFound, Project, Stakeholder, Store
from commlib.cli import cli
from commlib.i18n import language
from commlib.meetings import working_time
from commlib.meetings.planner import (
    Slot,
    Stretch,
    closest_stretch,
    find_slots,
    local_text,
    offset_text,
    project_attendees,
    slots_frame,
    slots_payload,
    slots_table,
    team_of,
)


def person(name: str, **fields) -> Stakeholder:
    return Stakeholder(project_id=1, name=name, **fields)


WANG = person("Wang Fang", timezone="Asia/Shanghai", work_hours="09:00-18:00")
MARY = person("Mary Jones", timezone="Europe/London", work_hours="09:00-17:30", lunch="12:00-13:00")
JOHN = person("John Smith", timezone="America/New_York", work_hours="09:00-18:00", lunch="none")


def hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def span_per_day(slots: list[Slot], name: str) -> dict[date, tuple[str, str]]:
    """For each day (on ``name``'s calendar): the first start and the last end, in UTC."""
    found: dict[date, tuple[datetime, datetime]] = {}
    for s in slots:
        day = s.local[name].date()
        first, last = found.get(day, (s.start, s.end))
        found[day] = (min(first, s.start), max(last, s.end))
    return {day: (hhmm(a), hhmm(b)) for day, (a, b) in sorted(found.items())}


def local_days(slots: list[Slot], name: str) -> set[date]:
    return {s.local[name].date() for s in slots}


def overlaps(slot: Slot, name: str, start: str, end: str) -> bool:
    """Whether the slot meets the local ``start``-``end`` of ``name`` on the slot's day."""
    a = slot.local[name]
    b = slot.end.astimezone(a.tzinfo)
    return hhmm(a) < end and hhmm(b) > start


# --- who attends ---------------------------------------------------------------------------


@pytest.fixture
def project(store: Store) -> Project:
    p = store.add(Project(name="Atlas", client="Northwind", start=date(2026, 1, 5), language="en"))
    for fields in (
        dict(name="Wang Fang", power=5, interest=5, timezone="Asia/Shanghai",
             work_hours="09:00-18:00"),
        dict(name="Mary Jones", power=4, interest=4, timezone="Europe/London",
             work_hours="08:00-17:30", lunch="12:00-13:00"),
        dict(name="John Smith", power=3, interest=5, timezone="America/New_York",
             work_hours="09:00-18:00", lunch="none"),
    ):  # fmt: skip
        store.add(Stakeholder(project_id=p.id, **fields))
    return p


def test_attendees_default_to_the_stakeholders_to_manage_closely(store, project):
    assert [s.name for s in project_attendees(store, "Atlas")] == ["Wang Fang", "Mary Jones"]
    for s in store.records("stakeholders", project="Atlas"):
        store.update("stakeholders", s.id, power=2)
    everyone = project_attendees(store, project.id)
    assert [s.name for s in everyone] == ["Wang Fang", "Mary Jones", "John Smith"]


def test_attendees_default_to_those_invited_to_the_next_planned_meeting(store, project):
    people = {s.name: s.id for s in store.records("stakeholders", project="Atlas")}
    soon = datetime.now(UTC) + timedelta(days=3)
    for title, start, invited, status in (
        ("Past", soon - timedelta(days=30), ["Wang Fang"], "planned"),
        ("Held", soon - timedelta(days=1), ["Wang Fang"], "held"),
        ("Later", soon + timedelta(days=7), ["Wang Fang", "Mary Jones"], "planned"),
        ("Next", soon, ["John Smith", "Mary Jones"], "planned"),
    ):
        store.add(
            Meeting(
                project_id=project.id,
                title=title,
                start=start,
                stakeholder_ids=[people[n] for n in invited],
                status=status,
            )
        )
    assert [s.name for s in project_attendees(store, "Atlas")] == ["John Smith", "Mary Jones"]
    assert [s.name for s in project_attendees(store, "Atlas", ["Wang Fang"])] == ["Wang Fang"]


def test_attendees_are_named_in_any_case_and_an_unknown_name_is_refused(store, project):
    chosen = project_attendees(store, "Atlas", ["john smith", " WANG FANG "])
    assert [s.name for s in chosen] == ["John Smith", "Wang Fang"]
    with pytest.raises(NotFound) as err:
        project_attendees(store, "Atlas", ["Wang Fang", "Bob"])
    assert str(err.value) == (
        "no stakeholder named 'Bob' in project 'Atlas' (stakeholders: John Smith, Mary Jones, "
        "Wang Fang). Check the spelling in --attendees."
    )
    with language("zh"), pytest.raises(NotFound, match="项目 'Atlas' 中没有名为 'Bob' 的干系人"):
        project_attendees(store, "Atlas", ["Bob"])


def test_a_project_without_stakeholders_is_refused(store):
    store.add(Project(name="Empty", client="Nobody", start=date(2026, 1, 5)))
    with pytest.raises(NotFound, match="project 'Empty' has no stakeholders"):
        project_attendees(store, "Empty")


# --- time zones and clock changes ----------------------------------------------------------


def test_the_common_hours_move_with_each_countrys_spring_clock_change():
    # New York moves on 2026-03-08, London on 2026-03-29: three weeks of a 4-hour gap
    slots = find_slots([MARY, JOHN], start=date(2026, 3, 5), days=28)
    days = span_per_day(slots, "Mary Jones")
    assert days[date(2026, 3, 6)] == ("14:00", "17:30")  # GMT / EST: New York opens at 14:00Z
    assert days[date(2026, 3, 9)] == ("13:00", "17:30")  # GMT / EDT: an hour earlier
    assert days[date(2026, 3, 27)] == ("13:00", "17:30")
    assert days[date(2026, 3, 30)] == ("13:00", "16:30")  # BST / EDT: London closes at 16:30Z
    assert not {date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 28), date(2026, 3, 29)} & set(
        days
    )
    first = next(s for s in slots if s.start == datetime(2026, 3, 9, 13, tzinfo=UTC))
    assert first.local["Mary Jones"].isoformat() == "2026-03-09T13:00:00+00:00"
    assert first.local["John Smith"].isoformat() == "2026-03-09T09:00:00-04:00"
    later = next(s for s in slots if s.start == datetime(2026, 3, 30, 13, tzinfo=UTC))
    assert later.local["Mary Jones"].isoformat() == "2026-03-30T14:00:00+01:00"
    assert local_text(later.local["Mary Jones"]) == "Mon 03-30 14:00 (UTC+1)"
    assert local_text(later.local["John Smith"]) == "Mon 03-30 09:00 (UTC-4)"


def test_the_common_hours_move_with_each_countrys_autumn_clock_change():
    # London moves back on 2026-10-25, New York on 2026-11-01
    days = span_per_day(find_slots([MARY, JOHN], start=date(2026, 10, 22), days=14), "Mary Jones")
    assert days[date(2026, 10, 23)] == ("13:00", "16:30")  # BST / EDT
    assert days[date(2026, 10, 26)] == ("13:00", "17:30")  # GMT / EDT
    assert days[date(2026, 10, 30)] == ("13:00", "17:30")
    assert days[date(2026, 11, 2)] == ("14:00", "17:30")  # GMT / EST


#: someone who works at night, on Sundays too (Israel's calendar: Sunday to Thursday)
def night_worker(zone: str, hours: str) -> Stakeholder:
    return person("Noa", timezone=zone, holiday_region="IL", work_hours=hours, lunch="none")


@pytest.mark.parametrize(
    ("zone", "day", "skipped"),
    [("America/New_York", date(2026, 3, 8), "02"), ("Europe/London", date(2026, 3, 29), "01")],
)
def test_no_slot_starts_in_the_hour_the_clock_skips(zone, day, skipped):
    assert holidays.country_holidays("IL", years=2026).is_working_day(day)  # a Sunday
    slots = sorted(find_slots([night_worker(zone, "00:00-06:00")], start=day, days=1),
                   key=lambda s: s.start)  # fmt: skip
    # 00:00 to 06:00 on the clock is five real hours: nine hour-long slots on the half hour
    assert len(slots) == 9
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)
    starts = [hhmm(s.local["Noa"]) for s in slots]
    assert not [h for h in starts if h.startswith(skipped)]
    # the two slots across the change last an hour though the clock moves two
    across = [s for s in slots if s.local["Noa"].utcoffset() != local_end(s).utcoffset()]
    assert len(across) == 2
    for s in across:
        wall = datetime.combine(day, local_end(s).time()) - datetime.combine(
            day, s.local["Noa"].time()
        )
        assert wall == timedelta(hours=2) and s.end - s.start == timedelta(hours=1)


def local_end(slot: Slot) -> datetime:
    return slot.end.astimezone(slot.local[next(iter(slot.local))].tzinfo)


@pytest.mark.parametrize(
    ("zone", "day", "summer", "winter"),
    [
        ("Europe/London", date(2026, 10, 25), "+01:00", "+00:00"),
        ("America/New_York", date(2026, 11, 1), "-04:00", "-05:00"),
    ],
)
def test_the_hour_the_clock_repeats_gives_two_slots_at_the_same_clock_time(
    zone, day, summer, winter
):
    assert holidays.country_holidays("IL", years=2026).is_working_day(day)
    slots = sorted(find_slots([night_worker(zone, "00:00-04:00")], start=day, days=1),
                   key=lambda s: s.start)  # fmt: skip
    assert len(slots) == 9  # 00:00 to 04:00 on the clock is five real hours
    at_one = [s.local["Noa"].isoformat()[11:] for s in slots if hhmm(s.local["Noa"]) == "01:00"]
    assert at_one == [f"01:00:00{summer}", f"01:00:00{winter}"]


def test_a_shanghai_morning_is_the_previous_evening_in_new_york():
    owl = person("John Smith", timezone="America/New_York", work_hours="15:00-23:00",
                 lunch="none")  # fmt: skip
    # Wednesday 09:00 in Shanghai is Tuesday 21:00 in New York: a day outside the window there
    with pytest.raises(NotFound):
        find_slots([WANG, owl], start=date(2026, 10, 14), days=1)
    both = find_slots([WANG, owl], start=date(2026, 10, 13), days=2)
    assert {s.local["Wang Fang"].date() for s in both} == {date(2026, 10, 14)}
    assert {s.local["John Smith"].date() for s in both} == {date(2026, 10, 13)}
    assert local_text(both[0].local["John Smith"]).startswith("Tue 10-13 2")
    assert local_text(both[0].local["Wang Fang"]).startswith("Wed 10-14 ")


# --- China's calendar ----------------------------------------------------------------------


def test_chinas_make_up_saturdays_are_proposed_and_its_holiday_weekdays_are_not():
    spring = local_days(find_slots([WANG], start=date(2026, 2, 9), days=21), "Wang Fang")
    assert {date(2026, 2, 14), date(2026, 2, 28)} <= spring  # Saturdays worked (调休)
    assert date(2026, 2, 20) not in spring  # a Friday of the Spring Festival holiday
    assert not spring & {date(2026, 2, 15) + timedelta(days=n) for n in range(9)}
    autumn = local_days(find_slots([WANG], start=date(2026, 10, 1), days=14), "Wang Fang")
    assert date(2026, 10, 10) in autumn
    assert not autumn & {date(2026, 10, n) for n in range(1, 8)}  # National Day, 10-07 a Wed
    assert date(2026, 10, 11) not in autumn  # an ordinary Sunday
    # London does not work that Saturday: no slot for the two of them
    both = find_slots([WANG, MARY], start=date(2026, 10, 8), days=10)
    assert date(2026, 10, 10) not in local_days(both, "Wang Fang")


# --- lunch ---------------------------------------------------------------------------------


def test_no_slot_overlaps_the_lunch_break():
    slots = find_slots([WANG], start=date(2026, 10, 8), days=2)
    assert not [s for s in slots if overlaps(s, "Wang Fang", "12:00", "13:30")]
    starts = {hhmm(s.local["Wang Fang"]) for s in slots}
    assert {"11:00", "13:30"} <= starts and "11:30" not in starts


def test_a_custom_lunch_is_respected_and_none_means_no_break():
    custom = person("Wang Fang", timezone="Asia/Shanghai", lunch="11:30-12:30")
    slots = find_slots([custom], start=date(2026, 10, 8), days=1)
    assert not [s for s in slots if overlaps(s, "Wang Fang", "11:30", "12:30")]
    assert {"10:30", "12:30", "13:00"} <= {hhmm(s.local["Wang Fang"]) for s in slots}
    free = person("Wang Fang", timezone="Asia/Shanghai", lunch="none")
    free_slots = find_slots([free], start=date(2026, 10, 8), days=1)
    starts = {hhmm(s.local["Wang Fang"]) for s in free_slots}
    assert {"12:00", "12:30"} <= starts
    assert len(starts) == 17  # 09:00 to 17:00, every half hour


# --- ranking -------------------------------------------------------------------------------


def test_slots_are_ranked_by_their_least_comfortable_attendee():
    long_day = person("Ada", timezone="Europe/London", work_hours="08:00-20:00", lunch="none")
    short_day = person("Bo", timezone="Europe/London", work_hours="10:00-16:00", lunch="none")
    slots = find_slots([long_day, short_day], start=date(2026, 1, 13), days=1)
    best = slots[0]
    # 12:30-13:30 is the middle of Bo's day (1.0) but off the middle of Ada's (4.5 h / 5.5 h)
    assert hhmm(best.start) == "12:30"
    assert best.comforts == {"Ada": 0.818, "Bo": 1.0} and best.comfort == 0.818
    second = slots[1]  # 13:00: Ada is happier (0.909), Bo less (0.8)
    assert hhmm(second.start) == "13:00" and second.comfort == 0.8
    # a slot at the start of either day is the least comfortable
    assert slots[-1].comfort == 0.0
    assert all(s.comfort == min(s.comforts.values()) for s in slots)
    assert [s.start for s in slots] == [
        s.start
        for s in sorted(slots, key=lambda s: (-s.comfort, -sum(s.comforts.values()), s.start))
    ]
    # the same least comfort: the one that suits the others better first
    at_ten = [s for s in slots if s.comfort == 0.0]  # Bo's day starts or ends
    # 15:00 is nearer the middle of Ada's day (0.727) than 10:00 (0.364)
    assert [hhmm(s.start) for s in at_ten] == ["15:00", "10:00"]
    # ties go to the earlier start
    ties = find_slots([long_day], start=date(2026, 1, 13), days=2)
    assert ties[0].comfort == ties[1].comfort and ties[0].start < ties[1].start


# --- every slot inside every window (a property) --------------------------------------------

ZONES = ["Asia/Shanghai", "Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu",
         "Australia/Sydney", "UTC"]  # fmt: skip
QUARTERS = st.integers(0, 95).map(lambda q: q * 15)


@st.composite
def people(draw) -> list[Stakeholder]:
    found = []
    for n in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 80)) * 15
        end = draw(st.integers(start // 15 + 2, 96)) * 15
        lunch = draw(st.sampled_from(["", "none", "12:00-13:00", "11:30-12:15"]))
        found.append(
            person(
                f"P{n}",
                timezone=draw(st.sampled_from(ZONES)),
                work_hours=f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}",
                lunch=lunch,
            )
        )
    return found


def fits_everyone(team, first: date, days: int, begin: datetime, end: datetime) -> bool:
    """The definition, checked from each person's windows of each of their days."""
    return all(
        any(
            a <= begin and end <= b
            for n in range(days)
            for a, b in w.windows(first + timedelta(days=n))
        )
        for w in team
    )


@settings(
    max_examples=40,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    team=people(),
    first=st.dates(date(2026, 1, 1), date(2026, 12, 20)),
    days=st.integers(1, 6),
    duration=st.sampled_from([15, 30, 45, 60, 90, 150]),
)
def test_every_slot_is_inside_every_attendees_hours_and_none_is_missed(team, first, days, duration):
    wts = [working_time(s) for s in team]
    length = timedelta(minutes=duration)
    grid = [
        datetime.combine(first - timedelta(days=1), datetime.min.time(), UTC)
        + timedelta(minutes=30 * n)
        for n in range((days + 2) * 48)
    ]
    expected = {g for g in grid if fits_everyone(wts, first, days, g, g + length)}
    try:
        slots = find_slots(team, start=first, days=days, duration=duration)
    except NotFound as err:
        assert expected == set(), err
        stretch = closest_stretch(team, start=first, days=days, duration=duration)
        if stretch is not None:  # the suggestion works
            moved = [
                s.model_copy(update={"work_hours": _stretched(s, stretch)})
                if s.name == stretch.name
                else s
                for s in team
            ]
            assert find_slots(moved, start=first, days=days, duration=duration)
        return
    assert {s.start for s in slots} == expected
    for s in slots:
        assert s.end - s.start == length and s.start.minute in (0, 30)
        assert set(s.local) == {w.name for w in wts}
        assert 0 <= s.comfort <= 1


def _stretched(s: Stakeholder, stretch: Stretch) -> str:
    start, end = s.work_hours.split("-")
    return f"{stretch.clock}-{end}" if stretch.side == "start" else f"{start}-{stretch.clock}"


# --- refusals ------------------------------------------------------------------------------


def test_no_overlap_names_whose_hours_to_stretch_and_by_how_much():
    mary = person("Mary Jones", timezone="Europe/London", work_hours="08:00-17:00",
                  lunch="15:30-16:30")  # fmt: skip
    john = person("John Smith", timezone="America/New_York", work_hours="12:00-20:00",
                  lunch="none")  # fmt: skip
    with pytest.raises(NotFound) as err:
        find_slots([john, mary], start=date(2026, 11, 2), days=5, duration=90)
    assert str(err.value) == (
        "No time suits everyone for 90 min from 2026-11-02 to 2026-11-06. Closest: Mary Jones "
        "(Europe/London) would have to end 1 h 30 min later, at 18:30 their time."
    )
    assert closest_stretch([john, mary], start=date(2026, 11, 2), days=5, duration=90) == (
        Stretch("Mary Jones", "Europe/London", "end", 90, "18:30")
    )
    with language("zh"), pytest.raises(NotFound) as err:
        find_slots([john, mary], start=date(2026, 11, 2), days=5, duration=90)
    assert str(err.value) == (
        "2026-11-02 至 2026-11-06 没有适合所有人开 90 分钟会议的时间。最接近的方案：Mary Jones"
        "（Europe/London）需晚下班 1 小时 30 分钟，即当地时间 18:30。"
    )


def test_no_overlap_can_ask_for_an_earlier_start():
    mary = person("Mary Jones", timezone="Europe/London", work_hours="08:00-16:30", lunch="none")
    john = person("John Smith", timezone="America/New_York", work_hours="12:00-20:00",
                  lunch="12:30-13:30")  # fmt: skip
    with pytest.raises(NotFound, match=r"John Smith \(America/New_York\) would have to start "
                       r"1 h 30 min earlier, at 10:30 their time\.$"):  # fmt: skip
        find_slots([mary, john], start=date(2026, 11, 2), days=5)


def test_no_working_day_in_common_is_said_so():
    with pytest.raises(NotFound) as err:
        find_slots([WANG, MARY], start=date(2026, 10, 1), days=4)
    assert str(err.value).endswith(
        "Wang Fang: no working day in these dates (weekends or public holidays). Choose other "
        "dates or more days (--days)."
    )
    # two people on opposite sides of the clock cannot meet by stretching one of them
    with pytest.raises(NotFound, match="Stretching one person's hours would not be enough"):
        find_slots(
            [
                person("A", timezone="UTC", work_hours="00:00-04:00", lunch="none"),
                person("B", timezone="UTC", work_hours="20:00-24:00", lunch="none"),
                person("C", timezone="UTC", work_hours="10:00-14:00", lunch="none"),
            ],
            start=date(2026, 1, 13),
            days=1,
        )


def test_an_unknown_time_zone_in_an_old_record_is_refused():
    old = Stakeholder.model_construct(
        project_id=1, name="Mars Rover", timezone="Mars/Olympus", work_hours="09:00-18:00",
        lunch="", holiday_region="",
    )  # fmt: skip
    with pytest.raises(InvalidRecord) as err:
        find_slots([WANG, old], start=date(2026, 10, 8))
    assert str(err.value).startswith(
        "Mars Rover, timezone = 'Mars/Olympus': unknown time zone (use an IANA name such as "
        "Asia/Shanghai or Europe/London). Correct the stakeholder's record"
    )
    with language("zh"), pytest.raises(InvalidRecord) as err:
        find_slots([old], start=date(2026, 10, 8))
    assert "Mars Rover, timezone = 'Mars/Olympus': 未知时区" in str(err.value)


def test_hours_that_end_before_they_start_are_refused():
    old = Stakeholder.model_construct(
        project_id=1, name="Mary Jones", timezone="Europe/London", work_hours="18:00-09:00",
        lunch="", holiday_region="",
    )  # fmt: skip
    with pytest.raises(InvalidRecord) as err:
        find_slots([old], start=date(2026, 10, 8))
    assert "Mary Jones, work_hours = '18:00-09:00': ends at 09:00, before it starts at 18:00" in (
        str(err.value)
    )
    reversed_time = working_time(MARY).__class__(
        name="Mary Jones", zone="Europe/London", hours=(1080, 540), lunch=None, region=None
    )
    with pytest.raises(InvalidRecord, match="ends at 09:00, before it starts at 18:00"):
        find_slots([reversed_time], start=date(2026, 10, 8))
    with language("zh"), pytest.raises(InvalidRecord) as err:
        team_of([old])
    assert "work_hours = '18:00-09:00'" in str(err.value) and "更正" in str(err.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"duration": 4}, "duration = 4: must be from 5 to 720 minutes"),
        ({"duration": 721}, "duration = 721: must be from 5 to 720 minutes"),
        ({"days": 0}, "days = 0: must be from 1 to 60 days"),
        ({"days": 61}, "days = 61: must be from 1 to 60 days"),
        ({"step": 7}, "step = 7: must be one of 5, 10, 15, 20, 30, 60 minutes"),
    ],
)
def test_duration_days_and_step_are_bounded(options, message):
    with pytest.raises(InvalidRecord, match=message):
        find_slots([WANG], start=date(2026, 10, 8), **options)


def test_without_a_first_day_the_search_starts_now():
    now = datetime(2026, 10, 8, 3, 10, tzinfo=UTC)  # 11:10 in Shanghai
    slots = find_slots([WANG], now=now, days=1)
    assert min(s.start for s in slots) == datetime(2026, 10, 8, 5, 30, tzinfo=UTC)  # 13:30
    assert local_days(slots, "Wang Fang") == {date(2026, 10, 8)}
    today = find_slots([JOHN])  # the real clock: nothing in the past is proposed
    assert min(s.start for s in today) >= datetime.now(UTC) - timedelta(seconds=5)


# --- for notebooks -------------------------------------------------------------------------


def test_the_frame_has_a_row_per_slot_and_each_local_start():
    slots = find_slots([WANG, MARY], start=date(2026, 10, 8), days=3)
    frame = slots_frame(slots)
    assert list(frame.columns) == ["start", "end", "comfort", "Wang Fang", "Mary Jones"]
    assert list(frame.index[:2]) == [1, 2] and len(frame) == len(slots)
    assert str(frame["start"].dt.tz) == "UTC"
    assert str(frame["Wang Fang"].dt.tz) == "Asia/Shanghai"
    assert frame.iloc[0]["Wang Fang"] == slots[0].local["Wang Fang"]
    assert list(slots_frame([]).columns) == ["start", "end", "comfort"]
    table = slots_table(slots, limit=3)
    assert list(table.columns) == [
        "utc_start",
        "comfort",
        "Wang Fang (Asia/Shanghai)",
        "Mary Jones (Europe/London)",
    ]
    assert len(table) == 3 and table.iloc[0]["utc_start"] == f"{slots[0].start:%Y-%m-%d %H:%M}"
    assert table.iloc[0]["Wang Fang (Asia/Shanghai)"] == local_text(slots[0].local["Wang Fang"])


def test_two_attendees_of_the_same_name_are_told_apart():
    a = Stakeholder(id=3, project_id=1, name="Li Na", timezone="Asia/Shanghai")
    b = Stakeholder(id=9, project_id=1, name="Li Na", timezone="Asia/Shanghai")
    assert [w.name for w in team_of([a, b])] == ["Li Na (3)", "Li Na (9)"]
    assert offset_text(datetime(2026, 1, 1, tzinfo=working_time(a).tz)) == "UTC+8"


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def run(store, project):
    def invoke(*args: str, lang: str = "en"):
        return CliRunner().invoke(
            cli,
            ["--db", store.where, "--lang", lang, "meeting", "slots", "--project", "Atlas", *args],
        )

    return invoke


def test_cli_json_has_utc_starts_and_each_local_time_with_its_offset(run):
    result = run("--from", "2026-10-19", "--days", "10", "--limit", "3", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert len(payload["slots"]) == 3 and payload["total"] > 3
    assert (payload["from"], payload["to"]) == ("2026-10-19", "2026-10-28")
    assert [a["name"] for a in payload["attendees"]] == ["Wang Fang", "Mary Jones"]
    for slot in payload["slots"]:
        start, end = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
        assert slot["start"].endswith("+00:00") and slot["end"].endswith("+00:00")
        assert end - start == timedelta(minutes=60)
        assert slot["attendees"] == ["Wang Fang", "Mary Jones"]
        assert slot["local"]["Wang Fang"].endswith("+08:00")
        mary = datetime.fromisoformat(slot["local"]["Mary Jones"])
        # London is on summer time until 2026-10-25
        assert mary.utcoffset() == timedelta(hours=1 if mary.date() < date(2026, 10, 25) else 0)
        assert datetime.fromisoformat(slot["local"]["Wang Fang"]) == start == mary
        assert 0 <= slot["comfort"] <= 1
    comforts = [s["comfort"] for s in payload["slots"]]
    assert comforts == sorted(comforts, reverse=True)


def test_cli_table_shows_each_attendees_local_time_in_both_languages(run):
    result = run("--from", "2026-10-08", "--attendees", "mary jones,John Smith", "--duration",
                 "30", "--limit", "2", lang="zh")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("2026-10-08 至 2026-10-17 共有") and "最舒适的 2 个" in lines[0]
    assert "Mary Jones（Europe/London）" in lines[1] and "舒适度" in lines[1]
    assert len(lines) == 4 and "(UTC+1)" in lines[2] and "(UTC-4)" in lines[2]
    assert any(day in lines[2] for day in ("周一", "周二", "周三", "周四", "周五", "周六"))
    english = run("--from", "2026-10-08", "--limit", "1")
    first = english.output.splitlines()
    assert first[1].split() == [
        "Start", "(UTC)", "Comfort", "Wang", "Fang", "(Asia/Shanghai)", "Mary", "Jones",
        "(Europe/London)",
    ]  # fmt: skip
    assert "Thu 10-08 16:00 (UTC+8)" in first[2] and "Thu 10-08 09:00 (UTC+1)" in first[2]


def test_cli_refusals_are_one_line_and_exit_1(run, store):
    unknown = run("--attendees", "Bob")
    assert unknown.exit_code == 1
    assert unknown.output.strip().splitlines() == [
        "Error: no stakeholder named 'Bob' in project 'Atlas' (stakeholders: John Smith, "
        "Mary Jones, Wang Fang). Check the spelling in --attendees."
    ]
    none = run("--from", "2026-10-08", "--attendees", "Wang Fang,John Smith", "--duration", "120")
    assert none.exit_code == 1 and len(none.output.strip().splitlines()) == 1
    assert "would have to" in none.output and "Traceback" not in none.output
    bounds = run("--duration", "721", lang="zh")
    assert bounds.exit_code == 1 and "须在 5 至 720 分钟之间" in bounds.output
    # a record written before the rules were checked: the store refuses to read it
    with sqlite3.connect(store.where) as conn:
        conn.execute("update stakeholders set work_hours = '18:00-09:00' where name = 'Mary Jones'")
    old = run("--from", "2026-10-08")
    assert old.exit_code == 1 and len(old.output.strip().splitlines()) == 1
    assert "Stakeholders Mary Jones, work_hours = '18:00-09:00': ends at 09:00" in old.output
    assert "Correct the stakeholder's record" in old.output


def test_cli_help_says_who_attends_by_default(run):
    result = CliRunner().invoke(cli, ["meeting", "slots", "--help"])
    text = " ".join(result.output.split())
    assert "power and interest both 4 or more" in text and "--limit" in text


def test_payload_lists_every_slot_without_a_limit():
    slots = find_slots([WANG], start=date(2026, 10, 8), days=1)
    payload = slots_payload(slots, team_of([WANG]), duration=60, start=date(2026, 10, 8), days=1)
    assert len(payload["slots"]) == payload["total"] == len(slots)
    assert payload["attendees"][0]["lunch"] == "12:00-13:30"
