from datetime import date

import pandas as pd
import pytest

from commlib import Conflict, Issue, Risk, Store
from commlib.issues import (
    issue_from_risk,
    issues_by_age,
    open_issues,
    overdue_issues,
    problems_and_solutions,
    raise_from_risk,
    time_to_resolve,
)
from commlib.issues.metrics import (
    AGE_COLUMNS,
    OPEN_COLUMNS,
    RESOLVE_COLUMNS,
    RESOLVE_SUMMARY_COLUMNS,
)

from .conftest import fill

TODAY = date(2026, 4, 20)


def _issue(id_, title, raised, **extra):
    return Issue(id=id_, project_id=1, title=title, raised_on=raised, **extra).model_dump()


@pytest.fixture
def issues() -> pd.DataFrame:
    rows = [
        _issue(1, "接口延误", date(2026, 4, 1), severity=3, target_date=date(2026, 4, 10)),
        _issue(2, "数据质量", date(2026, 3, 1), severity=5, status="in_progress"),
        _issue(3, "Key user away", date(2026, 4, 15), severity=5, target_date=date(2026, 5, 1)),
        _issue(
            4,
            "Printer labels",
            date(2026, 3, 2),
            status="resolved",
            resolved_on=date(2026, 3, 12),
            solution="New template",
        ),
        _issue(5, "Old", date(2026, 1, 5), status="closed", resolved_on=date(2026, 1, 9)),
        _issue(6, "Late", date(2026, 2, 1), severity=2, target_date=date(2026, 2, 10)),
    ]
    return pd.DataFrame(rows)


def test_open_issues_most_severe_then_oldest(issues):
    found = open_issues(issues, TODAY)
    assert found["id"].tolist() == [2, 3, 1, 6]
    assert found["age_days"].tolist() == [50, 5, 19, 78]
    assert found["overdue"].tolist() == [False, False, True, True]
    assert found["days_overdue"].tolist() == [pd.NA, pd.NA, 10, 69]
    assert list(found.columns) == list(OPEN_COLUMNS)
    assert str(found["severity"].dtype) == "int64" and str(found["overdue"].dtype) == "bool"


def test_overdue_issues_most_overdue_first(issues):
    assert overdue_issues(issues, TODAY)["id"].tolist() == [6, 1]


def test_time_to_resolve_in_the_order_resolved(issues):
    times, summary = time_to_resolve(issues)
    assert times["id"].tolist() == [5, 4] and times["days"].tolist() == [4, 10]
    assert summary.to_dict("records") == [{"count": 2, "median_days": 7.0, "mean_days": 7.0}]


def test_issues_by_age_lists_every_bucket(issues):
    ages = issues_by_age(issues, TODAY)
    assert ages.to_dict("records") == [
        {"bucket": "under_7", "issues": 1},
        {"bucket": "7_to_30", "issues": 1},
        {"bucket": "over_30", "issues": 2},
    ]


def test_empty_frames_keep_their_columns():
    empty = Store(":memory:").frame("issues")
    assert list(open_issues(empty, TODAY).columns) == list(OPEN_COLUMNS)
    assert overdue_issues(empty, TODAY).empty
    times, summary = time_to_resolve(empty)
    assert list(times.columns) == list(RESOLVE_COLUMNS)
    assert list(summary.columns) == list(RESOLVE_SUMMARY_COLUMNS)
    assert summary["count"].tolist() == [0] and summary["median_days"].isna().all()
    assert list(issues_by_age(empty, TODAY).columns) == list(AGE_COLUMNS)
    table = problems_and_solutions(empty, since=TODAY, until=TODAY, lang="en")
    assert table.empty and table.columns[0] == "Issue"


def test_problems_and_solutions_open_then_recently_resolved(issues):
    table = problems_and_solutions(issues, since=date(2026, 3, 1), until=TODAY, lang="en")
    assert list(table.columns) == [
        "Issue",
        "Impact",
        "Severity",
        "Owner",
        "Solution / action plan",
        "Target date / resolved on",
        "Status",
    ]
    assert table["Issue"].tolist() == [
        "数据质量",
        "Key user away",
        "接口延误",
        "Late",
        "Printer labels",
    ]
    last = table.iloc[-1].tolist()
    assert last == [
        "Printer labels",
        "Schedule",
        3,
        "",
        "New template",
        date(2026, 3, 12),
        "Resolved",
    ]
    zh = problems_and_solutions(issues, since=date(2026, 3, 1), until=TODAY, lang="zh")
    assert zh.columns[0] == "问题" and zh["状态"].tolist()[:2] == ["处理中", "未处理"]


def test_metrics_over_the_store_frame(filled):
    issues = filled.frame("issues", "华辰 ERP 升级")
    assert open_issues(issues, TODAY)["title"].tolist() == ["主数据质量不达标"]
    assert time_to_resolve(issues)[0]["days"].tolist() == [8]


def test_an_occurred_risk_becomes_an_issue(store):
    fill(store)
    risk = store.records("risks")[0]
    store.update("risks", risk.id, status="occurred", contingency="启用备岗", visibility="client")
    store.update("issues", 1, risk_id=None)
    issue = raise_from_risk(store, risk.id, today=TODAY)
    assert issue.id is not None and issue.risk_id == risk.id
    assert (issue.title, issue.owner, issue.solution, issue.raised_on) == (
        "关键用户离职",
        risk.owner,
        "启用备岗",
        TODAY,
    )
    assert issue.impact == "cost" and issue.severity == 4 and issue.visibility == "client"
    with pytest.raises(Conflict, match="already raised"):
        raise_from_risk(store, risk.id, today=TODAY)


def test_impact_follows_what_the_risk_would_cost():
    risk = Risk(id=1, project_id=1, title="x", schedule_impact_days=5, cost_impact=10.0)
    assert issue_from_risk(risk, today=TODAY).impact == "schedule"
    risk = Risk(id=1, project_id=1, title="x", milestone_id=2)
    issue = issue_from_risk(risk, today=TODAY)
    assert issue.impact == "schedule" and issue.milestone_id == 2
    assert issue.visibility == "internal"


def test_problems_and_solutions_of_a_client_frame_with_no_resolved_issue(tmp_path):
    """Only open issues shared (no resolution date anywhere): no phantom resolved row."""
    from commlib import Issue, Project, Store

    store = Store(tmp_path / "p.db")
    p = store.add(Project(name="P", client="C", start=date(2026, 1, 1)))
    store.add(
        Issue(project_id=p.id, title="shared", raised_on=date(2026, 3, 1), visibility="client")
    )
    store.add(
        Issue(
            project_id=p.id,
            title="internal",
            raised_on=date(2026, 3, 1),
            status="resolved",
            resolved_on=date(2026, 3, 20),
        )
    )
    shown = problems_and_solutions(
        store.frame("issues", p, audience="client"),
        since=date(2026, 3, 17),
        until=date(2026, 3, 31),
        lang="en",
    )
    assert shown.iloc[:, 0].tolist() == ["shared"]
    store.close()
