"""Building the communication log (meetings, e-mails, calls, chats, each in the phase's topics
and the client's mood of the day) and the follow-ups promised in it."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, timedelta

from ..models import Contact, FollowUp
from ._state import Demo, Event, clamp, next_workday, weekday
from .content.contacts import (
    CLAUSES,
    CONTACT_NOTES,
    FOLLOW_UP_NOTES,
    KICKOFF,
    MOOD,
    PHASES,
    TEMPLATES,
    Topic,
)
from .content.project import Person

SOURCE = "demo"


def _lower_first(text: str, names: Iterable[str] = ()) -> str:
    """``Data migration`` -> ``data migration``; ``UAT planning`` and names stay."""
    if len(text) < 2 or not text[1].islower() or any(text.startswith(n) for n in names):
        return text
    return text[0].lower() + text[1:]


def _engagement(row: Person, day: int) -> str:
    current = row.engagement[0][1]
    for since, value in row.engagement:
        if since <= day:
            current = value
    return current


def _phase(d: Demo, day: date) -> tuple[Topic, ...]:
    offset = (day - d.start).days
    topics = PHASES[0][1]
    for since, phase in PHASES:
        if offset >= since:
            topics = phase
    return topics


def _mood(d: Demo, day: date) -> float:
    x = (day - d.start).days
    for (x0, y0), (x1, y1) in itertools.pairwise(MOOD):
        if x <= x1:
            return y0 + (y1 - y0) * max(0, x - x0) / (x1 - x0)
    return MOOD[-1][1]


def _sentiment(d: Demo, day: date, key: str) -> int:
    engagement = _engagement(d.rows[key], (day - d.start).days)
    bias = {"resistant": -0.7, "unaware": -0.2, "leading": 0.3}.get(engagement, 0.0)
    return clamp(_mood(d, day) + bias + d.rng.gauss(0, 0.7), -2, 2)


def _active(d: Demo, row: Person, day: date) -> bool:
    return not row.quiet or day < d.today - timedelta(days=row.quiet)


def _pick(d: Demo, day: date, channel: str) -> Person:
    rows = [r for r in d.rows.values() if _active(d, r, day) and r.key != "sponsor"]
    weights = [r.weight * (2.5 if r.channel == channel else 1.0) for r in rows]
    return d.rng.choices(rows, weights)[0]


def _one_to_one(d: Demo, day: date, kind: str, channel: str, direction: str) -> Event:
    row = _pick(d, day, channel)
    event = Event(
        when=d.working(day, row.timezone),
        kind=kind,
        channel=channel,
        direction=direction,
        people=[row.key],
        topic=d.rng.choice(_phase(d, day)),
        sentiment=_sentiment(d, day, row.key),
    )
    if channel == "im" and d.rng.random() < 0.4:
        event.sentiment = None
    if d.rng.random() < 0.12:
        event.notes = d.tx(d.rng.choice(CONTACT_NOTES), name=row.name)
    return event


def _reply(d: Demo, inbound: Event) -> Event | None:
    """Our answer to an inbound e-mail: a few hours to two days later, in working hours."""
    r = d.rng.random()
    hours = d.rng.uniform(1, 6) if r < 0.6 else d.rng.uniform(6, 30) if r < 0.9 else 30 + r * 20
    local = (inbound.when.astimezone(d.zone) + timedelta(hours=hours)).replace(
        second=0, microsecond=0
    )
    if local.hour >= 18 or local.hour < 9 or local.weekday() >= 5:
        day = local.date() + timedelta(days=0 if local.hour < 9 else 1)
        local = d.at(next_workday(day), 9, d.rng.randrange(0, 60, 5))
    if local.date() >= d.today:
        return None  # still waiting for our answer
    return Event(
        when=local,
        kind="email_reply",
        channel="email",
        direction="outbound",
        people=list(inbound.people),
        topic=inbound.topic,
    )


def _plan_contacts(d: Demo) -> list[Event]:
    rng = d.rng
    events = [
        Event(
            when=d.at(d.start + timedelta(days=3), 9, 30),
            kind="kickoff",
            channel="meeting",
            direction="outbound",
            people=list(d.rows),
            topic=KICKOFF,
            sentiment=1,
        )
    ]
    for row in d.rows.values():  # the quiet ones were last heard of a while ago
        if row.quiet:
            day = weekday(d.today - timedelta(days=row.quiet + rng.randint(3, 15)))
            events.append(
                Event(
                    d.working(day, row.timezone),
                    "email_in",
                    "email",
                    "inbound",
                    [row.key],
                    rng.choice(_phase(d, day)),
                    _sentiment(d, day, row.key),
                )
            )
    week, n = d.start, 0
    while week < d.today:
        weekly = week + timedelta(days=1)
        if weekly < d.today and n > 0:
            people = ["it", "ops", "keyuser", "itops"]
            people += [k for k, p in (("quality", 0.5), ("sponsor", 0.15)) if rng.random() < p]
            events.append(
                Event(
                    d.at(weekly, 10),
                    "weekly",
                    "video" if n % 3 == 2 else "meeting",
                    "outbound",
                    people,
                    rng.choice(_phase(d, weekly)),
                    _sentiment(d, weekly, "it"),
                )
            )
        steering = week + timedelta(days=3)
        if n % 4 == 2 and steering < d.today:
            people = ["sponsor", "it", "finance", "manager1", "manager2"]
            if _active(d, d.rows["hq"], steering):
                people.append("hq")
            events.append(
                Event(
                    d.at(steering, 14),
                    "steering",
                    "meeting",
                    "outbound",
                    people,
                    rng.choice(_phase(d, steering)),
                    _sentiment(d, steering, "sponsor"),
                )
            )
        plan = [("email_in", "email", "inbound")] * rng.randint(2, 3)
        plan += [("email_out", "email", "outbound")] * (rng.random() < 0.3)
        plan += [("phone", "phone", rng.choice(["inbound", "outbound"]))] * rng.randint(1, 3)
        plan += [("im", "im", "inbound")] * rng.randint(1, 3)
        plan += [("video", "video", "outbound")] * (rng.random() < 0.35)
        for kind, channel, direction in plan:
            day = week + timedelta(days=rng.randint(0, 4))
            if day >= d.today:
                continue
            event = _one_to_one(d, day, kind, channel, direction)
            if kind in ("email_out", "video"):
                event.people += rng.sample(
                    [k for k in ("it", "quality", "keyuser") if k not in event.people],
                    rng.randint(0, 2),
                )
            if kind == "email_out":
                event.sentiment = None
            events.append(event)
            if kind == "email_in" and rng.random() < 0.9:
                reply = _reply(d, event)
                if reply is not None:
                    events.append(reply)
        week += timedelta(days=7)
        n += 1
    events.sort(key=lambda e: e.when)
    return events


def _contact(d: Demo, event: Event, number: int) -> Contact:
    subject_tx, summary_tx = TEMPLATES[event.kind]
    if event.topic.by_client:
        event.owner = d.rows[event.people[0]].name
    else:
        event.owner = d.rng.choice(d.setting.team)
    names = [d.rows[k].name for k in event.people]
    topic = d.tx(event.topic.subject)
    clause = CLAUSES[event.sentiment or 0]
    text = {
        "topic": topic,
        "topic_l": _lower_first(topic, d.setting.words.values()),
        "names": ("、" if d.lang == "zh" else ", ").join(names),
        "name": names[0],
        "detail": d.tx(d.rng.choice(event.topic.details)),
        "clause": d.tx(d.rng.choice(clause)),
        "owner": event.owner,
        "action": d.tx(event.topic.action),
    }
    return Contact(
        project_id=d.project_id,
        when=event.when,
        stakeholder_ids=[d.people[k].id for k in event.people],  # type: ignore[misc]
        channel=event.channel,  # type: ignore[arg-type]
        direction=event.direction,  # type: ignore[arg-type]
        subject=d.tx(subject_tx, **text),
        summary=d.tx(summary_tx, **text).strip(),
        sentiment=event.sentiment,
        source=SOURCE,
        source_id=f"demo-{d.lang}-{number:04d}",
        visibility=d.visibility(event.notes),  # type: ignore[arg-type]
        notes=event.notes,
        created_at=event.when + timedelta(minutes=d.rng.randint(5, 120)),
    )


def contacts(d: Demo) -> None:
    d.events = _plan_contacts(d)
    records = [_contact(d, e, i) for i, e in enumerate(d.events, start=1)]
    d.contacts = d.store.add_all(records)


def meeting_near(d: Demo, kind: str, day: date) -> Contact | None:
    """The meeting of this kind (weekly, steering) closest to ``day``."""
    meetings = [c for e, c in zip(d.events, d.contacts, strict=True) if e.kind == kind]
    return min(meetings, key=lambda c: abs((c.when.date() - day).days), default=None)


# --- follow-ups -------------------------------------------------------------------------


def follow_ups(d: Demo) -> None:
    rng = d.rng
    kinds = ("weekly", "steering", "video", "email_in", "phone")
    candidates = [i for i, e in enumerate(d.events) if e.kind in kinds]
    chosen = sorted(rng.sample(candidates, rng.randint(24, 34)))
    plans = []
    for i in chosen:
        event, contact = d.events[i], d.contacts[i]
        made = event.when.astimezone(d.zone).date()
        due = next_workday(made + timedelta(days=rng.randint(3, 12)))
        postponed = None
        if rng.random() < 0.2 and due < d.today:
            postponed = next_workday(due + timedelta(days=7))
        notes = d.tx(rng.choice(FOLLOW_UP_NOTES)) if rng.random() < 0.15 else ""
        title = d.tx(event.topic.action)
        record = FollowUp(
            project_id=d.project_id,
            title=title[0].upper() + title[1:],
            owner=event.owner,
            due=due,
            contact_id=contact.id,
            visibility=d.visibility(notes),  # type: ignore[arg-type]
            notes=notes,
            created_at=contact.created_at,
        )
        plans.append((record, made, postponed))
    stored = d.store.add_all([p[0] for p in plans])
    recent = d.today - timedelta(days=45)
    late = [i for i, (r, _, p) in enumerate(plans) if recent <= (p or r.due) < d.today]
    overdue = set(rng.sample(late, min(4, len(late))))
    for i, (fu, (_, made, postponed)) in enumerate(zip(stored, plans, strict=True)):
        due = fu.due
        if postponed is not None:
            asked = weekday(made + (due - made) / 2)  # halfway, someone asked for more time
            d.later("follow_ups", fu.id, d.working(asked), due=postponed)
            due = postponed
        early = made < d.today - timedelta(days=2) and rng.random() < 0.3
        if i in overdue or not (due < d.today or early):
            continue  # still open (overdue, or due later)
        done_on = due + timedelta(days=rng.randint(-4, 2))
        done_on = min(max(done_on, made + timedelta(days=1)), d.today - timedelta(days=1))
        done_on = max(weekday(done_on), made)
        if rng.random() < 0.08:
            d.later("follow_ups", fu.id, d.working(done_on), status="cancelled")
        else:
            d.later("follow_ups", fu.id, d.working(done_on), status="done", done_on=done_on)
