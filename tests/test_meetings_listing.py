"""The meetings at a glance (``commlib.meetings.listing``) and ``commlib meeting list``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from commlib import Contact, Meeting, Project, Stakeholder
from commlib.cli import cli
from commlib.i18n import language
from commlib.meetings.listing import meeting_list


@pytest.fixture
def planned(store):
    p = store.add(Project(name="Atlas", client="Northwind", start=date(2026, 1, 5), language="en"))
    ann = store.add(Stakeholder(project_id=p.id, name="Ann Lee", visibility="client"))
    bob = store.add(Stakeholder(project_id=p.id, name="Bob Hidden"))
    contact = store.add(
        Contact(project_id=p.id, when=datetime(2026, 3, 2, 1, 0, tzinfo=UTC), subject="Weekly")
    )
    common = {"project_id": p.id, "stakeholder_ids": [ann.id, bob.id], "visibility": "client"}
    store.add_all(
        [
            Meeting(
                **common,
                title="Weekly",
                start=datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
                timezone="Asia/Shanghai",
                status="held",
                contact_id=contact.id,
                minutes_sent_on=date(2026, 3, 2),
                confirmed_by="Ann Lee",
                confirmed_on=date(2026, 3, 3),
                confirmed_channel="email",
            ),
            Meeting(
                **common,
                title="Steering",
                start=datetime(2026, 3, 9, 13, 0, tzinfo=UTC),
                timezone="Europe/London",
                duration_min=90,
            ),
            Meeting(
                project_id=p.id,
                title="Team prep",
                start=datetime(2026, 3, 8, 9, 0, tzinfo=UTC),
                notes="INTERNAL",
            ),
        ]
    )
    return store


def test_the_latest_first_on_their_own_clocks(planned):
    with language("en"):
        found = meeting_list(planned, "Atlas")
    assert list(found["title"]) == ["Steering", "Team prep", "Weekly"]
    steering, prep, weekly = found.to_dict("records")
    assert steering["starts"] == "2026-03-09 13:00 Europe/London" and steering["duration_min"] == 90
    assert weekly["starts"] == "2026-03-02 09:00 Asia/Shanghai"
    assert weekly["minutes"] == "confirmed by Ann Lee on 2026-03-03"
    assert steering["attendees"] == "Ann Lee, Bob Hidden" and steering["minutes"] == ""
    assert prep["meeting_no"] == "#3" and prep["starts"].endswith("UTC")


def test_a_client_sees_client_meetings_and_client_people(planned):
    found = meeting_list(planned, "Atlas", audience="client")
    assert list(found["title"]) == ["Steering", "Weekly"]
    assert set(found["attendees"]) == {"Ann Lee"}


def test_the_command_line_lists_them(planned, store_url):
    runner = CliRunner()
    db = store_url
    result = runner.invoke(
        cli, ["--db", db, "--lang", "zh", "meeting", "list", "--project", "Atlas"]
    )
    assert result.exit_code == 0, result.output
    first, *lines = result.output.splitlines()
    assert "会议编号" in first and "会议纪要" in first
    assert lines[0].startswith("#2") and "已计划" in lines[0]
    assert "Ann Lee 已于 2026-03-03 确认" in lines[-1]
    as_json = runner.invoke(cli, ["--db", db, "meeting", "list", "--project", "Atlas", "--json"])
    records = json.loads(as_json.output)
    assert [r["meeting_no"] for r in records] == ["#2", "#3", "#1"]
    unknown = runner.invoke(cli, ["--db", db, "meeting", "list", "--project", "Nope"])
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1
