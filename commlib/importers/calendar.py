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
left out; a series is cut at ``MAX_OCCURRENCES`` with a warning. ``source`` is
``calendar``; ``source_id`` is ``{UID}/{recurrence id in UTC}`` (for an occurrence that
was moved, its original start), so re-importing adds nothing.

Damaged files are mended where the damage is clear (``repaired``): events with no
``BEGIN:VCALENDAR`` around them, a missing ``END:VCALENDAR``, stray lines, UTC offsets of
24 hours or more; when icalendar still cannot read the file, it is read one event at a
time and the unreadable events are skipped. Each repair, and each warning icalendar gives
(a guessed time zone...), is a note of the report, not output on stderr.
"""

from __future__ import annotations

import re
import warnings
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
from ._contacts import People, one_line, save, stable_id, summarise, to_utc
from ._report import ImportReport
from .registry import Importer

SOURCE = "calendar"
#: default end of the window for a project without an end date
AHEAD = timedelta(days=90)
#: warnings about the libraries' own code, of no use to the user (dropped, not shown)
_FOR_DEVELOPERS = (DeprecationWarning, PendingDeprecationWarning)
#: at most this many occurrences of one series are imported
MAX_OCCURRENCES = 2000
_VIDEO = re.compile(
    r"zoom\.us|zoom\.com|zoomgov\.com|teams\.microsoft\.com|teams\.live\.com|meet\.google\.com"
    r"|meeting\.tencent\.com|voovmeeting\.com|腾讯会议|webex\.com|vc\.feishu\.cn|飞书会议"
    r"|meeting\.dingtalk\.com|钉钉会议",
    re.I,
)
#: the first line of an iCalendar file: BEGIN:VCALENDAR, or a component such as BEGIN:VEVENT
_BEGIN = re.compile(rb"BEGIN:[A-Z][A-Z0-9-]*")
_OFFSET = re.compile(rb"((?i:TZOFFSET(?:FROM|TO))[^:]*:)([+-]?)(\d{4,6})")
_GUESSED = re.compile(r"Timezone '([^']*)' is a globally unique TZID; guessing it means '([^']*)'")
_NAME_START = re.compile(rb"[A-Za-z0-9-]+(;.*)?")
_BLOCK = re.compile(rb"^BEGIN:(VEVENT|VTIMEZONE)\r?$.*?^END:\1\r?$", re.M | re.S | re.I)
_SUMMARY = re.compile(rb"^SUMMARY[^:\r\n]*:([^\r\n]*)", re.M | re.I)
_NOT_PEOPLE = {"ROOM", "RESOURCE"}
#: properties whose damage makes the occurrences of an event unknowable
_RECURRENCE = {"RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID"}


def sniff(path: Path, head: bytes) -> bool:
    """``BEGIN:VCALENDAR`` (or a bare ``BEGIN:VEVENT``...) on the first line; not a vCard."""
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].strip().upper()
    return bool(_BEGIN.fullmatch(first)) and first != b"BEGIN:VCARD"


def run(
    store: Store,
    project: Project,
    path: Path,
    *,
    since: date | None = None,
    until: date | None = None,
    **_options: Any,
) -> ImportReport:
    report = ImportReport(str(path), "ics")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        contacts = _read(path, project, store, _window(project, since, until), report)
    for warning in caught:
        if not issubclass(warning.category, _FOR_DEVELOPERS):
            report.warn(library_warning(warning.message))
    save(store, project, report, contacts)
    return report


def _read(
    path: Path, project: Project, store: Store, window: tuple[date, date], report: ImportReport
) -> list[Contact]:
    """The contacts of every calendar in the file (problems are noted in ``report``)."""
    calendars = _parse(path, report)
    people = People(store, project)
    contacts = []
    for calendar in calendars:
        zone = _calendar_zone(calendar, people.zone)
        for uid, events in _series(calendar, report):
            for event in events:
                _check_zone(event, zone, report)
            contacts += _occurrences(uid, events, window, zone, project, people, report)
    return contacts


def library_warning(message: Warning | str) -> str:
    """A warning icalendar gave, as one line of the report (a guessed zone in words)."""
    text = str(message)
    guessed = _GUESSED.search(text)
    if guessed:
        return t("importers.calendar.zone_guessed", tzid=guessed[1], zone=guessed[2])
    return t("importers.library_warning", text=one_line(text, 200))


def _parse(path: Path, report: ImportReport) -> list[icalendar.Calendar]:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise BadFile(t("importers.refused.unreadable", reason=err.strerror or err)) from err
    data, notes = repaired(raw)
    error = None
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as err:
        calendars, error = _salvaged(data, report), err
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not any(c.subcomponents for c in calendars) and (notes or error):
        raise BadFile(_refusal(notes, error))  # mending left nothing to read
    if not calendars:
        raise BadFile(t("importers.calendar.cut_refused"))
    for _kind, note in notes:
        report.warn(note)
    return calendars


def _refusal(notes: list[tuple[str, str]], error: Exception | None) -> str:
    """Why a calendar with nothing readable left is refused: a line that is not iCalendar,
    else the file's being cut short, else the parse error, else the first repair."""
    first = dict(reversed(notes))
    if "line_dropped" in first:
        return t("importers.calendar.unreadable_fix", reason=first["line_dropped"])
    if "cut_short" in first:
        return t("importers.calendar.cut_refused")
    reason = one_line(str(error)) if error else notes[0][1]
    return t("importers.calendar.unreadable_fix", reason=reason)


def _salvaged(data: bytes, report: ImportReport) -> list[icalendar.Calendar]:
    """A calendar that icalendar cannot read as a whole, read one event (and one time
    zone) at a time: the broken ones are skipped in ``report``, the rest kept."""
    calendar = icalendar.Calendar()
    found = False
    for block in _BLOCK.finditer(data):
        wrapped = b"BEGIN:VCALENDAR\r\n" + block[0] + b"\r\nEND:VCALENDAR\r\n"
        try:
            parts = icalendar.Calendar.from_ical(wrapped).subcomponents
        except (ValueError, KeyError, IndexError, TypeError) as err:
            if block[1].upper() == b"VEVENT":
                summary = _SUMMARY.search(block[0])
                name = _shown(summary[1]) if summary else "-"
                item = t("importers.calendar.event", name=name)
                reason = t("importers.calendar.unreadable_event", reason=one_line(str(err)))
                report.skip(item, reason)
            continue
        for part in parts:
            calendar.add_component(part)
            found = True
    return [calendar] if found else []


def repaired(data: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    """The calendar with the damage real files show mended, and a note on each repair:
    components with no ``BEGIN:VCALENDAR`` around them, a missing ``END:VCALENDAR``, lines
    that are not ``NAME:value`` (dropped), UTC offsets of 24 hours or more (``+5328`` is read
    as +00:53:28, the old local mean time it stands for)."""
    text = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    lines = re.split(rb"\r\n|\n|\r(?!\n)", text)
    while lines and not lines[-1].strip():
        lines.pop()
    ended = bool(re.search(rb"^END:VCALENDAR\s*$", text, re.M | re.I))
    notes: list[tuple[str, str]] = []
    kept = []
    for number, line in enumerate(lines, start=1):
        if _not_a_content_line(lines, number - 1):
            cut = not ended and number == len(lines) and _NAME_START.fullmatch(line.strip())
            if not cut:  # a file cut short ends in a name: the note on the cut says it
                note = t("importers.calendar.line_dropped", line=number, text=_shown(line))
                notes.append(("line_dropped", note))
            continue
        kept.append(_offset_repaired(line, notes))
    if kept and kept[0].strip().upper() != b"BEGIN:VCALENDAR":
        kept = [b"BEGIN:VCALENDAR", b"VERSION:2.0", *kept, b"END:VCALENDAR"]
        notes.append(("wrapped", t("importers.calendar.wrapped")))
    opened = sum(line.strip().upper() == b"BEGIN:VCALENDAR" for line in kept)
    closed = sum(line.strip().upper() == b"END:VCALENDAR" for line in kept)
    if opened > closed:
        kept += [b"END:VCALENDAR"] * (opened - closed)
        notes.append(("cut_short", t("importers.calendar.cut_short")))
    return b"\r\n".join(kept) + b"\r\n", notes


def _not_a_content_line(lines: list[bytes], index: int) -> bool:
    """A line with no ``:`` that no folded line continues (blank lines between allowed)."""
    line = lines[index]
    if not line.strip() or line[:1] in (b" ", b"\t") or b":" in line:
        return False
    for following in range(index + 1, len(lines)):
        if lines[following].strip():
            return lines[following][:1] not in (b" ", b"\t")
    return True


def _offset_repaired(line: bytes, notes: list[tuple[str, str]]) -> bytes:
    found = _OFFSET.fullmatch(line.rstrip())
    if not found or int(found[3][:2]) < 24:
        return line
    digits = found[3]
    minutes, seconds = int(digits[:2]), int(digits[2:4])
    fixed = b"+0000"
    if len(digits) == 4 and minutes < 60 and seconds < 60:
        fixed = (found[2] or b"+") + b"00" + digits
    shown = _shown(fixed[:1] + b":".join([fixed[1:3], fixed[3:5], fixed[5:]]).rstrip(b":"))
    bad = _shown(found[2] + digits)
    notes.append(("offset", t("importers.calendar.offset_repaired", bad=bad, fixed=shown)))
    return found[1] + fixed


def _shown(data: bytes) -> str:
    return one_line(data.decode("utf-8", "replace"), 60)


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
    item = t("importers.calendar.event", name=_name(events[0]))
    try:
        found = _expanded(series, window)
    except Exception as err:  # the library raises many kinds on broken rules
        report.skip(item, t("importers.calendar.bad_rule", reason=err))
        return []
    if len(found) > MAX_OCCURRENCES:
        found = found[:MAX_OCCURRENCES]
        report.warn(t("importers.calendar.too_many", item=item, n=MAX_OCCURRENCES))
    if not found:
        report.outside_window += 1
    contacts = []
    for occurrence in found:
        contact = _contact(uid, occurrence, zone, project, people, report)
        if contact is not None:
            contacts.append(contact)
    return contacts


def _expanded(series: icalendar.Calendar, window: tuple[date, date]) -> list[icalendar.Event]:
    """The occurrences inside the window, at most ``MAX_OCCURRENCES`` + 1: the window is
    read in spans that grow while they hold few, so a rule that repeats every minute for
    years stops early instead of hanging the import."""
    query = recurring_ical_events.of(series)
    start, end = window
    span = timedelta(days=7)
    found: dict[tuple[str, bytes], icalendar.Event] = {}
    while start < end and len(found) <= MAX_OCCURRENCES:
        stop = min(start + span, end)
        chunk = query.between(start, stop)
        for occurrence in chunk:  # an occurrence across two spans is in both
            found.setdefault((str(occurrence.get("UID")), _start_key(occurrence)), occurrence)
        if len(chunk) < MAX_OCCURRENCES // 8:
            span *= 2
        start = stop
    return list(found.values())


def _start_key(event: icalendar.Event) -> bytes:
    start = event.get("DTSTART")
    return start.to_ical() + str(start.params.get("TZID", "")).encode()


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
