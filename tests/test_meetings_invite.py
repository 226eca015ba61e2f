"""The invitation: the meeting kept in the store, and its .ics read back as a calendar would."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events
from click.testing import CliRunner

from commlib import Conflict, InvalidRecord, NotFound, Project, Stakeholder, Store
from commlib.cli import cli
from commlib.meetings.agenda import AgendaItem, agenda
from commlib.meetings.invite import PRODID, ics, invite, invitees, start_of, write_invitation

from .test_meetings_agenda import SENTINEL, TODAY, P, meeting_project

AT = "2026-10-08T21:00+08:00"


@pytest.fixture
def project(store):
    return meeting_project(store)


def parsed(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between(
        datetime(2025, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    )
    assert len(events) == 1
    return calendar, events[0]


def attendees(event) -> dict[str, dict[str, str]]:
    found = event.get("attendee", [])
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:"): dict(a.params) for a in found}


def meetings(store) -> int:
    return len(store.records("meetings", P))


def test_the_event_is_at_the_right_moment_in_its_zone(store, project):
    m = invite(store, P, AT, today=TODAY)
    assert m.start == datetime(2026, 10, 8, 13, 0, tzinfo=UTC)
    assert (m.timezone, m.duration_min, m.status, m.sequence) == ("Asia/Shanghai", 60, "planned", 0)
    data = ics(store, m)
    calendar, event = parsed(data)
    assert event["DTSTART"].dt.astimezone(UTC) == datetime(2026, 10, 8, 13, 0, tzinfo=UTC)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=60)
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == PRODID
    text = data.decode()
    assert "DTSTART;TZID=Asia/Shanghai:20261008T210000" in text
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert "DTSTAMP:" in text


def test_organizer_and_attendees(store, project):
    # the default attendees: power and interest 4 or more (张伟, Li Na); Li Na has no address
    m = invite(store, P, AT, today=TODAY)
    assert [p.name for p in invitees(store, m)] == ["张伟", "Li Na"]
    _, event = parsed(ics(store, m))
    assert str(event["ORGANIZER"]) == "mailto:lead@nimbus-consulting.com"
    found = attendees(event)
    assert list(found) == ["zhang.wei@huachen.cn"]
    assert {
        "CN": "张伟", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"
    }.items() <= found["zhang.wei@huachen.cn"].items()  # fmt: skip
    assert "Li Na" in str(event["DESCRIPTION"])
    other = ics(store, m, organizer="pm@nimbus-consulting.com")
    assert str(parsed(other)[1]["ORGANIZER"]) == "mailto:pm@nimbus-consulting.com"


def test_attendees_by_name_whatever_the_case(store, project):
    m = invite(store, P, AT, attendees=["bob smith", " 张伟 ", "BOB SMITH"], today=TODAY)
    assert [p.name for p in invitees(store, m)] == ["Bob Smith", "张伟"]
    assert list(attendees(parsed(ics(store, m))[1])) == [
        "bob@example.co.uk",
        "zhang.wei@huachen.cn",
    ]


def test_without_anyone_to_manage_closely_everybody_is_invited(store):
    p = store.add(Project(name="Quiet", client="C", start=TODAY, team=["a@b.example"]))
    store.add_all(
        [
            Stakeholder(project_id=p.id, name="One", email="one@c.example", power=2),
            Stakeholder(project_id=p.id, name="Two", email="two@c.example", interest=2),
        ]
    )
    m = invite(store, "Quiet", "2026-10-08T09:00Z", today=TODAY)
    assert [p.name for p in invitees(store, m)] == ["One", "Two"]
    assert m.timezone == "UTC"
    assert "DTSTART:20261008T090000Z" in ics(store, m).decode()


def test_the_summary_is_bilingual_and_the_description_is_the_clients_agenda(store, project):
    m = invite(store, P, AT, today=TODAY)
    assert m.title == "项目周会 / Project weekly meeting — Atlas 迁移"
    _, event = parsed(ics(store, m))
    summary = str(event["SUMMARY"])
    assert "项目周会" in summary and "Project weekly meeting" in summary and P in summary
    description = str(event["DESCRIPTION"])
    assert description.startswith("Agenda — Atlas 迁移 (60 min)\n1. Opening: ")
    assert "Follow-ups due: Send the migration plan (王芳; overdue by 3 days)" in description
    assert "Check the vendor's quote" not in description  # internal: not in the invitation
    assert "Budget cut" not in description and SENTINEL not in description
    assert m.agenda == agenda(store, P, today=TODAY, audience="client", lang="en").item_lines()
    assert m.visibility == "client"


def test_an_update_keeps_the_uid_and_raises_the_sequence(store, project):
    first = invite(store, P, AT, attendees=["张伟"], title="Steering", duration=45, today=TODAY)
    assert first.uid.endswith("@commlib") and len(first.uid) == 36 + len("@commlib")
    moved = invite(store, P, "2026-10-09T10:00", tz="Asia/Shanghai", meeting=first.id)
    again = invite(store, P, meeting=first.id, duration=90)
    assert meetings(store) == 1
    assert (moved.uid, moved.sequence, again.uid, again.sequence) == (first.uid, 1, first.uid, 2)
    # what the update leaves out stays as it was
    assert (again.title, again.stakeholder_ids, again.duration_min) == (
        "Steering", first.stakeholder_ids, 90
    )  # fmt: skip
    assert again.start == datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
    _, event = parsed(ics(store, again))
    assert str(event["UID"]) == first.uid and event["SEQUENCE"] == 2
    assert event["DTSTART"].dt.astimezone(UTC) == datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
    history = store.history(P)
    moves = history[(history["record_kind"] == "meetings") & (history["field"] == "sequence")]
    assert list(moves["new"]) == ["1", "2"]


@pytest.mark.parametrize(
    ("at", "utc"),
    [
        ("2026-03-30T10:00", datetime(2026, 3, 30, 9, 0, tzinfo=UTC)),  # the day after BST starts
        ("2026-10-26T10:00", datetime(2026, 10, 26, 10, 0, tzinfo=UTC)),  # the day after it ends
        ("2026-03-28T10:00", datetime(2026, 3, 28, 10, 0, tzinfo=UTC)),  # the day before
    ],
)
def test_london_across_the_clock_change(store, project, at, utc):
    m = invite(store, P, at, tz="Europe/London", attendees=["Bob Smith"], today=TODAY)
    assert m.start == utc and m.timezone == "Europe/London"
    calendar, event = parsed(ics(store, m))
    assert event["DTSTART"].dt.astimezone(UTC) == utc
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    (zone,) = calendar.walk("VTIMEZONE")
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_an_offset_is_read_as_an_attendees_zone(store, project):
    # +01:00 on 8 October is London's summer time: Bob's zone
    m = invite(store, P, "2026-10-08T14:00+01:00", attendees=["Bob Smith"], today=TODAY)
    assert m.timezone == "Europe/London"
    # an offset nobody has: a fixed zone
    assert start_of("2026-10-08T14:00+03:00").tzinfo.key == "Etc/GMT-3"


def test_an_edited_agenda_goes_in_client_part_only(store, project):
    edited = agenda(store, P, today=TODAY)
    edited.items.insert(1, AgendaItem("other", "Welcome the new CFO", 5))
    m = invite(store, P, AT, agenda=edited)
    assert m.agenda[1].startswith("2. Other items: Welcome the new CFO")
    assert not any("Check the vendor's quote" in line for line in m.agenda)


def test_a_cancelled_meeting_cancels_in_the_calendar(store, project):
    m = invite(store, P, AT, today=TODAY)
    gone = store.update("meetings", m.id, status="cancelled", sequence=m.sequence + 1)
    calendar = icalendar.Calendar.from_ical(ics(store, gone))
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


# --- refusals: a clear message, nothing written ------------------------------------------


def test_no_organiser_is_refused(store):
    meeting_project(store, team=("nimbus-consulting.com",))
    with pytest.raises(InvalidRecord, match="no e-mail address to send the invitation from"):
        invite(store, P, AT, today=TODAY)
    assert meetings(store) == 0
    assert invite(store, P, AT, organizer="pm@nimbus-consulting.com", today=TODAY).id == 1
    with pytest.raises(InvalidRecord, match="not an e-mail address"):
        invite(store, P, AT, organizer="nimbus-consulting.com")


@pytest.mark.parametrize(
    ("at", "tz", "says"),
    [
        ("2026-10-08T21:00", None, "has no time zone"),
        ("next Thursday", None, "not a date and time"),
        ("2026-03-29T01:30", "Europe/London", "does not exist in Europe/London"),
        ("2026-10-08T21:00", "Asia/Beijing", "unknown time zone"),
        ("2026-10-08T21:00+05:45", None, "give the zone"),
    ],
)
def test_a_start_that_cannot_be_told_is_refused(store, project, at, tz, says):
    with pytest.raises(InvalidRecord, match=says):
        invite(store, P, at, tz=tz, today=TODAY)
    assert meetings(store) == 0


def test_an_unknown_attendee_is_refused_naming_the_known_ones(store, project):
    with pytest.raises(NotFound) as err:
        invite(store, P, AT, attendees=["张伟", "Wang Fang"], today=TODAY)
    assert "'Wang Fang'" in str(err.value) and "张伟, Li Na, Bob Smith" in str(err.value)
    assert meetings(store) == 0


def test_a_held_meeting_cannot_be_updated(store, project):
    m = invite(store, P, AT, today=TODAY)
    store.update("meetings", m.id, status="held")
    with pytest.raises(Conflict, match="is no longer planned"):
        invite(store, P, "2026-10-09T21:00+08:00", meeting=m.id)
    assert store.get("meetings", m.id).sequence == 0
    other = store.add(Project(name="Other", client="C", start=TODAY, team=["x@y.example"]))
    store.add(Stakeholder(project_id=other.id, name="Z"))
    with pytest.raises(NotFound, match="not in project 'Other'"):
        invite(store, "Other", AT, meeting=m.id)


def test_a_file_that_cannot_be_written_keeps_nothing(store, project, tmp_path):
    from commlib import BadFile

    with pytest.raises(BadFile, match="Cannot write the invitation"):
        write_invitation(store, P, tmp_path / "missing" / "m.ics", AT, today=TODAY)
    assert meetings(store) == 0


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "cli.db"
    meeting_project(Store(db))

    def invoke(*args):
        return CliRunner().invoke(
            cli, ["--db", str(db), "--lang", "en", "meeting", "invite", "--project", P, *args],
            catch_exceptions=False,
        )  # fmt: skip

    invoke.db = db
    return invoke


def test_cli_writes_the_invitation(run, tmp_path):
    out = tmp_path / "meeting.ics"
    result = run("--at", AT, "--attendees", "张伟,li na", "-o", str(out), "--today", "2026-10-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Invitation written to {out}: 项目周会 / Project weekly meeting")
    assert "2026-10-08 21:00 Asia/Shanghai (13:00 UTC), 60 min, 2 attendees; meeting #1" in lines[0]
    assert lines[1] == (
        "Left out of the invitation's attendees (no e-mail address), named in its description "
        "instead: Li Na"
    )
    _, event = parsed(out.read_bytes())
    assert list(attendees(event)) == ["zhang.wei@huachen.cn"]
    update = run("--meeting", "1", "--title", "Steering", "--duration", "30", "-o", str(out))
    assert update.exit_code == 0 and "version 1" in update.output
    _, event = parsed(out.read_bytes())
    assert (event["SEQUENCE"], str(event["SUMMARY"])) == (1, "Steering")
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--at", "2026-10-08T21:00"], "has no time zone: add the offset"),
        (["--at", AT, "--attendees", "Nobody"], "No stakeholder called 'Nobody'"),
        (["--at", AT, "--organizer", "not-an-address"], "not an e-mail address"),
        (["--at", AT, "--meeting", "7"], "7"),
        ([], "a new meeting needs its start"),
    ],
)
def test_cli_refusals_are_one_line_and_write_nothing(run, tmp_path, args, says):
    out = tmp_path / "meeting.ics"
    result = run(*args, "-o", str(out))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert says in result.output and "Traceback" not in result.output
    assert not out.exists() and len(Store(run.db).records("meetings", P)) == 0


def test_cli_refuses_a_project_without_an_organiser(tmp_path):
    db = tmp_path / "none.db"
    meeting_project(Store(db), team=("nimbus-consulting.com",))
    out = tmp_path / "m.ics"
    result = CliRunner().invoke(
        cli, ["--db", str(db), "meeting", "invite", "--project", P, "--at", AT, "-o", str(out)]
    )
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "--organizer" in result.output and not out.exists()


def test_cli_refuses_to_update_a_held_meeting(run, tmp_path):
    out = tmp_path / "m.ics"
    assert run("--at", AT, "-o", str(out)).exit_code == 0
    store = Store(run.db)
    store.update("meetings", 1, status="held")
    store.close()
    before = out.read_bytes()
    result = run("--meeting", "1", "--at", "2026-10-09T21:00+08:00", "-o", str(out))
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "no longer planned (Held)" in result.output
    assert out.read_bytes() == before and Store(run.db).get("meetings", 1).sequence == 0
