"""What a reader is shown: how done milestones ended, the client's risk list, next steps from
today on, goals and scope as lists, the survey in plain words, and a report's empty sections
and period. Pure functions over small frames (the browser checks are in test_report_design)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import nbformat
import numpy as np
import pandas as pd

from commlib import Project
from commlib.report import _facts, drop_empty_sections, report_period
from commlib.risks import risk_list
from commlib.schedule import ScopeLists, forecast_table, scope_summary
from commlib.sessions import next_steps
from commlib.surveys import client_summary
from commlib.surveys.analysis import SurveyAnalysis
from commlib.surveys.client import client_keywords, verdict, whole_words

TODAY = date(2026, 5, 4)


# --- forecast: done milestones show how they ended ----------------------------------------


def _outlook(**extra: list) -> pd.DataFrame:
    rows = {
        "name": ["Design", "UAT", "Go-live"],
        "type": ["milestone", "deliverable", "milestone"],
        "status": ["done", "done", "planned"],
        "baseline_due": [date(2026, 3, 2), date(2026, 4, 1), date(2026, 6, 1)],
        "current_due": [date(2026, 3, 2), date(2026, 4, 15), date(2026, 6, 8)],
        "p50": [date(2026, 3, 2), date(2026, 4, 15), date(2026, 6, 9)],
        "p80": [date(2026, 3, 2), date(2026, 4, 15), date(2026, 6, 20)],
        "p_baseline": [1.0, 0.0, 0.1],
        "p_current": [1.0, 1.0, 0.45],
    }
    return pd.DataFrame({**rows, **extra})


def test_done_milestones_show_their_outcome_not_a_chance():
    table = forecast_table(
        _outlook(
            accepted_by_name=["Zhang Wei", None, None],
            accepted_on=[date(2026, 3, 4), None, None],
        ),
        lang="en",
    )
    assert table["Outcome"].tolist() == [
        "done on 2026-03-02, on time; accepted by Zhang Wei on 2026-03-04",
        "done on 2026-04-15, 14 days late",
        "",
    ]
    chance = table["Chance of meeting the baseline"].tolist()
    assert chance == ["", "", "10%"]  # no "0%" for a milestone that is done
    assert table["P80 date"].tolist() == ["", "", "2026-06-20"]
    zh = forecast_table(_outlook(), lang="zh")
    assert zh["结果"].tolist()[:2] == ["2026-03-02 完成，按期", "2026-04-15 完成，晚 14 天"]


def test_a_forecast_without_done_milestones_has_no_outcome_column():
    table = forecast_table(_outlook(status=["planned"] * 3), lang="en")
    assert "Outcome" not in table.columns
    assert table["Chance of meeting the current date"].tolist() == ["100%", "100%", "45%"]


# --- risks for the client -----------------------------------------------------------------


def _risks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "title": ["Budget", "Scope creep", "Old", "Late data"],
            "probability": [4, 2, 5, 3],
            "impact": [5, 3, 5, 3],
            "owner": ["Lin", "Wang", "Zhao", ""],
            "mitigation": ["Monthly cost check", "Change board", "", "Extra load run"],
            "status": ["open", "mitigating", "closed", "open"],
            "review_due": [date(2026, 5, 20), None, None, date(2026, 5, 10)],
            "created_at": pd.to_datetime(
                ["2026-03-01", "2026-03-01", "2026-03-01", "2026-04-20"], utc=True
            ),
        }
    )


def _history() -> pd.DataFrame:
    """Budget's probability rose from 2 to 4 and Scope creep's fell from 4 to 2 in April."""
    return pd.DataFrame(
        {
            "record_kind": ["risks"] * 2,
            "record_id": [1, 2],
            "field": ["probability", "probability"],
            "old": ["2", "4"],
            "new": ["4", "2"],
            "changed_at": pd.to_datetime(["2026-04-20", "2026-04-22"], utc=True),
        }
    )


def test_risk_list_names_owner_mitigation_trend_and_review():
    table = risk_list(_risks(), _history(), today=TODAY, lang="en")
    assert list(table.columns) == [
        "Title",
        "Level",
        "Owner",
        "Mitigation",
        "Trend (4 weeks)",
        "Review due",
    ]
    assert table["Title"].tolist() == ["Budget", "Late data", "Scope creep"]  # live, by score
    assert table["Trend (4 weeks)"].tolist() == ["↑ rising", "new", "↓ falling"]
    first = table.iloc[0].tolist()
    assert first == ["Budget", "Critical", "Lin", "Monthly cost check", "↑ rising", "2026-05-20"]
    assert table.iloc[2]["Review due"] == ""
    zh = risk_list(_risks(), None, today=TODAY, lang="zh")
    assert zh.columns[4] == "趋势（近 4 周）" and zh.iloc[0, 4] == "→ 持平"


def test_risk_list_of_nothing_has_its_headers():
    empty = risk_list(_risks().iloc[0:0], None, today=TODAY, lang="en")
    assert empty.empty and empty.columns[0] == "Title"


# --- next steps ---------------------------------------------------------------------------


def test_next_steps_leave_out_what_is_past_due():
    follow_ups = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "title": ["overdue", "today", "later", "no date", "done"],
            "owner": ["A", "B", "C", "D", "E"],
            "due": [date(2026, 5, 1), TODAY, date(2026, 5, 20), None, date(2026, 5, 9)],
            "status": ["open", "open", "open", "open", "done"],
        }
    )
    steps = next_steps(follow_ups, today=TODAY, lang="en")
    assert steps["Title"].tolist() == ["today", "later", "no date"]
    assert "overdue" in next_steps(follow_ups, lang="en")["Title"].tolist()  # without today


# --- goals and scope ----------------------------------------------------------------------


def test_scope_shows_three_lists_and_the_confirmation():
    project = Project(
        name="P",
        client="C",
        start=date(2026, 3, 1),
        goals=["Go live", "<b>fast</b>"],
        in_scope=["Planning"],
        out_of_scope=[],
        scope_confirmed_by="张伟",
        scope_confirmed_on=date(2026, 3, 9),
        scope_confirmed_channel="meeting",
    )
    lists = scope_summary(project, lang="en").lists
    assert isinstance(lists, ScopeLists)
    html = lists._repr_html_()
    assert html.count("<ul>") == 2 and "<table" not in html
    assert "<h3>Goals</h3>" in html and "<li>&lt;b&gt;fast&lt;/b&gt;</li>" in html
    assert '<p class="commlib-empty">Nothing to show.</p>' in html  # nothing out of scope
    assert "2026-03-09" in html and "张伟" in html
    assert repr(lists).splitlines()[:3] == ["Goals", "- Go live", "- <b>fast</b>"]


# --- the survey for the client ------------------------------------------------------------


def _analysis() -> tuple[pd.DataFrame, pd.DataFrame, SurveyAnalysis]:
    book = pd.DataFrame(
        {
            "code": ["Q1", "Q2", "Q3", "Q8"],
            "text": ["Would you recommend us?", "How satisfied are you?", "Improve?", "其他意见"],
            "type": ["nps", "likert", "multi", "text"],
        }
    )
    frame = pd.DataFrame(
        {
            "wave": ["W1", "W2", "W2"],
            "Q8": ["培训实操性强，很有帮助。", "文档不足是主要问题。", "培训时间太短。"],
        }
    )
    changes = pd.DataFrame(
        {
            "measure": ["nps", "nps", "csat", "csat", "mean", "mean"],
            "code": ["Q1", "Q1", "Q2", "Q2", "Q2", "Q2"],
            "wave": ["W1", "W2", "W1", "W2", "W1", "W2"],
            "n": [20, 24, 20, 24, 20, 24],
            "value": [-35.7, -12.5, 0.36, 0.67, 3.1, 3.6],
            "previous": [np.nan, -35.7, np.nan, 0.36, np.nan, 3.1],
            "change": [np.nan, 23.2, np.nan, 0.31, np.nan, 0.5],
            "statistic": [np.nan, 1.19, np.nan, 2.2, np.nan, 1.3],
            "p_value": [np.nan, 0.23, np.nan, 0.026, np.nan, 0.19],
        }
    )
    nps = pd.DataFrame(
        {
            "code": ["Q1"],
            "wave": ["W2"],
            "n": [24],
            "nps": [-12.5],
            "share_promoters": [0.21],
            "share_detractors": [0.33],
        }
    )
    csat = pd.DataFrame(
        {"code": ["Q2"], "wave": ["W2"], "n": [24], "top_box": [16], "share": [0.667]}
    )
    multi = pd.DataFrame(
        {"code": ["Q3"], "wave": ["W2"], "option": ["Docs"], "count": [7], "share": [0.33]}
    )
    empty = pd.DataFrame()
    result = SurveyAnalysis(
        responses=3,
        waves=["W1", "W2"],
        nps=nps,
        csat=csat,
        means=empty,
        likert=empty,
        choices=empty,
        multi=multi,
        changes=changes,
    )
    return frame, book, result


def test_the_client_reads_the_survey_in_words():
    frame, book, result = _analysis()
    summary = client_summary(frame, book, result, lang="en")
    changes = summary.changes
    assert changes["question"].tolist() == ["Would you recommend us?", "How satisfied are you?"]
    assert changes["verdict"].tolist() == [
        "about the same as the last wave",
        "clearly higher than the last wave",
    ]
    assert changes[["previous", "value"]].values.tolist() == [["-36", "-12"], ["36%", "67%"]]
    assert not {"statistic", "p_value", "change"} & set(changes.columns)
    assert summary.nps["question"].tolist() == ["Would you recommend us?"]
    assert summary.nps["nps"].tolist() == [-12]
    assert summary.csat.columns.tolist() == ["question", "wave", "n", "satisfied_share"]
    assert summary.multi["question"].tolist() == ["Improve?"]
    zh = client_summary(frame, book, result, lang="zh").changes["verdict"].tolist()
    assert zh == ["与上一轮基本持平", "明显高于上一轮"]


def test_a_significant_fall_reads_as_lower():
    assert verdict(-0.2, 0.01) == "clearly lower than the last wave"
    assert verdict(0.2, float("nan")) == "about the same as the last wave"


def test_client_keywords_are_whole_words():
    words = whole_words("培训实操性强，很有帮助。文档不足是主要问题。")
    assert "性强" not in words and "主要" not in words and "问题" not in words
    assert {"培训", "实操性", "帮助", "文档", "不足"} <= set(words)
    frame, book, _ = _analysis()
    table = client_keywords(frame, book)
    assert table.columns.tolist() == ["question", "keyword", "responses", "share"]
    assert table.iloc[0].tolist()[:3] == ["其他意见", "培训", 2]
    assert "quality" in whole_words("Quality of the docs is low")


# --- reports: empty sections and the period -----------------------------------------------


def test_headings_with_nothing_under_them_are_left_out():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    shown = code("x")
    shown.outputs = [nbformat.v4.new_output("stream", text="a table")]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        md("## Empty"),
        md("## Shown"),
        shown,
        md("## Parent\n\n### Child without content"),
        md("## Text only\n\nA sentence."),
        md("## Last"),
    ]
    drop_empty_sections(nb)
    assert [c.source for c in nb.cells if c.cell_type == "markdown"] == [
        "## Shown",
        "## Text only\n\nA sentence.",
    ]


def test_the_period_is_the_notebooks_and_the_title_block_names_who_prepared_it():
    ran = {"since": date(2026, 11, 9), "until": date(2026, 11, 23), "today": None}
    assert report_period(ran, None, None, date(2026, 12, 1)) == ran_period(ran)
    assert report_period({}, None, date(2026, 3, 31), date(2026, 12, 1)) == (
        None,
        date(2026, 3, 31),
    )
    project = Project(
        name="P", client="C", start=date(2026, 6, 1), team=["acme.com", "lin@acme.com"]
    )
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    facts = dict(_facts(project, "client", (None, date(2026, 11, 23)), now))
    assert facts["Period"] == "2026-06-01 – 2026-11-23" and facts["Prepared by"] == "lin@acme.com"
    assert "Audience" not in facts and not any("commlib" in v for v in facts.values())
    internal = dict(
        _facts(project.model_copy(update={"team": []}), "internal", ran_period(ran), now)
    )
    assert "Prepared by" not in internal and internal["Audience"].startswith("Internal")


def ran_period(ran: dict) -> tuple[date, date]:
    return ran["since"], ran["until"]
