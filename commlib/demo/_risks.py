"""Building the risk register, and its history: scores that climb, then fall as mitigation
works; a few reviews overdue."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..models import Risk
from ._state import Demo, next_workday, weekday
from .content.project import MILESTONES
from .content.risks import CATEGORIES, RISKS, RiskRow


def risks(d: Demo) -> None:
    rng = d.rng
    records = []
    for row in RISKS:
        notes = d.tx(row.notes)
        made = d.day(row.day)
        records.append(
            Risk(
                project_id=d.project_id,
                title=d.tx(row.title),
                category=d.tx(CATEGORIES[row.category]),
                probability=row.probability,
                impact=row.impact,
                owner=d.who(row.owner),
                trigger=d.tx(row.trigger),
                mitigation=d.tx(row.mitigation),
                contingency=d.tx(row.contingency),
                status="open",
                review_due=next_workday(made + timedelta(days=14)),
                cost_impact=None if row.cost is None else row.cost * d.setting.cost_unit,
                schedule_impact_days=row.impact + 2 if row.impact >= 4 else None,
                milestone_id=_milestone_at_risk(d, row.day) if row.impact >= 4 else None,
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.working(made),
            )
        )
    stored = d.store.add_all(records)
    # a few risks were last reviewed a month ago and are now overdue for review
    live = [i for i, r in enumerate(RISKS) if r.status in ("open", "mitigating") and r.day < 100]
    overdue = set(rng.sample(live, 3))
    for i, (row, risk) in enumerate(zip(RISKS, stored, strict=True)):
        _risk_history(d, row, risk, overdue=i in overdue)


def _milestone_at_risk(d: Demo, day: int) -> int:
    """The first milestone due three weeks after the risk was raised and not reached by
    today (else the last): the one the risk would delay if it occurred."""
    for row in MILESTONES:
        if row.day < 0 or row.day >= max(day + 21, d.elapsed):
            return d.milestones[row.key].id  # type: ignore[return-value]
    return d.milestones[MILESTONES[-1].key].id  # type: ignore[return-value]


def _risk_history(d: Demo, row: RiskRow, risk: Risk, *, overdue: bool) -> None:
    """Scores climb until the project's rough patch (about day 95), then mitigation works."""
    rng = d.rng
    peak = rng.randint(85, 110)
    last = d.elapsed - (30 if overdue else 2)
    if row.status == "occurred":
        last = min(last, max(peak, row.day + 20))
    days = sorted(rng.sample(range(row.day + 7, last), min(rng.randint(3, 5), last - row.day - 7)))
    p, i = row.probability, row.impact
    for step, offset in enumerate(days):
        final = step == len(days) - 1
        if offset < peak:
            if p < 5:
                p += 1
            else:
                i = min(5, i + 1)
        elif rng.random() < 0.7:
            p = max(2, p - 1)
        status = "open" if row.status == "open" or step == 0 else "mitigating"
        review: date | None = next_workday(d.day(offset) + timedelta(days=rng.randint(14, 28)))
        changes: dict[str, Any] = {}
        if final:
            status = row.status
            if status == "closed":
                p, review = 1, None
            elif status == "occurred":
                p = 5
                if row.cost is not None:
                    changes["cost_impact"] = row.cost * 1.5 * d.setting.cost_unit
            elif overdue:
                review = weekday(d.today - timedelta(days=rng.randint(2, 12)))
            else:
                review = next_workday(d.today + timedelta(days=rng.randint(3, 30)))
        d.later(
            "risks",
            risk.id,
            d.working(d.day(offset)),
            probability=p,
            impact=i,
            status=status,
            review_due=review,
            **changes,
        )
