"""Risk review over time, on three risks whose changes over four weeks are known by hand.

Weeks start on Monday 2 March 2026; today is Thursday 26 March (week 4).

====  ==================  =====================================================
risk  raised              changes
====  ==================  =====================================================
A     Mon 2 Mar, 3 x 4    Thu 5 Mar review date only; Tue 10 Mar P 4 (16);
                          Wed 25 Mar closed, P 1 (4)
B     Wed 4 Mar, 2 x 3    Wed 18 Mar I 5 (10), mitigating
C     Thu 12 Mar, 5 x 5   Thu 19 Mar occurred, P 4 (20)
====  ==================  =====================================================
"""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from commlib import Milestone, Project, Risk, Store
from commlib.demo import DEMO_PROJECTS, build_demo
from commlib.risks import (
    RiskMatrix,
    exposure,
    overdue_reviews,
    score_history,
    top_movers,
)
from commlib.risks.review import (
    EXPOSURE_COLUMNS,
    HISTORY_COLUMNS,
    MOVER_COLUMNS,
    OVERDUE_COLUMNS,
)

TODAY = date(2026, 3, 26)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def three(store: Store) -> dict[str, int]:
    p = store.add(Project(name="Three risks", client="c", start=date(2026, 3, 1), language="en"))
    a = store.add(
        Risk(
            project_id=p.id,
            title="A",
            probability=3,
            impact=4,
            review_due=date(2026, 3, 9),
            created_at=at(2),
        )
    )
    b = store.add(
        Risk(
            project_id=p.id,
            title="B",
            probability=2,
            impact=3,
            review_due=date(2026, 3, 20),
            created_at=at(4),
        )
    )
    c = store.add(Risk(project_id=p.id, title="C", probability=5, impact=5, created_at=at(12)))
    store.update("risks", a.id, review_due=date(2026, 3, 20), at=at(5))
    store.update("risks", a.id, probability=4, at=at(10))
    store.update("risks", b.id, impact=5, status="mitigating", at=at(18))
    store.update("risks", c.id, probability=4, status="occurred", at=at(19))
    store.update("risks", a.id, probability=1, status="closed", at=at(25))
    return {"project": p.id, "A": a.id, "B": b.id, "C": c.id}


def frames(store: Store, project: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    return store.frame("risks", project), store.history(project, kind="risks")


# --- exposure (the burndown) ------------------------------------------------------------


def test_exposure_week_by_week(store, three):
    risks, history = frames(store, three["project"])
    weekly = exposure(risks, history, today=TODAY)
    assert list(weekly.columns) == list(EXPOSURE_COLUMNS)
    assert [d.date() for d in weekly["week"]] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
    ]
    assert weekly["as_of"].tolist() == [
        date(2026, 3, 8),
        date(2026, 3, 15),
        date(2026, 3, 22),
        TODAY,  # the week being measured ends today
    ]
    # week 1: A 12 + B 6; week 2: A 16 + B 6 + C 25; week 3: A 16 + B 10 (C occurred);
    # week 4: B 10 (A closed)
    assert weekly["exposure"].tolist() == [18, 47, 26, 10]
    assert weekly["risks"].tolist() == [2, 3, 2, 1]


def test_exposure_counts_other_statuses_when_asked(store, three):
    risks, history = frames(store, three["project"])
    weekly = exposure(risks, history, today=TODAY, statuses=["open"])
    # B is mitigating from week 3
    assert weekly["exposure"].tolist() == [18, 47, 16, 0]


def test_exposure_stops_at_today_and_ignores_later_changes(store, three):
    risks, history = frames(store, three["project"])
    weekly = exposure(risks, history, today=date(2026, 3, 11))
    assert weekly["exposure"].tolist() == [18, 22]  # A became 16 on the 10th; C not yet
    assert weekly["as_of"].tolist() == [date(2026, 3, 8), date(2026, 3, 11)]


def test_exposure_weeks_follow_the_time_zone(store):
    p = store.add(Project(name="tz", client="c", start=date(2026, 3, 1)))
    # Sunday 20:00 UTC is already Monday 04:00 in Shanghai
    store.add(Risk(project_id=p.id, title="late", probability=2, impact=2, created_at=at(8, 20)))
    risks, history = frames(store, p.id)
    utc = exposure(risks, history, today=date(2026, 3, 10))
    shanghai = exposure(risks, history, today=date(2026, 3, 10), tz="Asia/Shanghai")
    assert [d.date() for d in utc["week"]] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert [d.date() for d in shanghai["week"]] == [date(2026, 3, 9)]


def test_exposure_of_nothing(store):
    p = store.add(Project(name="empty", client="c", start=date(2026, 3, 1)))
    risks, history = frames(store, p.id)
    weekly = exposure(risks, history, today=TODAY)
    assert weekly.empty and list(weekly.columns) == list(EXPOSURE_COLUMNS)
    before = exposure(*frames(store, p.id), today=date(2020, 1, 1))
    assert before.empty


# --- score history ----------------------------------------------------------------------


def test_score_history_rebuilds_each_risk_from_its_changes(store, three):
    risks, history = frames(store, three["project"])
    steps = score_history(risks, history)
    assert list(steps.columns) == list(HISTORY_COLUMNS)
    a = steps[steps["risk_id"] == three["A"]]
    # raised at 3 x 4 (the old of the first probability change: the record now says 1);
    # the review-date change on the 5th is not a step
    assert a[["probability", "impact", "score", "level", "status"]].values.tolist() == [
        [3, 4, 12, "high", "open"],
        [4, 4, 16, "high", "open"],
        [1, 4, 4, "low", "closed"],
    ]
    assert a["at"].tolist() == [pd.Timestamp(at(d)) for d in (2, 10, 25)]
    assert set(a["title"]) == {"A"}
    b = steps[steps["risk_id"] == three["B"]]
    assert b[["score", "status"]].values.tolist() == [[6, "open"], [10, "mitigating"]]
    c = steps[steps["risk_id"] == three["C"]]
    assert c["score"].tolist() == [25, 20]


def test_score_history_until_a_day(store, three):
    risks, history = frames(store, three["project"])
    steps = score_history(risks, history, until=date(2026, 3, 20))
    a = steps[steps["risk_id"] == three["A"]]
    assert a["score"].tolist() == [12, 16, 16]  # the closing on the 25th is after
    last = a["at"].iloc[-1]
    assert last.date() == date(2026, 3, 20) and last.hour == 23  # the end of that day
    assert len(steps[steps["risk_id"] == three["C"]]) == 3  # raised, occurred, today


def test_score_history_with_another_matrix(store, three):
    risks, history = frames(store, three["project"])
    strict = RiskMatrix.from_thresholds(medium=4, high=8, critical=15)
    a = score_history(risks, history, matrix=strict)
    assert a[a["risk_id"] == three["A"]]["level"].tolist() == ["high", "critical", "medium"]


def test_a_risk_that_never_changed_has_one_step(store):
    p = store.add(Project(name="still", client="c", start=date(2026, 3, 1)))
    store.add(Risk(project_id=p.id, title="calm", probability=2, impact=5, created_at=at(3)))
    steps = score_history(*frames(store, p.id))
    assert steps[["probability", "impact", "score"]].values.tolist() == [[2, 5, 10]]
    assert score_history(*frames(store, p.id), until=TODAY)["score"].tolist() == [10, 10]


def test_score_history_takes_a_whole_project_history(filled):
    project = filled.project("华辰 ERP 升级")
    everything = filled.history(project)  # stakeholders, milestones... too
    steps = score_history(filled.frame("risks", project), everything)
    assert steps["score"].tolist() == [8, 16]  # 2 x 4, then probability 4


def test_score_history_of_nothing(store):
    p = store.add(Project(name="empty", client="c", start=date(2026, 3, 1)))
    steps = score_history(*frames(store, p.id))
    assert steps.empty and list(steps.columns) == list(HISTORY_COLUMNS)


# --- top movers -------------------------------------------------------------------------


def test_top_movers_since_a_day(store, three):
    risks, history = frames(store, three["project"])
    movers = top_movers(risks, history, since=date(2026, 3, 9))
    assert list(movers.columns) == list(MOVER_COLUMNS)
    # A 12 -> 4; C raised on the 12th at 25, now 20 (new); B 6 -> 10
    assert movers["title"].tolist() == ["A", "C", "B"]
    assert movers["from_score"].tolist() == [12, 25, 6]
    assert movers["to_score"].tolist() == [4, 20, 10]
    assert movers["change"].tolist() == [-8, -5, 4]
    assert movers["new"].tolist() == [False, True, False]
    assert movers["from_level"].tolist() == ["high", "critical", "medium"]
    assert movers["to_level"].tolist() == ["low", "critical", "high"]
    assert movers["status"].tolist() == ["closed", "occurred", "mitigating"]
    a = movers.iloc[0]
    assert (a["from_probability"], a["from_impact"], a["to_probability"], a["to_impact"]) == (
        3,
        4,
        1,
        4,
    )
    assert top_movers(risks, history, since=date(2026, 3, 9), n=1)["title"].tolist() == ["A"]


def test_top_movers_in_a_period(store, three):
    risks, history = frames(store, three["project"])
    movers = top_movers(risks, history, since=date(2026, 3, 16), until=date(2026, 3, 20))
    # A stays 16; B 6 -> 10; C 25 -> 20
    assert movers[["title", "change"]].values.tolist() == [["C", -5], ["B", 4]]
    early = top_movers(risks, history, since=date(2026, 3, 2), until=date(2026, 3, 8))
    assert early.empty  # nothing moved in week 1 (C not raised yet)


def test_top_movers_rises_come_before_falls_of_the_same_size(store):
    p = store.add(Project(name="ties", client="c", start=date(2026, 3, 1)))
    down = store.add(Risk(project_id=p.id, title="down", probability=3, impact=2, created_at=at(2)))
    up = store.add(Risk(project_id=p.id, title="up", probability=2, impact=2, created_at=at(2)))
    store.update("risks", down.id, probability=1, at=at(10))
    store.update("risks", up.id, probability=4, at=at(10))
    movers = top_movers(*frames(store, p.id), since=datetime(2026, 3, 9, tzinfo=UTC))
    assert movers[["title", "change"]].values.tolist() == [["up", 4], ["down", -4]]


# --- overdue reviews --------------------------------------------------------------------


def test_overdue_reviews(store, three):
    p = three["project"]
    m = store.add(
        Milestone(
            project_id=p, name="M", baseline_due=date(2026, 4, 1), current_due=date(2026, 4, 1)
        )
    )
    store.add(Risk(project_id=p, title="due today", review_due=TODAY, milestone_id=m.id))
    store.add(Risk(project_id=p, title="no date"))
    store.add(
        Risk(
            project_id=p,
            title="long overdue",
            probability=1,
            impact=2,
            owner="王芳",
            review_due=date(2026, 3, 1),
        )
    )
    late = overdue_reviews(store.frame("risks", p), today=TODAY)
    assert list(late.columns) == list(OVERDUE_COLUMNS)
    # A is closed and C occurred: their reviews no longer matter
    assert late["title"].tolist() == ["long overdue", "B"]
    assert late["days_overdue"].tolist() == [25, 6]
    assert late["review_due"].tolist() == [date(2026, 3, 1), date(2026, 3, 20)]
    assert late["score"].tolist() == [2, 10]
    assert late["level"].tolist() == ["low", "high"]
    assert late["owner"].tolist() == ["王芳", ""]


def test_overdue_ties_go_to_the_higher_score():
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "title": ["small", "big"],
            "owner": ["", ""],
            "status": ["open", "open"],
            "probability": [1, 5],
            "impact": [1, 5],
            "review_due": [date(2026, 3, 1), date(2026, 3, 1)],
        }
    )
    late = overdue_reviews(frame, today=date(2026, 3, 3))
    assert late["title"].tolist() == ["big", "small"]
    assert late["level"].tolist() == ["critical", "low"]


def test_no_overdue_reviews(store):
    p = store.add(Project(name="empty", client="c", start=date(2026, 3, 1)))
    late = overdue_reviews(store.frame("risks", p), today=TODAY)
    assert late.empty and list(late.columns) == list(OVERDUE_COLUMNS)


# --- the demo ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("demo") / "w.db")
    build_demo(store, today=date(2026, 7, 15))
    yield store
    store.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demo_burndown_rises_then_falls(demo, lang):
    project = DEMO_PROJECTS[lang]
    risks, history = demo.frame("risks", project), demo.history(project, kind="risks")
    assert len(risks) >= 15
    weekly = exposure(risks, history, today=date(2026, 7, 15))
    values = weekly["exposure"].tolist()
    peak = values.index(max(values))
    assert 4 < peak < len(values) - 4  # the peak is in the middle of the project
    assert values[0] < max(values) / 3 and values[-1] < max(values) * 0.75
    assert weekly["as_of"].iloc[-1] == date(2026, 7, 15)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demo_has_movers_overdue_reviews_and_histories(demo, lang):
    project = DEMO_PROJECTS[lang]
    risks, history = demo.frame("risks", project), demo.history(project, kind="risks")
    today = date(2026, 7, 15)
    assert len(overdue_reviews(risks, today=today)) == 3
    movers = top_movers(risks, history, since=date(2026, 5, 15))
    assert len(movers) == 5 and (movers["change"] < 0).any()
    steps = score_history(risks, history, until=today)
    assert set(steps["risk_id"]) == set(risks["id"])
    # the rebuilt last state is the stored one
    last = steps.groupby("risk_id").last()
    stored = risks.set_index("id")
    assert (last["probability"] == stored["probability"]).all()
    assert (last["impact"] == stored["impact"]).all()
    assert (last["status"] == stored["status"]).all()
