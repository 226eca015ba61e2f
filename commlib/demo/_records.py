"""Building the change requests (the approved ones move milestones), the decisions (taken at
meetings of the log), the issue log and the lessons learned."""

from __future__ import annotations

from ..models import ChangeRequest, Decision, Issue, Lesson
from ._contacts import meeting_near
from ._project import move_milestone
from ._state import Demo
from .content.records import CHANGES, DECISIONS, ISSUES, LESSONS


def change_requests(d: Demo) -> None:
    records = []
    for row in CHANGES:
        notes = d.tx(row.notes)
        requested = d.day(row.requested)
        records.append(
            ChangeRequest(
                project_id=d.project_id,
                title=d.tx(row.title),
                description=d.tx(row.description),
                requested_by=d.people[row.requested_by].id,
                requested_on=requested,
                schedule_impact_days=row.schedule_days,
                cost_impact=row.cost * d.setting.cost_unit,
                milestone_ids=[d.milestones[k].id for k in row.milestones],  # type: ignore[misc]
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.working(requested),
            )
        )
    for row, cr in zip(CHANGES, d.store.add_all(records), strict=True):
        if row.decided is None:
            continue
        decided = d.day(row.decided)
        at = d.at(decided, 16, 30)
        d.later(
            "change_requests",
            cr.id,
            at,
            decision=row.decision,
            decided_by=d.who(row.decided_by),
            decided_on=decided,
        )
        if row.decision == "approved" and row.schedule_days:
            move_milestone(d, list(row.milestones), row.schedule_days, at)


def decisions(d: Demo) -> None:
    records = []
    for row in DECISIONS:
        notes = d.tx(row.notes)
        day = d.day(row.day)
        contact = meeting_near(d, row.meeting, day) if row.meeting else None
        if contact is not None:
            day = contact.when.astimezone(d.zone).date()  # decided at that meeting
        records.append(
            Decision(
                project_id=d.project_id,
                title=d.tx(row.title),
                description=d.tx(row.description),
                decided_on=day,
                decided_by=d.who(row.decided_by),
                contact_id=contact.id if contact else None,
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.at(day, 17, 30),
            )
        )
    d.store.add_all(records)


def issues(d: Demo) -> None:
    """The issue log: the first one raised from the risk of poor legacy data when it
    occurred; each moves on to in progress and to where it ends up by today."""
    from ..issues import issue_from_risk

    risks = d.store.records("risks", d.project_id)
    records = []
    for row in ISSUES:
        notes = d.tx(row.notes)
        raised = d.day(row.day)
        base = (
            issue_from_risk(risks[row.risk], today=raised)  # type: ignore[arg-type]
            if row.risk is not None
            else Issue(project_id=d.project_id, title="-", raised_on=raised)
        )
        by_team = row.raised_by.startswith("@")
        records.append(
            base.model_copy(
                update={
                    "title": d.tx(row.title),
                    "description": d.tx(row.description),
                    "impact": row.impact,
                    "severity": row.severity,
                    "owner": d.who(row.owner),
                    "solution": d.tx(row.solution),
                    "raised_by": None if by_team else d.people[row.raised_by].id,
                    "raised_by_team": d.who(row.raised_by) if by_team else "",
                    "target_date": None if row.target is None else d.day(row.target),
                    "milestone_id": row.milestone and d.milestones[row.milestone].id,
                    "visibility": d.visibility(notes),
                    "notes": notes,
                    "created_at": d.at(raised, 10),
                }
            )
        )
    stored = d.store.add_all([Issue.model_validate(r.model_dump()) for r in records])
    for row, issue in zip(ISSUES, stored, strict=True):
        if row.status == "open":
            continue
        started = d.at(d.day(row.day + 2), 11)
        d.later("issues", issue.id, started, status="in_progress")  # type: ignore[arg-type]
        if row.resolved is not None:
            done = d.day(row.resolved)
            d.later(
                "issues",
                issue.id,  # type: ignore[arg-type]
                d.at(done, 16),
                status=row.status,
                resolved_on=done,
            )


def lessons(d: Demo) -> None:
    records = []
    for row in LESSONS:
        notes = d.tx(row.notes)
        day = d.day(row.day)
        records.append(
            Lesson(
                project_id=d.project_id,
                title=d.tx(row.title),
                category=d.tx(row.category),
                what_happened=d.tx(row.what_happened),
                recommendation=d.tx(row.recommendation),
                recorded_on=day,
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.at(day, 17),
            )
        )
    d.store.add_all(records)
