"""The survey data contract: save_survey, save_responses, responses_frame, codebook."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from commlib import InvalidRecord, NotFound, Project, Question, Response, Survey
from commlib.surveys import data
from commlib.surveys.data import (
    CODEBOOK_COLUMNS,
    FRAME_COLUMNS,
    codebook,
    find_survey,
    responses_frame,
    save_responses,
    save_survey,
)

#: the store tests run on SQLite and on a real PostgreSQL server
BACKENDS = ("sqlite", "postgresql")

SCALE = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
QUESTIONS = [
    {"code": "Q1", "text": "推荐意愿", "type": "nps", "options": [str(i) for i in range(11)]},
    {"code": "Q2", "text": "总体满意度", "type": "likert", "options": SCALE},
    {"code": "Q3", "text": "角色", "type": "single", "options": ["IT", "业务", "管理层"]},
    {"code": "Q4", "text": "做得好的方面", "type": "multi", "options": ["沟通", "文档", "交付"]},
    {"code": "Q5", "text": "优先级", "type": "rank", "options": ["质量", "进度", "成本"]},
    {"code": "Q6", "text": "请评价", "type": "matrix"},
    {"code": "Q6_1", "text": "响应", "type": "likert", "options": SCALE, "parent": "Q6"},
    {"code": "Q6_2", "text": "专业", "type": "rating", "options": ["1", "5"], "parent": "Q6"},
    {"code": "Q7", "text": "会议次数", "type": "numeric"},
    {"code": "Q8", "text": "建议", "type": "text"},
]
T0 = datetime(2026, 3, 5, 6, 30, tzinfo=UTC)


def answers(n: int) -> dict:
    return {
        "Q1": n % 11,
        "Q2": n % 5 + 1,
        "Q3": ["IT", "业务", "管理层"][n % 3],
        "Q4": ["交付", "沟通"] if n % 2 else [],
        "Q5": ["成本", "质量", "进度"],
        "Q6_1": 4,
        "Q6_2": 4.5,
        "Q7": n,
        "Q8": f"建议 {n}" if n % 4 else None,
    }


def responses(count: int, start: int = 0) -> list[dict]:
    return [
        {
            "respondent": f"r{n}",
            "submitted_at": T0,
            "duration_s": 60.0 + n,
            "source": "手机",
            "answers": answers(n),
        }
        for n in range(start, start + count)
    ]


@pytest.fixture
def project(store):
    return store.add(Project(name="ERP", client="华辰", start=date(2026, 1, 1)))


def test_save_survey_creates_then_finds_the_same_survey(store, project):
    first = save_survey(store, "ERP", {"name": "满意度", "wave": "W1"}, QUESTIONS, responses(3))
    assert first.created and (first.added, first.duplicates) == (3, 0)
    assert first.questions == first.questions_added == len(QUESTIONS)
    again = save_survey(store, "ERP", {"name": "满意度", "wave": "W1"}, QUESTIONS, responses(4))
    assert not again.created and again.survey.id == first.survey.id
    assert (again.added, again.duplicates, again.questions_added) == (1, 3, 0)
    other = save_survey(store, project, {"name": "满意度", "wave": "W2"}, QUESTIONS, responses(2))
    assert other.created and other.survey.id != first.survey.id
    assert find_survey(store, "ERP", "满意度", "W2").id == other.survey.id
    assert find_survey(store, "ERP", "满意度", "W3") is None


def test_the_wide_frame_has_the_contract_dtypes(store, project):
    save_survey(store, "ERP", "满意度", QUESTIONS, responses(8))
    frame = responses_frame(store, project="ERP", name="满意度")
    codes = [q["code"] for q in QUESTIONS if q["type"] != "matrix"]
    assert list(frame.columns) == [*FRAME_COLUMNS, *codes]
    assert frame["response_id"].dtype == "int64" and frame["survey_id"].dtype == "int64"
    assert frame["submitted_at"].dtype == "datetime64[us, UTC]"
    assert frame["submitted_at"].iloc[0] == pd.Timestamp(T0)
    assert frame["duration_s"].dtype == "float64" and frame["source"].iloc[0] == "手机"
    for code in ("Q1", "Q2", "Q6_1", "Q6_2", "Q7"):
        assert frame[code].dtype == "float64", code
    assert isinstance(frame["Q3"].dtype, pd.CategoricalDtype)
    assert list(frame["Q3"].cat.categories) == ["IT", "业务", "管理层"]
    assert frame["Q8"].dtype == "str" and pd.isna(frame["Q8"].iloc[0])
    assert frame["Q4"].iloc[1] == ["沟通", "交付"]  # in the options' order
    assert frame["Q4"].iloc[0] == []  # answered, nothing selected
    assert frame["Q5"].iloc[0] == ["成本", "质量", "进度"]  # the order given
    assert frame["Q6_2"].iloc[0] == 4.5 and frame["Q7"].tolist() == list(map(float, range(8)))
    book = codebook(store, project="ERP", name="满意度")
    assert list(book.columns) == CODEBOOK_COLUMNS
    assert book["code"].tolist() == [q["code"] for q in QUESTIONS]
    assert book.set_index("code").loc["Q6_1", "parent"] == "Q6"
    assert book["position"].tolist() == list(range(1, len(QUESTIONS) + 1))


def test_several_waves_in_one_frame(store, project):
    w1 = save_survey(
        store,
        "ERP",
        {"name": "满意度", "wave": "W1", "opened_on": date(2026, 3, 1)},
        QUESTIONS,
        responses(3),
    )
    later = [dict(q) for q in QUESTIONS]
    later[2] = {**later[2], "text": "您的角色", "options": ["IT", "业务", "管理层", "外部顾问"]}
    w2 = save_survey(
        store,
        "ERP",
        {"name": "满意度", "wave": "W2", "opened_on": date(2026, 6, 1)},
        later,
        [{**r, "answers": {**r["answers"], "Q3": "外部顾问"}} for r in responses(2)],
    )
    frame = responses_frame(store, project="ERP", name="满意度")
    assert frame["wave"].tolist() == ["W1", "W1", "W1", "W2", "W2"]
    assert frame["survey"].unique().tolist() == ["满意度"]
    assert list(frame["Q3"].cat.categories) == ["IT", "业务", "管理层", "外部顾问"]
    assert frame["Q3"].iloc[-1] == "外部顾问"
    book = codebook(store, [w2.survey, w1.survey.id])  # this order: W2's wording first
    assert book.set_index("code").loc["Q3", "text"] == "您的角色"
    book = codebook(store, project="ERP", name="满意度")
    assert book.set_index("code").loc["Q3", "text"] == "角色"
    assert len(responses_frame(store, w2.survey)) == 2


def test_a_wide_frame_can_be_saved_back(store, project):
    save_survey(store, "ERP", {"name": "A"}, QUESTIONS, responses(5))
    frame = responses_frame(store, project="ERP", name="A")
    book = codebook(store, project="ERP", name="A")
    copy = save_survey(store, "ERP", {"name": "B"}, book, frame)  # codebook and frame as read
    pd.testing.assert_frame_equal(codebook(store, project="ERP", name="B"), book)
    assert copy.added == 5
    again = responses_frame(store, project="ERP", name="B")
    columns = [c for c in frame.columns if c not in ("response_id", "survey_id", "survey")]
    pd.testing.assert_frame_equal(again[columns], frame[columns])


def test_list_of_dicts_and_records_agree(store, project):
    survey = save_survey(store, "ERP", "S", QUESTIONS).survey
    assert save_responses(store, survey, responses(2)) == (2, 0)
    assert save_responses(store, survey.id, responses(3)) == (1, 2)
    stored = store.records("responses", "ERP")
    assert [r.respondent for r in stored] == ["r0", "r1", "r2"]
    assert isinstance(stored[0], Response) and stored[0].answers["Q2"] == 1
    assert stored[1].answers["Q4"] == ["沟通", "交付"]
    assert "Q8" not in stored[0].answers  # None is no answer


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("Q1", 11, "0 to 10"),
        ("Q1", 7.5, "0 to 10"),
        ("Q2", 6, "1 to 5"),
        ("Q3", "CEO", "not one of the options"),
        ("Q4", "沟通", "list"),
        ("Q4", ["沟通", "沟通"], "twice"),
        ("Q5", ["质量", "价格"], "not one of the options"),
        ("Q6", "x", "matrix"),
        ("Q6_2", 9, "1.0..5.0"),
        ("Q7", "many", "number"),
        ("Q8", ["a"], "list"),
        ("Q9", 1, "not a question"),
    ],
)
def test_invalid_answers_refuse_the_whole_write(store, project, code, value, message):
    survey = save_survey(store, "ERP", "S", QUESTIONS).survey
    rows = responses(3)
    rows[2]["answers"][code] = value
    with pytest.raises(InvalidRecord, match=message) as caught:
        save_responses(store, survey, rows)
    assert code in str(caught.value)
    assert store.records("responses", "ERP") == []  # nothing written


def test_bad_metadata_is_refused_naming_the_respondent(store, project):
    survey = save_survey(store, "ERP", "S", QUESTIONS).survey
    rows = responses(2)
    rows[1]["duration_s"] = -5
    with pytest.raises(InvalidRecord, match=r"r1.*duration_s"):
        save_responses(store, survey, rows)
    rows = responses(2)
    rows[0]["respondent"] = "  "
    with pytest.raises(InvalidRecord, match="respondent"):
        save_responses(store, survey, rows)
    rows = responses(2)
    rows[0]["submitted_at"] = "not a date"
    with pytest.raises(InvalidRecord, match="submitted_at"):
        save_responses(store, survey, rows)
    rows = responses(2)  # after year 9999 in UTC: pandas reads it, Python and the store cannot
    rows[1]["submitted_at"] = "9999-12-31T23:59:00-08:00"
    with pytest.raises(InvalidRecord, match="submitted_at"):
        save_responses(store, survey, rows)
    assert responses_frame(store, survey).empty


def test_likert_answers_may_be_option_texts_and_respondents_numbers(store, project):
    survey = save_survey(store, "ERP", "S", QUESTIONS).survey
    frame = pd.DataFrame({"respondent": [1, 2.0, 3], "Q2": ["满意", 5, np.nan]})
    assert save_responses(store, survey, frame) == (3, 0)
    result = responses_frame(store, survey)
    assert result["respondent"].tolist() == ["1", "2", "3"]
    assert result["Q2"].tolist()[:2] == [4.0, 5.0] and np.isnan(result["Q2"].iloc[2])


def test_duplicates_within_the_input_are_counted(store, project):
    survey = save_survey(store, "ERP", "S", QUESTIONS).survey
    rows = responses(2) + responses(1)
    assert save_responses(store, survey, rows) == (2, 1)


def test_writes_go_in_chunks_inside_one_transaction(store, project, monkeypatch):
    monkeypatch.setattr(data, "CHUNK_ROWS", 7)
    survey = save_survey(store, "ERP", "S", QUESTIONS).survey
    assert save_responses(store, survey, responses(30)) == (30, 0)
    rows = responses(20, start=30)
    rows[-1]["answers"]["Q2"] = 99  # in the third chunk: the first two must not stay
    with pytest.raises(InvalidRecord):
        save_responses(store, survey, rows)
    assert len(responses_frame(store, survey)) == 30
    frame = responses_frame(store, survey)
    assert frame["respondent"].tolist() == [f"r{n}" for n in range(30)]


def test_an_empty_survey_gives_an_empty_frame_with_the_columns(store, project):
    survey = save_survey(store, "ERP", "S", QUESTIONS).survey
    frame = responses_frame(store, survey)
    assert len(frame) == 0
    assert frame["Q2"].dtype == "float64"
    assert list(frame["Q3"].cat.categories) == ["IT", "业务", "管理层"]


def test_unknown_surveys_are_errors(store, project):
    with pytest.raises(NotFound, match="nope"):
        responses_frame(store, project="ERP", name="nope")
    with pytest.raises(InvalidRecord):
        responses_frame(store)
    with pytest.raises(NotFound):
        codebook(store, 999)


def test_records_written_one_by_one_read_back_too(store, project):
    survey = store.add(Survey(project_id=project.id, name="Manual"))
    store.add(
        Question(
            project_id=project.id,
            survey_id=survey.id,
            code="Q1",
            type="likert",
            options=SCALE,
            position=1,
        )
    )
    store.add(
        Response(project_id=project.id, survey_id=survey.id, respondent="x", answers={"Q1": 3})
    )
    frame = responses_frame(store, survey)
    assert frame["Q1"].tolist() == [3.0] and pd.isna(frame["submitted_at"].iloc[0])


def test_new_questions_and_options_join_a_stored_survey(store, project):
    save_survey(store, "ERP", "S", QUESTIONS[:3])
    more = [{**QUESTIONS[2], "options": ["IT", "财务"]}, QUESTIONS[3]]
    saved = save_survey(store, "ERP", "S", more)
    assert saved.questions_added == 1 and saved.questions == 4
    book = codebook(store, project="ERP", name="S").set_index("code")
    assert book.loc["Q3", "options"] == ["IT", "业务", "管理层", "财务"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_problems_in_several_columns_are_told_in_order_and_in_the_callers_language(
    store, project, lang
):
    # the columns are checked on both cores: what each finds is still said in the file's
    # column order, in the language the caller chose
    from commlib.i18n import language, t

    survey = save_survey(store, "ERP", "S", QUESTIONS).survey
    rows = responses(3)
    rows[1]["answers"]["Q7"] = "many"
    rows[2]["answers"]["Q8"] = ["a"]
    with language(lang), pytest.raises(InvalidRecord) as caught:
        save_responses(store, survey, rows)
    fields = [p.field for p in caught.value.problems]
    assert fields.index("Q7") < fields.index("Q8")
    with language(lang):
        hint = t("surveys.import.data.fix_hint")
    assert hint in str(caught.value)
    chinese = [any("\u4e00" <= ch <= "\u9fff" for ch in p.message) for p in caught.value.problems]
    assert chinese == [lang == "zh"] * len(chinese)
    assert store.records("responses", "ERP") == []


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "this respondent id is used by 3 rows"), ("zh", "此答卷编号在本文件中被 3 行使用")],
)
def test_one_respondent_on_rows_that_differ_is_refused_in_the_callers_language(
    store, project, lang, said
):
    from commlib.i18n import language

    survey = save_survey(store, "ERP", "S", QUESTIONS).survey
    rows = responses(4)
    rows.append({**responses(1, start=1)[0], "duration_s": 5.0})  # r1 again, another time taken
    for q2 in (1, 2):  # r2 twice more, with other answers
        again = responses(1, start=2)[0]
        again["answers"]["Q2"] = q2
        rows.append(again)
    rows.append(responses(1, start=3)[0])  # r3 again, alike: one response
    with language(lang), pytest.raises(InvalidRecord) as caught:
        save_responses(store, survey, rows)
    found = {p.value: p.message for p in caught.value.problems}
    assert set(found) == {"r1", "r2"}
    assert said in found["r2"] and said.replace("3", "2") in found["r1"]
    assert store.records("responses", "ERP") == []


def test_rows_alike_in_all_that_is_written_are_one_response(store, project):
    survey = save_survey(store, "ERP", "S", QUESTIONS).survey
    wide = pd.DataFrame(
        {
            "response_id": [1, 2, 3, 4],  # (not written: does not tell rows apart)
            "respondent": pd.Categorical(["gf-1", "gf-2", "gf-1", "gf-1"]),
            "submitted_at": [T0] * 4,
            "Q2": [4.0, 5.0, 4.0, 4.0],
            "Q4": [["沟通"], [], ["沟通"], ["沟通"]],
            "Q8": [np.nan, "好", np.nan, np.nan],
        }
    )
    assert save_responses(store, survey, wide) == (2, 2)
    wide.loc[3, "Q8"] = "不同"
    with pytest.raises(InvalidRecord, match="gf-1"):
        save_responses(store, survey, wide)
    assert len(responses_frame(store, survey)) == 2


def test_a_client_reads_only_the_responses_shared_with_them(store):
    project = store.add(Project(name="Shared", client="C", start=date(2026, 1, 1)))
    survey = store.add(Survey(project_id=project.id, name="Pulse", visibility="client"))
    store.add(
        Question(project_id=project.id, survey_id=survey.id, code="Q1", text="Q?", type="nps")
    )
    for n, seen in enumerate(["client", "internal", "client"]):
        store.add(
            Response(project_id=project.id, survey_id=survey.id, respondent=f"r{n}",
                     answers={"Q1": n}, visibility=seen)
        )  # fmt: skip
    assert list(responses_frame(store, [survey])["respondent"]) == ["r0", "r1", "r2"]
    assert list(responses_frame(store, [survey], audience="client")["respondent"]) == ["r0", "r2"]
