"""Issue metrics: pure functions over ``store.frame("issues", project)``.

None reads the store or the clock (``today``, ``since`` and ``until`` are arguments); each
returns a DataFrame whose columns are listed in its docstring (``*_COLUMNS``), empty with
those columns when there is nothing to show.

    >>> issues = store.frame("issues", "ERP")
    >>> open_issues(issues, today=date(2026, 7, 15))    # most severe first, then oldest
    >>> overdue_issues(issues, today=date(2026, 7, 15))
    >>> times, summary = time_to_resolve(issues)
    >>> issues_by_age(issues, today=date(2026, 7, 15))  # open issues per age bucket
    >>> problems_and_solutions(issues, since=..., until=..., lang="zh")  # the review's table
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from ..frames import typed_frame
from ..i18n import enum_label, language, t

#: statuses of an issue still being worked on
LIVE: tuple[str, ...] = ("open", "in_progress")
#: statuses of an issue that is done with
DONE: tuple[str, ...] = ("resolved", "closed")
#: age buckets of open issues: (key, first day, last day or None)
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("under_7", 0, 6),
    ("7_to_30", 7, 30),
    ("over_30", 31, None),
)

OPEN_COLUMNS: dict[str, str] = {
    "id": "int64",
    "title": "object",
    "impact": "object",
    "severity": "int64",
    "owner": "object",
    "status": "object",
    "raised_on": "object",
    "target_date": "object",
    "age_days": "int64",
    "overdue": "bool",
    "days_overdue": "Int64",
    "solution": "object",
}
RESOLVE_COLUMNS: dict[str, str] = {
    "id": "int64",
    "title": "object",
    "impact": "object",
    "severity": "int64",
    "raised_on": "object",
    "resolved_on": "object",
    "days": "int64",
}
RESOLVE_SUMMARY_COLUMNS: dict[str, str] = {
    "count": "int64",
    "median_days": "float64",
    "mean_days": "float64",
}
AGE_COLUMNS: dict[str, str] = {"bucket": "object", "issues": "int64"}
#: the columns of ``problems_and_solutions`` (labelled with ``issues.column.<name>``)
PROBLEM_COLUMNS: tuple[str, ...] = (
    "title",
    "impact",
    "severity",
    "owner",
    "solution",
    "date",
    "status",
)


def _days(later: Any, earlier: Any) -> int:
    return (pd.Timestamp(later) - pd.Timestamp(earlier)).days


def open_issues(issues: pd.DataFrame, today: date) -> pd.DataFrame:
    """Issues open or in progress, most severe first, then the oldest first
    (``OPEN_COLUMNS``): ``age_days`` since ``raised_on``; ``overdue`` when the
    ``target_date`` is before ``today``, by ``days_overdue``."""
    if issues.empty:
        return typed_frame([], OPEN_COLUMNS)
    live = issues[issues["status"].isin(LIVE)]
    rows = []
    for r in live.itertuples(index=False):
        target = r.target_date if isinstance(r.target_date, date) else None
        late = target is not None and target < today
        rows.append(
            {
                **{c: getattr(r, c) for c in OPEN_COLUMNS if hasattr(r, c)},
                "target_date": target,
                "age_days": max(0, _days(today, r.raised_on)),
                "overdue": late,
                "days_overdue": _days(today, target) if late else None,
            }
        )
    df = typed_frame(rows, OPEN_COLUMNS)
    return df.sort_values(
        ["severity", "age_days", "id"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def overdue_issues(issues: pd.DataFrame, today: date) -> pd.DataFrame:
    """The open issues past their target date, most overdue first (``OPEN_COLUMNS``)."""
    found = open_issues(issues, today)
    found = found[found["overdue"]]
    return found.sort_values(
        ["days_overdue", "severity", "id"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def time_to_resolve(issues: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Days from ``raised_on`` to ``resolved_on`` of each resolved or closed issue, in the
    order they were resolved (``RESOLVE_COLUMNS``), and a one-row summary of those days
    (``RESOLVE_SUMMARY_COLUMNS``: count, median, mean; no days give 0 and missing values)."""
    rows = []
    if not issues.empty:
        done = issues[issues["status"].isin(DONE) & issues["resolved_on"].notna()]
        for r in done.itertuples(index=False):
            rows.append(
                {
                    **{c: getattr(r, c) for c in RESOLVE_COLUMNS if hasattr(r, c)},
                    "days": _days(r.resolved_on, r.raised_on),
                }
            )
    times = typed_frame(rows, RESOLVE_COLUMNS)
    if not times.empty:
        times = times.assign(_on=pd.to_datetime(times["resolved_on"]))
        times = times.sort_values(["_on", "id"], kind="stable").drop(columns="_on")
        times = times.reset_index(drop=True)
    days = times["days"].astype("float64")
    summary = typed_frame(
        [
            {
                "count": len(days),
                "median_days": days.median() if len(days) else None,
                "mean_days": days.mean() if len(days) else None,
            }
        ],
        RESOLVE_SUMMARY_COLUMNS,
    )
    return times, summary


def issues_by_age(issues: pd.DataFrame, today: date) -> pd.DataFrame:
    """How many open issues fall in each age bucket (``AGE_BUCKETS``: under 7 days,
    7–30 days, over 30 days), every bucket listed (``AGE_COLUMNS``)."""
    ages = open_issues(issues, today)["age_days"]
    rows = []
    for key, first, last in AGE_BUCKETS:
        inside = (ages >= first) & (ages <= last) if last is not None else ages >= first
        rows.append({"bucket": key, "issues": int(inside.sum())})
    return typed_frame(rows, AGE_COLUMNS)


def problems_and_solutions(
    issues: pd.DataFrame, *, since: date, until: date, lang: str | None = None
) -> pd.DataFrame:
    """The status review's table of problems and what is done about them, labelled in
    ``lang``: issues open or in progress (most severe first), then those resolved or closed
    from ``since`` to ``until`` (latest first). The date column is the target date of an
    open issue and the resolution date of a resolved one."""
    with language(lang):
        labels = [t(f"issues.column.{c}") for c in PROBLEM_COLUMNS]
        if issues.empty:
            return pd.DataFrame(columns=labels)
        live = issues[issues["status"].isin(LIVE)]
        live = live.assign(shown_on=live["target_date"])
        on = pd.to_datetime(issues["resolved_on"], errors="coerce")
        recent = (
            issues["status"].isin(DONE) & (on >= pd.Timestamp(since)) & (on <= pd.Timestamp(until))
        )
        done = issues[recent.to_numpy(dtype=bool)]
        # from the rows' own column: an empty frame would take the whole column's index
        done = done.assign(shown_on=done["resolved_on"])
        live = live.sort_values(["severity", "raised_on", "id"], ascending=[False, True, True])
        done = done.sort_values(["resolved_on", "id"], ascending=[False, True])
        rows = [
            [
                r.title,
                enum_label("issue_impact", r.impact),
                int(r.severity),
                r.owner,
                r.solution,
                r.shown_on if isinstance(r.shown_on, date) else None,
                enum_label("issue_status", r.status),
            ]
            for frame in (live, done)
            for r in frame.itertuples(index=False)
        ]
        return pd.DataFrame(rows, columns=labels)
