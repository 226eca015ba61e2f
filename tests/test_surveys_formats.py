"""Survey exports: each platform's layout, written here in tmp_path, imported by structure.

Times without a zone are the machine's local time: the tests run in Asia/Shanghai (UTC+8).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from commlib import Project
from commlib.cli import cli
from commlib.importers import IMPORTERS, import_files, render, summary
from commlib.surveys.data import codebook, responses_frame

# --- a project, a fixed time zone --------------------------------------------------------


@pytest.fixture(autouse=True)
def _shanghai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def erp(store):
    store.add(Project(name="ERP", client="华辰", start=date(2026, 1, 1)))
    return store


def one(reports):
    assert len(reports) == 1, reports
    report = reports[0]
    assert report.ok, report.refused
    return report


def utc(*parts: int) -> pd.Timestamp:
    return pd.Timestamp(datetime(*parts, tzinfo=UTC))


def table(text: str) -> list[list[str]]:
    """Rows from CSV text (long rows continue on the next line after a backslash)."""
    return list(csv.reader(io.StringIO(text)))


def write_csv(
    path: Path, rows: list[list[object]], encoding: str = "utf-8", sep: str = ","
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xls(path: Path, rows: list[list[object]]) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and value != "":
                number = isinstance(value, str) and re.fullmatch(r"-?\d+", value)
                sheet.write(r, c, int(value) if number else value)
    book.save(str(path))
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    book.save(path)
    return path


# --- Wenjuanxing (问卷星) ------------------------------------------------------------------

WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
WJX_READABLE = table(
    """\
序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您的性别 ,2、您对我们的服务满意吗？,\
3、您平时的兴趣爱好,4、您有多大可能向朋友推荐我们？,5、请对以下因素排序,第6题(响应速度),\
第6题(专业能力),7、其他建议
1,2026/3/5 14:30:12,125秒,手机提交,直接访问,1.2.3.4(上海),男,非常满意,运动┋影视,9,\
价格→质量→服务,满意,非常满意,服务很好
2,2026/3/5 15:01:00,2分5秒,微信,朋友圈,5.6.7.8(北京),女,满意,\
影视┋购物┋其他【请注明】〖读书〗,10,质量→价格→服务,一般,满意,(跳过)
3,2026/3/6 09:00:00,1分,链接,直接访问,9.9.9.9(广州),男,不满意,(跳过),6,服务→价格→质量,\
不满意,一般,希望响应更快
"""
)
WJX_CODED = table(
    """\
序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您的性别,2、您对我们的服务满意吗？,\
第3题(运动),第3题(影视),第3题(购物),第3题(其他【请注明】),4、您有多大可能向朋友推荐我们？,\
第5题(价格),第5题(质量),第5题(服务),第6题(响应速度),第6题(专业能力),7、其他建议
1,2026/3/5 14:30:12,125秒,手机提交,直接访问,1.2.3.4(上海),1,5,1,1,0,0,9,1,2,3,4,5,服务很好
2,2026/3/5 15:01:00,2分5秒,微信,朋友圈,5.6.7.8(北京),2,4,0,1,1,读书,10,2,1,3,3,4,-2
3,2026/3/6 09:00:00,1分,链接,直接访问,9.9.9.9(广州),1,2,-3,-3,-3,-3,6,2,3,1,2,3,希望响应更快
"""
)


def wjx_readable_gbk(folder: Path) -> Path:
    return write_csv(folder / "All_Data_Readable.csv", WJX_READABLE, encoding="gbk")


def wjx_coded_xls(folder: Path) -> Path:
    return write_xls(folder / "All_Data_Original.xls", WJX_CODED)


def check_wjx(store, kinds_from: str) -> None:
    book = codebook(store, project="ERP", name="满意度")
    types = dict(zip(book["code"], book["type"], strict=True))
    options = dict(zip(book["code"], book["options"], strict=True))
    assert types["Q1"] == "single" and options["Q1"] == ["男", "女"]
    assert types["Q2"] == "likert"
    assert options["Q2"] == ["非常不满意", "不满意", "一般", "满意", "非常满意"]
    assert types["Q3"] == "multi" and options["Q3"][:3] == ["运动", "影视", "购物"]
    assert types["Q4"] == "nps"
    assert types["Q5"] == "rank" and sorted(options["Q5"]) == ["价格", "服务", "质量"]
    assert types["Q6"] == "matrix" and types["Q6_1"] == "likert"
    assert book.set_index("code").loc["Q6_2", "parent"] == "Q6"
    assert types["Q7"] == "text"
    frame = responses_frame(store, project="ERP", name="满意度").set_index("respondent")
    assert list(frame.index) == ["1", "2", "3"]
    assert frame.loc["1", "Q1"] == "男" and frame.loc["2", "Q1"] == "女"
    assert frame["Q2"].tolist() == [5.0, 4.0, 2.0]
    assert frame.loc["1", "Q3"] == ["运动", "影视"]
    assert frame.loc["2", "Q3"] == ["影视", "购物", "其他【请注明】"]
    assert frame.loc["2", "Q3_other"] == "读书"
    assert pd.isna(frame.loc["3", "Q3"])  # not shown (-3 / 跳过)
    assert frame["Q4"].tolist() == [9.0, 10.0, 6.0]
    assert frame.loc["1", "Q5"] == ["价格", "质量", "服务"]
    assert frame.loc["3", "Q5"] == ["服务", "价格", "质量"]
    assert frame["Q6_1"].tolist() == [4.0, 3.0, 2.0]
    assert pd.isna(frame.loc["2", "Q7"]) and frame.loc["3", "Q7"] == "希望响应更快"
    assert frame.loc["1", "submitted_at"] == utc(2026, 3, 5, 6, 30, 12)
    assert frame["duration_s"].tolist() == [125.0, 125.0, 60.0]
    assert frame["source"].tolist() == ["手机提交", "微信", "链接"]
    assert str(frame["Q1"].dtype) == "category" and frame["Q2"].dtype == "float64"
    del kinds_from


def test_wenjuanxing_readable_gbk_csv(erp, tmp_path):
    path = wjx_readable_gbk(tmp_path)
    assert path.read_bytes().decode("gbk")  # really GBK, not UTF-8
    report = one(import_files(erp, path, "ERP", survey="满意度"))
    assert report.kind == "wenjuanxing"
    assert (report.added, report.duplicates) == (3, 0)
    assert report.details["export"] == "readable"
    check_wjx(erp, "readable")


def test_wenjuanxing_coded_xls_alone_keeps_choice_numbers(erp, tmp_path):
    path = wjx_coded_xls(tmp_path)
    report = one(import_files(erp, path, "ERP", survey="满意度"))
    assert report.details["export"] == "coded"
    book = codebook(erp, project="ERP", name="满意度").set_index("code")
    assert book.loc["Q1", "type"] == "single" and book.loc["Q1", "options"] == ["1", "2"]
    assert book.loc["Q3", "options"] == ["运动", "影视", "购物", "其他【请注明】"]  # header order
    assert book.loc["Q5", "type"] == "rank"
    frame = responses_frame(erp, project="ERP", name="满意度").set_index("respondent")
    assert pd.isna(frame.loc["3", "Q3"]) and pd.isna(frame.loc["2", "Q7"])  # -3 and -2
    assert frame.loc["3", "Q5"] == ["服务", "价格", "质量"]
    assert any("readable export" in w for w in report.warnings)


@pytest.mark.parametrize("order", ["readable first", "coded first"])
def test_wenjuanxing_coded_and_readable_join(erp, tmp_path, order):
    readable, coded = wjx_readable_gbk(tmp_path), wjx_coded_xls(tmp_path)
    files = [readable, coded] if order == "readable first" else [coded, readable]
    reports = import_files(erp, files, "ERP", survey="满意度", wave="W1")
    assert all(r.ok for r in reports), [r.refused for r in reports]
    assert [r.added for r in reports] == [3, 0]
    assert [r.duplicates for r in reports] == [0, 3]
    assert reports[1].details["joined"]
    check_wjx(erp, order)
    book = codebook(erp, project="ERP", name="满意度").set_index("code")
    assert book.loc["Q3", "options"] == ["运动", "影视", "购物", "其他【请注明】"]
    assert book.loc["Q5", "options"] == ["价格", "质量", "服务"]
    assert len(erp.records("surveys", "ERP")) == 1


def test_the_default_survey_name_is_shared_by_the_pair(erp, tmp_path):
    folder = tmp_path / "客户满意度"
    folder.mkdir()
    readable = write_csv(folder / "客户满意度_All_Data_Readable.csv", WJX_READABLE)
    coded = write_xls(folder / "客户满意度_All_Data_Original.xls", WJX_CODED)
    reports = import_files(erp, [coded, readable], "ERP")
    assert {r.details["survey"] for r in reports} == {"客户满意度"}
    assert [r.added for r in reports] == [3, 0]


# --- Qualtrics ---------------------------------------------------------------------------

QX_IDS = table(
    """\
StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,\
ResponseId,DistributionChannel,UserLanguage,Q1,Q2,Q3_1,Q3_2,Q4,Q4_4_TEXT,Q5
"""
)[0]
QX_TEXTS = table(
    """\
Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,\
Recorded Date,Response ID,Distribution Channel,User Language,\
How likely are you to recommend us to a friend?,\
"Overall, how satisfied are you with the project?",\
How much do you agree? - The team communicates clearly,\
How much do you agree? - Deadlines are met,Which channels do you use?,\
Which channels do you use? - Other - Text,"Any other comments?
(optional)"
"""
)[0]
QX_IMPORT = table(
    """\
"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}","{""ImportId"":""endDate"",\
""timeZone"":""America/Denver""}","{""ImportId"":""status""}",\
"{""ImportId"":""ipAddress""}","{""ImportId"":""progress""}",\
"{""ImportId"":""duration""}","{""ImportId"":""finished""}",\
"{""ImportId"":""recordedDate"",""timeZone"":""America/Denver""}",\
"{""ImportId"":""_recordId""}","{""ImportId"":""distributionChannel""}",\
"{""ImportId"":""userLanguage""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}",\
"{""ImportId"":""QID3_1""}","{""ImportId"":""QID3_2""}","{""ImportId"":""QID4""}",\
"{""ImportId"":""QID4_4_TEXT""}","{""ImportId"":""QID5_TEXT""}"
"""
)[0]
QX_META = table(
    """\
2026-03-05 08:00:00,2026-03-05 08:05:30,0,1.2.3.4,100,330
2026-03-06 09:00:00,2026-03-06 09:02:00,0,1.2.3.5,100,120
2026-03-07 10:00:00,2026-03-07 10:10:00,0,1.2.3.6,100,600
"""
)
QX_TEXT_ANSWERS = table(
    """\
True,2026-03-05 08:05:31,R_a1,anonymous,EN,9,Very satisfied,Agree,Strongly agree,\
"Email,Phone",,Great work
True,2026-03-06 09:02:01,R_b2,email,EN,6,Dissatisfied,Disagree,Neither agree nor disagree,\
Email,,
True,2026-03-07 10:10:01,R_c3,anonymous,ZH,10,Satisfied,Strongly agree,Agree,\
"Phone,Other",WeChat,Thanks
"""
)
QX_NUMERIC_ANSWERS = table(
    """\
1,2026-03-05 08:05:31,R_a1,anonymous,EN,9,5,4,5,"1,2",,Great work
1,2026-03-06 09:02:01,R_b2,email,EN,6,2,2,3,1,,
1,2026-03-07 10:10:01,R_c3,anonymous,ZH,10,4,5,4,"2,4",WeChat,Thanks
"""
)


def qualtrics_rows(answers):
    return [QX_IDS, QX_TEXTS, QX_IMPORT, *[m + a for m, a in zip(QX_META, answers, strict=True)]]


def qualtrics_text_csv(folder: Path) -> Path:
    path = folder / "Client Pulse_March 8, 2026_10.15.csv"
    return write_csv(path, qualtrics_rows(QX_TEXT_ANSWERS), encoding="utf-8-sig")


def qualtrics_numeric_tsv(folder: Path) -> Path:
    path = folder / "Client Pulse_March 8, 2026_10.16.tsv"
    return write_csv(path, qualtrics_rows(QX_NUMERIC_ANSWERS), encoding="utf-16", sep="\t")


def check_qualtrics_text(store, name="Client Pulse"):
    book = codebook(store, project="ERP", name=name).set_index("code")
    assert book.loc["Q1", "type"] == "nps"
    assert book.loc["Q2", "type"] == "likert"
    assert book.loc["Q2", "options"] == [
        "Very dissatisfied",
        "Dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Satisfied",
        "Very satisfied",
    ]
    assert book.loc["Q3", "type"] == "matrix"
    assert book.loc["Q3_1", "text"] == "The team communicates clearly"
    assert book.loc["Q3_1", "type"] == "likert" and book.loc["Q3_1", "parent"] == "Q3"
    assert book.loc["Q4", "type"] == "multi"
    assert book.loc["Q4_4_TEXT", "type"] == "text"
    frame = responses_frame(store, project="ERP", name=name).set_index("respondent")
    assert frame.loc["R_a1", "Q4"] == ["Email", "Phone"]
    assert frame["Q2"].tolist() == [5.0, 2.0, 4.0]
    assert frame["Q3_1"].tolist() == [4.0, 2.0, 5.0]
    # Denver is UTC-7 in early March: 08:05:31 there is 15:05:31 UTC
    assert frame.loc["R_a1", "submitted_at"] == utc(2026, 3, 5, 15, 5, 31)
    assert frame["duration_s"].tolist() == [330.0, 120.0, 600.0]
    assert frame.loc["R_b2", "source"] == "email"
    assert frame.loc["R_a1", "Q5"] == "Great work"
    return book, frame


def test_qualtrics_three_header_rows_with_bom(erp, tmp_path):
    path = qualtrics_text_csv(tmp_path)
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    report = one(import_files(erp, path, "ERP"))
    assert report.kind == "qualtrics" and report.added == 3
    assert report.details["survey"] == "Client Pulse"
    assert report.details["export"] == "text"
    check_qualtrics_text(erp)


def test_qualtrics_utf16_tsv_numeric_joins_its_text_twin(erp, tmp_path):
    numeric = qualtrics_numeric_tsv(tmp_path)
    assert numeric.read_bytes()[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    text = qualtrics_text_csv(tmp_path)
    first = one(import_files(erp, numeric, "ERP"))
    assert first.details["export"] == "numeric" and first.added == 3
    second = one(import_files(erp, text, "ERP"))
    assert (second.added, second.duplicates) == (0, 3)
    book, frame = check_qualtrics_text(erp)
    assert book.loc["Q4", "options"][:2] == ["Email", "Phone"]
    assert frame.loc["R_c3", "Q4"] == ["Phone", "Other"]


def test_qualtrics_legacy_two_header_rows(erp, tmp_path):
    rows = table(
        """\
V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1,Q2
ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,StartDate,\
EndDate,Finished,How satisfied are you?,Comments
R_1,Default Response Set,Anonymous,,,1.2.3.4,0,2026-03-05 10:00:00,2026-03-05 10:04:00,1,\
Satisfied,ok
R_2,Default Response Set,Anonymous,,,1.2.3.5,0,2026-03-05 11:00:00,2026-03-05 11:01:30,1,\
Very satisfied,
"""
    )
    path = write_csv(tmp_path / "legacy.csv", rows)
    report = one(import_files(erp, path, "ERP", survey="Legacy"))
    assert report.kind == "qualtrics" and report.added == 2
    frame = responses_frame(erp, project="ERP", name="Legacy").set_index("respondent")
    assert frame["duration_s"].tolist() == [240.0, 90.0]
    assert frame.loc["R_1", "submitted_at"] == utc(2026, 3, 5, 2, 4)
    assert frame["Q1"].tolist() == [4.0, 5.0]


# --- SurveyMonkey ------------------------------------------------------------------------

SM_FIRST = table(
    """\
Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,\
Last Name,Custom Data 1,How satisfied are you with our service?,\
Which features do you use?,,,,Please rate:,,\
How likely is it that you would recommend us to a friend or colleague?,Any other comments?
"""
)[0]
SM_SECOND = table(
    """\
,,,,,,,,,Response,Reports,Dashboards,Alerts,Other (please specify),Quality,Timeliness,\
Response,Open-Ended Response
"""
)[0]
SM_ROWS = table(
    """\
11401,4321,03/05/2026 02:30:12 PM,03/05/2026 02:35:42 PM,1.2.3.4,a@x.com,Ann,Lee,,\
Very satisfied,Reports,,Alerts,,Agree,Strongly agree,9,Nice
11402,4321,03/06/2026 09:00:00 AM,03/06/2026 09:01:00 AM,1.2.3.5,,,,,Satisfied,,\
Dashboards,,Exports,Disagree,Agree,7,
11403,4322,03/07/2026 10:00:00 AM,03/07/2026 10:03:00 AM,1.2.3.6,,,,,Dissatisfied,,,,,\
Strongly disagree,Disagree,3,Too slow
"""
)


def test_surveymonkey_expanded_xlsx(erp, tmp_path):
    path = write_xlsx(tmp_path / "export.xlsx", [SM_FIRST, SM_SECOND, *SM_ROWS], "Service Survey")
    report = one(import_files(erp, path, "ERP"))
    assert report.kind == "surveymonkey" and report.added == 3
    assert report.details["survey"] == "Service Survey"
    book = codebook(erp, project="ERP", name="Service Survey").set_index("code")
    assert book.loc["Q2", "type"] == "multi"
    assert book.loc["Q2", "options"] == ["Reports", "Dashboards", "Alerts"]
    assert book.loc["Q2_other", "type"] == "text"
    assert book.loc["Q3", "type"] == "matrix" and book.loc["Q3_2", "text"] == "Timeliness"
    assert book.loc["Q4", "type"] == "nps" and book.loc["Q1", "type"] == "likert"
    frame = responses_frame(erp, project="ERP", name="Service Survey").set_index("respondent")
    assert frame.loc["11401", "Q2"] == ["Reports", "Alerts"]
    assert pd.isna(frame.loc["11403", "Q2"])  # nothing chosen: skipped
    assert frame.loc["11402", "Q2_other"] == "Exports"
    assert frame.loc["11401", "submitted_at"] == utc(2026, 3, 5, 6, 35, 42)
    assert frame["duration_s"].tolist() == [330.0, 60.0, 180.0]
    assert frame.loc["11401", "source"] == "4321"
    assert "First Name" not in " ".join(book["text"])


def test_surveymonkey_condensed_csv(erp, tmp_path):
    first = [c for n, c in enumerate(SM_FIRST) if n not in (11, 12, 13)]
    second = [c for n, c in enumerate(SM_SECOND) if n not in (11, 12, 13)]
    second[10] = "Response"
    rows = []
    for row in SM_ROWS:
        chosen = ", ".join(v for v in row[10:13] if v)
        rows.append([*row[:10], chosen, *row[14:]])
    rows[1][10] = "Dashboards, Reports"
    rows[2][10] = "Dashboards"
    path = write_csv(tmp_path / "condensed.csv", [first, second, *rows])
    report = one(import_files(erp, path, "ERP", survey="SM"))
    assert report.kind == "surveymonkey"
    frame = responses_frame(erp, project="ERP", name="SM").set_index("respondent")
    assert frame.loc["11401", "Q2"] == ["Reports", "Alerts"]
    assert frame.loc["11402", "Q2"] == ["Reports", "Dashboards"]
    assert frame.loc["11403", "Q2"] == ["Dashboards"]
    assert codebook(erp, project="ERP", name="SM").set_index("code").loc["Q2", "type"] == "multi"


# --- Google Forms ------------------------------------------------------------------------


GOOGLE = table(
    """\
时间戳,电子邮件地址,您对项目的总体满意度,您使用哪些功能？,请评价 [沟通],请评价 [交付],\
您向同事推荐我们的可能性有多大？,其他意见
2026/3/5 下午2:30:12,a@x.cn,满意,"报表, 看板",满意,非常满意,9,很好
2026/3/6 上午9:05:00,b@x.cn,非常满意,看板,一般,满意,10,
2026/3/6 上午10:00:00,c@x.cn,不满意,"报表, 提醒, 看板",不满意,一般,5,慢
"""
)


def test_google_forms_with_chinese_timestamp(erp, tmp_path):
    path = write_csv(tmp_path / "回复.csv", GOOGLE, encoding="utf-8-sig")
    report = one(import_files(erp, path, "ERP", survey="GF"))
    assert report.kind == "google_forms" and report.added == 3
    book = codebook(erp, project="ERP", name="GF").set_index("code")
    assert list(book.index) == ["Q1", "Q2", "Q3", "Q3_1", "Q3_2", "Q4", "Q5"]
    assert book.loc["Q1", "type"] == "likert" and book.loc["Q4", "type"] == "nps"
    assert book.loc["Q2", "type"] == "multi"
    assert book.loc["Q2", "options"] == ["报表", "看板", "提醒"]
    assert book.loc["Q3_1", "text"] == "沟通" and book.loc["Q3", "text"] == "请评价"
    frame = responses_frame(erp, project="ERP", name="GF")
    assert frame["submitted_at"].tolist() == [
        utc(2026, 3, 5, 6, 30, 12),
        utc(2026, 3, 6, 1, 5),
        utc(2026, 3, 6, 2, 0),
    ]
    assert frame["Q2"].iloc[2] == ["报表", "看板", "提醒"]  # in the options' order
    assert "a@x.cn" not in frame.to_string()
    again = one(import_files(erp, path, "ERP", survey="GF"))
    assert (again.added, again.duplicates) == (0, 3)


# --- LimeSurvey --------------------------------------------------------------------------

LS_CODES = table(
    """\
id,submitdate,lastpage,startlanguage,seed,startdate,datestamp,G1Q1,G1Q2[SQ001],\
G1Q2[SQ002],G1Q2[other],G1Q3[SQ001],G1Q3[SQ002],G1Q4[1],G1Q4[2],G1Q4[3]
1,2026-03-05 14:30:12,2,zh,123,2026-03-05 14:25:00,2026-03-05 14:30:12,A1,Y,,自由文本,A5,\
A4,A2,A1,A3
2,2026-03-05 16:00:00,2,zh,456,2026-03-05 15:58:00,2026-03-05 16:00:00,A2,,Y,,A3,A3,A1,A3,A2
3,,1,en,789,2026-03-06 08:00:00,2026-03-06 08:01:00,A1,,,,,,,,
"""
)
LS_FULL_HEADER = table(
    """\
Response ID,Date submitted,Last page,Start language,Seed,Date started,Date last action,\
Overall satisfaction,Which do you use? [Reports],Which do you use? [Dashboards],\
Which do you use? [Other],Please rate [Quality],Please rate [Speed],\
Rank these [Ranking 1],Rank these [Ranking 2],Rank these [Ranking 3]
"""
)[0]
LS_FULL_ROWS = table(
    """\
1,2026-03-05 14:30:12,2,zh,123,2026-03-05 14:25:00,2026-03-05 14:30:12,Satisfied,Yes,,\
自由文本,Strongly agree,Agree,Price,Quality,Service
2,2026-03-05 16:00:00,2,zh,456,2026-03-05 15:58:00,2026-03-05 16:00:00,Very satisfied,,\
Yes,,Neutral,Neutral,Quality,Service,Price
"""
)


def test_limesurvey_codes(erp, tmp_path):
    path = write_csv(tmp_path / "results-survey123.csv", LS_CODES)
    report = one(import_files(erp, path, "ERP", survey="LS"))
    assert report.kind == "limesurvey" and report.added == 3
    book = codebook(erp, project="ERP", name="LS").set_index("code")
    assert book.loc["G1Q2", "type"] == "multi"
    assert book.loc["G1Q2", "options"] == ["SQ001", "SQ002"]
    assert book.loc["G1Q2[other]", "type"] == "text"
    assert book.loc["G1Q3", "type"] == "matrix"
    assert book.loc["G1Q3[SQ001]", "parent"] == "G1Q3"
    assert book.loc["G1Q4", "type"] == "rank"
    frame = responses_frame(erp, project="ERP", name="LS", incomplete=True)
    frame = frame.set_index("respondent")
    assert frame.loc["1", "G1Q2"] == ["SQ001"] and frame.loc["2", "G1Q2"] == ["SQ002"]
    assert frame.loc["1", "G1Q4"] == ["A2", "A1", "A3"]
    assert frame.loc["1", "duration_s"] == 312.0
    assert pd.isna(frame.loc["3", "submitted_at"])  # an incomplete response
    assert not frame.loc["3", "complete"] and frame.loc["1", "complete"]
    assert report.details["complete"] == 2 and report.details["incomplete"] == 1
    finished = responses_frame(erp, project="ERP", name="LS")  # statistics: finished only
    assert sorted(finished["respondent"]) == ["1", "2"]
    assert frame.loc["2", "submitted_at"] == utc(2026, 3, 5, 8, 0)


def test_limesurvey_full_text_headings_and_answers(erp, tmp_path):
    path = write_csv(tmp_path / "results-full.csv", [LS_FULL_HEADER, *LS_FULL_ROWS])
    report = one(import_files(erp, path, "ERP", survey="LS full"))
    assert report.kind == "limesurvey" and report.added == 2
    book = codebook(erp, project="ERP", name="LS full").set_index("code")
    assert list(book.index) == ["Q1", "Q2", "Q2_other", "Q3", "Q3_1", "Q3_2", "Q4"]
    assert book.loc["Q1", "type"] == "likert"
    assert book.loc["Q2", "options"] == ["Reports", "Dashboards"]
    assert book.loc["Q3_1", "type"] == "likert" and book.loc["Q3_1", "text"] == "Quality"
    assert book.loc["Q4", "type"] == "rank"
    frame = responses_frame(erp, project="ERP", name="LS full").set_index("respondent")
    assert frame.loc["2", "Q4"] == ["Quality", "Service", "Price"]
    assert frame.loc["1", "Q2_other"] == "自由文本"
    assert frame["Q3_1"].tolist() == [5.0, 3.0]


# --- a plain table -----------------------------------------------------------------------

GENERIC = table(
    """\
respondent_id,submitted_at,satisfaction,nps_score,How likely to recommend?,team,comment
u1,2026-03-05 10:00,4,8,9,A,fine
u2,2026-03-05 11:00,5,9,10,B,"great, thanks for everything"
u3,2026-03-05 12:00,2,3,2,A,needs work on the reports
u4,2026-03-05 13:00,3,7,7,B,
"""
)


def test_a_plain_table_needs_a_survey_name(erp, tmp_path):
    path = write_csv(tmp_path / "data.csv", GENERIC)
    refused = import_files(erp, path, "ERP")[0]
    assert not refused.ok
    assert "--survey" in refused.refused and "a table of" in refused.refused
    report = one(import_files(erp, path, "ERP", survey="Plain", wave="W2"))
    assert report.kind == "survey_table" and report.added == 4
    assert report.details["wave"] == "W2"
    book = codebook(erp, project="ERP", name="Plain").set_index("code")
    assert book.loc["satisfaction", "type"] == "rating"
    assert book.loc["satisfaction", "options"] == ["1", "5"]
    assert book.loc["Q3", "type"] == "nps"  # "recommend" in the question
    assert book.loc["Q3", "text"] == "How likely to recommend?"
    assert book.loc["nps_score", "type"] == "rating"  # 0-10, but nothing says "recommend"
    assert book.loc["team", "type"] == "single" and book.loc["comment", "type"] == "text"
    frame = responses_frame(erp, project="ERP", name="Plain")
    assert frame["respondent"].tolist() == ["u1", "u2", "u3", "u4"]
    assert frame["wave"].unique().tolist() == ["W2"]


def test_a_plain_xlsx_without_ids_uses_row_numbers(erp, tmp_path):
    path = write_xlsx(tmp_path / "plain.xlsx", [row[2:] for row in GENERIC])
    report = one(import_files(erp, path, "ERP", survey="Numbers"))
    assert report.details["respondent_ids"] == "row numbers"
    frame = responses_frame(erp, project="ERP", name="Numbers")
    assert frame["respondent"].tolist() == ["1", "2", "3", "4"]
    assert frame["satisfaction"].tolist() == [4.0, 5.0, 2.0, 3.0]


# --- every layout: detection, counts, re-import -------------------------------------------

SAMPLES = {
    "wenjuanxing readable (GBK CSV)": (wjx_readable_gbk, "wenjuanxing", 3, 10),
    "wenjuanxing coded (.xls)": (wjx_coded_xls, "wenjuanxing", 3, 10),
    "qualtrics 3 rows (BOM CSV)": (qualtrics_text_csv, "qualtrics", 3, 8),
    "qualtrics numeric (UTF-16 TSV)": (qualtrics_numeric_tsv, "qualtrics", 3, 8),
    "surveymonkey (.xlsx)": (
        lambda f: write_xlsx(f / "sm.xlsx", [SM_FIRST, SM_SECOND, *SM_ROWS]),
        "surveymonkey",
        3,
        8,
    ),
    "google forms": (lambda f: write_csv(f / "gf.csv", GOOGLE), "google_forms", 3, 7),
    "limesurvey codes": (lambda f: write_csv(f / "ls.csv", LS_CODES), "limesurvey", 3, 7),
    "limesurvey full": (
        lambda f: write_csv(f / "lsf.csv", [LS_FULL_HEADER, *LS_FULL_ROWS]),
        "limesurvey",
        2,
        7,
    ),
}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_each_layout_is_found_by_structure_and_reimporting_adds_nothing(erp, tmp_path, name):
    write, kind, responses, questions = SAMPLES[name]
    path = write(tmp_path)
    renamed = path.with_name("export" + path.suffix)  # the name plays no part in the choice
    path.rename(renamed)
    report = one(import_files(erp, renamed, "ERP", survey="S"))
    assert report.kind == kind
    assert (report.added, report.details["questions"]) == (responses, questions)
    again = one(import_files(erp, renamed, "ERP", survey="S"))
    assert (again.added, again.duplicates) == (0, responses)
    assert again.details["questions_added"] == 0
    frame = responses_frame(erp, project="ERP", name="S", incomplete=True)
    assert len(frame) == responses
    assert frame["submitted_at"].dtype == "datetime64[us, UTC]"


def test_survey_importers_come_after_the_contact_importers():
    names = [i.name for i in IMPORTERS]
    assert names[:4] == ["ics", "mbox", "eml", "contact_csv"]
    assert names[4:] == [
        "wenjuanxing",
        "wenjuan_com",
        "tencent",
        "qualtrics",
        "surveymonkey",
        "limesurvey",
        "ms_forms",
        "typeform",
        "google_forms",
        "survey_table",
    ]
    for importer in IMPORTERS:
        assert importer.label() and importer.describe()


def test_an_unknown_layout_says_what_was_expected(erp, tmp_path):
    binary = tmp_path / "photo.xlsx"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    report = import_files(erp, binary, "ERP", survey="S")[0]
    assert not report.ok and report.refused.startswith("the workbook cannot be read")
    assert "save it again as .xlsx" in report.refused
    header_only = write_csv(tmp_path / "empty.csv", [WJX_READABLE[0]])
    refused = import_files(erp, header_only, "ERP")[0]
    assert not refused.ok and "no responses" in refused.refused


def test_bad_files_are_refused_with_a_reason_not_a_crash(erp, tmp_path):
    rows = [WJX_READABLE[0], *[WJX_READABLE[1]] * 2000]
    broken = write_csv(tmp_path / "broken.csv", [*rows, [*WJX_READABLE[1], "x", "y", "z"]])
    corrupt = tmp_path / "corrupt.xls"
    corrupt.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00garbage" * 100)
    for path in (broken, corrupt):
        report = import_files(erp, path, "ERP", survey="S")[0]
        assert not report.ok and report.refused
        assert "please report" not in report.refused
    assert "Expected" in import_files(erp, broken, "ERP")[0].refused


def test_the_cli_imports_a_survey_as_json(erp, tmp_path):
    path = write_csv(tmp_path / "f.csv", GENERIC)
    db = str(erp.where)
    args = ["--db", db, "import", str(path), "--project", "ERP", "--survey", "S", "--wave", "W"]
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    file = data["files"][0]
    assert file["kind"] == "survey_table" and file["added"] == 4 and file["ok"]
    assert file["details"]["survey"] == "S" and file["details"]["wave"] == "W"
    assert file["details"]["questions"] == 5
    assert data["total"]["added"] == 4
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0
    assert "survey S, wave W: 5 questions" in again.output
    assert "4 already imported" in again.output


def test_reports_render_the_survey_in_chinese(erp, tmp_path):
    from commlib.i18n import language

    reports = import_files(erp, wjx_readable_gbk(tmp_path), "ERP", survey="满意度", wave="W1")
    with language("zh"):
        text = render(reports)
    assert "问卷 满意度，轮次 W1" in text
    assert summary(reports)["files"][0]["details"]["questions"] == 10


def test_times_follow_the_machine_zone_unless_the_file_names_one(erp, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    one(import_files(erp, wjx_readable_gbk(tmp_path), "ERP", survey="London"))
    frame = responses_frame(erp, project="ERP", name="London")
    assert frame["submitted_at"].iloc[0] == utc(2026, 3, 5, 14, 30, 12)
    one(import_files(erp, qualtrics_text_csv(tmp_path), "ERP"))  # says America/Denver
    check_qualtrics_text(erp)


# --- size ----------------------------------------------------------------------------------


def big_csv(path: Path, rows: int, questions: int = 20) -> Path:
    rng = np.random.default_rng(7)
    scale = np.array(["非常不满意", "不满意", "一般", "满意", "非常满意"], dtype=object)
    data = {"respondent_id": [f"r{n}" for n in range(rows)]}
    for q in range(questions):
        kind = q % 4
        if kind == 0:
            data[f"q{q}"] = rng.integers(1, 6, rows)
        elif kind == 1:
            data[f"q{q}"] = scale[rng.integers(0, 5, rows)]
        elif kind == 2:
            data[f"q{q}"] = np.array(list("ABCD"), dtype=object)[rng.integers(0, 4, rows)]
        else:
            data[f"q{q}"] = rng.normal(50, 10, rows).round(2)
    pd.DataFrame(data).to_csv(path, index=False)
    return path


def test_a_big_table_imports_in_chunks(erp, tmp_path, monkeypatch):
    from commlib.surveys import data

    monkeypatch.setattr(data, "CHUNK_ROWS", 1000)
    path = big_csv(tmp_path / "big.csv", 5_000)
    report = one(import_files(erp, path, "ERP", survey="Big"))
    assert report.added == 5_000 and report.details["questions"] == 20
    frame = responses_frame(erp, project="ERP", name="Big")
    assert len(frame) == 5_000 and frame["q1"].dtype == "float64"
    original = pd.read_csv(path)
    assert frame["q3"].round(2).tolist() == original["q3"].tolist()
    assert (frame["q2"].astype(str) == original["q2"]).all()
    again = one(import_files(erp, path, "ERP", survey="Big"))
    assert (again.added, again.duplicates) == (0, 5_000)


@pytest.mark.parametrize("order", ["readable first", "coded first"])
def test_a_coded_export_without_telltale_signs_still_joins(erp, tmp_path, order):
    """No 0/1 columns, no -2/-3, a neutral name: the numbers look like ratings, and are
    matched to the twin's texts by respondent all the same."""
    header = [*WJX_META, "1、您的性别", "2、您对我们的服务满意吗？"]
    meta = [[n, f"2026/3/5 1{n}:00:00", "30秒", "微信", "", ""] for n in (1, 2, 3, 4)]
    texts = [["男", "非常满意"], ["女", "满意"], ["男", "不满意"], ["女", "满意"]]
    codes = [[1, 5], [2, 4], [1, 2], [2, 4]]
    readable = write_csv(
        tmp_path / "a.csv", [header, *[m + a for m, a in zip(meta, texts, strict=True)]]
    )
    coded = write_csv(
        tmp_path / "b.csv", [header, *[m + a for m, a in zip(meta, codes, strict=True)]]
    )
    files = [readable, coded] if order == "readable first" else [coded, readable]
    reports = import_files(erp, files, "ERP", survey="Twin")
    assert [r.added for r in reports] == [4, 0]
    assert sorted(reports[1].details["joined"]) == ["Q1", "Q2"]
    book = codebook(erp, project="ERP", name="Twin").set_index("code")
    assert book.loc["Q1", "type"] == "single" and book.loc["Q1", "options"] == ["男", "女"]
    assert book.loc["Q2", "type"] == "likert"
    frame = responses_frame(erp, project="ERP", name="Twin")
    assert frame["Q1"].tolist() == ["男", "女", "男", "女"]
    assert frame["Q2"].tolist() == [5.0, 4.0, 2.0, 4.0]


@pytest.mark.parametrize("order", ["readable first", "coded first"])
def test_a_multi_select_where_everyone_chose_one_option_joins_as_multi(erp, tmp_path, order):
    meta = [[n, f"2026/3/5 1{n}:00:00", "30秒", "微信", "", ""] for n in (1, 2, 3)]
    chosen = [["运动"], ["影视"], ["运动"]]  # no ┋: it looks like a single choice
    readable = [
        [*WJX_META, "3、您平时的兴趣爱好"],
        *[m + c for m, c in zip(meta, chosen, strict=True)],
    ]
    flags = [[1, 0, 0], [0, 1, 0], [1, 0, 0]]
    coded = [
        [*WJX_META, "第3题(运动)", "第3题(影视)", "第3题(购物)"],
        *[m + f for m, f in zip(meta, flags, strict=True)],
    ]
    files = [write_csv(tmp_path / "r.csv", readable), write_xls(tmp_path / "c.xls", coded)]
    if order == "coded first":
        files.reverse()
    reports = import_files(erp, files, "ERP", survey="Hobby")
    assert [r.added for r in reports] == [3, 0]
    book = codebook(erp, project="ERP", name="Hobby").set_index("code")
    assert book.loc["Q3", "type"] == "multi"
    assert book.loc["Q3", "options"] == ["运动", "影视", "购物"]
    frame = responses_frame(erp, project="ERP", name="Hobby")
    assert frame["Q3"].tolist() == [["运动"], ["影视"], ["运动"]]
