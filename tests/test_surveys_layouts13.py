"""Issue 13: platforms recognised by the shape of their exports, in any interface language;
incomplete responses kept and marked. Every fixture is written here (own words, a few rows)
or lies in ``tests/data/layouts13``."""

from __future__ import annotations

import csv
import io
import time
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from commlib import Project
from commlib.importers import import_file, import_files
from commlib.surveys.data import codebook, responses_frame

DATA = Path(__file__).parent / "data" / "layouts13"


@pytest.fixture(autouse=True)
def _shanghai(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.delenv("TZ", raising=False)
    time.tzset()


@pytest.fixture
def erp(store):
    store.add(Project(name="ERP", client="华辰", start=date(2026, 1, 1)))
    return store


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    book.save(path)
    return path


def imported(erp, path: Path, survey: str | None = None):
    (report,) = import_files(erp, path, "ERP", survey=survey)
    assert report.ok, report.refused
    return report


def book_of(erp, report):
    return codebook(erp, project="ERP", name=report.details["survey"]).set_index("code")


def frame_of(erp, report, incomplete: bool = True):
    frame = responses_frame(
        erp, project="ERP", name=report.details["survey"], incomplete=incomplete
    )
    return frame.set_index("respondent")


# --- LimeSurvey ---------------------------------------------------------------------------


def test_limesurvey_in_dutch_keeps_and_marks_incomplete_responses(erp, tmp_path):
    rows = [
        ["Respons ID", "Datum verstuurd", "Laatste pagina", "Begin taal", "Startdatum",
         "Datum laatste actie", "Verwijzer-URL", "Hoe vaak ga je uit?",
         "Wat drink je? [Water]", "Wat drink je? [Bier]", "Opmerking"],
        ["11", "2026-03-02 20:10:00", "3", "nl-informal", "2026-03-02 20:01:00",
         "2026-03-02 20:10:00", "", "Vaak", "Ja", "", "Leuk\nen goed"],
        ["12", "", "1", "nl-informal", "2026-03-02 21:00:00", "2026-03-02 21:02:00", "",
         "Soms ", "", "Ja", ""],
        ["13", "", "0", "nl", "2026-03-03 09:00:00", "2026-03-03 09:00:00", "", "Vaak", "", "", ""],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "resultaten.csv", rows))
    assert report.kind == "limesurvey" and report.added == 3
    assert (report.details["complete"], report.details["incomplete"]) == (1, 2)
    book = book_of(erp, report)
    assert book.loc["Q1", "type"] == "single" and book.loc["Q2", "type"] == "multi"
    assert book.loc["Q2", "options"] == ["Water", "Bier"]
    frame = frame_of(erp, report)
    assert frame.loc["12", "Q1"] == "Soms" and not frame.loc["12", "complete"]
    assert list(frame_of(erp, report, incomplete=False).index) == ["11"]


def test_limesurvey_headings_in_an_unlisted_language_are_found_by_their_shape(erp, tmp_path):
    rows = [
        ["ID odpowiedzi", "Data wysłania", "Ostatnia strona", "Język początkowy", "Ziarno",
         "Jak oceniasz obsługę?"],
        ["1", "2026-03-04 10:00:00", "2", "pl", "1842317", "Dobrze"],
        ["2", "2026-03-04 11:00:00", "2", "pl", "9912873", "Źle"],
        ["3", "", "1", "pl", "5527711", "Dobrze"],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "wyniki.csv", rows))
    assert report.kind == "limesurvey" and report.added == 3
    assert report.details["questions"] == 1  # the seed is metadata, not a question
    assert report.details["incomplete"] == 1


def test_limesurvey_r_export_with_row_numbers_and_na(erp, tmp_path):
    rows = [
        ["", "id", "submitdate", "lastpage", "startlanguage", "seed", "Q1", "Q2_SQ001",
         "Q2_SQ002"],
        ["1", "7", "2026-03-05 14:00:00", "2", "en", "55512", "A1", "Y", "NA"],
        ["2", "8", "NA", "1", "en", "55513", "A2", "NA", "Y"],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "survey_R_data_file.csv", rows))
    assert report.kind == "limesurvey" and report.added == 2
    book = book_of(erp, report)
    assert list(book.index[book["parent"] == ""]) == ["Q1", "Q2"]
    assert book.loc["Q2", "type"] == "multi"
    frame = frame_of(erp, report)
    assert sorted(frame.index) == ["7", "8"]
    assert pd.isna(frame.loc["8", "submitted_at"]) and not frame.loc["8", "complete"]
    assert frame.loc["8", "Q2"] == ["SQ002"]  # R's Q2_SQ002 is LimeSurvey's Q2[SQ002]


# --- Qualtrics ----------------------------------------------------------------------------

QX_IDS = ["StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)", "Finished",
          "RecordedDate", "ResponseId", "Q1", "Q2", "Q3"]  # fmt: skip
QX_TEXTS = ["Start Date", "End Date", "Response Type", "Progress", "Duration (in seconds)",
            "Finished", "Recorded Date", "Response ID", "Household income",
            "Which services do you use?", "Comments"]  # fmt: skip


def qx_row(status: str, finished: str, rid: str, income: str, services: str) -> list[str]:
    return ["2026-03-05 10:00:00", "2026-03-05 10:05:00", status, "100", "300", finished,
            "2026-03-05 10:05:00", rid, income, services, ""]  # fmt: skip


def test_qualtrics_two_header_rows_previews_spam_and_comma_labels(erp, tmp_path):
    rows = [
        QX_IDS,
        QX_TEXTS,
        qx_row("IP Address", "True", "R_aaaaaaaaaaaa1", "$50,000 - $74,999", "Mail,Phone"),
        qx_row("IP Address", "True", "R_aaaaaaaaaaaa2", "$75,000 - $99,999", "Phone"),
        qx_row("IP Address", "False", "R_aaaaaaaaaaaa3", "$50,000 - $74,999", "Mail"),
        qx_row("Survey Preview", "True", "R_aaaaaaaaaaaa4", "$75,000 - $99,999", "Mail"),
        qx_row("Spam", "True", "R_aaaaaaaaaaaa5", "$50,000 - $74,999", "Phone"),
    ]
    report = imported(erp, write_csv(tmp_path / "Customer Survey.csv", rows))
    assert report.kind == "qualtrics" and report.added == 3
    assert report.details["left_out"] == {"preview": 1, "spam": 1}
    assert (report.details["complete"], report.details["incomplete"]) == (2, 1)
    book = book_of(erp, report)
    assert book.loc["Q1", "type"] == "single"
    assert book.loc["Q1", "options"] == ["$50,000 - $74,999", "$75,000 - $99,999"]
    assert book.loc["Q2", "type"] == "multi"
    frame = frame_of(erp, report)
    assert frame.loc["R_aaaaaaaaaaaa1", "Q2"] == ["Mail", "Phone"]
    assert not frame.loc["R_aaaaaaaaaaaa3", "complete"]


def test_qualtrics_numeric_export_negative_recodes_are_non_answers(erp, tmp_path):
    imports = ['{"ImportId":"startDate"}', '{"ImportId":"endDate"}', '{"ImportId":"status"}',
               '{"ImportId":"progress"}', '{"ImportId":"duration"}', '{"ImportId":"finished"}',
               '{"ImportId":"recordedDate"}', '{"ImportId":"_recordId"}', '{"ImportId":"QID1"}',
               '{"ImportId":"QID2"}', '{"ImportId":"QID3_TEXT"}']  # fmt: skip
    rows = [QX_IDS, QX_TEXTS, imports]
    for n, (status, rating) in enumerate([("0", "4"), ("0", "-1"), ("1", "5"), ("0", "2")]):
        row = qx_row(status, "1", f"R_bbbbbbbbbbbb{n}", rating, "3")
        rows.append(row)
    report = imported(erp, write_csv(tmp_path / "numeric.csv", rows))
    assert report.added == 3 and report.details["left_out"] == {"preview": 1}
    assert report.details["non_answers"] == {"Q1": ["-1"]}
    frame = frame_of(erp, report)
    assert pd.isna(frame.loc["R_bbbbbbbbbbbb1", "Q1"])


def test_qualtrics_trimmed_export_starting_at_response_id(erp, tmp_path):
    rows = [
        ["ResponseId", "C1_1", "C1_2", "pick"],
        ["Response ID", "Choose - [A]", "Choose - [B]", "Pick one"],
        ['{"ImportId":"_recordId"}', '{"ImportId":"QID1_1"}', '{"ImportId":"QID1_2"}',
         '{"ImportId":"QID2"}'],
        ["R_cccccccccccc1", "1", "2", "x"],
        ["R_cccccccccccc2", "2", "1", "y"],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "maxdiff.csv", rows))
    assert report.kind == "qualtrics" and report.added == 2


# --- SurveyMonkey -------------------------------------------------------------------------


def test_surveymonkey_audience_one_header_row(erp, tmp_path):
    rows = [
        ["RespondentID", "How satisfied are you?", "Any comments?"],
        ["10001", "Very satisfied", "Great"],
        ["10002", "Satisfied", ""],
        ["10003", "Very satisfied", "Slow delivery"],
    ]
    report = imported(erp, write_csv(tmp_path / "audience.csv", rows))
    assert report.kind == "surveymonkey" and report.added == 3
    assert report.details["questions"] == 2


def test_surveymonkey_two_rows_empty_headings_belong_to_the_question_on_the_left(erp, tmp_path):
    rows = [
        ["RespondentID", "StartDate", "EndDate", "Which channels do you use?", "", "",
         "Your role"],
        ["", "", "", "E-mail", "Phone", "Chat", "Response"],
        ["20001", "2026-03-01 09:00:00", "2026-03-01 09:04:00", "E-mail", "", "Chat", "Buyer"],
        ["20002", "2026-03-01 10:00:00", "", "", "Phone", "", ""],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "cleaned.csv", rows))
    assert report.kind == "surveymonkey" and report.added == 2
    book = book_of(erp, report)
    assert book.loc["Q1", "type"] == "multi"
    assert book.loc["Q1", "options"] == ["E-mail", "Phone", "Chat"]
    frame = frame_of(erp, report)
    assert frame.loc["20001", "Q1"] == ["E-mail", "Chat"] and frame.loc["20001", "Q2"] == "Buyer"
    assert not frame.loc["20002", "complete"]  # started, never ended: a partial


def test_surveymonkey_without_an_id_column_is_still_surveymonkey(erp, tmp_path):
    rows = [
        ["Which channels do you use?", "", "Your role"],
        ["E-mail", "Phone", "Response"],
        ["E-mail", "Phone", "Buyer"],
        ["", "Phone", "Seller"],
    ]
    report = imported(erp, write_csv(tmp_path / "no_ids.csv", rows))
    assert report.kind == "surveymonkey" and report.added == 2
    assert report.details["questions"] == 2


def test_surveymonkey_ids_mangled_by_excel(erp, tmp_path):
    rows = [
        ["Respondent ID", "Collector ID", "Start Date", "End Date", "How was it?"],
        ["", "", "", "", "Response"],
        ["1.14628E+11", "431822954", "2026-06-20 14:45:00", "2026-06-20 14:46:00", "Good"],
        ["1.14628E+11", "431822954", "2026-06-20 14:47:00", "2026-06-20 14:49:00", "Bad"],
    ]
    path = write_csv(tmp_path / "resaved.csv", rows)
    report = imported(erp, path)
    assert report.added == 2 and report.details["respondent_ids"] == "mangled"
    assert imported(erp, path).added == 0  # the same rows again: nothing new


def test_surveymonkey_and_google_forms_xlsx_downloads(erp, tmp_path):
    sm = [
        ["Respondent ID", "Collector ID", "Start Date", "End Date", "Rate us"],
        ["", "", "", "", "Response"],
        [30001, 9, datetime(2026, 3, 1, 9), datetime(2026, 3, 1, 9, 3), "Good"],
        [30002, 9, datetime(2026, 3, 1, 10), datetime(2026, 3, 1, 10, 2), "Poor"],
    ]
    report = imported(erp, write_xlsx(tmp_path / "sm.xlsx", sm))
    assert report.kind == "surveymonkey" and report.added == 2
    gf = [
        ["Timestamp", "Do you like it?", "Why?"],
        [datetime(2026, 3, 1, 9), "Yes", "Fast"],
        [datetime(2026, 3, 1, 10), "Yes ", "Cheap"],
        [datetime(2026, 3, 1, 11), "No", "Slow"],
    ]
    report = imported(erp, write_xlsx(tmp_path / "gf.xlsx", gf))
    assert report.kind == "google_forms" and report.added == 3
    book = book_of(erp, report)
    assert book.loc["Q1", "options"] == ["Yes", "No"]  # "Yes " is the same answer


def test_google_forms_answers_differing_by_case_and_spaces(erp, tmp_path):
    rows = [
        ["Timestamp", "Would you come again?"],
        ["2026-03-01 09:00:00", "Yes"],
        ["2026-03-01 09:10:00", "YES "],
        ["2026-03-01 09:20:00", "yes"],
        ["2026-03-01 09:30:00", "Yes"],
        ["2026-03-01 09:40:00", "No"],
    ]
    report = imported(erp, write_csv(tmp_path / "Form Responses 1.csv", rows))
    assert report.added == 5
    book = book_of(erp, report)
    assert book.loc["Q1", "options"] == ["Yes", "No"]
    assert frame_of(erp, report)["Q1"].value_counts()["Yes"] == 4
    assert report.details["merged"] == {"Q1": {"Yes": ["YES ", "yes"]}}  # as the file spells them


# --- new platforms ------------------------------------------------------------------------


def test_wenjuan_com_readable_gbk(erp):
    report = imported(erp, DATA / "wenjuan_readable.csv")
    assert report.kind == "wenjuan_com" and report.added == 3
    book = book_of(erp, report)
    assert book.loc["Q1", "type"] in ("single", "likert")
    assert book.loc["Q2", "type"] == "multi" and book.loc["Q2", "options"] == ["电话", "邮件"]
    assert "Q2_other" in book.index
    frame = frame_of(erp, report)
    assert frame.loc["2", "Q2"] == ["邮件"] and frame.loc["1", "duration_s"] == 125.0
    assert not frame.loc["3", "complete"] and report.details["incomplete"] == 1
    assert "IP省份" not in set(book["text"])


def test_wenjuan_com_code_headings(erp, tmp_path):
    rows = [
        ["seq", "source", "Q1", "Q2|A1|open", "Q3", "start", "finish", "time_used",
         "ip_province", "ip_city", "ip", "browser", "os"],
        ["2", "", "2", "", "满意", "2026-03-01 09:00:00", "2026-03-01 09:02:00", "120", "湖南",
         "长沙", "1.2.3.4", "Chrome", "Windows"],
        ["3", "", "1", "a@b.cn", "一般", "2026-03-01 10:00:00", "2026-03-01 10:01:00", "60",
         "吉林", "长春", "1.2.3.5", "Safari", "iOS"],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "results.csv", rows, "gbk"))
    assert report.kind == "wenjuan_com" and report.added == 2
    assert report.details["questions"] == 3


def test_tencent_survey(erp, tmp_path):
    rows = [
        ["编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置国家和地区", "地理位置省",
         "地理位置市", "用户类型", "用户标识", "昵称", "1.您对服务满意吗？", "2.您用过哪些功能？",
         "3.建议"],
        ["1", "2026-03-01 09:00:00", "2026-03-01 09:03:00", "180", "中国", "广东", "深圳",
         "微信", "o1", "甲", "满意", "报表┋导出", "无"],
        ["2", "2026-03-01 10:00:00", "2026-03-01 10:02:00", "120", "中国", "北京", "北京",
         "微信", "o2", "乙", "一般", "导出", "加快速度"],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "腾讯问卷.csv", rows))
    assert report.kind == "tencent" and report.added == 2
    book = book_of(erp, report)
    assert list(book.index) == ["Q1", "Q2", "Q3"]
    assert book.loc["Q2", "type"] == "multi"
    assert frame_of(erp, report).loc["1", "Q2"] == ["报表", "导出"]


@pytest.mark.parametrize(
    "heading",
    [
        ["Id", "Start time", "Completion time", "Email", "Name"],
        ["ID", "开始时间", "完成时间", "电子邮件", "名称"],
        ["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom"],
        ["ID", "Aloitusaika", "Valmistumisaika", "Sähköposti", "Nimi"],  # by shape
    ],
)
def test_microsoft_forms(erp, tmp_path, heading):
    rows = [
        [*heading, "Which topics?", "How likely are you to recommend us? (0-10)"],
        [1, datetime(2026, 3, 1, 9), datetime(2026, 3, 1, 9, 5), "anonymous", "", "A;B;", 9],
        [2, datetime(2026, 3, 1, 10), datetime(2026, 3, 1, 10, 2), "x@y.com", "X", "B;", 6],
        [3, datetime(2026, 3, 1, 11), datetime(2026, 3, 1, 11, 1), "anonymous", "", "A;", 10],
    ]
    report = imported(erp, write_xlsx(tmp_path / "forms.xlsx", rows))
    assert report.kind == "ms_forms" and report.added == 3
    book = book_of(erp, report)
    assert list(book.index) == ["Q1", "Q2"]  # e-mail and name are not questions
    assert book.loc["Q1", "type"] == "multi" and book.loc["Q1", "options"] == ["A", "B"]
    assert frame_of(erp, report).loc["2", "duration_s"] == 120.0


def test_typeform_two_header_rows(erp, tmp_path):
    rows = [
        ["#", "Which do you use?", "", "Your age", "Start Date (UTC)", "Submit Date (UTC)",
         "Network ID"],
        ["", "Email", "Phone", "", "", "", ""],
        ["t1", "Email", "Phone", "30", "2026-03-01 09:00:00", "2026-03-01 09:01:00", "n1"],
        ["t2", "", "Phone", "41", "2026-03-01 10:00:00", "", "n2"],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "tf.csv", rows))
    assert report.kind == "typeform" and report.added == 2
    book = book_of(erp, report)
    assert book.loc["Q1", "type"] == "multi" and book.loc["Q1", "options"] == ["Email", "Phone"]
    assert report.details["incomplete"] == 1


def test_typeform(erp, tmp_path):
    rows = [
        ["#", "What is your name?", "Hi {{field:abc}}, which do you use?", "Email", "Phone",
         "utm_source", "Response Type", "Start Date (UTC)", "Stage Date (UTC)",
         "Submit Date (UTC)", "Network ID", "Tags"],
        ["tok1", "Ann", "", "Email", "Phone", "ads", "completed", "2026-03-01 09:00:00", "",
         "2026-03-01 09:02:00", "n1", ""],
        ["tok2", "Bo", "", "", "Phone", "mail", "partial", "2026-03-01 10:00:00",
         "2026-03-01 10:01:00", "", "n2", ""],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "responses.csv", rows))
    assert report.kind == "typeform" and report.added == 2
    assert (report.details["complete"], report.details["incomplete"]) == (1, 1)
    frame = frame_of(erp, report)
    assert frame.loc["tok1", "submitted_at"] == pd.Timestamp("2026-03-01 09:02:00", tz="UTC")
    multi = [
        c
        for c in codebook(erp, project="ERP", name=report.details["survey"]).itertuples()
        if c.type == "multi"
    ]
    assert len(multi) == 1 and list(multi[0].options) == ["Email", "Phone"]
    assert frame.loc["tok1", multi[0].code] == ["Email", "Phone"]


def test_a_table_no_platform_fits_still_needs_survey(erp, tmp_path):
    rows = [["name", "score"], ["a", "1"], ["b", "2"]]
    path = write_csv(tmp_path / "plain.csv", rows)
    (refused,) = import_files(erp, path, "ERP")
    assert not refused.ok
    assert imported(erp, path, survey="Plain").kind == "survey_table"


def test_header_rows_hint_overrides(erp, tmp_path):
    rows = [
        ["RespondentID", "Rate us"],
        ["40001", "Good"],
        ["40002", "Poor"],
    ]
    path = write_csv(tmp_path / "hinted.csv", rows)
    project = erp.project("ERP")
    report = import_file(erp, path, project, survey=None, wave=None, header_rows=1)
    assert report.ok and report.added == 2
    two = import_file(erp, path, project, survey="Two", wave=None, header_rows=2)
    assert two.ok and two.added == 1  # the user said the first response row is a heading


def test_responses_from_an_older_store_are_complete(tmp_path):
    import shutil

    import pyarrow as pa

    from commlib import _responses, _schema
    from commlib.store import Store

    assert _schema.SCHEMA_VERSION >= 5 and 5 in _schema.MIGRATIONS
    assert _responses.FIELDS["complete"] == pa.bool_()  # (version 6: responses column-wise)
    copy = tmp_path / "v1.db"
    shutil.copy(Path(__file__).parent / "data" / "workbench-v1.db", copy)
    store = Store(copy)
    stored = store.frame("responses")
    if len(stored):  # responses stored before version 5 were finished ones
        assert stored["complete"].astype(bool).all()
        ids = sorted(set(stored["survey_id"].tolist()))
        everything = responses_frame(store, ids, incomplete=True)
        assert len(responses_frame(store, ids)) == len(everything) == len(stored)


def test_a_plain_table_with_two_heading_rows_when_the_user_says_so(erp, tmp_path):
    rows = [
        ["id", "Satisfaction", ""],
        ["", "overall", "support"],
        ["a1", "Good", "Fair"],
        ["a2", "Fair", "Good"],
    ]
    path = write_csv(tmp_path / "plain2.csv", rows)
    report = import_file(erp, path, erp.project("ERP"), survey="P2", wave=None, header_rows=2)
    assert report.ok and report.added == 2
    book = codebook(erp, project="ERP", name="P2")
    assert book["text"].tolist() == ["Satisfaction - overall", "support"]


def test_a_plain_table_with_a_responseid_column_is_not_taken_for_qualtrics(erp, tmp_path):
    rows = [["ResponseId", "Score"], ["17", "5"], ["18", "4"]]
    path = write_csv(tmp_path / "scores.csv", rows)
    (refused,) = import_files(erp, path, "ERP")
    assert not refused.ok
    assert imported(erp, path, survey="Scores").added == 2


def test_qualtrics_text_export_non_answer_beside_a_scale_is_missing(erp, tmp_path):
    ids = ["StartDate", "EndDate", "Finished", "ResponseId", "Q1_1", "Q1_2", "Q2"]
    texts = ["Start Date", "End Date", "Finished", "Response ID", "Rate us - Speed",
             "Rate us - Price", "Gender"]  # fmt: skip
    answers = [
        ("Agree", "Strongly agree", "Female"),
        ("No basis for evaluation", "Disagree", "Prefer not to say"),
        ("Disagree", "Agree", "Male"),
        ("Strongly agree", "No basis for evaluation", "Female"),
    ]
    rows = [ids, texts]
    for n, (a, b, c) in enumerate(answers):
        rows.append(["2026-03-05 10:00:00", "2026-03-05 10:05:00", "True", f"R_dddddddddddd{n}",
                     a, b, c])  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "ratings.csv", rows))
    assert report.added == 4
    assert report.details["non_answers"] == {
        "Q1_1": ["No basis for evaluation"],
        "Q1_2": ["No basis for evaluation"],
    }
    book = book_of(erp, report)
    assert book.loc["Q1_1", "type"] == "likert"
    frame = frame_of(erp, report)
    assert frame.loc["R_dddddddddddd1", "Q2"] == "Prefer not to say"  # no scale beside: kept
    assert pd.isna(frame.loc["R_dddddddddddd1", "Q1_1"])


def test_surveymonkey_in_spanish(erp, tmp_path):
    rows = [
        ["ID del encuestado", "ID del recopilador", "Fecha de inicio", "Fecha de finalización",
         "Dirección IP", "¿Qué canales usa?", "", "Comentarios"],
        ["", "", "", "", "", "Correo", "Teléfono", "Respuesta abierta"],
        ["50001", "77", "2026-03-01 09:00:00", "2026-03-01 09:03:00", "1.2.3.4", "Correo", "",
         "Bien"],
        ["50002", "77", "2026-03-01 10:00:00", "2026-03-01 10:02:00", "1.2.3.5", "", "Teléfono",
         ""],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "encuesta.csv", rows))
    assert report.kind == "surveymonkey" and report.added == 2
    book = book_of(erp, report)
    assert list(book.index) == ["Q1", "Q2"]  # the metadata columns are not questions
    assert book.loc["Q1", "type"] == "multi"
    assert frame_of(erp, report).loc["50001", "duration_s"] == 180.0


def test_limesurvey_in_chinese_and_german(erp, tmp_path):
    zh = [
        ["回复 ID", "提交日期", "最后页面", "起始语言", "种子", "您满意吗？"],
        ["1", "2026-03-01 09:00:00", "2", "zh-Hans", "123456", "满意"],
        ["2", "", "1", "zh-Hans", "654321", "满意"],
    ]
    report = imported(erp, write_csv(tmp_path / "zh.csv", zh))
    assert report.kind == "limesurvey" and report.details["questions"] == 1
    de = [
        ["Antwort ID", "Datum Abgeschickt", "Letzte Seite", "Start-Sprache", "Zufallsstartwert",
         "Wie zufrieden sind Sie?"],
        ["1", "2026-03-01 09:00:00", "2", "de", "123456", "Sehr"],
        ["2", "2026-03-01 10:00:00", "2", "de", "654321", "Sehr"],
    ]  # fmt: skip
    report = imported(erp, write_csv(tmp_path / "de.csv", de))
    assert report.kind == "limesurvey" and report.details["questions"] == 1
    assert report.details["incomplete"] == 0
