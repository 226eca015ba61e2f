"""Contact charts: altair builders that take DataFrames and return a chart, never display it.

Each builder takes the store's frames or the frames of :mod:`commlib.contacts.metrics`,
copies only the columns the chart needs (never e-mail, phone or notes: these charts end up
in client reports), aggregates where that keeps the spec small, and labels everything in
``lang`` (default: the current language) through the catalog.

    >>> people, contacts = store.frame("stakeholders", p), store.frame("contacts", p)
    >>> timeline_chart(contacts, people, tz="Asia/Shanghai", lang="zh")
    >>> cadence_chart(contact_cadence(people, contacts, plan, today=date.today()))
    >>> power_interest_chart(people)
    >>> response_time_chart(response_times(contacts, now=datetime.now(UTC)))
"""

from __future__ import annotations

from datetime import datetime, tzinfo

import altair as alt
import numpy as np
import pandas as pd

from .. import _charts, frames
from ..i18n import enum_label, label, language, t
from ..models import ENUMS, HIGH, quadrant_of
from .metrics import DEFAULT_TARGET_HOURS, moments, stakeholder_ids

#: one colour per channel, in the model's order (meeting, video, phone, email, im, other)
CHANNEL_COLOURS = (
    _charts.BLUE,
    _charts.TEAL,
    _charts.GREEN,
    _charts.ORANGE,
    _charts.PURPLE,
    _charts.GREY,
)
#: unaware ... leading, from red to green
ENGAGEMENT_COLOURS = (
    _charts.GREY,
    _charts.RED,
    _charts.YELLOW,
    _charts.LIGHT_GREEN,
    _charts.DARK_GREEN,
)
QUADRANT_FILLS = {
    "manage_closely": "#fde0dd",
    "keep_satisfied": "#fff2cc",
    "keep_informed": "#deebf7",
    "monitor": "#f0f0f0",
}
OVERDUE, ON_TRACK, NO_PLAN = _charts.RED, _charts.BLUE, _charts.WARM_GREY
ANSWERED, PENDING = _charts.BLUE, _charts.ORANGE
#: subjects shown per timeline mark, and characters kept of each
_SUBJECTS, _SUBJECT_CHARS = 3, 60
#: at most this many timeline marks: past it, contacts are counted per week, then per month
#: (a report stays small whatever the volume)
TIMELINE_MARKS = 800
_UNITS = ("day", "week", "month", "quarter")
_TIMES = 6
#: ticks of the response-time axis: hours, a day, two, a week, a month, a quarter
_HOUR_TICKS = (0, 1, 2, 4, 8, 24, 48, 168, 720, 2160)


# --- helpers ----------------------------------------------------------------------------


def _zone_name(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or zone.tzname(datetime.now()) or str(zone)


def _channels() -> tuple[list[str], list[str]]:
    """Channel labels in the current language, and their colours."""
    return [enum_label("channel", c) for c in ENUMS["channel"]], list(CHANNEL_COLOURS)


def _names(stakeholders: pd.DataFrame) -> dict[int, str]:
    if stakeholders.empty:
        return {}
    return {int(i): str(n) for i, n in zip(stakeholders["id"], stakeholders["name"], strict=True)}


# --- contact timeline -------------------------------------------------------------------


def timeline_chart(
    contacts: pd.DataFrame,
    stakeholders: pd.DataFrame,
    *,
    tz: str | tzinfo | None = None,
    lang: str | None = None,
) -> alt.Chart:
    """Who was in touch when: a row per stakeholder, a dot per day and channel.

    ``contacts`` and ``stakeholders`` are store frames. Days and times are shown in ``tz``
    (default: this machine's zone). One mark per day, stakeholder and channel; its size is
    the number of contacts, its tooltip their times, directions and subjects. When that
    would be more than ``TIMELINE_MARKS`` marks, a mark counts a week (then a month, a
    quarter) instead, so the chart's size does not grow with the number of contacts.
    Contacts with no stakeholders get a row of their own; stakeholders missing from
    ``stakeholders`` (e.g. internal ones in a client frame) are left out.
    """
    zone = frames.zone(tz)
    with language(lang):
        names = _names(stakeholders)
        nobody = t("contacts.chart.no_stakeholder")
        rows, unit = _timeline_rows(contacts, names, zone, nobody)
        count_title = t(f"contacts.chart.contacts_per_{unit}")
        order = [*names.values(), nobody]
        order = [n for n in dict.fromkeys(order) if n in set(rows["who"])]
        domain, colours = _channels()
        who = alt.Y(
            "who:N",
            sort=order,
            title=label("stakeholder_id"),
            axis=alt.Axis(labelLimit=160),
        )
        chart = (
            alt.Chart(rows)
            .mark_circle(opacity=0.8)
            .encode(
                x=alt.X(
                    "date:T",
                    timeUnit="utcyearmonthdate",
                    title=t("contacts.chart.date"),
                    axis=alt.Axis(format="%Y-%m-%d", labelAngle=-30),
                ),
                y=who,
                color=alt.Color(
                    "channel:N",
                    title=label("channel"),
                    scale=alt.Scale(domain=domain, range=colours),
                ),
                size=alt.Size(
                    "n:Q",
                    title=count_title,
                    scale=alt.Scale(range=[40, 240], zero=False),
                    legend=None,
                ),
                tooltip=[
                    alt.Tooltip("date:N", title=t("contacts.chart.date")),
                    alt.Tooltip("time:N", title=t("contacts.chart.time_in", zone=_zone_name(zone))),
                    alt.Tooltip("who:N", title=label("stakeholder_id")),
                    alt.Tooltip("channel:N", title=label("channel")),
                    alt.Tooltip("direction:N", title=label("direction")),
                    alt.Tooltip("subject:N", title=label("subject")),
                    alt.Tooltip("n:Q", title=count_title),
                ],
            )
            .properties(
                title=alt.TitleParams(
                    t("contacts.chart.timeline.title"),
                    subtitle=t(f"contacts.chart.timeline.per_{unit}"),
                ),
                width=640,
                height=alt.Step(18),
            )
        )
    return chart


def _timeline_rows(
    contacts: pd.DataFrame, names: dict[int, str], zone: tzinfo, nobody: str
) -> tuple[pd.DataFrame, str]:
    """The marks, and the unit they count (day, week, month or quarter)."""
    columns = ["date", "who", "channel", "n", "time", "direction", "subject"]
    if contacts.empty:
        return pd.DataFrame(columns=columns), "day"
    local = moments(contacts).dt.tz_convert(zone)
    base = pd.DataFrame(
        {
            "ids": [stakeholder_ids(v) for v in contacts["stakeholder_ids"]],
            "at": local.to_numpy(),
            "channel": contacts["channel"].to_numpy(),
            "direction": contacts["direction"].to_numpy(),
            "subject": [
                _charts.trim(s, _SUBJECT_CHARS)
                for s in contacts.get("subject", pd.Series("", contacts.index))
            ],
        }
    )
    base["ids"] = [v if v else [None] for v in base["ids"]]
    base = base.explode("ids")
    base["who"] = [nobody if i is None else names.get(int(i)) for i in base["ids"]]
    base = base.dropna(subset=["who"]).sort_values("at", kind="stable")
    if base.empty:
        return pd.DataFrame(columns=columns), "day"
    at = pd.to_datetime(base["at"]).dt.tz_convert(zone)
    day = at.dt.tz_localize(None).dt.normalize()
    starts = {
        "day": day,
        "week": day - pd.to_timedelta(day.dt.day_of_week, unit="D"),  # Mondays
        "month": day.dt.to_period("M").dt.start_time,
        "quarter": day.dt.to_period("Q").dt.start_time,
    }
    unit = next((u for u in _UNITS if _marks(base, starts[u]) <= TIMELINE_MARKS), _UNITS[-1])
    base["date"] = starts[unit].dt.strftime("%Y-%m-%d")
    base["time"] = at.dt.strftime("%H:%M" if unit == "day" else "%m-%d %H:%M")
    base["channel"] = [enum_label("channel", c) for c in base["channel"]]
    base["direction"] = [enum_label("direction", d) for d in base["direction"]]

    def joined(values: pd.Series, limit: int | None = None) -> str:
        unique = [v for v in dict.fromkeys(values) if v]
        more = len(unique) - limit if limit and len(unique) > limit else 0
        text = "; ".join(unique[:limit] if limit else unique)
        return f"{text} (+{more})" if more else text

    grouped = base.groupby(["date", "who", "channel"], sort=False)
    rows = grouped.agg(
        n=("time", "size"),
        time=("time", _times),
        direction=("direction", joined),
        subject=("subject", lambda s: joined(s, _SUBJECTS)),
    ).reset_index()
    return rows[columns], unit


def _times(values: pd.Series) -> str:
    """The contacts' times in order, the first few of them, and how many more."""
    more = len(values) - _TIMES
    text = ", ".join(values.iloc[:_TIMES])
    return f"{text} (+{more})" if more > 0 else text


def _marks(base: pd.DataFrame, start: pd.Series) -> int:
    """How many marks the timeline has with contacts counted from ``start``."""
    return len(pd.DataFrame({"d": start, "w": base["who"], "c": base["channel"]}).drop_duplicates())


# --- cadence adherence ------------------------------------------------------------------


def cadence_chart(
    cadence: pd.DataFrame,
    *,
    tz: str | tzinfo | None = None,
    lang: str | None = None,
) -> alt.LayerChart:
    """Days since the last contact (bars) against the planned cadence (ticks), per person.

    ``cadence`` is :func:`~commlib.contacts.metrics.contact_cadence` (or
    :func:`~commlib.contacts.metrics.losing_touch`); rows keep its order. Overdue bars are
    red; people never contacted get a note instead of a bar. Last-contact dates are in ``tz``.
    """
    zone = frames.zone(tz)
    with language(lang):
        statuses = {
            "overdue": t("contacts.status.overdue"),
            "on_track": t("contacts.status.on_track"),
            "no_plan": t("contacts.status.no_plan"),
        }
        rows = _cadence_rows(cadence, zone, statuses)
        never = t("contacts.status.never")
        rows["note"] = [never if pd.isna(d) else None for d in rows["days"]]
        who = alt.Y("name:N", sort=list(rows["name"]), title=label("stakeholder_id"))
        tooltip = [
            alt.Tooltip("name:N", title=label("stakeholder_id")),
            alt.Tooltip("last:N", title=t("contacts.chart.last_contact")),
            alt.Tooltip("days:Q", title=t("contacts.chart.days_since")),
            alt.Tooltip("cadence:Q", title=label("cadence_days")),
            alt.Tooltip("status:N", title=label("status")),
        ]
        base = alt.Chart(rows)
        bars = (
            base.transform_filter("isValid(datum.days)")
            .mark_bar(height={"band": 0.7})
            .encode(
                x=alt.X("days:Q", title=t("contacts.chart.days_since")),
                y=who,
                color=alt.Color(
                    "status:N",
                    title=label("status"),
                    scale=alt.Scale(
                        domain=list(statuses.values()), range=[OVERDUE, ON_TRACK, NO_PLAN]
                    ),
                ),
                tooltip=tooltip,
            )
        )
        ticks = (
            base.transform_filter("isValid(datum.cadence)")
            .mark_tick(color="black", thickness=2)
            .encode(x="cadence:Q", y=who, tooltip=tooltip)
        )
        notes = (
            base.transform_filter("!isValid(datum.days)")
            .mark_text(align="left", dx=4, fontStyle="italic")
            .encode(
                x=alt.datum(0),
                y=who,
                text="note:N",
                color=alt.Color("status:N"),
                tooltip=tooltip,
            )
        )
        chart = alt.layer(bars, ticks, notes).properties(
            title=alt.Title(
                t("contacts.chart.cadence.title"), subtitle=t("contacts.chart.cadence.subtitle")
            ),
            width=520,
            height=alt.Step(20),
        )
    return chart


def _cadence_rows(cadence: pd.DataFrame, zone: tzinfo, statuses: dict[str, str]) -> pd.DataFrame:
    if cadence.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype=object) for c in ("name", "last", "days", "cadence", "status")}
        )
    last = pd.to_datetime(cadence["last_contact"], utc=True).dt.tz_convert(zone)
    status = np.where(
        cadence["overdue"].astype(bool),
        statuses["overdue"],
        np.where(cadence["cadence_days"].isna(), statuses["no_plan"], statuses["on_track"]),
    )
    return pd.DataFrame(
        {
            "name": cadence["name"].astype(str).to_numpy(),
            "last": last.dt.strftime("%Y-%m-%d").astype(object).where(last.notna(), None),
            "days": cadence["days_since"].astype("Int64").to_numpy(),
            "cadence": cadence["cadence_days"].astype("Int64").to_numpy(),
            "status": status,
        }
    )


# --- power/interest grid ----------------------------------------------------------------


def power_interest_chart(stakeholders: pd.DataFrame, *, lang: str | None = None) -> alt.LayerChart:
    """The power/interest grid: the four boxes named, each stakeholder placed in it.

    Interest runs left to right, power bottom to top, both 1–5; "high" is ``>= HIGH``.
    People with the same scores are stacked within their cell, each with a name label;
    colour is their current engagement, the tooltip has role, scores and engagement.
    """
    with language(lang):
        people, per_cell = _grid_rows(stakeholders)
        boxes = _quadrant_rows()
        engagement = [enum_label("engagement", e) for e in ENUMS["engagement"]]
        x_scale = alt.Scale(domain=[0.5, 5.5], nice=False, zero=False)
        y_scale = alt.Scale(domain=[0, 6], nice=False, zero=False)
        x_axis = alt.Axis(values=[1, 2, 3, 4, 5], grid=False, tickMinStep=1)
        y_axis = alt.Axis(values=[1, 2, 3, 4, 5], grid=False, tickMinStep=1)
        background = (
            alt.Chart(boxes)
            .mark_rect(stroke="white", strokeWidth=2)
            .encode(
                x=alt.X("x1:Q", scale=x_scale, axis=x_axis, title=label("interest")),
                x2="x2:Q",
                y=alt.Y("y1:Q", scale=y_scale, axis=y_axis, title=label("power")),
                y2="y2:Q",
                color=alt.Color("fill:N", scale=None),
                tooltip=[alt.Tooltip("quadrant:N", title=label("quadrant"))],
            )
        )
        names = (
            alt.Chart(boxes)
            .mark_text(fontSize=13, fontWeight="bold", color="#555")
            .encode(x="lx:Q", y="ly:Q", text="quadrant:N")
        )
        tooltip = [
            alt.Tooltip("name:N", title=label("name")),
            alt.Tooltip("role:N", title=label("role")),
            alt.Tooltip("power:Q", title=label("power")),
            alt.Tooltip("interest:Q", title=label("interest")),
            alt.Tooltip("quadrant:N", title=label("quadrant")),
            alt.Tooltip("current:N", title=label("engagement_current")),
            alt.Tooltip("desired:N", title=label("engagement_desired")),
        ]
        dots = (
            alt.Chart(people)
            .mark_circle(size=90, opacity=0.95, stroke="#333", strokeWidth=0.5)
            .encode(
                x="x:Q",
                y="y:Q",
                color=alt.Color(
                    "current:N",
                    title=label("engagement_current"),
                    scale=alt.Scale(domain=engagement, range=list(ENGAGEMENT_COLOURS)),
                    sort=engagement,
                ),
                tooltip=tooltip,
            )
        )
        labels = (
            alt.Chart(people)
            .mark_text(align="left", baseline="middle", dx=7, fontSize=11)
            .encode(x="x:Q", y="y:Q", text="name:N", tooltip=tooltip)
        )
        chart = alt.layer(background, names, dots, labels).properties(
            title=t("contacts.chart.grid.title"),
            width=600,
            height=max(440, 6 * 18 * per_cell),
        )
    return chart


def _quadrant_rows() -> pd.DataFrame:
    """The four boxes in data coordinates, with where their names go (the outer band)."""
    cut = HIGH - 0.5
    rows = []
    for box in ENUMS["quadrant"]:
        high_power = box in ("manage_closely", "keep_satisfied")
        high_interest = box in ("manage_closely", "keep_informed")
        x1, x2 = (cut, 5.5) if high_interest else (0.5, cut)
        y1, y2 = (cut, 6.0) if high_power else (0.0, cut)
        rows.append(
            {
                "quadrant": enum_label("quadrant", box),
                "x1": x1,
                "x2": x2,
                "y1": y1,
                "y2": y2,
                "lx": (x1 + x2) / 2,
                "ly": 5.75 if high_power else 0.25,
                "fill": QUADRANT_FILLS[box],
            }
        )
    return pd.DataFrame(rows)


def _grid_rows(stakeholders: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """One row per person, stacked from the top of their cell; and the most in one cell."""
    columns = ["name", "role", "power", "interest", "quadrant", "current", "desired", "x", "y"]
    if stakeholders.empty:
        return pd.DataFrame(columns=columns), 1
    df = pd.DataFrame(
        {
            "name": stakeholders["name"].astype(str).to_numpy(),
            "role": stakeholders.get("role", pd.Series("", stakeholders.index)).to_numpy(),
            "power": stakeholders["power"].astype(int).to_numpy(),
            "interest": stakeholders["interest"].astype(int).to_numpy(),
            "current": stakeholders["engagement_current"].to_numpy(),
            "desired": stakeholders["engagement_desired"].to_numpy(),
        }
    )
    df["quadrant"] = [
        enum_label("quadrant", quadrant_of(p, i))
        for p, i in zip(df["power"], df["interest"], strict=True)
    ]
    df["current"] = [enum_label("engagement", e) for e in df["current"]]
    df["desired"] = [enum_label("engagement", e) for e in df["desired"]]
    df = df.sort_values(["power", "interest", "name"], ascending=[False, True, True])
    cell = df.groupby(["power", "interest"])
    rank = cell.cumcount()
    size = cell["name"].transform("size")
    spread = 0.7
    step = np.where(size > 1, spread / (size - 1).clip(lower=1), 0.0)
    df["y"] = df["power"] + np.where(size > 1, spread / 2, 0.0) - rank * step
    df["x"] = df["interest"] - 0.38
    return df[columns].reset_index(drop=True), int(size.max())


# --- response times ---------------------------------------------------------------------


def response_time_chart(
    times: pd.DataFrame,
    *,
    target_hours: float = DEFAULT_TARGET_HOURS,
    lang: str | None = None,
) -> alt.LayerChart:
    """How long clients waited for our answer, per channel, against the target.

    ``times`` is :func:`~commlib.contacts.metrics.response_times`. Dots are answers (and
    pending waits, in another colour) grouped to the quarter hour below a day, the hour
    below a week, the day beyond; their size is how many. The bar spans the middle half of
    the answered ones, the tick is their median, the thin line reaches their 90th
    percentile; the red rule is the target.
    """
    with language(lang):
        statuses = [t("contacts.response.answered"), t("contacts.response.pending")]
        domain, _ = _channels()
        dots, boxes = _response_rows(times, statuses, target_hours)
        channel = alt.Y(
            "channel:N",
            sort=domain,
            title=label("channel"),
            scale=alt.Scale(domain=[d for d in domain if d in set(dots["channel"])] or domain),
        )
        top = max([float(target_hours), *dots["hours"], *boxes["p90"].dropna()]) * 1.15
        scale = alt.Scale(type="symlog", constant=1, nice=False, domain=[0, top])
        hours = alt.X(
            "hours:Q",
            title=t("contacts.chart.response.hours"),
            scale=scale,
            axis=alt.Axis(values=[v for v in _HOUR_TICKS if v <= top]),
        )
        summary_tooltip = [
            alt.Tooltip("channel:N", title=label("channel")),
            alt.Tooltip("answered:Q", title=t("contacts.response.answered")),
            alt.Tooltip("pending:Q", title=t("contacts.response.pending")),
            alt.Tooltip("median:Q", title=t("contacts.chart.response.median"), format=".1f"),
            alt.Tooltip("p90:Q", title=t("contacts.chart.response.p90"), format=".1f"),
            alt.Tooltip("breaches:Q", title=t("contacts.chart.response.breaches")),
        ]
        box = alt.Chart(boxes).transform_filter("isValid(datum.median)")
        whisker = box.mark_rule(color="#666").encode(
            x=alt.X("low:Q", scale=scale), x2="p90:Q", y=channel, tooltip=summary_tooltip
        )
        middle = box.mark_bar(color="#c6dbef", height={"band": 0.5}).encode(
            x=alt.X("q1:Q", scale=scale), x2="q3:Q", y=channel, tooltip=summary_tooltip
        )
        median = box.mark_tick(color="#08306b", thickness=3, height=22).encode(
            x=alt.X("median:Q", scale=scale), y=channel, tooltip=summary_tooltip
        )
        points = (
            alt.Chart(dots)
            .mark_point(filled=True, opacity=0.6)
            .encode(
                x=hours,
                y=channel,
                shape=alt.Shape(
                    "status:N",
                    title=label("status"),
                    scale=alt.Scale(domain=statuses, range=["circle", "diamond"]),
                ),
                color=alt.Color(
                    "status:N",
                    title=label("status"),
                    scale=alt.Scale(domain=statuses, range=[ANSWERED, PENDING]),
                ),
                size=alt.Size(
                    "n:Q",
                    title=t("contacts.chart.response.messages"),
                    scale=alt.Scale(range=[30, 300], zero=False),
                    legend=alt.Legend(values=_count_steps(dots["n"]), format="d"),
                ),
                tooltip=[
                    alt.Tooltip("channel:N", title=label("channel")),
                    alt.Tooltip("status:N", title=label("status")),
                    alt.Tooltip("hours:Q", title=t("contacts.chart.response.hours"), format=".2f"),
                    alt.Tooltip("n:Q", title=t("contacts.chart.response.messages")),
                ],
            )
        )
        target = pd.DataFrame(
            {
                "hours": [float(target_hours)],
                "text": [t("contacts.chart.response.target", hours=f"{target_hours:g}")],
            }
        )
        rule = (
            alt.Chart(target)
            .mark_rule(color=OVERDUE, strokeDash=[6, 3], size=2)
            .encode(
                x=alt.X("hours:Q", scale=scale),
                tooltip=alt.Tooltip("text:N", title=t("contacts.chart.response.target_title")),
            )
        )
        rule_label = (
            alt.Chart(target)
            .mark_text(color=OVERDUE, align="right", baseline="top", dx=-4, y=2)
            .encode(x=alt.X("hours:Q", scale=scale), text="text:N")
        )
        chart = alt.layer(whisker, middle, median, points, rule, rule_label).properties(
            title=alt.Title(
                t("contacts.chart.response.title"), subtitle=t("contacts.chart.response.subtitle")
            ),
            width=560,
            height=alt.Step(44),
        )
    return chart


def _count_steps(counts: pd.Series) -> list[int]:
    """Whole numbers for a size legend: the smallest, the largest, one in between."""
    if counts.empty:
        return [1]
    low, high = int(counts.min()), int(counts.max())
    return sorted({low, (low + high) // 2, high})


def _round_hours(hours: pd.Series) -> pd.Series:
    """To the quarter hour below a day, the hour below a week, the day beyond."""
    return pd.Series(
        np.where(
            hours < 24,
            (hours * 4).round() / 4,
            np.where(hours < 168, hours.round(), (hours / 24).round() * 24),
        ),
        index=hours.index,
    )


def _response_rows(
    times: pd.DataFrame, statuses: list[str], target_hours: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    dot_columns = ["channel", "status", "hours", "n"]
    box_columns = ["channel", "answered", "pending", "low", "q1", "median", "q3", "p90", "breaches"]
    if times.empty:
        return pd.DataFrame(columns=dot_columns), pd.DataFrame(columns=box_columns)
    df = pd.DataFrame(
        {
            "channel": [enum_label("channel", c) for c in times["channel"]],
            "status": np.where(times["pending"].astype(bool), statuses[1], statuses[0]),
            "hours": _round_hours(times["hours"].astype(float)).to_numpy(),
            "raw": times["hours"].astype(float).to_numpy(),
            "pending": times["pending"].astype(bool).to_numpy(),
        }
    )
    dots = df.groupby(["channel", "status", "hours"]).size().rename("n").reset_index()
    boxes = []
    for channel, group in df.groupby("channel", sort=False):
        answered = group.loc[~group["pending"], "raw"]
        some = len(answered) > 0
        boxes.append(
            {
                "channel": channel,
                "answered": len(answered),
                "pending": int(group["pending"].sum()),
                "low": float(answered.min()) if some else None,
                "q1": float(answered.quantile(0.25)) if some else None,
                "median": float(answered.median()) if some else None,
                "q3": float(answered.quantile(0.75)) if some else None,
                "p90": float(answered.quantile(0.9)) if some else None,
                "breaches": int((group["raw"] > target_hours).sum()),
            }
        )
    return dots[dot_columns], pd.DataFrame(boxes, columns=box_columns)
