"""What survey answers mean: dates in every form, missing values, spellings of one option,
encodings, scales and categories, non-answers, waves matched by text (issue 13)."""

from __future__ import annotations

import csv
import io
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from commlib import Project
from commlib.errors import InvalidRecord
from commlib.importers import import_file, import_files
from commlib.importers.surveys._infer import infer, match_scale
from commlib.importers.surveys._read import Hints
from commlib.importers.surveys._times import parse_times
from commlib.surveys import analysis
from commlib.surveys.data import codebook, responses_frame, save_survey

DATA = Path(__file__).parent / "data" / "values13"
UTCZ = pd.Timestamp("2024-06-20 14:45", tz="UTC").tzinfo


@pytest.fixture(autouse=True)
def _shanghai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def erp(store):
    store.add(Project(name="ERP", client="华辰", start=date(2020, 1, 1)))
    return store


def column(values: list[str | None]) -> pd.Series:
    return pd.Series(pd.Categorical(values))


def times(values: list[str | None], **kw) -> list[pd.Timestamp]:
    return list(parse_times(column(values), UTCZ, "When", **kw))


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


# --- dates ------------------------------------------------------------------------------


def test_excel_resaved_us_dates_are_read():
    found = times(["6/20/24 14:45", "7/10/14 18:39", "6/20/2024 2:45:00 PM", None])
    assert found[:3] == [
        pd.Timestamp("2024-06-20 14:45", tz="UTC"),
        pd.Timestamp("2014-07-10 18:39", tz="UTC"),
        pd.Timestamp("2024-06-20 14:45", tz="UTC"),
    ]
    assert pd.isna(found[3])


def test_day_first_when_the_column_proves_it_decided_once_for_the_column():
    # 7/10 alone is ambiguous; 20/6 in the same column makes every date day first
    assert times(["20/6/2024 14:45", "7/10/2014 18:39"]) == [
        pd.Timestamp("2024-06-20 14:45", tz="UTC"),
        pd.Timestamp("2014-10-07 18:39", tz="UTC"),
    ]
    assert times(["6/20/2024", "7/10/2014"])[1] == pd.Timestamp("2014-07-10", tz="UTC")


def test_the_users_date_order_wins():
    assert times(["3/4/24 10:00"], date_order="dmy") == [pd.Timestamp("2024-04-03 10:00", tz="UTC")]
    assert times(["3/4/24 10:00"], date_order="mdy") == [pd.Timestamp("2024-03-04 10:00", tz="UTC")]


def test_serials_unix_times_and_chinese_dates():
    assert times(["45463.6145"]) == [pd.Timestamp("2024-06-20 14:44:52.800", tz="UTC")]
    assert times(["1718894700"]) == [pd.Timestamp("2024-06-20 14:45", tz="UTC")]
    assert times(["1718894700000"]) == [pd.Timestamp("2024-06-20 14:45", tz="UTC")]
    assert (
        times(["2024年6月20日 14:45", "2024/6/20 下午2:45"])
        == [pd.Timestamp("2024-06-20 14:45", tz="UTC")] * 2
    )


def test_missing_marks_are_not_wrong_dates():
    found = times(["2024-06-20 14:45", "NA", " ", "-"])
    assert found[0] == pd.Timestamp("2024-06-20 14:45", tz="UTC")
    assert all(pd.isna(v) for v in found[1:])


def test_an_unreadable_date_refuses_with_one_line_saying_what_the_column_looks_like():
    with pytest.raises(InvalidRecord) as err:
        times(["6/20/24 14:45", "6/21/24 09:00", "soon", "later"], first_row=3)
    text = str(err.value)
    assert "\n" not in text and len(err.value.problems) == 1
    assert "row 5, When = 'soon'" in text
    assert "look like 6/20/24 14:45" in text and "1 more" in text


def test_a_column_in_one_iso_form_reads_as_the_general_reader_reads_it():
    # one form throughout is read at once from its bytes; a value in another form sends the
    # whole column through the general reader: both give the same moments, DST included
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    values = [
        "2026-03-29 00:30:00",
        "2026-03-29 01:30:00",  # does not exist (clocks go forward): moved forward
        "2026-10-25 01:30:00",  # occurs twice (clocks go back): the first time
        "2026-10-25 02:30:00",
        "2024-02-29 23:59:59",
    ]
    for form in (values, [v.replace(" ", "T") for v in values], [v[:16] for v in values]):
        fast = list(parse_times(column(form), london, "When"))
        general = list(parse_times(column([*form, "6/1/26 9:00"]), london, "When"))[:-1]
        assert fast == general
    assert list(parse_times(column(values), london, "When"))[2] == pd.Timestamp(
        "2026-10-25 00:30", tz="UTC"
    )
    assert times(["2026-03-01", "2026-03-02"]) == [
        pd.Timestamp("2026-03-01", tz="UTC"),
        pd.Timestamp("2026-03-02", tz="UTC"),
    ]


def test_a_day_that_does_not_exist_in_a_one_form_column_is_refused_by_name():
    with pytest.raises(InvalidRecord) as err:
        times(["2026-02-27 10:00:00", "2026-02-30 10:00:00"], first_row=2)
    assert "row 3, When = '2026-02-30 10:00:00'" in str(err.value)


FORMS = [
    lambda m: m.strftime("%Y-%m-%d %H:%M:%S"),
    lambda m: m.strftime("%Y-%m-%dT%H:%M:%S"),
    lambda m: m.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00",
    lambda m: f"{m.month}/{m.day}/{m:%y} {m.hour}:{m:%M}:{m:%S}",
    lambda m: f"{m.month}/{m.day}/{m.year} {(m.hour % 12) or 12}:{m:%M}:{m:%S} {m:%p}",
    lambda m: f"{m.year}年{m.month}月{m.day}日 {m.hour}:{m:%M}:{m:%S}",
    lambda m: (
        f"{m.year}/{m.month}/{m.day} {'下午' if m.hour >= 12 else '上午'}"
        f"{(m.hour % 12) or 12}:{m:%M}:{m:%S}"
    ),
    lambda m: str(int((m - datetime(1970, 1, 1)).total_seconds())),
    lambda m: str(int((m - datetime(1970, 1, 1)).total_seconds()) * 1000),
    lambda m: repr((m - datetime(1899, 12, 30)) / timedelta(days=1)),
]


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31)).map(
        lambda m: m.replace(microsecond=0)
    ),
    st.sampled_from(["mdy", None]),
)
def test_one_moment_in_every_form_reads_back_equal(moment, order):
    expected = pd.Timestamp(moment, tz="UTC")
    for form in FORMS:
        found = times([form(moment)], date_order=order)[0]
        assert abs(found - expected) <= pd.Timedelta(milliseconds=1), form(moment)


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=date(2000, 1, 13), max_value=date(2060, 12, 31)))
def test_day_first_columns_read_every_date_alike(day):
    proof = "25/12/2020"  # a day above 12: the whole column is day first
    found = times([proof, f"{day.day}/{day.month}/{day.year}"])
    assert found[1] == pd.Timestamp(day, tz="UTC")


def test_an_excel_resaved_surveymonkey_export_imports(erp):
    report = import_file(erp, DATA / "sm_excel_resaved.csv", erp.project("ERP"), survey="SM")
    assert report.ok, report.refused
    assert report.added == 4
    frame = responses_frame(erp, project="ERP", name="SM")
    assert frame["submitted_at"].iloc[2] == pd.Timestamp("2024-07-10 10:44", tz="UTC")  # 18:44 +8
    assert frame["Q1"].tolist() == [5.0, 4.0, 2.0, 4.0]
    assert frame["Q4"].isna().tolist() == [False, True, False, True]  # NA is no comment


def test_a_plain_table_with_day_first_dates_and_the_date_order_hint(erp, tmp_path):
    project = erp.project("ERP")
    report = import_file(erp, DATA / "r_export_codes.csv", project, survey="R")
    assert report.ok, report.refused
    frame = responses_frame(erp, project="ERP", name="R")
    assert frame["submitted_at"].iloc[0] == pd.Timestamp("2024-04-03 02:00", tz="UTC")
    path = write_csv(
        tmp_path / "t.csv",
        [["respondent_id", "submitted_at", "q"], ["a", "03/04/2024 10:00", "x"], ["b", "", "y"]],
    )
    report = import_file(erp, path, project, survey="H", date_order="dmy")
    assert report.ok, report.refused
    frame = responses_frame(erp, project="ERP", name="H")
    assert frame["submitted_at"].iloc[0] == pd.Timestamp("2024-04-03 02:00", tz="UTC")


# --- missing values, spellings ----------------------------------------------------------


def test_missing_marks_are_no_answer_anywhere():
    guess = infer(column(["A", "NA", "N/A", "n/a", "-", " ", "(跳过)", "B", "A", None]))
    assert guess.type == "single" and guess.options == ["A", "B"]
    assert guess.answers.notna().sum() == 3


def test_spellings_that_differ_by_case_spaces_or_width_are_one_option():
    guess = infer(column(["Yes ", "YES", "Yes", "Yes", "Yesss", "Nope", "ｙｅｓ", "Nope"]))
    assert guess.type == "single"
    assert guess.options == ["Yes", "Yesss", "Nope"]
    assert guess.merged == {"Yes": ["Yes ", "YES", "ｙｅｓ"]}
    assert guess.answers.tolist().count("Yes") == 5


def test_merged_spellings_reach_the_report(erp):
    report = import_file(erp, DATA / "gforms_spellings.csv", erp.project("ERP"), survey="GF")
    assert report.ok, report.refused
    assert report.details["merged"]["Q1"] == {"Yes": ["Yes ", "YES"]}
    assert report.details["merged"]["Q2"]["Reporting"] == ["Ｒｅｐｏｒｔｉｎｇ", " reporting "]
    assert any("Q1" in w and "'YES'" in w for w in report.warnings)
    book = codebook(erp, project="ERP", name="GF").set_index("code")
    assert book.loc["Q1", "options"] == ["Yes", "Nope", "Yesss"]
    frame = responses_frame(erp, project="ERP", name="GF")
    assert frame["Q3"].notna().sum() == 1  # NA, -, a space and (跳过) are no comments


# --- encodings --------------------------------------------------------------------------

LATIN = "respondent_id,submitted_at,comment\nr1,2024-06-20 10:00,Très satisfait du café\n"


def test_a_guessed_encoding_is_said_and_the_text_is_right(erp, tmp_path):
    text = LATIN + "r2,2024-06-21 10:00,Déjà vu à bientôt\n"
    path = tmp_path / "mac.csv"
    path.write_bytes(text.encode("mac_roman"))
    report = import_file(erp, path, erp.project("ERP"), survey="Mac")
    assert report.ok, report.refused
    assert any("Mac Roman (guessed)" in w and "--encoding" in w for w in report.warnings)
    frame = responses_frame(erp, project="ERP", name="Mac")
    assert frame["comment"].tolist() == ["Très satisfait du café", "Déjà vu à bientôt"]
    again = import_file(erp, path, erp.project("ERP"), survey="Mac2", encoding="mac_roman")
    assert not any("guessed" in w for w in again.warnings)
    assert Hints(encoding="mac_roman").encoding == "mac_roman"


# --- question types ---------------------------------------------------------------------


def test_category_codes_are_never_a_rating(erp):
    import_file(erp, DATA / "r_export_codes.csv", erp.project("ERP"), survey="R")
    book = codebook(erp, project="ERP", name="R").set_index("code")
    assert book.loc["gender", "type"] == "single" and book.loc["gender", "options"] == ["1", "2"]
    assert book.loc["region", "type"] == "single"
    assert book.loc["year", "type"] == "single"
    assert book.loc["Q4", "type"] == "rating"  # satisfaction (1-5): a scale
    assert book.loc["Q5", "type"] == "numeric"  # team size: a count
    assert infer(column(["1", "2", "1", "2"]), "性别").type == "single"
    assert infer(column(["1", "2", "1", "2", "3"]), "Q7").type == "single"  # no scale wording
    assert infer(column(["1", "2", "4", "5", "3"]), "请为我们的服务评分").type == "rating"


def test_negative_recodes_under_a_scale_are_non_answers():
    guess = infer(column(["1", "5", "-1", "4", "3", "-99"]), "How satisfied are you?")
    assert guess.type == "rating" and guess.options == ["1", "5"]
    assert guess.answers.isna().tolist() == [False, False, True, False, False, True]
    assert guess.non_answers == ["-1", "-99"]
    assert infer(column(["2", "5", "3", "4"]), "Alcohol:|absolutely not|absolutely").type == (
        "rating"
    )


def test_a_grid_of_small_numbers_is_a_rating_matrix():
    from commlib.importers.surveys._groups import matrix_rows

    rows = matrix_rows([column(["3", "1", "2", "4"]), column(["4", "4", "5", "1"])], ["A", "B"])
    assert [g.type for g in rows] == ["rating", "rating"]
    assert rows[0].options == ["1", "5"]


@pytest.mark.parametrize(
    ("labels", "first", "k"),
    [
        (["Never", "Often", "Sometimes", "Always", "Rarely"], "Never", 5),
        (["经常", "从不", "有时", "总是"], "从不", 5),
        (["Very likely", "Unlikely", "Likely"], "Very unlikely", 5),
        (["非常可能", "不太可能", "非常不可能"], "非常不可能", 5),
        (["Very important", "Not at all important", "Moderately important"], None, 5),
        (["Excellent", "Good", "Poor", "Fair", "Very good"], "Poor", 5),
        (["Excellent", "Good", "Poor", "Fair"], "Poor", 4),
        (["Very confident", "Not at all confident", "Extremely confident"], None, 5),
        (["非常担心", "完全不担心", "一般"], "完全不担心", 5),
        (["Strongly agree", "Agree", "Disagree"], "Strongly disagree", 5),
    ],
)
def test_ordered_scale_families(labels, first, k):
    options, _ = match_scale(labels)
    assert len(options) == k
    if first:
        assert options[0] == first


def test_non_answers_are_left_off_the_scale():
    guess = infer(column(["Agree", "Don't know", "Strongly agree", "Agree", "Prefer not to say"]))
    assert guess.type == "likert"
    assert guess.options[-1] == "Strongly agree" and len(guess.options) == 5
    answers = guess.answers.to_numpy()
    assert answers[[0, 2, 3]].tolist() == [4.0, 5.0, 4.0]
    assert np.isnan(answers[[1, 4]]).all()  # a non-answer is no point of the scale


def test_long_labels_repeated_are_a_single_choice():
    long = [
        "I would rather have a weekly written summary than a meeting",
        "I prefer a short call every second week with the whole team",
    ]
    guess = infer(column([long[0], long[1], long[0], long[1], long[0], long[0]]))
    assert guess.type == "single" and guess.options == long


# --- analysis ---------------------------------------------------------------------------


def test_wilson_bounds_stay_within_zero_and_one():
    low, high = analysis.wilson_interval([0, 518], [518, 518])
    assert low[0] == 0.0 and high[1] == 1.0
    assert (low >= 0).all() and (high <= 1).all()


def book(*rows: tuple[str, str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"code": c, "text": c, "type": k, "options": o} for c, k, o in rows],
        columns=["code", "text", "type", "options"],
    )


def test_a_declared_non_answer_option_is_never_averaged():
    scale = ["Very poor", "Poor", "Fair", "Good", "Very good", "No basis for evaluation"]
    frame = pd.DataFrame({"Q1": [5.0, 4.0, 6.0, 6.0, 2.0], "Q2": [1.0, 2.0, 3.0, -1.0, -2.0]})
    codebook_ = book(("Q1", "likert", scale), ("Q2", "rating", ["-2", "-1", "1", "5"]))
    found = analysis.means(frame, codebook_).set_index("code")
    assert found.loc["Q1", "n"] == 3 and found.loc["Q1", "mean"] == pytest.approx(11 / 3)
    assert found.loc["Q2", "n"] == 3 and found.loc["Q2", "mean"] == pytest.approx(2.0)
    csat = analysis.csat(frame, codebook_, "Q1")
    assert csat["n"].iloc[0] == 3 and csat["top_box"].iloc[0] == 2
    dist = analysis.likert(frame, codebook_, "Q1")
    assert dist["option"].tolist() == scale[:5] and dist["count"].sum() == 3
    # a non-answer first: the scale's positions move down by one
    first = ["不适用", "很差", "较差", "一般", "较好", "很好"]
    shifted = pd.DataFrame({"Q3": [1.0, 2.0, 6.0]})
    found = analysis.means(shifted, book(("Q3", "likert", first))).set_index("code")
    assert found.loc["Q3", "n"] == 2 and found.loc["Q3", "mean"] == pytest.approx(3.0)


def test_dashes_and_header_texts_are_not_choices_and_crosstabs_count_right():
    # a SurveyMonkey file whose second header row ("Response") was read as an answer
    office = ["Response", "North", "South", "North", "South", "North", "-", "South"]
    rating = ["Response", "Yes", "No", "Yes", "Yes", "No", "Yes", "No"]
    frame = pd.DataFrame(
        {"office": pd.Categorical(office), "ok": pd.Categorical(rating)},
    )
    codebook_ = book(("office", "single", ["North", "South"]), ("ok", "single", ["Yes", "No"]))
    shares = analysis.choices(frame, codebook_, "office")
    assert shares["option"].tolist() == ["North", "South"] and shares["n"].iloc[0] == 6
    result = analysis.crosstab(frame, codebook_, "office", "ok")
    assert result.n == 6
    expected = stats.chi2_contingency([[2, 1], [1, 2]], correction=False)
    assert result.chi2 == pytest.approx(expected[0])
    assert result.p_value == pytest.approx(expected[1])


# --- waves and twins --------------------------------------------------------------------

META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]


def _wave(path: Path, headers: list[str], answers: list[list[str]], day: int) -> Path:
    rows = [[*META, *headers]]
    for n, a in enumerate(answers, start=1):
        rows.append([str(n), f"2026/3/{day} 1{n}:00:00", "30秒", "微信", "", "", *a])
    return write_csv(path, rows)


def test_waves_match_questions_by_text_not_position(erp, tmp_path):
    w1 = _wave(
        tmp_path / "w1.csv",
        ["1、您的性别", "2、您对服务满意吗？"],
        [["男", "满意"], ["女", "非常满意"], ["男", "满意"]],
        5,
    )
    w2 = _wave(  # a question added in front: 满意 is now the second question's number
        tmp_path / "w2.csv",
        ["1、您所在的部门", "2、您的性别", "3、您对服务满意吗？"],
        [["财务", "男", "不满意"], ["销售", "女", "满意"], ["财务", "女", "一般"]],
        6,
    )
    first = one_ok(import_files(erp, w1, "ERP", survey="S", wave="W1"))
    second = one_ok(import_files(erp, w2, "ERP", survey="S", wave="W2"))
    assert first.added == second.added == 3
    frame = responses_frame(erp, project="ERP", name="S")
    book_ = codebook(erp, project="ERP", name="S").set_index("code")
    assert book_.loc["Q1", "text"] == "您的性别"
    assert book_.loc["Q2", "text"] == "您对服务满意吗？"
    assert frame["Q1"].tolist() == ["男", "女", "男", "男", "女", "女"]
    assert frame["Q2"].tolist() == [4.0, 5.0, 4.0, 2.0, 4.0, 3.0]
    department = book_[book_["text"] == "您所在的部门"].index.tolist()
    assert len(department) == 1 and department[0] not in ("Q1", "Q2")
    assert frame[department[0]].dropna().tolist() == ["财务", "销售", "财务"]


def test_a_code_that_asks_another_question_is_kept_apart_with_a_warning(erp):
    questions = [{"code": "Q5", "text": "您的部门", "type": "single", "options": ["财务"]}]
    rows = [{"respondent": "a", "answers": {"Q5": "财务"}}]
    save_survey(erp, "ERP", {"name": "S", "wave": "W1", "platform": "wenjuanxing"}, questions, rows)
    other = [{"code": "Q5", "text": "您的城市", "type": "single", "options": ["上海"]}]
    rows = [{"respondent": "b", "answers": {"Q5": "上海"}}]
    saved = save_survey(
        erp, "ERP", {"name": "S", "wave": "W2", "platform": "wenjuanxing"}, other, rows
    )
    assert saved.added == 1
    assert any("Q5" in w and "Q5_2" in w for w in saved.warnings)
    book_ = codebook(erp, project="ERP", name="S").set_index("code")
    assert book_.loc["Q5", "text"] == "您的部门" and book_.loc["Q5_2", "text"] == "您的城市"
    stored = {q.code: q for q in erp.records("questions", saved.survey.project_id)}
    assert "Q5_2" in stored["Q5_2"].notes
    # Qualtrics ids are stable: the same code is the same question, reworded
    q = [{"code": "QID1", "text": "How satisfied are you?", "type": "single", "options": ["a"]}]
    save_survey(erp, "ERP", {"name": "Q", "wave": "1", "platform": "qualtrics"}, q)
    q2 = [{**q[0], "text": "Overall, how satisfied are you?"}]
    saved = save_survey(erp, "ERP", {"name": "Q", "wave": "2", "platform": "qualtrics"}, q2)
    assert "QID1" in set(codebook(erp, project="ERP", name="Q")["code"])
    assert len(codebook(erp, project="ERP", name="Q")) == 1
    assert any("QID1" in w for w in saved.warnings)


def test_a_coded_export_first_keeps_the_twins_other_texts(erp, tmp_path):
    headers = ["1、您从哪里知道我们"]
    coded = _wave(tmp_path / "All_Data_Original.csv", headers, [["1"], ["3"], ["2"]], 5)
    readable = _wave(
        tmp_path / "All_Data_Readable.csv", headers, [["朋友"], ["其他〖展会〗"], ["网络"]], 5
    )
    reports = import_files(erp, [coded, readable], "ERP", survey="Twin")
    assert [r.added for r in reports] == [3, 0]
    frame = responses_frame(erp, project="ERP", name="Twin")
    assert frame["Q1"].tolist() == ["朋友", "其他", "网络"]
    assert frame["Q1_other"].tolist()[1] == "展会"


def one_ok(reports):
    assert len(reports) == 1 and reports[0].ok, reports[0].refused
    return reports[0]


def test_an_imported_non_answer_is_counted_nowhere_in_the_statistics(erp, tmp_path):
    rows = [["respondent_id", "submitted_at", "Support quality", "Would you say it again?"]]
    answers = ["Excellent", "Good", "No basis for evaluation", "Poor", "Good", "不适用", "Fair"]
    for n, answer in enumerate(answers):
        rows.append([f"r{n}", f"2024-06-0{n + 1} 10:00", answer, ["Yes", "No"][n % 2]])
    path = write_csv(tmp_path / "quality.csv", rows)
    report = import_file(erp, path, erp.project("ERP"), survey="Quality")
    assert report.ok, report.refused
    book_ = codebook(erp, project="ERP", name="Quality")
    frame = responses_frame(erp, project="ERP", name="Quality")
    quality = book_.set_index("text").loc["Support quality"]
    assert quality["type"] == "likert"
    assert quality["options"] == ["Poor", "Fair", "Good", "Excellent"]  # every point seen
    found = analysis.means(frame, book_).set_index("code").loc[quality["code"]]
    assert found["n"] == 5 and found["mean"] == pytest.approx((4 + 3 + 1 + 3 + 2) / 5)
    csat = analysis.csat(frame, book_, quality["code"])
    assert csat["n"].iloc[0] == 5 and csat["top_box"].iloc[0] == 3
    assert report.details["non_answers"][quality["code"]] == ["No basis for evaluation", "不适用"]


def test_numbers_beside_a_dont_know_label_are_a_rating():
    guess = infer(column(["1", "5", "Don't know", "4", "3"]), "Rate our support (1-5)")
    assert guess.type == "rating" and guess.non_answers == ["Don't know"]
    assert guess.answers.isna().tolist() == [False, False, True, False, False]


def test_a_long_column_of_one_width_keeps_every_distinct_text():
    # times and phone numbers are told apart by their digits rather than hashed: the same
    # categories, in the same order, as finding the distinct texts would give
    from commlib.importers.surveys._columns import as_category

    rng = np.random.default_rng(3)
    moments = pd.Timestamp("2026-03-01") + pd.to_timedelta(rng.integers(0, 9000, 20_000), "s")
    for texts in (
        moments.strftime("%Y-%m-%d %H:%M:%S"),
        pd.Index([f"138{n:08d}" for n in rng.integers(0, 5000, 20_000)]),
        pd.Index(["2026-03-01 10:00:00"] * 19_999 + ["2026-03-01 10:00:0x"]),  # not digits
        pd.Index([f"{n:05d}" for n in rng.integers(0, 99_999, 20_000)]),  # an odd count
        pd.Index([f"{n:016d}" for n in rng.integers(0, 10**15, 20_000)]),  # 16: the most
        pd.Index([f"{n:017d}" for n in rng.integers(0, 10**16, 20_000)]),  # 17: hashed
    ):
        found = as_category(pd.Series(texts, dtype="str"))
        assert found.astype("str").tolist() == list(texts)
        assert list(found.cat.categories) == list(pd.unique(np.asarray(texts, dtype=object)))


def test_whole_numbers_counted_up_or_not_keep_their_texts_and_order():
    from commlib.importers.surveys._columns import as_category

    cases = (np.arange(1, 30_001), np.array([1, 2, 2, 3]), np.array([5, 3, 5, -2]), np.array([7]))
    for numbers in cases:
        found = as_category(pd.Series(numbers))
        assert found.astype("str").tolist() == [str(n) for n in numbers]
        assert list(found.cat.categories) == [str(n) for n in pd.unique(numbers)]


def test_respondent_ids_with_accents_pass_and_with_line_breaks_are_refused(erp):
    from commlib.surveys.data import save_responses

    survey = save_survey(erp, erp.project("ERP"), {"name": "R"}, [
        {"code": "Q1", "text": "Q1", "type": "text", "options": []}
    ]).survey  # fmt: skip
    rows = pd.DataFrame({"respondent": ["José", "Zoë", "王"], "Q1": ["a", "b", "c"]})
    assert save_responses(erp, survey, rows) == (3, 0)
    for bad in ("a\u2028b", "a\x85b", "a\nb"):
        with pytest.raises(InvalidRecord, match="respondent"):
            save_responses(erp, survey, pd.DataFrame({"respondent": [bad], "Q1": ["x"]}))
    assert len(erp.records("responses")) == 3


def test_values_are_listed_in_the_order_they_first_appear_however_late():
    from commlib.importers.surveys._columns import as_category, first_seen

    early = ["b", "a", "c"] * 2000
    late = ["x"] * 5000 + ["y", "x", "z"]  # z and y first seen past the rows read first
    many = [f"v{n % 97}" for n in range(9000)][::-1]
    for texts in (early, late, many, ["only"]):
        column = as_category(pd.Series(texts, dtype="str"))
        assert first_seen(column) == list(pd.unique(np.asarray(texts, dtype=object)))
