"""The culture brief (``commlib.meetings.brief``): language, time zone, hours, the coming
holidays, preferred channel and form of address; etiquette only for the team."""

from __future__ import annotations

from datetime import date

import pytest

from commlib import Project, Stakeholder
from commlib.display import to_html
from commlib.meetings.brief import culture_brief


@pytest.fixture
def people(store):
    p = store.add(Project(name="Brief", client="ACME", start=date(2026, 1, 5)))
    store.add_all(
        [
            Stakeholder(
                project_id=p.id,
                name="王建国",
                address_as="王总",
                timezone="Asia/Shanghai",
                language="zh",
                preferred_channel="im",
                etiquette="INTERNAL 不喜欢被直接反驳",
                visibility="client",
            ),
            Stakeholder(
                project_id=p.id,
                name="Mary Jones",
                address_as="Dr. Jones",
                timezone="Europe/London",
                lunch="none",
                visibility="client",
            ),
            Stakeholder(
                project_id=p.id,
                name="Bob Smith",
                timezone="America/New_York",
                work_hours="08:00-17:00",
            ),
        ]
    )
    return store, p


def test_each_stakeholder_with_their_hours_zone_and_holidays(people):
    store, p = people
    brief = culture_brief(store.frame("stakeholders", p.id), today=date(2026, 9, 24), lang="zh")
    wang, mary, bob = brief.to_dict("records")
    assert (wang["address_as"], wang["language"], wang["preferred_channel"]) == ("王总", "zh", "im")
    assert wang["timezone"] == "Asia/Shanghai (UTC+8)"
    assert wang["work_hours"] == "09:00–18:00（午休 12:00–13:30）"
    # the Mid-Autumn festival, then National Day with its days off in lieu as one run
    assert wang["next_holidays"] == "09-25 中秋节; 10-01–10-07 国庆节"
    assert wang["etiquette"] == "INTERNAL 不喜欢被直接反驳"
    assert mary["timezone"] == "Europe/London (UTC+1)" and mary["work_hours"] == "09:00–18:00"
    assert mary["next_holidays"] == "未来两个月没有"
    assert bob["timezone"] == "America/New_York (UTC-4)"
    assert bob["next_holidays"].startswith("10-12 Columbus Day")


def test_the_offset_is_todays(people):
    store, p = people
    brief = culture_brief(store.frame("stakeholders", p.id), today=date(2026, 12, 8), lang="en")
    assert list(brief["timezone"]) == [
        "Asia/Shanghai (UTC+8)",
        "Europe/London (UTC+0)",
        "America/New_York (UTC-5)",
    ]
    assert brief["work_hours"][0] == "09:00–18:00 (lunch 12:00–13:30)"


def test_the_clients_brief_has_no_etiquette_notes(people):
    store, p = people
    frame = store.frame("stakeholders", p.id, audience="client")
    brief = culture_brief(frame, today=date(2026, 9, 24), lang="en")
    assert list(brief["name"]) == ["王建国", "Mary Jones"]  # client-visible ones only
    assert "etiquette" not in brief.columns
    html = to_html(brief, "en", audience="client")
    assert "INTERNAL" not in html and "Form of address" in html and "Coming public holidays" in html
