"""When the attendees work, side by side: a heat map of the coming days (altair; the chart is
returned, never displayed).

    >>> overlap_chart(people, start=date(2026, 10, 8), days=10, tz="Asia/Shanghai", lang="zh")
    >>> overlap_frame(people, start=date(2026, 10, 8))   # its data: one row per half hour

Each cell is half an hour of one day on the clock of one zone (``tz``, default the first
attendee's); its colour says how many attendees work through the whole of it, the tooltip
who does not. Days off and lunch breaks count as not working. On the day the chosen zone's
clock goes back, the hour that repeats is shown once (its first time); on the day it goes
forward, the skipped hour has no cells. The data is inline in the spec: it draws offline.
"""

from __future__ import annotations

import bisect
import zoneinfo
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import altair as alt
import pandas as pd

from .. import _charts
from ..errors import InvalidRecord, Problem
from ..i18n import language, t
from ..models import clock_text
from .planner import MAX_DAYS, Person, offset_text, team_of, working_spans

__all__ = ["CELL", "overlap_chart", "overlap_frame"]

#: minutes per cell of the heat map
CELL = 30
#: nobody working ... some ... everyone working
NOBODY = _charts.PALE_GREY
SOME = (_charts.YELLOW, _charts.LIGHT_GREEN)
EVERYONE = _charts.DARK_GREEN


def overlap_frame(
    people: Iterable[Person],
    *,
    start: date | None = None,
    days: int = 10,
    tz: str | None = None,
) -> pd.DataFrame:
    """One row per half hour of the days from ``start`` (default: today) for ``days`` days, on
    the clock of ``tz`` (default: the first attendee's zone): ``day`` (ISO date), ``minute``
    (after local midnight), ``moment`` (its UTC start), ``offset`` (``UTC+8``), ``working``
    (how many attendees work the whole half hour), ``total`` and ``missing`` (who does not)."""
    team = team_of(people)
    zone = _zone(tz if tz is not None else team[0].zone)
    if not 1 <= days <= MAX_DAYS:
        raise InvalidRecord([Problem("days", days, t("meetings.planner.bad_days", high=MAX_DAYS))])
    first = start or date.today()
    # each person's own days around the window: their dates may be a day off the zone's
    spans = [working_spans(p, first - timedelta(days=2), days + 4) for p in team]
    starts = [[a for a, _ in own] for own in spans]
    step = timedelta(minutes=CELL)
    rows, seen = [], set()
    for n in range(days):
        day = first + timedelta(days=n)
        moment, stop = _midnight(day, zone), _midnight(day + timedelta(days=1), zone)
        while moment < stop:
            local = moment.astimezone(zone)
            key = (local.date(), local.hour * 60 + local.minute)
            if key not in seen and local.date() == day:
                seen.add(key)
                missing = [
                    p.name
                    for p, own, begins in zip(team, spans, starts, strict=True)
                    if not _covers(own, begins, moment, moment + step)
                ]
                rows.append(
                    {
                        "day": day.isoformat(),
                        "minute": key[1],
                        "moment": moment,
                        "offset": offset_text(local),
                        "working": len(team) - len(missing),
                        "total": len(team),
                        "missing": missing,
                    }
                )
            moment += step
    return pd.DataFrame(
        rows, columns=["day", "minute", "moment", "offset", "working", "total", "missing"]
    )


def overlap_chart(
    people: Iterable[Person],
    *,
    start: date | None = None,
    days: int = 10,
    tz: str | None = None,
    lang: str | None = None,
) -> alt.Chart:
    """The heat map of :func:`overlap_frame`: x the hour of day in ``tz`` (named, with its UTC
    offsets, on the axis), y the day, colour how many attendees work; labels in ``lang``."""
    team = team_of(people)
    zone = tz if tz is not None else team[0].zone
    with language(lang):
        frame = overlap_frame(team, start=start, days=days, tz=zone)
        rows = _rows(frame)
        total = len(team)
        counts = list(range(total + 1))
        offsets = ", ".join(dict.fromkeys(frame["offset"]))
        x_title = t("meetings.planner.chart.hour", zone=zone, offsets=offsets)
        chart = (
            alt.Chart(rows)
            .mark_rect(stroke="white", strokeWidth=0.5)
            .encode(
                x=alt.X(
                    "hour:Q",
                    title=x_title,
                    scale=alt.Scale(domain=[0, 24], nice=False, zero=True),
                    axis=alt.Axis(values=list(range(0, 25, 2)), format="d"),
                ),
                x2="hour_end:Q",
                y=alt.Y("day_label:O", title=None, sort=list(dict.fromkeys(rows["day_label"]))),
                color=alt.Color(
                    "working:O",
                    title=t("meetings.planner.chart.working"),
                    scale=alt.Scale(domain=counts, range=_colours(total)),
                ),
                tooltip=[
                    alt.Tooltip("day_label:N", title=t("meetings.planner.chart.day")),
                    alt.Tooltip("time:N", title=t("meetings.planner.chart.time")),
                    alt.Tooltip("share:N", title=t("meetings.planner.chart.working")),
                    alt.Tooltip("missing_text:N", title=t("meetings.planner.chart.missing")),
                ],
            )
            .properties(
                title=alt.Title(
                    t("meetings.planner.chart.title"),
                    subtitle=t("meetings.planner.chart.subtitle", zone=zone),
                ),
                width=640,
                height=alt.Step(18),
            )
        )
    return chart


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as err:
        raise InvalidRecord(
            [Problem("tz", name, t("error.validation.bad_timezone"))],
            t("meetings.planner.chart.bad_tz"),
        ) from err


def _midnight(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC moment the local ``day`` begins (past any gap at midnight)."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def _covers(spans: list, begins: list, a: datetime, b: datetime) -> bool:
    """Whether one of the sorted ``spans`` holds all of ``a`` to ``b``."""
    i = bisect.bisect_right(begins, a) - 1
    return i >= 0 and spans[i][1] >= b


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The chart's columns: plain text and numbers only (no notes, no moments)."""
    labels = {
        day: f"{t(f'meetings.planner.weekday.{d.weekday()}')} {d:%m-%d}"
        for day in dict.fromkeys(frame["day"])
        for d in [date.fromisoformat(day)]
    }
    nobody = t("meetings.planner.chart.nobody_missing")
    return pd.DataFrame(
        {
            "day_label": [labels[d] for d in frame["day"]],
            "hour": frame["minute"] / 60,
            "hour_end": (frame["minute"] + CELL) / 60,
            "time": [f"{clock_text(m)}–{clock_text(m + CELL)}" for m in frame["minute"]],
            "working": frame["working"].astype(int),
            "share": [
                t("meetings.planner.chart.share", working=w, total=n)
                for w, n in zip(frame["working"], frame["total"], strict=True)
            ],
            "missing_text": [", ".join(m) or nobody for m in frame["missing"]],
        }
    )


def _colours(total: int) -> list[str]:
    """A colour per count 0..total: grey for nobody, dark green for everyone, between them
    yellow to green."""
    if total == 1:
        return [NOBODY, EVERYONE]
    between = [SOME[round(i * (len(SOME) - 1) / max(1, total - 2))] for i in range(total - 1)]
    return [NOBODY, *between, EVERYONE]
