"""The executive summary of a session report: a status per area, what was done, what comes next.

    >>> s = status_summary(store, "ERP", since=date(2026, 3, 17), until=date(2026, 3, 31),
    ...                    audience="client", lang="zh")
    >>> s                      # chips, reasons and three lists (HTML in a notebook)
    >>> s.text()               # the same as plain text, for an e-mail body
    >>> s.to_frame()           # one row per area

Each area is ``green``, ``amber`` or ``red`` (``none``: nothing to judge yet), with a one-line
reason. The rules, checked in this order (the first that holds decides):

=============  =========================================  ========================================
area           red                                        amber
=============  =========================================  ========================================
schedule       an open milestone is past its current due  an open milestone's P80 is after its
               date; or its P80 (``schedule_outlook``)    current due date; or the chance of
               is more than ``SLIP_DAYS`` (14) days       meeting that date is below 50%
               after its current due date
scope          an approved change request moved dates     a change request is pending; or the
               (schedule impact not 0) with nobody named  scope is not confirmed yet, within the
               as deciding it; or the scope is still not  grace period
               confirmed ``SCOPE_GRACE_DAYS`` (14) days
               after the project's start
risks          an open or mitigating risk is critical     an open or mitigating risk is high; or
               (default matrix); or exposure is higher    a risk review is overdue
               today than 4 weeks ago while a high risk
               is open
issues         an open or in-progress issue of severity   an open issue is past its target date;
               >= 4 is past its target date               or one has severity >= 4
satisfaction   the latest wave's NPS is below 0; or it    the latest wave's NPS is below the
               fell by more than 1.96 standard errors of  wave before
               the difference from the wave before
communication  ``RED_FOLLOW_UPS`` (3) or more client-     a client-visible follow-up is overdue;
               visible follow-ups overdue, or one by      or a stakeholder is contacted less
               more than 14 days; or more than half the   often than the communication plan says
               stakeholders with a planned cadence are
               contacted less often than planned
overall        any area is red                            any area is amber
=============  =========================================  ========================================

Otherwise an area is green. ``none`` (shown grey, "no data"): no milestones (schedule), no
survey wave with NPS answers (satisfaction); overall is ``none`` only if every area is. Open
risks are ``open`` and ``mitigating``; open issues ``open`` and ``in_progress``; overdue means
a date before ``today`` (a date equal to today is not overdue).

Every frame is read for the ``audience`` (``store.frame(kind, project, audience=...)``): a
client summary judges, lists and counts only what the client may see. For a client, the
communication reason is an aggregate sentence: it never names a person or tells how each
stakeholder is followed (that is the team's analysis).

Overrides: the team may set an area's status by hand (:func:`override_status`), e.g. when
the rules miss something; the override's status and reason replace the computed ones, the
area is marked as overridden, and the internal summary keeps the computed status and reason
alongside (a client sees only the override). One active override per area: a new one updates
the stored one, so the history keeps every status it had. :func:`clear_override` ends it.
An override with ``visibility="internal"`` applies to the internal summary only.

The three lists (a period runs from ``since`` to ``until``, both included):

- **accomplishments**: milestones and deliverables accepted by the client (``accepted_on``)
  or done in the period (the day the history shows their status became ``done``; for one
  stored as done, its current due date);
  decisions (``decided_on``); change requests decided; issues resolved (``resolved_on``);
- **next period**: open milestones and open follow-ups due in the next period, as long as
  this one (from ``until`` + 1 day to ``until`` + (``until`` − ``since``) + 1 day), and not
  before ``today``;
- **decisions we need from you**: pending change requests (by the earliest current due date
  of the open milestones they name, if any) and open follow-ups whose owner is one of the
  project's stakeholders (not of the team: a stakeholder whose e-mail is in
  ``Project.team`` is the team's), with their due dates.

:func:`kickoff_summary` and :func:`retrospective_summary` give the kickoff's and the
retrospective's one-page facts in the same style (a :class:`Digest`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from .i18n import enum_label, get_language, language, normalise, t
from .models import Record, StatusOverride

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

#: chip colours (with a text label on each chip: the colour is never the only sign)
COLOURS = {
    "green": ("#2e7d32", "white"),
    "amber": ("#f9a825", "black"),
    "red": ("#c62828", "white"),
    "none": ("#9e9e9e", "black"),
}


# --- values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaStatus:
    """One area's status. ``computed``/``computed_reason`` are the rules' verdict; when an
    override applies, ``status``/``reason`` are the override's and ``overridden`` is True."""

    area: str
    status: str
    reason: str
    computed: str
    computed_reason: str
    overridden: bool = False


@dataclass(frozen=True)
class Item:
    """A line of a list: what (``kind``: milestone, deliverable, decision, change, issue,
    follow_up), its title, a date, and a short note (e.g. who a decision waits on)."""

    kind: str
    title: str
    on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class Section:
    """A titled list and the sentence it shows when empty."""

    key: str
    title: str
    items: tuple[Item, ...]
    empty: str


@dataclass(frozen=True)
class Summary:
    """The executive summary of a period (see the module's docstring)."""

    project: str
    since: date
    until: date
    audience: str
    lang: str
    overall: AreaStatus
    areas: tuple[AreaStatus, ...]
    accomplishments: tuple[Item, ...] = ()
    next_period: tuple[Item, ...] = ()
    decisions_needed: tuple[Item, ...] = ()

    def area(self, name: str) -> AreaStatus:
        return next(a for a in (self.overall, *self.areas) if a.area == name)

    def sections(self) -> list[Section]:
        with language(self.lang):
            return [
                Section(
                    "accomplishments",
                    t("summary.section.accomplishments"),
                    self.accomplishments,
                    t("summary.empty.accomplishments"),
                ),
                Section(
                    "next_period",
                    t("summary.section.next_period"),
                    self.next_period,
                    t("summary.empty.next_period"),
                ),
                Section(
                    "decisions_needed",
                    t("summary.section.decisions_needed"),
                    self.decisions_needed,
                    t("summary.empty.decisions_needed"),
                ),
            ]

    def heading(self) -> str:
        with language(self.lang):
            return t("summary.heading", project=self.project, since=self.since, until=self.until)

    def _repr_html_(self) -> str:
        with language(self.lang):
            statuses = [_status_html(a, self.audience) for a in (self.overall, *self.areas)]
            # the report's own heading names the summary: the box says which period it covers
            period = t("summary.period", since=self.since, until=self.until)
            return _page(period, statuses, [], self.sections())

    def text(self) -> str:
        """Plain text, for an e-mail body."""
        with language(self.lang):
            lines = [self.heading(), ""]
            for a in (self.overall, *self.areas):
                lines.append(_status_text(a, self.audience))
            return "\n".join([*lines, *_sections_text(self.sections())]).rstrip() + "\n"

    def to_frame(self) -> pd.DataFrame:
        """One row per area (overall first): ``area, status, reason, overridden, computed,
        computed_reason`` (the last two empty for a client)."""
        internal = self.audience == "internal"
        rows = [
            {
                "area": a.area,
                "status": a.status,
                "reason": a.reason,
                "overridden": a.overridden,
                "computed": a.computed if internal else "",
                "computed_reason": a.computed_reason if internal else "",
            }
            for a in (self.overall, *self.areas)
        ]
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class Digest:
    """A one-page summary of facts and lists: the kickoff's or the retrospective's."""

    title: str
    lang: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...] = ()

    def _repr_html_(self) -> str:
        return _page(None, [], list(self.facts), list(self.sections))

    def text(self) -> str:
        with language(self.lang):
            facts = [t("summary.labelled", label=k, value=v) for k, v in self.facts]
        lines = [self.title, "", *facts]
        return "\n".join([*lines, *_sections_text(self.sections)]).rstrip() + "\n"

    def to_frame(self) -> pd.DataFrame:
        """The facts: ``item, value``."""
        return pd.DataFrame(list(self.facts), columns=["item", "value"])


# --- reading ----------------------------------------------------------------------------


def _day(value: Any) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict("records") if len(frame) else []


def _col(row: dict[str, Any], name: str, default: Any = None) -> Any:
    value = row.get(name, default)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return value


def _lang(lang: str | None) -> str:
    return normalise(lang) if lang else get_language()


# --- the rules --------------------------------------------------------------------------


def schedule_status(outlook: pd.DataFrame, *, today: date) -> tuple[str, str]:
    """Schedule rule over :func:`commlib.review.schedule_outlook` rows (see the module)."""
    rows = [r for r in _rows(outlook) if r["status"] in OPEN_MILESTONE]
    if not len(outlook):
        return ("none", t("summary.schedule.none"))
    if not rows:
        return ("green", t("summary.schedule.all_done"))
    late = [r for r in rows if _day(r["current_due"]) < today]
    if late:
        r = min(late, key=lambda r: _day(r["current_due"]))
        return (
            "red",
            t("summary.schedule.past_due", name=r["name"], due=_day(r["current_due"]))
            + _more(len(late)),
        )
    slips = sorted(rows, key=lambda r: -int(r["p80_vs_current_days"]))
    worst = slips[0]
    days = int(worst["p80_vs_current_days"])
    values = {"name": worst["name"], "p80": _day(worst["p80"]), "due": _day(worst["current_due"])}
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
            t("summary.schedule.chance", name=r["name"], chance=chance, due=_day(r["current_due"]))
            + _more(len(unlikely)),
        )
    return ("green", t("summary.schedule.on_track", n=len(rows)))


def _more(n: int) -> str:
    return t("summary.and_more", n=n - 1) if n > 1 else ""


def scope_status(project: Any, change_requests: pd.DataFrame, *, today: date) -> tuple[str, str]:
    """Scope rule over the project and its ``change_requests`` frame (see the module)."""
    changes = _rows(change_requests)
    unconfirmed_moves = [
        c
        for c in changes
        if c["decision"] == "approved"
        and int(_col(c, "schedule_impact_days", 0))
        and not str(_col(c, "decided_by", "")).strip()
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
    from .risks import overdue_reviews
    from .risks.scoring import level_label, score_risks

    scored = score_risks(risks) if len(risks) else risks
    live = [r for r in _rows(scored) if r["status"] in LIVE_RISKS]
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
    from .risks import exposure

    weekly = exposure(risks, history, today=day)
    return int(weekly["exposure"].iloc[-1]) if len(weekly) else 0


def issues_status(issues: pd.DataFrame, *, today: date) -> tuple[str, str]:
    """Issues rule over the ``issues`` frame (empty or missing: no issues)."""
    live = [r for r in _rows(issues) if r.get("status") in OPEN_ISSUES]
    late = [r for r in live if _day(r.get("target_date")) and _day(r["target_date"]) < today]
    serious = [r for r in live if int(_col(r, "severity", 0)) >= SERIOUS]
    serious_late = [r for r in serious if r in late]
    if serious_late:
        r = min(serious_late, key=lambda r: _day(r["target_date"]))
        return (
            "red",
            t("summary.issues.serious_late", title=r["title"], due=_day(r["target_date"]))
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
    from .contacts import overdue_follow_ups

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
        from .contacts import losing_touch

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


# --- surveys ----------------------------------------------------------------------------


def nps_waves(
    store: Any, project: Any, *, audience: str = "internal", until: date | None = None
) -> list[dict[str, Any]]:
    """NPS of each wave of one survey, oldest first: ``survey, wave, n, nps, se``.

    The survey is the one (with an NPS question) whose latest answered wave is the latest;
    waves opened after ``until`` are left out, as are waves nobody answered. For a client,
    only shared waves and shared responses count.
    """
    from .surveys import codebook, nps, responses_frame
    from .surveys import waves as survey_waves

    table = survey_waves(store, project, audience=audience)
    if until is not None and len(table):
        opened = table["opened_on"].map(_day)
        table = table[[d is None or d <= until for d in opened]]
    shared = None
    if audience == "client":
        shared = set(store.frame("responses", project, audience="client")["id"].astype(int))
    best: list[dict[str, Any]] = []
    best_key: tuple = ()
    for position, (name, group) in enumerate(table.groupby("name", sort=False)):
        found = []
        for row in group.itertuples():
            frame = responses_frame(store, [int(row.survey_id)])
            if shared is not None and len(frame):
                frame = frame[frame["response_id"].isin(shared)]
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


# --- the summary ------------------------------------------------------------------------


def status_summary(
    store: Any,
    project: Any,
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
    from .contacts import contact_cadence
    from .review import schedule_outlook

    code = _lang(lang)
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


def _with_override(area: str, status: str, reason: str, override: Any) -> AreaStatus:
    if override is None:
        return AreaStatus(area, status, reason, status, reason)
    return AreaStatus(area, override["status"], override["reason"], status, reason, True)


# --- the lists --------------------------------------------------------------------------


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
    for m in _rows(frames["milestones"]):
        accepted = _day(m.get("accepted_on"))
        mid = int(m["id"])
        if _in(accepted, since, until):
            items.append(
                Item(m["type"], m["name"], accepted, t("summary.item.accepted", on=accepted))
            )
        elif m["status"] == "done":
            day = done_on.get(mid)
            if day is None and mid not in has_status_history:
                due = _day(m["current_due"])
                day = due if _in(due, since, until) else None
            if day is not None:
                items.append(Item(m["type"], m["name"], day, t("summary.item.reached", on=day)))
    for d in _rows(frames["decisions"]):
        day = _day(d["decided_on"])
        if _in(day, since, until):
            items.append(Item("decision", d["title"], day, t("summary.item.decided", on=day)))
    for c in _rows(frames["change_requests"]):
        day = _day(c.get("decided_on"))
        if c["decision"] != "pending" and _in(day, since, until):
            note = t(
                "summary.item.change_decided",
                decision=enum_label("decision", c["decision"]),
                on=day,
            )
            items.append(Item("change", c["title"], day, note))
    for i in _rows(frames["issues"]):
        day = _day(i.get("resolved_on"))
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
            _day(m["current_due"]),
            t("summary.item.due", on=_day(m["current_due"])),
        )
        for m in _rows(frames["milestones"])
        if m["status"] in OPEN_MILESTONE and _in(_day(m["current_due"]), first, last)
    ]
    items += [
        Item("follow_up", f["title"], _day(f["due"]), t("summary.item.due", on=_day(f["due"])))
        for f in _rows(frames["follow_ups"])
        if f["status"] == "open" and _in(_day(f.get("due")), first, last)
    ]
    return sorted(items, key=lambda i: (i.on or date.max, i.title))


def _client_people(store: Any, project: Any) -> dict[str, str]:
    """Lower-cased name -> name of the project's stakeholders who are not in its team."""
    people = store.frame("stakeholders", project)
    team = [a.lower().lstrip("@") for a in project.team]
    found = {}
    for p in _rows(people):
        email = str(_col(p, "email", "")).lower()
        ours = email and any(email == a or email.endswith("@" + a) for a in team)
        if not ours:
            found[str(p["name"]).strip().lower()] = p["name"]
    return found


def _decisions_needed(
    store: Any, project: Any, frames: dict[str, pd.DataFrame], until: date
) -> list[Item]:
    """Pending change requests (requested by ``until``), and open follow-ups owned by a
    client stakeholder."""
    dues = {
        int(m["id"]): _day(m["current_due"])
        for m in _rows(frames["milestones"])
        if m["status"] in OPEN_MILESTONE
    }
    items = []
    for c in _rows(frames["change_requests"]):
        if c["decision"] != "pending" or _day(c["requested_on"]) > until:
            continue
        linked = [dues[i] for i in (c.get("milestone_ids") or []) if int(i) in dues]
        before = min(linked) if linked else None
        asked = _day(c["requested_on"])
        if before is None:
            note = t("summary.item.change_pending", on=asked)
        else:
            note = t("summary.item.needed_by", on=asked, due=before)
        items.append(Item("change", c["title"], before, note))
    people = _client_people(store, project)
    for f in _rows(frames["follow_ups"]):
        owner = str(_col(f, "owner", "")).strip()
        if f["status"] == "open" and owner.lower() in people:
            due = _day(f.get("due"))
            if due is None:
                note = t("summary.item.waits_on_undated", who=owner)
            else:
                note = t("summary.item.waits_on", who=owner, on=due)
            items.append(Item("follow_up", f["title"], due, note))
    return sorted(items, key=lambda i: (i.on or date.max, i.title))


# --- overrides --------------------------------------------------------------------------


def _check_area(area: str, status: str | None = None) -> None:
    from .errors import InvalidRecord, Problem

    if area not in ("overall", *AREAS):
        raise InvalidRecord(
            [Problem("area", area, t("summary.error.area", areas=", ".join(("overall", *AREAS))))]
        )
    if status is not None and status not in STATUSES:
        raise InvalidRecord(
            [Problem("status", status, t("summary.error.status", statuses=", ".join(STATUSES)))]
        )


def active_overrides(store: Any, project: Any, *, audience: str = "internal") -> dict[str, Any]:
    """Area -> the active override (a row as a dict) that ``audience`` may see."""
    frame = store.frame("status_overrides", project, audience=audience)
    found = {}
    for row in sorted(_rows(frame), key=lambda r: int(r["id"])):
        if bool(row.get("active")):
            found[row["area"]] = row
    return found


def override_status(
    store: Any,
    project: Any,
    area: str,
    status: str,
    reason: str,
    *,
    today: date | None = None,
    visibility: str = "client",
) -> Record:
    """Set ``area``'s status by hand (``green``, ``amber``, ``red``) with a reason.

    The area's stored override (active or not) is updated, so the history keeps the
    statuses it had; the first one for an area is added.
    """
    _check_area(area, status)
    found = store.project(project)
    day = today or date.today()
    values = {
        "status": status,
        "reason": reason,
        "set_on": day,
        "active": True,
        "visibility": visibility,
    }
    existing = [r for r in store.records("status_overrides", found.id) if r.area == area]
    if existing:
        return store.update("status_overrides", existing[-1].id, **values)
    return store.add(StatusOverride(project_id=found.id, area=area, **values))


def clear_override(store: Any, project: Any, area: str) -> Record | None:
    """End ``area``'s override (``active=False``): the computed status shows again."""
    _check_area(area)
    found = store.project(project)
    for record in store.records("status_overrides", found.id):
        if record.area == area and record.active:
            return store.update("status_overrides", record.id, active=False)
    return None


# --- kickoff and retrospective ----------------------------------------------------------


def kickoff_summary(
    store: Any, project: Any, *, audience: str = "internal", lang: str | None = None
) -> Digest:
    """The kickoff on one page: goals, scope confirmation, key stakeholders, milestones (how
    many and the first), initial risks by level, and the communication plan."""
    from .models import HIGH
    from .risks.scoring import LEVELS, level_label, score_risks

    code = _lang(lang)
    found = store.project(project)
    with language(code):
        people = store.frame("stakeholders", found, audience=audience)
        key = [p for p in _rows(people) if int(p["power"]) >= HIGH]
        milestones = _rows(store.frame("milestones", found, audience=audience))
        milestones = [m for m in milestones if m["status"] != "cancelled"]
        first = min(milestones, key=lambda m: (_day(m["current_due"]), m["id"]), default=None)
        risks = store.frame("risks", found, audience=audience)
        scored = score_risks(risks) if len(risks) else risks
        live = [r for r in _rows(scored) if r["status"] in LIVE_RISKS]
        counts = {lv: sum(r["level"] == lv for r in live) for lv in LEVELS}
        by_level = t("summary.separator").join(
            f"{level_label(lv)} {counts[lv]}" for lv in reversed(LEVELS) if counts[lv]
        )
        if found.scope_confirmed_on:
            scope = t("summary.kickoff.scope_confirmed", on=found.scope_confirmed_on)
        else:
            scope = t("summary.kickoff.scope_not_confirmed")
        facts = (
            (t("summary.kickoff.scope"), scope),
            (
                t("summary.kickoff.stakeholders"),
                t("summary.kickoff.stakeholders_n", n=len(people), key=len(key)),
            ),
            (
                t("summary.kickoff.milestones"),
                t("summary.kickoff.milestones_n", n=len(milestones))
                + (
                    t("summary.kickoff.first", name=first["name"], due=_day(first["current_due"]))
                    if first
                    else ""
                ),
            ),
            (
                t("summary.kickoff.risks"),
                t("summary.kickoff.risks_by_level", n=len(live), levels=by_level)
                if by_level
                else t("summary.kickoff.risks_n", n=len(live)),
            ),
        )
        plan = _rows(store.frame("communication_plan", found, audience=audience))
        names = {int(p["id"]): p["name"] for p in _rows(people)}
        plan_items = tuple(
            Item(
                "plan",
                p["what"],
                None,
                t(
                    "summary.kickoff.plan_row",
                    audience=_plan_audience(p, names),
                    channel=enum_label("channel", p["channel"]),
                    days=int(p["cadence_days"]),
                ),
            )
            for p in plan
        )
        goals = tuple(Item("goal", g) for g in found.goals)
        return Digest(
            t("summary.kickoff.title", project=found.name),
            code,
            facts,
            (
                Section("goals", t("summary.kickoff.goals"), goals, t("summary.kickoff.no_goals")),
                Section(
                    "plan", t("summary.kickoff.plan"), plan_items, t("summary.kickoff.no_plan")
                ),
            ),
        )


def _plan_audience(row: dict[str, Any], names: dict[int, str]) -> str:
    sid = _col(row, "stakeholder_id")
    if sid is not None:
        return names.get(int(sid), t("summary.kickoff.someone"))
    return enum_label("quadrant", row["quadrant"])


def retrospective_summary(
    store: Any,
    project: Any,
    *,
    audience: str = "internal",
    lang: str | None = None,
) -> Digest:
    """The outcome on one page: milestones delivered and not, their slip, issues resolved,
    the final satisfaction and how many lessons were recorded."""
    code = _lang(lang)
    found = store.project(project)
    with language(code):
        milestones = [
            m
            for m in _rows(store.frame("milestones", found, audience=audience))
            if m["status"] != "cancelled"
        ]
        delivered = [m for m in milestones if m["status"] == "done"]
        missing = [m for m in milestones if m["status"] != "done"]
        slips = [(_day(m["current_due"]) - _day(m["baseline_due"])).days for m in milestones]
        late = [s for s in slips if s > 0]
        issues = _rows(store.frame("issues", found, audience=audience))
        resolved = [i for i in issues if i.get("status") in ("resolved", "closed")]
        waves = nps_waves(store, found, audience=audience)
        if waves:
            satisfaction = t(
                "summary.retro.nps", nps=round(waves[-1]["nps"]), wave=waves[-1]["wave"]
            )
        else:
            satisfaction = t("summary.satisfaction.none")
        lessons = store.frame("lessons", found, audience=audience)
        facts = (
            (
                t("summary.retro.milestones"),
                t("summary.retro.delivered", done=len(delivered), n=len(milestones)),
            ),
            (
                t("summary.retro.slip"),
                t(
                    "summary.retro.slip_days",
                    late=len(late),
                    most=max(late, default=0),
                    total=sum(late),
                )
                if late
                else t("summary.retro.no_slip"),
            ),
            (
                t("summary.retro.issues"),
                t("summary.retro.issues_n", resolved=len(resolved), n=len(issues)),
            ),
            (t("summary.retro.satisfaction"), satisfaction),
            (t("summary.retro.lessons"), t("summary.retro.lessons_n", n=len(lessons))),
        )
        open_items = tuple(
            Item(
                m["type"],
                m["name"],
                _day(m["current_due"]),
                enum_label("milestone_status", m["status"]),
            )
            for m in missing
        )
        done_items = tuple(
            Item(m["type"], m["name"], _day(m["current_due"]), _slip_note(m)) for m in delivered
        )
        return Digest(
            t("summary.retro.title", project=found.name),
            code,
            facts,
            (
                Section(
                    "delivered",
                    t("summary.retro.delivered_list"),
                    done_items,
                    t("summary.retro.none_delivered"),
                ),
                Section(
                    "open", t("summary.retro.open_list"), open_items, t("summary.retro.none_open")
                ),
            ),
        )


def _slip_note(m: dict[str, Any]) -> str:
    days = (_day(m["current_due"]) - _day(m["baseline_due"])).days
    return t("summary.retro.late_by", days=days) if days > 0 else t("summary.retro.on_time")


# --- presentation -----------------------------------------------------------------------

_BOX = (
    "font-family:inherit;max-width:48rem;line-height:1.45;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact"
)


_BLOCK = "margin:0 0 0.5em 0;break-inside:avoid"


def _chip(status: str) -> str:
    background, colour = COLOURS[status]
    return (
        f'<span class="commlib-chip commlib-{status}" style="display:inline-block;'
        f"background:{background};color:{colour};border:1px solid #555;border-radius:3px;"
        f'padding:0 8px;font-weight:600;white-space:nowrap">'
        f"{html.escape(t(f'summary.status.{status}'))}</span>"
    )


def _status_html(a: AreaStatus, audience: str) -> str:
    name = html.escape(t(f"summary.area.{a.area}"))
    mark = ""
    if a.overridden:
        mark = f' <em class="commlib-override">{html.escape(t("summary.override"))}</em>'
    extra = ""
    if a.overridden and audience == "internal":
        extra = (
            '<div class="commlib-computed" style="font-size:0.9em;color:#555">'
            f"{html.escape(t('summary.computed'))} {_chip(a.computed)} "
            f"{html.escape(a.computed_reason)}</div>"
        )
    style = ("font-size:1.1em;" if a.area == "overall" else "") + _BLOCK
    return (
        f'<div class="commlib-status" data-area="{a.area}" style="{style}">'
        f"<strong>{name}</strong> {_chip(a.status)}{mark}"
        f'<div class="commlib-reason">{html.escape(a.reason)}</div>{extra}</div>'
    )


def _item_text(item: Item) -> str:
    return f"{item.title} — {item.note}" if item.note else item.title


def _page(
    title: str | None,
    statuses: list[str],
    facts: list[tuple[str, str]],
    sections: list[Section],
) -> str:
    parts = [f'<div class="commlib-summary" style="{_BOX}">']
    if title:
        parts.append(f"<h3>{html.escape(title)}</h3>")
    parts += statuses
    if facts:
        parts.append('<dl style="margin:0">')
        for key, value in facts:
            parts.append(
                f'<dt style="font-weight:600">{html.escape(key)}</dt>'
                f'<dd style="margin:0 0 0.4em 0">{html.escape(value)}</dd>'
            )
        parts.append("</dl>")
    for s in sections:
        parts.append(f'<h4 data-section="{s.key}">{html.escape(s.title)}</h4>')
        if s.items:
            lines = "".join(f"<li>{html.escape(_item_text(i))}</li>" for i in s.items)
            parts.append(f'<ul style="padding-left:1.2em;margin:0">{lines}</ul>')
        else:
            parts.append(f'<p class="commlib-empty">{html.escape(s.empty)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _status_text(a: AreaStatus, audience: str) -> str:
    status = f"[{t(f'summary.status.{a.status}')}] {a.reason}"
    line = t("summary.labelled", label=t(f"summary.area.{a.area}"), value=status)
    if a.overridden:
        line += f" {t('summary.override')}"
        if audience == "internal":
            computed = t(f"summary.status.{a.computed}")
            line += f"\n    {t('summary.computed')} [{computed}] {a.computed_reason}"
    return line


def _sections_text(sections: Iterable[Section]) -> list[str]:
    lines: list[str] = []
    for s in sections:
        lines += ["", s.title]
        lines += [f"- {_item_text(i)}" for i in s.items] or [s.empty]
    return lines
