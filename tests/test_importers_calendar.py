"""Calendar import: time zones, recurrence, cancellations, video links, people, windows."""

import warnings
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from commlib import Project, Stakeholder
from commlib.i18n import t
from commlib.importers import import_files

from .test_importers import contacts, make_project, one, samples


@pytest.fixture
def crm(store):
    return make_project(store)


@pytest.fixture
def src(tmp_path):
    return samples(tmp_path)


def calendar(*events: str, head: str = "") -> str:
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{head}{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n")


def event(uid: str, start: str, summary: str = "Meeting", **props: str) -> str:
    lines = [f"UID:{uid}", start, f"SUMMARY:{summary}"]
    lines += [f"{name.replace('_', '-')}:{value}" for name, value in props.items()]
    if "ORGANIZER" not in props:
        lines.append("ORGANIZER;CN=Dev:mailto:dev@nimbus.com")
    if "ATTENDEE" not in props:
        lines.append("ATTENDEE;CN=Zhang;PARTSTAT=ACCEPTED:MAILTO:Zhang.Wei@HUACHEN.cn")
    return "\n".join(lines)


def imported(crm, src, text: str, name: str = "cal.ics", **options):
    path = src / name
    path.write_text(text, encoding="utf-8")
    return one(import_files(crm.store, path, "ERP", **options))


def test_time_zones_are_honoured_and_stored_in_utc(crm, src):
    text = calendar(
        event("ny", "DTSTART;TZID=America/New_York:20260310T100000", "New York"),
        event("sh", "DTSTART;TZID=Asia/Shanghai:20260310T100000", "Shanghai"),
        event("z", "DTSTART:20260310T100000Z", "UTC"),
    )
    report = imported(crm, src, text)
    assert (report.kind, report.added) == ("ics", 3)
    when = {c.subject: c.when for c in contacts(crm.store)}
    assert when == {
        "New York": datetime(2026, 3, 10, 14, 0, tzinfo=UTC),  # EDT from 8 March
        "Shanghai": datetime(2026, 3, 10, 2, 0, tzinfo=UTC),
        "UTC": datetime(2026, 3, 10, 10, 0, tzinfo=UTC),
    }


OUTLOOK_ZONE = """BEGIN:VTIMEZONE
TZID:China Standard Time
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0800
TZOFFSETTO:+0800
END:STANDARD
END:VTIMEZONE
BEGIN:VTIMEZONE
TZID:Custom Zone
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0300
TZOFFSETTO:+0300
END:STANDARD
END:VTIMEZONE
"""


def test_vtimezone_definitions_as_outlook_writes_them(crm, src):
    text = calendar(
        event("a", "DTSTART;TZID=China Standard Time:20260310T100000", "Outlook"),
        event("b", "DTSTART;TZID=Custom Zone:20260310T100000", "Custom"),
        head=OUTLOOK_ZONE,
    )
    imported(crm, src, text)
    when = {c.subject: c.when for c in contacts(crm.store)}
    assert when["Outlook"] == datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    assert when["Custom"] == datetime(2026, 3, 10, 7, 0, tzinfo=UTC)


def test_a_weekly_series_with_exdate_a_cancelled_and_a_moved_occurrence(crm, src):
    text = calendar(
        event(
            "weekly",
            "DTSTART;TZID=Asia/Shanghai:20260302T090000",
            "Weekly sync",
            DURATION="PT1H",
            RRULE="FREQ=WEEKLY;COUNT=6",
            EXDATE="20260309T010000Z",
        ),
        event(
            "weekly",
            "DTSTART;TZID=Asia/Shanghai:20260316T090000",
            "Weekly sync",
            STATUS="CANCELLED",
            **{"RECURRENCE-ID;TZID=Asia/Shanghai": "20260316T090000"},
        ),
        event(
            "weekly",
            "DTSTART;TZID=Asia/Shanghai:20260324T150000",
            "Weekly sync (moved)",
            **{"RECURRENCE-ID;TZID=Asia/Shanghai": "20260323T090000"},
        ),
    )
    report = imported(crm, src, text)
    assert report.added == 4
    assert [s.reason for s in report.skipped] == ["cancelled"]
    assert "2026-03-16 01:00 UTC" in report.skipped[0].item
    found = [(c.when, c.subject, c.source_id) for c in contacts(crm.store)]
    assert found == [
        (datetime(2026, 3, 2, 1, tzinfo=UTC), "Weekly sync", "weekly/2026-03-02T01:00:00+00:00"),
        (
            datetime(2026, 3, 24, 7, tzinfo=UTC),
            "Weekly sync (moved)",
            "weekly/2026-03-23T01:00:00+00:00",  # the recurrence id: its original start
        ),
        (datetime(2026, 3, 30, 1, tzinfo=UTC), "Weekly sync", "weekly/2026-03-30T01:00:00+00:00"),
        (datetime(2026, 4, 6, 1, tzinfo=UTC), "Weekly sync", "weekly/2026-04-06T01:00:00+00:00"),
    ]
    again = imported(crm, src, text)
    assert (again.added, again.duplicates) == (0, 4)


def test_a_cancelled_event_is_skipped(crm, src):
    text = calendar(
        event("c", "DTSTART:20260310T100000Z", "Called off", STATUS="CANCELLED"),
        event("k", "DTSTART:20260311T100000Z", "Kept", STATUS="CONFIRMED"),
    )
    report = imported(crm, src, text)
    assert report.added == 1 and report.skipped[0].reason == "cancelled"
    assert [c.subject for c in contacts(crm.store)] == ["Kept"]


def test_an_all_day_event_is_at_midnight_in_the_stakeholders_zone(crm, src):
    imported(crm, src, calendar(event("d", "DTSTART;VALUE=DATE:20260311", "Workshop day")))
    # two of the three stakeholders are in Asia/Shanghai
    assert contacts(crm.store)[0].when == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


def test_an_all_day_event_is_at_midnight_utc_when_no_zone_is_known(store, src):
    project = store.add(Project(name="ERP", client="x", start=date(2026, 1, 1), team=["n.com"]))
    store.add(Stakeholder(project_id=project.id, name="A", email="a@client.com"))
    text = calendar(
        event("d", "DTSTART;VALUE=DATE:20260311", ATTENDEE="mailto:a@client.com"),
        event("f", "DTSTART:20260312T100000", "Floating", ATTENDEE="mailto:a@client.com"),
    )
    (src / "c.ics").write_text(text)
    one(import_files(store, src, "ERP"))
    assert [c.when for c in store.records("contacts")] == [
        datetime(2026, 3, 11, tzinfo=UTC),
        datetime(2026, 3, 12, 10, tzinfo=UTC),
    ]


def test_floating_times_use_the_calendars_x_wr_timezone(crm, src):
    text = calendar(
        event("f", "DTSTART:20260312T100000", "Floating"),
        event("d", "DTSTART;VALUE=DATE:20260313", "All day"),
        head="X-WR-TIMEZONE:America/New_York\n",
    )
    imported(crm, src, text)
    when = {c.subject: c.when for c in contacts(crm.store)}
    assert when["Floating"] == datetime(2026, 3, 12, 14, tzinfo=UTC)
    assert when["All day"] == datetime(2026, 3, 12, 16, tzinfo=UTC)  # the stakeholders' zone


def test_an_unknown_zone_is_reported(crm, src):
    report = imported(crm, src, calendar(event("u", "DTSTART;TZID=Mars/Olympus:20260312T100000")))
    assert report.added == 1
    assert report.warnings == [
        "unknown time zone Mars/Olympus; its times were taken in Asia/Shanghai"
    ]


def test_video_links_make_video_contacts(crm, src):
    teams = (
        "Join the meeting\\n________________________________________________________________\\n"
        "Microsoft Teams meeting\\nJoin: https://teams.microsoft.com/l/meetup-join/19%3ameeting"
    )
    text = calendar(
        event("t", "DTSTART:20260310T010000Z", "Teams", DESCRIPTION=teams),
        event("q", "DTSTART:20260310T020000Z", "Tencent", LOCATION="腾讯会议：123 456 789"),
        event("z", "DTSTART:20260310T030000Z", "Zoom", URL="https://us02web.zoom.us/j/123"),
        event("m", "DTSTART:20260310T040000Z", "Room", LOCATION="Meeting room 3, Pudong"),
        event(
            "g",
            "DTSTART:20260310T050000Z",
            "Meet",
            X_GOOGLE_CONFERENCE="https://meet.google.com/abc",
        ),
    )
    imported(crm, src, text)
    channels = {c.subject: c.channel for c in contacts(crm.store)}
    assert channels == {
        "Teams": "video",
        "Tencent": "video",
        "Zoom": "video",
        "Room": "meeting",
        "Meet": "video",
    }
    teams_contact = next(c for c in contacts(crm.store) if c.subject == "Teams")
    assert teams_contact.summary == "Join the meeting"  # the join block is left out


def test_organizer_and_attendees_set_direction_and_stakeholders(crm, src):
    text = calendar(
        event("out", "DTSTART:20260310T010000Z", "Ours"),
        event(
            "in",
            "DTSTART:20260311T010000Z",
            "Theirs",
            ORGANIZER="mailto:BOB@client-us.com",
            ATTENDEE="mailto:x@partner.cn",
        )
        + "\nATTENDEE;PARTSTAT=DECLINED:mailto:li.na@huachen.cn"
        + "\nATTENDEE;CUTYPE=ROOM:mailto:room-12@huachen.cn"
        + "\nATTENDEE:mailto:new.cfo@huachen.cn",
        event("mine", "DTSTART:20260312T010000Z", "No organizer", ORGANIZER="x").replace(
            "\nORGANIZER:x", ""
        ),
    )
    report = imported(crm, src, text)
    found = {c.subject: (c.direction, c.stakeholder_ids) for c in contacts(crm.store)}
    assert found == {
        "Ours": ("outbound", [crm.zhang]),
        "Theirs": ("inbound", [crm.bob]),
        "No organizer": ("outbound", [crm.zhang]),
    }
    assert report.unknown_addresses == ["new.cfo@huachen.cn"]


def test_internal_and_private_events_are_unrelated(crm, src):
    text = calendar(
        event("i", "DTSTART:20260310T010000Z", "Team stand-up", ATTENDEE="mailto:x@partner.cn"),
        "UID:p\nDTSTART:20260310T020000Z\nSUMMARY:Dentist",
    )
    report = imported(crm, src, text)
    assert (report.added, report.unrelated) == (0, 2)


def test_the_window_defaults_to_the_project_and_can_be_set(crm, src):
    text = calendar(
        event("old", "DTSTART:20251201T010000Z", "Before the project"),
        event("daily", "DTSTART:20261229T010000Z", "Daily", RRULE="FREQ=DAILY"),
    )
    report = imported(crm, src, text)  # project: 2026-01-01 to 2026-12-31
    assert (report.added, report.outside_window) == (3, 1)
    assert contacts(crm.store)[-1].when == datetime(2026, 12, 31, 1, tzinfo=UTC)
    wider = imported(crm, src, text, since=date(2025, 11, 1), until=date(2027, 1, 2))
    assert (wider.added, wider.duplicates, wider.outside_window) == (3, 3, 0)


def test_without_a_project_end_the_window_ends_90_days_from_today(store, src):
    today = date.today()
    project = store.add(Project(name="ERP", client="x", start=today, team=["nimbus.com"]))
    store.add(Stakeholder(project_id=project.id, name="A", email="zhang.wei@huachen.cn"))
    start = f"DTSTART;VALUE=DATE:{today:%Y%m%d}"
    (src / "c.ics").write_text(calendar(event("d", start, RRULE="FREQ=DAILY")))
    report = one(import_files(store, src, "ERP"))
    assert report.added == 91


def test_broken_events_are_skipped_with_the_reason_and_the_rest_imports(crm, src):
    text = calendar(
        event("bad-start", "DTSTART:tomorrow-ish", "Bad start"),
        event("no-start", "DTEND:20260310T010000Z", "No start"),
        event("bad-rule", "DTSTART:20260310T010000Z", "Bad rule", RRULE="FREQ=SOMETIMES"),
        event("good", "DTSTART:20260310T010000Z", "Good"),
    )
    report = imported(crm, src, text)
    assert report.ok and report.added == 1
    reasons = {s.item: s.reason for s in report.skipped}
    assert "start time cannot be read" in reasons["event “Bad start”"]
    assert "no start time" in reasons["event “No start”"]
    assert "recurrence cannot be expanded" in reasons["event “Bad rule”"]


def test_an_unreadable_or_cut_calendar_is_refused(crm, src):
    whole = calendar(event("a", "DTSTART:20260310T010000Z"))
    report = imported(crm, src, whole[: len(whole) // 2], name="cut.ics")
    assert not report.ok and "cut short" in report.refused
    report = imported(crm, src, "BEGIN:VCALENDAR\r\n\x00\x01garbage\r\n", name="junk.ics")
    assert not report.ok and report.refused
    assert contacts(crm.store) == []


def test_events_without_uid_still_deduplicate(crm, src):
    text = calendar(event("", "DTSTART:20260310T010000Z", "No uid").replace("UID:\n", ""))
    first = imported(crm, src, text)
    again = imported(crm, src, text)
    assert (first.added, again.duplicates) == (1, 1)
    assert contacts(crm.store)[0].source == "calendar"


# --- calendars as real tools write them (fixtures in tests/data/mail13) --------------------

DATA = Path(__file__).parent / "data" / "mail13"


def from_data(crm, name: str):
    report = one(import_files(crm.store, DATA / name, "ERP"))
    assert report.ok, report.refused
    return report


def test_events_with_no_vcalendar_around_them_are_a_calendar(crm):
    report = from_data(crm, "bare_events.ics")
    assert (report.kind, report.added) == ("ics", 2)
    assert report.warnings == [t("importers.calendar.wrapped")]


def test_an_impossible_utc_offset_is_repaired_and_the_rest_of_the_zone_kept(crm):
    report = from_data(crm, "bad_offset.ics")
    assert report.added == 1
    assert contacts(crm.store)[0].when == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # CET
    assert report.warnings == [
        t("importers.calendar.offset_repaired", bad="+5328", fixed="+00:53:28")
    ]


def test_a_guessed_time_zone_is_a_warning_in_the_report_not_on_stderr(crm, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # what a user's session may have set
        report = from_data(crm, "guessed_zone.ics")
    assert contacts(crm.store)[0].when == datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    tzid = "/example.org/20260101_1/Asia/Shanghai"
    assert report.warnings == [
        t("importers.calendar.zone_guessed", tzid=tzid, zone="Asia/Shanghai")
    ]
    assert capsys.readouterr().err == ""


def test_one_unreadable_event_is_skipped_and_the_others_kept(crm):
    report = from_data(crm, "damaged.ics")
    assert sorted(c.subject for c in contacts(crm.store)) == ["Also kept", "Kept"]
    assert [s.item for s in report.skipped] == [t("importers.calendar.event", name="Broken")]
    assert t("importers.calendar.cut_short") in report.warnings
    assert any("“X”" in w for w in report.warnings)


def test_a_vcard_is_not_taken_for_a_calendar(crm, src):
    path = src / "card.ics"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zhang Wei\r\nEND:VCARD\r\n")
    report = one(import_files(crm.store, path, "ERP"))
    assert report.kind != "ics" and not report.ok


def test_a_refused_calendar_says_what_was_expected_and_how_to_fix_it(crm, src):
    broken = calendar(event("a", "DTSTART:20260310T010000Z").replace("UID", "END:VTODO\nUID"))
    report = imported(crm, src, broken)
    assert not report.ok
    assert "NAME:value" in report.refused and "export it again" in report.refused
    cut = imported(crm, src, broken[:40], name="cut.ics")
    assert "cut short" in cut.refused and "export it again" in cut.refused
    assert "\n" not in report.refused + cut.refused


def test_a_rule_repeating_too_often_is_cut_with_a_warning(crm, src, monkeypatch):
    monkeypatch.setattr("commlib.importers.calendar.MAX_OCCURRENCES", 50)
    text = calendar(event("often", "DTSTART:20260301T000000Z", "Pulse", RRULE="FREQ=MINUTELY"))
    report = imported(crm, src, text, since=date(2026, 3, 1), until=date(2026, 3, 31))
    assert report.added == 50
    item = t("importers.calendar.event", name="Pulse")
    assert report.warnings == [t("importers.calendar.too_many", item=item, n=50)]
