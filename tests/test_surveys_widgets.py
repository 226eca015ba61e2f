"""The survey form, driven like a specialist in a meeting would: set values, click, read."""

import json
from datetime import UTC, datetime

import pytest

from commlib import Question, Response, Store, Survey
from commlib.i18n import t
from commlib.surveys.templates import create_survey
from commlib.surveys.widgets import (
    Checks,
    SurveyForm,
    check_answer,
    headline,
    headline_question,
    nps_group,
)

P = "华辰 ERP 升级"
LIKERT = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]


def shown(widget):
    """Every piece of text a widget shows (labels, descriptions, options, tooltips, HTML)."""
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


def responses(store, survey):
    return [r for r in store.records("responses", P) if r.survey_id == survey.id]


@pytest.fixture
def every_type(filled):
    """A survey with a question of every type, a matrix among them."""
    p = filled.project(P)
    survey = filled.add(Survey(project_id=p.id, name="Every type", wave="W1", invited=10))
    questions = [
        ("Q1", "likert", "How satisfied are you?", LIKERT, ""),
        ("Q2", "nps", "Would you recommend us?", [str(i) for i in range(11)], ""),
        ("Q3", "single", "Preferred channel", ["Email", "Phone", "WeChat"], ""),
        ("Q4", "single", "Preferred day", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], ""),
        ("Q5", "multi", "Priorities", ["On time", "Budget", "Quality"], ""),
        ("Q6", "rank", "Rank these", ["Cost", "Speed", "Scope"], ""),
        ("Q7", "rating", "Rate the workshop", ["1", "5"], ""),
        ("Q8", "rating", "Hours saved per week", ["0", "40.5"], ""),
        ("Q9", "numeric", "Team size", [], ""),
        ("Q10", "text", "Anything else?", [], ""),
        ("Q11", "matrix", "Rate each aspect", [], ""),
        ("Q11_1", "likert", "Communication", LIKERT, "Q11"),
        ("Q11_2", "single", "Documentation", ["Poor", "Good"], "Q11"),
    ]
    filled.add_all(
        Question(
            project_id=p.id,
            survey_id=survey.id,
            code=code,
            type=kind,
            text=text,
            options=options,
            parent=parent,
            position=i,
        )
        for i, (code, kind, text, options, parent) in enumerate(questions, 1)
    )
    return survey


@pytest.fixture
def form(filled, every_type):
    return SurveyForm(filled, every_type, lang="en")


def answer_everything(form):
    form.form["Q1"].input.value = 4
    form.form["Q2"].input.value = 9
    form.form["Q3"].input.value = "WeChat"
    form.form["Q4"].input.value = "Fri"
    checks = form.form["Q5"].input
    checks.boxes[2].value = True  # ticked in any order, stored in the options' order
    checks.boxes[0].value = True
    form.form["Q6"].input.places[0].value = "Speed"
    form.form["Q6"].input.places[1].value = "Cost"
    form.form["Q7"].input.value = 5
    form.form["Q8"].input.value = " 2.5 "
    form.form["Q9"].input.value = "12"
    form.form["Q10"].input.value = '  "Great" workshop,\nthanks  '
    form.form["Q11_1"].input.value = 2
    form.form["Q11_2"].input.value = "Good"


# --- what it shows ----------------------------------------------------------------------


def test_one_input_per_question_by_type(form):
    inputs = {code: type(form.form[code].input).__name__ for code in form.form.fields}
    assert inputs == {
        "respondent": "Text",
        "Q1": "ToggleButtons",
        "Q2": "ToggleButtons",
        "Q3": "RadioButtons",
        "Q4": "Dropdown",
        "Q5": "Checks",
        "Q6": "Ranking",
        "Q7": "ToggleButtons",
        "Q8": "Text",
        "Q9": "Text",
        "Q10": "Textarea",
        "Q11_1": "ToggleButtons",
        "Q11_2": "RadioButtons",
    }
    assert form.form["Q1"].input.options == tuple((o, i) for i, o in enumerate(LIKERT, 1))
    assert [v for _, v in form.form["Q2"].input.options] == list(range(11))
    assert [v for _, v in form.form["Q7"].input.options] == [1, 2, 3, 4, 5]
    assert all(form.form[c].empty for c in form.form.fields if c != "respondent")
    text = shown(form)
    assert "Rate each aspect" in text and "Communication" in text and "Every type · W1" in text
    assert "Q11" not in form.form.fields  # a matrix parent has no answer of its own


def test_the_respondent_starts_as_an_automatic_id(form):
    assert form.form["respondent"].input.value == "S-001"
    assert "Responses so far: 0" in form.summary.value


def test_answer_every_type_and_save(filled, every_type, form):
    answer_everything(form)
    form.form["respondent"].input.value = " 张伟 (CIO) "
    before = datetime.now(UTC)
    form.save_button.click()
    assert form.status.level == "ok", form.status.message
    [stored] = responses(filled, every_type)
    assert stored.answers == {
        "Q1": 4,
        "Q2": 9,
        "Q3": "WeChat",
        "Q4": "Fri",
        "Q5": ["On time", "Quality"],
        "Q6": ["Speed", "Cost"],
        "Q7": 5,
        "Q8": 2.5,
        "Q9": 12,
        "Q10": '"Great" workshop,\nthanks',
        "Q11_1": 2,
        "Q11_2": "Good",
    }
    types = {code: type(value) for code, value in stored.answers.items()}
    assert types == {
        "Q1": int,
        "Q2": int,
        "Q3": str,
        "Q4": str,
        "Q5": list,
        "Q6": list,
        "Q7": int,
        "Q8": float,
        "Q9": int,
        "Q10": str,
        "Q11_1": int,
        "Q11_2": str,
    }
    assert stored.respondent == "张伟 (CIO)"
    assert stored.source == "session"
    assert before <= stored.submitted_at <= datetime.now(UTC)
    assert stored.submitted_at.tzinfo is not None
    assert stored.duration_s is not None and stored.duration_s >= 0
    assert all(check_answer(q, stored.answers.get(q.code)) is None for q in form.answerable)
    json.dumps(stored.answers)  # what the store keeps


def test_save_clears_the_form_and_counts(filled, every_type, form):
    answer_everything(form)
    form.save_button.click()
    assert all(form.form[c].empty for c in form.form.fields if c != "respondent")
    assert form.form["Q5"].input.value == [] and form.form["Q6"].input.value == []
    assert form.form["respondent"].input.value == "S-002"
    assert "Responses so far: 1" in form.summary.value
    assert form.count == 1
    form.form["Q3"].input.value = "Email"
    form.save_button.click()
    assert "Responses so far: 2" in form.summary.value
    assert [r.respondent for r in responses(filled, every_type)] == ["S-001", "S-002"]
    assert responses(filled, every_type)[1].answers == {"Q3": "Email"}


def test_not_answered_is_possible_for_every_question(filled, every_type, form):
    answer_everything(form)
    for button in [
        child
        for block in form.children
        for child in _walk(block)
        if getattr(child, "tooltip", None) == t("surveys.run.form.not_answered")
    ]:
        button.click()
    assert [c for c in form.form.fields if not form.form[c].empty] == ["respondent"]
    form.form["Q1"].input.value = 3
    form.save_button.click()
    assert responses(filled, every_type)[0].answers == {"Q1": 3}


def _walk(node):
    yield node
    for child in getattr(node, "children", ()):
        yield from _walk(child)


def test_nothing_answered_saves_nothing(filled, every_type, form):
    form.save_button.click()
    assert form.status.level == "error"
    assert "no question is answered" in form.status.message
    assert responses(filled, every_type) == []


# --- what it refuses --------------------------------------------------------------------


def test_a_duplicate_respondent_shows_next_to_the_respondent(filled, every_type, form):
    form.form["Q1"].input.value = 4
    form.save_button.click()
    form.form["respondent"].input.value = "S-001"
    form.form["Q1"].input.value = 2
    form.save_button.click()
    assert set(form.form.errors()) == {"respondent"}
    assert "S-001" in form.form.errors()["respondent"]
    assert form.status.level == "error"
    assert len(responses(filled, every_type)) == 1
    assert form.form["Q1"].input.value == 2  # what was entered is kept


def test_a_respondent_stored_elsewhere_meanwhile_is_refused(filled, every_type, form):
    filled.add(
        Response(
            project_id=every_type.project_id,
            survey_id=every_type.id,
            respondent="S-001",
            answers={"Q1": 5},
        )
    )
    form.form["Q1"].input.value = 4
    form.save_button.click()
    assert "respondent" in form.form.errors()
    assert len(responses(filled, every_type)) == 1


def test_the_form_reads_while_another_session_is_writing(filled, every_type, form, store_url):
    other = Store(store_url)
    try:
        with other.transaction():  # holds the write lock (BEGIN IMMEDIATE on SQLite)
            other.add(
                Response(
                    project_id=every_type.project_id,
                    survey_id=every_type.id,
                    respondent="S-001",
                    answers={"Q1": 5},
                )
            )
            form.refresh()  # does not wait for the lock, and sees nothing uncommitted
            assert form.count == 0
        form.refresh()
        assert form.count == 1 and "S-001" in form.respondents
    finally:
        other.close()


def test_an_empty_respondent_is_refused(filled, every_type, form):
    form.form["respondent"].input.value = "  "
    form.form["Q1"].input.value = 4
    form.save_button.click()
    assert "respondent" in form.form.errors()
    assert responses(filled, every_type) == []


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("Q8", "41"),  # out of the scale 0..40.5
        ("Q8", "lots"),
        ("Q9", "twelve"),
    ],
)
def test_an_answer_not_allowed_shows_next_to_its_question(filled, every_type, form, code, value):
    form.form["Q1"].input.value = 4
    form.form[code].input.value = value
    form.save_button.click()
    assert list(form.form.errors()) == [code]
    assert responses(filled, every_type) == []
    assert form.form[code].input.value == value


def test_a_ranking_with_a_gap_or_twice_the_same_option(filled, every_type, form):
    ranking = form.form["Q6"].input
    ranking.places[1].value = "Cost"
    form.save_button.click()
    assert "Q6" in form.form.errors()
    ranking.value = ["Cost", "Cost"]
    form.save_button.click()
    assert "Cost" in form.form.errors()["Q6"]
    ranking.value = ["Cost", "Scope", "Speed"]
    form.save_button.click()
    assert form.form.errors() == {}
    assert responses(filled, every_type)[0].answers == {"Q6": ["Cost", "Scope", "Speed"]}


def test_every_problem_shows_at_once(filled, every_type, form):
    form.form["Q1"].input.value = 4
    form.save_button.click()
    form.form["respondent"].input.value = "S-001"
    form.form["Q9"].input.value = "?"
    form.form["Q8"].input.value = "-1"
    form.save_button.click()
    assert set(form.form.errors()) == {"respondent", "Q8", "Q9"}


def test_inputs_refuse_options_that_do_not_exist(form):
    with pytest.raises(ValueError, match="Nope"):
        form.form["Q5"].input.value = ["Nope"]
    with pytest.raises(Exception):  # noqa: B017 - the widget's own TraitError
        form.form["Q1"].input.value = 6


def test_no_traceback_when_the_store_fails(filled, every_type, form, monkeypatch):
    def broken(record):
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(filled, "add", broken)
    answer_everything(form)
    assert form.save() is False
    assert form.status.level == "error"
    assert form.status.message == t("widgets.unexpected", error="RuntimeError")
    assert isinstance(form.form.last_error, RuntimeError)
    assert form.form["Q3"].input.value == "WeChat"  # nothing lost
    monkeypatch.undo()
    assert responses(filled, every_type) == []
    assert form.save() is True


# --- the room's view --------------------------------------------------------------------


def test_live_nps(filled):
    survey = create_survey(filled, P, "nps", wave="W1", lang="en")
    form = SurveyForm(filled, survey)
    assert "No answers yet" in form.summary.value
    for score in (10, 9, 3, 7):
        form.form["Q1"].input.value = score
        form.save_button.click()
    assert "NPS +25" in form.summary.value  # 2 promoters, 1 detractor, 4 answers
    assert "Responses so far: 4" in form.summary.value
    form.form["Q1"].input.value = 10
    assert "Promoter" in shown(form)
    form.form["Q1"].input.value = 4
    assert "Detractor" in shown(form)


def test_live_mean_score_and_counts_of_another_form(filled):
    survey = create_survey(filled, P, "project_satisfaction", wave="W2", lang="en")
    first, second = SurveyForm(filled, survey), SurveyForm(filled, survey.id)
    assert headline_question(first.answerable).code == "Q2"  # the overall item
    for form, score in [(first, 5), (second, 4), (first, 3)]:
        form.form["Q2"].input.value = score
        form.save_button.click()
    assert "mean 4.0 of 5, top two boxes 67% (n = 3)" in first.summary.value
    assert "Responses so far: 3" in second.summary.value  # told by the other form
    assert second.form["respondent"].input.value == "S-004"
    assert [r.respondent for r in responses(filled, survey)] == ["S-001", "S-002", "S-003"]


def test_the_fixture_survey_with_a_stored_response(filled):
    survey = filled.records("surveys", P)[0]
    form = SurveyForm(filled, survey)
    assert form.lang == "zh"  # no template: the project's language
    assert "已收集 1 份" in form.summary.value
    assert "NPS +100" in form.summary.value
    assert form.form["respondent"].input.value == "S-002"


# --- languages --------------------------------------------------------------------------


def test_chinese_labels(filled, every_type):
    form = SurveyForm(filled, every_type, lang="zh")
    text = shown(form)
    for expected in ("答题人", "保存", "已收集 0 份", "未作答（清除）", "第 1 位", "填写数字"):
        assert expected in text
    form.form["respondent"].input.value = ""
    form.form["Q1"].input.value = 4
    form.save_button.click()
    assert form.status.message.startswith("未保存")
    form.form["respondent"].input.value = "王芳"
    form.save_button.click()
    assert form.status.message.startswith("已保存 王芳 的答卷")


def test_the_language_defaults_to_the_templates(filled):
    english = create_survey(filled, P, "csat_pulse", wave="W1", lang="en")  # zh project
    chinese = create_survey(filled, P, "csat_pulse", wave="W1", name="季度满意度")
    assert SurveyForm(filled, english).lang == "en"
    assert SurveyForm(filled, chinese).lang == "zh"
    assert SurveyForm(filled, english, lang="zh-CN").lang == "zh"
    form = SurveyForm(filled, chinese)
    assert "非常满意" in shown(form) and "Responses so far" not in shown(form)


# --- the pieces -------------------------------------------------------------------------


def test_check_answer_follows_the_contract():
    def q(kind, options=()):
        return Question(project_id=1, survey_id=1, code="Q1", type=kind, options=list(options))

    likert = q("likert", LIKERT)
    assert check_answer(likert, 5) is None and check_answer(likert, None) is None
    assert check_answer(likert, 6) and check_answer(likert, "5") and check_answer(likert, True)
    assert check_answer(q("nps"), 0) is None and check_answer(q("nps"), 11)
    assert check_answer(q("nps"), 9.0)
    single = q("single", ["a", "b"])
    assert check_answer(single, "a") is None and check_answer(single, "c")
    multi = q("multi", ["a", "b", "c"])
    assert check_answer(multi, ["a", "c"]) is None and check_answer(multi, []) is None
    assert check_answer(multi, ["c", "a"]) and check_answer(multi, "a")
    rank = q("rank", ["a", "b", "c"])
    assert check_answer(rank, ["c", "a"]) is None
    assert check_answer(rank, ["a", "a"]) and check_answer(rank, ["d"])
    assert check_answer(q("rating", ["1", "5"]), 4.5) is None
    assert check_answer(q("rating", ["1", "5"]), 6)
    assert check_answer(q("rating"), 100) is None
    assert check_answer(q("numeric"), -3.5) is None and check_answer(q("numeric"), "3")
    assert check_answer(q("numeric"), float("nan"))
    assert check_answer(q("text"), "") is None and check_answer(q("text"), 3)
    assert check_answer(q("matrix"), "x")


def test_headlines():
    nps = Question(project_id=1, survey_id=1, code="Q1", type="nps")
    assert nps_group(6) == "detractor" and nps_group(7) == "passive" and nps_group(9) == "promoter"
    assert "NPS -25" in headline(nps, [0, 6, 10, 8, None])
    assert "NPS 0" in headline(nps, [9, 3])
    multi = Question(project_id=1, survey_id=1, code="Q2", type="multi", options=["a", "b"])
    assert "most chosen: b (2 of 2)" in headline(multi, [["a", "b"], ["b"]])
    numeric = Question(project_id=1, survey_id=1, code="Q3", type="numeric")
    assert headline(numeric, [1, 2.5]) == "mean 1.8 (n = 2)"
    assert headline_question([multi, numeric]).code == "Q3"
    assert headline_question([]) is None


def test_checks_value(form):
    checks = form.form["Q5"].input
    assert isinstance(checks, Checks)
    checks.value = ["Quality", "On time"]
    assert checks.value == ["On time", "Quality"]


# --- client mode ------------------------------------------------------------------------


def nps_form(filled, **kwargs):
    survey = create_survey(filled, P, "nps", wave="W1", lang="en")
    return survey, SurveyForm(filled, survey, **kwargs)


def answer(form, score, respondent=None):
    if respondent is not None:
        form.form["respondent"].input.value = respondent
    form.form["Q1"].input.value = score
    assert form.save(), form.form.errors()


def test_client_mode_shows_aggregates_only_and_no_respondent(filled):
    _survey, form = nps_form(filled, audience="client")
    assert form.badge.layout.display is None and "Client view" in form.badge.value
    answer(form, 10, respondent="Mr SECRET-SENTINEL")
    assert "SECRET-SENTINEL" not in shown(form)  # not in the status line, nor the undo
    assert "Responses so far: 1" in form.summary.value
    assert "NPS" not in form.summary.value and "shows from 3 responses" in form.summary.value
    answer(form, 9)
    assert "NPS" not in form.summary.value
    answer(form, 3)
    assert "NPS +33" in form.summary.value and "n = 3" in form.summary.value
    assert "Saved the answers (1 of 2" in form.status.message


def test_internal_mode_names_the_respondent_and_shows_the_headline_at_once(filled):
    _survey, form = nps_form(filled)
    assert form.badge.layout.display == "none"
    answer(form, 10, respondent="Ms Zhang")
    assert "NPS +100" in form.summary.value and "Ms Zhang" in form.status.message
    assert "the answers of Ms Zhang" in form.undo.button.tooltip


def test_the_screen_switches_live(filled):
    from commlib.forms import set_screen_audience

    survey, form = nps_form(filled)
    answer(form, 10, respondent="Ms SECRET-SENTINEL")
    assert "SECRET-SENTINEL" in shown(form)
    set_screen_audience(filled, survey.project_id, "client")
    assert form.badge.layout.display is None
    assert "SECRET-SENTINEL" not in shown(form) and "NPS" not in form.summary.value
    set_screen_audience(filled, survey.project_id, "internal")
    assert "NPS +100" in form.summary.value and "SECRET-SENTINEL" in form.undo.button.tooltip
    fixed = SurveyForm(filled, survey, audience="internal")
    set_screen_audience(filled, survey.project_id, "client")
    assert "NPS +100" in fixed.summary.value and fixed.badge.layout.display == "none"


def test_a_wrong_audience_is_refused(filled, every_type):
    with pytest.raises(ValueError, match="audience"):
        SurveyForm(filled, every_type, audience="everyone")


# --- undo -------------------------------------------------------------------------------


def test_undo_the_last_response(filled):
    from commlib.forms import on_change

    heard = []

    class Listener:
        def heard(self, kind, _project_id):
            heard.append(kind)

    listener = Listener()
    on_change(filled, {"responses"}, listener.heard)
    survey, form = nps_form(filled)
    other = SurveyForm(filled, survey)
    assert form.undo.layout.display == "none"
    answer(form, 10)
    answer(form, 2)
    assert heard == ["responses", "responses"]
    assert "NPS +0" in form.summary.value or "NPS 0" in form.summary.value
    form.undo.button.click()
    assert [r.respondent for r in responses(filled, survey)] == ["S-001"]
    assert "NPS +100" in form.summary.value and "Responses so far: 1" in form.summary.value
    assert "Undone: the answers of S-002" in form.status.message
    assert form.form["respondent"].input.value == "S-002"  # free again
    assert "Responses so far: 1" in other.summary.value  # told
    assert heard == ["responses", "responses", "responses"]
    assert form.undo.layout.display == "none" and form.undo.undo() is False


def test_undo_in_chinese(filled):
    survey = filled.records("surveys", P)[0]
    form = SurveyForm(filled, survey)
    assert form.undo.button.description == "撤销"
    form.form["Q1"].input.value = 8
    assert form.save()
    assert form.undo.button.tooltip == "撤销上一次保存：S-002 的答卷"
    assert form.undo.undo() and "已撤销" in form.status.message
