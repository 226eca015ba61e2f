"""The culture brief: for each stakeholder, what to know before meeting them — their language,
time zone, working hours, the public holidays coming up where they work, the channel they
prefer, how to address them, and (for the team only) the etiquette notes.

    >>> culture_brief(store.frame("stakeholders", project, audience="client"), today=today)

It reads a stakeholders frame, so it shows what the frame's audience may see: a client's
frame has no etiquette notes, and neither has the brief made from it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pandas as pd

from ..frames import missing, text_or_none
from ..i18n import get_language, language, t
from ..models import clock_text
from .working_time import DEFAULT_HOURS, offset_text, working_time

__all__ = ["BRIEF_DAYS", "culture_brief"]

#: how far ahead the brief looks for public holidays
BRIEF_DAYS = 60
#: at most this many holidays per person (a long holiday is one line: its first and last day)
_HOLIDAYS_SHOWN = 3
_COLUMNS = [
    "name",
    "address_as",
    "language",
    "timezone",
    "work_hours",
    "next_holidays",
    "preferred_channel",
]


def culture_brief(
    stakeholders: pd.DataFrame,
    *,
    today: date | None = None,
    lang: str | None = None,
    days: int = BRIEF_DAYS,
) -> pd.DataFrame:
    """One row per stakeholder: ``name, address_as, language, timezone, work_hours,
    next_holidays, preferred_channel`` (and ``etiquette`` when the frame has it).

    ``timezone`` carries the zone's UTC offset today; ``work_hours`` the lunch break;
    ``next_holidays`` the public holidays of the next ``days`` days where they work, a
    run of days off as one entry (``10-01–10-07 国庆节``).
    """
    today = today or date.today()
    code = lang or get_language()
    columns = _COLUMNS + (["etiquette"] if "etiquette" in stakeholders.columns else [])
    rows = []
    with language(code):
        for row in stakeholders.to_dict("records"):
            person = working_time(_record(row))
            offset = offset_text(datetime(today.year, today.month, today.day, 12, tzinfo=person.tz))
            rows.append(
                {
                    "name": row["name"],
                    "address_as": text_or_none(row.get("address_as")) or "",
                    "language": None if missing(row.get("language")) else row["language"],
                    "timezone": f"{person.zone} ({offset})",
                    "work_hours": _hours(person.hours, person.lunch),
                    "next_holidays": _holidays(person, today, days, code),
                    "preferred_channel": row.get("preferred_channel"),
                    **(
                        {"etiquette": text_or_none(row.get("etiquette")) or ""}
                        if "etiquette" in columns
                        else {}
                    ),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _record(row: dict) -> SimpleNamespace:
    """What ``working_time`` reads of a stakeholder, from a frame's row."""

    def text(name: str, default: str = "") -> str:
        return text_or_none(row.get(name)) or default

    return SimpleNamespace(
        id=row.get("id"),
        name=row["name"],
        timezone=text("timezone"),
        work_hours=text("work_hours", DEFAULT_HOURS),
        lunch=text("lunch"),
        holiday_region=text("holiday_region"),
    )


def _hours(hours: tuple[int, int], lunch: tuple[int, int] | None) -> str:
    text = f"{clock_text(hours[0])}–{clock_text(hours[1])}"
    if lunch is None:
        return text
    return t(
        "meetings.brief.with_lunch",
        hours=text,
        lunch=f"{clock_text(lunch[0])}–{clock_text(lunch[1])}",
    )


def _holidays(person, today: date, days: int, lang: str) -> str:
    """The coming public holidays, runs of consecutive days off (weekends between them
    included) as one entry, at most ``_HOLIDAYS_SHOWN``."""
    if person.region is None:
        return ""
    found = person.holidays(today, today + timedelta(days=days), lang)
    runs: list[list[date]] = []
    for day in found:
        if runs and all(not person.is_working_day(d) for d in _between(runs[-1][-1], day)):
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs[:_HOLIDAYS_SHOWN]:
        first, last = run[0], run[-1]
        when = f"{first:%m-%d}" if first == last else f"{first:%m-%d}–{last:%m-%d}"
        parts.append(f"{when} {_name(found[first])}")
    if len(runs) > _HOLIDAYS_SHOWN:
        parts.append("…")
    return t("meetings.brief.none_soon") if not parts else "; ".join(parts)


def _between(first: date, last: date) -> list[date]:
    """The days strictly between ``first`` and ``last``."""
    return [first + timedelta(days=n) for n in range(1, (last - first).days)]


def _name(text: str) -> str:
    """A holiday's name without the library's note of where it was moved from."""
    for mark in ("（", " ("):
        text = text.split(mark)[0]
    return text.strip()
