"""Schedule charts: altair builders that take DataFrames and return a chart, never display it.

    >>> gantt_chart(store.frame("milestones", p), store.frame("stakeholders", p),
    ...             start=project.start, today=date.today(), lang="zh")
    >>> forecast_chart(forecast(milestones, risks, start=project.start, today=today), today=today)

Both copy only the columns they show (never notes: these charts go into client reports),
draw a red "today" rule, and label everything in ``lang`` (default: the current language).
Dates are calendar days, drawn on a UTC scale so they never shift with the viewer's zone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from .. import _charts, frames
from ..i18n import enum_label, label, language, t
from .milestones import milestone_table

#: milestone, deliverable
TYPE_COLOURS = (_charts.BLUE, _charts.ORANGE)
BASELINE = _charts.LIGHT_GREY
TODAY = _charts.RED
#: done, on track (P(current) >= 80%), at risk (>= 50%), likely late
OUTLOOK = {
    "done": _charts.GREY,
    "on_track": _charts.GREEN,
    "at_risk": _charts.AMBER,
    "likely_late": _charts.RED,
}
ON_TRACK, AT_RISK = 0.8, 0.5
_DATE_FORMAT = "%Y-%m-%d"


def gantt_chart(
    milestones: pd.DataFrame,
    stakeholders: pd.DataFrame | None = None,
    *,
    start: date,
    today: date,
    lang: str | None = None,
) -> alt.LayerChart:
    """Milestones and deliverables over time: a row each, baseline behind, today as a rule.

    ``milestones`` (and ``stakeholders``, for who accepted) are store frames; ``start`` is
    the project's start. Each row's bar runs from its predecessor's current due date (or
    ``start``) to its own; the light bar behind runs likewise over the baseline dates, so a
    slip shows as the coloured bar running past the grey one. Colour tells milestones from
    deliverables, and milestones also get a diamond on their due date; late ones (not done,
    due date passed) are outlined in red. A predecessor missing from the frame (an internal
    milestone in a client frame) is replaced by the latest due date shown before the row.
    """
    with language(lang):
        rows = _gantt_rows(milestone_table(milestones, stakeholders, today=today), start)
        types = [enum_label("milestone_kind", k) for k in ("milestone", "deliverable")]
        y = alt.Y(
            "row:N",
            sort=list(rows["row"]),
            title=None,
            axis=alt.Axis(labelLimit=220),
        )
        x_title = t("schedule.chart.date")
        tooltip = [
            alt.Tooltip("name:N", title=label("name")),
            alt.Tooltip("type:N", title=label("type")),
            alt.Tooltip("status:N", title=label("status")),
            alt.Tooltip("baseline_due:N", title=label("baseline_due")),
            alt.Tooltip("current_due:N", title=label("current_due")),
            alt.Tooltip("slip_days:Q", title=t("schedule.chart.slip_days")),
            alt.Tooltip("late:N", title=t("schedule.chart.late")),
            alt.Tooltip("accepted:N", title=t("schedule.chart.accepted")),
        ]
        base = alt.Chart(rows)
        baseline = base.mark_bar(color=BASELINE, height={"band": 0.8}).encode(
            x=_x("base_from", x_title),
            x2="baseline_due:T",
            y=y,
            tooltip=tooltip,
        )
        colour = alt.Color(
            "type:N",
            title=label("type"),
            scale=alt.Scale(domain=types, range=list(TYPE_COLOURS)),
        )
        current = base.mark_bar(height={"band": 0.4}).encode(
            x=_x("from", x_title),
            x2="current_due:T",
            y=y,
            color=colour,
            stroke=alt.condition("datum.is_late", alt.value(TODAY), alt.value("transparent")),
            strokeWidth=alt.condition("datum.is_late", alt.value(2), alt.value(0)),
            tooltip=tooltip,
        )
        diamonds = (
            base.transform_filter(alt.datum.kind == "milestone")
            .mark_point(shape="diamond", filled=True, size=140, opacity=1)
            .encode(x=_x("current_due", x_title), y=y, color=colour, tooltip=tooltip)
        )
        chart = alt.layer(baseline, current, diamonds, *_today(today)).properties(
            title=alt.Title(
                t("schedule.chart.gantt.title"), subtitle=t("schedule.chart.gantt.subtitle")
            ),
            width=640,
            height=alt.Step(26),
        )
    return chart


def forecast_chart(table: pd.DataFrame, *, today: date, lang: str | None = None) -> alt.LayerChart:
    """The forecast per milestone: the P50–P80 range against the committed dates.

    ``table`` is :func:`~commlib.schedule.forecast.forecast`. Each row has a bar from P50 to
    P80 (a dot on P50, so a fixed date still shows), a grey tick on the baseline and a black
    tick on the current due date. The colour says how likely the current date is: on track
    (at least 80%), at risk (50–80%), likely late (below 50%); done milestones are grey.
    """
    with language(lang):
        outlooks = {
            "done": t("schedule.forecast.outlook.done"),
            "on_track": t("schedule.forecast.outlook.on_track"),
            "at_risk": t("schedule.forecast.outlook.at_risk"),
            "likely_late": t("schedule.forecast.outlook.likely_late"),
        }
        rows = _forecast_rows(table, outlooks)
        y = alt.Y("row:N", sort=list(rows["row"]), title=None, axis=alt.Axis(labelLimit=220))
        x_title = t("schedule.chart.date")
        tooltip = [
            alt.Tooltip("name:N", title=label("name")),
            alt.Tooltip("status:N", title=label("status")),
            alt.Tooltip("baseline_due:N", title=label("baseline_due")),
            alt.Tooltip("current_due:N", title=label("current_due")),
            alt.Tooltip("p50:N", title=t("schedule.forecast.p50")),
            alt.Tooltip("p80:N", title=t("schedule.forecast.p80")),
            alt.Tooltip("p_baseline:Q", title=t("schedule.forecast.p_baseline"), format=".0%"),
            alt.Tooltip("p_current:Q", title=t("schedule.forecast.p_current"), format=".0%"),
            alt.Tooltip("outlook:N", title=t("schedule.forecast.outlook_title")),
        ]
        colour = alt.Color(
            "outlook:N",
            title=t("schedule.forecast.outlook_title"),
            scale=alt.Scale(domain=list(outlooks.values()), range=list(OUTLOOK.values())),
        )
        base = alt.Chart(rows)
        band = base.mark_bar(height={"band": 0.5}, opacity=0.85).encode(
            x=_x("p50", x_title), x2="p80:T", y=y, color=colour, tooltip=tooltip
        )
        middle = base.mark_point(filled=True, size=50, opacity=1).encode(
            x=_x("p50", x_title), y=y, color=colour, tooltip=tooltip
        )
        baseline = base.mark_tick(color=_charts.MID_GREY, thickness=3, height=20).encode(
            x=_x("baseline_due", x_title), y=y, tooltip=tooltip
        )
        current = base.mark_tick(color="black", thickness=2, height=20).encode(
            x=_x("current_due", x_title), y=y, tooltip=tooltip
        )
        chart = alt.layer(band, middle, baseline, current, *_today(today)).properties(
            title=alt.Title(
                t("schedule.chart.forecast.title"),
                subtitle=t("schedule.chart.forecast.subtitle"),
            ),
            width=640,
            height=alt.Step(26),
        )
    return chart


# --- internals --------------------------------------------------------------------------


def _x(field: str, title: str) -> alt.X:
    return alt.X(
        f"{field}:T",
        title=title,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format=_DATE_FORMAT, formatType="utc", labelAngle=-30),
    )


def _today(today: date) -> list[Any]:
    """The red rule on ``today``, with its label at the top."""
    data = pd.DataFrame({"today": [today.isoformat()], "text": [t("schedule.chart.today")]})
    x = alt.X("today:T", scale=alt.Scale(type="utc"))
    rule = (
        alt.Chart(data)
        .mark_rule(color=TODAY, strokeDash=[6, 3], size=2)
        .encode(x=x, tooltip=alt.Tooltip("today:N", title=t("schedule.chart.today")))
    )
    text = (
        alt.Chart(data)
        .mark_text(color=TODAY, align="left", baseline="top", dx=4, y=2)
        .encode(x=x, text="text:N")
    )
    return [rule, text]


def _row_labels(names: pd.Series, ids: pd.Series) -> list[str]:
    """Names as row labels; a name used twice gets its id, so rows never merge."""
    counts = names.value_counts()
    return [f"{n} #{i}" if counts[n] > 1 else str(n) for n, i in zip(names, ids, strict=True)]


def _gantt_rows(table: pd.DataFrame, start: date) -> pd.DataFrame:
    columns = [
        "row",
        "name",
        "kind",
        "type",
        "status",
        "from",
        "base_from",
        "baseline_due",
        "current_due",
        "slip_days",
        "is_late",
        "late",
        "accepted",
    ]
    if table.empty:
        return pd.DataFrame(columns=columns)
    current = list(table["current_due"])
    baseline = list(table["baseline_due"])
    position = {int(i): k for k, i in enumerate(table["id"])}
    starts, base_starts = [], []
    for k, pred in enumerate(table["depends_on"]):
        if pd.isna(pred):
            starts.append(start)
            base_starts.append(start)
        elif int(pred) in position:
            starts.append(current[position[int(pred)]])
            base_starts.append(baseline[position[int(pred)]])
        else:  # not shown: the latest date before this row's stands in for it
            starts.append(max([d for d in current[:k] if d <= current[k]], default=start))
            base_starts.append(max([d for d in baseline[:k] if d <= baseline[k]], default=start))
    yes, no = t("schedule.word.yes"), t("schedule.word.no")
    accepted = [
        t("schedule.chart.accepted_by", by=who, on=_iso(on), channel=_channel(channel))
        if ok
        else no
        for ok, who, on, channel in zip(
            table["accepted"],
            table["accepted_by_name"],
            table["accepted_on"],
            table["acceptance_channel"],
            strict=True,
        )
    ]
    return pd.DataFrame(
        {
            "row": _row_labels(table["name"], table["id"]),
            "name": table["name"].to_numpy(),
            "kind": table["type"].to_numpy(),
            "type": [enum_label("milestone_kind", k) for k in table["type"]],
            "status": [enum_label("milestone_status", s) for s in table["status"]],
            "from": [_iso(min(d, c)) for d, c in zip(starts, table["current_due"], strict=True)],
            "base_from": [
                _iso(min(d, b)) for d, b in zip(base_starts, table["baseline_due"], strict=True)
            ],
            "baseline_due": [_iso(d) for d in table["baseline_due"]],
            "current_due": [_iso(d) for d in table["current_due"]],
            "slip_days": table["slip_days"].astype(int).to_numpy(),
            "is_late": table["late"].astype(bool).to_numpy(),
            "late": [yes if v else no for v in table["late"]],
            "accepted": accepted,
        },
        columns=columns,
    )


def _forecast_rows(table: pd.DataFrame, outlooks: dict[str, str]) -> pd.DataFrame:
    columns = [
        "row",
        "name",
        "status",
        "baseline_due",
        "current_due",
        "p50",
        "p80",
        "p_baseline",
        "p_current",
        "outlook",
    ]
    if table.empty:
        return pd.DataFrame(columns=columns)
    outlook = [
        outlooks[_outlook(status, chance)]
        for status, chance in zip(table["status"], table["p_current"], strict=True)
    ]
    return pd.DataFrame(
        {
            "row": _row_labels(table["name"], table["id"]),
            "name": table["name"].astype(str).to_numpy(),
            "status": [enum_label("milestone_status", s) for s in table["status"]],
            "baseline_due": [_iso(d) for d in table["baseline_due"]],
            "current_due": [_iso(d) for d in table["current_due"]],
            "p50": [_iso(d) for d in table["p50"]],
            "p80": [_iso(d) for d in table["p80"]],
            "p_baseline": table["p_baseline"].astype(float).round(4).to_numpy(),
            "p_current": table["p_current"].astype(float).round(4).to_numpy(),
            "outlook": outlook,
        },
        columns=columns,
    )


def _outlook(status: str, chance: float) -> str:
    if status == "done":
        return "done"
    if chance >= ON_TRACK:
        return "on_track"
    return "at_risk" if chance >= AT_RISK else "likely_late"


def _iso(value: Any) -> str:
    day = frames.day(value)
    return "" if day is None else day.isoformat()


def _channel(value: Any) -> str:
    return enum_label("channel", value) if isinstance(value, str) and value else "—"
