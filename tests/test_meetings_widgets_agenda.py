"""The agenda editor, driven like a person would: type, click, read what it shows."""

import html

import pytest

from commlib.forms import set_screen_audience
from commlib.meetings.invite import invite
from commlib.meetings.widgets import AgendaEditor

from .test_meetings_agenda import TODAY, P, meeting_project


@pytest.fixture
def editor(store):
    meeting_project(store)
    return AgendaEditor(store, P, today=TODAY, duration=60)


def shown_titles(editor):
    return [row.title.value for row in editor.rows]


def test_it_shows_the_agenda_with_the_running_total(editor):
    titles = shown_titles(editor)
    assert titles[0] == "Welcome and the purpose of the meeting"
    assert titles[1] == "Send the migration plan"
    assert titles[-1] == "Any other business and next steps"
    assert len(editor.rows) == 17
    assert "Total: 60 of 60 min" in editor.total.value and "fits the meeting" in editor.total.value
    assert "Follow-ups due · 王芳 · overdue by 3 days" in editor.rows[1].about.value
    assert editor.rows[0].up.disabled and editor.rows[-1].down.disabled


def test_changing_minutes_and_titles(editor):
    row = editor.rows[1]
    row.minutes.value += 10
    assert "Total: 70 of 60 min" in editor.total.value and "10 min over" in editor.total.value
    assert "#c62828" in editor.total.value
    row.title.value = "Send the migration plan (v2)"
    assert editor.agenda.items[1].title == "Send the migration plan (v2)"
    assert editor.agenda.items[1].record_id == 1  # still the follow-up
    before = editor.rows[2].minutes.value
    editor.rows[2].minutes.value = 0
    assert editor.agenda.total == 70 - before and editor.agenda.items[2].minutes == 0
    assert f"Total: {70 - before} of 60 min" in editor.total.value


def test_a_blank_title_is_not_taken(editor):
    editor.rows[1].title.value = "   "
    assert "An item needs a title" in editor.status.value
    assert editor.agenda.items[1].title == "Send the migration plan"


def test_moving_items_up_and_down(editor):
    editor.rows[2].up.click()
    assert shown_titles(editor)[1:3] == ["Check the vendor's quote", "Send the migration plan"]
    editor.rows[1].down.click()
    assert shown_titles(editor)[1:3] == ["Send the migration plan", "Check the vendor's quote"]
    editor.rows[0].up.click()  # the first cannot go higher
    assert shown_titles(editor)[0] == "Welcome and the purpose of the meeting"
    assert [row.number.value for row in editor.rows[:2]] == ["<b>1.</b>", "<b>2.</b>"]


def test_dropping_an_item_and_taking_it_back(editor):
    minutes = editor.rows[1].minutes.value
    editor.rows[1].drop.click()
    assert "Send the migration plan" not in shown_titles(editor)
    assert f"{minutes} min left" in editor.total.value
    assert "Took “Send the migration plan” off the agenda." in editor.status.value
    editor.undo.button.click()
    assert shown_titles(editor)[1] == "Send the migration plan"
    assert "fits the meeting" in editor.total.value


def test_adding_a_free_item_before_any_other_business(editor):
    editor.add_button.click()
    assert "Type the new item's title first." in html.unescape(editor.status.value)
    editor.new_title.value = "Welcome the new CFO"
    editor.new_minutes.value = 4
    editor.add_button.click()
    titles = shown_titles(editor)
    assert titles[-2:] == ["Welcome the new CFO", "Any other business and next steps"]
    assert editor.new_title.value == ""
    assert "Total: 64 of 60 min" in editor.total.value
    item = editor.agenda.items[-2]
    assert (item.section, item.minutes, item.record_id) == ("other", 4, None)


def test_fit_scales_everything_to_the_meeting(editor):
    editor.rows[1].minutes.value = 30
    editor.duration.value = 90
    assert "Total: " in editor.total.value and "of 90 min" in editor.total.value
    editor.fit_button.click()
    assert editor.agenda.total == 90 and "fits the meeting" in editor.total.value
    assert editor.agenda.duration == 90
    assert editor.rows[1].minutes.value == max(row.minutes.value for row in editor.rows)


def test_rebuild_starts_again_from_the_store(editor):
    editor.rows[1].title.value = "Edited"
    editor.rows[3].drop.click()
    editor.rebuild_button.click()
    assert shown_titles(editor)[1] == "Send the migration plan" and len(editor.rows) == 17


def test_a_client_screen_hides_internal_records(store, editor):
    set_screen_audience(store, editor.project_id, "client")
    titles = shown_titles(editor)
    assert "Check the vendor's quote" not in titles and "Budget cut" not in titles
    assert editor.badge.layout.display is None
    assert editor.agenda.audience == "client"
    assert all(i.visibility == "client" for i in editor.agenda.items)
    set_screen_audience(store, editor.project_id, "internal")
    assert "Check the vendor's quote" in shown_titles(editor)


def test_labels_in_chinese(store):
    meeting_project(store)
    editor = AgendaEditor(store, P, lang="zh", today=TODAY)
    assert "议程" in editor.children[0].children[0].value
    assert "合计：60 / 60 分钟" in editor.total.value
    assert editor.add_button.description == "添加议题"
    assert "已逾期 3 天" in editor.rows[1].about.value


def test_the_edited_agenda_goes_in_the_invitation(editor, store):
    editor.rows[1].title.value = "Migration plan: what is still missing"
    editor.new_title.value = "Welcome the new CFO"
    editor.add_button.click()
    m = invite(store, P, "2026-10-08T21:00+08:00", agenda=editor.agenda)
    assert m.agenda[1].startswith("2. Follow-ups due: Migration plan: what is still missing")
    assert any("Welcome the new CFO" in line for line in m.agenda)
    assert not any("Check the vendor's quote" in line for line in m.agenda)
