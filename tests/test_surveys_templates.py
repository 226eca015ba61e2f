"""Survey templates in Chinese and English, and creating a survey wave from one."""

import re
from datetime import date

import pytest

from commlib import InvalidRecord, Milestone, NotFound, Question, Survey
from commlib.surveys.templates import (
    TEMPLATES,
    create_survey,
    template_language,
    template_questions,
    template_title,
)

P = "华辰 ERP 升级"
CJK = re.compile(r"[\u4e00-\u9fff]")


def shape(questions):
    return [
        (q["code"], q["type"], len(q["options"]), q["parent"], q["position"]) for q in questions
    ]


def surveys_and_questions(store):
    return len(store.records("surveys", P)), len(store.records("questions", P))


def test_the_four_templates_are_offered():
    assert set(TEMPLATES) == {"csat_pulse", "nps", "project_satisfaction", "kickoff_expectations"}


@pytest.mark.parametrize("name", TEMPLATES)
def test_both_languages_have_the_same_codes_types_and_option_counts(name):
    zh, en = template_questions(name, "zh"), template_questions(name, "en")
    assert shape(zh) == shape(en)
    codes = [q["code"] for q in zh]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"Q\d+(_\d+)?", c) for c in codes)
    assert all(CJK.search(q["text"]) for q in zh)
    assert not any(CJK.search(q["text"]) for q in en)
    assert all(CJK.search(o) for q in zh for o in q["options"] if not o.isdigit())
    assert CJK.search(template_title(name, "zh")) and not CJK.search(template_title(name, "en"))


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_questions_are_valid_questions(name, lang):
    for q in template_questions(name, lang):
        Question(project_id=1, survey_id=1, **q)
        if q["parent"]:
            assert q["parent"] in {p["code"] for p in template_questions(name, lang)}


@pytest.mark.parametrize(
    ("lang", "scale"),
    [("zh", ["非常不满意", "非常满意"]), ("en", ["Very dissatisfied", "Very satisfied"])],
)
def test_likert_options_run_from_negative_to_positive(lang, scale):
    for name in TEMPLATES:
        for q in template_questions(name, lang):
            if q["type"] == "likert":
                assert len(q["options"]) == 5
                assert [q["options"][0], q["options"][-1]] == scale
    assert template_questions("csat_pulse", "zh")[0]["options"] == [
        "非常不满意",
        "不满意",
        "一般",
        "满意",
        "非常满意",
    ]


def test_each_template_asks_what_the_brief_says():
    csat = template_questions("csat_pulse", "en")
    assert [q["type"] for q in csat] == ["likert", "text", "text"]
    nps = template_questions("nps", "en")
    assert [q["type"] for q in nps] == ["nps", "text"]
    assert nps[0]["options"] == [str(i) for i in range(11)]
    assert "recommend" in nps[0]["text"]
    sat = template_questions("project_satisfaction", "zh")
    rows = [q for q in sat if q["parent"] == "Q1"]
    assert sat[0]["type"] == "matrix" and 5 <= len(rows) <= 8
    assert all(q["type"] == "likert" for q in rows)
    assert [q["text"] for q in rows][:3] == ["沟通", "响应速度", "交付成果质量"]
    top = [q for q in sat if not q["parent"] and q["type"] != "matrix"]
    assert [q["type"] for q in top] == ["likert", "text"]
    assert template_title("project_satisfaction", "zh") == "项目满意度"
    kickoff = template_questions("kickoff_expectations", "en")
    assert [q["type"] for q in kickoff] == ["text", "multi", "single", "single", "text"]
    assert [q["position"] for q in kickoff] == [1, 2, 3, 4, 5]


def test_the_current_language_is_the_default():
    assert template_questions("nps")[1]["text"] == template_questions("nps", "en")[1]["text"]


def test_an_unknown_template_names_the_known_ones():
    with pytest.raises(InvalidRecord, match="csat_pulse") as err:
        template_questions("pulse")
    assert err.value.problems[0].field == "template"


def test_create_survey_writes_the_survey_and_its_questions(filled):
    before = surveys_and_questions(filled)
    survey = create_survey(
        filled, P, "project_satisfaction", wave="W2", invited=12, opened_on=date(2026, 6, 1)
    )
    assert isinstance(survey, Survey) and survey.id is not None
    assert (survey.name, survey.wave, survey.template) == (
        "项目满意度",
        "W2",
        "project_satisfaction",
    )
    assert (survey.invited, survey.opened_on) == (12, date(2026, 6, 1))
    stored = [q for q in filled.records("questions", P) if q.survey_id == survey.id]
    expected = template_questions("project_satisfaction", "zh")  # the project's language
    assert [(q.code, q.text, q.type, q.options, q.position, q.parent) for q in stored] == [
        (q["code"], q["text"], q["type"], q["options"], q["position"], q["parent"])
        for q in expected
    ]
    after = surveys_and_questions(filled)
    assert after == (before[0] + 1, before[1] + len(expected))


def test_create_survey_in_english_with_a_name_and_a_milestone(filled):
    milestone = filled.records("milestones", P)[0]
    for ref, wave in [(milestone.name, "W1"), (milestone.id, "W2"), (milestone, "W3")]:
        survey = create_survey(
            filled, P, "nps", wave=wave, lang="en", milestone=ref, visibility="client"
        )
        assert survey.milestone_id == milestone.id
    assert survey.name == "Net Promoter Score (NPS)"
    assert survey.visibility == "client"
    questions = [q for q in filled.records("questions", P) if q.survey_id == survey.id]
    assert questions[0].text.startswith("How likely")
    assert {q.visibility for q in questions} == {"client"}
    survey = create_survey(filled, P, "csat_pulse", wave="W1", name="Sprint review pulse")
    assert survey.name == "Sprint review pulse"


def test_create_survey_is_one_transaction(filled, monkeypatch):
    before = surveys_and_questions(filled)

    def fail(records):
        list(records)
        raise RuntimeError("disk full")

    monkeypatch.setattr(filled, "add_all", fail)
    with pytest.raises(RuntimeError):
        create_survey(filled, P, "nps", wave="W9")
    monkeypatch.undo()
    assert surveys_and_questions(filled) == before


def test_create_survey_refuses_a_wave_that_exists(filled):
    create_survey(filled, P, "project_satisfaction", wave="W2")
    before = surveys_and_questions(filled)
    with pytest.raises(InvalidRecord) as err:
        create_survey(filled, P, "project_satisfaction", wave="W2")
    assert [p.field for p in err.value.problems] == ["wave"]
    with pytest.raises(InvalidRecord) as err:
        create_survey(filled, P, "nps", wave="W3", name="项目满意度")
    assert [p.field for p in err.value.problems] == ["template"]
    assert surveys_and_questions(filled) == before


def test_create_survey_with_an_unknown_milestone_or_template(filled):
    before = surveys_and_questions(filled)
    with pytest.raises(NotFound, match="UAT 完成"):
        create_survey(filled, P, "nps", wave="W1", milestone="Go-live")
    with pytest.raises(InvalidRecord, match="kickoff_expectations"):
        create_survey(filled, P, "kickoff", wave="W1")
    other = filled.add(
        Milestone(
            project_id=filled.add(
                filled.project(P).model_copy(update={"id": None, "name": "Other"})
            ).id,
            name="Elsewhere",
            baseline_due=date(2026, 5, 1),
            current_due=date(2026, 5, 1),
        )
    )
    with pytest.raises(InvalidRecord):
        create_survey(filled, P, "nps", wave="W1", milestone=other.id)
    assert surveys_and_questions(filled) == before


def test_template_language_is_read_from_the_wording(filled):
    zh = create_survey(filled, P, "nps", wave="W1")
    en = create_survey(filled, P, "nps", wave="W2", lang="en")
    for survey, lang in [(zh, "zh"), (en, "en")]:
        questions = [q for q in filled.records("questions", P) if q.survey_id == survey.id]
        assert template_language(survey, questions) == lang
    fixture = filled.records("surveys", P)[0]
    assert template_language(fixture, filled.records("questions", P)) is None
