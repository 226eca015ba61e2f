"""Waves of a survey: tied to dates or milestones, with response rates, and the next label."""

import importlib
import math
from datetime import date

import pytest

from commlib import Milestone, NothingToShow, Project, Response, Survey
from commlib.surveys.templates import create_survey
from commlib.surveys.wave_store import COLUMNS, choose_survey, next_wave, waves

P = "华辰 ERP 升级"
NAME = "项目满意度"


def answer(store, survey, *respondents):
    store.add_all(
        Response(project_id=survey.project_id, survey_id=survey.id, respondent=r, answers={})
        for r in respondents
    )


def label(store, wave, name="Pulse"):
    project = store.project(P)
    return store.add(Survey(project_id=project.id, name=name, wave=wave))


def test_the_fixture_wave(filled):
    df = waves(filled, P)
    assert list(df.columns) == COLUMNS
    row = df.iloc[0].to_dict()
    assert (row["name"], row["wave"], row["milestone"]) == (NAME, "W1", "UAT 完成")
    assert row["milestone_due"] == date(2026, 5, 15)  # the current due date, not the baseline
    assert (row["invited"], row["responses"], row["response_rate"]) == (20, 1, 0.05)
    assert row["opened_on"] is None and row["closed_on"] is None


def test_waves_by_date_or_milestone_with_response_rates(filled):
    p = filled.project(P)
    go_live = filled.add(
        Milestone(
            project_id=p.id,
            name="上线",
            baseline_due=date(2026, 9, 1),
            current_due=date(2026, 9, 15),
        )
    )
    w3 = create_survey(filled, P, "project_satisfaction", wave="W3", milestone=go_live, invited=0)
    w2 = create_survey(
        filled,
        P,
        "project_satisfaction",
        wave="W2",
        opened_on=date(2026, 7, 1),
        closed_on=date(2026, 7, 8),
        invited=8,
    )
    w4 = create_survey(filled, P, "project_satisfaction", wave="W4")
    answer(filled, w2, "a", "b", "c", "d", "e", "f")
    answer(filled, w3, "a")
    other = create_survey(filled, P, "nps", wave="W1", opened_on=date(2026, 4, 1))
    answer(filled, other, "x")

    df = waves(filled, P, NAME)
    assert df["wave"].tolist() == ["W1", "W2", "W3", "W4"]  # by date; no date last
    assert df["survey_id"].tolist()[1:] == [w2.id, w3.id, w4.id]
    assert df["responses"].tolist() == [1, 6, 1, 0]
    assert df["response_rate"].iloc[1] == pytest.approx(0.75)
    assert math.isnan(df["response_rate"].iloc[2])  # nobody counted as invited
    assert math.isnan(df["response_rate"].iloc[3])
    assert df["milestone"].iloc[2] == "上线" and df["milestone_due"].iloc[2] == date(2026, 9, 15)
    assert df["opened_on"].iloc[1] == date(2026, 7, 1)
    assert df["closed_on"].iloc[1] == date(2026, 7, 8)
    assert df["milestone_due"].iloc[1] is None
    assert str(df["invited"].dtype) == "Int64" and df["invited"].isna().iloc[3]
    assert str(df["responses"].dtype) == "int64"
    assert str(df["response_rate"].dtype) == "float64"

    every = waves(filled, P)
    assert len(every) == 5
    assert set(every["name"]) == {NAME, "推荐意愿（NPS）"}


def test_waves_of_a_project_without_surveys(store):
    store.add(Project(name="Empty", client="ACME", start=date(2026, 1, 1)))
    df = waves(store, "Empty")
    assert df.empty and list(df.columns) == COLUMNS


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ([], "W1"),
        (["W1"], "W2"),
        (["W1", "W2", "W9"], "W10"),
        (["Wave 08", "Wave 09"], "Wave 10"),
        (["第1轮", "第2轮"], "第3轮"),
        (["2026-Q1"], "2026-Q2"),
        (["Kickoff", "UAT"], "W3"),
        (["W1", "Kickoff"], "W2"),
        (["W2", "W1"], "W3"),
        (["R1", "W5", "W2"], "W6"),  # the latest numbered wave sets the scheme
    ],
)
def test_next_wave_follows_the_scheme_in_use(store, labels, expected):
    store.add(Project(name=P, client="ACME", start=date(2026, 1, 1)))
    for wave in labels:
        label(store, wave)
    label(store, "W7", name="Another survey")
    assert next_wave(store, P, "Pulse") == expected


def test_next_wave_never_returns_a_label_that_is_taken(store):
    store.add(Project(name=P, client="ACME", start=date(2026, 1, 1)))
    for wave in ["W3", "X", "W1"]:
        label(store, wave)
    assert next_wave(store, P, "Pulse") == "W4"
    for wave in ["Kickoff", "W2"]:
        label(store, wave, name="Named")
    assert next_wave(store, P, "Named") == "W3"
    for wave in ["A", "W3"]:
        label(store, wave, name="Letters")
    assert next_wave(store, P, "Letters") == "W4"


def test_create_survey_with_next_wave(filled):
    for expected in ("W2", "W3"):
        wave = next_wave(filled, P, NAME)
        assert wave == expected
        create_survey(filled, P, "project_satisfaction", wave=wave)
    assert waves(filled, P, NAME)["wave"].tolist()[-2:] == ["W2", "W3"]
    assert next_wave(filled, P, "Kickoff expectations") == "W1"


def test_client_sees_only_shared_waves_and_milestones(filled):
    project = filled.project("华辰 ERP 升级")
    first = filled.records("surveys", project.id)[0]
    with pytest.raises(NothingToShow, match="shared with the client"):
        choose_survey(filled, project.name, audience="client")
    assert waves(filled, project.name, audience="client").empty
    filled.update("surveys", first.id, visibility="client")
    second = filled.add(
        Survey(project_id=project.id, name=first.name, wave="W2", milestone_id=first.milestone_id)
    )
    assert choose_survey(filled, project.name) == (first.name, [first.id, second.id])
    assert choose_survey(filled, project.name, audience="client") == (first.name, [first.id])
    shown = waves(filled, project.name, audience="client")
    assert shown["wave"].tolist() == [first.wave]
    assert shown["milestone"].isna().all()  # the fixture's milestone is internal
    assert waves(filled, project.name)["milestone"].notna().all()
    with pytest.raises(NothingToShow, match=r"no survey called “Other”.*项目满意度"):
        choose_survey(filled, project.name, "Other")


def test_a_project_without_surveys_says_how_to_get_one(store):
    store.add(Project(name="Empty", client="C", start=date(2026, 1, 1)))
    with pytest.raises(NothingToShow, match="commlib import"):
        choose_survey(store, "Empty")


def test_commlib_surveys_waves_means_only_the_function():
    import commlib.surveys as surveys

    assert surveys.waves is waves
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("commlib.surveys.waves")  # the module is wave_store
