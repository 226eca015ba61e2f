"""Schedule charts: valid specs, a today rule, the right rows and marks, labels in zh and en."""

import json
import re
from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest

from commlib import Store
from commlib.demo import DEMO_PROJECTS, INTERNAL, build_demo
from commlib.schedule import forecast, forecast_chart, gantt_chart

TODAY = date(2026, 6, 15)
CJK = re.compile(r"[\u4e00-\u9fff]")


def walk(node) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def mark(layer: dict) -> str:
    value = layer["mark"]
    return value if isinstance(value, str) else value["type"]


def dataset(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


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


def today_rule(spec: dict) -> dict:
    rules = [layer for layer in layers(spec) if mark(layer) == "rule"]
    assert len(rules) == 1
    return rules[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store(tmp_path_factory.mktemp("demo") / "w.db")
    build_demo(store, today=TODAY)
    yield store
    store.close()


def frames(store: Store, lang: str) -> dict:
    project = store.project(DEMO_PROJECTS[lang])
    return {
        "project": project,
        "milestones": store.frame("milestones", project),
        "stakeholders": store.frame("stakeholders", project),
        "risks": store.frame("risks", project),
    }


def gantt(store: Store, lang: str, chart_lang: str | None = None) -> dict:
    f = frames(store, lang)
    chart = gantt_chart(
        f["milestones"],
        f["stakeholders"],
        start=f["project"].start,
        today=TODAY,
        lang=chart_lang or lang,
    )
    return chart.to_dict()


def forecast_spec(store: Store, lang: str, chart_lang: str | None = None) -> dict:
    f = frames(store, lang)
    fc = forecast(f["milestones"], f["risks"], start=f["project"].start, today=TODAY)
    return forecast_chart(fc, today=TODAY, lang=chart_lang or lang).to_dict()


# --- Gantt ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_gantt_is_valid_with_a_today_rule(demo, lang):
    spec = gantt(demo, lang)  # to_dict() validates against the Vega-Lite schema
    rule = today_rule(spec)
    assert rule["encoding"]["x"]["field"] == "today"
    assert dataset(spec, rule) == [
        {"today": "2026-06-15", "text": "今天" if lang == "zh" else "Today"}
    ]
    assert json.dumps(spec, ensure_ascii=False)  # serialisable as it is


def test_gantt_has_a_row_per_milestone_with_baseline_behind(demo):
    spec = gantt(demo, "en")
    bars = [layer for layer in layers(spec) if mark(layer) == "bar"]
    assert len(bars) == 2
    behind, current = bars
    assert behind["mark"]["height"]["band"] > current["mark"]["height"]["band"]
    assert behind["encoding"]["x"]["field"] == "base_from"
    assert behind["encoding"]["x2"]["field"] == "baseline_due"
    assert current["encoding"]["x"]["field"] == "from"
    assert current["encoding"]["x2"]["field"] == "current_due"
    rows = dataset(spec, current)
    ms = frames(demo, "en")["milestones"]
    assert len(rows) == len(ms) == len({r["row"] for r in rows})
    by_name = {r["name"]: r for r in rows}
    migration = by_name["Data migration plan and trial load report"]
    assert migration["slip_days"] == 14
    assert migration["baseline_due"] == "2026-03-25" and migration["current_due"] == "2026-04-08"
    # its bar starts where its predecessor (design sign-off) is due; the first at the start
    assert migration["from"] == by_name["Solution design sign-off"]["current_due"]
    assert rows[0]["from"] == frames(demo, "en")["project"].start.isoformat()
    assert all(r["from"] <= r["current_due"] and r["base_from"] <= r["baseline_due"] for r in rows)
    accepted = by_name["Solution design sign-off"]["accepted"]
    assert accepted.startswith("Margaret Hale, 2026-") and accepted.endswith("(Meeting)")
    assert by_name["Final acceptance"]["accepted"] == "No"


def test_gantt_tells_milestones_from_deliverables(demo):
    spec = gantt(demo, "en")
    diamonds = [layer for layer in layers(spec) if mark(layer) == "point"]
    assert len(diamonds) == 1 and diamonds[0]["mark"]["shape"] == "diamond"
    assert diamonds[0]["transform"] == [{"filter": "(datum.kind === 'milestone')"}]
    current = [layer for layer in layers(spec) if mark(layer) == "bar"][1]
    colour = current["encoding"]["color"]
    assert colour["field"] == "type"
    assert colour["scale"]["domain"] == ["Milestone", "Deliverable"]
    assert {r["type"] for r in dataset(spec, current)} == {"Milestone", "Deliverable"}


def test_gantt_outlines_late_milestones():
    ms = pd.DataFrame(
        {
            "id": [1, 2],
            "name": ["Late one", "Fine one"],
            "type": ["deliverable", "milestone"],
            "status": ["in_progress", "planned"],
            "depends_on": pd.array([None, 1], dtype="Int64"),
            "baseline_due": [date(2026, 6, 1), date(2026, 7, 1)],
            "current_due": [date(2026, 6, 10), date(2026, 7, 1)],
            "accepted_by": pd.array([None, None], dtype="Int64"),
            "accepted_on": [None, None],
            "acceptance_channel": [None, None],
        }
    )
    spec = gantt_chart(ms, start=date(2026, 5, 1), today=TODAY, lang="en").to_dict()
    current = [layer for layer in layers(spec) if mark(layer) == "bar"][1]
    assert current["encoding"]["stroke"]["condition"]["test"] == "datum.is_late"
    rows = {r["name"]: r for r in dataset(spec, current)}
    assert rows["Late one"]["is_late"] and rows["Late one"]["late"] == "Yes"
    assert not rows["Fine one"]["is_late"]


def test_gantt_in_chinese(demo):
    spec = gantt(demo, "en", chart_lang="zh")
    found = titles(spec)
    assert "里程碑与交付物" in found
    assert {"基线日期", "当前日期", "延误（天）", "客户验收", "日期"} <= found
    rows = dataset(spec, [layer for layer in layers(spec) if mark(layer) == "bar"][1])
    assert {r["type"] for r in rows} == {"里程碑", "交付物"}
    assert all(CJK.search(r["status"]) for r in rows)
    assert "Milestones and deliverables" in titles(gantt(demo, "zh", chart_lang="en"))


def test_gantt_leaves_internal_notes_out(demo):
    for lang in ("zh", "en"):
        text = json.dumps(gantt(demo, lang), ensure_ascii=False)
        assert INTERNAL[lang] not in text


def test_gantt_of_a_client_frame_bridges_hidden_milestones(demo):
    project = demo.project(DEMO_PROJECTS["en"])
    client = demo.frame("milestones", project, audience="client")
    everything = demo.frame("milestones", project)
    assert len(client) == len(everything) - 1  # the internal quality gate
    spec = gantt_chart(client, start=project.start, today=TODAY, lang="en").to_dict()
    rows = {r["name"]: r for r in dataset(spec, layers(spec)[1])}
    golive = rows["Go-live at Felixstowe"]
    assert golive["from"] == rows["Key-user training complete"]["current_due"]


def test_empty_gantt_is_still_a_chart(demo):
    ms = frames(demo, "en")["milestones"].iloc[:0]
    spec = gantt_chart(ms, start=TODAY, today=TODAY, lang="en").to_dict()
    assert today_rule(spec)


# --- forecast chart ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_forecast_chart_is_valid_with_a_today_rule(demo, lang):
    spec = forecast_spec(demo, lang)
    rule = today_rule(spec)
    assert dataset(spec, rule)[0]["today"] == "2026-06-15"
    kinds = [mark(layer) for layer in layers(spec)]
    assert kinds.count("bar") == 1 and kinds.count("tick") == 2


def test_forecast_chart_shows_the_range_and_the_committed_dates(demo):
    spec = forecast_spec(demo, "en")
    band = next(layer for layer in layers(spec) if mark(layer) == "bar")
    assert band["encoding"]["x"]["field"] == "p50" and band["encoding"]["x2"]["field"] == "p80"
    ticks = [layer["encoding"]["x"]["field"] for layer in layers(spec) if mark(layer) == "tick"]
    assert ticks == ["baseline_due", "current_due"]
    rows = dataset(spec, band)
    assert all(r["p50"] <= r["p80"] for r in rows)
    outlooks = {r["outlook"] for r in rows}
    assert "Done" in outlooks and "Likely late (< 50%)" in outlooks
    done = [r for r in rows if r["outlook"] == "Done"]
    assert all(r["p50"] == r["p80"] == r["current_due"] for r in done)
    tips = [tip["title"] for tip in band["encoding"]["tooltip"]]
    assert "Chance of meeting the current date" in tips and "P80 date" in tips


def test_forecast_chart_in_chinese(demo):
    spec = forecast_spec(demo, "en", chart_lang="zh")
    found = titles(spec)
    assert {"进度预测", "P50 日期", "P80 日期", "按当前计划日期完成的概率", "预期"} <= found
    rows = dataset(spec, next(layer for layer in layers(spec) if mark(layer) == "bar"))
    assert {r["outlook"] for r in rows} <= {
        "已完成",
        "正常（≥ 80%）",
        "有风险（50–80%）",
        "可能延期（< 50%）",
    }


def test_empty_forecast_chart_is_still_a_chart(demo):
    f = frames(demo, "en")
    fc = forecast(f["milestones"].iloc[:0], None, start=TODAY, today=TODAY)
    assert today_rule(forecast_chart(fc, today=TODAY, lang="en").to_dict())
