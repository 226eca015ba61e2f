"""Building the project itself, its stakeholders, its communication plan and its milestones
(which start, finish, slip and are accepted)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..models import Milestone, PlanItem, Project, Stakeholder
from ._state import Demo, next_workday, weekday
from .content import DEMO_PROJECTS
from .content.meetings import MANNERS
from .content.project import BER, MILESTONES, NYC, PLAN, SH, SLIP


def project(d: Demo) -> Project:
    s = d.setting
    project = d.store.add(
        Project(
            name=DEMO_PROJECTS[d.lang],
            client=s.client,
            goals=list(s.goals),
            in_scope=list(s.in_scope),
            out_of_scope=list(s.out_of_scope),
            start=d.start,
            end=d.end,
            language=d.lang,  # type: ignore[arg-type]
            team=list(s.team_addresses),
            scope_confirmed_by=d.rows["sponsor"].name,
            scope_confirmed_on=weekday(d.start + timedelta(days=7)),
            scope_confirmed_channel="meeting",
            visibility="client",
            notes=s.notes,
            created_at=d.at(d.start - timedelta(days=3), 10),
        )
    )
    d.project_id = project.id  # type: ignore[assignment]
    return project


def _phone(rng: random.Random, zone: str) -> str:
    if zone == SH:
        mobile = f"1{rng.choice('3589')}{rng.randint(0, 9)}"
        return f"+86 {mobile} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    if zone == BER:
        return f"+49 69 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    if zone == NYC:
        return f"+1 212 555 01{rng.randint(0, 99):02d}"  # 555-01xx: reserved for fiction
    return f"+44 20 7946 0{rng.randint(0, 999):03d}"  # 020 7946 0xxx: reserved for drama


def manners(key: str, lang: str) -> dict[str, str]:
    """A person's form of address, working hours and etiquette notes (``Stakeholder`` fields)."""
    address, hours, etiquette = MANNERS[lang].get(key, ("", "", ""))
    return {"address_as": address, "work_hours": hours or "09:00-18:00", "etiquette": etiquette}


def stakeholders(d: Demo) -> None:
    created = d.at(d.start, 11)
    records = [
        Stakeholder(
            project_id=d.project_id,
            name=row.name,
            organisation=row.organisation or d.setting.client,
            role=row.role,
            email=f"{row.email}@{d.setting.domain}",
            phone=_phone(d.rng, row.timezone),
            preferred_channel=row.channel,  # type: ignore[arg-type]
            timezone=row.timezone,
            language=d.lang,  # type: ignore[arg-type]
            power=row.power,
            interest=row.interest,
            engagement_current=row.engagement[0][1],  # type: ignore[arg-type]
            engagement_desired=row.desired,  # type: ignore[arg-type]
            visibility=d.visibility(row.notes),  # type: ignore[arg-type]
            notes=row.notes,
            created_at=created,
            **manners(row.key, d.lang),
        )
        for row in d.rows.values()
    ]
    for row, stored in zip(d.rows.values(), d.store.add_all(records), strict=True):
        d.people[row.key] = stored
        for since, value in row.engagement[1:]:
            d.later("stakeholders", stored.id, d.working(d.day(since)), engagement_current=value)


def plan(d: Demo) -> None:
    created = d.at(d.start, 15)
    records = []
    for audience, zh, en, channel, cadence in PLAN:
        person = d.people.get(audience)
        records.append(
            PlanItem(
                project_id=d.project_id,
                what=zh if d.lang == "zh" else en,
                quadrant=None if person else audience,
                stakeholder_id=person.id if person else None,
                channel=channel,
                cadence_days=cadence,
                owner=d.setting.team[0],
                visibility="internal" if audience == "ops" else "client",
                notes=d.setting.notes if audience == "ops" else "",
                created_at=created,
            )
        )
    d.store.add_all(records)


def milestones(d: Demo) -> None:
    """One chain: each milestone's work starts when the previous one is reached."""
    previous: Milestone | None = None
    start_day = 0
    for row in MILESTONES:
        due = d.end if row.day < 0 else d.day(row.day)
        likely = max((due - d.start).days - start_day, 1)
        notes = d.tx(row.notes)
        previous = d.store.add(
            Milestone(
                project_id=d.project_id,
                name=d.tx(row.name),
                type=row.type,  # type: ignore[arg-type]
                description=d.tx(row.description),
                baseline_due=due,
                current_due=due,
                depends_on=previous.id if previous else None,
                duration_optimistic=max(round(likely * 0.85), 1),
                duration_likely=likely,
                duration_pessimistic=round(likely * 1.4) + 1,
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.at(d.start + timedelta(days=2), 15),
            )
        )
        start_day = (due - d.start).days
        d.milestones[row.key] = previous
        d.due[row.key] = due
    key, days, decided = SLIP
    move_milestone(d, key, days, d.at(d.day(decided), 11, 30))  # after the meeting


def move_milestone(d: Demo, keys: list[str] | str, days: int, at: datetime) -> None:
    """Move the earliest of ``keys`` and, as the team replans, every milestone after it."""
    order = [row.key for row in MILESTONES]
    first = min(order.index(k) for k in ([keys] if isinstance(keys, str) else keys))
    for key in order[first:]:
        d.due[key] = d.due[key] + timedelta(days=days)  # whole weeks, so still a weekday
        d.later("milestones", d.milestones[key].id, at, current_due=d.due[key])


def milestone_progress(d: Demo) -> None:
    """Milestones start, finish and are accepted by the client, as their (final) dates say."""
    for key, m in d.milestones.items():
        due = d.due[key]
        started = due - timedelta(days=21)
        if started < d.today:
            d.later("milestones", m.id, d.working(weekday(started)), status="in_progress")
        if due >= d.today - timedelta(days=1):
            continue
        d.later("milestones", m.id, d.at(due, 17), status="done")
        accepted_on = next_workday(due + timedelta(days=d.rng.randint(1, 5)))
        if accepted_on < d.today and m.visibility == "client":
            who = d.people["sponsor" if m.type == "milestone" else "it"]
            d.later(
                "milestones",
                m.id,
                d.working(accepted_on),
                accepted_by=who.id,
                accepted_on=accepted_on,
                acceptance_channel="meeting" if m.type == "milestone" else "email",
            )
