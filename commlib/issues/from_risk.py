"""Raise an issue from a risk that occurred: the risk becomes a problem to solve."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..errors import Conflict
from ..i18n import language, t
from ..models import Issue, Risk

if TYPE_CHECKING:
    from ..store import Store


def issue_from_risk(risk: Risk, *, today: date) -> Issue:
    """The issue a risk becomes when it occurs, not yet stored.

    Title, owner and milestone are the risk's; the description is its trigger and the
    solution its contingency plan (now the plan of action); the severity is its impact and
    the impact is ``schedule`` when it delays a milestone, else ``cost`` when it costs money,
    else ``schedule``. The issue is shared with whom the risk is shared.
    """
    costs_only = not risk.schedule_impact_days and risk.cost_impact is not None
    impact = "cost" if costs_only else "schedule"
    return Issue(
        project_id=risk.project_id,
        title=risk.title,
        description=risk.trigger,
        raised_on=today,
        impact=impact,
        severity=risk.impact,
        owner=risk.owner,
        solution=risk.contingency,
        risk_id=risk.id,
        milestone_id=risk.milestone_id,
        visibility=risk.visibility,
    )


def raise_from_risk(store: Store, risk_id: int, *, today: date, lang: str | None = None) -> Issue:
    """Store the issue ``issue_from_risk`` makes of the risk ``risk_id``, and return it.

    A risk is raised once: ``Conflict`` names the issue already raised from it.
    """
    with language(lang):
        risk = store.get("risks", risk_id)
        issues = store.frame("issues", risk.project_id)
        raised = issues[issues["risk_id"] == risk_id]
        if not raised.empty:
            first = raised.iloc[0]
            raise Conflict(
                t(
                    "issues.error.already_raised",
                    risk=risk.title,
                    title=first["title"],
                    id=int(first["id"]),
                )
            )
        return store.add(issue_from_risk(risk, today=today))
