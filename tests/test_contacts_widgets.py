"""The contact widgets, driven like a person would: set values, click, read what shows."""

import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from commlib import (
    Contact,
    FollowUp,
    InvalidRecord,
    NotFound,
    PlanItem,
    Problem,
    Project,
    Stakeholder,
)
from commlib.contacts.widgets import (
    CommunicationPlan,
    ContactLogger,
    FollowUpBoard,
    StakeholderRegister,
    stakeholder_labels,
)
from commlib.forms import on_change
from commlib.i18n import t
from commlib.models import QUADRANT_DEFAULTS

P = "华辰 ERP 升级"


def counts(store):
    return {k: len(store.records(k, P)) for k in ("contacts", "follow_ups", "stakeholders")}


def shown(widget):
    """Every piece of text a widget shows (labels, descriptions, options, HTML)."""
    found = []

    def walk(node):
        for attr in ("value", "description", "placeholder", "tooltip"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                found.append(value)
        found.extend(str(o) for o in getattr(node, "_options_labels", ()))
        for child in getattr(node, "children", ()):
            walk(child)

    walk(widget)
    return "\n".join(found)


@pytest.fixture
def shanghai(monkeypatch):
    """The machine's local time zone is Asia/Shanghai (UTC+8) for this test."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def logger(filled):
    return ContactLogger(filled, P)


def fill_contact(logger, subject="讨论数据迁移", who=("张伟 · CIO",)):
    logger.form["stakeholder_ids"].input.value = list(who)
    logger.form["subject"].input.value = subject
    logger.form["summary"].input.value = "客户同意分批上线"
    logger.form["channel"].input.value = "phone"
    logger.form["sentiment"].input.value = 1
    logger.form["when"].input.value = "2026-03-10 09:30"
    return logger


def add_follow_up(logger, title, owner="王芳", due=date(2026, 4, 1)):
    row = logger.add_follow_up()
    row.form["title"].input.value = title
    row.form["owner"].input.value = owner
    row.form["due"].set(due)
    return row


# --- importing ---------------------------------------------------------------------------


def test_importing_shows_nothing():
    code = "import commlib.forms, commlib.contacts.widgets"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


def test_stakeholder_labels_are_unique():
    people = [
        Stakeholder(id=1, project_id=1, name="张伟", role="CIO"),
        Stakeholder(id=2, project_id=1, name="Li Na", organisation="华辰"),
        Stakeholder(id=3, project_id=1, name="Wang"),
        Stakeholder(id=4, project_id=1, name="Wang"),
    ]
    assert stakeholder_labels(people) == {
        1: "张伟 · CIO",
        2: "Li Na · 华辰",
        3: "Wang #3",
        4: "Wang #4",
    }


# --- ContactLogger ---------------------------------------------------------------------


def test_logger_speaks_the_projects_language(logger):
    assert logger.lang == "zh"
    text = shown(logger)
    for expected in ("干系人", "渠道", "主题", "情绪", "可见范围", "保存", "仅内部", "最近的沟通"):
        assert expected in text, expected
    assert logger.form["stakeholder_ids"].input.options == ["张伟 · CIO", "Li Na"]


def test_logger_speaks_english_when_asked(filled):
    text = shown(ContactLogger(filled, P, lang="en-GB"))
    for expected in ("Stakeholders", "Channel", "Subject", "Sentiment", "Save", "Latest contacts"):
        assert expected in text, expected
    assert "保存" not in text


def test_logger_is_a_box_that_shows_itself(logger):
    import ipywidgets as w

    assert isinstance(logger, w.VBox)
    assert "application/vnd.jupyter.widget-view+json" in logger._repr_mimebundle_()


def test_unknown_project_says_which_exist(filled):
    with pytest.raises(NotFound, match=P):
        ContactLogger(filled, "nope")


def test_defaults(logger):
    values = logger.form.values()
    assert values["visibility"] == "internal"
    assert values["sentiment"] is None  # "unknown"
    assert values["stakeholder_ids"] == []
    assert abs(values["when"] - datetime.now(UTC)) < timedelta(minutes=2)
    assert values["when"].tzinfo is not None


def test_save_stores_local_time_as_utc_and_clears_the_form(filled, shanghai):
    logger = fill_contact(ContactLogger(filled, P))
    logger.form["when"].input.value = "2026-03-10 09:30"  # 09:30 in Shanghai
    logger.form["visibility"].input.value = "client"
    logger.save_button.click()
    assert logger.status.level == "ok", logger.status.message
    contact = filled.records("contacts", P)[-1]
    assert contact.when == datetime(2026, 3, 10, 1, 30, tzinfo=UTC)
    assert contact.stakeholder_ids == [1]
    assert (contact.channel, contact.sentiment, contact.visibility) == ("phone", 1, "client")
    assert contact.subject == "讨论数据迁移"
    # the form is clear again, with a fresh "now"
    assert logger.form["subject"].input.value == ""
    assert logger.form["stakeholder_ids"].input.value == []
    assert logger.form["sentiment"].input.value == ""
    assert logger.form["visibility"].input.value == "internal"
    shown_now = datetime.strptime(logger.form["when"].input.value, "%Y-%m-%d %H:%M")
    assert abs(shown_now - datetime.now()) < timedelta(minutes=2)
    # the latest contacts show it first, in local time
    latest = logger.latest.value
    assert latest.index("讨论数据迁移") < latest.index("客户要求")
    assert "2026-03-10 09:30" in latest


def test_latest_contacts_are_the_ten_newest(filled):
    project = filled.project(P)
    filled.add_all(
        [
            Contact(project_id=project.id, when=datetime(2026, 5, d, tzinfo=UTC), subject=f"S{d}")
            for d in range(1, 13)
        ]
    )
    logger = ContactLogger(filled, P)
    latest = logger.latest.value
    assert latest.count("<tr>") == 11  # header + 10
    assert latest.index("S12") < latest.index("S11") < latest.index("S3")
    assert "S2<" not in latest and "S1<" not in latest


def test_a_contact_and_two_follow_ups_in_one_save(logger, filled):
    before = counts(filled)
    fill_contact(logger)
    add_follow_up(logger, "发送会议纪要")
    add_follow_up(logger, "确认上线日期", owner="李娜", due=None)
    logger.add_follow_up()  # left blank: ignored
    logger.save_button.click()
    assert logger.status.level == "ok", logger.status.message
    after = counts(filled)
    assert after["contacts"] == before["contacts"] + 1
    assert after["follow_ups"] == before["follow_ups"] + 2
    contact = filled.records("contacts", P)[-1]
    new = filled.records("follow_ups", P)[-2:]
    assert [f.title for f in new] == ["发送会议纪要", "确认上线日期"]
    assert {f.contact_id for f in new} == {contact.id}
    assert new[0].due == date(2026, 4, 1) and new[1].due is None
    assert logger.follow_up_rows == [] and logger.follow_up_box.children == ()
    assert "2" in logger.status.message


def test_a_follow_up_without_a_title_stops_everything(logger, filled):
    before = counts(filled)
    fill_contact(logger)
    first = add_follow_up(logger, "发送会议纪要")
    second = add_follow_up(logger, "", owner="李娜")
    assert logger.save() is False
    assert counts(filled) == before
    assert second.form.errors() == {"title": "不能为空"}
    assert second.form["title"].error.layout.display is None
    assert first.form.errors() == {} and logger.form.errors() == {}
    assert logger.status.level == "error"
    # what was typed is still there; fixing it saves all three
    assert logger.form["subject"].input.value == "讨论数据迁移"
    second.form["title"].input.value = "确认上线日期"
    assert logger.save() is True
    assert counts(filled)["follow_ups"] == before["follow_ups"] + 2
    assert second.form.errors() == {}


def test_problems_of_the_contact_and_its_follow_ups_show_together(logger, filled):
    fill_contact(logger, subject="第一行\n第二行")
    row = add_follow_up(logger, "x" * 201)
    logger.form["when"].input.value = ""
    assert logger.save() is False
    assert set(logger.form.errors()) == {"subject", "when"}
    assert logger.form.errors()["when"] == t("error.validation.missing", "zh")
    assert set(row.form.errors()) == {"title"}


def test_the_second_follow_up_failing_in_the_store_rolls_back_the_contact(
    logger, filled, monkeypatch
):
    before = counts(filled)
    fill_contact(logger)
    add_follow_up(logger, "发送会议纪要")
    second = add_follow_up(logger, "确认上线日期")
    real_add = filled.add
    seen = []

    def add(record):
        if isinstance(record, FollowUp):
            seen.append(record)
            if len(seen) == 2:
                raise InvalidRecord([Problem("owner", "李娜", "owner has left")])
        return real_add(record)

    monkeypatch.setattr(filled, "add", add)
    assert logger.save() is False
    assert len(seen) == 2  # the contact and the first follow-up were written, then undone
    monkeypatch.undo()
    assert counts(filled) == before
    assert second.form.errors() == {"owner": "owner has left"}


def test_save_never_raises_on_an_unexpected_error(logger, filled, monkeypatch):
    before = counts(filled)
    fill_contact(logger)
    add_follow_up(logger, "发送会议纪要")

    def broken(record):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(filled, "add", broken)
    logger.save_button.click()  # does not raise
    assert logger.status.level == "error"
    assert "RuntimeError" in logger.status.message and "未保存" in logger.status.message
    monkeypatch.undo()
    assert counts(filled) == before
    assert logger.form["subject"].input.value == "讨论数据迁移"  # nothing typed is lost


def test_a_store_error_shows_its_message(logger, filled, monkeypatch):
    from commlib import StoreError

    def locked():
        raise StoreError("the store is locked by another program")

    fill_contact(logger)
    monkeypatch.setattr(filled, "transaction", locked)
    assert logger.save() is False
    assert logger.status.message == "the store is locked by another program"


def test_removing_a_follow_up_row(logger, filled):
    row = add_follow_up(logger, "不需要了")
    row.remove_button.click()
    assert logger.follow_up_rows == []
    fill_contact(logger)
    before = counts(filled)
    assert logger.save() is True
    assert counts(filled)["follow_ups"] == before["follow_ups"]


def test_someone_not_in_the_register_is_named_next_to_the_field(store):
    p = store.add(Project(name="Atlas", client="Acme", start=date(2026, 1, 5), language="en"))
    logger = ContactLogger(store, p.name)
    assert logger.form["stakeholder_ids"].input.options == []  # (allows any tag)
    logger.form["stakeholder_ids"].input.value = ["Nobody"]
    assert logger.save() is False
    assert logger.form.errors() == {"stakeholder_ids": "not in the register: Nobody"}
    assert store.records("contacts") == []


def test_a_contact_with_nobody_and_no_subject_is_refused(logger, filled):
    before = counts(filled)
    assert logger.save() is False
    message = t("widgets.contact.empty", "zh")
    assert logger.form.errors() == {"stakeholder_ids": message, "subject": message}
    assert counts(filled) == before
    logger.form["subject"].input.value = "电话沟通"  # a subject alone is a contact
    assert logger.save() is True
    assert counts(filled)["contacts"] == before["contacts"] + 1


# --- StakeholderRegister ---------------------------------------------------------------


@pytest.fixture
def register(filled):
    return StakeholderRegister(filled, P)


def test_register_table(register):
    table = register.table.value
    for expected in ("张伟", "华辰", "CIO", "Li Na", "重点管理", "监督", "中立", "支持", "权力"):
        assert expected in table, expected
    assert register.chooser.options[0][1] == register.NEW
    assert [label for label, _ in register.chooser.options[1:]] == ["张伟 · CIO", "Li Na"]


def test_register_in_english(filled):
    register = StakeholderRegister(filled, P, lang="en")
    assert "Manage closely" in register.table.value
    assert "Preferred channel" in shown(register)


def test_add_a_stakeholder(register, filled):
    form = register.form
    form["name"].input.value = "赵敏"
    form["role"].input.value = "财务总监"
    form["email"].input.value = "zhao.min@huachen.cn"
    form["timezone"].input.value = "Europe/London"
    form["language"].input.value = "en"
    form["power"].input.value = 5
    form["interest"].input.value = 2
    register.save_button.click()
    assert register.status.level == "ok", register.status.message
    zhao = filled.records("stakeholders", P)[-1]
    assert (zhao.name, zhao.role, zhao.timezone, zhao.language) == (
        "赵敏",
        "财务总监",
        "Europe/London",
        "en",
    )
    assert (zhao.power, zhao.interest) == (5, 2)
    assert "赵敏" in register.table.value and "令其满意" in register.table.value
    assert register.chooser.value == register.NEW and form["name"].input.value == ""


def test_the_project_language_is_stored_as_none(register, filled):
    register.form["name"].input.value = "Ann"
    assert register.save() is True
    assert filled.records("stakeholders", P)[-1].language is None


def test_an_invalid_email_shows_next_to_the_field_and_writes_nothing(register, filled):
    before = counts(filled)
    register.form["name"].input.value = "赵敏"
    register.form["email"].input.value = "zhao.min@"
    register.form["timezone"].input.value = "Mars/Olympus"
    register.save_button.click()
    assert counts(filled) == before
    errors = register.form.errors()
    assert set(errors) == {"email", "timezone"}
    assert errors["email"].startswith("不是有效邮箱")
    assert "<span" in register.form["email"].error.value
    assert register.form["name"].input.value == "赵敏"  # kept for fixing


def test_working_time_and_manners_are_kept(register, filled):
    form = register.form
    form["name"].input.value = "Mary Jones"
    form["timezone"].input.value = "Europe/London"
    form["address_as"].input.value = "Dr. Jones"
    form["work_hours"].input.value = "8:30–17:00"
    form["lunch"].input.value = "none"
    form["holiday_region"].input.value = "gb-eng"
    form["etiquette"].input.value = "Prefers first names after the first meeting"
    register.save_button.click()
    assert register.status.level == "ok", register.status.message
    mary = filled.records("stakeholders", P)[-1]
    assert (mary.address_as, mary.work_hours, mary.lunch, mary.holiday_region) == (
        "Dr. Jones",
        "08:30-17:00",
        "none",
        "GB-ENG",
    )
    assert "08:30-17:00" in register.table.value


def test_hours_that_end_before_they_start_are_refused_next_to_the_field(register, filled):
    before = counts(filled)
    register.form["name"].input.value = "赵敏"
    register.form["work_hours"].input.value = "18:00-09:00"
    register.form["holiday_region"].input.value = "XX"
    register.save_button.click()
    assert counts(filled) == before
    errors = register.form.errors()
    assert set(errors) == {"work_hours", "holiday_region"}
    assert "18:00" in errors["work_hours"] and "09:00-18:00" in errors["work_hours"]
    assert "CN" in errors["holiday_region"]


def test_edit_keeps_engagement_history(register, filled):
    register.chooser.value = 1
    assert register.form["name"].input.value == "张伟"
    assert register.form["email"].input.value == "zhang.wei@huachen.cn"
    assert register.form["power"].input.value == 5
    register.form["engagement_current"].input.value = "supportive"
    register.save_button.click()
    assert register.status.level == "ok", register.status.message
    assert filled.get("stakeholders", 1).engagement_current == "supportive"
    history = filled.history(P, kind="stakeholders", record_id=1)
    assert list(history["field"]) == ["engagement_current"]
    assert (history["old"].iloc[0], history["new"].iloc[0]) == ("neutral", "supportive")
    assert register.chooser.value == 1  # still editing the same person
    assert counts(filled)["stakeholders"] == 2


def test_an_invalid_edit_writes_nothing(register, filled):
    register.edit(2)
    register.form["email"].input.value = "li.na at huachen"
    assert register.save() is False
    assert filled.get("stakeholders", 2).email == "li.na@huachen.cn"
    assert "email" in register.form.errors()


def test_choosing_new_clears_the_form(register):
    register.edit(1)
    register.form["email"].show_error("old")
    register.edit(None)
    assert register.form["name"].input.value == ""
    assert register.form.errors() == {}


def test_a_new_stakeholder_reaches_the_logger_and_the_plan(filled):
    logger = ContactLogger(filled, P)
    plan = CommunicationPlan(filled, P)
    register = StakeholderRegister(filled, P)
    register.form["name"].input.value = "赵敏"
    register.form["role"].input.value = "CFO"
    assert register.save() is True
    assert "赵敏 · CFO" in logger.form["stakeholder_ids"].input.options
    assert "s:3" in plan.rows[0].form["audience"].input._options_values


# --- CommunicationPlan -----------------------------------------------------------------


@pytest.fixture
def plan(filled):
    return CommunicationPlan(filled, P)


def test_plan_rows(plan):
    first, second = plan.rows
    assert first.form["audience"].input.value == "q:manage_closely"
    assert first.form["audience"].input.label == "象限：重点管理"
    assert first.form["cadence"].input.value == "每周"
    assert second.form["audience"].input.label == "张伟 · CIO"
    assert second.form["cadence"].input.value == "双周"
    assert "沟通对象" in shown(plan) and "按象限生成建议" in shown(plan)


def test_propose_defaults_fills_quadrants_with_people_and_no_row(plan, filled):
    plan.propose_button.click()
    assert plan.status.level == "ok", plan.status.message
    items = filled.records("communication_plan", P)
    assert len(items) == 3  # Li Na (3/3) is in "monitor"; "manage_closely" has a row
    added = items[-1]
    assert added.quadrant == "monitor"
    assert (added.channel, added.cadence_days) == QUADRANT_DEFAULTS["monitor"]
    assert added.what == "项目通讯：主要里程碑"
    assert plan.rows[-1].form["cadence"].input.value == "每月"
    plan.propose_defaults()
    assert len(filled.records("communication_plan", P)) == 3
    assert plan.status.level == "info"


def test_propose_defaults_in_english(filled):
    plan = CommunicationPlan(filled, P, lang="en")
    plan.propose_defaults()
    assert filled.records("communication_plan", P)[-1].what == "Newsletter: main milestones"
    assert plan.rows[-1].form["cadence"].input.value == "monthly"


def test_edit_a_row(plan, filled):
    row = plan.rows[0]
    row.form["cadence"].input.value = "每月"
    row.form["owner"].input.value = "李雷"
    plan.save_button.click()
    assert plan.status.level == "ok", plan.status.message
    item = filled.records("communication_plan", P)[0]
    assert (item.cadence_days, item.owner) == (30, "李雷")
    assert row.dirty is False


def test_cadence_as_a_number_of_days(plan, filled):
    plan.rows[1].form["cadence"].input.value = " 10 "
    assert plan.save() is True
    assert filled.records("communication_plan", P)[1].cadence_days == 10
    assert plan.rows[1].form["cadence"].input.value == "10"


def test_a_new_row(plan, filled):
    row = plan.add_row()
    row.form["audience"].input.value = "s:2"
    row.form["what"].input.value = "培训安排"
    row.form["channel"].input.value = "video"
    assert plan.save() is True
    item = filled.records("communication_plan", P)[-1]
    assert (item.stakeholder_id, item.quadrant, item.what, item.channel) == (
        2,
        None,
        "培训安排",
        "video",
    )
    assert item.cadence_days == 14


def test_bad_rows_show_their_problems_and_write_nothing(plan, filled):
    plan.rows[0].form["cadence"].input.value = "经常"
    row = plan.add_row()
    row.form["what"].input.value = "培训安排"  # no audience
    before = filled.records("communication_plan", P)
    assert plan.save() is False
    assert filled.records("communication_plan", P) == before
    assert set(plan.rows[0].form.errors()) == {"cadence"}
    assert set(row.form.errors()) == {"audience"}
    assert "二者只填其一" in row.form.errors()["audience"]


def test_remove_a_row(plan, filled):
    plan.rows[0].remove_button.click()
    assert len(plan.rows) == 1
    assert [i.what for i in filled.records("communication_plan", P)] == ["一对一沟通"]
    unsaved = plan.add_row()
    unsaved.remove_button.click()
    assert len(plan.rows) == 1


def test_blank_new_rows_are_ignored(plan, filled):
    plan.add_row()
    assert plan.save() is True
    assert len(filled.records("communication_plan", P)) == 2


# --- FollowUpBoard ---------------------------------------------------------------------

TODAY = date(2026, 3, 20)


@pytest.fixture
def board_store(filled):
    p = filled.project(P)
    contact = filled.records("contacts", P)[0]
    filled.add_all(
        [
            FollowUp(project_id=p.id, title="later", owner="王芳", due=date(2026, 4, 1)),
            FollowUp(project_id=p.id, title="no date", owner="李娜"),
            FollowUp(
                project_id=p.id,
                title="late",
                owner="王芳",
                due=date(2026, 3, 15),
                contact_id=contact.id,
            ),
            FollowUp(project_id=p.id, title="very late", due=date(2026, 3, 1)),
            FollowUp(project_id=p.id, title="today", due=TODAY),
            FollowUp(project_id=p.id, title="dropped", due=date(2026, 3, 1), status="cancelled"),
        ]
    )
    return filled


def test_board_shows_open_follow_ups_overdue_first(board_store):
    board = FollowUpBoard(board_store, P, today=TODAY)
    assert [r.follow_up.title for r in board.rows] == [
        "very late",
        "late",
        "today",
        "later",
        "no date",
    ]
    assert [r.overdue_days for r in board.rows] == [19, 5, 0, 0, 0]
    late = shown(board.rows[1])
    assert "已逾期 5 天" in late and "客户要求" in late and "王芳" in late and "2026-03-15" in late
    assert "今天到期" in shown(board.rows[2])
    assert "commlib-overdue" in board.rows[0]._dom_classes
    assert "commlib-overdue" not in board.rows[2]._dom_classes
    assert "标记完成" in shown(board)


def test_mark_done(board_store):
    board = FollowUpBoard(board_store, P, today=TODAY, lang="en")
    row = board.rows[1]
    row.done_button.click()
    assert board.status.level == "ok" and "late" in board.status.message
    done = board_store.get("follow_ups", row.follow_up.id)
    assert (done.status, done.done_on) == ("done", TODAY)
    assert [r.follow_up.title for r in board.rows] == ["very late", "today", "later", "no date"]
    history = board_store.history(P, kind="follow_ups", record_id=done.id)
    assert list(history["field"]) == ["status"]


def test_refresh_button_and_empty_board(filled):
    board = FollowUpBoard(filled, P, today=TODAY, lang="en")
    assert board.rows == [] and "No open follow-ups" in shown(board)
    filled.add(FollowUp(project_id=filled.project(P).id, title="new one"))
    board.refresh_button.click()
    assert [r.follow_up.title for r in board.rows] == ["new one"]


def test_the_board_hears_of_follow_ups_saved_in_the_logger(filled):
    board = FollowUpBoard(filled, P, today=TODAY)
    logger = fill_contact(ContactLogger(filled, P))
    add_follow_up(logger, "发送会议纪要", due=date(2026, 3, 18))
    assert logger.save() is True
    assert [r.follow_up.title for r in board.rows] == ["发送会议纪要"]
    assert board.rows[0].overdue_days == 2


def test_mark_done_never_raises(board_store, monkeypatch):
    board = FollowUpBoard(board_store, P, today=TODAY)

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(board_store, "update", broken)
    board.rows[0].done_button.click()
    assert board.status.level == "error" and "KeyError" in board.status.message
    assert len(board.rows) == 5


def test_today_defaults_to_the_real_day(filled):
    assert FollowUpBoard(filled, P).today == date.today()


def test_widgets_of_an_english_project_speak_english(store):
    p = store.add(Project(name="Atlas", client="Acme", start=date(2026, 1, 5), language="en"))
    store.add(Stakeholder(project_id=p.id, name="Ann", role="CFO", power=4, interest=4))
    for widget in (
        ContactLogger(store, "Atlas"),
        StakeholderRegister(store, "Atlas"),
        CommunicationPlan(store, "Atlas"),
        FollowUpBoard(store, "Atlas"),
    ):
        assert widget.lang == "en"
        assert "保存" not in shown(widget) and "干系人" not in shown(widget)


# --- client mode: what a client sees ---------------------------------------------------


def everything(widget):
    """Every value a widget holds, shown or not (a hidden input still reaches the browser)."""
    found = []

    def walk(node):
        for attr in ("value", "options", "allowed_tags", "description", "placeholder", "tooltip"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, list | tuple):
                found.extend(str(v) for v in value)
        found.extend(str(o) for o in getattr(node, "_options_labels", ()))
        for child in getattr(node, "children", ()):
            walk(child)

    walk(widget)
    return "\n".join(found)


#: what only the team may see, planted in internal records and internal fields
SECRETS = (
    "LEAK-CONTACT",
    "LEAK-PLAN-WHAT",
    "LEAK-PLAN-NOTES",
    "LEAK-FOLLOW-UP",
    "LEAK-PARENT",
    "INTERNAL-SENTINEL",
    "zhang.wei@huachen.cn",
    "Li Na",
)


@pytest.fixture
def secrets(filled):
    p = filled.project(P)
    zhang, li = filled.records("stakeholders", P)
    internal = filled.add(
        Contact(project_id=p.id, when=datetime(2026, 3, 4, tzinfo=UTC), subject="LEAK-PARENT")
    )
    filled.add_all(
        [
            Contact(
                project_id=p.id,
                when=datetime(2026, 3, 5, tzinfo=UTC),
                subject="LEAK-CONTACT",
                stakeholder_ids=[zhang.id],
            ),
            PlanItem(project_id=p.id, what="LEAK-PLAN-WHAT", quadrant="monitor"),
            PlanItem(
                project_id=p.id,
                what="shared plan",
                stakeholder_id=li.id,
                notes="LEAK-PLAN-NOTES",
                visibility="client",
            ),
            FollowUp(project_id=p.id, title="LEAK-FOLLOW-UP", due=date(2026, 3, 25)),
            # shared, under an internal contact: the contact's subject stays hidden
            FollowUp(
                project_id=p.id,
                title="shared follow-up",
                contact_id=internal.id,
                visibility="client",
            ),
        ]
    )
    return filled


def all_widgets(store, audience=None):
    register = StakeholderRegister(store, P, audience=audience)
    register.edit(1)  # 张伟, client-visible, with an e-mail, phone and notes
    return [
        ContactLogger(store, P, audience=audience),
        register,
        CommunicationPlan(store, P, audience=audience),
        FollowUpBoard(store, P, today=TODAY, audience=audience),
    ]


def test_a_client_sees_no_internal_record_or_field(secrets):
    for widget in all_widgets(secrets, audience="client"):
        text = everything(widget)
        for secret in SECRETS:
            assert secret not in text, (type(widget).__name__, secret)
        assert widget.badge.layout.display is None
        assert t("widgets.client_mode", "zh") in text
    # what the client may see is there
    logger, register, plan, board = all_widgets(secrets, audience="client")
    assert "张伟 · CIO" in logger.people.options and "Li Na" not in logger.people.options
    assert "张伟" in logger.latest.value and "客户要求" in logger.latest.value
    assert "周报" in everything(plan) and "shared plan" in everything(plan)
    assert [r.follow_up.title for r in board.rows] == ["shared follow-up"]
    for team_only in ("权力", "关注度", "象限", "当前参与度"):
        assert team_only not in register.table.value, team_only
    assert "华辰" in register.table.value and "CIO" in register.table.value
    shown_fields = [c for c in register.children if getattr(c, "name", None)]
    assert {f.name for f in shown_fields} & {"email", "phone", "power", "interest"} == set()


#: the plan shows no notes to anyone: the secret in them proves nothing for the team
TEAM_SEES = [s for s in SECRETS if s != "LEAK-PLAN-NOTES"]


def test_the_team_sees_everything(secrets):
    text = "\n".join(everything(widget) for widget in all_widgets(secrets))
    for secret in TEAM_SEES:
        assert secret in text, secret


def test_switching_the_screen_live(secrets):
    from commlib.forms import set_screen_audience

    widgets = all_widgets(secrets)
    project_id = secrets.project(P).id
    try:
        set_screen_audience(secrets, project_id, "client")
        for widget in widgets:
            text = everything(widget)
            assert widget.client and widget.badge.layout.display is None
            for secret in SECRETS:
                assert secret not in text, (type(widget).__name__, secret)
        logger, register, _plan, _board = widgets
        assert logger.form["visibility"].input.value == "client"
        assert register.chooser.value == 1 and register.form["email"].input.value == ""
        set_screen_audience(secrets, project_id, "internal")
        text = "\n".join(everything(widget) for widget in widgets)
        for secret in TEAM_SEES:
            assert secret in text, secret
        assert logger.form["visibility"].input.value == "internal"
        assert register.form["email"].input.value == "zhang.wei@huachen.cn"
    finally:
        set_screen_audience(secrets, project_id, "internal")


def test_in_client_mode_what_is_logged_is_shared_by_default(filled):
    logger = fill_contact(ContactLogger(filled, P, audience="client"))
    row = add_follow_up(logger, "发送会议纪要")
    logger.form["notes"].input.value = "内部：客户预算紧张"
    assert t("widgets.internal_stays", "zh") in everything(logger)
    assert logger.save() is True
    contact = filled.records("contacts", P)[-1]
    follow_up = filled.records("follow_ups", P)[-1]
    assert (contact.visibility, follow_up.visibility) == ("client", "client")
    assert contact.notes == "内部：客户预算紧张"  # typed, kept, never shown
    assert "内部：客户预算紧张" not in everything(logger)
    assert row not in logger.follow_up_rows
    plan = CommunicationPlan(filled, P, audience="client")
    assert plan.add_row().form["visibility"].input.value == "client"


def test_editing_in_client_mode_keeps_what_it_does_not_show(filled):
    register = StakeholderRegister(filled, P, audience="client")
    register.edit(1)
    assert register.form["notes"].input.value == ""
    register.form["role"].input.value = "CIO & CDO"
    register.form["notes"].input.value = "会上提到预算"
    assert register.save() is True
    zhang = filled.get("stakeholders", 1)
    assert zhang.role == "CIO & CDO"
    assert (zhang.email, zhang.power, zhang.interest) == ("zhang.wei@huachen.cn", 5, 4)
    assert zhang.notes == "对变更比较敏感 INTERNAL-SENTINEL\n会上提到预算"
    assert "etiquette" not in [f.name for f in register.children if hasattr(f, "name")]
    register.edit(None)
    assert register.form["visibility"].input.value == "client"
    register.form["name"].input.value = "赵敏"
    register.form["email"].input.value = "typed@while.hidden"  # not shown: not taken
    assert register.save() is True
    new = filled.records("stakeholders", P)[-1]
    assert (new.name, new.visibility, new.email, new.power) == ("赵敏", "client", "", 3)


def test_a_follow_up_follows_the_contacts_visibility_until_set(logger):
    first = logger.add_follow_up()
    second = logger.add_follow_up()
    assert first.form["visibility"].input.value == "internal"
    second.form["visibility"].input.value = "internal"  # set by hand
    second.form["visibility"].input.value = "client"
    second.form["visibility"].input.value = "internal"
    logger.form["visibility"].input.value = "client"
    assert first.form["visibility"].input.value == "client"
    assert second.form["visibility"].input.value == "internal"
    assert logger.add_follow_up().form["visibility"].input.value == "client"
    logger.form["visibility"].input.value = "internal"
    assert first.form["visibility"].input.value == "internal"


def test_plan_rows_have_a_visibility(plan, filled):
    assert [r.form["visibility"].input.value for r in plan.rows] == ["client", "internal"]
    plan.rows[1].form["visibility"].input.value = "client"
    assert plan.save() is True
    assert filled.records("communication_plan", P)[1].visibility == "client"


# --- refusing what a person would not mean ---------------------------------------------


def test_a_name_typed_and_not_added_is_refused_not_dropped(logger, filled):
    before = counts(filled)
    fill_contact(logger, who=())
    logger.people.box.value = "Wang Fang"
    assert logger.save() is False
    message = logger.form.errors()["stakeholder_ids"]
    assert "Wang Fang" in message and "+" in message
    assert counts(filled) == before
    assert logger.people.box.value == "Wang Fang"  # still there to fix
    logger.people.add_button.click()  # "+" with a name nobody has
    unknown = t("widgets.contact.unknown_stakeholder", "zh", name="Wang Fang")
    assert logger.form.errors() == {"stakeholder_ids": unknown}
    logger.people.box.value = ""
    assert logger.save() is True


def test_a_known_name_typed_in_full_or_picked_is_added(logger, filled):
    logger.people.box.value = "张伟 · CIO"  # picked from the list, or typed in full
    assert logger.people.value == ["张伟 · CIO"] and logger.people.box.value == ""
    logger.people.box.value = "li na"  # a name only one person has
    assert logger.people.value == ["张伟 · CIO", "Li Na"]
    logger.people.chosen.children[0].click()  # its × removes it
    assert logger.people.value == ["Li Na"]
    logger.form["subject"].input.value = "周会"
    assert logger.save() is True
    assert filled.records("contacts", P)[-1].stakeholder_ids == [2]


def test_a_follow_up_due_before_the_contact_is_refused_under_its_due(logger, filled):
    before = counts(filled)
    fill_contact(logger)  # 2026-03-10 09:30
    row = add_follow_up(logger, "发送会议纪要", due=date(2026, 3, 9))
    same_day = add_follow_up(logger, "当天", due=date(2026, 3, 10))
    assert logger.save() is False
    assert set(row.form.errors()) == {"due"} and "2026-03-10" in row.form.errors()["due"]
    assert same_day.form.errors() == {}
    assert counts(filled) == before


def test_bad_dates_are_refused_under_their_field(logger, filled):
    before = counts(filled)
    fill_contact(logger)
    logger.form["when"].input.value = "昨天下午"
    row = add_follow_up(logger, "发送会议纪要")
    row.form["due"].input.value = "2026-02-30"
    assert logger.save() is False
    assert "不是有效日期" in logger.form.errors()["when"]
    assert "不是有效日期" in row.form.errors()["due"]
    assert counts(filled) == before


def test_dates_are_text_in_the_sessions_format(filled):
    logger = ContactLogger(filled, P, lang="en")
    row = logger.add_follow_up()
    assert row.form["due"].input.placeholder.startswith("e.g. ")
    row.form["title"].input.value = "Send minutes"
    row.form["due"].input.value = "1 Apr 2026"
    logger.form["subject"].input.value = "Weekly"
    logger.form["when"].input.value = "10 Mar 2026 09:30"
    assert logger.save() is True, logger.status.message
    assert filled.records("follow_ups", P)[-1].due == date(2026, 4, 1)


# --- undo and announcements ------------------------------------------------------------


class Heard:
    def __init__(self, store, kinds):
        self.heard = []
        on_change(store, kinds, self.hear)

    def hear(self, kind, _project_id):
        self.heard.append(kind)


def test_undo_a_logged_contact_and_its_follow_ups(logger, filled):
    heard = Heard(filled, {"contacts", "follow_ups"})
    before = counts(filled)
    fill_contact(logger, subject="撤销我")
    add_follow_up(logger, "发送会议纪要")
    assert logger.save() is True
    assert heard.heard == ["contacts", "follow_ups"]
    assert logger.undo.pending and "撤销我" in logger.undo.what
    contact = filled.records("contacts", P)[-1]
    follow_up = filled.records("follow_ups", P)[-1]
    assert logger.undo.undo() is True
    assert counts(filled) == before
    assert "撤销我" not in logger.latest.value
    assert heard.heard == ["contacts", "follow_ups", "contacts", "follow_ups"]
    assert logger.status.level == "ok" and not logger.undo.pending
    history = filled.history(P)
    deleted = history[history["field"] == "deleted"]
    assert set(zip(deleted["record_kind"], deleted["record_id"], strict=True)) == {
        ("contacts", contact.id),
        ("follow_ups", follow_up.id),
    }


def test_undo_a_new_stakeholder_and_an_edit(register, filled):
    heard = Heard(filled, {"stakeholders"})
    register.edit(None)
    register.form["name"].input.value = "赵敏"
    assert register.save() is True
    assert register.undo.undo() is True
    assert [p.name for p in filled.records("stakeholders", P)] == ["张伟", "Li Na"]
    register.edit(1)
    register.form["power"].input.value = 2
    register.form["role"].input.value = "CEO"
    assert register.save() is True
    assert register.undo.undo() is True
    zhang = filled.get("stakeholders", 1)
    assert (zhang.power, zhang.role) == (5, "CIO")
    powers = filled.history(P, kind="stakeholders", record_id=1)
    assert powers[powers["field"] == "power"]["new"].tolist()[-2:] == ["2", "5"]
    assert register.form["role"].input.value == "CIO"
    assert heard.heard == ["stakeholders"] * 4


def test_undo_a_plan_save(plan, filled):
    heard = Heard(filled, {"communication_plan"})
    before = [(i.what, i.cadence_days) for i in filled.records("communication_plan", P)]
    plan.rows[0].form["what"].input.value = "双周报"
    row = plan.add_row()
    row.form["audience"].input.value = "q:monitor"
    row.form["what"].input.value = "月报"
    assert plan.save() is True
    assert plan.undo.undo() is True
    assert [(i.what, i.cadence_days) for i in filled.records("communication_plan", P)] == before
    assert [r.form["what"].input.value for r in plan.rows] == ["周报", "一对一沟通"]
    history = filled.history(P, kind="communication_plan")
    assert "deleted" in set(history["field"])
    assert heard.heard == ["communication_plan"] * 2
    assert plan.propose_defaults() is True
    assert plan.undo.undo() is True
    assert len(filled.records("communication_plan", P)) == len(before)


def test_undo_mark_done(board_store):
    heard = Heard(board_store, {"follow_ups"})
    board = FollowUpBoard(board_store, P, today=TODAY)
    row = board.rows[0]
    assert board.mark_done(row) is True
    assert board.undo.undo() is True
    again = board_store.get("follow_ups", row.follow_up.id)
    assert (again.status, again.done_on) == ("open", None)
    assert board.rows[0].follow_up.title == "very late"
    history = board_store.history(P, kind="follow_ups", record_id=again.id)
    assert history["new"].tolist()[-2:] == ["done", "open"]
    assert heard.heard == ["follow_ups", "follow_ups"]
