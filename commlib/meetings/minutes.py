"""Minutes that the client confirms: saved in one transaction, summarised back to the
attendees, confirmed like the scope, and chased in the status review while they are not.

    >>> meeting = save_minutes(store, "ERP", Minutes(
    ...     title="周例会", start=datetime(2026, 3, 10, 6, 0, tzinfo=UTC), stakeholder_ids=[3, 4],
    ...     team=["王芳"], summary="客户同意分批上线。",
    ...     decisions=[DecisionItem("采用分批上线", decided_by="张伟")],
    ...     follow_ups=[FollowUpItem("发送迁移方案", owner="王芳", due=date(2026, 3, 13))],
    ...     issues=[IssueItem("主数据质量不达标", severity=4, owner="王芳")],
    ... ))
    >>> write_minutes_email(store, meeting.id, "minutes.eml")   # sets minutes_sent_on
    >>> unconfirmed_minutes(store, "ERP", today=date(2026, 3, 16))  # sent more than 3 days ago
    >>> confirm_minutes(store, meeting.id, by="张伟", on=date(2026, 3, 17), channel="email")

What the minutes are in the store (all written by :func:`save_minutes`, or none of it):

- the meeting's ``Contact`` (channel ``meeting``, the attendees as its stakeholders, the
  title as its subject, the summary, the internal notes), ``source`` ``minutes``;
- its ``FollowUp``\\s and ``Decision``\\s (status ``taken``, decided on the meeting's day;
  the client's when ``decided_by`` is the name of a stakeholder, else the team's), each
  pointing at the contact (``contact_id``); its ``Issue``\\s, raised on the meeting's
  day (an issue has no ``contact_id``: the minutes' are the ones written in the same save,
  with the contact's ``created_at``);
- the ``Meeting``: the planned one (``Minutes.meeting_id``) becomes ``held``, with its
  title and start as the minutes say (the history keeps the planned ones), its invitees
  and invitation kept; without a planned one, a new held meeting with the attendees.

The team's own attendees (free text: there is no record for them) open the summary, as the
line ``我方参会：王芳、Li Lei`` / ``Our team: 王芳, Li Lei``; :func:`read_minutes` takes them
back out. The meeting's day is its start in its ``timezone`` (none: the machine's).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import Conflict, InvalidRecord, NotFound, Problem
from ..i18n import enum_label, label, language, t
from ..models import Contact, Decision, FollowUp, Issue, Meeting, Record
from ..schedule.milestones import moment_of
from ._minutes_mail import minutes_message

if TYPE_CHECKING:
    from ..models import Project
    from ..store import ProjectRef, Store

__all__ = [
    "DEFAULT_OLDER_THAN",
    "DecisionItem",
    "FollowUpItem",
    "IssueItem",
    "Minutes",
    "MinutesRecords",
    "confirm_minutes",
    "item_where",
    "meeting_day",
    "minutes_email",
    "planned_meeting",
    "read_minutes",
    "save_minutes",
    "team_names",
    "unconfirmed_minutes",
    "write_minutes_email",
]

#: minutes waiting longer than this many days for the client's confirmation are listed
DEFAULT_OLDER_THAN = 3
#: how the minutes' contact says where it came from
SOURCE = "minutes"
#: what separates the names of the team's attendees
_NAMES = re.compile(r"\s*[,，、;；\n]\s*")
#: the contact's fields that are the meeting's (a problem of one is told once, as the meeting's)
_AS = {"subject": "title", "when": "start"}
_COLUMNS = ["id", "title", "held_on", "attendees", "minutes_sent_on", "waiting_days"]


# --- what a person writes down in the meeting ------------------------------------------


@dataclass(frozen=True)
class DecisionItem:
    """A decision taken in the meeting; ``visibility`` ``None`` takes the minutes'."""

    title: str
    decided_by: str = ""
    visibility: str | None = None


@dataclass(frozen=True)
class FollowUpItem:
    """Something someone promised to do, by when."""

    title: str
    owner: str = ""
    due: date | None = None
    visibility: str | None = None


@dataclass(frozen=True)
class IssueItem:
    """A problem raised in the meeting: how severe (1–5), and who owns it."""

    title: str
    severity: int = 3
    owner: str = ""
    visibility: str | None = None


@dataclass(frozen=True)
class Minutes:
    """The minutes of one meeting, as :func:`save_minutes` takes them.

    ``stakeholder_ids``: the client's attendees (at least one); ``team``: the names of ours;
    ``summary`` goes to the client (the e-mail), ``notes`` stay with the team. ``meeting_id``
    is the planned meeting these are the minutes of (none: a meeting that was not planned);
    ``visibility`` is the contact's and the meeting's, and each item's unless it has its own.
    """

    title: str
    start: datetime
    stakeholder_ids: Sequence[int] = ()
    team: Sequence[str] = ()
    decisions: Sequence[DecisionItem] = ()
    follow_ups: Sequence[FollowUpItem] = ()
    issues: Sequence[IssueItem] = ()
    summary: str = ""
    notes: str = ""
    meeting_id: int | None = None
    duration_min: int | None = None
    visibility: str = "client"


@dataclass(frozen=True)
class MinutesRecords:
    """A held meeting's minutes as stored: its contact, what it decided, the follow-ups and
    issues it brought, the team's attendees and the summary without their line."""

    meeting: Meeting
    contact: Contact
    decisions: list[Decision] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    team: list[str] = field(default_factory=list)
    summary: str = ""


def team_names(text: str | Sequence[str]) -> list[str]:
    """``"王芳、Li Lei"`` (or a list) -> ``["王芳", "Li Lei"]``: each name once, in order."""
    parts = (
        _NAMES.split(text) if isinstance(text, str) else [p for s in text for p in _NAMES.split(s)]
    )
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def meeting_day(start: datetime, timezone: str = "") -> date:
    """The day a meeting starting at ``start`` is held, where it is held (``timezone``; none:
    the machine's time zone)."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    return start.astimezone(zoneinfo.ZoneInfo(timezone) if timezone else None).date()


def item_where(kind: str, number: int) -> str:
    """Where the problems of the ``number``-th (from 1) decision, follow-up or issue of the
    minutes are located: ``决策 2``, ``Follow-ups 1``."""
    return f"{label(kind)} {number}"


# --- saving -------------------------------------------------------------------------------


def save_minutes(
    store: Store, project: ProjectRef, minutes: Minutes, *, at: datetime | None = None
) -> Meeting:
    """Store ``minutes`` in one transaction (see the module) and return the held meeting.

    Everything is checked first, then written; any problem raises ``InvalidRecord`` (an
    item's problems located at its place, :func:`item_where`) and leaves the store as it was:
    minutes naming no stakeholder, a follow-up due before the meeting's day, an empty title.
    A planned meeting of another project is ``NotFound``; one that is not planned any more
    (held, cancelled) is a ``Conflict``. ``at`` (default: now) is when the records are made.
    """
    found = store.project(project)
    moment = (at or datetime.now(UTC)).replace(microsecond=0)
    with store.transaction():
        planned = planned_meeting(store, found, minutes.meeting_id)
        clients = {s.name.casefold() for s in store.records("stakeholders", found.id)}
        zone = planned.timezone if planned is not None else ""
        contact, items = _checked(found, minutes, moment, zone, clients)
        contact = store.add(contact)
        for kind, number, record in items:
            try:
                store.add(record.model_copy(update=_link(record, contact)))
            except InvalidRecord as err:
                raise InvalidRecord(_at(kind, number, err.problems), err.hint) from err
        held = {"status": "held", "contact_id": contact.id, "visibility": minutes.visibility}
        if planned is not None:
            return store.update(  # type: ignore[return-value]
                "meetings", planned.id, at=moment, title=contact.subject, start=contact.when, **held
            )
        return store.add(
            Meeting(
                project_id=found.id,
                title=contact.subject,
                start=contact.when,
                duration_min=minutes.duration_min or 60,
                stakeholder_ids=list(contact.stakeholder_ids),
                created_at=moment,
                **held,
            )
        )


def _checked(
    project: Project, minutes: Minutes, moment: datetime, zone: str, clients: set[str]
) -> tuple[Contact, list[tuple[str, int, Record]]]:
    """The contact and the items' records, checked; every problem raised at once.

    ``zone`` is the meeting's time zone (its day); ``clients`` the casefolded names of the
    project's stakeholders (a decision one of them took is the client's)."""
    problems: list[Problem] = []
    where = label("meetings")
    try:
        Meeting(project_id=project.id, title=minutes.title, start=minutes.start)
    except InvalidRecord as err:
        problems += [replace(p, where=where) for p in err.problems]
    people = list(minutes.stakeholder_ids)
    if not people:
        problems.append(Problem("stakeholder_ids", [], t("meetings.minutes.no_attendee"), where))
    team = team_names(minutes.team)
    summary = "\n\n".join(s for s in (_team_line(team, project.language), minutes.summary) if s)
    contact = None
    try:
        contact = Contact(
            project_id=project.id,
            when=minutes.start,
            stakeholder_ids=people,
            channel="meeting",
            direction="outbound",
            subject=minutes.title.strip(),
            summary=summary,
            notes=minutes.notes,
            source=SOURCE,
            visibility=minutes.visibility,
            created_at=moment,
        )
    except InvalidRecord as err:  # what the meeting's check did not already say
        known = {p.field for p in problems}
        renamed = [replace(p, field=_AS.get(p.field, p.field), where=where) for p in err.problems]
        problems += [p for p in renamed if p.field not in known]
    day = meeting_day(minutes.start, zone) if isinstance(minutes.start, datetime) else None
    items: list[tuple[str, int, Record]] = []
    for kind, made in (
        (
            "decisions",
            [_decision(d, project, minutes, day, moment, clients) for d in minutes.decisions],
        ),
        ("follow_ups", [_follow_up(f, project, minutes, day, moment) for f in minutes.follow_ups]),
        ("issues", [_issue(i, project, minutes, day, moment) for i in minutes.issues]),
    ):
        for number, (record, found) in enumerate(made, 1):
            problems += _at(kind, number, found)
            if record is not None:
                items.append((kind, number, record))
    if problems or contact is None:
        raise InvalidRecord(problems, t("error.fix_hint"))
    return contact, items


def _decision(
    item: DecisionItem,
    project: Project,
    minutes: Minutes,
    day: date | None,
    moment: datetime,
    clients: set[str],
) -> tuple[Record | None, list[Problem]]:
    by = item.decided_by.strip()
    return _made(
        Decision,
        project_id=project.id,
        title=item.title,
        decided_by=by,
        decider="client" if by.casefold() in clients else "team",
        status="taken",
        decided_on=day or date.today(),  # (no day: the start's problem is told)
        visibility=item.visibility or minutes.visibility,
        created_at=moment,
    )


def _follow_up(
    item: FollowUpItem, project: Project, minutes: Minutes, day: date | None, moment: datetime
) -> tuple[Record | None, list[Problem]]:
    record, problems = _made(
        FollowUp,
        project_id=project.id,
        title=item.title,
        owner=item.owner,
        due=item.due,
        visibility=item.visibility or minutes.visibility,
        created_at=moment,
    )
    if day is not None and item.due is not None and item.due < day:
        from ..forms import format_date  # the session's way of writing dates (forms loads widgets)

        message = t("meetings.minutes.due_before_meeting", date=format_date(day))
        problems.append(Problem("due", item.due, message))
    return (None if problems else record), problems


def _issue(
    item: IssueItem, project: Project, minutes: Minutes, day: date | None, moment: datetime
) -> tuple[Record | None, list[Problem]]:
    return _made(
        Issue,
        project_id=project.id,
        title=item.title,
        severity=item.severity,
        owner=item.owner,
        raised_on=day or date.today(),
        visibility=item.visibility or minutes.visibility,
        created_at=moment,
    )


def _made(model: type[Record], **values: object) -> tuple[Record | None, list[Problem]]:
    try:
        return model(**values), []
    except InvalidRecord as err:
        return None, [replace(p, where="") for p in err.problems]


def _at(kind: str, number: int, problems: list[Problem]) -> list[Problem]:
    return [replace(p, where=item_where(kind, number)) for p in problems]


def _link(record: Record, contact: Contact) -> dict[str, object]:
    """A decision or follow-up points at the minutes' contact (an issue cannot)."""
    return {} if isinstance(record, Issue) else {"contact_id": contact.id}


def planned_meeting(store: Store, project: ProjectRef, meeting_id: int | None) -> Meeting | None:
    """The planned meeting ``meeting_id`` of ``project``, which may get its minutes (``None``
    for none): ``NotFound`` if it is unknown or another project's, ``Conflict`` if it is not
    planned any more (held, cancelled)."""
    if meeting_id is None:
        return None
    meeting = _meeting(store, meeting_id, store.project(project))
    if meeting.status != "planned" or meeting.contact_id is not None:
        raise Conflict(
            t(
                "meetings.minutes.error.not_planned",
                title=meeting.title,
                id=meeting.id,
                status=_status_label(meeting.status),
            )
        )
    return meeting


def _meeting(store: Store, meeting_id: int, project: Project | None = None) -> Meeting:
    meeting = store.get("meetings", meeting_id)
    if project is not None and meeting.project_id != project.id:
        raise NotFound(
            t("meetings.minutes.error.other_project", id=meeting_id, project=project.name)
        )
    return meeting  # type: ignore[return-value]


def _status_label(status: str) -> str:
    return enum_label("meeting_status", status)


# --- the team's line at the top of the summary -------------------------------------------


def _team_line(team: list[str], lang: str) -> str:
    if not team:
        return ""
    separator = "、" if lang == "zh" else ", "
    return t("meetings.minutes.team_line", lang, names=separator.join(team))


def _split_team(summary: str) -> tuple[list[str], str]:
    """``(team, summary)`` of a stored summary whose first line may name the team."""
    first, _, rest = summary.partition("\n")
    for lang in ("zh", "en"):
        prefix = t("meetings.minutes.team_line", lang, names="")
        if prefix and first.startswith(prefix):
            return team_names(first[len(prefix) :]), rest.strip("\n")
    return [], summary


# --- reading the minutes back ---------------------------------------------------------------


def read_minutes(
    store: Store, meeting_id: int, *, project: ProjectRef | None = None
) -> MinutesRecords:
    """The minutes of a held meeting (see :class:`MinutesRecords`).

    ``NotFound`` for an unknown meeting (or one of another ``project``); ``Conflict`` for a
    meeting without minutes (planned, or cancelled), saying how to add them.
    """
    found = store.project(project) if project is not None else None
    meeting = _meeting(store, meeting_id, found)
    if meeting.contact_id is None:
        raise Conflict(
            t(
                "meetings.minutes.error.no_minutes",
                title=meeting.title,
                id=meeting.id,
                status=_status_label(meeting.status),
            )
        )
    contact: Contact = store.get("contacts", meeting.contact_id)  # type: ignore[assignment]
    decisions = [
        d for d in store.records("decisions", meeting.project_id) if d.contact_id == contact.id
    ]
    follow_ups = [
        f for f in store.records("follow_ups", meeting.project_id) if f.contact_id == contact.id
    ]
    utc_day = contact.when.date()  # the meeting's day is within a day of it, in any zone
    issues = [
        i
        for i in store.records("issues", meeting.project_id)
        if i.created_at == contact.created_at and abs((i.raised_on - utc_day).days) <= 1
    ]
    team, summary = _split_team(contact.summary)
    return MinutesRecords(meeting, contact, decisions, follow_ups, issues, team, summary)  # type: ignore[arg-type]


# --- summarised back: the e-mail ------------------------------------------------------------


def minutes_email(
    store: Store,
    meeting_id: int,
    *,
    lang: str | None = None,
    on: date | None = None,
    project: ProjectRef | None = None,
) -> EmailMessage:
    """An e-mail draft of the minutes to the attendees, asking them to confirm or correct.

    ``To``: the attendees with an e-mail address; ``From``: the project's first team address
    (a person's, not a domain); in ``lang`` (default: the project's language). It lists the
    summary, the decisions, the follow-ups (owner, due) and the issues that are
    client-visible; the notes never. Writing it records the day the minutes went out
    (``minutes_sent_on`` = ``on``, default today), unless the client has confirmed them.
    """
    records = read_minutes(store, meeting_id, project=project)
    meeting, contact = records.meeting, records.contact
    owner = store.project(meeting.project_id)
    code = lang or owner.language
    people = {p.id: p for p in store.records("stakeholders", owner.id)}
    attendees = [people[i] for i in contact.stakeholder_ids if i in people]
    day = meeting_day(contact.when, meeting.timezone)
    with language(code):
        message = minutes_message(owner, records, attendees, day, code)
    if meeting.confirmed_on is None:
        sent = on or date.today()
        store.update("meetings", meeting.id, at=moment_of(sent), minutes_sent_on=sent)
    return message


def write_minutes_email(
    store: Store,
    meeting_id: int,
    target: str | Path,
    *,
    lang: str | None = None,
    on: date | None = None,
    project: ProjectRef | None = None,
) -> Path:
    """Write :func:`minutes_email` to ``target`` (CRLF line ends, as mail clients expect)."""
    message = minutes_email(store, meeting_id, lang=lang, on=on, project=project)
    path = Path(target)
    path.write_bytes(message.as_bytes(policy=policy.SMTP))
    return path


# --- the client's confirmation ----------------------------------------------------------------


def confirm_minutes(
    store: Store,
    meeting_id: int,
    *,
    by: str,
    on: date,
    channel: str = "email",
    project: ProjectRef | None = None,
    at: datetime | None = None,
) -> Meeting:
    """Record that the client confirmed a meeting's minutes: who (a name), when, how.

    Like the scope's confirmation (``confirm_scope``): a new one replaces the previous one
    and the history keeps both; ``at`` defaults to noon UTC on ``on``. Refused, with nothing
    written: an unknown meeting (or one of another ``project``: ``NotFound``), a meeting
    without minutes (``Conflict``), nobody named or a day before the meeting
    (``InvalidRecord``). Returns the updated meeting.
    """
    records = read_minutes(store, meeting_id, project=project)
    meeting = records.meeting
    day = meeting_day(records.contact.when, meeting.timezone)
    problems = []
    if not by.strip():
        problems.append(Problem("confirmed_by", by, t("meetings.minutes.error.nobody")))
    if on < day:
        from ..forms import format_date

        message = t("meetings.minutes.error.before_meeting", date=format_date(day))
        problems.append(Problem("confirmed_on", on, message))
    if problems:
        raise InvalidRecord([replace(p, where=label("meetings")) for p in problems])
    return store.update(  # type: ignore[return-value]
        "meetings",
        meeting.id,
        at=moment_of(on, at),
        confirmed_by=by.strip(),
        confirmed_on=on,
        confirmed_channel=channel,
    )


# --- what the status review chases ------------------------------------------------------------


def unconfirmed_minutes(
    store: Store,
    project: ProjectRef,
    *,
    today: date | None = None,
    older_than: int = DEFAULT_OLDER_THAN,
    audience: str = "internal",
) -> pd.DataFrame:
    """Held meetings whose minutes the client has not confirmed for more than ``older_than``
    days, longest waiting first.

    A wait counts from the day the minutes went out (``minutes_sent_on``); minutes never sent
    wait from the meeting's day (the team's to send: only the internal view lists them).
    ``audience="client"`` lists only client-visible meetings, with the names of the
    client-visible attendees. Columns: ``id``, ``title``, ``held_on``, ``attendees`` (names),
    ``minutes_sent_on``, ``waiting_days``, and for the team ``meeting_no`` (``#12``: what
    ``commlib meeting confirm --meeting`` takes; a reader's table leaves ``id`` out).
    """
    day = today or date.today()
    meetings = store.frame("meetings", project, audience=audience)
    contacts = store.frame("contacts", project, audience=audience)
    people = store.frame("stakeholders", project, audience=audience)
    names = dict(zip(people["id"].astype(int), people["name"], strict=True))
    attendees = {
        int(c.id): [names[i] for i in c.stakeholder_ids if i in names]
        for c in contacts.itertuples()
    }
    rows = []
    for m in meetings.itertuples():
        if m.status != "held" or pd.isna(m.contact_id) or not pd.isna(m.confirmed_on):
            continue
        sent = None if pd.isna(m.minutes_sent_on) else pd.Timestamp(m.minutes_sent_on).date()
        if sent is None and audience == "client":
            continue
        held = meeting_day(pd.Timestamp(m.start).to_pydatetime(), m.timezone or "")
        waiting = (day - (sent or held)).days
        if waiting > older_than:
            who = attendees.get(int(m.contact_id), [])
            rows.append([int(m.id), m.title, held, ", ".join(who), sent, waiting, f"#{m.id}"])
    rows.sort(key=lambda r: (-r[5], r[0]))
    found = pd.DataFrame(rows, columns=[*_COLUMNS, "meeting_no"])
    if audience == "client":
        found = found.drop(columns="meeting_no")
    found.attrs["kind"] = "meetings"
    return found.astype({"id": "int64", "waiting_days": "int64"})
