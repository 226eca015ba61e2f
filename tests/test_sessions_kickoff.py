"""The kickoff's RACI section (``commlib.sessions.kickoff``): the table, the findings and the
chart the kickoff shows, for each audience, and the client's kickoff report holding them."""

from __future__ import annotations

import re
from datetime import date

import pytest

from commlib import Milestone, Project, Stakeholder, Store
from commlib.display import to_html
from commlib.raci import assign_all
from commlib.report import export_report
from commlib.sessions import kickoff_raci_chart, kickoff_raci_findings, kickoff_raci_table

from .conftest import fill

PROJECT = "华辰 ERP 升级"
SENTINEL = "INTERNAL-SENTINEL"


def _shared_deliverable(store: Store) -> None:
    """On top of ``fill`` (whose RACI is the team's): a client-visible deliverable whose A,
    张伟, is shared with the client, and whose R, Li Na, is not."""
    project = store.project(PROJECT)
    store.add(
        Milestone(
            project_id=project.id,
            name="蓝图设计",
            type="deliverable",
            baseline_due=date(2026, 4, 10),
            current_due=date(2026, 4, 10),
            visibility="client",
            notes=f"{SENTINEL} milestone",
        )
    )
    assign_all(store, PROJECT, {("蓝图设计", "张伟"): "A"}, visibility="client")
    assign_all(store, PROJECT, {("蓝图设计", "Li Na"): "R"})
    for a in store.records("raci", PROJECT):
        store.update("raci", a.id, notes=f"{SENTINEL} raci")


def test_nothing_is_shown_before_a_role_is_assigned(store: Store):
    store.add(Project(name="P", client="C", start=date(2026, 3, 1)))
    store.add(Stakeholder(project_id=1, name="张伟"))
    store.add(
        Milestone(
            project_id=1, name="M", baseline_due=date(2026, 4, 1), current_due=date(2026, 4, 1)
        )
    )
    assert kickoff_raci_table(store, "P") is None  # the report leaves the section out
    assert kickoff_raci_findings(store, "P") is None
    assert kickoff_raci_chart(store, "P") is None


def test_the_table_findings_and_chart_for_each_audience(filled: Store):
    _shared_deliverable(filled)
    internal = kickoff_raci_table(filled, PROJECT)
    assert internal.columns.tolist() == ["milestone_name", "type", "张伟", "Li Na"]
    assert internal.to_dict("records") == [
        {"milestone_name": "蓝图设计", "type": "deliverable", "张伟": "A", "Li Na": "R"},
        {"milestone_name": "UAT 完成", "type": "milestone", "张伟": "A", "Li Na": "R"},
    ]
    html = to_html(internal, "zh")
    assert "<th>里程碑</th>" in html and "<th>类型</th>" in html and "交付物" in html
    assert kickoff_raci_findings(filled, PROJECT, lang="en") == []

    client = kickoff_raci_table(filled, PROJECT, audience="client")
    assert client.to_dict("records") == [
        {"milestone_name": "蓝图设计", "type": "deliverable", "张伟": "A"}
    ]
    [finding] = kickoff_raci_findings(filled, PROJECT, audience="client", lang="zh")
    assert finding.message == "交付物“蓝图设计”没有负责执行人（R）：请至少指定一位。"
    spec = kickoff_raci_chart(filled, PROJECT, audience="client", lang="zh").to_dict()
    text = str(spec)
    assert "蓝图设计" in text and "UAT 完成" not in text and "Li Na" not in text
    assert SENTINEL not in text


@pytest.fixture
def client_report(tmp_path) -> str:
    db = tmp_path / "kickoff.db"
    store = Store(db)
    fill(store)
    _shared_deliverable(store)
    store.close()
    path = export_report(
        str(db),
        "kickoff",
        PROJECT,
        audience="client",
        lang="zh",
        until=date(2026, 3, 31),
        out=tmp_path / "kickoff.html",
    )
    return path.read_text(encoding="utf-8")


def test_the_clients_kickoff_report_says_who_does_what(client_report: str):
    html = client_report
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html, flags=re.S)
    names = [re.sub(r"<[^>]+>", "", h).strip().rstrip("¶") for h in headings]
    assert "谁做什么（RACI）" in names
    at = names.index("谁做什么（RACI）")
    assert names[at - 1] == "里程碑与交付物"  # after the milestones it is about
    start = re.search(r"<h2[^>]*>谁做什么（RACI）", html).start()
    end = html.find("初始风险", start)
    section = html[start : end if end > 0 else None]
    # the matrix: the shared deliverable and its shared A; the team's R and milestone are not
    assert "<th>里程碑</th>" in section and "蓝图设计" in section and "张伟" in section
    assert "交付物" in section
    # the findings, as the client's page shows the matrix
    assert "交付物“蓝图设计”没有负责执行人（R）：请至少指定一位。" in section
    # the chart, embedded offline
    assert re.search(r'id="commlib-chart-', section) and "谁做什么" in section
    for hidden in ("Li Na", "UAT 完成"):
        assert hidden not in section
    assert SENTINEL not in html  # no internal note anywhere, the RACI's included
    assert "RaciMatrix" not in html and "application/vnd.jupyter.widget" not in html
