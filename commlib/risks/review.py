"""Risk review: overdue reviews, score history, exposure over time and top movers.

Pure functions over the store's frames: ``risks = store.frame("risks", project)`` and
``history = store.history(project, kind="risks")``. None reads the store or the clock
(``today``, ``since`` and ``until`` are arguments); each returns a DataFrame whose columns
are listed in its docstring, empty (with those columns) when there is nothing to show.

    >>> overdue_reviews(risks, today=date(2026, 7, 15))
    >>> score_history(risks, history, until=date(2026, 7, 15))   # a step series per risk
    >>> exposure(risks, history, today=date(2026, 7, 15))        # the weekly burndown
    >>> top_movers(risks, history, since=date(2026, 6, 15))

How the past is rebuilt: a risk exists from its ``created_at``. Its values then are the
``old`` of the first recorded change of each field, or today's value for a field that
never changed; each later change sets the field to its ``new``. Calendar days and weeks
are counted in ``tz`` (default UTC); moments stay in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from ..frames import typed_frame
from .scoring import DEFAULT_MATRIX, LIVE, RiskMatrix

_UTC = "datetime64[us, UTC]"
#: the fields whose past the functions here rebuild
_FIELDS = ("probability", "impact", "status")

OVERDUE_COLUMNS: dict[str, str] = {
    "id": "int64",
    "title": "object",
    "owner": "object",
    "status": "object",
    "review_due": "object",
    "days_overdue": "int64",
    "score": "int64",
    "level": "object",
}
HISTORY_COLUMNS: dict[str, str] = {
    "risk_id": "int64",
    "title": "object",
    "at": _UTC,
    "probability": "int64",
    "impact": "int64",
    "score": "int64",
    "level": "object",
    "status": "object",
}
EXPOSURE_COLUMNS: dict[str, str] = {
    "week": "datetime64[us]",
    "as_of": "object",
    "exposure": "int64",
    "risks": "int64",
}
MOVER_COLUMNS: dict[str, str] = {
    "id": "int64",
    "title": "object",
    "status": "object",
    "from_probability": "int64",
    "from_impact": "int64",
    "from_score": "int64",
    "from_level": "object",
    "to_probability": "int64",
    "to_impact": "int64",
    "to_score": "int64",
    "to_level": "object",
    "change": "int64",
    "new": "bool",
}


# --- helpers ----------------------------------------------------------------------------


def _day(value: date | datetime, tz: str) -> date:
    """The calendar day of ``value`` in ``tz`` (a date is taken as it is)."""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(tz)).date() if value.tzinfo else value.date()
    return value


def _start_of(day: date, tz: str) -> pd.Timestamp:
    """Midnight at the start of ``day`` in ``tz``, as a UTC moment."""
    return pd.Timestamp(datetime.combine(day, datetime.min.time(), ZoneInfo(tz))).tz_convert(UTC)


def _moment(value: date | datetime, tz: str, *, end: bool = False) -> pd.Timestamp:
    """A UTC moment: a datetime as it is (naive = UTC); a day's start (or its end)."""
    if isinstance(value, datetime):
        stamp = pd.Timestamp(value)
        return stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
    return _start_of(value + timedelta(days=1) if end else value, tz)


def _parse(field: str, text: Any) -> Any:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    return int(float(text)) if field in ("probability", "impact") else str(text)


def _timelines(
    risks: pd.DataFrame, history: pd.DataFrame | None
) -> dict[int, list[tuple[pd.Timestamp, dict[str, Any]]]]:
    """Each risk's states: ``[(moment, {probability, impact, status}), ...]``, oldest first.

    The first state is at ``created_at`` (else the first change, else ``updated_at``;
    a risk with none of these is left out); then one state per moment something changed.
    """
    changes = _risk_changes(history, risks)
    by_risk = {int(k): g for k, g in changes.groupby("record_id", sort=False)}
    found: dict[int, list[tuple[pd.Timestamp, dict[str, Any]]]] = {}
    for row in risks.itertuples(index=False):
        rid = int(row.id)
        mine = by_risk.get(rid, changes.iloc[0:0])
        state = {
            field: _parse(field, getattr(row, field)) if field != "status" else str(row.status)
            for field in _FIELDS
        }
        for field in _FIELDS:  # the value at creation: the old of the first change
            first = mine[mine["field"] == field]
            if not first.empty:
                value = _parse(field, first["old"].iloc[0])
                state[field] = state[field] if value is None else value
        start = pd.Timestamp(getattr(row, "created_at", pd.NaT))
        if pd.isna(start):
            start = mine["changed_at"].iloc[0] if not mine.empty else pd.NaT
        if pd.isna(start):
            start = pd.Timestamp(getattr(row, "updated_at", pd.NaT))
        if pd.isna(start):
            continue
        start = start.tz_localize(UTC) if start.tzinfo is None else start.tz_convert(UTC)
        states = [(start, dict(state))]
        for moment, group in mine.groupby("changed_at", sort=True):
            for field, new in zip(group["field"], group["new"], strict=True):
                value = _parse(field, new)
                if value is not None:
                    state[field] = value
            at = max(pd.Timestamp(moment), start)
            if at == states[-1][0]:
                states[-1] = (at, dict(state))
            else:
                states.append((at, dict(state)))
        found[rid] = states
    return found


def _risk_changes(history: pd.DataFrame | None, risks: pd.DataFrame) -> pd.DataFrame:
    """The history rows about these risks' probability, impact and status, oldest first."""
    columns = ["record_id", "field", "old", "new", "changed_at"]
    if history is None or history.empty or risks.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    df = history
    if "record_kind" in df:
        df = df[df["record_kind"] == "risks"]
    df = df[df["field"].isin(_FIELDS) & df["record_id"].isin(risks["id"].astype(int).tolist())]
    order = ["changed_at", "id"] if "id" in df else ["changed_at"]
    df = df.assign(changed_at=pd.to_datetime(df["changed_at"], utc=True))
    return df.sort_values(order, kind="stable")[columns]


def _state_at(
    states: list[tuple[pd.Timestamp, dict[str, Any]]], moment: pd.Timestamp
) -> dict[str, Any] | None:
    """The state in force just before ``moment`` (``None``: not created yet)."""
    current = None
    for at, state in states:
        if at >= moment:
            break
        current = state
    return current


# --- reviews ----------------------------------------------------------------------------


def overdue_reviews(
    risks: pd.DataFrame, *, today: date, matrix: RiskMatrix = DEFAULT_MATRIX
) -> pd.DataFrame:
    """Open and mitigating risks whose review date is before ``today``, most overdue first.

    Columns: ``id``, ``title``, ``owner``, ``status``, ``review_due`` (a date),
    ``days_overdue`` (from ``review_due`` to ``today``), ``score``, ``level``. Ties go to
    the higher score. A review due today is not overdue.
    """
    if risks.empty:
        return typed_frame([], OVERDUE_COLUMNS)
    day = pd.Timestamp(_day(today, "UTC"))
    due = pd.to_datetime(risks["review_due"], errors="coerce")
    late = risks.assign(due_day=due)
    late = late[late["status"].isin(LIVE) & late["due_day"].notna() & (late["due_day"] < day)]
    rows = [
        {
            "id": int(r.id),
            "title": r.title,
            "owner": r.owner,
            "status": r.status,
            "review_due": r.due_day.date(),
            "days_overdue": (day - r.due_day).days,
            "score": int(r.probability) * int(r.impact),
            "level": matrix.level(int(r.probability), int(r.impact)),
        }
        for r in late.itertuples(index=False)
    ]
    rows.sort(key=lambda r: (-r["days_overdue"], -r["score"], r["id"]))
    return typed_frame(rows, OVERDUE_COLUMNS)


# --- score history ----------------------------------------------------------------------


def score_history(
    risks: pd.DataFrame,
    history: pd.DataFrame | None,
    *,
    until: date | datetime | None = None,
    matrix: RiskMatrix = DEFAULT_MATRIX,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Each risk's probability, impact and score over time: a step series.

    One row when the risk was created and one for every moment its probability, impact or
    status changed; each row holds the values from then until the next row. With
    ``until`` (a moment, or a day: up to its end in ``tz``), changes after it are left out
    and each risk gets a last row at the end of the period (a microsecond before), so
    lines reach that day.

    Columns: ``risk_id``, ``title``, ``at`` (UTC), ``probability``, ``impact``, ``score``,
    ``level``, ``status``; by risk, then time.
    """
    titles = dict(zip(risks["id"].astype(int), risks["title"], strict=True)) if len(risks) else {}
    end = None if until is None else _moment(until, tz, end=True)
    rows = []
    for rid, states in _timelines(risks, history).items():
        kept = [(at, s) for at, s in states if end is None or at < end]
        if not kept:
            continue
        if end is not None:  # the last moment of the period, so it falls on its last day
            kept.append((end - pd.Timedelta(microseconds=1), kept[-1][1]))
        for at, state in kept:
            p, i = state["probability"], state["impact"]
            rows.append(
                {
                    "risk_id": rid,
                    "title": titles[rid],
                    "at": at,
                    "probability": p,
                    "impact": i,
                    "score": p * i,
                    "level": matrix.level(p, i),
                    "status": state["status"],
                }
            )
    rows.sort(key=lambda r: (r["risk_id"], r["at"]))
    return typed_frame(rows, HISTORY_COLUMNS)


# --- exposure over time -----------------------------------------------------------------


def exposure(
    risks: pd.DataFrame,
    history: pd.DataFrame | None,
    *,
    today: date,
    tz: str = "UTC",
    statuses: Iterable[str] = LIVE,
) -> pd.DataFrame:
    """Risk exposure week by week (the risk burndown): the sum of P x I of live risks.

    Weeks start on Monday, from the week the first risk was created to the week of
    ``today``. Each week is measured at its end (the last week: at the end of ``today``):
    the risks that exist then with a status in ``statuses`` (default: open, mitigating).

    Columns: ``week`` (its Monday, naive), ``as_of`` (the day measured: Sunday, or
    ``today``), ``exposure`` (sum of scores), ``risks`` (how many counted).
    """
    timelines = _timelines(risks, history)
    if not timelines:
        return typed_frame([], EXPOSURE_COLUMNS)
    live = set(statuses)
    end_day = _day(today, tz)
    first_day = min(_day(states[0][0].to_pydatetime(), tz) for states in timelines.values())
    if first_day > end_day:
        return typed_frame([], EXPOSURE_COLUMNS)
    monday = first_day - timedelta(days=first_day.weekday())
    rows = []
    while monday <= end_day:
        as_of = min(monday + timedelta(days=6), end_day)
        moment = _start_of(as_of + timedelta(days=1), tz)
        scores = []
        for states in timelines.values():
            state = _state_at(states, moment)
            if state is not None and state["status"] in live:
                scores.append(state["probability"] * state["impact"])
        rows.append(
            {
                "week": pd.Timestamp(monday),
                "as_of": as_of,
                "exposure": sum(scores),
                "risks": len(scores),
            }
        )
        monday += timedelta(days=7)
    return typed_frame(rows, EXPOSURE_COLUMNS)


# --- top movers -------------------------------------------------------------------------


def top_movers(
    risks: pd.DataFrame,
    history: pd.DataFrame | None,
    *,
    since: date | datetime,
    until: date | datetime | None = None,
    n: int | None = 5,
    matrix: RiskMatrix = DEFAULT_MATRIX,
    tz: str = "UTC",
) -> pd.DataFrame:
    """The risks whose score moved most since ``since``, up or down.

    "From" is the state at ``since`` (a day: its start in ``tz``); for a risk raised later,
    the state it was raised with (``new`` is then true). "To" is the state at ``until`` (a
    day: its end; default: now, i.e. the frame's values). Risks that did not move are left
    out; the largest moves come first (rises before falls of the same size), at most ``n``
    (``None``: all).

    Columns: ``id``, ``title``, ``status`` (at "to"), ``from_probability``,
    ``from_impact``, ``from_score``, ``from_level``, ``to_probability``, ``to_impact``,
    ``to_score``, ``to_level``, ``change`` (to - from), ``new``.
    """
    start = _moment(since, tz)
    end = None if until is None else _moment(until, tz, end=True)
    titles = dict(zip(risks["id"].astype(int), risks["title"], strict=True)) if len(risks) else {}
    rows = []
    for rid, states in _timelines(risks, history).items():
        if end is not None and states[0][0] >= end:
            continue  # raised after the period
        before = _state_at(states, start)
        new = before is None
        old = states[0][1] if new else before
        now = states[-1][1] if end is None else _state_at(states, end)
        assert old is not None and now is not None
        change = now["probability"] * now["impact"] - old["probability"] * old["impact"]
        if change == 0:
            continue
        rows.append(
            {
                "id": rid,
                "title": titles[rid],
                "status": now["status"],
                "from_probability": old["probability"],
                "from_impact": old["impact"],
                "from_score": old["probability"] * old["impact"],
                "from_level": matrix.level(old["probability"], old["impact"]),
                "to_probability": now["probability"],
                "to_impact": now["impact"],
                "to_score": now["probability"] * now["impact"],
                "to_level": matrix.level(now["probability"], now["impact"]),
                "change": change,
                "new": new,
            }
        )
    rows.sort(key=lambda r: (-abs(r["change"]), -r["change"], r["id"]))
    if n is not None:
        rows = rows[:n]
    return typed_frame(rows, MOVER_COLUMNS)
