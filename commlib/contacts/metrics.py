"""Contact metrics: pure functions over the store's DataFrames.

Every function takes the frames ``store.frame(kind, project)`` returns (``stakeholders``,
``contacts``, ``communication_plan``, ``follow_ups``), never reads the store or the clock
(``today``/``now`` are arguments), and returns a tidy DataFrame whose columns are listed
in its docstring. Empty inputs give empty frames with those columns.

    >>> status = contact_cadence(people, contacts, plan, today=date(2026, 7, 15))
    >>> losing_touch(status)              # only the overdue ones, most overdue first
    >>> times = response_times(contacts, now=datetime.now(UTC))
    >>> response_summary(times, by="channel")

Calendar days (days since a contact, weeks and months) are counted in the time zone ``tz``
(default UTC); moments stay in UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import frames
from ..frames import typed_frame
from ..models import ENUMS, quadrant_of

#: the engagement scale as numbers: unaware=0 ... leading=4
ENGAGEMENT_LEVELS: dict[str, int] = {v: i for i, v in enumerate(ENUMS["engagement"])}
#: answer inbound client messages within this many hours
DEFAULT_TARGET_HOURS = 24.0
#: inbound contacts on these channels wait for an answer; calls and meetings are answered live
MESSAGE_CHANNELS: tuple[str, ...] = ("email", "im", "other")

_UTC = "datetime64[us, UTC]"

CADENCE_COLUMNS: dict[str, str] = {
    "stakeholder_id": "int64",
    "name": "object",
    "quadrant": "object",
    "last_contact": _UTC,
    "days_since": "Int64",
    "cadence_days": "Int64",
    "cadence_source": "object",
    "overdue": "bool",
    "days_overdue": "Int64",
}
FOLLOW_UP_COLUMNS: dict[str, str] = {
    "id": "int64",
    "title": "object",
    "owner": "object",
    "due": "object",
    "days_overdue": "int64",
    "contact_id": "Int64",
}
RESPONSE_COLUMNS: dict[str, str] = {
    "stakeholder_id": "int64",
    "channel": "object",
    "inbound_id": "Int64",
    "inbound_at": _UTC,
    "messages": "int64",
    "reply_id": "Int64",
    "replied_at": _UTC,
    "hours": "float64",
    "pending": "bool",
    "breach": "bool",
}
SUMMARY_COLUMNS: dict[str, str] = {
    "answered": "int64",
    "pending": "int64",
    "median_hours": "float64",
    "p90_hours": "float64",
    "breaches": "int64",
    "breach_share": "float64",
}
MIX_COLUMNS: dict[str, str] = {
    "period": "datetime64[us]",
    "channel": "object",
    "contacts": "int64",
    "share": "float64",
}
GAP_COLUMNS: dict[str, str] = {
    "stakeholder_id": "int64",
    "name": "object",
    "engagement_current": "object",
    "engagement_desired": "object",
    "current_level": "Int64",
    "desired_level": "Int64",
    "gap": "Int64",
}


# --- helpers ----------------------------------------------------------------------------


def stakeholder_ids(value: Any) -> list[int]:
    """The ids in a ``stakeholder_ids`` cell: a list, an array, JSON text, or nothing."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return []
    return [int(v) for v in value]


def _utc(moment: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)


def _day(today: date, tz: str) -> pd.Timestamp:
    """``today`` as a naive midnight; an aware datetime is first moved into ``tz``."""
    if isinstance(today, datetime):
        today = today.astimezone(frames.zone(tz)).date() if today.tzinfo else today.date()
    return pd.Timestamp(today)


def moments(contacts: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(contacts["when"], utc=True)


def _local_days(moments: pd.Series, tz: str) -> pd.Series:
    """Each moment's calendar day in ``tz``, as a naive midnight."""
    return moments.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()


def _by_stakeholder(contacts: pd.DataFrame) -> pd.DataFrame:
    """One row per contact and stakeholder; contacts with no stakeholders drop out."""
    columns = ["contact_id", "stakeholder_id", "when", "channel", "direction"]
    if contacts.empty:
        return pd.DataFrame(columns=columns)
    ids = contacts["id"] if "id" in contacts else pd.Series(pd.NA, index=contacts.index)
    df = pd.DataFrame(
        {
            "contact_id": ids.to_numpy(),
            "stakeholder_id": [stakeholder_ids(v) for v in contacts["stakeholder_ids"]],
            "when": moments(contacts).to_numpy(),
            "channel": contacts["channel"].to_numpy(),
            "direction": contacts["direction"].to_numpy(),
        }
    )
    df = df.explode("stakeholder_id").dropna(subset=["stakeholder_id"])
    df["stakeholder_id"] = df["stakeholder_id"].astype("int64")
    df["when"] = pd.to_datetime(df["when"], utc=True)
    return df.reset_index(drop=True)


def _planned_cadences(plan: pd.DataFrame | None) -> tuple[dict[int, int], dict[str, int]]:
    """The shortest cadence planned for each stakeholder, and for each quadrant."""
    people: dict[int, int] = {}
    boxes: dict[str, int] = {}
    if plan is None or plan.empty:
        return people, boxes
    for sid, box, days in zip(
        plan.get("stakeholder_id", pd.Series(None, index=plan.index)),
        plan.get("quadrant", pd.Series(None, index=plan.index)),
        plan["cadence_days"],
        strict=True,
    ):
        if days is None or pd.isna(days):
            continue
        if sid is not None and not pd.isna(sid):
            people[int(sid)] = min(int(days), people.get(int(sid), int(days)))
        elif isinstance(box, str) and box:
            boxes[box] = min(int(days), boxes.get(box, int(days)))
    return people, boxes


# --- cadence ----------------------------------------------------------------------------


def contact_cadence(
    stakeholders: pd.DataFrame,
    contacts: pd.DataFrame,
    plan: pd.DataFrame | None = None,
    *,
    today: date,
    tz: str = "UTC",
) -> pd.DataFrame:
    """When each stakeholder was last in touch, against the cadence the plan sets for them.

    Columns: ``stakeholder_id``, ``name``, ``quadrant`` (their power/interest box),
    ``last_contact`` (UTC; NaT if never), ``days_since`` (calendar days in ``tz`` from the
    last contact to ``today``; NA if never), ``cadence_days`` (from the plan: the shortest of
    the rows naming the stakeholder, else of the rows for their quadrant; NA if none applies),
    ``cadence_source`` (``stakeholder``, ``quadrant`` or None), ``overdue`` (days since >
    cadence, or never contacted while a cadence applies), ``days_overdue`` (days since −
    cadence, negative while there is time left; NA without a cadence or a contact).

    Contacts in either direction count; contacts dated after ``today`` (planned meetings)
    do not. One row per stakeholder, in the order of ``stakeholders``.
    """
    if stakeholders.empty:
        return typed_frame([], CADENCE_COLUMNS)
    day = _day(today, tz)
    touches = _by_stakeholder(contacts)
    if not touches.empty:
        touches = touches[_local_days(touches["when"], tz) <= day]
    last = touches.groupby("stakeholder_id")["when"].max() if not touches.empty else {}
    people, boxes = _planned_cadences(plan)
    rows = []
    for sid, name, power, interest in zip(
        stakeholders["id"],
        stakeholders["name"],
        stakeholders["power"],
        stakeholders["interest"],
        strict=True,
    ):
        sid = int(sid)
        box = quadrant_of(int(power), int(interest))
        cadence, source = people.get(sid), "stakeholder"
        if cadence is None:
            cadence, source = boxes.get(box), "quadrant"
        if cadence is None:
            source = None
        moment = last.get(sid) if sid in last else None
        since = None
        if moment is not None:
            since = int((day - _local_days(pd.Series([moment]), tz).iloc[0]).days)
        late = None if cadence is None or since is None else since - cadence
        rows.append(
            {
                "stakeholder_id": sid,
                "name": name,
                "quadrant": box,
                "last_contact": moment,
                "days_since": since,
                "cadence_days": cadence,
                "cadence_source": source,
                "overdue": cadence is not None and (since is None or since > cadence),
                "days_overdue": late,
            }
        )
    return typed_frame(rows, CADENCE_COLUMNS)


def losing_touch(cadence: pd.DataFrame) -> pd.DataFrame:
    """The overdue rows of :func:`contact_cadence`, most overdue first.

    Never contacted comes first (shortest cadence first among them), then by days overdue.
    Same columns as :func:`contact_cadence`.
    """
    if cadence.empty:
        return typed_frame([], CADENCE_COLUMNS)
    late = cadence[cadence["overdue"].astype(bool)].copy()
    late["_never"] = late["last_contact"].isna()
    late = late.sort_values(
        ["_never", "days_overdue", "cadence_days", "stakeholder_id"],
        ascending=[False, False, True, True],
        na_position="last",
        kind="stable",
    )
    return typed_frame(late.drop(columns="_never"), CADENCE_COLUMNS)


# --- follow-ups -------------------------------------------------------------------------


def overdue_follow_ups(follow_ups: pd.DataFrame, *, today: date) -> pd.DataFrame:
    """Open follow-ups due before ``today``, most overdue first.

    Columns: ``id``, ``title``, ``owner``, ``due`` (a date), ``days_overdue`` (days from
    ``due`` to ``today``), ``contact_id`` (NA if none).
    """
    if follow_ups.empty:
        return typed_frame([], FOLLOW_UP_COLUMNS)
    day = _day(today, "UTC")
    due = pd.to_datetime(follow_ups["due"], errors="coerce")
    late = follow_ups.assign(_due=due)
    late = late[(late["status"] == "open") & late["_due"].notna() & (late["_due"] < day)]
    late = late.assign(
        due=late["_due"].dt.date,
        days_overdue=(day - late["_due"]).dt.days.astype("int64"),
    )
    late = late.sort_values(["days_overdue", "id"], ascending=[False, True], kind="stable")
    return typed_frame(late, FOLLOW_UP_COLUMNS)


# --- response times ---------------------------------------------------------------------


def response_times(
    contacts: pd.DataFrame,
    *,
    now: datetime,
    target_hours: float = DEFAULT_TARGET_HOURS,
    channels: tuple[str, ...] = MESSAGE_CHANNELS,
) -> pd.DataFrame:
    """How long each stakeholder waited for our answer to their inbound messages.

    Only inbound contacts on ``channels`` wait for an answer (by default e-mail, IM and
    other: a phone call or a meeting is answered while it happens); the answer may come
    on any channel.

    For each stakeholder, an inbound contact is answered by the first outbound contact
    that includes them and is strictly later. Several inbound messages before an answer
    make one wait, measured from the earliest (the client has waited since then). A wait
    still open at ``now`` is ``pending`` and its ``hours`` are its age at ``now``. Contacts
    after ``now`` and contacts with no stakeholders are left out; a message to several
    stakeholders counts once for each.

    Columns: ``stakeholder_id``, ``channel`` (of the earliest inbound message), ``inbound_id``
    and ``inbound_at`` (that message), ``messages`` (inbound messages in the wait),
    ``reply_id`` and ``replied_at`` (NA/NaT while pending), ``hours``, ``pending``,
    ``breach`` (``hours`` > ``target_hours``: late answers, and pending ones older than
    the target). Oldest first.
    """
    touches = _by_stakeholder(contacts)
    if touches.empty:
        return typed_frame([], RESPONSE_COLUMNS)
    stamp = _utc(now)
    touches = touches[touches["when"] <= stamp]
    # an outbound contact at the very moment of an inbound one is not its answer
    touches = touches.assign(_order=(touches["direction"] == "inbound").astype(int))
    touches = touches.sort_values(["stakeholder_id", "when", "_order"], kind="stable")
    rows: list[dict[str, Any]] = []
    for sid, group in touches.groupby("stakeholder_id", sort=True):
        wait: dict[str, Any] | None = None
        for cid, when, channel, direction in zip(
            group["contact_id"], group["when"], group["channel"], group["direction"], strict=True
        ):
            if direction == "inbound":
                if channel not in channels:
                    continue
                if wait is None:
                    wait = {
                        "stakeholder_id": sid,
                        "channel": channel,
                        "inbound_id": cid,
                        "inbound_at": when,
                        "messages": 0,
                    }
                wait["messages"] += 1
            elif direction == "outbound" and wait is not None:
                rows.append({**wait, "reply_id": cid, "replied_at": when, "pending": False})
                wait = None
        if wait is not None:
            rows.append({**wait, "reply_id": None, "replied_at": None, "pending": True})
    if not rows:
        return typed_frame([], RESPONSE_COLUMNS)
    df = pd.DataFrame(rows)
    df["inbound_at"] = pd.to_datetime(df["inbound_at"], utc=True)
    end = pd.to_datetime(df["replied_at"], utc=True).fillna(stamp)
    df["hours"] = (end - df["inbound_at"]).dt.total_seconds() / 3600
    df["breach"] = df["hours"] > target_hours
    df = df.sort_values(["inbound_at", "stakeholder_id"], kind="stable")
    return typed_frame(df, RESPONSE_COLUMNS)


def response_summary(
    times: pd.DataFrame,
    *,
    by: Literal["channel", "stakeholder_id"] | None = "channel",
    target_hours: float = DEFAULT_TARGET_HOURS,
) -> pd.DataFrame:
    """Median and 90th percentile response time, and breaches, per ``by`` (or overall).

    ``times`` is :func:`response_times`. Columns: ``by`` (left out when ``by`` is None: one
    row for everything), ``answered``, ``pending``, ``median_hours`` and ``p90_hours`` (of the
    answered ones, linear interpolation as in ``Series.quantile``; NaN if none answered),
    ``breaches`` (answered later than ``target_hours``, or pending for longer), and
    ``breach_share`` (breaches / all waits). Channels in the model's order, stakeholders by id.
    """
    columns = SUMMARY_COLUMNS if by is None else {by: "object", **SUMMARY_COLUMNS}
    if by == "stakeholder_id":
        columns[by] = "int64"
    if times.empty:
        return typed_frame([], columns)
    rows = []
    groups = [(None, times)] if by is None else times.groupby(by, sort=False)
    for key, group in groups:
        pending = group["pending"].astype(bool)
        answered = group.loc[~pending, "hours"].astype(float)
        breaches = int((group["hours"].astype(float) > target_hours).sum())
        row = {
            "answered": len(answered),
            "pending": int(pending.sum()),
            "median_hours": answered.median() if len(answered) else np.nan,
            "p90_hours": answered.quantile(0.9) if len(answered) else np.nan,
            "breaches": breaches,
            "breach_share": breaches / len(group),
        }
        rows.append(row if by is None else {by: key, **row})
    df = pd.DataFrame(rows)
    if by == "channel":
        order = {c: i for i, c in enumerate(ENUMS["channel"])}
        df = df.sort_values(by, key=lambda s: s.map(order).fillna(len(order)), kind="stable")
    elif by is not None:
        df = df.sort_values(by, kind="stable")
    return typed_frame(df, columns)


# --- channel mix ------------------------------------------------------------------------


def channel_mix(
    contacts: pd.DataFrame,
    *,
    period: Literal["week", "month"] = "week",
    tz: str = "UTC",
) -> pd.DataFrame:
    """How many contacts went through each channel, per week or month.

    Columns: ``period`` (its first day, naive, in ``tz``: weeks start on Monday),
    ``channel``, ``contacts``, ``share`` (of the period's contacts). Every channel that
    occurs at all has a row in every period that has contacts (0 when unused).
    Contacts count once whoever took part, and also with no stakeholders.
    """
    if period not in ("week", "month"):
        raise ValueError(f"period must be 'week' or 'month', not {period!r}")
    if contacts.empty:
        return typed_frame([], MIX_COLUMNS)
    local = moments(contacts).dt.tz_convert(tz).dt.tz_localize(None)
    starts = local.dt.to_period("W-SUN" if period == "week" else "M").dt.start_time
    counts = (
        pd.DataFrame({"period": starts.to_numpy(), "channel": contacts["channel"].to_numpy()})
        .groupby(["period", "channel"])
        .size()
        .unstack(fill_value=0)
    )
    order = [c for c in ENUMS["channel"] if c in counts.columns]
    order += sorted(c for c in counts.columns if c not in order)
    df = counts[order].stack().rename("contacts").reset_index()
    df["share"] = df["contacts"] / df.groupby("period")["contacts"].transform("sum")
    return typed_frame(df, MIX_COLUMNS)


# --- engagement -------------------------------------------------------------------------


def engagement_gap(stakeholders: pd.DataFrame) -> pd.DataFrame:
    """How far each stakeholder's engagement is from where we want it, largest gap first.

    Columns: ``stakeholder_id``, ``name``, ``engagement_current``, ``engagement_desired``,
    ``current_level`` and ``desired_level`` (unaware=0 ... leading=4), ``gap`` (desired −
    current; negative when someone is more engaged than planned). Ties keep the input order.
    """
    if stakeholders.empty:
        return typed_frame([], GAP_COLUMNS)
    df = pd.DataFrame(
        {
            "stakeholder_id": stakeholders["id"].to_numpy(),
            "name": stakeholders["name"].to_numpy(),
            "engagement_current": stakeholders["engagement_current"].to_numpy(),
            "engagement_desired": stakeholders["engagement_desired"].to_numpy(),
        }
    )
    df["current_level"] = df["engagement_current"].map(ENGAGEMENT_LEVELS).astype("Int64")
    df["desired_level"] = df["engagement_desired"].map(ENGAGEMENT_LEVELS).astype("Int64")
    df["gap"] = df["desired_level"] - df["current_level"]
    df = df.sort_values("gap", ascending=False, na_position="last", kind="stable")
    return typed_frame(df, GAP_COLUMNS)


# --- who is who ---------------------------------------------------------------------------

#: what the stakeholder directory shows: who people are and how to reach them, nothing of
#: the team's assessment (power, interest, engagement)
DIRECTORY_COLUMNS = ("name", "organisation", "role", "preferred_channel", "timezone", "language")


def directory(stakeholders: pd.DataFrame) -> pd.DataFrame:
    """Who is who, for any audience: name, organisation, role, preferred channel, time zone
    and language of each stakeholder, in register order. Contact details and the team's
    ratings (power, interest, engagement) are left out, so a client may see it."""
    return stakeholders.reindex(columns=list(DIRECTORY_COLUMNS)).reset_index(drop=True)
