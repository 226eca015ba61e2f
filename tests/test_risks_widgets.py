"""The risk register, driven like a person would: set values, click, read what shows."""

from datetime import date

import pytest

from commlib import InvalidRecord, Milestone, Problem, Project, Risk, StoreError
from commlib.forms import changed
from commlib.i18n import t
from commlib.risks import RiskMatrix, RiskRegister

P = "华辰 ERP 升级"
TODAY = date(2026, 4, 10)


def shown(widget):
    """Every piece of text a widget shows (labels, descriptions, options, HTML, tooltips)."""
    found = []

    def walk(node):
        for attr in ("value", "description", "placeholder", "tooltip"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                found.append(value)
        found.extend(str(o) for o in getattr(node, "_options_labels", ()))
        found.extend(str(o) for o in getattr(node, "tooltips", ()) or ())
        found.extend(str(o) for o in getattr(node, "options", ()) if isinstance(o, str))
        for child in getattr(node, "children", ()):
            walk(child)

    walk(widget)
    return "\n".join(found)


@pytest.fixture
def register(filled):
    return RiskRegister(filled, P, today=TODAY)


def risks(store):
    return store.records("risks", P)


def fill_form(register, **values):
    defaults = {
        "title": "数据迁移延期",
        "category": "数据",
        "probability": 4,
        "impact": 5,
        "owner": "王芳",
        "trigger": "试迁移匹配率低于 95%",
        "mitigation": "提前做数据画像",
        "contingency": "增加一轮试迁移",
        "status": "open",
        "review_due": date(2026, 4, 24),
        "cost_impact": "12万",
        "schedule_impact_days": "10",
        "visibility": "client",
        "notes": "内部备注",
    }
    register.form.set_values(defaults | values)
    return register


# --- showing ----------------------------------------------------------------------------


def test_the_register_speaks_the_projects_language(register):
    text = shown(register)
    assert "风险" in text and "关键用户离职" in text
    assert "1 很低" in text and "5 很高" in text  # the scales have words
    assert "很高: >70%" in text and "很低: <10%" in text  # and probability its bands
    assert "+ 新增风险" in text
    assert "进度" in text and "预算" in text  # common categories
    assert "UAT 完成 (2026-05-15)" in text  # the project's milestones


def test_the_register_in_english(filled):
    text = shown(RiskRegister(filled, P, lang="en", today=TODAY))
    assert "1 Very low" in text and "+ new risk" in text and "Schedule" in text


def test_the_table_has_every_column_and_marks_overdue_reviews(register):
    table = register.table.value
    heads = "编号 标题 类别 概率 影响 分值 等级 负责人 状态 复核日期"
    for head in heads.split():
        assert f">{head}</th>" in table, head
    assert "关键用户离职" in table and ">16<" in table and "高" in table
    assert "commlib-overdue" in table and "⚠ 2026-04-01" in table
    assert "复核已逾期 9 天" in table
    assert register.overdue() == [risks(register.store)[0].id]


def test_a_review_due_in_the_future_is_not_marked(filled):
    register = RiskRegister(filled, P, today=date(2026, 3, 20))
    assert "commlib-overdue" not in register.table.value and register.overdue() == []


def test_closed_risks_are_listed_after_live_ones_and_not_overdue(filled):
    p = filled.project(P)
    filled.add(Risk(project_id=p.id, title="已关闭", status="closed", review_due=date(2026, 1, 1)))
    filled.add(Risk(project_id=p.id, title="小风险", probability=1, impact=1))
    register = RiskRegister(filled, P, today=TODAY)
    table = register.table.value
    assert table.index("关键用户离职") < table.index("小风险") < table.index("已关闭")
    assert len(register.overdue()) == 1


def test_an_empty_register(store):
    store.add(Project(name="empty", client="c", start=date(2026, 3, 1), language="en"))
    register = RiskRegister(store, "empty", today=TODAY)
    assert "No risks recorded yet." in register.table.value


# --- the live assessment ----------------------------------------------------------------


def test_score_level_and_emv_follow_the_scales(register):
    assert register.score == 9 and register.level == "medium"
    assert "分值 9 = 3 × 3" in register.assessment.value and ">中<" in register.assessment.value
    assert "30–50%" in register.probability_hint.value
    assert register.emv.value == ""  # no cost yet
    form = register.form
    form["probability"].input.value = 5
    form["impact"].input.value = 4
    assert register.score == 20 and register.level == "critical"
    assert "分值 20 = 5 × 4" in register.assessment.value and ">极高<" in register.assessment.value
    assert "&gt;70%" in register.probability_hint.value
    form["cost_impact"].input.value = "12万"
    assert "102,000" in register.emv.value and "85% × 120,000" in register.emv.value
    form["probability"].input.value = 2
    assert "24,000" in register.emv.value and "20% × 120,000" in register.emv.value
    form["cost_impact"].input.value = "not a number"
    assert register.emv.value == ""  # the problem shows when saving


def test_another_matrix_and_another_calibration(filled):
    strict = RiskMatrix.from_thresholds(medium=4, high=8, critical=15)
    percent = {1: 0.1, 2: 0.3, 3: 0.5, 4: 0.7, 5: 0.9}
    register = RiskRegister(filled, P, today=TODAY, matrix=strict, percent=percent)
    assert register.level == "high"  # 3 x 3 = 9
    register.form["cost_impact"].input.value = "1000"
    assert register.emv.value == "预期货币价值 ≈ 500（50% × 1,000）"
    assert "极高" in register.table.value  # 4 x 4 = 16 is critical here


# --- adding -----------------------------------------------------------------------------


def test_add_a_risk(register, filled):
    milestone = filled.records("milestones", P)[0]
    fill_form(register, milestone_id=milestone.id)
    assert register.save_button.click() is None
    assert register.status.level == "ok", register.status.message
    saved = risks(filled)[-1]
    assert saved.title == "数据迁移延期" and saved.category == "数据"
    assert (saved.probability, saved.impact, saved.score) == (4, 5, 20)
    assert saved.cost_impact == 120_000.0 and saved.schedule_impact_days == 10
    assert saved.milestone_id == milestone.id and saved.visibility == "client"
    assert saved.review_due == date(2026, 4, 24) and saved.notes == "内部备注"
    assert f"#{saved.id}" in register.status.message
    assert "数据迁移延期" in register.table.value
    # the form is ready for the next one
    assert register.chooser.value == RiskRegister.NEW
    assert register.form["title"].input.value == ""
    assert register.form["review_due"].input.value == "2026-04-24"  # today + 14
    assert register.form["milestone_id"].input.value == 0
    assert "数据" in register.form["category"].input.options


def test_a_new_risk_with_nothing_optional(register, filled):
    register.form["title"].input.value = "Minimal"
    register.form["owner"].input.value = "王芳"
    register.form["review_due"].input.value = ""
    assert register.save()
    saved = risks(filled)[-1]
    assert (saved.cost_impact, saved.schedule_impact_days, saved.milestone_id) == (None,) * 3
    assert saved.review_due is None and (saved.probability, saved.impact) == (3, 3)


# --- editing ----------------------------------------------------------------------------


def test_choosing_a_risk_loads_it_and_shows_its_changes(register, filled):
    risk = risks(filled)[0]
    register.edit(risk.id)
    form = register.form
    assert form["title"].input.value == "关键用户离职"
    assert (form["probability"].input.value, form["impact"].input.value) == (4, 4)
    assert form["cost_impact"].input.value == "12,500.5"
    assert register.score == 16 and ">高<" in register.assessment.value
    assert "7,500.3" in register.emv.value  # 60% x 12,500.5
    assert f"风险 #{risk.id} 的变更记录" in register.history.value
    assert "概率: 2 → 4" in register.history.value
    register.edit(None)
    assert form["title"].input.value == "" and register.history.value == ""


def test_edit_keeps_the_history(register, filled):
    risk = risks(filled)[0]
    register.edit(risk.id)
    register.form["probability"].input.value = 2
    register.form["status"].input.value = "mitigating"
    register.form["mitigation"].input.value = "每个模块培养后备关键用户"
    register.form["cost_impact"].input.value = "8,000"
    register.save_button.click()
    assert register.status.level == "ok", register.status.message
    stored = filled.get("risks", risk.id)
    assert (stored.probability, stored.status, stored.cost_impact) == (2, "mitigating", 8000.0)
    history = filled.history(P, kind="risks", record_id=risk.id)
    changes = {(c.field, c.old, c.new) for c in history.itertuples()}
    assert ("probability", "2", "4") in changes  # the earlier change is still there
    assert ("probability", "4", "2") in changes
    assert ("status", "open", "mitigating") in changes
    assert ("mitigation", "", "每个模块培养后备关键用户") in changes
    assert ("cost_impact", "12500.5", "8000.0") in changes
    assert register.chooser.value == risk.id  # still editing it
    assert "状态: 未处理 → 缓解中" in register.history.value
    assert len(risks(filled)) == 1


def test_saving_without_changes_adds_no_history(register, filled):
    risk = risks(filled)[0]
    before = len(filled.history(P, kind="risks"))
    register.edit(risk.id)
    assert register.save()
    assert len(filled.history(P, kind="risks")) == before


# --- problems ---------------------------------------------------------------------------


def test_an_invalid_value_shows_next_to_its_field_and_writes_nothing(register, filled):
    before = len(risks(filled))
    fill_form(register, title="", cost_impact="about ten thousand", schedule_impact_days="2周")
    assert register.save() is False
    errors = register.form.errors()
    assert set(errors) == {"title", "cost_impact", "schedule_impact_days"}  # all at once
    assert "不是金额" in errors["cost_impact"]
    assert "不是整数天数" in errors["schedule_impact_days"]
    assert register.status.level == "error" and "标红" in register.status.message
    assert len(risks(filled)) == before
    # fixing them clears the marks
    register.form["title"].input.value = "数据迁移延期"
    register.form["cost_impact"].input.value = "10000"
    register.form["schedule_impact_days"].input.value = "14"
    assert register.save() and register.form.errors() == {}
    assert len(risks(filled)) == before + 1


def test_the_models_rules_show_under_their_fields(register, filled):
    before = len(risks(filled))
    fill_form(register, cost_impact="-5", schedule_impact_days="-3")
    assert register.save() is False
    assert set(register.form.errors()) == {"cost_impact", "schedule_impact_days"}
    assert len(risks(filled)) == before


def test_an_invalid_edit_writes_nothing(register, filled):
    risk = risks(filled)[0]
    register.edit(risk.id)
    register.form["title"].input.value = "  "
    register.form["probability"].input.value = 1
    assert register.save() is False
    assert "title" in register.form.errors()
    stored = filled.get("risks", risk.id)
    assert stored.title == "关键用户离职" and stored.probability == 4


def test_no_traceback_when_the_store_raises_unexpectedly(register, filled, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(filled, "add", broken)
    fill_form(register)
    register.save_button.click()  # does not raise
    assert register.status.level == "error"
    assert t("widgets.unexpected", "zh", error="RuntimeError") == register.status.message
    assert isinstance(register.form.last_error, RuntimeError)
    assert register.form["title"].input.value == "数据迁移延期"  # the input is kept
    monkeypatch.undo()
    assert register.save() and register.status.level == "ok"


def test_a_store_error_on_update_shows_its_message(register, filled, monkeypatch):
    def locked(*_args, **_kwargs):
        raise StoreError("the store is locked by another program")

    register.edit(risks(filled)[0].id)
    monkeypatch.setattr(filled, "update", locked)
    register.form["probability"].input.value = 1
    assert register.save() is False
    assert register.status.message == "the store is locked by another program"


def test_a_store_refusal_shows_under_the_field(register, filled, monkeypatch):
    def wrong_owner(*_args, **_kwargs):
        raise InvalidRecord([Problem("owner", "王芳", "owner has left")])

    monkeypatch.setattr(filled, "add", wrong_owner)
    fill_form(register)
    assert register.save() is False
    assert register.form.errors() == {"owner": "owner has left"}


# --- parsing ----------------------------------------------------------------------------


# --- other widgets of the same store ----------------------------------------------------


def test_two_registers_of_one_store_stay_in_step(filled):
    one = RiskRegister(filled, P, today=TODAY)
    two = RiskRegister(filled, P, today=TODAY)
    fill_form(one, title="新风险")
    assert one.save()
    assert "新风险" in two.table.value
    assert any("新风险" in str(label) for label, _ in two.chooser.options)


def test_a_new_milestone_reaches_the_dropdown(filled):
    register = RiskRegister(filled, P, today=TODAY)
    p = filled.project(P)
    m = filled.add(
        Milestone(
            project_id=p.id,
            name="上线",
            baseline_due=date(2026, 6, 1),
            current_due=date(2026, 6, 1),
        )
    )
    changed(filled, "milestones", p.id)
    assert ("上线 (2026-06-01)", m.id) in register.milestone_input.options


def test_emptying_a_required_field_on_edit_is_reported_not_ignored(store):
    from commlib import Project, Risk
    from commlib.risks import RiskRegister

    p = store.add(Project(name="P", client="C", start=__import__("datetime").date(2026, 1, 5)))
    risk = store.add(Risk(project_id=p.id, title="Key user leaves"))
    register = RiskRegister(store, p.id, lang="en")
    register.edit(risk.id)
    register.form["title"].input.value = ""
    assert register.save() is False
    assert register.form.errors()["title"] == "must not be empty"
    assert store.get("risks", risk.id).title == "Key user leaves"


# --- client mode ------------------------------------------------------------------------

SECRET = "SECRET-SENTINEL"


@pytest.fixture
def secrets(filled):
    """An internal risk, and a client-visible one with internal notes."""
    p = filled.project(P)
    hidden = filled.add(Risk(project_id=p.id, title=f"裁员 {SECRET}", owner=f"HR {SECRET}"))
    public = filled.add(
        Risk(
            project_id=p.id,
            title="接口延期",
            owner="张伟",
            category="接口",
            visibility="client",
            notes=f"供应商报价 {SECRET}",
        )
    )
    return hidden, public


def test_client_mode_shows_no_internal_record_or_field(filled, secrets):
    _hidden, public = secrets
    register = RiskRegister(filled, P, today=TODAY, audience="client")
    text = shown(register)
    assert SECRET not in text
    assert "接口延期" in text and "关键用户离职" not in text  # the fixture's risk is internal
    assert "Li Na" not in register.form["owner"].input.options  # an internal stakeholder
    assert "张伟" in register.form["owner"].input.options
    assert "UAT 完成" not in text  # an internal milestone
    assert register.badge.layout.display is None and "客户视图" in register.badge.value
    assert register.form["notes"].layout.display == "none"
    assert register.form["visibility"].input.value == "client"  # the default here
    register.edit(public.id)
    assert SECRET not in shown(register) and register.form["notes"].input.value == ""
    assert [v for _, v in register.chooser.options] == [RiskRegister.NEW, public.id]


def test_internal_mode_shows_everything_and_says_notes_stay_internal(filled, secrets):
    register = RiskRegister(filled, P, today=TODAY)
    assert register.badge.layout.display == "none"
    assert SECRET in shown(register) and register.form["visibility"].input.value == "internal"
    assert "仅内部" in shown(register.form["notes"])
    en = RiskRegister(filled, P, lang="en", today=TODAY)
    assert "Internal: stays out of the client view" in shown(en.form["notes"])


def test_the_screen_switches_live_and_typed_notes_come_back(filled, secrets):
    from commlib.forms import set_screen_audience

    _hidden, public = secrets
    p = filled.project(P)
    register = RiskRegister(filled, P, today=TODAY)
    register.edit(public.id)
    register.form["notes"].input.value = f"还在写 {SECRET}"
    set_screen_audience(filled, p.id, "client")
    assert SECRET not in shown(register) and register.badge.layout.display is None
    assert register.chooser.value == public.id  # still editing it: it is client-visible
    set_screen_audience(filled, p.id, "internal")
    assert register.badge.layout.display == "none"
    assert register.form["notes"].input.value == f"还在写 {SECRET}"
    assert f"裁员 {SECRET}" in register.table.value


def test_a_fixed_audience_does_not_follow_the_screen(filled, secrets):
    from commlib.forms import set_screen_audience

    register = RiskRegister(filled, P, today=TODAY, audience="internal")
    set_screen_audience(filled, filled.project(P).id, "client")
    assert SECRET in shown(register)


def test_an_edit_in_client_mode_keeps_the_notes_and_internal_milestone(filled, secrets):
    _hidden, public = secrets
    milestone = filled.records("milestones", P)[0]
    filled.update("risks", public.id, milestone_id=milestone.id)
    register = RiskRegister(filled, P, today=TODAY, audience="client")
    register.edit(public.id)
    assert register.form["milestone_id"].input.value == 0  # not shown
    register.form["probability"].input.value = 5
    assert register.save(), register.form.errors()
    stored = filled.get("risks", public.id)
    assert stored.probability == 5 and stored.notes == f"供应商报价 {SECRET}"
    assert stored.milestone_id == milestone.id


def test_a_new_risk_in_client_mode_is_client_visible(filled):
    register = RiskRegister(filled, P, today=TODAY, audience="client")
    register.form.set_values({"title": "现场网络", "owner": "张伟"})
    assert register.save(), register.form.errors()
    saved = risks(filled)[-1]
    assert saved.visibility == "client" and saved.notes == ""
    assert "现场网络" in register.table.value
    assert register.form["visibility"].input.value == "client"  # ready for the next one


# --- the register's own rules -----------------------------------------------------------


def test_a_new_risk_with_a_past_review_date_is_refused(register, filled):
    before = len(risks(filled))
    fill_form(register, review_due=date(2026, 4, 9))
    assert register.save() is False
    errors = register.form.errors()
    assert set(errors) == {"review_due"}
    assert "2026-04-09 已过去" in errors["review_due"] and "2026-04-10" in errors["review_due"]
    assert len(risks(filled)) == before
    fill_form(register, review_due=TODAY)  # today is fine
    assert register.save() and len(risks(filled)) == before + 1


def test_a_past_review_date_in_english(filled):
    register = RiskRegister(filled, P, lang="en", today=TODAY)
    fill_form(register, review_due=date(2026, 4, 1))
    assert register.save() is False
    assert register.form.errors()["review_due"] == (
        "1 Apr 2026 is in the past: a review is due today (10 Apr 2026) or later"
    )


def test_moving_a_review_date_into_the_past_is_refused(filled):
    p = filled.project(P)
    risk = filled.add(Risk(project_id=p.id, title="X", owner="王芳", review_due=date(2026, 5, 1)))
    register = RiskRegister(filled, P, today=TODAY)
    register.edit(risk.id)
    register.form["review_due"].input.value = "2026-04-01"
    assert register.save() is False and set(register.form.errors()) == {"review_due"}
    assert filled.get("risks", risk.id).review_due == date(2026, 5, 1)


def test_editing_a_risk_whose_stored_review_date_passed_saves_and_says_so(register, filled):
    risk = risks(filled)[0]  # review due 2026-04-01, no owner: stored before the rules
    register.edit(risk.id)
    register.form["impact"].input.value = 5
    assert register.save(), register.form.errors()
    assert filled.get("risks", risk.id).impact == 5
    assert register.status.level == "ok"
    assert "2026-04-01 仍已过去" in register.status.message
    assert "仍无负责人" in register.status.message


def test_a_closed_risk_may_keep_a_past_review_date(register, filled):
    fill_form(register, status="closed", review_due=date(2026, 3, 1))
    assert register.save(), register.form.errors()


def test_a_risk_needs_an_owner(register, filled):
    before = len(risks(filled))
    fill_form(register, owner="  ")
    assert register.save() is False
    assert register.form.errors() == {"owner": "每个风险都需要负责人：由谁跟踪并采取行动"}
    assert len(risks(filled)) == before


def test_an_owner_cannot_be_removed(register, filled):
    p = filled.project(P)
    risk = filled.add(Risk(project_id=p.id, title="X", owner="王芳"))
    register.refresh()
    register.edit(risk.id)
    register.form["owner"].input.value = ""
    assert register.save() is False and set(register.form.errors()) == {"owner"}
    assert filled.get("risks", risk.id).owner == "王芳"


def test_a_register_without_the_owner_rule(filled):
    register = RiskRegister(filled, P, today=TODAY, require_owner=False)
    fill_form(register, owner="")
    assert register.save() and risks(filled)[-1].owner == ""


# --- dates in the session's language ----------------------------------------------------


def test_review_dates_are_typed_in_the_sessions_order(filled):
    register = RiskRegister(filled, P, lang="en", today=TODAY)
    assert register.form["review_due"].input.value == "24 Apr 2026"
    assert "e.g." in register.form["review_due"].input.placeholder
    register.edit(risks(filled)[0].id)
    assert register.form["review_due"].input.value == "1 Apr 2026"
    assert "1 Apr 2026" in register.table.value
    register.edit(None)
    fill_form(register)
    register.form["review_due"].input.value = "2 May 2026"
    assert register.save(), register.form.errors()
    assert risks(filled)[-1].review_due == date(2026, 5, 2)


def test_a_review_date_that_is_not_a_date(register, filled):
    before = len(risks(filled))
    fill_form(register)
    register.form["review_due"].input.value = "下周"
    assert register.save() is False
    assert "不是有效日期" in register.form.errors()["review_due"]
    assert len(risks(filled)) == before


# --- undo and announcements -------------------------------------------------------------


class Heard:
    def __init__(self, store):
        self.kinds = []
        from commlib.forms import on_change

        on_change(store, {"risks"}, self.heard)

    def heard(self, kind, _project_id):
        self.kinds.append(kind)


def test_undo_an_added_risk(register, filled):
    heard = Heard(filled)
    before = len(risks(filled))
    assert register.undo.layout.display == "none"
    fill_form(register)
    assert register.save() and heard.kinds == ["risks"]
    saved = risks(filled)[-1]
    assert register.undo.layout.display is None
    assert f"#{saved.id}" in register.undo.button.tooltip
    register.undo.button.click()
    assert len(risks(filled)) == before and "数据迁移延期" not in register.table.value
    assert register.status.level == "ok" and "已撤销" in register.status.message
    assert heard.kinds == ["risks", "risks"]
    assert register.undo.layout.display == "none"


def test_undo_an_edit_writes_the_old_values_back_and_keeps_the_history(register, filled):
    heard = Heard(filled)
    risk = risks(filled)[0]
    register.edit(risk.id)
    register.form["probability"].input.value = 1
    register.form["mitigation"].input.value = "备份关键用户"
    assert register.save()
    assert register.undo.undo()
    stored = filled.get("risks", risk.id)
    assert (stored.probability, stored.mitigation) == (4, "")
    assert register.form["probability"].input.value == 4  # the form shows it too
    changes = {
        (c.field, c.old, c.new)
        for c in filled.history(P, kind="risks", record_id=risk.id).itertuples()
    }
    assert {("probability", "4", "1"), ("probability", "1", "4")} <= changes
    assert ("mitigation", "备份关键用户", "") in changes
    assert heard.kinds == ["risks", "risks"]


def test_the_undo_button_speaks_english(filled):
    register = RiskRegister(filled, P, lang="en", today=TODAY)
    assert register.undo.button.description == "Undo"
    fill_form(register)
    assert register.save()
    assert register.undo.button.tooltip.startswith("Take back the last save: added risk #")


def test_the_last_save_of_an_internal_risk_leaves_the_client_screen(filled):
    from commlib.forms import set_screen_audience

    p = filled.project(P)
    register = RiskRegister(filled, P, today=TODAY)
    fill_form(register, title=f"裁员 {SECRET}", visibility="internal")
    assert register.save()
    assert SECRET in register.status.message and SECRET in register.undo.button.tooltip
    set_screen_audience(filled, p.id, "client")
    assert SECRET not in shown(register) and register.undo.layout.display == "none"
    set_screen_audience(filled, p.id, "internal")
    assert register.undo.layout.display is None and register.undo.undo()
    assert SECRET not in register.table.value


# --- an occurred risk raised as an issue ------------------------------------------------


def test_an_occurred_risk_is_raised_as_an_issue_once(register, filled):
    heard = []

    class Listener:
        def heard(self, kind, _project_id):
            heard.append(kind)

    listener = Listener()
    from commlib.forms import on_change

    on_change(filled, {"issues"}, listener.heard)
    risk = risks(filled)[0]
    filled.update("issues", 1, risk_id=None)  # the fixture's issue came from this risk
    register.edit(risk.id)
    assert register.raise_button.layout.display == "none"  # open: nothing to raise yet
    register.form["status"].input.value = "occurred"
    assert register.save()
    assert register.raise_button.layout.display is None
    assert register.raise_button.description == "提为问题"
    before = len(filled.records("issues", P))
    register.raise_button.click()
    raised = filled.records("issues", P)[-1]
    assert len(filled.records("issues", P)) == before + 1
    assert raised.risk_id == risk.id and raised.title == risk.title and raised.raised_on == TODAY
    assert f"#{raised.id}" in register.status.message and register.status.level == "ok"
    assert heard == ["issues"]
    assert not register.raise_issue()  # a second time is refused, naming the issue
    assert "已提为问题" in register.status.message and register.status.level == "error"
    assert len(filled.records("issues", P)) == before + 1
    register.edit(None)
    assert register.raise_button.layout.display == "none"
