"""Contact charts: valid specs, the right marks and labels, small, and nothing internal."""

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import altair as alt
import numpy as np
import pandas as pd
import pytest

from commlib import Store
from commlib.contacts.charts import (
    TIMELINE_MARKS,
    cadence_chart,
    power_interest_chart,
    response_time_chart,
    timeline_chart,
)
from commlib.contacts.metrics import contact_cadence, losing_touch, response_times
from commlib.demo import DEMO_PROJECTS, build_demo
from commlib.frames import local_timezone
from commlib.i18n import language, t

from .conftest import TRICKY, fill

TODAY = date(2026, 3, 20)
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
#: what fill() keeps internal: notes, e-mail addresses and phone numbers
SECRETS = ["INTERNAL-SENTINEL", "huachen.cn", TRICKY[2], TRICKY[4], "@SUM", "line two"]
QUADRANTS_EN = ["Manage closely", "Keep satisfied", "Keep informed", "Monitor"]
QUADRANTS_ZH = ["重点管理", "令其满意", "随时告知", "监督"]
CJK = re.compile(r"[\u4e00-\u9fff]")
#: data fields that hold labels (channel, direction, quadrant, status, engagement)
VALUE_LABELS = {"channel", "direction", "quadrant", "status", "current", "desired", "note"}


def walk(node) -> Iterator[dict]:
    """Every dict in a spec."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def rows(spec: dict) -> list[dict]:
    return [row for values in spec.get("datasets", {}).values() for row in values]


def marks(spec: dict) -> list[str]:
    found = []
    for layer in [spec, *spec.get("layer", [])]:
        mark = layer.get("mark")
        if mark is not None:
            found.append(mark if isinstance(mark, str) else mark["type"])
    return found


def titles(spec: dict) -> set[str]:
    """Every title and subtitle in a spec (chart, axes, legends, tooltips)."""
    found = set()
    for node in walk(spec):
        for key in ("title", "subtitle"):
            value = node.get(key)
            if isinstance(value, str):
                found.add(value)
            elif isinstance(value, dict):
                found |= {v for k, v in value.items() if k in ("text", "subtitle")}
    return found


def tooltip_titles(spec: dict) -> list[str]:
    found = []
    for node in walk(spec):
        tips = node.get("tooltip")
        if isinstance(tips, list):
            found += [tip.get("title") for tip in tips]
    return found


@pytest.fixture
def frames(store: Store) -> dict[str, pd.DataFrame]:
    fill(store)
    return {
        kind: store.frame(kind)
        for kind in ("stakeholders", "contacts", "communication_plan", "follow_ups")
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store(tmp_path_factory.mktemp("demo") / "w.db")
    build_demo(store, today=date(2026, 7, 15))
    yield store
    store.close()


def all_charts(
    frames: dict[str, pd.DataFrame], lang: str | None = None
) -> dict[str, alt.TopLevelMixin]:
    people, log, plan = frames["stakeholders"], frames["contacts"], frames["communication_plan"]
    return {
        "timeline": timeline_chart(log, people, tz="Asia/Shanghai", lang=lang),
        "cadence": cadence_chart(contact_cadence(people, log, plan, today=TODAY), lang=lang),
        "grid": power_interest_chart(people, lang=lang),
        "response": response_time_chart(response_times(log, now=NOW), lang=lang),
    }


# --- every chart --------------------------------------------------------------------------


def test_charts_are_returned_not_shown_and_validate(frames):
    for name, chart in all_charts(frames).items():
        assert isinstance(chart, alt.Chart | alt.LayerChart), name
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


@pytest.mark.parametrize("audience", ["internal", "client"])
def test_nothing_internal_reaches_a_spec(store, audience):
    fill(store)
    frames = {
        kind: store.frame(kind, audience=audience)
        for kind in ("stakeholders", "contacts", "communication_plan")
    }
    assert "notes" in frames["stakeholders"] or audience == "client"
    for name, chart in all_charts(frames).items():
        text = json.dumps(chart.to_dict(), ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in text, (name, secret)
        assert "email" not in {k for row in rows(chart.to_dict()) for k in row}, name


def test_chinese_with_lang_zh_and_the_current_language_by_default(frames):
    for name, chart in all_charts(frames, lang="zh").items():
        spec = chart.to_dict()
        every = titles(spec) | set(tooltip_titles(spec))
        assert every and all(CJK.search(text) for text in every), (name, every)
        values = {
            v for r in rows(spec) for k, v in r.items() if k in VALUE_LABELS and v is not None
        }
        assert values and all(CJK.search(v) for v in values), (name, values)
    with language("zh"):
        spec = timeline_chart(frames["contacts"], frames["stakeholders"], tz="UTC").to_dict()
    assert "沟通时间线" in titles(spec)
    spec = timeline_chart(frames["contacts"], frames["stakeholders"], tz="UTC").to_dict()
    assert "Contact timeline" in titles(spec)  # the tests run in English


def test_empty_frames_still_give_valid_charts(store):
    from commlib import Project

    store.add(Project(name="empty", client="c", start=date(2026, 1, 1)))
    people = store.frame("stakeholders", "empty")
    log = store.frame("contacts", "empty")
    plan = store.frame("communication_plan", "empty")
    charts = [
        timeline_chart(log, people, tz="UTC"),
        cadence_chart(contact_cadence(people, log, plan, today=TODAY), tz="UTC"),
        power_interest_chart(people),
        response_time_chart(response_times(log, now=NOW)),
    ]
    for chart in charts:
        chart.to_dict()


# --- timeline -----------------------------------------------------------------------------


def test_timeline_marks_encodings_and_tooltips(frames):
    spec = timeline_chart(frames["contacts"], frames["stakeholders"], tz="Asia/Shanghai").to_dict()
    assert marks(spec) == ["circle"]
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"]) == ("date", "temporal")
    assert (enc["y"]["field"], enc["color"]["field"]) == ("who", "channel")
    assert enc["y"]["sort"] == ["张伟", "Li Na"]
    assert enc["color"]["title"] == "Channel"
    assert enc["color"]["scale"]["domain"][:2] == ["Meeting", "Video call"]
    assert tooltip_titles(spec) == [
        "Date",
        "Time (Asia/Shanghai)",
        "Stakeholder",
        "Channel",
        "Direction",
        "Subject",
        "Contacts that day",
    ]
    data = {(r["who"], r["date"]): r for r in rows(spec)}
    # 01:30 UTC on 2 March is 09:30 in Shanghai
    assert data[("张伟", "2026-03-02")]["time"] == "09:30"
    assert data[("张伟", "2026-03-02")]["channel"] == "Meeting"
    assert data[("Li Na", "2026-03-03")]["direction"] == "Inbound (from client)"
    assert data[("Li Na", "2026-03-03")]["subject"] == TRICKY[3]
    assert set(rows(spec)[0]) == {"date", "who", "channel", "n", "time", "direction", "subject"}


def test_timeline_in_another_zone_moves_the_day(frames):
    spec = timeline_chart(
        frames["contacts"], frames["stakeholders"], tz="America/New_York"
    ).to_dict()
    first = {r["who"]: r for r in rows(spec) if r["channel"] == "Meeting"}
    assert (first["张伟"]["date"], first["张伟"]["time"]) == ("2026-03-01", "20:30")


def test_timeline_default_zone_is_the_machines(frames, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert str(local_timezone()) == "Asia/Tokyo"
    spec = timeline_chart(frames["contacts"], frames["stakeholders"]).to_dict()
    assert "Time (Asia/Tokyo)" in tooltip_titles(spec)
    assert {r["time"] for r in rows(spec) if r["who"] == "张伟"} == {"10:30"}


def test_timeline_one_mark_per_day_stakeholder_and_channel():
    people = pd.DataFrame({"id": [1, 2], "name": ["A", "B"], "email": ["a@x.cn", "b@x.cn"]})
    log = pd.DataFrame(
        {
            "when": pd.to_datetime(
                ["2026-03-02 09:00", "2026-03-02 15:00", "2026-03-02 16:00", "2026-03-03 09:00"],
                utc=True,
            ),
            "stakeholder_ids": [[1], [1, 2], [], [9]],  # 9: not in the frame (internal)
            "channel": ["email", "email", "phone", "im"],
            "direction": ["inbound", "outbound", "outbound", "inbound"],
            "subject": ["Q", "Re: Q", "call", "hidden person"],
            "summary": "INTERNAL-SENTINEL",
        }
    )
    spec = timeline_chart(log, people, tz="UTC", lang="zh").to_dict()
    data = sorted((r["who"], r["date"], r["channel"], r["n"]) for r in rows(spec))
    assert data == [
        ("A", "2026-03-02", "邮件", 2),
        ("B", "2026-03-02", "邮件", 1),
        ("（未关联干系人）", "2026-03-02", "电话", 1),
    ]
    a = next(r for r in rows(spec) if r["who"] == "A")
    assert (a["time"], a["subject"]) == ("09:00, 15:00", "Q; Re: Q")
    assert "hidden person" not in json.dumps(spec, ensure_ascii=False)
    assert "INTERNAL-SENTINEL" not in json.dumps(spec)


def test_timeline_of_a_demo_project_is_small(demo):
    for lang in ("zh", "en"):
        project = DEMO_PROJECTS[lang]
        log = demo.frame("contacts", project)
        chart = timeline_chart(log, demo.frame("stakeholders", project), tz="UTC", lang=lang)
        spec = chart.to_dict()
        assert len(json.dumps(spec, ensure_ascii=False).encode()) < 150_000
        assert len(rows(spec)) < sum(len(ids) for ids in log["stakeholder_ids"])


def test_timeline_counts_per_week_then_month_as_volume_grows():
    """20,000 contacts over a year with 15 people: marks are bounded, counts add up, and the
    chart stays small enough for a report (and under altair's row limit)."""
    rng = np.random.default_rng(3)
    people = pd.DataFrame({"id": range(1, 16), "name": [f"P{i}" for i in range(1, 16)]})
    n = 20_000
    when = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 365 * 24 * 60, n), unit="min"
    )
    log = pd.DataFrame(
        {
            "when": when,
            "stakeholder_ids": [[int(i)] for i in rng.integers(1, 16, n)],
            "channel": rng.choice(["email", "meeting", "phone", "im"], n),
            "direction": rng.choice(["inbound", "outbound"], n),
            "subject": [f"subject {i}" for i in range(n)],
        }
    )
    spec = timeline_chart(log, people, tz="UTC", lang="en").to_dict()
    data = rows(spec)
    assert len(data) <= TIMELINE_MARKS
    assert sum(r["n"] for r in data) == n
    assert spec["title"]["subtitle"] == t("contacts.chart.timeline.per_month")
    assert {pd.Timestamp(r["date"]).day for r in data} == {1}  # months start on the 1st
    assert len(json.dumps(spec, ensure_ascii=False).encode()) < 250_000
    # 3,000 of them within four weeks would be ~1,400 daily marks: they count per week
    ten_days = log.head(3_000).assign(
        when=pd.Timestamp("2026-03-02", tz="UTC")
        + pd.to_timedelta(rng.integers(0, 28 * 24 * 60, 3_000), unit="min")
    )
    spec = timeline_chart(ten_days, people, tz="UTC", lang="zh").to_dict()
    assert spec["title"]["subtitle"] == t("contacts.chart.timeline.per_week", "zh")
    assert sum(r["n"] for r in rows(spec)) == 3_000
    mondays = {"2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"}
    assert {r["date"] for r in rows(spec)} == mondays


# --- cadence --------------------------------------------------------------------------------


def test_cadence_chart_shows_days_against_plan_with_overdue_highlighted(frames):
    status = contact_cadence(
        frames["stakeholders"],
        frames["contacts"],
        frames["communication_plan"],
        today=TODAY,
    )
    spec = cadence_chart(status, tz="UTC").to_dict()
    assert marks(spec) == ["bar", "tick", "text"]
    bar, tick, _ = spec["layer"]
    assert (bar["encoding"]["x"]["field"], tick["encoding"]["x"]["field"]) == ("days", "cadence")
    colour = bar["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"], strict=True))["Overdue"] == "#d62728"
    data = {r["name"]: r for r in rows(spec)}
    assert data["张伟"] == {
        "name": "张伟",
        "last": "2026-03-02",
        "days": 18,
        "cadence": 14,
        "status": "Overdue",
        "note": None,
    }
    assert data["Li Na"]["status"] == "No planned cadence"
    assert {"Contact cadence against the plan", "Days since last contact"} <= titles(spec)


def test_cadence_chart_notes_people_never_contacted(frames):
    status = contact_cadence(
        frames["stakeholders"],
        frames["contacts"].iloc[:0],
        frames["communication_plan"],
        today=TODAY,
    )
    spec = cadence_chart(losing_touch(status), lang="zh").to_dict()
    assert [(r["name"], r["note"], r["status"]) for r in rows(spec)] == [
        ("张伟", "从未沟通", "已逾期")
    ]


# --- power/interest grid ----------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "names"), [("en", QUADRANTS_EN), ("zh", QUADRANTS_ZH)])
def test_grid_names_the_four_quadrants(frames, lang, names):
    spec = power_interest_chart(frames["stakeholders"], lang=lang).to_dict()
    assert marks(spec) == ["rect", "text", "circle", "text"]
    boxes = {r["quadrant"] for r in rows(spec) if "x1" in r}
    assert boxes == set(names)


def test_grid_places_people_and_keeps_equal_scores_apart():
    people = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "name": ["A", "B", "C", "D"],
            "role": ["CIO", "", "", ""],
            "email": "x@y.cn",
            "phone": "123",
            "notes": "INTERNAL-SENTINEL",
            "power": [5, 5, 5, 1],
            "interest": [4, 4, 4, 1],
            "engagement_current": ["resistant", "neutral", "leading", "unaware"],
            "engagement_desired": "supportive",
        }
    )
    spec = power_interest_chart(people, lang="zh").to_dict()
    placed = {r["name"]: r for r in rows(spec) if "name" in r}
    same = [placed[n] for n in "ABC"]
    assert len({(p["x"], p["y"]) for p in same}) == 3  # stacked, not on top of each other
    assert all(4.5 < p["y"] < 5.5 and 3.5 < p["x"] < 4.5 for p in same)  # within their cell
    assert (placed["D"]["x"], placed["D"]["y"]) == (1 - 0.38, 1)
    assert placed["A"]["quadrant"] == "重点管理" and placed["D"]["quadrant"] == "监督"
    assert placed["A"]["current"] == t("enum.engagement.resistant", "zh")
    text = json.dumps(spec, ensure_ascii=False)
    assert "x@y.cn" not in text and "INTERNAL-SENTINEL" not in text
    assert {"权力", "利益"} <= titles(spec)


# --- response times -------------------------------------------------------------------------


def test_response_chart_per_channel_with_the_target_as_a_rule():
    log = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "when": pd.to_datetime(
                [
                    "2026-03-02 09:00",
                    "2026-03-02 10:00",
                    "2026-03-02 15:00",
                    "2026-03-03 09:00",
                    "2026-03-19 12:00",
                ],
                utc=True,
            ),
            "stakeholder_ids": [[1], [1], [1], [2], [2]],
            "channel": ["email", "im", "email", "im", "email"],
            "direction": ["inbound", "inbound", "outbound", "inbound", "outbound"],
        }
    )
    times = response_times(log, now=NOW)
    spec = response_time_chart(times, target_hours=8).to_dict()
    assert marks(spec) == ["rule", "bar", "tick", "point", "rule", "text"]
    points = spec["layer"][3]
    assert points["encoding"]["y"]["field"] == "channel"
    assert points["encoding"]["x"]["scale"]["type"] == "symlog"
    target = spec["layer"][4]
    assert target["mark"]["color"] == "#d62728"
    data = rows(spec)
    assert {"hours": 8.0, "text": "Target: 8 h"} in data
    dots = sorted((r["channel"], r["hours"], r["n"]) for r in data if "n" in r)
    assert dots == [("E-mail", 6.0, 1), ("Instant message", 384.0, 1)]  # 16 d 3 h, to the day
    boxes = {r["channel"]: r for r in data if "median" in r}
    assert boxes["E-mail"]["median"] == 6.0 and boxes["E-mail"]["breaches"] == 0
    assert boxes["Instant message"]["median"] == 387.0  # unrounded
    assert boxes["Instant message"]["breaches"] == 1
    assert "Response time to client messages" in titles(spec)


def test_response_chart_in_chinese():
    spec = response_time_chart(pd.DataFrame(), lang="zh").to_dict()
    assert {"客户来信回复时间", "渠道", "首次回复用时（小时）"} <= titles(spec)
    assert {"hours": 24.0, "text": "目标：24 小时"} in rows(spec)


# --- the demo -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_works_on_the_demo(demo, lang):
    project = DEMO_PROJECTS[lang]
    frames = {
        kind: demo.frame(kind, project, audience="client")
        for kind in ("stakeholders", "contacts", "communication_plan")
    }
    for name, chart in all_charts(frames, lang=lang).items():
        spec = chart.to_dict()
        text = json.dumps(spec, ensure_ascii=False)
        assert len(text.encode()) < 200_000, name
        assert "【内部】" not in text and "[Internal]" not in text, name
        assert "@" not in text, name  # no e-mail addresses
