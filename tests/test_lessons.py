"""The lessons-learned form of the retrospective, driven like a person would."""

from datetime import date

import pytest

import commlib.lessons
from commlib import Lesson
from commlib.forms import on_change, set_screen_audience
from commlib.lessons import LessonsForm, common_lesson_categories

from .test_risks_widgets import shown

P = "华辰 ERP 升级"
TODAY = date(2026, 9, 30)
SECRET = "SECRET-SENTINEL"


def lessons(store):
    return store.records("lessons", P)


@pytest.fixture
def secrets(filled):
    """An internal lesson, and a client-visible one with internal notes."""
    p = filled.project(P)
    hidden = filled.add(
        Lesson(project_id=p.id, title=f"供应商 {SECRET}", recorded_on=date(2026, 9, 1))
    )
    public = filled.add(
        Lesson(
            project_id=p.id,
            title="每周同步进度",
            category="沟通",
            recommendation="周五发周报",
            recorded_on=date(2026, 9, 2),
            visibility="client",
            notes=f"内部 {SECRET}",
        )
    )
    return hidden, public


@pytest.fixture
def form(filled):
    return LessonsForm(filled, P, today=TODAY)


def fill_form(form, **values):
    defaults = {
        "title": "尽早冻结需求",
        "category": "需求",
        "what_happened": "需求在 UAT 期间仍在变化",
        "recommendation": "蓝图签字后走变更流程",
    }
    form.form.set_values(defaults | values)


def test_the_public_names():
    assert sorted(commlib.lessons.__all__) == ["LessonsForm", "common_lesson_categories"]


def test_labels_in_the_projects_language_and_in_english(filled):
    form = LessonsForm(filled, P, today=TODAY)
    text = shown(form)
    assert "经验教训" in text and "标题" in text and "建议" in text and "保存" in text
    assert "沟通" in form.form["category"].input.options
    assert form.form["recorded_on"].input.value == "2026-09-30"
    assert "尽早确认数据口径" in form.table.value and "记录日期" in form.table.value
    en = LessonsForm(filled, P, lang="en", today=TODAY)
    text = shown(en)
    assert "Lessons learned" in text and "Recommendation" in text and "Save" in text
    assert "Communication" in en.form["category"].input.options
    assert en.form["recorded_on"].input.value == "30 Sep 2026"
    assert "1 Apr 2026" in en.table.value  # the stored lesson, in the session's order
    assert "Internal: stays out of the client view" in shown(en.form["notes"])


def test_save_a_lesson(form, filled):
    heard = Heard(filled)
    before = len(lessons(filled))
    fill_form(form, category="自定义类别", notes="内部备注")
    assert form.save_button.click() is None
    assert form.status.level == "ok", form.status.message
    saved = lessons(filled)[-1]
    assert len(lessons(filled)) == before + 1
    assert (saved.title, saved.category, saved.recorded_on) == ("尽早冻结需求", "自定义类别", TODAY)
    assert saved.visibility == "internal" and saved.notes == "内部备注"
    assert f"#{saved.id}" in form.status.message
    assert "尽早冻结需求" in form.table.value
    assert form.form["title"].input.value == ""  # ready for the next one
    assert "自定义类别" in form.form["category"].input.options  # now offered
    assert heard.kinds == ["lessons"]


def test_a_typed_recording_date(filled):
    form = LessonsForm(filled, P, lang="en", today=TODAY)
    fill_form(form)
    form.form["recorded_on"].input.value = "15 Sep 2026"
    assert form.save(), form.form.errors()
    assert lessons(filled)[-1].recorded_on == date(2026, 9, 15)


def test_problems_show_under_their_fields_and_nothing_is_saved(form, filled):
    before = len(lessons(filled))
    fill_form(form, title="  ")
    form.form["recorded_on"].input.value = "下周"
    assert form.save() is False
    errors = form.form.errors()
    assert set(errors) == {"title", "recorded_on"}  # all at once
    assert "不是有效日期" in errors["recorded_on"]
    assert form.status.level == "error" and "标红" in form.status.message
    assert len(lessons(filled)) == before
    form.form["title"].input.value = "尽早冻结需求"
    form.form["recorded_on"].input.value = ""  # blank: today
    assert form.save() and form.form.errors() == {}
    assert lessons(filled)[-1].recorded_on == TODAY


def test_in_english_the_problem_is_in_english(filled):
    form = LessonsForm(filled, P, lang="en", today=TODAY)
    assert form.save() is False
    assert form.form.errors() == {"title": "must not be empty"}


def test_no_traceback_when_the_store_fails(form, filled, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(filled, "add_all", broken)
    fill_form(form)
    form.save_button.click()
    assert form.status.level == "error" and "RuntimeError" in form.status.message
    assert form.form["title"].input.value == "尽早冻结需求"


# --- client mode ------------------------------------------------------------------------


def test_client_mode_shows_no_internal_lesson_or_field(filled, secrets):
    form = LessonsForm(filled, P, today=TODAY, audience="client")
    text = shown(form)
    assert SECRET not in text
    assert "每周同步进度" in form.table.value
    assert "尽早确认数据口径" not in form.table.value  # internal by default
    assert form.badge.layout.display is None and "客户视图" in form.badge.value
    assert form.form["notes"].layout.display == "none"
    assert form.form["visibility"].input.value == "client"
    fill_form(form)
    assert form.save(), form.form.errors()
    saved = lessons(filled)[-1]
    assert saved.visibility == "client" and saved.notes == ""
    assert "尽早冻结需求" in form.table.value


def test_internal_mode_shows_every_lesson(filled, secrets):
    form = LessonsForm(filled, P, today=TODAY)
    assert form.badge.layout.display == "none"
    assert SECRET in form.table.value and form.form["visibility"].input.value == "internal"


def test_the_screen_switches_live_and_typed_notes_come_back(filled, secrets):
    p = filled.project(P)
    form = LessonsForm(filled, P, today=TODAY)
    form.form["notes"].input.value = f"还在写 {SECRET}"
    set_screen_audience(filled, p.id, "client")
    assert SECRET not in shown(form)
    assert form.badge.layout.display is None and form.form["visibility"].input.value == "client"
    set_screen_audience(filled, p.id, "internal")
    assert form.form["notes"].input.value == f"还在写 {SECRET}"
    assert f"供应商 {SECRET}" in form.table.value
    assert form.form["visibility"].input.value == "internal"


def test_a_fixed_audience_does_not_follow_the_screen(filled, secrets):
    form = LessonsForm(filled, P, today=TODAY, audience="internal")
    set_screen_audience(filled, filled.project(P).id, "client")
    assert SECRET in shown(form)


# --- undo and other widgets ------------------------------------------------------------


class Heard:
    def __init__(self, store):
        self.kinds = []
        on_change(store, {"lessons"}, self.heard)

    def heard(self, kind, _project_id):
        self.kinds.append(kind)


def test_undo_the_last_lesson(form, filled):
    heard = Heard(filled)
    before = len(lessons(filled))
    assert form.undo.layout.display == "none"
    fill_form(form)
    assert form.save()
    saved = lessons(filled)[-1]
    assert f"经验 #{saved.id}" in form.undo.button.tooltip
    form.undo.button.click()
    assert len(lessons(filled)) == before and "尽早冻结需求" not in form.table.value
    assert "已撤销" in form.status.message and form.undo.layout.display == "none"
    assert heard.kinds == ["lessons", "lessons"]


def test_two_forms_of_one_store_stay_in_step(filled):
    one, two = LessonsForm(filled, P, today=TODAY), LessonsForm(filled, P, today=TODAY)
    fill_form(one, title="新经验")
    assert one.save()
    assert "新经验" in two.table.value


def test_categories_follow_the_language():
    from commlib.i18n import language

    with language("en"):
        assert common_lesson_categories()[0] == "Communication"
    with language("zh"):
        assert "干系人" in common_lesson_categories()


def test_the_last_save_of_an_internal_lesson_leaves_the_client_screen(filled):
    p = filled.project(P)
    form = LessonsForm(filled, P, today=TODAY)
    fill_form(form, title=f"供应商 {SECRET}")
    assert form.save()
    assert SECRET in form.status.message and SECRET in form.undo.button.tooltip
    set_screen_audience(filled, p.id, "client")
    assert SECRET not in shown(form) and form.undo.layout.display == "none"
    set_screen_audience(filled, p.id, "internal")
    assert form.undo.layout.display is None and form.undo.undo()
    assert SECRET not in form.table.value
