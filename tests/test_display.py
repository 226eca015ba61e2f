"""Tables as a reader sees them: labelled headers and values, dates as dates, blanks, escaping."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from commlib import Store
from commlib.contacts import contact_cadence, losing_touch, overdue_follow_ups
from commlib.display import enable, header, present, tables_html, to_html
from commlib.risks import overdue_reviews, top_movers
from commlib.schedule import milestone_table

from .conftest import fill

PROJECT = "华辰 ERP 升级"
TODAY = date(2026, 6, 30)
CODE = re.compile(r"^[a-z][a-z0-9_]*$")  # a field code such as baseline_due
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The tables the notebooks show, from the filled project."""
    store = Store(tmp_path_factory.mktemp("display") / "d.db")
    fill(store)
    stakeholders = store.frame("stakeholders", PROJECT)
    contacts = store.frame("contacts", PROJECT)
    plan = store.frame("communication_plan", PROJECT)
    risks = store.frame("risks", PROJECT)
    history = store.history(PROJECT)
    found = {
        "milestones": milestone_table(
            store.frame("milestones", PROJECT), stakeholders, today=TODAY
        ),
        "losing_touch": losing_touch(contact_cadence(stakeholders, contacts, plan, today=TODAY)),
        "overdue_follow_ups": overdue_follow_ups(store.frame("follow_ups", PROJECT), today=TODAY),
        "overdue_reviews": overdue_reviews(risks, today=TODAY),
        "top_movers": top_movers(risks, history, since=date(2026, 3, 1), until=TODAY),
        "stakeholders": stakeholders,
        "risks": risks,
        "history": history,
    }
    store.close()
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_header_is_a_label(frames, lang):
    for name, frame in frames.items():
        headers = list(present(frame, lang).columns)
        assert headers, name
        assert [h for h in headers if CODE.match(h)] == [], (name, lang)
        if lang == "zh":
            assert all(CJK.search(h) or h.isupper() for h in headers), (name, headers)


def test_milestones_read_in_the_language(frames):
    en = present(frames["milestones"], "en")
    zh = present(frames["milestones"], "zh")
    assert "Baseline due" in en.columns and "baseline_due" not in en.columns
    assert "基线日期" in zh.columns
    assert en["Type"].tolist() == ["Milestone"] and zh["类型"].tolist() == ["里程碑"]
    assert en["Status"].tolist() == ["Planned"] and zh["状态"].tolist() == ["计划中"]
    assert en["Baseline due"].tolist() == ["2026-05-01"]  # a date, not 2026-05-01 00:00:00
    assert en["Past due"].tolist() == ["Yes"] and zh["已逾期"].tolist() == ["是"]
    assert en["Accepted by"].tolist() == [""]  # nobody yet: blank, not None


def test_ids_and_bookkeeping_are_left_out(frames):
    shown = present(frames["milestones"], "en")
    assert not {"ID", "Depends on"} & set(shown.columns)
    # accepted_by (an id) gives way to accepted_by_name, under accepted_by's label
    assert list(shown.columns).count("Accepted by") == 1
    risks = present(frames["risks"], "en")
    assert not {"ID", "Project", "Created at", "Updated at", "Milestone"} & set(risks.columns)
    assert "Visibility" in risks.columns
    assert "Visibility" not in present(frames["risks"], "en", audience="client").columns
    assert isinstance(risks.index, pd.RangeIndex)  # no row numbers of their own


def test_history_names_kinds_and_fields(frames):
    zh = present(frames["history"], "zh")
    assert {"风险", "里程碑"} <= set(zh["记录类型"]) and "risks" not in set(zh["记录类型"])
    assert "概率" in set(zh["字段"])
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d( \d\d:\d\d)?", v) for v in zh["变更时间"])


def test_values_are_formatted_and_missing_ones_blank():
    frame = pd.DataFrame(
        {
            "channel": ["email", None, "im"],
            "level": ["high", "low", None],
            "cost_impact": [12500.5, np.nan, 3.0],
            "schedule_impact_days": pd.array([3, None, 1200], dtype="Int64"),
            "due": [date(2026, 3, 1), None, pd.NaT],
            "changed_at": pd.to_datetime(
                [datetime(2026, 3, 1, tzinfo=UTC), None, datetime(2026, 3, 2, 8, 30, tzinfo=UTC)]
            ),
            "p_value": [0.01234, np.nan, 1.0],
            "late": [True, False, np.bool_(True)],
        }
    )
    shown = present(frame, "zh")
    assert list(shown.columns) == [
        "渠道", "等级", "成本影响", "工期影响（天）", "截止日期", "变更时间", "p 值", "已逾期"
    ]  # fmt: skip
    rows = shown.to_numpy().tolist()
    text = repr(rows)
    for missing in ["None", "nan", "NaN", "NaT", "<NA>", "00:00:00"]:
        assert missing not in text
    assert rows[0][:5] == ["邮件", "高", "12,500.50", "3", "2026-03-01"]
    assert rows[1] == ["", "低", "", "", "", "", "", "否"]
    assert rows[2][3] == "1,200" and rows[2][6] == "1.000" and rows[2][7] == "是"


def test_moments_in_the_local_zone_without_seconds(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    frame = pd.DataFrame({"when": pd.to_datetime([datetime(2026, 3, 1, 1, 30, 15, tzinfo=UTC)])})
    assert present(frame, "en").iloc[0, 0] == "2026-03-01 09:30"


def test_labelled_frames_and_row_labels_pass_through():
    done = pd.DataFrame({"名称": ["a"], "Status": ["open"]})
    assert list(present(done, "zh").columns) == ["名称", "Status"]
    counts = pd.DataFrame({"华辰": {"risks": 2, "responses": 1}})
    shown = present(counts, "zh")
    assert list(shown.index) == ["风险", "答卷"] and shown.iloc[0, 0] == "2"
    named = pd.DataFrame({"n": [1]}, index=pd.Index(["Q1"], name="code"))
    assert list(present(named, "en").columns) == ["Code", "Respondents (n)"]


def test_header_labels_computed_columns():
    assert header("slip_days", "zh") == "延期（天）"
    assert header("accepted_by_name", "en") == "Accepted by"
    assert header("new", "en") == "New value" and header("new", "en", flag=True) == "New risk"
    assert header("not_a_column", "en") == "not_a_column" and header(3, "en") == 3


def test_html_escapes_user_text_and_says_when_empty():
    frame = pd.DataFrame({"title": ["<script>alert(1)</script>"], "owner": ["<b>x</b>"]})
    html = to_html(frame, "en")
    assert "<script>alert" not in html and "<b>x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<th>Title</th>" in html and "<th></th>" not in html  # no index column
    empty = to_html(frame.iloc[0:0], "zh")
    assert "<table" not in empty and 'class="commlib-empty">无。' in empty


def test_dicts_of_frames_are_captioned_tables():
    html = tables_html({"<Q8>": pd.DataFrame({"keyword": ["交付"], "count": [3]})}, "en")
    assert "&lt;Q8&gt;" in html and "<th>Keyword</th>" in html
    assert tables_html({"a": 1}, "en") is None and tables_html({}, "en") is None


def test_enable_shows_every_frame_presented():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        enable("zh", audience="client")
        frame = pd.DataFrame({"baseline_due": [date(2026, 5, 1)], "visibility": ["client"]})
        data, _ = shell.display_formatter.format(frame)
        assert "<th>基线日期</th>" in data["text/html"] and "可见范围" not in data["text/html"]
        data, _ = shell.display_formatter.format({"Q8": frame})
        assert "Q8" in data["text/html"]
        data, _ = shell.display_formatter.format({"a": 1})
        assert "text/html" not in data
    finally:
        InteractiveShell.clear_instance()


def test_shares_read_as_percentages():
    shares = pd.DataFrame(
        {
            "option": ["a", "b"],
            "share": [0.349206, np.nan],
            "breach_share": [0.5, 1.0],
            "response_rate": [0.7, 0.25],
            "share_promoters": [0.1111, 0.0],
            "ci_low": [0.2, 0.3],
            "count": [3, 4],
        }
    )
    rows = present(shares, "zh").to_numpy().tolist()
    assert rows[0][1:6] == ["34.9%", "50.0%", "70.0%", "11.1%", "20.0%"]
    assert rows[1][1] == "" and rows[1][6] == "4"
    nps = pd.DataFrame({"nps": [-35.714], "ci_low": [-60.39], "share_promoters": [0.1]})
    assert present(nps, "en").iloc[0].tolist() == ["-35.71", "-60.39", "10.0%"]
    changes = pd.DataFrame(
        {"measure": ["nps", "csat"], "value": [20.0, 0.8], "change": [5.0, 0.035]}
    )
    shown = present(changes, "en")
    assert shown.iloc[:, 1].tolist() == ["20.00", "80.0%"]
    assert shown.iloc[:, 2].tolist() == ["5.00", "+3.5 pp"]
    assert present(changes, "zh").iloc[1, 2] == "+3.5 个百分点"


def test_history_values_by_their_field(frames):
    history = frames["history"]
    zh = present(history, "zh")
    raw = set(history["old"].dropna()) | set(history["new"].dropna())
    assert "open" in raw or "planned" in raw  # the fixture changes an enumerated field
    shown = set(zh["原值"]) | set(zh["新值"])
    assert not {"open", "planned", "in_progress", "mitigating", "closed", "done"} & shown
    stored = pd.DataFrame(
        {"record_kind": ["risks"], "field": ["cost_impact"], "old": ["60000.0"], "new": ["2.5"]}
    )
    assert present(stored, "en").iloc[0, 2:].tolist() == ["60,000", "2.50"]


def test_long_chinese_text_wraps_between_words_and_stays_escaped():
    text = "客户要求下周三前交付数据迁移方案<b>"
    html = to_html(pd.DataFrame({"title": [text, "短标题"], "owner": ["王强", "林晓"]}), "zh")
    assert "交付<wbr>" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert "<td>短标题</td>" in html  # short text is not cut
    assert html.startswith('<div class="commlib-table-wrap" style="overflow-x:auto">')
    assert "word-break:keep-all" in html and "overflow-wrap:break-word" in html
    assert "td:nth-child(1){white-space:normal;min-width:12em" in html  # the long column


def test_table_overhead_is_small_and_numbers_right_aligned(frames):
    for name, frame in frames.items():
        html = to_html(frame, "zh")
        bare = present(frame, "zh").to_html(index=False, border=0, classes="commlib-table")
        assert len(html.encode()) - len(bare.encode()) < 1024 + 8 * html.count("<wbr>"), name
    counts = to_html(pd.DataFrame({"name": ["a"], "n": [1200], "share": [0.5]}), "en")
    assert "td:nth-child(2),#" in counts and "td:nth-child(3){text-align:right}" in counts


def test_a_thousand_rows_stay_quick():
    import time

    words = ["项目", "交付", "延期", "客户", "需求", "沟通", "数据", "迁移", "方案", "测试"]
    titles = ["".join(words[(i + j) % 10] for j in range(3 + i % 9)) for i in range(1000)]
    frame = pd.DataFrame({"title": titles, "share": np.linspace(0, 1, 1000)})
    to_html(frame.head(1), "zh")  # jieba loads once per process
    started = time.perf_counter()
    html = to_html(frame, "zh")
    assert time.perf_counter() - started < 2.0 and html.count("<tr>") == 1000


def test_jieba_loads_quietly_for_a_table():
    import subprocess
    import sys

    code = (
        "import pandas as pd\n"
        "from commlib.display import to_html\n"
        "print('<wbr>' in to_html(pd.DataFrame({'title': ['客户要求下周三前交付迁移方案']}), 'zh'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True" and done.stderr.strip() == ""


# --- what the notebooks show, on the demo store -------------------------------------------

DEMO_TODAY = date(2026, 11, 23)
#: what a reader must never see in a cell
RAW = {"None", "NaN", "nan", "<NA>", "NaT", "True", "False"}
LONG_FLOAT = re.compile(r"\d\.\d{4,}")


def _notebook_frames(store: Store, project: str, audience: str) -> dict[str, object]:
    """The tables the notebooks show, called as the notebooks call them."""
    from commlib.contacts import response_summary, response_times
    from commlib.risks import overdue_reviews
    from commlib.schedule import forecast_table, open_changes, scope_summary
    from commlib.sessions import expectations_summary, schedule_outlook, survey_pulse
    from commlib.surveys import analyse, choose_survey, codebook, responses_frame, waves

    def frame(kind: str) -> pd.DataFrame:
        return store.frame(kind, project, audience=audience)

    stakeholders, contacts, plan = (
        frame("stakeholders"),
        frame("contacts"),
        frame("communication_plan"),
    )
    risks, milestones = frame("risks"), frame("milestones")
    history = store.history(project, audience=audience)
    cadence = contact_cadence(stakeholders, contacts, plan, today=DEMO_TODAY)
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    survey, ids = choose_survey(store, project, audience=audience)
    answers, book = responses_frame(store, ids), codebook(store, ids)
    result = analyse(answers, book)
    outlook = schedule_outlook(store, project, today=DEMO_TODAY, audience=audience)
    found = {
        "counts": pd.DataFrame(store.counts()),
        "stakeholders": stakeholders,
        "risks": risks,
        "plan": plan,
        "history": history,
        "scope": scope_summary(store.project(project), lang="zh").items,
        "milestones": milestone_table(milestones, stakeholders, today=DEMO_TODAY),
        "losing_touch": losing_touch(cadence),
        "response_summary": response_summary(response_times(contacts, now=now)),
        "overdue_reviews": overdue_reviews(risks, today=DEMO_TODAY),
        "top_movers": top_movers(risks, history, since=date(2026, 10, 26), until=DEMO_TODAY),
        "forecast": forecast_table(outlook, lang="zh"),
        "open_changes": open_changes(frame("change_requests"), today=DEMO_TODAY),
        "overdue_follow_ups": overdue_follow_ups(frame("follow_ups"), today=DEMO_TODAY),
        "pulse": survey_pulse(store, project, audience=audience, lang="zh"),
        "waves": waves(store, project, survey, audience=audience),
        "expectations": expectations_summary(store, project, audience=audience).table,
    }
    for name in ("nps", "csat", "changes", "multi", "keywords"):
        found[name] = getattr(result, name)
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from commlib.demo import build_demo

    store = Store(tmp_path_factory.mktemp("demo") / "demo.db")
    build_demo(store, today=DEMO_TODAY)
    yield store
    store.close()


@pytest.mark.parametrize("audience", ["internal", "client"])
def test_no_raw_codes_on_screen(demo, audience):
    from commlib.demo import DEMO_PROJECTS
    from commlib.models import ENUMS

    codes = {v for values in ENUMS.values() for v in values} | {"in_progress", "manage_closely"}
    for lang, project in DEMO_PROJECTS.items():
        for name, frame in _notebook_frames(demo, project, audience).items():
            shown = present(frame, "zh", audience=audience)
            headers = [h for h in shown.columns if isinstance(h, str)]
            assert [h for h in headers if CODE.match(h) or h in RAW] == [], (name, headers)
            cells = set(shown.to_numpy().ravel().tolist())
            assert not cells & RAW, (name, cells & RAW)
            assert [c for c in cells if LONG_FLOAT.search(c)] == [], name
            if lang == "zh":  # Chinese user text: any English code is one left raw
                assert not cells & codes, (name, cells & codes)
                assert [c for c in cells if re.fullmatch(r"[a-z]+_[a-z_]+", c)] == [], name
            if name == "keywords" or name.endswith("share"):
                assert all(c.endswith("%") for c in shown.get("占比", [])), name


def test_an_enumeration_is_labelled_by_the_frames_own_kind(tmp_path):
    """An issue's ``open`` reads as an issue status, not as a follow-up's (same code)."""
    from commlib import Issue, Project, Store
    from commlib.display import present
    from commlib.i18n import t

    store = Store(tmp_path / "k.db")
    p = store.add(Project(name="P", client="C", start=date(2026, 1, 1)))
    store.add(Issue(project_id=p.id, title="x", raised_on=date(2026, 1, 2)))
    shown = present(store.frame("issues", p), "zh")
    assert shown[t("field.status", "zh")].tolist() == [t("enum.issue_status.open", "zh")]
    assert t("enum.issue_status.open", "zh") != t("enum.follow_up_status.open", "zh")
    store.close()
