"""The issue log, driven like a person would: set values, click, read what shows."""

from datetime import date

import pytest

from commlib import Issue
from commlib.forms import on_change, set_screen_audience
from commlib.issues.widgets import IssueLog

from .test_risks_widgets import shown

P = "华辰 ERP 升级"
TODAY = date(2026, 4, 20)
SECRET = "SECRET-SENTINEL"


@pytest.fixture
def log(filled):
    return IssueLog(filled, P, today=TODAY)


def issues(store):
    return store.records("issues", P)


def fill_form(log, **values):
    defaults = {
        "title": "测试环境宕机",
        "description": "集成测试环境连续两天不可用",
        "raised_on": date(2026, 4, 15),
        "impact": "schedule",
        "severity": 4,
        "owner": "王芳",
        "solution": "临时切换到培训环境",
        "target_date": date(2026, 4, 25),
        "visibility": "client",
    }
    log.form.set_values(defaults | values)


class Heard:
    def __init__(self, store):
        self.kinds = []
        on_change(store, {"issues"}, self.heard)

    def heard(self, kind, _project_id):
        self.kinds.append(kind)


# --- showing ----------------------------------------------------------------------------


def test_the_log_speaks_the_projects_language(log):
    text = shown(log)
    assert "问题" in text and "主数据质量不达标" in text and "+ 新问题" in text
    assert "严重程度" in text and "解决方案 / 行动计划" in text and "质量" in text
    assert "张伟" in text and "UAT 完成" in text and "关键用户离职" in text
    en = shown(IssueLog(log.store, P, lang="en", today=TODAY))
    assert "+ new issue" in en and "Target date" in en and "5 critical" in en


def test_the_table_lists_open_issues_first_and_marks_overdue_targets(log):
    table = log.table.value
    for head in [
        "编号",
        "标题",
        "影响",
        "严重程度",
        "负责人",
        "状态",
        "提出日期",
        "目标日期",
        "解决日期",
    ]:
        assert f">{head}</th>" in table, head
    assert table.index("主数据质量不达标") < table.index("接口联调延误")
    assert "commlib-overdue" in table and "⚠ 2026-04-10" in table and "逾期 10 天" in table
    assert log.overdue() == [issues(log.store)[0].id]
    later = IssueLog(log.store, P, today=date(2026, 4, 1))
    assert later.overdue() == [] and "commlib-overdue" not in later.table.value


def test_an_empty_log(store):
    from commlib import Project

    store.add(Project(name="empty", client="c", start=date(2026, 3, 1), language="en"))
    assert "No issues yet." in IssueLog(store, "empty", today=TODAY).table.value


# --- saving -----------------------------------------------------------------------------


def test_a_new_issue_is_added_and_announced(log, filled):
    heard = Heard(filled)
    fill_form(log, raised_by=filled.records("stakeholders", P)[0].id)
    assert log.save()
    saved = issues(filled)[-1]
    assert (saved.title, saved.severity, saved.target_date) == (
        "测试环境宕机",
        4,
        date(2026, 4, 25),
    )
    assert saved.raised_by == 1 and saved.risk_id is None and saved.visibility == "client"
    assert f"#{saved.id}" in log.status.message and log.status.level == "ok"
    assert heard.kinds == ["issues"]
    assert "测试环境宕机" in log.table.value and log.chooser.value == IssueLog.NEW
    assert log.form["title"].input.value == ""  # ready for the next one


def test_an_edit_keeps_the_history(log, filled):
    first = issues(filled)[0]
    log.edit(first.id)
    assert log.form["title"].input.value == "主数据质量不达标"
    assert log.form["milestone_id"].input.value == first.milestone_id
    log.form["status"].input.value = "in_progress"
    log.form["severity"].input.value = 5
    log.form["owner"].input.value = "Li Na"
    assert log.save()
    again = filled.get("issues", first.id)
    assert (again.status, again.severity, again.owner) == ("in_progress", 5, "Li Na")
    history = filled.history(P, kind="issues", record_id=first.id)
    assert set(history["field"]) == {"status", "severity", "owner"}
    shown_history = log.history.value
    assert f"问题 #{first.id} 的变更记录" in shown_history
    assert "状态: 未处理 → 处理中" in shown_history and "严重程度: 4 → 5" in shown_history


def test_refusals_a_person_would_not_mean(log, filled):
    before = len(issues(filled))
    fill_form(log, title="  ", target_date=date(2026, 4, 1))
    assert not log.save()
    errors = log.form.errors()
    assert set(errors) == {"title", "target_date"}
    assert "早于问题提出日期" in errors["target_date"] and "2026-04-15" in errors["target_date"]
    fill_form(log)
    log.form["raised_on"].input.value = "yesterday-ish"
    assert not log.save() and "raised_on" in log.form.errors()
    fill_form(log, status="resolved", resolved_on=date(2026, 5, 1))
    assert not log.save() and "尚未到来" in log.form.errors()["resolved_on"]
    fill_form(log, status="open", resolved_on=date(2026, 4, 18))
    assert not log.save() and "未解决的问题没有解决日期" in log.form.errors()["resolved_on"]
    assert len(issues(filled)) == before and log.status.level == "error"


def test_resolving_fills_in_today_and_reopening_clears_it(log, filled):
    first = issues(filled)[0]
    log.edit(first.id)
    log.form["status"].input.value = "resolved"
    assert log.form["resolved_on"].input.value == "2026-04-20"
    log.form["status"].input.value = "closed"
    assert log.form["resolved_on"].input.value == "2026-04-20"  # kept
    log.form["resolved_on"].input.value = "2026-04-19"
    assert log.save()
    assert filled.get("issues", first.id).resolved_on == date(2026, 4, 19)
    log.form["status"].input.value = "open"
    assert log.form["resolved_on"].input.value == ""


def test_a_cleared_resolution_date_is_refused_under_its_field(log):
    fill_form(log, status="resolved")
    log.form["resolved_on"].input.value = ""
    assert not log.save()
    assert log.form.errors()["resolved_on"] == "已解决或已关闭的问题须填写解决日期"


# --- undo -------------------------------------------------------------------------------


def test_undo_an_added_issue(log, filled):
    before = len(issues(filled))
    heard = Heard(filled)
    assert log.undo.layout.display == "none"
    fill_form(log)
    assert log.save()
    saved = issues(filled)[-1]
    assert log.undo.layout.display is None and f"#{saved.id}" in log.undo.button.tooltip
    log.undo.button.click()
    assert len(issues(filled)) == before and "测试环境宕机" not in log.table.value
    assert "已撤销" in log.status.message and f"#{saved.id}" in log.status.message
    assert heard.kinds == ["issues", "issues"] and log.undo.layout.display == "none"


def test_undo_an_edit_writes_the_old_values_back(log, filled):
    first = issues(filled)[0]
    log.edit(first.id)
    log.form["solution"].input.value = "换一种方案"
    assert log.save()
    assert log.undo.undo()
    assert filled.get("issues", first.id).solution == first.solution
    fields = filled.history(P, kind="issues", record_id=first.id)["field"].tolist()
    assert fields == ["solution", "solution"]


# --- client mode ------------------------------------------------------------------------


@pytest.fixture
def secret(filled):
    p = filled.project(P)
    return filled.add(
        Issue(
            project_id=p.id,
            title=f"裁员传闻 {SECRET}",
            raised_on=date(2026, 4, 1),
            owner=f"HR {SECRET}",
            notes=SECRET,
        )
    )


def test_client_mode_hides_internal_issues_and_fields(filled, secret):
    log = IssueLog(filled, P, today=TODAY, audience="client")
    text = shown(log)
    assert SECRET not in text and "INTERNAL-SENTINEL" not in text
    assert "主数据质量不达标" in text and "接口联调延误" not in text
    assert "关键用户离职" not in text and "UAT 完成" not in text  # internal risk, milestone
    assert "Li Na" not in text  # an internal stakeholder
    assert log.badge.layout.display is None and log.form["notes"].layout.display == "none"
    assert log.form["visibility"].input.value == "client"
    assert [v for _, v in log.chooser.options] == [IssueLog.NEW, 1]


def test_an_edit_in_client_mode_keeps_notes_and_internal_references(filled):
    filled.update("issues", 1, notes=f"内部 {SECRET}")
    log = IssueLog(filled, P, today=TODAY, audience="client")
    log.edit(1)
    assert SECRET not in shown(log) and log.form["risk_id"].input.value == 0
    log.form["severity"].input.value = 2
    assert log.save()
    again = filled.get("issues", 1)
    assert again.severity == 2 and again.notes == f"内部 {SECRET}"
    assert again.risk_id is not None and again.milestone_id is not None


def test_the_screen_switches_live(filled, secret):
    p = filled.project(P)
    log = IssueLog(filled, P, today=TODAY)
    assert SECRET in shown(log)
    log.edit(secret.id)
    assert log.save() and SECRET in log.undo.button.tooltip
    set_screen_audience(filled, p.id, "client")
    assert SECRET not in shown(log) and log.undo.layout.display == "none"
    set_screen_audience(filled, p.id, "internal")
    assert SECRET in log.table.value and log.undo.layout.display is None
