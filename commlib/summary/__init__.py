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
  of the open milestones they name, if any), decisions pending on the client (``decider``
  ``client``, by ``needed_by``) and open follow-ups whose owner is one of the
  project's stakeholders (not of the team: a stakeholder whose e-mail is in
  ``Project.team`` is the team's), with their due dates.

:func:`kickoff_summary` and :func:`retrospective_summary` give the kickoff's and the
retrospective's one-page facts in the same style (a :class:`Digest`).

The modules, one job each: ``rules.py`` (the rules and their thresholds), ``status.py``
(:func:`status_summary`, its lists, :func:`nps_waves`), ``overrides.py``, ``digests.py`` (the
kickoff's and the retrospective's page) and ``values.py`` (the values and how they show);
every name is importable from ``commlib.summary``.
"""

from .digests import kickoff_summary, retrospective_summary
from .overrides import active_overrides, clear_override, override_status
from .rules import (
    AREAS,
    EXPOSURE_WEEKS,
    LATE_DAYS,
    LIVE_RISKS,
    OPEN_ISSUES,
    OPEN_MILESTONE,
    RED_FOLLOW_UPS,
    SCOPE_GRACE_DAYS,
    SERIOUS,
    SLIP_DAYS,
    STATUSES,
    Z95,
    communication_status,
    issues_status,
    overall_status,
    risks_status,
    satisfaction_status,
    schedule_status,
    scope_status,
)
from .status import nps_waves, status_summary
from .values import COLOURS, AreaStatus, Digest, Item, Section, Summary

__all__ = [
    "AREAS",
    "COLOURS",
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
    "AreaStatus",
    "Digest",
    "Item",
    "Section",
    "Summary",
    "active_overrides",
    "clear_override",
    "communication_status",
    "issues_status",
    "kickoff_summary",
    "nps_waves",
    "overall_status",
    "override_status",
    "retrospective_summary",
    "risks_status",
    "satisfaction_status",
    "schedule_status",
    "scope_status",
    "status_summary",
]
