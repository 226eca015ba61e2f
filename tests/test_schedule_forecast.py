"""Schedule forecast: known answers, the rules of the model, reproducibility, the demo."""

from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from commlib import InvalidRecord, Store
from commlib.demo import build_demo
from commlib.schedule import DEFAULT_PROBABILITIES, forecast, forecast_table, simulate
from commlib.schedule.forecast import COLUMNS

START = date(2026, 1, 1)


def day(n: int) -> date:
    return START + timedelta(days=n)


def milestones(*rows: dict) -> pd.DataFrame:
    """A milestones frame as the store gives it, from short rows.

    Each row: id, due (days from START; baseline defaults to it), after (depends_on),
    est (o, m, p) or None, status.
    """
    records = []
    for r in rows:
        o, m, p = r.get("est") or (None, None, None)
        records.append(
            {
                "id": r["id"],
                "name": r.get("name", f"M{r['id']}"),
                "type": r.get("type", "milestone"),
                "status": r.get("status", "planned"),
                "baseline_due": day(r.get("baseline", r["due"])),
                "current_due": day(r["due"]),
                "depends_on": r.get("after"),
                "duration_optimistic": o,
                "duration_likely": m,
                "duration_pessimistic": p,
            }
        )
    df = pd.DataFrame(records)
    for c in ("depends_on", "duration_optimistic", "duration_likely", "duration_pessimistic"):
        df[c] = df[c].astype("Int64")
    return df


def risks(*rows: dict) -> pd.DataFrame:
    """A risks frame: id, milestone, days, probability (1–5), status."""
    return pd.DataFrame(
        {
            "id": [r["id"] for r in rows],
            "status": [r.get("status", "open") for r in rows],
            "probability": [r.get("probability", 3) for r in rows],
            "schedule_impact_days": pd.array([r.get("days") for r in rows], dtype="Int64"),
            "milestone_id": pd.array([r.get("milestone") for r in rows], dtype="Int64"),
        }
    )


#: a fixed chain: A takes 10 days from the start, B 5 more; both due exactly then
CHAIN = milestones(
    {"id": 1, "due": 10, "est": (10, 10, 10)},
    {"id": 2, "due": 15, "after": 1, "est": (5, 5, 5)},
)
#: the same with real three-point estimates
SPREAD = milestones(
    {"id": 1, "due": 30, "est": (20, 28, 50)},
    {"id": 2, "due": 50, "after": 1, "est": (10, 15, 30)},
    {"id": 3, "due": 60, "after": 2, "est": (5, 8, 20)},
)
CERTAIN = {5: 1.0}


def run(ms, rs=None, *, today=START, **kw) -> pd.DataFrame:
    return forecast(ms, rs, start=START, today=today, **kw).set_index("id")


# --- known answers ----------------------------------------------------------------------


def test_fixed_chain_without_risks_meets_its_dates_for_sure():
    fc = run(CHAIN, iterations=500)
    assert list(fc.index) == [1, 2]
    assert list(fc["p50"]) == list(fc["p80"]) == [day(10), day(15)]
    assert list(fc["p_current"]) == list(fc["p_baseline"]) == [1.0, 1.0]
    assert list(fc["p80_vs_current_days"]) == [0, 0]
    assert fc["estimated"].all()


def test_a_certain_risk_shifts_the_chain_exactly():
    r = risks({"id": 1, "milestone": 1, "days": 3, "probability": 5})
    fc = run(CHAIN, r, probabilities=CERTAIN, iterations=500)
    assert list(fc["p50"]) == list(fc["p80"]) == [day(13), day(18)]  # 10 + 3, then + 5
    assert list(fc["p_current"]) == [0.0, 0.0]
    assert list(fc["p_baseline"]) == [0.0, 0.0]
    assert list(fc["p80_vs_current_days"]) == [3, 3]


def test_a_risk_on_the_second_milestone_leaves_the_first_alone():
    r = risks({"id": 1, "milestone": 2, "days": 4, "probability": 5})
    fc = run(CHAIN, r, probabilities=CERTAIN, iterations=200)
    assert list(fc["p50"]) == [day(10), day(19)]
    assert list(fc["p_current"]) == [1.0, 0.0]


def test_a_risk_occurs_as_often_as_its_scale_says():
    r = risks({"id": 7, "milestone": 1, "days": 3, "probability": 3})  # 40% by default
    fc = run(CHAIN, r, iterations=20_000)
    assert fc.loc[1, "p_current"] == pytest.approx(0.6, abs=0.015)
    assert fc.loc[1, "p50"] == day(10) and fc.loc[1, "p80"] == day(13)
    fc = run(CHAIN, r, iterations=20_000, probabilities={3: 0.1})
    assert fc.loc[1, "p_current"] == pytest.approx(0.9, abs=0.01)
    assert fc.loc[1, "p80"] == day(10)


def test_pert_durations_stay_in_range_around_the_pert_mean():
    ms = milestones({"id": 1, "due": 30, "est": (20, 28, 50)})
    sim = simulate(ms, None, start=START, today=START, iterations=20_000)
    finish = sim.finish[:, 0]
    assert finish.min() >= 20 and finish.max() <= 50
    pert_mean = (20 + 4 * 28 + 50) / 6  # 30.33; a finish rounds up to whole days
    assert pert_mean < finish.mean() < pert_mean + 1
    assert sim.dates(1).iloc[0] == pd.Timestamp(START + timedelta(days=int(finish[0])))


# --- the model's rules -----------------------------------------------------------------


def test_done_milestones_are_fixed_at_their_current_date():
    ms = milestones(
        {"id": 1, "due": 12, "baseline": 10, "est": (5, 10, 40), "status": "done"},
        {"id": 2, "due": 17, "after": 1, "est": (5, 5, 5)},
    )
    r = risks({"id": 1, "milestone": 1, "days": 9, "probability": 5})
    fc = run(ms, r, probabilities=CERTAIN, today=day(14), iterations=300)
    assert fc.loc[1, "p50"] == fc.loc[1, "p80"] == day(12)
    assert fc.loc[1, "p_baseline"] == 0.0 and fc.loc[1, "p_current"] == 1.0
    assert fc.loc[2, "p50"] == fc.loc[2, "p80"] == day(17)  # 12 + 5, the risk is ignored


def test_open_milestones_cannot_finish_before_today():
    fc = run(CHAIN, today=day(12), iterations=200)
    assert list(fc["p50"]) == [day(12), day(17)]  # A not done yet: today at the earliest
    assert list(fc["p_current"]) == [0.0, 0.0]


def test_a_milestone_without_estimate_keeps_its_date_unless_pushed():
    ms = milestones(
        {"id": 1, "due": 10, "est": (10, 10, 10)},
        {"id": 2, "due": 20, "after": 1},  # fixed date, 10 days of slack
    )
    fc = run(ms, iterations=200)
    assert fc.loc[2, "p50"] == day(20) and not fc.loc[2, "estimated"]
    # the predecessor overruns past the fixed date: the fixed date moves with it
    r = risks({"id": 1, "milestone": 1, "days": 14, "probability": 5})
    fc = run(ms, r, probabilities=CERTAIN, iterations=200)
    assert fc.loc[1, "p50"] == day(24) and fc.loc[2, "p50"] == day(24)
    # a risk on the fixed-date milestone itself adds to its date
    r = risks({"id": 2, "milestone": 2, "days": 2, "probability": 5})
    fc = run(ms, r, probabilities=CERTAIN, iterations=200)
    assert fc.loc[2, "p50"] == day(22)


def test_a_cancelled_milestone_passes_its_predecessor_on_and_has_no_row():
    ms = milestones(
        {"id": 1, "due": 10, "est": (10, 10, 10)},
        {"id": 2, "due": 30, "after": 1, "est": (20, 20, 20), "status": "cancelled"},
        {"id": 3, "due": 15, "after": 2, "est": (5, 5, 5)},
    )
    r = risks({"id": 1, "milestone": 2, "days": 50, "probability": 5})
    fc = run(ms, r, probabilities=CERTAIN, iterations=100)
    assert list(fc.index) == [1, 3]
    assert fc.loc[3, "p50"] == day(15)


def test_only_live_risks_with_days_and_a_milestone_count():
    r = risks(
        {"id": 1, "milestone": 1, "days": 5, "probability": 5, "status": "closed"},
        {"id": 2, "milestone": 1, "days": 5, "probability": 5, "status": "occurred"},
        {"id": 3, "milestone": 1, "days": None, "probability": 5},
        {"id": 4, "milestone": None, "days": 5, "probability": 5},
        {"id": 5, "milestone": 99, "days": 5, "probability": 5},  # not in the frame
        {"id": 6, "milestone": 1, "days": 2, "probability": 5, "status": "mitigating"},
    )
    fc = run(CHAIN, r, probabilities=CERTAIN, iterations=100)
    assert list(fc["p50"]) == [day(12), day(17)]  # only risk 6


def test_several_risks_add_up():
    r = risks(
        {"id": 1, "milestone": 1, "days": 2, "probability": 5},
        {"id": 2, "milestone": 1, "days": 3, "probability": 5},
        {"id": 3, "milestone": 2, "days": 1, "probability": 5},
    )
    fc = run(CHAIN, r, probabilities=CERTAIN, iterations=100)
    assert list(fc["p50"]) == [day(15), day(21)]


def test_branches_follow_their_own_predecessor():
    ms = milestones(
        {"id": 3, "due": 25, "after": 1, "est": (15, 15, 15)},
        {"id": 1, "due": 10, "est": (10, 10, 10)},
        {"id": 2, "due": 15, "after": 1, "est": (5, 5, 5)},
    )
    r = risks({"id": 1, "milestone": 2, "days": 4, "probability": 5})
    fc = run(ms, r, probabilities=CERTAIN, iterations=100)
    assert list(fc.index) == [1, 2, 3]  # by current due date
    assert list(fc["p50"]) == [day(10), day(19), day(25)]


# --- reproducibility and monotonicity ---------------------------------------------------


LIVE = risks(
    {"id": 1, "milestone": 1, "days": 6, "probability": 3},
    {"id": 2, "milestone": 2, "days": 10, "probability": 2},
)


def test_same_seed_same_output():
    a = forecast(SPREAD, LIVE, start=START, today=START, seed=42)
    b = forecast(SPREAD, LIVE, start=START, today=START, seed=42)
    pd.testing.assert_frame_equal(a, b)
    c = forecast(SPREAD, LIVE, start=START, today=START, seed=43)
    assert not a[["p_baseline", "p_current"]].equals(c[["p_baseline", "p_current"]])


def test_input_order_does_not_change_the_answer():
    a = forecast(SPREAD, LIVE, start=START, today=START, seed=5)
    b = forecast(SPREAD.iloc[::-1], LIVE.iloc[::-1], start=START, today=START, seed=5)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("target", [1, 2, 3])
def test_adding_a_risk_never_makes_anything_earlier(seed, target):
    extra = risks({"id": 9, "milestone": target, "days": 7, "probability": 2})
    more = pd.concat([LIVE, extra], ignore_index=True)
    before = simulate(SPREAD, LIVE, start=START, today=START, seed=seed, iterations=3000)
    after = simulate(SPREAD, more, start=START, today=START, seed=seed, iterations=3000)
    assert (after.finish >= before.finish).all()  # run by run, not only on average
    a, b = before.table().set_index("id"), after.table().set_index("id")
    assert (b["p80"] >= a["p80"]).all() and (b["p50"] >= a["p50"]).all()
    assert (b["p_current"] <= a["p_current"]).all()
    assert b.loc[target, "p80"] > a.loc[target, "p80"] or b.loc[target, "p_current"] < 1


def test_p80_is_never_before_p50_and_chances_are_consistent():
    fc = run(SPREAD, LIVE)
    assert (fc["p80"] >= fc["p50"]).all()
    assert (fc["p_current"].between(0, 1)).all()
    sim = simulate(SPREAD, LIVE, start=START, today=START)
    for j, mid in enumerate(sim.ids):
        finish = sim.finish[:, j]
        p50 = (fc.loc[mid, "p50"] - START).days
        p80 = (fc.loc[mid, "p80"] - START).days
        assert (finish <= p50).mean() >= 0.5 > (finish <= p50 - 1).mean()
        assert (finish <= p80).mean() >= 0.8 > (finish <= p80 - 1).mean()


# --- inputs -----------------------------------------------------------------------------


def test_columns_and_types():
    fc = forecast(SPREAD, LIVE, start=START, today=START, iterations=100)
    assert list(fc.columns) == COLUMNS
    assert fc["p50"].map(type).eq(date).all() and fc["current_due"].map(type).eq(date).all()
    assert fc["p_current"].dtype == "float64" and fc["p80_vs_current_days"].dtype == "int64"
    empty = forecast(SPREAD.iloc[:0], None, start=START, today=START)
    assert empty.empty and list(empty.columns) == COLUMNS


def test_a_missing_predecessor_is_refused_with_the_fix():
    ms = milestones({"id": 2, "due": 15, "after": 1, "est": (5, 5, 5)})
    with pytest.raises(InvalidRecord, match=r"depends_on.*#2.*internal frame"):
        forecast(ms, None, start=START, today=START)


def test_a_circle_of_dependencies_is_refused():
    ms = milestones(
        {"id": 1, "due": 10, "after": 3, "est": (1, 1, 1)},
        {"id": 2, "due": 15, "after": 1, "est": (1, 1, 1)},
        {"id": 3, "due": 20, "after": 2, "est": (1, 1, 1)},
    )
    with pytest.raises(InvalidRecord, match="circle"):
        forecast(ms, None, start=START, today=START)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"iterations": 0}, "iterations"),
        ({"iterations": 2.5}, "iterations"),
        ({"seed": -1}, "seed"),
        ({"probabilities": {6: 0.5}}, "probabilities"),
        ({"probabilities": {3: 1.5}}, "probabilities"),
    ],
)
def test_bad_settings_are_refused(kwargs, field):
    with pytest.raises(InvalidRecord, match=field):
        forecast(CHAIN, None, start=START, today=START, **kwargs)


def test_default_probabilities_rise_with_the_scale():
    values = [DEFAULT_PROBABILITIES[k] for k in range(1, 6)]
    assert values == sorted(values) and all(0 < v < 1 for v in values)


def test_forecast_table_is_labelled():
    fc = forecast(CHAIN, None, start=START, today=START, iterations=50)
    zh = forecast_table(fc, lang="zh")
    assert "P50 日期" in zh.columns and "按当前计划日期完成的概率" in zh.columns
    assert list(zh["P50 日期"]) == ["2026-01-11", "2026-01-16"]
    en = forecast_table(fc, lang="en")
    assert list(en["Chance of meeting the current date"]) == ["100%", "100%"]


# --- the demo ---------------------------------------------------------------------------

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store(tmp_path_factory.mktemp("demo") / "w.db")
    build_demo(store, today=TODAY)
    yield store
    store.close()


def test_demo_forecasts_are_plausible(demo):
    for project in demo.projects():
        ms, rs = demo.frame("milestones", project), demo.frame("risks", project)
        fc = forecast(ms, rs, start=project.start, today=TODAY).set_index("id")
        assert len(fc) == len(ms)
        assert (fc["p80"] >= fc["p50"]).all()
        done = fc["status"] == "done"
        assert (fc.loc[done, "p50"] == fc.loc[done, "current_due"]).all()
        assert (fc.loc[done, "p_current"] == 1).all()
        ahead = fc[~done]
        assert (ahead["p50"] >= TODAY).all()
        spread = [(b - a).days for a, b in zip(ahead["p50"], ahead["p80"], strict=True)]
        assert any(s > 0 for s in spread) and max(spread) < 60
        # the chain's end: later than promised, but within a few months
        last = fc.iloc[-1]
        assert 0 < (last["p80"] - last["current_due"]).days < 90
        assert last["p_current"] < 0.5
        again = forecast(ms, rs, start=project.start, today=TODAY).set_index("id")
        pd.testing.assert_frame_equal(fc, again)


def test_demo_risks_push_the_forecast_later(demo):
    project = demo.projects()[0]
    ms, rs = demo.frame("milestones", project), demo.frame("risks", project)
    with_risks = forecast(ms, rs, start=project.start, today=TODAY)
    without = forecast(ms, None, start=project.start, today=TODAY)
    assert (with_risks["p80"] >= without["p80"]).all()
    assert (with_risks["p80"] > without["p80"]).any()
    assert np.all(with_risks["p_current"].to_numpy() <= without["p_current"].to_numpy())
