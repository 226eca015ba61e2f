"""Survey charts: valid specs, filters as bound params, aggregated data, zh/en labels."""

import json
import re
from collections.abc import Iterator

import altair as alt
import numpy as np
import pandas as pd
import pytest

from commlib.i18n import language
from commlib.surveys.analysis import crosstab, likert, multi_select, nps, wave_change
from commlib.surveys.charts import (
    EVERYONE,
    SEGMENT_PARAM,
    WAVE_PARAM,
    crosstab_chart,
    diverging_colour,
    likert_chart,
    multi_chart,
    nps_chart,
    trend_chart,
)

SAT = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
TEAMS = ["财务部", "IT部", "运营部"]
CHANNELS = ["邮件", "电话", "微信", "面谈"]
CJK = re.compile(r"[\u4e00-\u9fff]")
CODEBOOK = pd.DataFrame(
    [
        {"code": "Q1", "text": "总体满意度", "type": "likert", "options": SAT},
        {"code": "Q2", "text": "推荐意愿", "type": "nps", "options": []},
        {"code": "Q3", "text": "交付质量", "type": "likert", "options": SAT},
        {"code": "Q4", "text": "部门", "type": "single", "options": TEAMS},
        {"code": "Q5", "text": "沟通渠道", "type": "multi", "options": CHANNELS},
    ]
).assign(parent="", position=range(1, 6))
PATTERNS = np.empty(6, dtype=object)
PATTERNS[:] = [[], ["邮件"], ["电话", "微信"], ["邮件", "微信"], ["面谈"], ["邮件", "电话"]]


def responses(n: int, seed: int = 0) -> pd.DataFrame:
    """n responses over three waves (in order), vectorised so that a million is quick."""
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 1, n)

    def likert_scores() -> np.ndarray:
        v = np.clip(np.round(base + rng.normal(3.3, 0.9, n)), 1, 5)
        v[rng.random(n) < 0.05] = np.nan
        return v

    multi = pd.Series(PATTERNS[rng.integers(0, len(PATTERNS), n)], dtype=object)
    multi[rng.random(n) < 0.1] = np.nan
    wave = np.sort(rng.integers(0, 3, n))
    return pd.DataFrame(
        {
            "response_id": np.arange(n),
            "survey_id": wave + 1,
            "wave": pd.Series(np.array(["W1", "W2", "W3"])[wave], dtype="str"),
            "source": pd.Series(np.array(["wjx", "web"])[rng.integers(0, 2, n)], dtype="str"),
            "Q1": likert_scores(),
            "Q2": np.clip(np.round(base * 2 + rng.normal(7, 1.5, n)), 0, 10),
            "Q3": likert_scores(),
            "Q4": pd.Categorical.from_codes(rng.integers(-1, 3, n), categories=TEAMS),
            "Q5": multi,
        }
    )


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return responses(3000)


def charts(frame: pd.DataFrame, lang: str | None = None) -> dict[str, alt.TopLevelMixin]:
    return {
        "likert": likert_chart(frame, CODEBOOK, segment="Q4", lang=lang),
        "nps": nps_chart(frame, CODEBOOK, segment="Q4", lang=lang),
        "trend": trend_chart(frame, CODEBOOK, "Q2", segment="Q4", lang=lang),
        "crosstab": crosstab_chart(frame, CODEBOOK, "Q4", "Q1", segment="source", lang=lang),
        "multi": multi_chart(frame, CODEBOOK, "Q5", segment="Q4", lang=lang),
    }


def walk(node) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def datasets(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def main_rows(spec: dict) -> list[dict]:
    """The rows of the chart's main (largest) dataset."""
    return max(datasets(spec), key=len)


def titles(spec: dict) -> set[str]:
    """Every title, subtitle, axis, legend and tooltip label in a spec."""
    found = set()
    for node in walk(spec):
        for key in ("title", "subtitle"):
            value = node.get(key)
            if isinstance(value, str):
                found.add(value)
            elif isinstance(value, list):
                found |= {v for v in value if isinstance(v, str)}
            elif isinstance(value, dict):
                for part in ("text", "subtitle"):
                    text = value.get(part)
                    found |= {text} if isinstance(text, str) else set(text or [])
    return {t for t in found if t}


def params(spec: dict) -> dict[str, dict]:
    return {p["name"]: p for p in spec.get("params", [])}


def marks(spec: dict) -> list[str]:
    return [
        layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]
        for layer in spec.get("layer", [spec])
    ]


# --- every chart --------------------------------------------------------------------------


def test_charts_are_returned_not_shown_and_validate(frame):
    for name, chart in charts(frame).items():
        assert isinstance(chart, alt.LayerChart), name
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/"), name


def test_filters_are_params_bound_to_drop_downs(frame):
    expected = {
        "likert": {WAVE_PARAM, SEGMENT_PARAM},
        "nps": {WAVE_PARAM},  # segments are the bars
        "trend": {SEGMENT_PARAM},  # waves are the x axis
        "crosstab": {WAVE_PARAM, SEGMENT_PARAM},
        "multi": {WAVE_PARAM, SEGMENT_PARAM},
    }
    for name, chart in charts(frame).items():
        spec = chart.to_dict()
        found = params(spec)
        assert set(found) == expected[name], name
        for param in found.values():
            bind = param["bind"]
            assert bind["input"] == "select" and param["value"] is None
            assert bind["options"][0] is None and bind["labels"][0] == "All"
            assert bind["options"][1:] == list(range(len(bind["labels"]) - 1))
        text = json.dumps(spec)
        assert all(f"{p} === null" in text for p in found), name  # used by a filter
    wave = params(charts(frame)["likert"].to_dict())[WAVE_PARAM]["bind"]
    assert wave["labels"] == ["All", "W1", "W2", "W3"] and wave["name"] == "Wave: "
    segment = params(charts(frame)["multi"].to_dict())[SEGMENT_PARAM]["bind"]
    assert segment["labels"] == ["All", *TEAMS, "(no answer)"] and segment["name"] == "部门: "


def test_chinese_with_lang_zh_and_the_current_language_by_default(frame):
    for name, chart in charts(frame, lang="zh").items():
        spec = chart.to_dict()
        every = titles(spec)
        assert every and all(CJK.search(t) for t in every), (name, every)
        for param in params(spec).values():
            assert param["bind"]["labels"][0] == "全部" and CJK.search(param["bind"]["name"])
    with language("zh"):
        spec = likert_chart(frame, CODEBOOK).to_dict()
    assert spec["title"]["text"] == "各题回答分布"
    assert likert_chart(frame, CODEBOOK).to_dict()["title"]["text"] == "Answers by item"


def test_empty_frames_still_give_valid_charts(frame):
    empty = frame.iloc[:0]
    for name, chart in charts(empty).items():
        spec = chart.to_dict()
        assert spec["params"][0]["bind"]["options"] == [None], name
    assert likert_chart(frame.drop(columns="wave"), CODEBOOK).to_dict().get("params") is None


def test_spec_size_does_not_grow_with_responses():
    small, large = responses(3_000, seed=1), responses(1_000_000, seed=2)
    for name in ("likert", "nps", "trend", "crosstab", "multi"):
        few = charts(small)[name].to_dict()
        many = charts(large)[name].to_dict()
        size = len(json.dumps(many, ensure_ascii=False).encode())
        assert size < 100_000, (name, size)
        assert len(main_rows(many)) <= len(main_rows(few)) + 5, name  # same combinations


# --- likert ---------------------------------------------------------------------------------


def test_likert_chart_ships_counts_and_diverges_around_neutral(frame):
    spec = likert_chart(frame, CODEBOOK, segment="Q4").to_dict()
    assert marks(spec) == ["bar", "rule"]
    rows = pd.DataFrame(main_rows(spec))
    assert set(rows.columns) == {"wave", "segment", "code", "value", "count"}
    labels = params(spec)[WAVE_PARAM]["bind"]["labels"][1:]
    # the rows of wave W2 add up to the distribution of the W2 responses
    w2 = rows[rows["wave"] == labels.index("W2")].groupby(["code", "value"])["count"].sum()
    expected = likert(frame[frame["wave"] == "W2"], CODEBOOK).set_index(["code", "value"])
    assert w2.to_dict() == expected["count"][expected["count"] > 0].to_dict()
    texts = next(d for d in datasets(spec) if d and "option" in d[0])
    assert {r["option"] for r in texts} == set(SAT) and {r["mid"] for r in texts} == {3.0}
    bar = spec["layer"][0]
    assert bar["encoding"]["x"]["field"] == "start" and bar["encoding"]["x2"]["field"] == "end"
    assert bar["encoding"]["y"]["sort"] == ["总体满意度", "交付质量"]
    colour = bar["encoding"]["color"]["scale"]
    assert colour["domain"] == SAT and colour["range"][2] == diverging_colour(0.5)
    transforms = json.dumps(bar["transform"])
    assert "datum.value < datum.mid" in transforms and "window" in transforms


def test_diverging_palette_runs_from_red_through_grey_to_green():
    assert diverging_colour(0) == "#d62728"
    assert diverging_colour(0.5) == "#dcdcdc"
    assert diverging_colour(1) == "#2e7d32"


# --- NPS ------------------------------------------------------------------------------------


def test_nps_chart_stacks_the_three_groups_and_labels_the_score(frame):
    spec = nps_chart(frame, CODEBOOK, segment="Q4").to_dict()
    assert marks(spec) == ["bar", "text"]
    rows = pd.DataFrame(main_rows(spec))
    everyone = rows[rows["group"] == "All"]
    table = nps(frame, CODEBOOK)
    assert everyone["count"].sum() == table["n"].iloc[0]
    promoters = everyone[everyone["rank"] == 2]["count"].sum()
    assert promoters == table["promoters"].iloc[0]
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [
        "Detractors (0–6)",
        "Passives (7–8)",
        "Promoters (9–10)",
    ]
    label = json.dumps(spec["layer"][1])
    assert """\\"NPS \\" + format(datum.nps, '+.0f')""" in label
    assert "推荐意愿" in spec["title"]["subtitle"]
    by_wave = nps_chart(frame, CODEBOOK).to_dict()
    assert "params" not in by_wave
    assert {r["group"] for r in main_rows(by_wave)} == {"W1", "W2", "W3"}


# --- trend ----------------------------------------------------------------------------------


def test_trend_chart_has_a_band_and_the_values_of_wave_change(frame):
    spec = trend_chart(frame, CODEBOOK, "Q1", measure="csat", segment="Q4").to_dict()
    assert marks(spec) == ["area", "rule", "line"]
    rows = pd.DataFrame(main_rows(spec))
    everyone = rows[rows["segment"] == EVERYONE].set_index("wave")
    alone = wave_change(frame, CODEBOOK, "Q1", measure="csat").set_index("wave")
    assert everyone["value"].to_dict() == pytest.approx(alone["value"].to_dict())
    assert everyone["ci_low"].to_dict() == pytest.approx(alone["ci_low"].to_dict())
    assert spec["layer"][0]["encoding"]["y2"]["field"] == "ci_high"
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == ".0%"
    assert spec["title"]["text"] == "CSAT (top-2 box) by wave"
    assert spec["layer"][0]["transform"] == [
        {"filter": f"datum.segment === ({SEGMENT_PARAM} === null ? -1 : {SEGMENT_PARAM})"}
    ]


# --- crosstab -------------------------------------------------------------------------------


def test_crosstab_chart_has_the_test_in_the_subtitle(frame):
    spec = crosstab_chart(frame, CODEBOOK, "Q4", "Q1", lang="en", wave_col=None).to_dict()
    assert spec["title"]["subtitle"] == [crosstab(frame, CODEBOOK, "Q4", "Q1").summary()]
    assert "χ²" in spec["title"]["subtitle"][0] and "Cramér's V" in spec["title"]["subtitle"][0]
    assert marks(spec) == ["rect", "text"] and "params" not in spec
    assert spec["layer"][0]["encoding"]["color"]["field"] == "share"
    counts = crosstab_chart(frame, CODEBOOK, "Q4", "Q1", shares=False).to_dict()
    assert counts["layer"][0]["encoding"]["color"]["field"] == "count"


def test_crosstab_chart_tests_every_selection(frame):
    spec = crosstab_chart(frame, CODEBOOK, "Q4", "Q5", segment="source").to_dict()
    assert marks(spec) == ["rect", "text", "text"]
    first, warning = spec["title"]["subtitle"]
    assert first.startswith("All responses: χ²") and "picks" in warning  # a rough guide
    captions = next(d for d in datasets(spec) if d and "text" in d[0])
    assert len(captions) == 4 * 3 - 1  # (all + 3 waves) × (all + 2 sources), not all × all
    waves = params(spec)[WAVE_PARAM]["bind"]["labels"]
    w1 = next(r for r in captions if r["wave"] == waves.index("W1") - 1 and r["segment"] == -1)
    alone = crosstab(frame[frame["wave"] == "W1"], CODEBOOK, "Q4", "Q5")
    assert w1["text"] == f"Selection: {alone.summary(warning=False)}\n{alone.warning}"


# --- multi-select ---------------------------------------------------------------------------


def test_multi_chart_shares_of_respondents(frame):
    spec = multi_chart(frame, CODEBOOK, "Q5", segment="Q4").to_dict()
    assert marks(spec) == ["bar", "text"]
    rows = pd.DataFrame(main_rows(spec))
    table = multi_select(frame, CODEBOOK, "Q5")
    assert rows["answered"].sum() == table["answered"].iloc[0]  # counted once per group
    per_option = rows.groupby("option")["count"].sum()
    assert per_option.to_dict() == table.set_index("option")["count"].to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == "-x"
    assert "joinaggregate" in json.dumps(spec["layer"][0]["transform"])
