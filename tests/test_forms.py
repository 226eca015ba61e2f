"""The form plumbing: fields with their error labels, the status line, Form.run, changes."""

import gc
import re
from datetime import date, datetime

import ipywidgets as w
import pytest

from commlib import Conflict, InvalidRecord, Problem, Stakeholder
from commlib.forms import (
    Checker,
    Field,
    Form,
    FormInvalid,
    ProjectWidget,
    StatusLine,
    Undo,
    changed,
    date_input,
    date_suggestions,
    format_date,
    format_moment,
    moment_input,
    on_change,
    parse_date,
    parse_moment,
    screen_audience,
    set_screen_audience,
)
from commlib.i18n import language, t


def stakeholder_form(lang="en"):
    return Form(
        [
            Field("name", w.Text()),
            Field("email", w.Text()),
            Field("power", w.IntText(value=3)),
        ],
        lang=lang,
    )


def test_a_field_has_a_label_an_input_and_a_hidden_error_label():
    field = Field("email", w.Text(value="x"))
    assert field.label.value == "E-mail"
    assert field.value == "x"
    assert field.error.value == "" and field.error.layout.display == "none"
    assert field.error in field.children


def test_field_labels_follow_the_language():
    from commlib import language

    with language("zh"):
        assert Field("email", w.Text()).label.value == "电子邮箱"
    assert Field("email", w.Text(), label="").label.value == ""


def test_an_error_shows_under_its_field_escaped_and_clears():
    field = Field("name", w.Text())
    field.show_error("must not be <empty>")
    assert field.message == "must not be <empty>"
    assert "&lt;empty&gt;" in field.error.value and "color:" in field.error.value
    assert field.error.layout.display is None
    field.show_error("second")
    assert field.message == "must not be <empty>; second"
    field.clear_error()
    assert field.message == "" and field.error.value == ""


def test_reset_puts_back_the_default_or_a_fresh_one():
    calls = []
    fresh = Field("when", w.Text(), default=lambda: f"now{len(calls)}")
    fresh.input.value = "typed"
    calls.append(1)
    fresh.reset()
    assert fresh.input.value == "now1"
    plain = Field("name", w.Text(value="start"))
    plain.input.value = "typed"
    plain.show_error("bad")
    plain.reset()
    assert plain.input.value == "start" and plain.message == ""


def test_parse_and_required():
    form = Form(
        [
            Field("n", w.Text(value="4"), label="", parse=int),
            Field("when", w.Text(value=""), label="", required=True),
        ]
    )
    assert form.values() == {"n": 4, "when": ""}  # passed on, so the model says it is empty
    form["when"].input.value = "today"
    assert form.values() == {"n": 4, "when": "today"}


def test_status_line():
    status = StatusLine()
    status.ok("Saved <b>")
    assert status.level == "ok" and status.message == "Saved <b>" and "&lt;b&gt;" in status.value
    status.error("bad")
    assert status.level == "error" and "#c62828" in status.value
    status.clear()
    assert status.message == "" and status.value == ""


def test_run_puts_each_problem_next_to_its_field_and_nothing_else():
    form = stakeholder_form()
    form["email"].input.value = "not-an-address"
    ok = form.run(lambda: Stakeholder(project_id=1, **form.values()))
    assert ok is False
    errors = form.errors()
    assert set(errors) == {"name", "email"}  # every problem at once, each under its field
    assert "empty" in errors["name"] and "e-mail" in errors["email"]
    assert form["power"].message == ""
    form["name"].input.value = "Ann"
    assert form.run(lambda: Stakeholder(project_id=1, **form.values())) is False
    assert set(form.errors()) == {"email"}
    assert "e-mail" in form.errors()["email"]
    assert "fix" in form.status.message and form.status.level == "error"


def test_messages_are_in_the_forms_language():
    form = stakeholder_form(lang="zh")
    form["name"].input.value = "张伟"
    form["email"].input.value = "bad"
    form.run(lambda: Stakeholder(project_id=1, **form.values()))
    assert form.errors()["email"].startswith("不是有效邮箱")
    assert form.status.message.startswith("未保存")


def test_problems_without_a_field_go_to_the_status_line():
    form = stakeholder_form()

    def action():
        raise InvalidRecord([Problem("project_id", 9, "unknown project")])

    assert form.run(action) is False
    assert form.errors() == {}
    assert "unknown project" in form.status.message


def test_aliases_and_dotted_fields():
    form = Form([Field("audience", w.Text()), Field("ids", w.Text())], aliases={"-": "audience"})
    left = form.show_problems(
        [Problem("-", None, "one or the other"), Problem("ids.1", 3, "twice")]
    )
    assert left == []
    assert form.errors() == {"audience": "one or the other", "ids": "twice"}


def test_run_clears_old_errors_first():
    form = stakeholder_form()
    form["name"].show_error("old")
    form.status.error("old")
    assert form.run(lambda: None) is True
    assert form.errors() == {} and form.status.message == ""


def test_keep_leaves_errors_and_status_alone():
    form = stakeholder_form()
    form["name"].show_error("still wrong")
    form.status.error("still wrong")
    assert form.run(lambda: None, keep=True) is True
    assert form.errors() == {"name": "still wrong"} and form.status.message == "still wrong"


def test_commlib_errors_show_their_message():
    form = stakeholder_form()

    def action():
        raise Conflict("a project named ERP already exists")

    assert form.run(action) is False
    assert form.status.message == "a project named ERP already exists"


def test_unexpected_errors_never_escape():
    form = stakeholder_form()

    def action():
        raise ZeroDivisionError("boom")

    assert form.run(action) is False
    assert "ZeroDivisionError" in form.status.message
    assert "nothing was saved" in form.status.message
    assert isinstance(form.last_error, ZeroDivisionError)


def test_checker_collects_problems_of_several_forms():
    first, second = stakeholder_form(), stakeholder_form()
    second["name"].input.value = "Bo"
    second["email"].input.value = "bad"
    shared = StatusLine()
    first.status = second.status = shared

    def action():
        check = Checker()
        a = check.build(first, lambda: Stakeholder(project_id=1, **first.values()))
        b = check.build(second, lambda: Stakeholder(project_id=1, **second.values()))
        assert a is None and b is None
        check.raise_if_any()

    assert first.run(action, clear=[second]) is False
    assert set(first.errors()) == {"name"}
    assert set(second.errors()) == {"email"}
    assert shared.level == "error"


def test_form_invalid_counts_its_problems():
    form = stakeholder_form()
    err = FormInvalid([(form, [Problem("name", "", "empty"), Problem("email", "x", "bad")])])
    assert str(err) == "2 problems"


class Listener:
    def __init__(self):
        self.heard = []

    def hear(self, kind, project_id):
        self.heard.append((kind, project_id))


class Store:
    """Any object will do as the store the listeners are keyed on."""


def test_changes_reach_listeners_of_that_store_and_kind_only():
    store, other = Store(), Store()
    a, b, source = Listener(), Listener(), Listener()
    on_change(store, {"stakeholders"}, a.hear)
    on_change(other, {"stakeholders"}, b.hear)
    on_change(store, {"stakeholders"}, source.hear)
    changed(store, "stakeholders", 1, source=source)
    changed(store, "contacts", 1)
    assert a.heard == [("stakeholders", 1)]
    assert b.heard == [] and source.heard == []


def test_a_listener_that_is_gone_or_fails_does_not_break_the_change():
    store = Store()
    gone, failing, fine = Listener(), Listener(), Listener()

    def fail(kind, project_id):
        raise RuntimeError("listener broke")

    failing.hear = fail.__get__(failing)
    on_change(store, {"risks"}, gone.hear)
    on_change(store, {"risks"}, failing.hear)
    on_change(store, {"risks"}, fine.hear)
    del gone
    gc.collect()
    changed(store, "risks", 2)
    assert fine.heard == [("risks", 2)]


@pytest.mark.parametrize("widget", [w.Text(), w.Dropdown(options=["a"]), w.Textarea()])
def test_any_value_widget_can_be_a_field(widget):
    field = Field("notes", widget)
    assert field.input is widget
    assert field.value == widget.value


# --- dates in the session's language and order --------------------------------------------


@pytest.mark.parametrize(
    ("lang", "day", "text"),
    [("zh", date(2026, 12, 3), "2026-12-03"), ("en", date(2026, 12, 3), "3 Dec 2026")],
)
def test_dates_are_written_as_the_session_writes_them(lang, day, text):
    assert format_date(day, lang) == text
    assert parse_date(text) == day
    assert format_moment(datetime(2026, 12, 3, 14, 5), lang) == f"{text} 14:05"
    assert parse_moment(f"{text} 14:05") == datetime(2026, 12, 3, 14, 5)
    assert format_date(None, lang) == "" and parse_date("  ") is None


def test_format_date_without_a_language_follows_the_session():
    with language("en"):
        assert format_date(date(2026, 1, 9)) == "9 Jan 2026"
    with language("zh"):
        assert format_date(date(2026, 1, 9)) == "2026-01-09"


@pytest.mark.parametrize(
    "text", ["2026/12/3", "2026年12月3日", "2026.12.03", "3 December 2026", "Dec 3, 2026"]
)
def test_the_ways_people_write_a_date(text):
    assert parse_date(text) == date(2026, 12, 3)


def test_a_date_alone_is_the_start_of_that_day():
    assert parse_moment("2026-12-03") == datetime(2026, 12, 3)


@pytest.mark.parametrize(
    ("lang", "example"), [("zh", r"\d{4}-\d{2}-\d{2}"), ("en", r"\d{1,2} [A-Z][a-z]{2} \d{4}")]
)
@pytest.mark.parametrize("text", ["2026-02-30", "next tuesday", "3/12/2026", "2026-13-01"])
def test_a_bad_date_is_refused_under_its_field(lang, example, text):
    form = Form([Field("due", date_input(lang), parse=parse_date, format=format_date)], lang=lang)
    form["due"].input.value = text
    assert form.run(lambda: form.values()) is False
    message = form.errors()["due"]
    assert message.startswith(t("widgets.date.invalid", lang, example="")[:4])
    assert re.search(example, message), message
    with pytest.raises(InvalidRecord) as err:
        parse_date(text, "due")
    assert [p.field for p in err.value.problems] == ["due"]


@pytest.mark.parametrize("text", ["2026-12-03 24:00", "2026-12-03 9:75", "tomorrow 10:00"])
def test_a_bad_moment_is_refused_under_its_field(text):
    form = Form([Field("when", moment_input("en"), parse=parse_moment)], lang="en")
    form["when"].input.value = text
    assert form.run(lambda: form.values()) is False
    assert "not a date" in form.errors()["when"]


def test_date_boxes_are_text_in_the_sessions_format_with_common_picks():
    box = date_input("en", date(2026, 12, 3))
    assert isinstance(box, w.Combobox) and not box.ensure_option
    assert box.value == "3 Dec 2026"
    assert box.options[0] == format_date(date.today(), "en")
    assert box.placeholder.startswith("e.g. ")
    assert date_suggestions("zh", today=date(2026, 12, 3))[:3] == [
        "2026-12-03",
        "2026-12-04",
        "2026-12-07",  # next Monday
    ]
    moment = moment_input("zh", datetime(2026, 12, 3, 9, 30))
    assert moment.value == "2026-12-03 09:30" and moment.placeholder.startswith("例如 ")


def test_field_set_shows_the_model_value_through_format():
    field = Field("due", date_input("en"), parse=parse_date, format=lambda d: format_date(d, "en"))
    field.set(date(2026, 4, 1))
    assert field.input.value == "1 Apr 2026" and field.value == date(2026, 4, 1)
    field.set(None)
    assert field.input.value == "" and field.value is None


# --- the screen's audience ----------------------------------------------------------------


class Shown(ProjectWidget):
    """The smallest ProjectWidget: counts its refreshes."""

    def __init__(self, store, project, lang=None, audience=None):
        super().__init__(store, project, lang, audience)
        self.form = Form([], status=self.status, lang=self.lang)
        self.refreshed = 0
        self.children = [self.badge]

    def refresh(self):
        self.refreshed += 1


def test_set_screen_audience_reaches_the_widgets_of_that_project(filled):
    project = filled.project("华辰 ERP 升级")
    widget, fixed = Shown(filled, project.id), Shown(filled, project.id, audience="internal")
    assert widget.audience == "internal" and not widget.client
    assert widget.badge.layout.display == "none"
    set_screen_audience(filled, project.id, "client")
    assert screen_audience(filled, project.id) == "client"
    assert widget.client and widget.refreshed == 1
    assert widget.badge.layout.display is None
    assert t("widgets.client_mode", "zh") in widget.badge.value
    assert not fixed.client and fixed.refreshed == 0  # a fixed audience stays
    set_screen_audience(filled, project.id, "client")  # no switch: nothing to do
    assert widget.refreshed == 1
    set_screen_audience(filled, project.id, "internal")
    assert not widget.client and widget.refreshed == 2
    assert widget.badge.layout.display == "none"


def test_other_projects_and_bad_audiences(filled):
    project = filled.project("华辰 ERP 升级")
    widget = Shown(filled, project.id)
    set_screen_audience(filled, project.id + 100, "client")
    assert not widget.client and widget.refreshed == 0
    with pytest.raises(ValueError, match="client"):
        set_screen_audience(filled, project.id, "everyone")
    with pytest.raises(ValueError, match="internal"):
        Shown(filled, project.id, audience="public")
    assert Shown(filled, project.id, audience="client").badge.layout.display is None


# --- undo ---------------------------------------------------------------------------------


def test_undo_takes_the_last_save_back_once():
    form = stakeholder_form()
    taken, undone = [], []
    undo = Undo(form, on_undone=lambda: undone.append(True))
    assert not undo.pending and undo.layout.display == "none"
    assert undo.undo() is False
    undo.remember("first", lambda: taken.append("first"))
    undo.remember("Zhang Wei", lambda: taken.append("second"))  # only the last is kept
    assert undo.pending and undo.layout.display is None
    assert "Zhang Wei" in undo.button.tooltip
    undo.button.click()
    assert taken == ["second"] and undone == [True]
    assert form.status.level == "ok" and "Zhang Wei" in form.status.message
    assert "history" in form.status.message
    assert not undo.pending and undo.layout.display == "none"
    assert undo.undo() is False and taken == ["second"]


def test_an_undo_that_fails_says_why_and_stays():
    form = stakeholder_form()
    undo = Undo(form)

    def refused():
        raise Conflict("stakeholder #3 is still referenced")

    undo.remember("Zhang Wei", refused)
    assert undo.undo() is False
    assert form.status.level == "error" and "referenced" in form.status.message
    assert undo.pending  # it can be tried again
