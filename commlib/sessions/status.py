"""The status review: what changed since the last review, the period's contacts, the next
steps, the schedule outlook and the survey pulse (``status_review.ipynb``; the schedule outlook
also feeds ``risk_review.ipynb`` and the executive summary).

A period runs from the start of ``since`` to the end of ``until`` (days, UTC).

    >>> changes = changes_since(history, risks, milestones, change_requests, stakeholders,
    ...                         since=date(2026, 3, 17), until=date(2026, 3, 31))
    >>> changes.slips              # raw frames, for code and tests
    >>> changes.summary(lang="zh") # one labelled table, for a session

``changes_since``, ``period_contacts`` and ``next_steps`` are pure functions over the store's
frames; ``schedule_outlook`` and ``survey_pulse`` read the store, which they take first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..frames import day as day_of
from ..i18n import enum_label, language, t
from ..models import ENUMS
from ..risks import top_movers
from ..risks.scoring import DEFAULT_MATRIX, level_label
from ._common import frame_of, latest_surveys

if TYPE_CHECKING:
    from ..models import Project
    from ..store import Store

__all__ = [
    "Changes",
    "changes_since",
    "next_steps",
    "period_contacts",
    "schedule_outlook",
    "survey_pulse",
]

#: how engaged a stakeholder is, lowest first
_ENGAGEMENT = ENUMS["engagement"]


def _start(on: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(on, time.min, UTC))


def _end(on: date) -> pd.Timestamp:
    return _start(on + timedelta(days=1))


def _moments(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True, errors="coerce")


def _changes_of(
    history: pd.DataFrame | None, kind: str, field: str, since: date, until: date
) -> pd.DataFrame:
    """History rows of one field of one kind within the period, oldest first."""
    if history is None or history.empty:
        return pd.DataFrame(columns=["record_id", "old", "new", "changed_at"])
    at = _moments(history["changed_at"])
    keep = (
        (history["record_kind"] == kind)
        & (history["field"] == field)
        & (at >= _start(since))
        & (at < _end(until))
    )
    return history[keep].assign(changed_at=at[keep]).sort_values("changed_at", kind="stable")


def _first_and_last(changes: pd.DataFrame) -> dict[int, tuple[Any, Any, pd.Timestamp]]:
    """``record_id -> (old before the period's first change, new after its last, when)``."""
    found = {}
    for rid, group in changes.groupby("record_id", sort=False):
        found[int(rid)] = (
            group["old"].iloc[0],
            group["new"].iloc[-1],
            group["changed_at"].iloc[-1],
        )
    return found


def _direction(direction: str) -> str:
    return t("review.direction.up") if direction == "up" else t("review.direction.down")


# --- what changed -------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """What changed in a period; each frame is empty (with its columns) when nothing did.

    - ``new_risks``: ``id, title, created_on, score, level`` (raised in the period; score and
      level as the risk stands now);
    - ``closed_risks``: ``id, title, from_status, status, on`` (status set to closed or
      occurred in the period);
    - ``escalated_risks``: ``id, title, from_score, to_score, from_level, to_level, change``
      (risks that existed before the period whose score went up);
    - ``slips``: ``id, name, from_due, to_due, days`` (current due date moved later);
    - ``decisions``: ``id, title, decision, decided_on, decided_by, schedule_impact_days``;
    - ``engagement``: ``id, name, from_engagement, to_engagement, direction`` (up or down).
    """

    since: date
    until: date
    new_risks: pd.DataFrame
    closed_risks: pd.DataFrame
    escalated_risks: pd.DataFrame
    slips: pd.DataFrame
    decisions: pd.DataFrame
    engagement: pd.DataFrame

    def summary(self, lang: str | None = None) -> pd.DataFrame:
        """One row per change, labelled in ``lang``: what, item, from, to, change."""
        with language(lang):
            rows = [
                *(
                    (t("review.change.new_risk"), r.title, "", level_label(r.level), r.score)
                    for r in self.new_risks.itertuples()
                ),
                *(
                    (
                        t("review.change.closed_risk"),
                        r.title,
                        enum_label("risk_status", r.from_status),
                        enum_label("risk_status", r.status),
                        "",
                    )
                    for r in self.closed_risks.itertuples()
                ),
                *(
                    (
                        t("review.change.escalated_risk"),
                        r.title,
                        f"{r.from_score} {level_label(r.from_level)}",
                        f"{r.to_score} {level_label(r.to_level)}",
                        f"+{r.change}",
                    )
                    for r in self.escalated_risks.itertuples()
                ),
                *(
                    (
                        t("review.change.slip"),
                        r.name,
                        str(r.from_due),
                        str(r.to_due),
                        t("review.days", days=r.days),
                    )
                    for r in self.slips.itertuples()
                ),
                *(
                    (
                        t("review.change.decision"),
                        r.title,
                        "",
                        enum_label("decision", r.decision),
                        str(r.decided_on or ""),
                    )
                    for r in self.decisions.itertuples()
                ),
                *(
                    (
                        t("review.change.engagement"),
                        r.name,
                        enum_label("engagement", r.from_engagement),
                        enum_label("engagement", r.to_engagement),
                        _direction(r.direction),
                    )
                    for r in self.engagement.itertuples()
                ),
            ]
            columns = [
                t("review.column.what"),
                t("review.column.item"),
                t("review.column.from"),
                t("review.column.to"),
                t("review.column.change"),
            ]
            return pd.DataFrame(rows, columns=columns).astype(str)


def changes_since(
    history: pd.DataFrame | None,
    risks: pd.DataFrame,
    milestones: pd.DataFrame,
    change_requests: pd.DataFrame,
    stakeholders: pd.DataFrame,
    *,
    since: date,
    until: date,
) -> Changes:
    """What changed from the start of ``since`` to the end of ``until`` (see ``Changes``)."""
    return Changes(
        since=since,
        until=until,
        new_risks=_new_risks(risks, since, until),
        closed_risks=_closed_risks(history, risks, since, until),
        escalated_risks=_escalated(history, risks, since, until),
        slips=_slips(history, milestones, since, until),
        decisions=_decisions(change_requests, since, until),
        engagement=_engagement(history, stakeholders, since, until),
    )


def _new_risks(risks: pd.DataFrame, since: date, until: date) -> pd.DataFrame:
    columns = ["id", "title", "created_on", "score", "level"]
    if risks.empty:
        return frame_of([], columns)
    at = _moments(risks["created_at"])
    new = risks[(at >= _start(since)) & (at < _end(until))]
    rows = [
        {
            "id": int(r.id),
            "title": r.title,
            "created_on": day_of(r.created_at),
            "score": int(r.probability) * int(r.impact),
            "level": DEFAULT_MATRIX.level(int(r.probability), int(r.impact)),
        }
        for r in new.itertuples()
    ]
    return frame_of(rows, columns)


def _closed_risks(
    history: pd.DataFrame | None, risks: pd.DataFrame, since: date, until: date
) -> pd.DataFrame:
    columns = ["id", "title", "from_status", "status", "on"]
    titles = dict(zip(risks["id"].astype(int), risks["title"], strict=True))
    ends = _first_and_last(_changes_of(history, "risks", "status", since, until))
    rows = [
        {"id": rid, "title": titles[rid], "from_status": old, "status": new, "on": at.date()}
        for rid, (old, new, at) in ends.items()
        if rid in titles and new in ("closed", "occurred") and old != new
    ]
    return frame_of(rows, columns)


def _escalated(
    history: pd.DataFrame | None, risks: pd.DataFrame, since: date, until: date
) -> pd.DataFrame:
    columns = ["id", "title", "from_score", "to_score", "from_level", "to_level", "change"]
    if risks.empty:
        return frame_of([], columns)
    moved = top_movers(risks, history, since=since, until=until, n=None)
    moved = moved[(moved["change"] > 0) & ~moved["new"]]
    return moved[columns].reset_index(drop=True)


def _slips(
    history: pd.DataFrame | None, milestones: pd.DataFrame, since: date, until: date
) -> pd.DataFrame:
    columns = ["id", "name", "from_due", "to_due", "days"]
    names = dict(zip(milestones["id"].astype(int), milestones["name"], strict=True))
    rows = []
    for rid, (old, new, _at) in _first_and_last(
        _changes_of(history, "milestones", "current_due", since, until)
    ).items():
        before, after = day_of(old), day_of(new)
        if rid in names and before and after and after > before:
            rows.append(
                {
                    "id": rid,
                    "name": names[rid],
                    "from_due": before,
                    "to_due": after,
                    "days": (after - before).days,
                }
            )
    rows.sort(key=lambda r: (-r["days"], r["id"]))
    return frame_of(rows, columns)


def _decisions(change_requests: pd.DataFrame, since: date, until: date) -> pd.DataFrame:
    columns = ["id", "title", "decision", "decided_on", "decided_by", "schedule_impact_days"]
    rows = []
    for r in change_requests.itertuples():
        on = day_of(r.decided_on)
        if r.decision != "pending" and on is not None and since <= on <= until:
            rows.append(
                {
                    "id": int(r.id),
                    "title": r.title,
                    "decision": r.decision,
                    "decided_on": on,
                    "decided_by": r.decided_by,
                    "schedule_impact_days": int(r.schedule_impact_days),
                }
            )
    rows.sort(key=lambda r: (r["decided_on"], r["id"]))
    return frame_of(rows, columns)


def _engagement(
    history: pd.DataFrame | None, stakeholders: pd.DataFrame, since: date, until: date
) -> pd.DataFrame:
    columns = ["id", "name", "from_engagement", "to_engagement", "direction"]
    names = dict(zip(stakeholders["id"].astype(int), stakeholders["name"], strict=True))
    rows = []
    for rid, (old, new, _at) in _first_and_last(
        _changes_of(history, "stakeholders", "engagement_current", since, until)
    ).items():
        if rid in names and old in _ENGAGEMENT and new in _ENGAGEMENT and old != new:
            up = _ENGAGEMENT.index(new) > _ENGAGEMENT.index(old)
            rows.append(
                {
                    "id": rid,
                    "name": names[rid],
                    "from_engagement": old,
                    "to_engagement": new,
                    "direction": "up" if up else "down",
                }
            )
    return frame_of(rows, columns)


# --- the period's contacts and next steps -------------------------------------------------


def period_contacts(contacts: pd.DataFrame, *, since: date, until: date) -> pd.DataFrame:
    """The contacts whose ``when`` falls in the period (same columns)."""
    if contacts.empty:
        return contacts
    at = _moments(contacts["when"])
    return contacts[(at >= _start(since)) & (at < _end(until))].reset_index(drop=True)


def next_steps(
    follow_ups: pd.DataFrame, *, today: date | None = None, lang: str | None = None
) -> pd.DataFrame:
    """Open follow-ups still ahead, soonest due first (no due date last), labelled in
    ``lang``. With ``today``, the ones due before it are left out: they are overdue, and
    ``commlib.contacts.overdue_follow_ups`` lists them."""
    fields = ["title", "owner", "due"]
    with language(lang):
        labels = [t("review.column.title"), t("review.column.owner"), t("review.column.due")]
        if follow_ups.empty:
            return pd.DataFrame(columns=labels)
        open_ = follow_ups[follow_ups["status"] == "open"]
        due = pd.to_datetime(open_["due"], errors="coerce")
        if today is not None:
            ahead = due.isna() | (due >= pd.Timestamp(today))
            open_, due = open_[ahead], due[ahead]
        open_ = open_.assign(_due=due).sort_values(["_due", "id"], na_position="last")
        return open_[fields].set_axis(labels, axis=1).reset_index(drop=True)


# --- schedule -----------------------------------------------------------------------------


def schedule_outlook(
    store: Store,
    project: str | int | Project,
    *,
    today: date,
    audience: str = "internal",
    seed: int = 0,
) -> pd.DataFrame:
    """The schedule forecast (``commlib.schedule.forecast``) of the milestones ``audience`` sees.

    The simulation runs over every milestone and risk of the project, since a milestone the
    client does not see can still hold up one they do; only the rows are filtered.
    """
    from ..schedule import forecast

    found = store.project(project)
    outlook = forecast(
        store.frame("milestones", found),
        store.frame("risks", found),
        start=found.start,
        today=today,
        seed=seed,
    )
    shown = store.frame("milestones", found, audience=audience)
    outlook = outlook[outlook["id"].isin(shown["id"].astype(int))].reset_index(drop=True)
    return outlook.assign(
        **_acceptance(outlook, shown, store.frame("stakeholders", found, audience=audience))
    )


def _acceptance(
    outlook: pd.DataFrame, milestones: pd.DataFrame, stakeholders: pd.DataFrame
) -> dict[str, list[Any]]:
    """``accepted_by_name`` and ``accepted_on`` of each row of ``outlook``: the names of the
    stakeholders the audience sees (an acceptance by someone else keeps its date only)."""
    names = (
        dict(zip(stakeholders["id"].astype(int), stakeholders["name"], strict=True))
        if len(stakeholders)
        else {}
    )
    by_id = {int(r["id"]): r for _, r in milestones.iterrows()}
    who, when = [], []
    for rid in outlook["id"].astype(int):
        row = by_id.get(rid)
        accepted_by = None if row is None else row.get("accepted_by")
        ref = None if accepted_by is None or pd.isna(accepted_by) else int(accepted_by)
        who.append(names.get(ref) if ref is not None else None)
        when.append(day_of(row.get("accepted_on")) if row is not None else None)
    return {"accepted_by_name": who, "accepted_on": when}


# --- surveys ------------------------------------------------------------------------------


def survey_pulse(
    store: Store,
    project: str | int | Project,
    *,
    audience: str = "internal",
    lang: str | None = None,
) -> pd.DataFrame:
    """The latest wave of each survey: responses, NPS and CSAT (top-2-box share, in %).

    A survey without an NPS (or a scored) question shows no NPS (or CSAT); a project without
    surveys gives an empty table.
    """
    from ..surveys import codebook, csat, nps, responses_frame

    rows = []
    for survey in latest_surveys(store, project, audience):
        frame = responses_frame(store, [survey], audience=audience)
        book = codebook(store, [survey])
        types = dict(zip(book["code"], book["type"], strict=True)) if len(book) else {}
        score = rate = None
        if len(frame):
            nps_codes = [c for c, kind in types.items() if kind == "nps" and c in frame]
            scored = [c for c, kind in types.items() if kind in ("likert", "rating") and c in frame]
            if nps_codes:
                score = round(float(nps(frame, book, nps_codes[0])["nps"].iloc[0]), 1)
            if scored:
                rate = round(100 * float(csat(frame, book, scored[0])["share"].iloc[0]), 1)
        rows.append((survey.name, survey.wave, len(frame), score, rate))
    with language(lang):
        columns = [
            t("review.column.survey"),
            t("review.column.wave"),
            t("review.column.responses"),
            t("review.column.nps"),
            t("review.column.csat"),
        ]
    return pd.DataFrame(rows, columns=columns)
