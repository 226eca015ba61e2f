"""The portfolio's live filter: the table follows the status and the sort order picked."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from commlib import InvalidRecord
from commlib.portfolio import COLUMNS
from commlib.portfolio_filter import PortfolioFilter


def _frame() -> pd.DataFrame:
    rows = [
        ("Alpha", "Acme", "red", 3, 12, date(2026, 5, 1)),
        ("Beta", "Acme", "green", 0, 2, date(2026, 4, 25)),
        ("Gamma", "Other", "amber", 1, 30, None),
        ("Delta <b>BI</b>", "Other", "red", 5, None, date(2026, 6, 1)),
    ]
    records = [
        {c: None for c in COLUMNS}
        | {"project": p, "project_id": i, "client": c, "status": s, "status_label": s.title(),
           "reason": "", "overdue_follow_ups": n, "open_high_risks": 0,
           "days_since_client_contact": days, "next_due": due}
        for i, (p, c, s, n, days, due) in enumerate(rows)
    ]  # fmt: skip
    return pd.DataFrame(records, columns=list(COLUMNS)).astype(
        {"days_since_client_contact": "Int64"}
    )


def test_the_table_follows_the_status_and_the_order_picked():
    view = PortfolioFilter(_frame(), lang="en")
    worst_first = ["Alpha", "Delta <b>BI</b>", "Gamma", "Beta"]  # then by name
    assert list(view.frame["project"]) == worst_first
    assert "Delta &lt;b&gt;BI&lt;/b&gt;" in view.table.value and "<b>BI" not in view.table.value
    view.status.value = "red"
    assert list(view.frame["project"]) == ["Alpha", "Delta <b>BI</b>"]
    assert "Beta" not in view.table.value
    view.sort_by.value = "overdue_follow_ups"
    assert list(view.frame["project"]) == ["Delta <b>BI</b>", "Alpha"]
    view.status.value = None
    view.sort_by.value = "days_since_client_contact"
    assert list(view.frame["project"]) == [
        "Gamma",
        "Alpha",
        "Beta",
        "Delta <b>BI</b>",
    ]  # blank last
    view.status.value = "none"
    assert view.frame.empty and "Nothing to show." in view.table.value


def test_the_controls_speak_the_language_and_refuse_an_unknown_order():
    view = PortfolioFilter(_frame(), lang="zh", sort_by="next_due")
    assert list(view.frame["project"]) == ["Beta", "Alpha", "Delta <b>BI</b>", "Gamma"]
    assert ("红", "red") in view.status.options and view.status.description == "状态"
    assert ("距上次客户沟通（天）", "days_since_client_contact") in view.sort_by.options
    with pytest.raises(InvalidRecord, match="sort_by"):
        PortfolioFilter(_frame(), sort_by="colour")
