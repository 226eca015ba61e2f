"""The invitation to a meeting: a planned ``Meeting`` in the store and its iCalendar file,
which Outlook, Google Calendar and Apple Calendar import as a meeting request.

    >>> m = invite(store, "华辰 ERP 升级", "2026-10-08T21:00+08:00", attendees=["张伟"])
    >>> Path("meeting.ics").write_bytes(ics(store, m))
    >>> m = invite(store, "华辰 ERP 升级", "2026-10-09T21:00+08:00", meeting=m.id)  # moved

**The file**: ``METHOD:REQUEST``, ``PRODID``, ``VERSION:2.0``; one event with ``UID`` (made
once, ``<uuid4>@commlib``: an update keeps it, so calendars replace the meeting) and
``SEQUENCE`` (0, then one more on each update), ``DTSTAMP``, ``DTSTART``/``DTEND`` in the
meeting's zone (``TZID``) with its ``VTIMEZONE``, the ``ORGANIZER``, an ``ATTENDEE`` for each
attendee with an e-mail address (``CN``, ``ROLE=REQ-PARTICIPANT``, ``PARTSTAT=NEEDS-ACTION``,
``RSVP=TRUE``), the title in ``SUMMARY`` (by default in Chinese and English) and the agenda
in ``DESCRIPTION``. A cancelled meeting's file is ``METHOD:CANCEL``.

**The agenda** is the client's (:func:`~commlib.meetings.agenda.agenda` with
``audience="client"``, or the client part of an agenda given, e.g. one edited in the
``AgendaEditor``): the invitation goes to the client. It is kept in ``Meeting.agenda`` (a
line per item, in the project's language), so the file says what the meeting record says.

**The start** (:func:`start_of`): an aware moment, or ISO 8601 text with an offset
(``2026-10-08T21:00+08:00``) or without one and a zone (``tz="Asia/Shanghai"``). A naive
time without a zone is refused (nobody can tell when it is), and so is a local time the
clocks skip. A zone (``tz``) writes the invitation in that zone; an offset alone is read as
the zone of the first attendee (then of any stakeholder) whose clock shows that offset at
that moment, else as the fixed zone ``Etc/GMT-8`` of a whole-hour offset (``UTC`` for +00:00).

**The attendees**: names (matched whatever their case) or stakeholder ids; by default as the
planner chooses them (:func:`~commlib.meetings.planner.project_attendees`: the next planned
meeting's, else the stakeholders to manage closely, else every stakeholder).
Attendees without an e-mail address get no ``ATTENDEE`` line: the description names them.
**The organiser**: ``organizer``, else the first e-mail address of the project's team; none
is refused.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import BadFile, Conflict, InvalidRecord, NotFound, Problem
from ..i18n import enum_label, normalise, t
from ..models import Meeting, Project, Stakeholder
from .agenda import Agenda
from .agenda import agenda as build_agenda
from .planner import project_attendees

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["PRODID", "ics", "invite", "invitees", "organizer_of", "start_of", "write_invitation"]

PRODID = "-//commlib//Meeting invitation//EN"
#: the length of a new meeting, in minutes
DEFAULT_DURATION = 60
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
_EXAMPLE_AT = "2026-10-08T21:00+08:00"


# --- the start ----------------------------------------------------------------------------


def start_of(at: str | datetime, tz: str | None = None, *, zones: Sequence[str] = ()) -> datetime:
    """The start of a meeting as an aware moment on the clock of its zone (a ``ZoneInfo``).

    ``at``: an aware ``datetime``, or ISO 8601 text; ``tz``: the zone of a naive time, or the
    zone to write an aware one in; ``zones``: the zones an offset alone may stand for, in
    order (see the module's docstring). Refused (``InvalidRecord``, field ``at``): text that
    is no date and time, a naive time without ``tz``, a time the clocks skip in ``tz``, an
    offset of no whole hour that none of ``zones`` has then.
    """
    zone = _zone(tz) if tz else None
    text = at if isinstance(at, str) else str(at)
    if isinstance(at, str):
        try:
            moment = datetime.fromisoformat(at.strip())
        except ValueError:
            raise InvalidRecord(
                [Problem("at", at, t("meetings.invite.error.bad_at", example=_EXAMPLE_AT))]
            ) from None
    elif isinstance(at, datetime):
        moment = at
    else:
        raise InvalidRecord(
            [Problem("at", at, t("meetings.invite.error.bad_at", example=_EXAMPLE_AT))]
        )
    if moment.tzinfo is None:
        if zone is None:
            raise InvalidRecord(
                [Problem("at", text, t("meetings.invite.error.naive", example=_EXAMPLE_AT))]
            )
        local = moment.replace(tzinfo=zone)
        if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:
            raise InvalidRecord(
                [Problem("at", text, t("meetings.invite.error.skipped", zone=zone.key))]
            )
        return local
    if zone is not None:
        return moment.astimezone(zone)
    if isinstance(moment.tzinfo, ZoneInfo):
        return moment
    offset = moment.utcoffset()
    for name in zones:
        if name and moment.astimezone(ZoneInfo(name)).utcoffset() == offset:
            return moment.astimezone(ZoneInfo(name))
    hours, rest = divmod(offset or timedelta(0), timedelta(hours=1))
    if rest or not -12 <= hours <= 14:
        raise InvalidRecord(
            [Problem("at", text, t("meetings.invite.error.offset", example=_EXAMPLE_AT))]
        )
    return moment.astimezone(ZoneInfo("UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidRecord([Problem("tz", name, t("meetings.invite.error.bad_zone"))]) from None


# --- who --------------------------------------------------------------------------------


def organizer_of(project: Project, organizer: str | None = None) -> str:
    """The organiser's e-mail address: ``organizer``, else the first address (not a
    domain) of the project's team. Refused (``InvalidRecord``) when there is none."""
    if organizer is not None and organizer.strip():
        if not _EMAIL.match(organizer.strip()):
            raise InvalidRecord(
                [Problem("organizer", organizer, t("meetings.invite.error.bad_organizer"))]
            )
        return organizer.strip()
    for entry in project.team:
        if _EMAIL.match(entry):
            return entry
    message = t("meetings.invite.error.no_organizer")
    raise InvalidRecord([Problem("team", project.team, message, where=project.name)])


def invitees(store: Store, meeting: int | Meeting) -> list[Stakeholder]:
    """The stakeholders a meeting invites, in its order."""
    found = meeting if isinstance(meeting, Meeting) else store.get("meetings", meeting)
    return [store.get("stakeholders", i) for i in found.stakeholder_ids]  # type: ignore[misc]


def _chosen(
    project: Project, people: list[Stakeholder], wanted: Sequence[str | int | Stakeholder]
) -> list[Stakeholder]:
    by_name: dict[str, Stakeholder] = {}
    for person in people:
        by_name.setdefault(person.name.casefold(), person)
    by_id = {p.id: p for p in people}
    chosen: dict[int | None, Stakeholder] = {}
    for one in wanted:
        key = one.id if isinstance(one, Stakeholder) else one
        found = by_id.get(key) if isinstance(key, int) else by_name.get(str(key).strip().casefold())
        if found is None:
            known = ", ".join(p.name for p in people) or t("word.none")
            raise NotFound(
                t("meetings.invite.error.unknown_attendee", name=one, project=project.name,
                  known=known)
            )  # fmt: skip
        chosen.setdefault(found.id, found)
    return list(chosen.values())


# --- the meeting ------------------------------------------------------------------------


def invite(
    store: Store,
    project: str | int | Project,
    at: str | datetime | None = None,
    *,
    duration: int | None = None,
    attendees: Sequence[str | int | Stakeholder] | None = None,
    title: str | None = None,
    meeting: int | Meeting | None = None,
    tz: str | None = None,
    organizer: str | None = None,
    agenda: Agenda | None = None,
    today: date | None = None,
    lang: str | None = None,
) -> Meeting:
    """Plan a meeting (a new ``Meeting``, ``planned``, shared with the client) or, with
    ``meeting`` (an id), update the invitation of a planned one: same ``uid``, ``sequence``
    one more; what is not given stays as it was (``at``, ``duration``, ``attendees``,
    ``title``), and the agenda is built again.

    ``duration`` defaults to 60 minutes; ``title`` to "项目周会 / Project weekly meeting —
    <project>"; ``agenda`` to :func:`~commlib.meetings.agenda.agenda` for the client,
    looking ahead from ``today``, in ``lang`` (default: the project's language).

    Refused, with nothing written: no organiser (see :func:`organizer_of`), a start that
    cannot be told (see :func:`start_of`), an attendee who is not a stakeholder of the
    project (``NotFound``, listing those who are), nobody to invite, a meeting of another
    project (``NotFound``) or one held or cancelled (``Conflict``).
    """
    found = store.project(project)
    organizer_of(found, organizer)
    code = normalise(lang) if lang else found.language
    current = _current(store, found, meeting) if meeting is not None else None
    people: list[Stakeholder] = store.records("stakeholders", found.id)  # type: ignore[assignment]
    if attendees is not None:
        chosen = _chosen(found, people, attendees)
    elif current is not None:
        chosen = invitees(store, current)
    else:
        chosen = project_attendees(store, found)  # as the planner chooses them
    if not chosen:
        raise InvalidRecord(
            [Problem("attendees", [], t("meetings.invite.error.nobody"), where=found.name)]
        )
    if at is not None:
        zones = [p.timezone for p in chosen] + [p.timezone for p in people]
        start = start_of(at, tz, zones=zones)
    elif current is not None:
        start = current.start.astimezone(_zone(tz) if tz else ZoneInfo(current.timezone or "UTC"))
    else:
        raise InvalidRecord(
            [Problem("at", None, t("meetings.invite.error.no_at", example=_EXAMPLE_AT))]
        )
    minutes = duration or (current.duration_min if current is not None else DEFAULT_DURATION)
    plan = agenda or build_agenda(
        store, found, today=today, duration=minutes, audience="client", lang=code
    )
    fields = {
        "title": title or (current.title if current is not None else _default_title(found)),
        "start": start,
        "duration_min": minutes,
        "timezone": start.tzinfo.key,  # type: ignore[union-attr]
        "stakeholder_ids": [p.id for p in chosen],
        "agenda": plan.for_client().item_lines(),
    }
    if current is None:
        return store.add(
            Meeting(
                project_id=found.id,
                uid=f"{uuid.uuid4()}@commlib",
                sequence=0,
                status="planned",
                visibility="client",
                **fields,
            )
        )
    return store.update(  # type: ignore[return-value]
        "meetings", current.id, sequence=current.sequence + 1, **fields
    )


def _current(store: Store, project: Project, meeting: int | Meeting) -> Meeting:
    meeting_id = meeting.id if isinstance(meeting, Meeting) else meeting
    found = store.get("meetings", meeting_id)  # type: ignore[arg-type]
    if found.project_id != project.id:
        raise NotFound(
            t("meetings.invite.error.other_project", id=meeting_id, project=project.name)
        )
    if found.status != "planned":
        raise Conflict(
            t(
                "meetings.invite.error.not_planned",
                id=meeting_id,
                title=found.title,
                status=enum_label("meeting_status", found.status),
            )
        )
    return found  # type: ignore[return-value]


def _default_title(project: Project) -> str:
    key = "meetings.invite.summary"
    return f"{t(key, 'zh')} / {t(key, 'en')} — {project.name}"


# --- the file ---------------------------------------------------------------------------


def ics(
    store: Store,
    meeting: int | Meeting,
    *,
    organizer: str | None = None,
    now: datetime | None = None,
    lang: str | None = None,
) -> bytes:
    """The iCalendar file of a meeting's invitation (see the module's docstring).

    ``organizer`` as for :func:`invite`; ``now`` is the ``DTSTAMP`` (default: now); the
    description's labels in ``lang`` (default: the project's language).
    """
    import icalendar  # here: only the invitation needs it

    found = meeting if isinstance(meeting, Meeting) else store.get("meetings", meeting)
    project = store.project(found.project_id)
    lead = organizer_of(project, organizer)
    code = normalise(lang) if lang else project.language
    zone = ZoneInfo(found.timezone or "UTC")
    people = invitees(store, found)
    cancelled = found.status == "cancelled"

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", found.uid)
    event.add("sequence", found.sequence)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", found.start.astimezone(zone))
    event.add("dtend", (found.start + timedelta(minutes=found.duration_min)).astimezone(zone))
    event.add("summary", found.title)
    event.add("description", _description(project, found, people, code))
    if found.location:
        event.add("location", found.location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", icalendar.vCalAddress(f"mailto:{lead}"))
    for person in people:
        if person.email:
            address = icalendar.vCalAddress(f"mailto:{person.email}")
            address.params.update(
                {
                    "CN": person.name,
                    "CUTYPE": "INDIVIDUAL",
                    "ROLE": "REQ-PARTICIPANT",
                    "PARTSTAT": "NEEDS-ACTION",
                    "RSVP": "TRUE",
                }
            )
            event.add("attendee", address, encode=False)
    calendar.add_component(event)
    day = found.start.date()
    calendar.add_missing_timezones(
        first_date=day - timedelta(days=366), last_date=day + timedelta(days=366)
    )
    return calendar.to_ical()


def _description(project: Project, meeting: Meeting, people: list[Stakeholder], lang: str) -> str:
    minutes = t("meetings.agenda.minutes", lang, minutes=meeting.duration_min)
    lines = [t("meetings.agenda.heading", lang, project=project.name, minutes=minutes)]
    lines += meeting.agenda
    missing = [p.name for p in people if not p.email]
    if missing:
        names = t("meetings.agenda.and", lang).join(missing)
        lines += ["", t("meetings.invite.no_address", lang, names=names)]
    return "\n".join(lines)


def write_invitation(
    store: Store,
    project: str | int | Project,
    out: str | Path,
    at: str | datetime | None = None,
    *,
    organizer: str | None = None,
    **options: object,
) -> tuple[Meeting, list[str]]:
    """:func:`invite`, then :func:`ics` into the file ``out``, as one transaction: when the
    file cannot be written (``BadFile``), the meeting is not kept either. Returns the meeting
    and the names of the attendees left out of the file's attendees (no e-mail address)."""
    with store.transaction():
        made = invite(store, project, at, organizer=organizer, **options)  # type: ignore[arg-type]
        data = ics(store, made, organizer=organizer)
        try:
            Path(out).write_bytes(data)
        except OSError as err:
            reason = err.strerror or type(err).__name__
            raise BadFile(t("meetings.invite.error.cannot_write", path=out, reason=reason)) from err
    return made, [p.name for p in invitees(store, made) if not p.email]
