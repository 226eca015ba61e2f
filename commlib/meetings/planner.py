"""The meeting planner: the times when every attendee is at work, best first.

    >>> people = project_attendees(store, "华辰 ERP 升级", ["Wang Fang", "mary jones"])
    >>> slots = find_slots(people, duration=60, start=date(2026, 10, 8), days=10)
    >>> slots[0].start, slots[0].local["Wang Fang"], slots[0].comfort
    >>> slots_frame(slots)                        # a DataFrame for a notebook

How it decides:

- **Working time** is :func:`~commlib.meetings.working_time.working_time`: each person's
  hours on their own clock, lunch break excluded, none on a weekend (unless it is a make-up
  working day, as China's 调休 Saturdays) or a public holiday of their calendar.
- **The days**: a slot is proposed when, for *every* attendee, it falls within their working
  hours on one of the days asked for (``start`` and the ``days - 1`` days after it), as the
  dates read on *their* calendar. A Shanghai morning is the previous evening in New York: it
  counts when both dates are in the window.
- **The grid**: meetings start on the half hour in UTC (``:00`` and ``:30``; ``step``
  changes it), which is every half hour of the local clock wherever the offset is whole or
  half hours. A meeting never straddles a person's lunch, nor the end of their day.
- **Comfort** (0..1) of a slot for one person: 1 when the meeting sits in the middle of their
  working day (as far from its start as from its end), falling linearly to 0 when it begins
  as their day begins or ends as it ends: ``min(start - day_start, day_end - end)`` over
  the largest value that margin can take, ``(day_end - day_start - duration) / 2``, on their
  wall clock. A slot's comfort is its least comfortable attendee's; slots are ranked by it,
  then by everyone's comfort together (their sum: when someone has to sit at the edge of
  their day whatever the time, the others' comfort decides), then by the earlier start.
- **No slot at all** raises :class:`~commlib.errors.NotFound` saying whose hours to stretch,
  which way and by how much (:func:`closest_stretch`): the smallest change of one attendee's
  start or end (in 5-minute steps) that makes one slot possible.

Who attends (:func:`project_attendees`): stakeholders of the project named by ``name``
(any case); when no names are given, those invited to the next planned meeting, else the
ones to manage closely (power and interest both 4 or more), or everyone when nobody is.
"""

from __future__ import annotations

import dataclasses
import math
import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

import pandas as pd
import pydantic

from ..errors import InvalidRecord, NotFound, Problem
from ..i18n import label, t
from ..models import Stakeholder, clock_text, minutes_of, quadrant_of
from .working_time import DEFAULT_HOURS, DEFAULT_ZONE, WorkingTime, offset_text, working_time

if TYPE_CHECKING:
    from ..models import Project
    from ..store import Store

__all__ = [
    "DURATION",
    "MAX_DAYS",
    "STEP",
    "Person",
    "Slot",
    "Stretch",
    "closest_stretch",
    "find_slots",
    "local_text",
    "offset_text",
    "project_attendees",
    "slots_frame",
    "slots_payload",
    "slots_table",
    "team_of",
    "working_spans",
]

#: the shortest and longest meeting, in minutes
DURATION = (5, 720)
#: the most days one search may cover
MAX_DAYS = 60
#: minutes between two candidate starts (UTC-aligned)
STEP = 30
#: the grids a search may use: they divide an hour, so every hour starts on the grid
STEPS = (5, 10, 15, 20, 30, 60)
#: the unit in which the hours are stretched when nothing fits
STRETCH_UNIT = 5
_DAY = 24 * 60
#: which end of the day to stretch first (on a tie): a later end, then an earlier start
_SIDES: tuple[Literal["start", "end"], ...] = ("end", "start")

Person = Stakeholder | WorkingTime
_Span = tuple[datetime, datetime]


@dataclasses.dataclass(frozen=True)
class Slot:
    """A time that suits every attendee. ``start`` and ``end`` are UTC; ``local`` is each
    attendee's start on their own clock; ``comforts`` each one's comfort (``comfort`` is the
    smallest)."""

    start: datetime
    end: datetime
    comfort: float
    local: dict[str, datetime]
    comforts: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def attendees(self) -> list[str]:
        return list(self.local)


@dataclasses.dataclass(frozen=True)
class Stretch:
    """The smallest change of one attendee's hours that would make a slot possible: start
    ``minutes`` earlier (``side="start"``) or end ``minutes`` later (``side="end"``)."""

    name: str
    zone: str
    side: Literal["start", "end"]
    minutes: int
    #: the new start or end, on their clock (``19:30``)
    clock: str

    def __str__(self) -> str:
        return t(
            f"meetings.planner.stretch.{self.side}",
            name=self.name,
            zone=self.zone,
            amount=_amount(self.minutes),
            clock=self.clock,
        )


# --- who attends ---------------------------------------------------------------------------


def project_attendees(
    store: Store, project: str | int | Project, names: Iterable[str] | None = None
) -> list[Stakeholder]:
    """The stakeholders of ``project`` named in ``names`` (any case, in the order given); with
    no names, those invited to the next planned meeting (the first ``Meeting`` still
    ``planned`` that starts after this moment), else those in the "manage closely" box
    (power and interest >= 4), else all of them.

    An unknown name raises :class:`~commlib.errors.NotFound` listing the names there are; a
    stored record that breaks the model's rules (written before it was validated) raises
    :class:`~commlib.errors.InvalidRecord` naming the stakeholder and the field.
    """
    found = store.project(project)
    try:
        everyone = store.records("stakeholders", project=found)
    except pydantic.ValidationError as err:
        raise _stored_problem(err) from None
    if not everyone:
        raise NotFound(t("meetings.planner.no_stakeholders", project=found.name))
    wanted = [n.strip() for n in names or () if n.strip()]
    if not wanted:
        invited = _next_meeting_invitees(store, found, everyone)
        close = [s for s in everyone if quadrant_of(s.power, s.interest) == "manage_closely"]
        return invited or close or list(everyone)
    by_name: dict[str, list[Stakeholder]] = {}
    for s in everyone:
        by_name.setdefault(s.name.strip().casefold(), []).append(s)
    chosen: list[Stakeholder] = []
    for name in wanted:
        matches = by_name.get(name.casefold())
        if matches is None:
            known = ", ".join(sorted({s.name for s in everyone}, key=str.casefold))
            raise NotFound(
                t("meetings.planner.unknown_attendee", name=name, project=found.name, known=known)
            )
        chosen += [s for s in matches if s not in chosen]
    return chosen


def _stored_problem(err: pydantic.ValidationError) -> InvalidRecord:
    """A stored stakeholder the model refuses, as one located message."""
    found: list[Problem] = []
    for item in err.errors(include_url=False):
        row = item.get("input") if isinstance(item.get("input"), dict) else {}
        where = f"{label('stakeholders')} {row.get('name', '')}".strip()
        inner = (item.get("ctx") or {}).get("error")
        if isinstance(inner, InvalidRecord):
            found += [dataclasses.replace(p, where=where) for p in inner.problems]
        else:
            found.append(Problem("-", "", item["msg"], where))
    return InvalidRecord(found, t("meetings.planner.fix_record"))


def team_of(people: Iterable[Person]) -> list[WorkingTime]:
    """The working time of each attendee (a Stakeholder or a WorkingTime), checked: a time
    zone, hours or lunch break the model would refuse (a record written before it was
    validated) raises :class:`~commlib.errors.InvalidRecord` naming the person and the field.
    Two attendees of the same name are told apart by their id."""
    team = []
    for person in people:
        if isinstance(person, WorkingTime):
            hours = f"{clock_text(person.hours[0])}-{clock_text(person.hours[1])}"
            _refuse(
                _zone_problems(person.name, person.zone)
                + _order(person.name, "work_hours", hours, person.hours)
            )
            team.append(person)
        else:
            _refuse(_record_problems(person))
            team.append(working_time(person))
    if not team:
        raise NotFound(t("meetings.planner.nobody"))
    names = [w.name for w in team]
    return [
        dataclasses.replace(w, name=f"{w.name} ({w.stakeholder_id or i + 1})")
        if names.count(w.name) > 1
        else w
        for i, w in enumerate(team)
    ]


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise InvalidRecord(problems, t("meetings.planner.fix_record"))


def _zone_problems(name: str, zone: str, field: str = "timezone") -> list[Problem]:
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return [Problem(field, zone, t("error.validation.bad_timezone"), name)]
    return []


def _order(name: str, field: str, value: str, hours: tuple[int, int]) -> list[Problem]:
    """Hours that end before they start (or as they start)."""
    start, end = hours
    if end > start:
        return []
    message = t("error.validation.hours_order", start=clock_text(start), end=clock_text(end))
    return [Problem(field, value, message, name)]


def _record_problems(person: Stakeholder) -> list[Problem]:
    found = _zone_problems(person.name, person.timezone or DEFAULT_ZONE)
    for field in ("work_hours", "lunch"):
        value = getattr(person, field) or (DEFAULT_HOURS if field == "work_hours" else "")
        if field == "lunch" and value in ("", "none"):
            continue
        try:
            hours = minutes_of(value)
        except ValueError:
            found.append(Problem(field, value, t("error.validation.bad_hours"), person.name))
            continue
        found += _order(person.name, field, value, hours)
    return found


# --- the search ----------------------------------------------------------------------------


def _next_meeting_invitees(store: Store, project: Project, everyone: list) -> list[Stakeholder]:
    """Those invited to the project's next planned meeting, in its order (none: [])."""
    now = datetime.now(UTC)
    planned = [
        m
        for m in store.records("meetings", project=project)
        if m.status == "planned" and m.start >= now
    ]
    if not planned:
        return []
    by_id = {s.id: s for s in everyone}
    first = min(planned, key=lambda m: m.start)
    return [by_id[i] for i in first.stakeholder_ids if i in by_id]


def find_slots(
    people: Iterable[Person],
    *,
    duration: int = 60,
    start: date | None = None,
    days: int = 10,
    step: int = STEP,
    now: datetime | None = None,
) -> list[Slot]:
    """Every slot of ``duration`` minutes when all of ``people`` work, on the days from
    ``start`` (default: today, the date of ``now`` when given) for ``days`` days, most
    comfortable first (ties: the earlier). ``step``: minutes between candidate starts.

    Slots that begin before ``now`` are left out (without ``start``, ``now`` defaults to
    this moment: today's past is never proposed).
    No slot at all raises :class:`~commlib.errors.NotFound` naming whose hours to stretch.
    """
    team = team_of(people)
    first, after = _window(duration, start, days, step, now)
    slots = _slots(team, _common(team, first, days), duration, step, after)
    if not slots:
        raise NotFound(_no_slot(team, first, days, duration, step, after))
    return slots


def closest_stretch(
    people: Iterable[Person],
    *,
    duration: int = 60,
    start: date | None = None,
    days: int = 10,
    step: int = STEP,
    now: datetime | None = None,
) -> Stretch | None:
    """The smallest stretch of one attendee's hours (an earlier start or a later end, in
    5-minute steps) that makes one slot possible; None when no single stretch does (someone
    has no working day in the window, or two people would both have to move). Ties go to
    the attendee listed first, a later end before an earlier start."""
    team = team_of(people)
    first, after = _window(duration, start, days, step, now)
    return _closest(team, first, days, duration, step, after)


def _window(
    duration: int, start: date | None, days: int, step: int, now: datetime | None
) -> tuple[date, datetime | None]:
    low, high = DURATION
    problems = []
    if not low <= duration <= high:
        problems.append(
            Problem("duration", duration, t("meetings.planner.bad_duration", low=low, high=high))
        )
    if not 1 <= days <= MAX_DAYS:
        problems.append(Problem("days", days, t("meetings.planner.bad_days", high=MAX_DAYS)))
    if step not in STEPS:
        steps = ", ".join(map(str, STEPS))
        problems.append(Problem("step", step, t("meetings.planner.bad_step", steps=steps)))
    if problems:
        raise InvalidRecord(problems)
    if start is not None:
        return start, now
    if now is None:
        return date.today(), datetime.now(UTC)
    return now.date(), now


def working_spans(person: WorkingTime, first: date, days: int) -> list[_Span]:
    """The person's working stretches, as UTC moments, on their own days ``first`` to
    ``first + days - 1`` (sorted, disjoint; lunch and days off left out)."""
    return [
        (a.astimezone(UTC), b.astimezone(UTC))
        for n in range(days)
        for a, b in person.windows(first + timedelta(days=n))
    ]


def _intersect(left: list[_Span], right: list[_Span]) -> list[_Span]:
    """Where two sorted lists of disjoint stretches overlap (each piece inside one of each)."""
    found, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        lo, hi = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if lo < hi:
            found.append((lo, hi))
        if left[i][1] <= right[j][1]:
            i += 1
        else:
            j += 1
    return found


def _common(team: Sequence[WorkingTime], first: date, days: int) -> list[_Span]:
    spans = working_spans(team[0], first, days)
    for person in team[1:]:
        spans = _intersect(spans, working_spans(person, first, days))
    return spans


def _on_grid(moment: datetime, step: int) -> datetime:
    """The first moment at or after ``moment`` on the ``step``-minute UTC grid."""
    size = step * 60
    return datetime.fromtimestamp(math.ceil(moment.timestamp() / size) * size, UTC)


def _starts(spans: list[_Span], duration: int, step: int, after: datetime | None):
    length = timedelta(minutes=duration)
    for a, b in spans:
        begin = _on_grid(max(a, after) if after else a, step)
        while begin + length <= b:
            yield begin, begin + length
            begin += timedelta(minutes=step)


def _slots(
    team: Sequence[WorkingTime],
    spans: list[_Span],
    duration: int,
    step: int,
    after: datetime | None,
) -> list[Slot]:
    slots = []
    for begin, end in _starts(spans, duration, step, after):
        local = {p.name: p.local(begin) for p in team}
        comforts = {p.name: _comfort(p, begin, end) for p in team}
        slots.append(Slot(begin, end, min(comforts.values()), local, comforts))
    slots.sort(key=lambda s: (-s.comfort, -sum(s.comforts.values()), s.start))
    return slots


def _comfort(person: WorkingTime, begin: datetime, end: datetime) -> float:
    """1 in the middle of their working day, 0 at its start or end (see the module's doc)."""
    a, b = person.local(begin), person.local(end)
    start = a.hour * 60 + a.minute
    finish = b.hour * 60 + b.minute + _DAY * (b.date() - a.date()).days
    day_start, day_end = person.hours
    room = (day_end - day_start - (finish - start)) / 2
    if room <= 0:
        return 0.0
    return round(max(0.0, min(1.0, min(start - day_start, day_end - finish) / room)), 3)


# --- when nothing fits ---------------------------------------------------------------------


def _no_slot(
    team: list[WorkingTime],
    first: date,
    days: int,
    duration: int,
    step: int,
    after: datetime | None,
) -> str:
    stretch = _closest(team, first, days, duration, step, after)
    idle = [p.name for p in team if not working_spans(p, first, days)]
    if stretch is not None:
        reason = str(stretch)
    elif idle:
        reason = t("meetings.planner.no_working_day", names=", ".join(idle))
    else:
        reason = t("meetings.planner.no_stretch")
    return t(
        "meetings.planner.no_slot",
        first=first.isoformat(),
        last=(first + timedelta(days=days - 1)).isoformat(),
        duration=duration,
        reason=reason,
    )


def _closest(
    team: list[WorkingTime],
    first: date,
    days: int,
    duration: int,
    step: int,
    after: datetime | None,
) -> Stretch | None:
    spans = [working_spans(p, first, days) for p in team]
    best: Stretch | None = None
    for i, person in enumerate(team):
        others: list[_Span] | None = None
        for j, own in enumerate(spans):
            if j != i:
                others = own if others is None else _intersect(others, own)
        if others == []:
            continue
        for side in _SIDES:

            def fits(minutes: int, person=person, others=others, side=side) -> bool:
                moved = _moved(person, side, minutes)
                mine = working_spans(moved, first, days)
                mine = mine if others is None else _intersect(others, mine)
                return next(_starts(mine, duration, step, after), None) is not None

            minutes = _least(fits, person, side, best.minutes if best else None)
            if minutes is not None:
                hours = _moved(person, side, minutes).hours
                clock = clock_text(hours[1] if side == "end" else hours[0])
                best = Stretch(person.name, person.zone, side, minutes, clock)
    return best


def _moved(person: WorkingTime, side: str, minutes: int) -> WorkingTime:
    start, end = person.hours
    hours = (start, end + minutes) if side == "end" else (start - minutes, end)
    return dataclasses.replace(person, hours=hours)


def _least(fits, person: WorkingTime, side: str, below: int | None) -> int | None:
    """The fewest minutes (a multiple of ``STRETCH_UNIT``, under ``below``) for which
    ``fits(minutes)``: a binary search, as a longer day only ever adds time."""
    start, end = person.hours
    room = (_DAY - end) if side == "end" else start
    top = room // STRETCH_UNIT
    if below is not None:
        top = min(top, (below - 1) // STRETCH_UNIT)
    if top < 1 or not fits(top * STRETCH_UNIT):
        return None
    lo, hi = 1, top  # fits(hi)
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid * STRETCH_UNIT):
            hi = mid
        else:
            lo = mid + 1
    return hi * STRETCH_UNIT


def _amount(minutes: int) -> str:
    """``90`` -> ``1 h 30 min`` (``1 小时 30 分钟``)."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return t("meetings.planner.amount.hours_minutes", hours=hours, minutes=rest)
    if hours:
        return t("meetings.planner.amount.hours", hours=hours)
    return t("meetings.planner.amount.minutes", minutes=rest)


# --- showing them --------------------------------------------------------------------------


def local_text(moment: datetime) -> str:
    """``周四 10-08 09:00 (UTC+8)`` / ``Thu 10-08 09:00 (UTC+8)``: a moment on its own clock."""
    weekday = t(f"meetings.planner.weekday.{moment.weekday()}")
    return f"{weekday} {moment:%m-%d %H:%M} ({offset_text(moment)})"


def slots_frame(slots: Sequence[Slot]) -> pd.DataFrame:
    """One row per slot, best first: ``start``, ``end`` (UTC), ``comfort``, then each
    attendee's local start (aware, on their clock), indexed from 1."""
    names = slots[0].attendees if slots else []
    rows = [{"start": s.start, "end": s.end, "comfort": s.comfort, **s.local} for s in slots]
    frame = pd.DataFrame(rows, columns=["start", "end", "comfort", *names])
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="rank")
    return frame


def slots_table(slots: Sequence[Slot], *, limit: int | None = 10) -> pd.DataFrame:
    """The best ``limit`` slots as a notebook or a report shows them (all when None): the
    start in UTC, the comfort, and a column per attendee (``name (zone)``) with the local
    start as text on their clock (:func:`local_text`), so that no display converts it."""
    shown = slots if limit is None else slots[:limit]
    names = shown[0].attendees if shown else []
    zones = {n: shown[0].local[n].tzinfo for n in names}
    heads = {n: f"{n} ({getattr(zones[n], 'key', zones[n])})" for n in names}
    rows = [
        {
            "utc_start": f"{s.start:%Y-%m-%d %H:%M}",
            "comfort": round(s.comfort, 2),
            **{heads[n]: local_text(s.local[n]) for n in names},
        }
        for s in shown
    ]
    return pd.DataFrame(rows, columns=["utc_start", "comfort", *heads.values()])


def slots_payload(
    slots: Sequence[Slot],
    team: Sequence[WorkingTime],
    *,
    duration: int,
    start: date,
    days: int,
    limit: int | None = None,
    step: int = STEP,
) -> dict:
    """What ``commlib meeting slots --json`` prints: the best ``limit`` slots (all when None)
    with ISO 8601 moments (``start``, ``end`` in UTC; ``local`` on each clock), how many there
    are in all, the window searched and the attendees' working time."""
    shown = slots if limit is None else slots[:limit]
    return {
        "slots": [
            {
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "attendees": s.attendees,
                "comfort": s.comfort,
                "local": {name: moment.isoformat() for name, moment in s.local.items()},
            }
            for s in shown
        ],
        "total": len(slots),
        "from": start.isoformat(),
        "to": (start + timedelta(days=days - 1)).isoformat(),
        "duration_min": duration,
        "step_min": step,
        "attendees": [
            {
                "name": p.name,
                "timezone": p.zone,
                "work_hours": f"{clock_text(p.hours[0])}-{clock_text(p.hours[1])}",
                "lunch": f"{clock_text(p.lunch[0])}-{clock_text(p.lunch[1])}" if p.lunch else None,
                "holiday_region": p.region,
            }
            for p in team
        ],
    }
