"""Risk charts: valid specs, the right cells, counts and ids, labels in both languages, small."""

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import altair as alt
import pandas as pd
import pytest

from commlib import Project, Risk, Store
from commlib.demo import DEMO_PROJECTS, build_demo
from commlib.i18n import language
from commlib.risks import (
    RiskMatrix,
    exposure,
    exposure_chart,
    risk_matrix_chart,
    score_history,
    score_history_chart,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
TODAY = date(2026, 3, 26)


def walk(node) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def rows(spec: dict) -> list[dict]:
    return [row for values in spec.get("datasets", {}).values() for row in values]


def titles(spec: dict) -> set[str]:
    found = set()
    for node in walk(spec):
        for key in ("title", "subtitle"):
            value = node.get(key)
            if isinstance(value, str):
                found.add(value)
            elif isinstance(value, dict):
                found |= {v for k, v in value.items() if k in ("text", "subtitle")}
    return found


def tooltip_titles(spec: dict) -> set[str]:
    found = set()
    for node in walk(spec):
        tips = node.get("tooltip")
        if isinstance(tips, list):
            found |= {tip["title"] for tip in tips}
        elif isinstance(tips, dict) and "title" in tips:
            found.add(tips["title"])
    return found


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 9, tzinfo=UTC)


@pytest.fixture
def project(store: Store) -> int:
    """Five risks: two in the 3 x 4 cell, one critical, one closed, one with a secret note."""
    p = store.add(Project(name="Charts", client="c", start=date(2026, 3, 1), language="en"))
    made = store.add_all(
        [
            Risk(project_id=p.id, title="Late data", probability=3, impact=4, created_at=at(2)),
            Risk(
                project_id=p.id,
                title="Key user leaves",
                probability=3,
                impact=4,
                notes="INTERNAL-SENTINEL",
                owner="王芳",
                cost_impact=987654.0,
                created_at=at(4),
            ),
            Risk(project_id=p.id, title="Go-live clash", probability=5, impact=5, created_at=at(9)),
            Risk(project_id=p.id, title="Old", probability=2, impact=2, created_at=at(3)),
            Risk(project_id=p.id, title="Small", probability=1, impact=2, created_at=at(3)),
        ]
    )
    store.update("risks", made[0].id, probability=4, at=at(10))
    store.update("risks", made[0].id, probability=3, at=at(10).replace(hour=15))
    store.update("risks", made[3].id, status="closed", at=at(20))
    return p.id


def cell(spec: dict, p: int, i: int) -> dict:
    for row in rows(spec):
        if row.get("probability_text", "").startswith(f"{p} ") and row["impact_text"].startswith(
            f"{i} "
        ):
            return row
    raise AssertionError(f"no cell {p} x {i}")


def charts(store: Store, project: int, lang: str | None = None) -> dict[str, alt.TopLevelMixin]:
    risks, history = store.frame("risks", project), store.history(project, kind="risks")
    return {
        "matrix": risk_matrix_chart(risks, lang=lang),
        "exposure": exposure_chart(exposure(risks, history, today=TODAY), lang=lang),
        "history": score_history_chart(
            score_history(risks, history, until=TODAY), tz="UTC", lang=lang
        ),
    }


# --- every chart --------------------------------------------------------------------------


def test_charts_are_returned_not_shown_and_validate(store, project):
    for name, chart in charts(store, project).items():
        assert isinstance(chart, alt.LayerChart), name
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/"), name


def test_only_what_the_chart_needs_reaches_the_spec(store, project):
    for name, chart in charts(store, project).items():
        text = json.dumps(chart.to_dict(), ensure_ascii=False)
        for secret in ("INTERNAL-SENTINEL", "王芳", "987654"):
            assert secret not in text, (name, secret)


def test_chinese_with_lang_zh_and_english_by_default(store, project):
    for name, chart in charts(store, project, lang="zh").items():
        spec = chart.to_dict()
        every = titles(spec) | tooltip_titles(spec)
        assert every and all(CJK.search(text) for text in every), (name, every)
    zh = charts(store, project, lang="zh")
    assert "风险矩阵" in titles(zh["matrix"].to_dict())
    assert "风险敞口趋势" in titles(zh["exposure"].to_dict())
    assert "风险分值变化" in titles(zh["history"].to_dict())
    levels = {row["level"] for row in rows(zh["matrix"].to_dict())}
    assert levels == {"低", "中", "高", "极高"}
    with language("zh"):
        assert "风险矩阵" in titles(charts(store, project)["matrix"].to_dict())
    en = charts(store, project)  # the tests run in English
    assert "Risk matrix" in titles(en["matrix"].to_dict())
    assert {row["level"] for row in rows(en["matrix"].to_dict())} == {
        "Low",
        "Medium",
        "High",
        "Critical",
    }


def test_empty_frames_still_give_valid_charts(store):
    p = store.add(Project(name="empty", client="c", start=date(2026, 3, 1)))
    for name, chart in charts(store, p.id).items():
        spec = chart.to_dict()
        assert spec, name
    matrix = rows(risk_matrix_chart(store.frame("risks", p.id)).to_dict())
    assert len(matrix) == 25 and sum(r["count"] for r in matrix) == 0


# --- the matrix ---------------------------------------------------------------------------


def test_matrix_cells_hold_counts_and_ids_with_titles_in_tooltips(store, project):
    spec = risk_matrix_chart(store.frame("risks", project)).to_dict()
    assert len(rows(spec)) == 25
    three_four = cell(spec, 3, 4)
    assert three_four["count"] == 2
    assert three_four["ids"] == ["#1 #2"]
    assert three_four["titles"] == "#1 Late data; #2 Key user leaves"
    assert three_four["level"] == "High"
    assert cell(spec, 5, 5)["count"] == 1 and cell(spec, 5, 5)["ids"] == ["#3"]
    assert cell(spec, 5, 5)["level"] == "Critical"
    assert cell(spec, 2, 2)["count"] == 0  # closed: left out by default
    assert cell(spec, 1, 2)["ids"] == ["#5"] and cell(spec, 1, 2)["level"] == "Low"
    assert sum(r["count"] for r in rows(spec)) == 4
    assert "Open and mitigating" in json.dumps(spec)
    assert "titles" in {
        tip["field"] for node in walk(spec) for tip in node.get("tooltip", []) or []
    }


def test_matrix_with_every_status_and_another_matrix(store, project):
    risks = store.frame("risks", project)
    spec = risk_matrix_chart(risks, statuses=None).to_dict()
    assert cell(spec, 2, 2)["count"] == 1 and cell(spec, 2, 2)["ids"] == ["#4"]
    heavy = RiskMatrix.from_thresholds(medium=2, high=4, critical=12)
    spec = risk_matrix_chart(risks, matrix=heavy).to_dict()
    assert cell(spec, 3, 4)["level"] == "Critical"
    assert cell(spec, 1, 2)["level"] == "Medium"


def test_matrix_axes_have_the_scale_words_and_probability_bands(store, project):
    spec = risk_matrix_chart(store.frame("risks", project), lang="zh").to_dict()
    values = {r["probability_text"] for r in rows(spec)} | {r["impact_text"] for r in rows(spec)}
    assert "5 很高 (>70%)" in values and "1 很低 (<10%)" in values
    assert "3 中等" in values


def test_a_crowded_cell_wraps_its_ids_and_says_how_many_more():
    frame = pd.DataFrame(
        {
            "id": range(1, 12),
            "title": [f"Risk {i}" for i in range(1, 12)],
            "probability": [3] * 11,
            "impact": [4] * 11,
            "status": ["open"] * 11,
        }
    )
    spec = risk_matrix_chart(frame).to_dict()
    crowded = cell(spec, 3, 4)
    assert crowded["count"] == 11
    assert crowded["ids"] == ["#1 #2 #3 #4", "#5 #6 #7 #8", "+3"]
    assert crowded["titles"].endswith("#8 Risk 8 (+3)")


# --- exposure -----------------------------------------------------------------------------


def test_exposure_chart_has_a_point_a_week(store, project):
    risks, history = store.frame("risks", project), store.history(project, kind="risks")
    weekly = exposure(risks, history, today=TODAY)
    spec = exposure_chart(weekly).to_dict()
    data = rows(spec)
    assert [r["week"] for r in data] == ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]
    # 12 + 12 + 4 + 2, then +25 and 3 x 4 moved to 16 and back; then "Old" closed
    assert [r["exposure"] for r in data] == [30, 55, 51, 51]
    assert [r["risks"] for r in data] == [4, 5, 4, 4]
    assert {m["mark"]["type"] for m in spec["layer"]} == {"area", "line", "circle"}


# --- score history ------------------------------------------------------------------------


def test_score_history_has_step_lines_and_a_picker_that_works_offline(store, project):
    risks, history = store.frame("risks", project), store.history(project, kind="risks")
    spec = score_history_chart(score_history(risks, history, until=TODAY), tz="UTC").to_dict()
    [param] = spec["params"]
    assert param["name"] == "risk_pick" and param["value"] == 0
    assert param["bind"]["input"] == "select"
    assert param["bind"]["options"] == [0, 1, 2, 3, 4, 5]
    assert param["bind"]["labels"][0] == "All risks"
    assert param["bind"]["labels"][1] == "#1 Late data"
    lines = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    assert lines and lines[0]["mark"]["interpolate"] == "step-after"
    assert any("risk_pick" in json.dumps(layer.get("transform", [])) for layer in lines)
    late = [r for r in rows(spec) if r.get("risk_id") == 1]
    # two changes on the 10th show as the last of them; a last point today
    assert [(r["day"], r["score"]) for r in late] == [
        ("2026-03-02", 12),
        ("2026-03-10", 12),
        ("2026-03-26", 12),
    ]
    bands = [r for r in rows(spec) if "colour" in r]
    assert [b["level"] for b in bands] == ["Low", "Medium", "High", "Critical"]
    assert [b["high"] for b in bands] == [4.5, 9.5, 18.0, 25.0]


def test_score_history_of_a_few_risks_starting_on_one(store, project):
    risks, history = store.frame("risks", project), store.history(project, kind="risks")
    steps = score_history(risks, history, until=TODAY)
    spec = score_history_chart(steps, risk_ids=[3, 4], selected=4, tz="UTC").to_dict()
    assert spec["params"][0]["value"] == 4
    assert spec["params"][0]["bind"]["options"] == [0, 3, 4]
    assert {r["risk_id"] for r in rows(spec) if "risk_id" in r} == {3, 4}
    closed = [r for r in rows(spec) if r.get("risk_id") == 4]
    assert [r["status"] for r in closed] == ["Open", "Closed", "Closed"]
    unknown = score_history_chart(steps, selected=99, tz="UTC").to_dict()
    assert unknown["params"][0]["value"] == 0


def test_score_history_without_level_bands_for_a_grid_that_does_not_follow_the_score(
    store, project
):
    grid = [["low"] * 4 + ["critical"] for _ in range(5)]  # impact 5 is critical, 1 x 5 = 5
    risks, history = store.frame("risks", project), store.history(project, kind="risks")
    spec = score_history_chart(
        score_history(risks, history), matrix=RiskMatrix(grid), tz="UTC"
    ).to_dict()
    assert not [r for r in rows(spec) if "colour" in r]


# --- the demo -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("demo") / "w.db")
    build_demo(store, today=date(2026, 7, 15))
    yield store
    store.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_works_on_the_demo(demo, lang):
    project = DEMO_PROJECTS[lang]
    today = date(2026, 7, 15)
    risks, history = demo.frame("risks", project), demo.history(project, kind="risks")
    built = {
        "matrix": risk_matrix_chart(risks, lang=lang),
        "exposure": exposure_chart(exposure(risks, history, today=today), lang=lang),
        "history": score_history_chart(score_history(risks, history, until=today), lang=lang),
    }
    for name, chart in built.items():
        spec = chart.to_dict()
        text = json.dumps(spec, ensure_ascii=False)
        assert len(text.encode()) < 40_000, name
        assert "【内部】" not in text and "[Internal]" not in text, name
    matrix = rows(built["matrix"].to_dict())
    live = risks[risks["status"].isin(["open", "mitigating"])]
    assert sum(r["count"] for r in matrix) == len(live) > 5
    assert sum(1 for r in matrix if r["count"]) >= 4  # spread over several cells
    weekly = [r["exposure"] for r in rows(built["exposure"].to_dict())]
    assert max(weekly) > weekly[0] and max(weekly) > weekly[-1]
