"""When each stakeholder works: their hours and lunch break, in their time zone, on the working
days of their country — public holidays off, and China's make-up working days (调休) on.

    >>> wt = working_time(stakeholder)            # a Stakeholder
    >>> wt.is_working_day(date(2026, 10, 10))    # a Saturday, worked in China in 2026
    True
    >>> wt.windows(date(2026, 10, 9))            # [(09:00, 12:00), (13:30, 18:00)] local, aware

Public holidays come from the ``holidays`` library, which knows China's 调休 (the weekends
worked to make up for a longer holiday) and every country's own weekend. A stakeholder's
``holiday_region`` chooses the calendar (``CN``, ``GB-ENG``, ``US-NY``); left empty, it is the
country of their time zone (``Asia/Shanghai`` -> ``CN``); ``none`` keeps Monday to Friday.
"""

from __future__ import annotations

import dataclasses
import functools
import zoneinfo
from datetime import date, datetime, time, timedelta
from importlib.resources import files

from ..errors import InvalidRecord, Problem
from ..i18n import get_language, t
from ..models import Stakeholder, minutes_of

__all__ = ["WorkingTime", "holiday_region", "offset_text", "working_time"]

#: the working hours and lunch break a stakeholder gets unless their record says otherwise
DEFAULT_HOURS = "09:00-18:00"
#: the usual lunch break where people work (by country); elsewhere ``OTHER_LUNCH``
LUNCH = {"CN": "12:00-13:30"}
OTHER_LUNCH = "12:00-13:00"
#: the time zone of a stakeholder whose record has none
DEFAULT_ZONE = "UTC"
#: the holiday names' language for each of ours, where the library has it
_HOLIDAY_LANGUAGE = {"zh": ("zh_CN", "zh_TW"), "en": ("en_US", "en_GB")}


@dataclasses.dataclass(frozen=True)
class WorkingTime:
    """One person's working time. ``hours`` and ``lunch`` are minutes after local midnight."""

    name: str
    zone: str
    hours: tuple[int, int]
    lunch: tuple[int, int] | None
    #: ``CN``, ``GB-ENG``...; None: no public holidays (Monday to Friday)
    region: str | None
    stakeholder_id: int | None = None

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.zone)

    def holidays(self, start: date, end: date, lang: str | None = None) -> dict[date, str]:
        """The public holidays from ``start`` to ``end`` (both included), with their names."""
        if self.region is None:
            return {}
        calendar = _calendar(self.region, tuple(range(start.year, end.year + 1)), lang)
        return {d: calendar[d] for d in sorted(calendar) if start <= d <= end}

    def is_working_day(self, day: date) -> bool:
        """A weekday that is not a public holiday, or a weekend day worked to make up for one."""
        if self.region is None:
            return day.weekday() < 5
        return _calendar(self.region, (day.year,), None).is_working_day(day)

    def windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The stretches of ``day`` (a local date) this person works, as aware local moments;
        none on a day off. A moment the clock skips (a spring-forward hour) is not in them."""
        if not self.is_working_day(day):
            return []
        start, end = self.hours
        parts = [(start, end)]
        if self.lunch is not None:
            lo, hi = max(self.lunch[0], start), min(self.lunch[1], end)
            if lo < hi:
                parts = [(start, lo), (hi, end)]
        return [
            (self._at(day, a), self._at(day, b))
            for a, b in parts
            if a < b and self._at(day, a) < self._at(day, b)
        ]

    def local(self, moment: datetime) -> datetime:
        """``moment`` on this person's clock."""
        return moment.astimezone(self.tz)

    def _at(self, day: date, minute: int) -> datetime:
        """The aware moment of ``minute`` after midnight on local ``day`` (24:00: next midnight).

        Wall times are resolved as the ``zoneinfo`` module does (``fold=0``): a time in a
        spring-forward gap lands one hour later, so a window never starts inside the gap.
        """
        if minute >= 24 * 60:
            return datetime.combine(day + timedelta(days=1), time(0), self.tz)
        local = datetime.combine(day, time(minute // 60, minute % 60), self.tz)
        # round-trip through UTC: a wall time that does not exist moves past the gap
        return local.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(self.tz)


def offset_text(moment: datetime) -> str:
    """``UTC+8``, ``UTC-4``, ``UTC+5:30``, ``UTC+0``: the offset of an aware moment."""
    minutes = int((moment.utcoffset() or timedelta()).total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")


def working_time(stakeholder: Stakeholder) -> WorkingTime:
    """The working time of a stakeholder, from their record (defaults filled in)."""
    zone = stakeholder.timezone or DEFAULT_ZONE
    region = holiday_region(stakeholder.holiday_region, zone)
    hours = minutes_of(stakeholder.work_hours or DEFAULT_HOURS)
    if stakeholder.lunch == "none":
        lunch = None
    else:
        country = (region or "").split("-")[0]
        lunch = minutes_of(stakeholder.lunch or LUNCH.get(country, OTHER_LUNCH))
    return WorkingTime(
        name=stakeholder.name,
        zone=zone,
        hours=hours,
        lunch=lunch,
        region=region,
        stakeholder_id=stakeholder.id,
    )


def holiday_region(region: str, zone: str) -> str | None:
    """The holiday calendar of a record: its own ``region``, else the country of ``zone``
    (None: ``none``, or a zone that is no country's, such as UTC)."""
    if region == "none":
        return None
    if region:
        return region
    return _zone_countries().get(zone)


@functools.cache
def _zone_countries() -> dict[str, str]:
    """IANA zone -> ISO country code, from the tz database's ``zone.tab`` (in ``tzdata``)."""
    text = (files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            country, _coords, zone, *_ = line.split("\t")
            found[zone] = country
    return found


@functools.lru_cache(maxsize=64)
def _calendar(region: str, years: tuple[int, ...], lang: str | None):  # -> holidays.HolidayBase
    import holidays  # here: only the planner and the brief need it

    country, _, subdiv = region.partition("-")
    code = (lang or get_language())[:2]
    try:
        cls = holidays.country_holidays(country, subdiv=subdiv or None, years=years[0])
    except NotImplementedError as err:
        raise InvalidRecord(
            [Problem("holiday_region", region, t("error.validation.bad_holiday_region"))]
        ) from err
    supported = getattr(cls, "supported_languages", ())
    language = next((x for x in _HOLIDAY_LANGUAGE.get(code, ()) if x in supported), None)
    return holidays.country_holidays(country, subdiv=subdiv or None, years=years, language=language)
