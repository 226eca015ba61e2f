"""The minutes widget, driven like a person would in the meeting: pick the planned meeting,
add who attended, a row per decision, follow-up and issue (one click each, Enter moves on),
save, write the e-mail, undo; problems under the field they concern."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import ipywidgets as w
import pytest

from commlib import InvalidRecord, Issue, Meeting, Problem, Stakeholder
from commlib.forms import set_screen_audience
from commlib.meetings.minutes import read_minutes
from commlib.meetings.widgets import MeetingMinutes

P = "华辰 ERP 升级"
KINDS = ("contacts", "decisions", "follow_ups", "issues", "meetings")


@pytest.fixture(autouse=True)
def shanghai(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def counts(store):
    return {kind: len(store.records(kind, P)) for kind in KINDS}


def shown(widget) -> str:
    found = []

    def walk(node):
        if getattr(getattr(node, "layout", None), "display", None) == "none":
            return  # hidden: not on the screen
        for attr in ("value", "description", "placeholder", "tooltip"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                found.append(value)
        found.extend(str(o) for o in getattr(node, "_options_labels", ()))
        for child in getattr(node, "children", ()):
            walk(child)

    walk(widget)
    return "\n".join(found)


def press_enter(box: w.Widget) -> None:
    """What the browser sends when Enter is pressed in a text box."""
    box._handle_custom_msg({"event": "submit"}, [])


@pytest.fixture
def planned(filled):
    people = {s.name: s.id for s in filled.records("stakeholders", P)}
    return filled.add(
        Meeting(
            project_id=filled.project(P).id,
            title="需求评审",
            start=datetime(2026, 3, 12, 6, 0, tzinfo=UTC),  # 14:00 in Shanghai
            timezone="Asia/Shanghai",
            stakeholder_ids=[people["张伟"]],
            uid="review@commlib",
            visibility="client",
        )
    )


@pytest.fixture
def minutes(filled, tmp_path):
    return MeetingMinutes(filled, P, folder=tmp_path)


def fill_in(widget, *, decided=True):
    widget.form["team"].input.value = "王芳、Li Lei"
    widget.form["summary"].input.value = "客户同意分批上线。"
    widget.form["notes"].input.value = "张伟对预算很敏感 INTERNAL-NOTE"
    if decided:
        row = widget.add_row("decisions")
        row.form["title"].input.value = "采用分批上线"
        row.form["decided_by"].input.value = "张伟"
    row = widget.add_row("follow_ups")
    row.form["title"].input.value = "发送迁移方案"
    row.form["owner"].input.value = "王芳"
    row.form["due"].set(date(2026, 3, 20))
    row = widget.add_row("issues")
    row.form["title"].input.value = "主数据质量不达标"
    row.form["severity"].input.value = 4
    row.form["owner"].input.value = "王芳"


# --- what it shows --------------------------------------------------------------------------


def test_it_speaks_the_projects_language_and_offers_the_planned_meetings(minutes, planned):
    minutes.refresh()
    text = shown(minutes)
    for expected in ("会议纪要", "客户方参会人", "我方参会人", "摘要（发给客户）", "决策", "保存"):
        assert expected in text, expected
    assert minutes.chooser.options == (
        ("—— 未计划的会议 ——", 0),
        ("2026-03-12 14:00 · 需求评审", planned.id),
    )
    assert minutes.people.options == ["张伟 · CIO", "Li Na"]
    assert minutes.email_button.disabled
    english = MeetingMinutes(minutes.store, P, lang="en")
    assert "Attended (our team)" in shown(english) and "保存" not in shown(english)


def test_a_planned_meeting_prefills_the_form(filled, planned):
    widget = MeetingMinutes(filled, P, meeting=planned.id)
    assert widget.chooser.value == planned.id
    assert widget.form["title"].input.value == "需求评审"
    assert widget.form["start"].input.value == "2026-03-12 14:00"  # local time
    assert widget.people.value == ["张伟 · CIO"]
    held = filled.records("meetings", P)[0]  # the fixture's: it has its minutes
    refused = MeetingMinutes(filled, P, meeting=held.id)
    assert refused.chooser.value == 0
    assert "已召开" in refused.form["meeting_id"].message


# --- saving -----------------------------------------------------------------------------------


def test_one_save_writes_the_minutes_of_the_planned_meeting(filled, planned, tmp_path):
    widget = MeetingMinutes(filled, P, meeting=planned, folder=tmp_path)
    widget.people.box.value = "Li Na"  # typed in full: added at once
    fill_in(widget)
    before = counts(filled)
    assert widget.save() is True, (widget.status.message, widget.form.errors())
    after = counts(filled)
    assert {k: after[k] - before[k] for k in KINDS} == {
        "contacts": 1,
        "decisions": 1,
        "follow_ups": 1,
        "issues": 1,
        "meetings": 0,
    }
    meeting = filled.get("meetings", planned.id)
    assert meeting.status == "held" and widget.saved.id == planned.id
    records = read_minutes(filled, planned.id)
    people = {s.name: s.id for s in filled.records("stakeholders", P)}
    assert records.contact.stakeholder_ids == [people["张伟"], people["Li Na"]]
    assert records.contact.when == datetime(2026, 3, 12, 6, 0, tzinfo=UTC)
    assert records.team == ["王芳", "Li Lei"] and records.summary == "客户同意分批上线。"
    assert "INTERNAL-NOTE" in records.contact.notes
    assert [(d.title, d.decided_by, d.decider) for d in records.decisions] == [
        ("采用分批上线", "张伟", "client")
    ]
    assert [(f.title, f.owner, f.due) for f in records.follow_ups] == [
        ("发送迁移方案", "王芳", date(2026, 3, 20))
    ]
    assert [(i.title, i.severity, i.raised_on) for i in records.issues] == [
        ("主数据质量不达标", 4, date(2026, 3, 12))
    ]
    assert {r.visibility for r in [records.contact, *records.decisions]} == {"client"}
    # the status says what was saved; the form is ready for the next meeting
    assert widget.status.level == "ok" and "需求评审" in widget.status.message
    assert widget.form["title"].input.value == "" and widget.people.value == []
    assert all(not rows for rows in widget.rows.values())
    assert [value for _label, value in widget.chooser.options] == [0]
    assert not widget.email_button.disabled


def test_problems_show_under_their_field_and_nothing_is_written(minutes, filled):
    before = counts(filled)
    minutes.form["title"].input.value = "周会"
    minutes.people.box.value = "Wang"  # typed, nobody of that name
    row = minutes.add_row("follow_ups")
    row.form["title"].input.value = "发送迁移方案"
    row.form["due"].input.value = "2020-01-01"
    bad_date = minutes.add_row("follow_ups")
    bad_date.form["title"].input.value = "确认范围"
    bad_date.form["due"].input.value = "next tuesday"
    assert minutes.save() is False
    assert "Wang" in minutes.form.errors()["stakeholder_ids"]
    assert "2020-01-01" not in bad_date.form.errors().get("due", "")
    assert bad_date.form.errors()["due"]
    assert minutes.status.level == "error"
    assert counts(filled) == before
    # the name fixed and the date put right: the meeting's own rules are checked
    minutes.people.box.value = ""
    bad_date.form["due"].input.value = "2020-01-02"
    assert minutes.save() is False
    assert "请至少选择一位客户方参会人" in minutes.form.errors()["stakeholder_ids"]
    assert "早于会议日期" in row.form.errors()["due"]
    assert "早于会议日期" in bad_date.form.errors()["due"]
    assert counts(filled) == before


def test_a_missing_start_is_told_under_it_once(minutes, filled):
    before = counts(filled)
    minutes.form["title"].input.value = "周会"
    minutes.people.value = ["张伟 · CIO"]
    minutes.form["start"].input.value = ""
    fill_in(minutes)
    assert minutes.save() is False
    assert list(minutes.form.errors()) == ["start"] and ";" not in minutes.form.errors()["start"]
    assert all(not row.form.errors() for rows in minutes.rows.values() for row in rows)
    assert counts(filled) == before


def test_a_store_failure_in_the_middle_leaves_nothing_and_names_the_row(
    filled, planned, monkeypatch
):
    widget = MeetingMinutes(filled, P, meeting=planned)
    fill_in(widget)
    second = widget.add_row("issues")
    second.form["title"].input.value = "接口联调延误"
    before = counts(filled)
    real_add = filled.add
    issues = []

    def add(record):
        if isinstance(record, Issue):
            issues.append(record)
            if len(issues) == 2:
                raise InvalidRecord([Problem("owner", "", "owner has left")])
        return real_add(record)

    monkeypatch.setattr(filled, "add", add)
    assert widget.save() is False
    monkeypatch.undo()
    assert len(issues) == 2  # the contact, a decision, a follow-up and an issue went in first
    assert counts(filled) == before
    assert filled.get("meetings", planned.id).status == "planned"
    assert second.form.errors() == {"owner": "owner has left"}
    assert widget.form["title"].input.value == "需求评审"  # nothing typed is lost


def test_save_never_raises(minutes, monkeypatch):
    import commlib.meetings.widgets.minutes as module

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(module, "save_minutes", broken)
    minutes.form["title"].input.value = "周会"
    minutes.people.value = ["张伟 · CIO"]
    assert minutes.save() is False
    assert "RuntimeError" in minutes.status.message


# --- fast to use live -------------------------------------------------------------------------


def test_one_click_adds_a_row_and_enter_moves_on(minutes, monkeypatch):
    focused = []
    monkeypatch.setattr(w.DOMWidget, "focus", lambda self: focused.append(self))
    minutes.add_buttons["follow_ups"].click()
    [row] = minutes.rows["follow_ups"]
    title, owner, due = row.boxes
    assert focused == [title]  # the cursor is in the new row
    press_enter(title)
    assert focused[-1] is owner
    press_enter(owner)
    assert focused[-1] is due
    press_enter(due)  # the row's last box: a new row, the cursor in it
    assert len(minutes.rows["follow_ups"]) == 2
    assert focused[-1] is minutes.rows["follow_ups"][1].boxes[0]
    minutes.add_buttons["decisions"].click()
    press_enter(minutes.rows["decisions"][0].boxes[0])
    assert focused[-1] is minutes.rows["decisions"][0].form["decided_by"].input
    press_enter(minutes.form["title"].input)
    assert focused[-1] is minutes.form["start"].input
    press_enter(minutes.form["start"].input)
    assert focused[-1] is minutes.people.box
    # blank rows are left out of the save; a row can be removed
    minutes.remove_row(minutes.rows["follow_ups"][0])
    assert len(minutes.rows["follow_ups"]) == 1


def test_owners_are_offered_from_who_attended(minutes):
    row = minutes.add_row("follow_ups")
    assert row.form["owner"].input.options == ()
    minutes.people.value = ["张伟 · CIO"]
    minutes.form["team"].input.value = "王芳, Li Lei"
    assert row.form["owner"].input.options == ("张伟", "王芳", "Li Lei")
    decision = minutes.add_row("decisions")
    assert decision.form["decided_by"].input.options == ("张伟", "王芳", "Li Lei")


def test_rows_follow_the_minutes_visibility_until_set(minutes):
    row = minutes.add_row("issues")
    assert row.form["visibility"].input.value == "client"
    minutes.form["visibility"].input.value = "internal"
    assert row.form["visibility"].input.value == "internal"
    row.form["visibility"].input.value = "client"
    minutes.form["visibility"].input.value = "client"
    minutes.form["visibility"].input.value = "internal"
    assert row.form["visibility"].input.value == "client"


# --- the e-mail and undo ------------------------------------------------------------------------


def test_the_email_button_writes_the_draft_of_what_was_saved(filled, planned, tmp_path):
    widget = MeetingMinutes(filled, P, meeting=planned, folder=tmp_path / "out")
    assert widget.write_email() is False and "请先保存纪要" in widget.status.message
    fill_in(widget)
    assert widget.save()
    widget.email_button.click()
    path = tmp_path / "out" / f"minutes-{planned.id}.eml"
    assert widget.status.level == "ok" and str(path) in widget.status.message
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert [a.addr_spec for a in mail["To"].addresses] == ["zhang.wei@huachen.cn"]
    body = mail.get_body(("plain",)).get_content()
    assert "采用分批上线" in body and "发送迁移方案" in body and "主数据质量不达标" in body
    assert "INTERNAL-NOTE" not in mail.as_string()
    assert filled.get("meetings", planned.id).minutes_sent_on == date.today()


def test_undo_takes_the_save_back_and_the_meeting_is_planned_again(filled, planned):
    before = counts(filled)
    widget = MeetingMinutes(filled, P, meeting=planned)
    fill_in(widget)
    assert widget.save()
    assert widget.undo.undo() is True
    assert counts(filled) == before
    assert filled.get("meetings", planned.id).status == "planned"
    assert filled.get("meetings", planned.id).contact_id is None
    assert widget.email_button.disabled
    assert planned.id in [value for _label, value in widget.chooser.options]
    # a meeting that was not planned goes with its minutes
    widget.form["title"].input.value = "临时电话会"
    widget.people.value = ["Li Na"]
    assert widget.save()
    assert counts(filled)["meetings"] == before["meetings"] + 1
    assert widget.undo.undo()
    assert counts(filled) == before
    kinds = set(filled.history(P)["field"])
    assert "deleted" in kinds  # the history keeps what the undo took back


# --- in front of the client -----------------------------------------------------------------------


def test_a_client_screen_hides_the_notes_and_what_is_internal(filled, planned):
    hidden = filled.add(
        Meeting(
            project_id=filled.project(P).id,
            title="内部准备会 SECRET-MEETING",
            start=datetime(2026, 3, 11, 2, 0, tzinfo=UTC),
        )
    )
    filled.add(Stakeholder(project_id=filled.project(P).id, name="SECRET-PERSON"))
    widget = MeetingMinutes(filled, P)
    assert hidden.id in [value for _label, value in widget.chooser.options]
    assert "SECRET-PERSON" in widget.people.options
    set_screen_audience(filled, filled.project(P).id, "client")
    try:
        text = shown(widget)
        assert "SECRET-MEETING" not in text and "SECRET-PERSON" not in text
        assert "Li Na" not in widget.people.options  # not shared with the client
        assert widget.form["notes"].layout.display == "none"
        assert "不会出现在客户视图" not in text  # the notes' hint went with them
        assert [value for _label, value in widget.chooser.options] == [0, planned.id]
    finally:
        set_screen_audience(filled, filled.project(P).id, "internal")
    assert widget.form["notes"].layout.display is None
