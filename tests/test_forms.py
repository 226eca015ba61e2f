"""The form plumbing: fields with their error labels, the status line, Form.run, changes."""

import gc

import ipywidgets as w
import pytest

from commlib import Conflict, InvalidRecord, Problem, Stakeholder
from commlib.forms import (
    Checker,
    Field,
    Form,
    FormInvalid,
    StatusLine,
    changed,
    on_change,
)


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
