"""The status review's executive summary: :func:`status_summary` judges each area by the
rules (:mod:`.rules`), applies the team's overrides, and lists the period's accomplishments,
the next period and the decisions needed from the client (see :mod:`commlib.summary`).
:func:`nps_waves` reads the NPS of each wave the satisfaction rule judges."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..frames import day as day_of
from ..i18n import enum_label, language, t
from ._common import cell, lang_code, rows_of
from .overrides import active_overrides
from .rules import (
    AREAS,
    OPEN_MILESTONE,
    communication_status,
    issues_status,
    overall_status,
    risks_status,
    satisfaction_status,
    schedule_status,
    scope_status,
)
from .values import AreaStatus, Item, Summary

if TYPE_CHECKING:
    from ..models import Project
    from ..store import Store

__all__ = ["nps_waves", "status_summary"]


# --- surveys ------------------------------------------------------------------------------


def nps_waves(
    store: Store,
    project: str | int | Project,
    *,
    audience: str = "internal",
    until: date | None = None,
) -> list[dict[str, Any]]:
    """NPS of each wave of one survey, oldest first: ``survey, wave, n, nps, se``.

    The survey is the one (with an NPS question) whose latest answered wave is the latest;
    waves opened after ``until`` are left out, as are waves nobody answered. For a client,
    only shared waves and shared responses count.
    """
    from ..surveys import codebook, nps, responses_frame
    from ..surveys import waves as survey_waves

    table = survey_waves(store, project, audience=audience)
    if until is not None and len(table):
        opened = table["opened_on"].map(day_of)
        table = table[[d is None or d <= until for d in opened]]
    best: list[dict[str, Any]] = []
    best_key: tuple = ()
    for position, (name, group) in enumerate(table.groupby("name", sort=False)):
        found = []
        for row in group.itertuples():
            frame = responses_frame(store, [int(row.survey_id)], audience=audience)
            book = codebook(store, [int(row.survey_id)])
            codes = [c for c in book.loc[book["type"] == "nps", "code"] if c in frame]
            if not codes or not len(frame):
                continue
            result = nps(frame, book, codes[0]).iloc[0]
            if int(result["n"]) == 0 or pd.isna(result["nps"]):
                continue
            when = row.opened_on or row.milestone_due or row.closed_on
            found.append(
                {
                    "survey": name,
                    "wave": row.wave,
                    "n": int(result["n"]),
                    "nps": float(result["nps"]),
                    "se": float(result["se"]),
                    "_when": when,
                }
            )
        if found:
            key = (found[-1]["_when"] or date.min, position)
            if not best or key > best_key:
                best, best_key = found, key
    return [{k: v for k, v in w.items() if k != "_when"} for w in best]


# --- the summary --------------------------------------------------------------------------


def status_summary(
    store: Store,
    project: str | int | Project,
    *,
    since: date,
    until: date,
    today: date | None = None,
    audience: str = "internal",
    lang: str | None = None,
) -> Summary:
    """The status of each area and overall, the period's accomplishments, the next period's
    milestones and follow-ups, and the decisions waiting on the client (see the module).

    ``today`` (default: ``until``) is the day the statuses are judged on.
    """
    from ..contacts import contact_cadence
    from ..sessions import schedule_outlook

    code = lang_code(lang)
    today = today or until
    found = store.project(project)
    frames = {
        kind: store.frame(kind, found, audience=audience)
        for kind in (
            "milestones",
            "risks",
            "change_requests",
            "decisions",
            "follow_ups",
            "stakeholders",
            "contacts",
            "communication_plan",
            "issues",
        )
    }
    history = store.history(found, audience=audience)
    risk_history = history[history["record_kind"] == "risks"] if len(history) else history
    with language(code):
        computed = {
            "schedule": schedule_status(
                schedule_outlook(store, found, today=today, audience=audience), today=today
            ),
            "scope": scope_status(found, frames["change_requests"], today=today),
            "risks": risks_status(frames["risks"], risk_history, today=today),
            "issues": issues_status(frames["issues"], today=today),
            "satisfaction": satisfaction_status(
                nps_waves(store, found, audience=audience, until=until)
            ),
            "communication": communication_status(
                frames["follow_ups"],
                contact_cadence(
                    frames["stakeholders"],
                    frames["contacts"],
                    frames["communication_plan"],
                    today=today,
                ),
                today=today,
                audience=audience,
            ),
        }
        overrides = active_overrides(store, found, audience=audience)
        areas = tuple(_with_override(a, *computed[a], overrides.get(a)) for a in AREAS)
        overall = _with_override("overall", *overall_status(areas), overrides.get("overall"))
        return Summary(
            project=found.name,
            since=since,
            until=until,
            audience=audience,
            lang=code,
            overall=overall,
            areas=areas,
            accomplishments=tuple(_accomplishments(frames, history, since, until)),
            next_period=tuple(_next_period(frames, since, until, today)),
            decisions_needed=tuple(_decisions_needed(store, found, frames, until)),
        )


def _with_override(
    area: str, status: str, reason: str, override: dict[str, Any] | None
) -> AreaStatus:
    if override is None:
        return AreaStatus(area, status, reason, status, reason)
    return AreaStatus(area, override["status"], override["reason"], status, reason, True)


# --- the lists ----------------------------------------------------------------------------


def _in(day: date | None, first: date, last: date) -> bool:
    return day is not None and first <= day <= last


def _accomplishments(
    frames: dict[str, pd.DataFrame], history: pd.DataFrame, since: date, until: date
) -> list[Item]:
    items: list[Item] = []
    done_on = _done_days(history, since, until)
    has_status_history = set()
    if len(history):
        rows = history[(history["record_kind"] == "milestones") & (history["field"] == "status")]
        has_status_history = set(rows["record_id"].astype(int))
    for m in rows_of(frames["milestones"]):
        accepted = day_of(m.get("accepted_on"))
        mid = int(m["id"])
        if _in(accepted, since, until):
            items.append(
                Item(m["type"], m["name"], accepted, t("summary.item.accepted", on=accepted))
            )
        elif m["status"] == "done":
            day = done_on.get(mid)
            if day is None and mid not in has_status_history:
                due = day_of(m["current_due"])
                day = due if _in(due, since, until) else None
            if day is not None:
                items.append(Item(m["type"], m["name"], day, t("summary.item.reached", on=day)))
    for d in rows_of(frames["decisions"]):
        day = day_of(d["decided_on"])  # none while pending
        if _in(day, since, until):
            items.append(Item("decision", d["title"], day, t("summary.item.decided", on=day)))
    for c in rows_of(frames["change_requests"]):
        day = day_of(c.get("decided_on"))
        if c["decision"] != "pending" and _in(day, since, until):
            note = t(
                "summary.item.change_decided",
                decision=enum_label("decision", c["decision"]),
                on=day,
            )
            items.append(Item("change", c["title"], day, note))
    for i in rows_of(frames["issues"]):
        day = day_of(i.get("resolved_on"))
        if i.get("status") in ("resolved", "closed") and _in(day, since, until):
            items.append(Item("issue", i["title"], day, t("summary.item.resolved", on=day)))
    return sorted(items, key=lambda i: (i.on or date.max, i.title))


def _done_days(history: pd.DataFrame, since: date, until: date) -> dict[int, date]:
    """Milestone id -> the day its status last became done within the period."""
    if not len(history):
        return {}
    rows = history[
        (history["record_kind"] == "milestones")
        & (history["field"] == "status")
        & (history["new"] == "done")
    ]
    found: dict[int, date] = {}
    for rid, at in zip(
        rows["record_id"], pd.to_datetime(rows["changed_at"], utc=True), strict=True
    ):
        day = at.date()
        if since <= day <= until:
            found[int(rid)] = day
    return found


def _next_period(
    frames: dict[str, pd.DataFrame], since: date, until: date, today: date
) -> list[Item]:
    """Open milestones and follow-ups due in the next period, as long as this one."""
    first = max(until + timedelta(days=1), today)
    last = until + (until - since) + timedelta(days=1)
    items = [
        Item(
            m["type"],
            m["name"],
            day_of(m["current_due"]),
            t("summary.item.due", on=day_of(m["current_due"])),
        )
        for m in rows_of(frames["milestones"])
        if m["status"] in OPEN_MILESTONE and _in(day_of(m["current_due"]), first, last)
    ]
    items += [
        Item(
            "follow_up",
            f["title"],
            day_of(f["due"]),
            t("summary.item.due", on=day_of(f["due"])),
        )
        for f in rows_of(frames["follow_ups"])
        if f["status"] == "open" and _in(day_of(f.get("due")), first, last)
    ]
    return sorted(items, key=lambda i: (i.on or date.max, i.title))


def _client_people(store: Store, project: Project) -> dict[str, str]:
    """Lower-cased name -> name of the project's stakeholders who are not in its team."""
    people = store.frame("stakeholders", project)
    team = [a.lower().lstrip("@") for a in project.team]
    found = {}
    for p in rows_of(people):
        email = str(cell(p, "email", "")).lower()
        ours = email and any(email == a or email.endswith("@" + a) for a in team)
        if not ours:
            found[str(p["name"]).strip().lower()] = p["name"]
    return found


def _decisions_needed(
    store: Store, project: Project, frames: dict[str, pd.DataFrame], until: date
) -> list[Item]:
    """Pending change requests (requested by ``until``), decisions pending on the client, and
    open follow-ups owned by a client stakeholder."""
    dues = {
        int(m["id"]): day_of(m["current_due"])
        for m in rows_of(frames["milestones"])
        if m["status"] in OPEN_MILESTONE
    }
    items = []
    for c in rows_of(frames["change_requests"]):
        if c["decision"] != "pending" or day_of(c["requested_on"]) > until:
            continue
        linked = [dues[i] for i in (c.get("milestone_ids") or []) if int(i) in dues]
        before = min(linked) if linked else None
        asked = day_of(c["requested_on"])
        if before is None:
            note = t("summary.item.change_pending", on=asked)
        else:
            note = t("summary.item.needed_by", on=asked, due=before)
        items.append(Item("change", c["title"], before, note))
    for d in rows_of(frames["decisions"]):
        if cell(d, "status", "taken") != "pending" or cell(d, "decider", "team") != "client":
            continue
        due = day_of(d.get("needed_by"))
        note = (
            t("summary.item.decision_undated")
            if due is None
            else t("summary.item.decision_needed", on=due)
        )
        items.append(Item("decision", d["title"], due, note))
    people = _client_people(store, project)
    for f in rows_of(frames["follow_ups"]):
        owner = str(cell(f, "owner", "")).strip()
        if f["status"] == "open" and owner.lower() in people:
            due = day_of(f.get("due"))
            if due is None:
                note = t("summary.item.waits_on_undated", who=owner)
            else:
                note = t("summary.item.waits_on", who=owner, on=due)
            items.append(Item("follow_up", f["title"], due, note))
    return sorted(items, key=lambda i: (i.on or date.max, i.title))
