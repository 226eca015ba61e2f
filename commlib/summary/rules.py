"""The rules that judge each area green, amber or red (``none``: nothing to judge), each a
pure function over the store's frames returning ``(status, reason)``; the thresholds they use
are the constants below. The rules are tabled in :mod:`commlib.summary`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..frames import day as day_of
from ..i18n import t
from ._common import cell, rows_of
from .values import AreaStatus

if TYPE_CHECKING:
    from ..models import Project

__all__ = [
    "AREAS",
    "EXPOSURE_WEEKS",
    "LATE_DAYS",
    "LIVE_RISKS",
    "OPEN_ISSUES",
    "OPEN_MILESTONE",
    "RED_FOLLOW_UPS",
    "SCOPE_GRACE_DAYS",
    "SERIOUS",
    "SLIP_DAYS",
    "STATUSES",
    "Z95",
    "communication_status",
    "issues_status",
    "overall_status",
    "risks_status",
    "satisfaction_status",
    "schedule_status",
    "scope_status",
]

AREAS = ("schedule", "scope", "risks", "issues", "satisfaction", "communication")
STATUSES = ("green", "amber", "red")
#: how bad each status is (``none``: nothing to judge)
_RANK = {"none": 0, "green": 1, "amber": 2, "red": 3}
#: P80 this many days after the committed date is red
SLIP_DAYS = 14
#: the client confirms the scope within this many days of the project's start
SCOPE_GRACE_DAYS = 14
#: weeks over which a rising exposure counts
EXPOSURE_WEEKS = 4
#: an issue at or above this severity is serious
SERIOUS = 4
#: this many overdue client-visible follow-ups is red
RED_FOLLOW_UPS = 3
#: a follow-up overdue by more than this many days is red
LATE_DAYS = 14
#: a significant change: more than this many standard errors
Z95 = 1.96

OPEN_MILESTONE = ("planned", "in_progress")
LIVE_RISKS = ("open", "mitigating")
OPEN_ISSUES = ("open", "in_progress")


def schedule_status(outlook: pd.DataFrame, *, today: date) -> tuple[str, str]:
    """Schedule rule over :func:`commlib.sessions.schedule_outlook` rows (see the module)."""
    rows = [r for r in rows_of(outlook) if r["status"] in OPEN_MILESTONE]
    if not len(outlook):
        return ("none", t("summary.schedule.none"))
    if not rows:
        return ("green", t("summary.schedule.all_done"))
    late = [r for r in rows if day_of(r["current_due"]) < today]
    if late:
        r = min(late, key=lambda r: day_of(r["current_due"]))
        return (
            "red",
            t("summary.schedule.past_due", name=r["name"], due=day_of(r["current_due"]))
            + _more(len(late)),
        )
    slips = sorted(rows, key=lambda r: -int(r["p80_vs_current_days"]))
    worst = slips[0]
    days = int(worst["p80_vs_current_days"])
    values = {
        "name": worst["name"],
        "p80": day_of(worst["p80"]),
        "due": day_of(worst["current_due"]),
    }
    if days > SLIP_DAYS:
        many = sum(int(r["p80_vs_current_days"]) > SLIP_DAYS for r in rows)
        return ("red", t("summary.schedule.p80", days=days, **values) + _more(many))
    if days > 0:
        many = sum(int(r["p80_vs_current_days"]) > 0 for r in rows)
        return ("amber", t("summary.schedule.p80", days=days, **values) + _more(many))
    unlikely = [r for r in rows if float(r["p_current"]) < 0.5]
    if unlikely:
        r = min(unlikely, key=lambda r: float(r["p_current"]))
        chance = round(100 * float(r["p_current"]))
        return (
            "amber",
            t(
                "summary.schedule.chance",
                name=r["name"],
                chance=chance,
                due=day_of(r["current_due"]),
            )
            + _more(len(unlikely)),
        )
    return ("green", t("summary.schedule.on_track", n=len(rows)))


def _more(n: int) -> str:
    return t("summary.and_more", n=n - 1) if n > 1 else ""


def scope_status(
    project: Project, change_requests: pd.DataFrame, *, today: date
) -> tuple[str, str]:
    """Scope rule over the project and its ``change_requests`` frame (see the module)."""
    changes = rows_of(change_requests)
    unconfirmed_moves = [
        c
        for c in changes
        if c["decision"] == "approved"
        and int(cell(c, "schedule_impact_days", 0))
        and not str(cell(c, "decided_by", "")).strip()
    ]
    if unconfirmed_moves:
        c = unconfirmed_moves[0]
        return (
            "red",
            t("summary.scope.unconfirmed_change", title=c["title"]) + _more(len(unconfirmed_moves)),
        )
    confirmed = project.scope_confirmed_on
    deadline = project.start + timedelta(days=SCOPE_GRACE_DAYS)
    if confirmed is None and today > deadline:
        return ("red", t("summary.scope.not_confirmed", deadline=deadline))
    pending = [c for c in changes if c["decision"] == "pending"]
    if pending:
        return ("amber", t("summary.scope.pending", n=len(pending)))
    if confirmed is None:
        return ("amber", t("summary.scope.confirm_by", deadline=deadline))
    return ("green", t("summary.scope.confirmed", on=confirmed))


def risks_status(
    risks: pd.DataFrame, history: pd.DataFrame | None, *, today: date
) -> tuple[str, str]:
    """Risks rule over the ``risks`` frame and its history (see the module)."""
    from ..risks import overdue_reviews
    from ..risks.scoring import level_label, score_risks

    scored = score_risks(risks) if len(risks) else risks
    live = [r for r in rows_of(scored) if r["status"] in LIVE_RISKS]
    critical = [r for r in live if r["level"] == "critical"]
    high = [r for r in live if r["level"] == "high"]
    if critical:
        r = max(critical, key=lambda r: r["score"])
        return (
            "red",
            t("summary.risks.level", title=r["title"], level=level_label("critical"))
            + _more(len(critical)),
        )
    if high and len(risks):
        now, then = (
            _exposure_on(risks, history, day)
            for day in (today, today - timedelta(weeks=EXPOSURE_WEEKS))
        )
        if now > then:
            return ("red", t("summary.risks.rising", then=then, now=now, n=len(high)))
    if high:
        r = max(high, key=lambda r: r["score"])
        return (
            "amber",
            t("summary.risks.level", title=r["title"], level=level_label("high"))
            + _more(len(high)),
        )
    overdue = overdue_reviews(risks, today=today) if len(risks) else pd.DataFrame()
    if len(overdue):
        return ("amber", t("summary.risks.overdue_reviews", n=len(overdue)))
    if not live:
        return ("green", t("summary.risks.none_open"))
    return ("green", t("summary.risks.fine", n=len(live)))


def _exposure_on(risks: pd.DataFrame, history: pd.DataFrame | None, day: date) -> int:
    """The exposure (sum of P x I of live risks) at the end of ``day``."""
    from ..risks import exposure

    weekly = exposure(risks, history, today=day)
    return int(weekly["exposure"].iloc[-1]) if len(weekly) else 0


def issues_status(issues: pd.DataFrame, *, today: date) -> tuple[str, str]:
    """Issues rule over the ``issues`` frame (empty or missing: no issues)."""
    live = [r for r in rows_of(issues) if r.get("status") in OPEN_ISSUES]
    late = [r for r in live if day_of(r.get("target_date")) and day_of(r["target_date"]) < today]
    serious = [r for r in live if int(cell(r, "severity", 0)) >= SERIOUS]
    serious_late = [r for r in serious if r in late]
    if serious_late:
        r = min(serious_late, key=lambda r: day_of(r["target_date"]))
        return (
            "red",
            t("summary.issues.serious_late", title=r["title"], due=day_of(r["target_date"]))
            + _more(len(serious_late)),
        )
    if late:
        return ("amber", t("summary.issues.late", n=len(late)))
    if serious:
        r = serious[0]
        return ("amber", t("summary.issues.serious", title=r["title"]) + _more(len(serious)))
    if not live:
        return ("green", t("summary.issues.none_open"))
    return ("green", t("summary.issues.on_time", n=len(live)))


def satisfaction_status(waves: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """Satisfaction rule over NPS waves, oldest first: dicts with ``wave``, ``nps``, ``se``,
    ``n`` (see :func:`nps_waves`)."""
    if not waves:
        return ("none", t("summary.satisfaction.none"))
    last = waves[-1]
    score = round(float(last["nps"]))
    if len(waves) < 2:
        if last["nps"] < 0:
            return ("red", t("summary.satisfaction.negative", nps=score, wave=last["wave"]))
        return ("green", t("summary.satisfaction.first", nps=score, wave=last["wave"]))
    before = waves[-2]
    values = {
        "nps": score,
        "wave": last["wave"],
        "before": round(float(before["nps"])),
        "previous": before["wave"],
    }
    drop = float(before["nps"]) - float(last["nps"])
    margin = Z95 * math.sqrt(float(before["se"]) ** 2 + float(last["se"]) ** 2)
    if last["nps"] < 0:
        return ("red", t("summary.satisfaction.negative", nps=score, wave=last["wave"]))
    if drop > 0 and drop > margin:
        return ("red", t("summary.satisfaction.significant_drop", **values))
    if drop > 0:
        return ("amber", t("summary.satisfaction.lower", **values))
    return ("green", t("summary.satisfaction.steady", **values))


def communication_status(
    follow_ups: pd.DataFrame,
    cadence: pd.DataFrame,
    *,
    today: date,
    audience: str = "internal",
) -> tuple[str, str]:
    """Communication rule over the follow-ups and :func:`commlib.contacts.contact_cadence`.

    Only client-visible follow-ups count (they are promises to the client). For
    ``audience="client"`` the reason is an aggregate sentence that names nobody.
    """
    from ..contacts import overdue_follow_ups

    shared = (
        follow_ups[follow_ups["visibility"] == "client"]
        if len(follow_ups) and "visibility" in follow_ups
        else follow_ups
    )
    late = overdue_follow_ups(shared, today=today) if len(shared) else pd.DataFrame()
    n_late = len(late)
    worst = int(late["days_overdue"].max()) if n_late else 0
    planned = cadence[cadence["cadence_days"].notna()] if len(cadence) else cadence
    behind = planned[planned["overdue"].astype(bool)] if len(planned) else planned
    client = audience == "client"
    if n_late >= RED_FOLLOW_UPS or worst > LATE_DAYS:
        return ("red", t("summary.communication.follow_ups_late", n=n_late, days=worst))
    if len(planned) and len(behind) * 2 > len(planned):
        if client:
            return ("red", t("summary.communication.client_behind"))
        return ("red", t("summary.communication.behind", n=len(behind), of=len(planned)))
    if n_late:
        return ("amber", t("summary.communication.follow_ups_late", n=n_late, days=worst))
    if len(behind):
        if client:
            return ("amber", t("summary.communication.client_behind"))
        from ..contacts import losing_touch

        first = losing_touch(behind).iloc[0]
        return (
            "amber",
            t("summary.communication.losing_touch", name=first["name"]) + _more(len(behind)),
        )
    return ("green", t("summary.communication.on_plan"))


def overall_status(areas: Iterable[AreaStatus]) -> tuple[str, str]:
    """The worst of the areas' statuses (``none`` only if every area has no data)."""
    found = list(areas)
    worst = max((a.status for a in found), key=_RANK.__getitem__, default="none")
    if worst == "none":
        return ("none", t("summary.overall.none"))
    named = t("summary.separator").join(
        t(f"summary.area.{a.area}") for a in found if a.status == worst
    )
    if worst == "green":
        return ("green", t("summary.overall.green"))
    return (worst, t("summary.overall.worst", areas=named, status=t(f"summary.status.{worst}")))
