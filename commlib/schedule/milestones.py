"""Milestones and deliverables: promised (baseline) against expected (current) dates, and the
client's acceptance.

    >>> milestone_table(store.frame("milestones", p), store.frame("stakeholders", p), today=today)
    >>> accept_milestone(store, 4, by=zhang.id, on=date(2026, 5, 4), channel="meeting")

``milestone_table`` is a pure function over the store's frames; ``accept_milestone`` writes
through ``Store.update``, so the acceptance and the status change land in the history.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

import pandas as pd

from .. import frames
from ..errors import Conflict
from ..i18n import t
from ..models import Milestone, Record

if TYPE_CHECKING:
    from ..store import Store

COLUMNS = [
    "id",
    "name",
    "type",
    "status",
    "depends_on",
    "baseline_due",
    "current_due",
    "slip_days",
    "late",
    "accepted",
    "accepted_by",
    "accepted_by_name",
    "accepted_on",
    "acceptance_channel",
]

#: statuses whose dates no longer move: the milestone is reached or dropped
CLOSED = ("done", "cancelled")


def milestone_table(
    milestones: pd.DataFrame,
    stakeholders: pd.DataFrame | None = None,
    *,
    today: date,
) -> pd.DataFrame:
    """One row per milestone or deliverable: promised and expected dates, slip, acceptance.

    ``milestones`` (and ``stakeholders``, for the names of who accepted) are store frames.
    Columns: ``id, name, type, status, depends_on, baseline_due, current_due`` (dates),
    ``slip_days`` (current − baseline: positive is later than promised), ``late`` (not
    reached and its current due date is before ``today``; a cancelled milestone is never
    late), ``accepted`` (the client signed it off), ``accepted_by`` (stakeholder id),
    ``accepted_by_name`` (their name; ``#id`` when ``stakeholders`` does not list them),
    ``accepted_on`` and ``acceptance_channel`` (missing until accepted).
    Rows run by current due date, then baseline, then id.
    """
    if milestones.empty:
        return _empty()
    names = _names(stakeholders)
    baseline = [frames.day(v) for v in milestones["baseline_due"]]
    current = [frames.day(v) for v in milestones["current_due"]]
    status = milestones["status"].astype(str).tolist()
    accepted_by = [frames.whole(v) for v in milestones["accepted_by"]]
    df = pd.DataFrame(
        {
            "id": milestones["id"].astype("int64").to_numpy(),
            "name": milestones["name"].astype(str).to_numpy(),
            "type": milestones["type"].astype(str).to_numpy(),
            "status": status,
            "depends_on": pd.array(
                [frames.whole(v) for v in milestones["depends_on"]], dtype="Int64"
            ),
            "baseline_due": pd.Series(baseline, dtype=object).to_numpy(),
            "current_due": pd.Series(current, dtype=object).to_numpy(),
            "slip_days": [(c - b).days for b, c in zip(baseline, current, strict=True)],
            "late": [s not in CLOSED and c < today for s, c in zip(status, current, strict=True)],
            "accepted": [a is not None for a in accepted_by],
            "accepted_by": pd.array(accepted_by, dtype="Int64"),
            "accepted_by_name": [None if a is None else names.get(a, f"#{a}") for a in accepted_by],
            "accepted_on": pd.Series(
                [frames.day(v) for v in milestones["accepted_on"]], dtype=object
            ).to_numpy(),
            "acceptance_channel": [
                frames.text_or_none(v) for v in milestones["acceptance_channel"]
            ],
        }
    )
    df = df.astype({"slip_days": "int64", "late": "bool", "accepted": "bool"})
    return _ordered(df)


def accept_milestone(
    store: Store,
    milestone: int | Milestone,
    by: int | Record,
    on: date,
    channel: str,
    *,
    at: datetime | None = None,
) -> Milestone:
    """Record the client's acceptance of a milestone: who (a stakeholder), when, how.

    Sets ``accepted_by``, ``accepted_on``, ``acceptance_channel`` and ``status="done"`` in one
    ``Store.update``, so the history keeps them; ``at`` (the history's moment) defaults to
    noon UTC on ``on``, which reads as that day in every time zone from UTC−11 to UTC+11.
    Refused with ``Conflict`` for a cancelled milestone or one already accepted (correct a
    wrong acceptance with ``store.update``); an unknown stakeholder, or one of another
    project, is refused by the store with ``InvalidRecord``. Returns the updated milestone.
    """
    milestone_id = record_id(milestone)
    with store.transaction():
        current = store.get("milestones", milestone_id)
        if current.status == "cancelled":
            raise Conflict(t("schedule.error.accept_cancelled", name=current.name, id=milestone_id))
        if current.accepted_by is not None:
            who = _stakeholder_name(store, current.accepted_by)
            raise Conflict(
                t(
                    "schedule.error.already_accepted",
                    name=current.name,
                    id=milestone_id,
                    by=who,
                    on=current.accepted_on,
                )
            )
        return store.update(
            "milestones",
            milestone_id,
            at=moment_of(on, at),
            accepted_by=record_id(by),
            accepted_on=on,
            acceptance_channel=channel,
            status="done",
        )


# --- helpers shared by the schedule modules ----------------------------------------------


def moment_of(day: date, at: datetime | None = None) -> datetime:
    """``at`` if given, else noon UTC on ``day``: a date as a moment for the history."""
    return at if at is not None else datetime.combine(day, time(12), UTC)


def order_key(frame: pd.DataFrame) -> list[int]:
    """Positions of ``frame``'s rows by current due date, then baseline, then id."""
    keys = pd.DataFrame(
        {
            "current": pd.to_datetime(frame["current_due"].map(frames.day)),
            "baseline": pd.to_datetime(frame["baseline_due"].map(frames.day)),
            "id": frame["id"].astype("int64").to_numpy(),
        }
    ).reset_index(drop=True)
    return keys.sort_values(["current", "baseline", "id"], kind="stable").index.tolist()


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[order_key(frame)].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    return df.astype(
        {
            "id": "int64",
            "depends_on": "Int64",
            "slip_days": "int64",
            "late": "bool",
            "accepted": "bool",
            "accepted_by": "Int64",
        }
    )


def _names(stakeholders: pd.DataFrame | None) -> dict[int, str]:
    if stakeholders is None or stakeholders.empty:
        return {}
    return {int(i): str(n) for i, n in zip(stakeholders["id"], stakeholders["name"], strict=True)}


def record_id(ref: int | Record) -> int:
    return ref.id if isinstance(ref, Record) else int(ref)  # type: ignore[return-value]


def _stakeholder_name(store: Store, stakeholder_id: int) -> str:
    try:
        return store.get("stakeholders", stakeholder_id).name
    except LookupError:
        return f"#{stakeholder_id}"
