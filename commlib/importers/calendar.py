"""Calendars (``.ics``) into the contact log: each meeting occurrence becomes a contact.

Channel ``video`` when the event carries a video-call link (Zoom, Teams, Google Meet,
Tencent Meeting / 腾讯会议, Webex, Feishu, DingTalk), else ``meeting``. Attendees and the
organizer are matched to stakeholders by address (declined attendees, rooms and resources
left out). Direction: ``outbound`` when the team organised it or no organizer is given
(an event in our own calendar), ``inbound`` when someone else did.

Times: TZID and VTIMEZONE are honoured; times without a zone are taken in the calendar's
X-WR-TIMEZONE, else the zone most of the project's stakeholders are in, else UTC;
all-day events are at 00:00 in the stakeholders' zone (else UTC). Everything is stored in
UTC.

Recurring events are expanded between ``since`` and ``until`` (default: the project's
start to its end, or today + 90 days); EXDATEs and cancelled events or occurrences are
left out. ``source`` is ``calendar``; ``source_id`` is ``{UID}/{recurrence id in UTC}``
(for an occurrence that was moved, its original start), so re-importing adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

from ..errors import BadFile, InvalidRecord
from ..i18n import t
from ..models import Contact, Project
from ..store import Store
from . import Importer, ImportReport, People, one_line, save, stable_id, summarise, to_utc

SOURCE = "calendar"
#: default end of the window for a project without an end date
AHEAD = timedelta(days=90)
_VIDEO = re.compile(
    r"zoom\.us|zoom\.com|zoomgov\.com|teams\.microsoft\.com|teams\.live\.com|meet\.google\.com"
    r"|meeting\.tencent\.com|voovmeeting\.com|腾讯会议|webex\.com|vc\.feishu\.cn|飞书会议"
    r"|meeting\.dingtalk\.com|钉钉会议",
    re.I,
)
_NOT_PEOPLE = {"ROOM", "RESOURCE"}
#: properties whose damage makes the occurrences of an event unknowable
_RECURRENCE = {"RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID"}


def sniff(path: Path, head: bytes) -> bool:
    """``BEGIN:VCALENDAR`` on the first line."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper() == b"BEGIN:VCALENDAR"


def run(
    store: Store,
    project: Project,
    path: Path,
    *,
    since: date | None = None,
    until: date | None = None,
    **_options: Any,
) -> ImportReport:
    calendars = _parse(path)
    report = ImportReport(str(path), "ics")
    people = People(store, project)
    window = _window(project, since, until)
    contacts = []
    for calendar in calendars:
        zone = _calendar_zone(calendar, people.zone)
        for uid, events in _series(calendar, report):
            for event in events:
                _check_zone(event, zone, report)
            contacts += _occurrences(uid, events, window, zone, project, people, report)
    save(store, project, report, contacts)
    return report


def _parse(path: Path) -> list[icalendar.Calendar]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BadFile(t("importers.refused.unreadable", reason=err.strerror or err)) from err
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as err:
        raise BadFile(t("importers.calendar.unreadable", reason=err)) from err
    if not calendars:
        raise BadFile(t("importers.calendar.empty"))
    return calendars


def _window(project: Project, since: date | None, until: date | None) -> tuple[date, date]:
    """The first and the day after the last day whose occurrences are imported."""
    first = _day(since) or project.start
    last = _day(until) or project.end or date.today() + AHEAD
    return first, last + timedelta(days=1)


def _day(value: date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _calendar_zone(calendar: icalendar.Calendar, default: ZoneInfo) -> ZoneInfo:
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    try:
        return ZoneInfo(name) if name else default
    except (ZoneInfoNotFoundError, ValueError):
        return default


def _series(
    calendar: icalendar.Calendar, report: ImportReport
) -> Iterator[tuple[str, list[icalendar.Event]]]:
    """The events grouped by UID (a series and its changed occurrences); broken ones reported."""
    groups: dict[str, list[icalendar.Event]] = {}
    for event in calendar.walk("VEVENT"):
        problem = _broken(event)
        if problem:
            report.skip(t("importers.calendar.event", name=_name(event)), problem)
            continue
        uid = str(event.get("UID", "")).strip() or "no-uid:" + stable_id(
            event.get("SUMMARY"), event.get("DTSTART").to_ical()
        )
        groups.setdefault(uid, []).append(event)
    yield from groups.items()


def _broken(event: icalendar.Event) -> str | None:
    """Why an event cannot be imported, or None."""
    for name, error in getattr(event, "errors", []):
        if name == "DTSTART":
            return t("importers.calendar.bad_start", reason=error)
        if name in _RECURRENCE:
            return t("importers.calendar.bad_rule", reason=f"{name}: {error}")
    start = event.get("DTSTART")
    if start is None:
        return t("importers.calendar.no_start")
    try:
        start.dt  # noqa: B018  (raises on an unreadable value)
    except (ValueError, TypeError, AttributeError) as err:
        return t("importers.calendar.bad_start", reason=err)
    return None


def _name(event: icalendar.Event) -> str:
    summary = one_line(str(event.get("SUMMARY", "")), 60)
    return summary or one_line(str(event.get("UID", "-")), 60)


def _occurrences(
    uid: str,
    events: list[icalendar.Event],
    window: tuple[date, date],
    zone: ZoneInfo,
    project: Project,
    people: People,
    report: ImportReport,
) -> list[Contact]:
    """The contacts of one series inside the window."""
    series = icalendar.Calendar()
    for event in events:
        series.add_component(event)
    try:
        found = list(recurring_ical_events.of(series).between(*window))
    except Exception as err:  # the library raises many kinds on broken rules
        item = t("importers.calendar.event", name=_name(events[0]))
        report.skip(item, t("importers.calendar.bad_rule", reason=err))
        return []
    if not found:
        report.outside_window += 1
    contacts = []
    for occurrence in found:
        contact = _contact(uid, occurrence, zone, project, people, report)
        if contact is not None:
            contacts.append(contact)
    return contacts


def _contact(
    uid: str,
    event: icalendar.Event,
    zone: ZoneInfo,
    project: Project,
    people: People,
    report: ImportReport,
) -> Contact | None:
    start = _moment(event, "DTSTART", zone, people.zone)
    item = t("importers.calendar.item", name=_name(event), when=f"{start:%Y-%m-%d %H:%M} UTC")
    organizer = _address(event.get("ORGANIZER"))
    parties = people.sort([organizer, *_attendees(event)])
    if not parties.related:
        report.unrelated += 1
        return None
    if str(event.get("STATUS", "")).strip().upper() == "CANCELLED":
        report.skip(item, t("importers.calendar.cancelled"))
        return None
    report.unknown(parties.unknown)
    recurrence = start
    if "RECURRENCE-ID" in event:
        recurrence = _moment(event, "RECURRENCE-ID", zone, people.zone)
    try:
        return Contact(
            project_id=project.id,
            when=start,
            stakeholder_ids=parties.stakeholder_ids,
            channel="video" if _video(event) else "meeting",
            direction=_direction(organizer, people),
            subject=one_line(str(event.get("SUMMARY", ""))),
            summary=summarise(str(event.get("DESCRIPTION", ""))),
            source=SOURCE,
            source_id=_source_id(uid, recurrence),
        )
    except InvalidRecord as err:
        report.skip(item, str(err))
        return None


def _moment(event: icalendar.Event, name: str, zone: ZoneInfo, day_zone: ZoneInfo) -> datetime:
    """A time in UTC: floating times in ``zone``, all-day dates at 00:00 in ``day_zone``."""
    value = event.get(name).dt
    return to_utc(value, zone if isinstance(value, datetime) else day_zone)


def _check_zone(event: icalendar.Event, zone: ZoneInfo, report: ImportReport) -> None:
    """A TZID that is neither known nor defined in the file leaves times without a zone."""
    start = event.get("DTSTART")
    tzid = start.params.get("TZID")
    if tzid and isinstance(start.dt, datetime) and start.dt.tzinfo is None:
        report.warn(t("importers.calendar.unknown_zone", zone=tzid, used=str(zone)))


def _address(value: object) -> str:
    text = str(value or "").strip()
    return text[7:].strip().lower() if text.lower().startswith("mailto:") else ""


def _attendees(event: icalendar.Event) -> list[str]:
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    found = []
    for attendee in attendees:
        params = getattr(attendee, "params", {})
        if str(params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
            continue
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue
        found.append(_address(attendee))
    return [a for a in found if a]


def _direction(organizer: str, people: People) -> str:
    if not organizer or people.is_team(organizer):
        return "outbound"
    return "inbound"


def _video(event: icalendar.Event) -> bool:
    """A video-call link in the location, description, URL or the conferencing properties."""
    for name, value in event.property_items(recursive=False):
        if name in ("BEGIN", "END", "UID", "ATTENDEE", "ORGANIZER"):
            continue
        if _VIDEO.search(str(value)):
            return True
    return False


def _source_id(uid: str, recurrence: datetime) -> str:
    stamp = recurrence.isoformat()
    if len(uid) + 1 + len(stamp) > 200:
        uid = "uid:" + stable_id(uid)
    return f"{uid}/{stamp}"


IMPORTER = Importer(
    name="ics",
    sniff=sniff,
    run=run,
    label=lambda: t("importers.kind.ics"),
    describe=lambda: t("importers.describe.ics"),
)
