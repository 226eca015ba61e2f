"""Building the meetings side of a demo project: the vendor who joins from New York (the
Chinese project's third time zone), the RACI matrix, the decisions still to take, the last
weekly meetings' minutes (one confirmed by the client, one waiting), and a three-party call
planned in the week of China's next public holiday."""

from __future__ import annotations

from datetime import date, timedelta

from ..errors import NotFound
from ..meetings import find_slots, working_time
from ..models import Assignment, Contact, Decision, Meeting, Stakeholder
from ._contacts import SOURCE
from ._project import manners
from ._state import Demo, next_workday
from .content.meetings import (
    CONFIRMED_NOTE,
    PENDING,
    PLANNED,
    RACI,
    VENDOR_CALL,
    VENDOR_CALL_DAYS,
    VENDORS,
)

#: the planning window: this many days from the Monday of the week of the next holiday
WINDOW_DAYS = 14


def vendor(d: Demo) -> None:
    """The vendor's delivery manager, and the call where the team met them."""
    row = VENDORS.get(d.lang)
    if row is None:
        return
    person = d.store.add(
        Stakeholder(
            project_id=d.project_id,
            name=row.name,
            organisation=row.organisation,
            role=d.tx(row.role),
            email=row.email,
            phone="+1 212 555 0147",  # 555-01xx: reserved for fiction
            preferred_channel="video",
            timezone=row.timezone,
            language=row.language,  # type: ignore[arg-type]
            power=row.power,
            interest=row.interest,
            **manners(row.key, d.lang),
            visibility="client",
            created_at=d.at(d.today - timedelta(days=VENDOR_CALL_DAYS + 3), 10),
        )
    )
    d.people[row.key] = person
    day = next_workday(d.today - timedelta(days=VENDOR_CALL_DAYS))
    d.store.add(
        Contact(
            project_id=d.project_id,
            when=d.at(day, 9, 0, zone=row.timezone),  # the evening in Shanghai
            stakeholder_ids=[person.id, d.people["it"].id],  # type: ignore[list-item]
            channel="video",
            subject=d.tx(VENDOR_CALL),
            summary=d.tx(VENDOR_CALL),
            sentiment=1,
            source=SOURCE,
            source_id=f"demo-{d.lang}-vendor",
            visibility="client",
            created_at=d.at(day, 22, 0),
        )
    )


def raci(d: Demo) -> None:
    """Who is Accountable, Responsible, Consulted and Informed on each milestone."""
    records = []
    for key, milestone in d.milestones.items():
        accountable, responsible, consulted, informed = RACI[key]
        for role, people in (
            ("A", (accountable,)),
            ("R", responsible),
            ("C", consulted),
            ("I", informed),
        ):
            records += [
                Assignment(
                    project_id=d.project_id,
                    milestone=milestone.id,  # type: ignore[arg-type]
                    stakeholder=d.people[p].id,  # type: ignore[arg-type]
                    role=role,  # type: ignore[arg-type]
                    visibility=milestone.visibility,  # the internal quality gate's are too
                    notes=milestone.notes if milestone.visibility == "internal" else "",
                    created_at=d.at(d.start + timedelta(days=3), 16),
                )
                for p in people
                if p in d.people
            ]
    d.store.add_all(records)


def pending_decisions(d: Demo) -> None:
    records = []
    for row in PENDING:
        notes = d.tx(row.notes)
        records.append(
            Decision(
                project_id=d.project_id,
                title=d.tx(row.title),
                status="pending",
                decider=row.decider,  # type: ignore[arg-type]
                needed_by=next_workday(d.today + timedelta(days=row.in_days)),
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.at(next_workday(d.today - timedelta(days=3)), 10),
            )
        )
    d.store.add_all(records)


def meetings(d: Demo) -> None:
    """The last two weekly meetings' minutes (the older confirmed, the last one waiting) and
    the meeting being planned."""
    weekly = sorted(
        (c for e, c in zip(d.events, d.contacts, strict=True) if e.kind == "weekly"),
        key=lambda c: c.when,
    )
    held = [c for c in weekly if c.when.astimezone(d.zone).date() < d.today - timedelta(days=3)]
    records = []
    for n, contact in enumerate(held[-2:]):
        day = contact.when.astimezone(d.zone).date()
        confirmed = n == 0 and len(held) > 1
        notes = d.tx(CONFIRMED_NOTE) if confirmed else ""
        records.append(
            Meeting(
                project_id=d.project_id,
                title=contact.subject,
                start=contact.when,
                timezone=d.setting.timezone,
                stakeholder_ids=contact.stakeholder_ids,
                uid=f"demo-{d.lang}-weekly-{day:%Y%m%d}@commlib",
                status="held",
                contact_id=contact.id,
                minutes_sent_on=day,
                confirmed_by=d.people["it"].name if confirmed else "",
                confirmed_on=next_workday(day + timedelta(days=1)) if confirmed else None,
                confirmed_channel="email" if confirmed else None,
                visibility=d.visibility(notes) if notes else contact.visibility,  # type: ignore[arg-type]
                notes=notes,
                created_at=contact.when,
            )
        )
    plan = PLANNED[d.lang]
    people = [d.people[k] for k in plan.attendees if k in d.people]
    start, _ = planning_window(d.today, d.setting.timezone)
    try:  # the most comfortable time for the least comfortable of them
        at = find_slots(people, duration=plan.duration, start=start, days=WINDOW_DAYS)[0].start
    except NotFound:
        at = d.at(start, 10)
    records.append(
        Meeting(
            project_id=d.project_id,
            title=d.tx(plan.title),
            start=at,
            duration_min=plan.duration,
            timezone=d.setting.timezone,
            stakeholder_ids=[p.id for p in people],  # type: ignore[misc]
            uid=f"demo-{d.lang}-planned@commlib",
            visibility="client",
            created_at=d.at(d.today - timedelta(days=1), 17),
        )
    )
    d.store.add_all(records)


def planning_window(today: date, zone: str) -> tuple[date, date]:
    """From the Monday of the week of the next public holiday where the client works (China's
    for the Chinese project), for ``WINDOW_DAYS`` days."""
    person = working_time(Stakeholder(project_id=1, name="client", timezone=zone))
    found = person.holidays(today, today + timedelta(days=400))
    first = next(iter(found), today)
    monday = first - timedelta(days=first.weekday())
    start = max(monday, today)
    return start, start + timedelta(days=WINDOW_DAYS - 1)
