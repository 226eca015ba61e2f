"""The session helpers (``commlib.sessions``): what changed since the last review, goals vs
outcome, lessons, surveys (hand-computed cases); and the ``commlib.review`` alias."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from commlib import (
    Conflict,
    InvalidRecord,
    Lesson,
    Milestone,
    Project,
    Question,
    Response,
    Risk,
    Stakeholder,
    Store,
    Survey,
)
from commlib.display import present, to_html
from commlib.sessions import (
    changes_since,
    expectations_summary,
    goals_vs_outcome,
    kickoff_survey,
    lessons_table,
    next_steps,
    occurred_risks,
    period_contacts,
    satisfaction_answers,
    satisfaction_chart,
    save_lessons,
    schedule_outlook,
    survey_pulse,
)

PERIOD = {"since": date(2026, 3, 17), "until": date(2026, 3, 31)}


def _changes(store: Store, project: str, **period: date):
    return changes_since(
        store.history(project),
        store.frame("risks", project),
        store.frame("milestones", project),
        store.frame("change_requests", project),
        store.frame("stakeholders", project),
        **(period or PERIOD),
    )


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 9, 0, tzinfo=UTC)


@pytest.fixture
def project(store: Store) -> Project:
    return store.add(Project(name="P", client="C", start=date(2026, 3, 1)))


def test_fill_project_in_the_last_two_weeks(filled: Store):
    changes = _changes(filled, "华辰 ERP 升级")
    # the risk was raised on 2 March and its probability rose on 15 March: before the period
    assert changes.new_risks.empty and changes.escalated_risks.empty
    assert changes.slips.to_dict("records") == [
        {
            "id": 1,
            "name": "UAT 完成",
            "from_due": date(2026, 5, 1),
            "to_due": date(2026, 5, 15),
            "days": 14,
        }
    ]
    assert changes.decisions[["title", "decision", "decided_on"]].to_dict("records") == [
        {"title": "增加报表模块", "decision": "approved", "decided_on": date(2026, 3, 25)}
    ]
    assert changes.engagement[["name", "from_engagement", "to_engagement", "direction"]].to_dict(
        "records"
    ) == [
        {
            "name": "Li Na",
            "from_engagement": "neutral",
            "to_engagement": "supportive",
            "direction": "up",
        }
    ]


def test_fill_project_over_the_whole_month(filled: Store):
    changes = _changes(filled, "华辰 ERP 升级", since=date(2026, 3, 1), until=date(2026, 3, 31))
    # created 2 March; its score as it stands now: P=4 x I=4 = 16, high
    assert changes.new_risks[["title", "created_on", "score", "level"]].to_dict("records") == [
        {"title": "关键用户离职", "created_on": date(2026, 3, 2), "score": 16, "level": "high"}
    ]
    # raised in the period: new, not escalated
    assert changes.escalated_risks.empty


def test_escalated_and_closed_risks(store: Store, project: Project):
    up = store.add(
        Risk(project_id=project.id, title="up", probability=2, impact=3, created_at=_at(2))
    )
    down = store.add(
        Risk(project_id=project.id, title="down", probability=4, impact=4, created_at=_at(2))
    )
    shut = store.add(Risk(project_id=project.id, title="shut", created_at=_at(2)))
    store.update("risks", up.id, probability=4, at=_at(20))  # 6 medium -> 12 high
    store.update("risks", down.id, impact=2, at=_at(20))  # falls: not escalated
    store.update("risks", shut.id, status="closed", at=_at(21))
    store.update("risks", up.id, impact=4, at=datetime(2026, 4, 2, tzinfo=UTC))  # after
    changes = _changes(store, "P")
    assert changes.escalated_risks.to_dict("records") == [
        {
            "id": up.id,
            "title": "up",
            "from_score": 6,
            "to_score": 12,
            "from_level": "medium",
            "to_level": "high",
            "change": 6,
        }
    ]
    assert changes.closed_risks.to_dict("records") == [
        {
            "id": shut.id,
            "title": "shut",
            "from_status": "open",
            "status": "closed",
            "on": date(2026, 3, 21),
        }
    ]


def test_slips_net_over_the_period_and_ignore_moves_earlier(store: Store, project: Project):
    a = store.add(
        Milestone(
            project_id=project.id,
            name="A",
            baseline_due=date(2026, 5, 1),
            current_due=date(2026, 5, 1),
        )
    )
    b = store.add(
        Milestone(
            project_id=project.id,
            name="B",
            baseline_due=date(2026, 6, 1),
            current_due=date(2026, 6, 1),
        )
    )
    store.update("milestones", a.id, current_due=date(2026, 5, 10), at=_at(18))
    store.update("milestones", a.id, current_due=date(2026, 5, 8), at=_at(25))
    store.update("milestones", b.id, current_due=date(2026, 5, 20), at=_at(25))
    slips = _changes(store, "P").slips
    assert slips[["name", "from_due", "to_due", "days"]].to_dict("records") == [
        {"name": "A", "from_due": date(2026, 5, 1), "to_due": date(2026, 5, 8), "days": 7}
    ]


def test_engagement_down_and_back_again(store: Store, project: Project):
    a = store.add(Stakeholder(project_id=project.id, name="A", engagement_current="supportive"))
    b = store.add(Stakeholder(project_id=project.id, name="B"))
    store.update("stakeholders", a.id, engagement_current="resistant", at=_at(18))
    store.update("stakeholders", b.id, engagement_current="leading", at=_at(18))
    store.update("stakeholders", b.id, engagement_current="neutral", at=_at(19))  # back
    moves = _changes(store, "P").engagement
    assert moves[["name", "direction"]].to_dict("records") == [{"name": "A", "direction": "down"}]


def test_period_bounds_are_whole_days(filled: Store):
    # the engagement change is at 20 March 00:00 UTC: in a period ending that day
    day = date(2026, 3, 20)
    assert len(_changes(filled, "华辰 ERP 升级", since=day, until=day).engagement) == 1
    assert _changes(filled, "华辰 ERP 升级", since=date(2026, 3, 21), until=day).engagement.empty


def test_nothing_changed_gives_empty_frames_with_columns(store: Store, project: Project):
    changes = _changes(store, "P")
    assert list(changes.slips.columns) == ["id", "name", "from_due", "to_due", "days"]
    assert changes.summary(lang="en").empty
    columns = ["What changed", "Item", "From", "To", "Change"]
    assert list(changes.summary(lang="en").columns) == columns


def test_summary_is_labelled(filled: Store):
    table = _changes(filled, "华辰 ERP 升级").summary(lang="zh")
    assert list(table.columns) == ["变化", "事项", "原为", "现为", "变动"]
    assert table["变化"].tolist() == ["里程碑延期", "变更已决", "参与度变化"]
    assert table.loc[0, "变动"] == "推迟 14 天"


def test_period_contacts_and_next_steps(filled: Store):
    contacts = filled.frame("contacts", "华辰 ERP 升级")
    assert len(period_contacts(contacts, since=date(2026, 3, 3), until=date(2026, 3, 31))) == 1
    assert next_steps(filled.frame("follow_ups", "华辰 ERP 升级"), lang="en").empty  # done


def test_goals_vs_outcome(filled: Store):
    outcome = goals_vs_outcome(
        filled.project("华辰 ERP 升级"), filled.frame("milestones", "华辰 ERP 升级"), lang="en"
    )
    assert outcome.goals["Goal"].tolist()[0] == "库存准确率 ≥ 99%"
    assert set(outcome.goals["Status"]) == {""}
    assert outcome.delivered.empty
    assert outcome.open[["Name", "Slip (days)"]].to_dict("records") == [
        {"Name": "UAT 完成", "Slip (days)": 14}
    ]


def test_occurred_risks(store: Store, project: Project):
    store.add(Risk(project_id=project.id, title="hit", probability=3, impact=5, status="occurred"))
    store.add(Risk(project_id=project.id, title="open"))
    table = occurred_risks(store.frame("risks", "P"), lang="en")
    assert table[["Title", "Score"]].to_dict("records") == [{"Title": "hit", "Score": 15}]


def test_survey_pulse_and_trend(filled: Store, store: Store, project: Project):
    pulse = survey_pulse(filled, "华辰 ERP 升级", lang="en")
    assert pulse[["Survey", "Responses", "NPS"]].to_dict("records") == [
        {"Survey": "项目满意度", "Responses": 1, "NPS": 100.0}
    ]
    assert survey_pulse(filled, "华辰 ERP 升级", audience="client").empty  # internal survey
    answers = satisfaction_answers(filled, "华辰 ERP 升级")
    assert (answers.survey, len(answers.frame)) == ("项目满意度", 1)
    assert answers.codebook.set_index("code").loc[answers.code, "type"] == "nps"
    chart = satisfaction_chart(answers, lang="en").to_dict()
    assert [row["value"] for row in _values(chart) if "value" in row] == [100.0]
    assert satisfaction_answers(filled, "华辰 ERP 升级", audience="client") is None
    assert survey_pulse(store, "P").empty and satisfaction_answers(store, "P") is None
    assert satisfaction_chart(None) is None


def test_a_client_sees_the_nps_of_the_responses_shared_with_them(store: Store, project: Project):
    # one NPS in a client report: the pulse and the trend count what the summary counts
    survey = store.add(Survey(project_id=project.id, name="Pulse", wave="W1", visibility="client"))
    store.add(
        Question(project_id=project.id, survey_id=survey.id, code="Q1", text="Recommend?",
                 type="nps", position=1)
    )  # fmt: skip
    for n, (score, seen) in enumerate([(10, "client"), (9, "client"), (0, "internal")]):
        store.add(
            Response(project_id=project.id, survey_id=survey.id, respondent=f"r{n}",
                     answers={"Q1": score}, visibility=seen)
        )  # fmt: skip
    inside = survey_pulse(store, "P", lang="en").iloc[0]
    client = survey_pulse(store, "P", audience="client", lang="en").iloc[0]
    assert (inside["Responses"], inside["NPS"]) == (3, 33.3)
    assert (client["Responses"], client["NPS"]) == (2, 100.0)
    assert len(satisfaction_answers(store, "P", audience="client").frame) == 2
    assert len(satisfaction_answers(store, "P").frame) == 3


def _values(spec: dict) -> list[dict]:
    """The rows of a chart's inline data."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_review_is_an_alias_of_sessions(filled: Store, store: Store, project: Project):
    import commlib.review as review
    import commlib.sessions as sessions

    kept = set(review.__all__) - {"satisfaction_trend"}
    assert kept < set(sessions.__all__)
    assert all(getattr(review, name) is getattr(sessions, name) for name in kept)
    assert review.satisfaction_trend(filled, "华辰 ERP 升级").to_dict()["layer"]
    assert review.satisfaction_trend(store, "P") is None


def test_kickoff_survey_is_made_once(store: Store, project: Project):
    first = kickoff_survey(store, "P", lang="en")
    assert kickoff_survey(store, "P").id == first.id
    assert len(store.records("surveys", "P")) == 1
    assert survey_pulse(store, "P").iloc[0, 2] == 0  # no responses yet: no NPS, no failure


#: what three people told the kickoff survey (Q1, Q5 open; Q2 multi; Q3 single)
ANSWERS = [
    {"Q1": "按时上线，数据迁移不出错", "Q2": ["a", "c"], "Q3": "x", "Q5": "担心数据迁移"},
    {"Q1": "按时交付，培训到位", "Q2": ["a"], "Q3": "y"},
    {"Q1": "数据准确，我的秘密想法", "Q3": "x", "Q4": 4},
]


def _expectations(store: Store, project: Project, answers: list[dict], **survey: str) -> Survey:
    found = store.add(
        Survey(project_id=project.id, name="期望", template="kickoff_expectations", **survey)
    )
    questions = [
        ("Q1", "text", []),
        ("Q2", "multi", ["a", "b", "c"]),
        ("Q3", "single", ["x", "y"]),
        ("Q4", "rating", ["1", "2", "3", "4", "5"]),
        ("Q5", "text", []),
    ]
    for i, (code, kind, options) in enumerate(questions, start=1):
        store.add(
            Question(
                project_id=project.id, survey_id=found.id, code=code, text=f"{code}?",
                type=kind, options=options, position=i,
            )
        )  # fmt: skip
    for i, given in enumerate(answers):
        store.add(
            Response(
                project_id=project.id, survey_id=found.id, respondent=f"r{i}", answers=given,
                visibility=found.visibility,
            )
        )  # fmt: skip
    return found


def _rows(summary) -> dict[tuple[str, str], dict]:
    return {(r["question"], r["item"]): r for r in summary.table.to_dict("records")}


def test_expectations_are_the_aggregate_only(store: Store, project: Project):
    _expectations(store, project, ANSWERS)
    summary = expectations_summary(store, "P", lang="zh")
    assert summary.respondents == 3 and "3 人作答" in summary.note
    rows = _rows(summary)
    assert rows[("Q2?", "a")]["count"] == 2 and rows[("Q2?", "a")]["answered"] == 2
    assert rows[("Q2?", "a")]["share"] == 1.0 and rows[("Q2?", "b")]["count"] == 0
    assert rows[("Q3?", "x")]["count"] == 2 and rows[("Q3?", "x")]["share"] == pytest.approx(2 / 3)
    assert rows[("Q4?", "4")]["count"] == 1 and rows[("Q4?", "平均分")]["mean"] == 4.0
    # open text: keywords two or more people used, never the answers
    words = {item for question, item in rows if question == "Q1?"}
    assert words == {"关键词：按时", "关键词：数据"}
    assert rows[("Q1?", "关键词：按时")]["share"] == pytest.approx(2 / 3)
    q5 = next(r for q, r in rows.items() if q[0] == "Q5?")
    assert q5["answered"] == 1 and pd.isna(q5["item"])  # one answer: how many, no word
    text = summary.table.to_string() + to_html(summary.table, "zh") + summary._repr_html_()
    for given in ANSWERS:
        for answer in given.values():
            assert not isinstance(answer, str) or len(answer) < 2 or answer not in text
    assert "秘密" not in text and "担心" not in text
    shown = present(summary.table, "zh")
    assert list(shown.columns) == ["题目", "已答复", "条目", "次数", "占比", "平均分"]
    assert "66.7%" in set(shown["占比"]) and "4.00" in set(shown["平均分"])
    assert list(present(summary.table, "en").columns)[:3] == ["Question", "Answered", "Item"]


def test_fewer_than_three_respondents_show_only_how_many(store: Store, project: Project):
    _expectations(store, project, ANSWERS[:2])
    summary = expectations_summary(store, "P", lang="en")
    assert summary.respondents == 2 and "Only 2 answered" in summary.note
    assert list(summary.table.columns) == ["question", "answered"]
    assert summary.table.set_index("question")["answered"].to_dict() == {
        "Q1?": 2, "Q2?": 2, "Q3?": 2, "Q4?": 0, "Q5?": 1
    }  # fmt: skip
    assert "按时" not in summary.table.to_string()


def test_expectations_for_the_client_only_when_shared(store: Store, project: Project):
    assert expectations_summary(store, "P").respondents is None  # no survey yet
    _expectations(store, project, ANSWERS)  # internal
    hidden = expectations_summary(store, "P", audience="client", lang="en")
    assert hidden.respondents is None and hidden.table.empty and "not shared" in hidden.note
    assert expectations_summary(store, "P").respondents == 3


def test_expectations_of_a_shared_survey(store: Store, project: Project):
    shared = _expectations(store, project, ANSWERS, visibility="client")
    store.add(
        Response(project_id=project.id, survey_id=shared.id, respondent="ours", answers={"Q3": "y"})
    )  # an internal response in a shared survey stays internal
    assert expectations_summary(store, "P").respondents == 4
    client = expectations_summary(store, "P", audience="client")
    assert client.respondents == 3 and _rows(client)[("Q3?", "y")]["count"] == 1


def test_kickoff_survey_is_shared_with_the_client(store: Store, project: Project):
    survey = kickoff_survey(store, "P", lang="zh")
    assert survey.visibility == "client"
    summary = expectations_summary(store, "P", audience="client", lang="zh")
    assert summary.respondents == 0 and "仅 0 人作答" in summary.note


def test_save_lessons(store: Store, project: Project):
    saved = save_lessons(
        store,
        "P",
        pd.DataFrame([{"title": "a", "category": "沟通"}, {"title": "b", "what_happened": "x"}]),
        today=date(2026, 4, 1),
    )
    assert [(s.title, s.recorded_on) for s in saved] == [
        ("a", date(2026, 4, 1)),
        ("b", date(2026, 4, 1)),
    ]
    table = lessons_table(store.frame("lessons", "P"), lang="en")
    assert table["Title"].tolist() == ["a", "b"]


def test_save_lessons_is_all_or_nothing(store: Store, project: Project):
    with pytest.raises(InvalidRecord):
        save_lessons(store, "P", [{"title": "fine"}, {"title": ""}], today=date(2026, 4, 1))
    with pytest.raises(InvalidRecord):
        save_lessons(store, "P", [{"title": "fine"}, {"title": "x", "nope": 1}])
    assert store.records("lessons", "P") == []
    # a failure in the store (not in validation) rolls back the rows written before it
    good = Lesson(project_id=project.id, title="kept?", recorded_on=date(2026, 4, 1))
    clash = store.add(Lesson(project_id=project.id, title="first", recorded_on=date(2026, 4, 1)))
    rows = [good.model_dump(exclude={"project_id"}), {"title": "x", "id": clash.id}]
    with pytest.raises(Conflict):
        save_lessons(store, "P", rows)
    assert [lesson.title for lesson in store.records("lessons", "P")] == ["first"]


def test_schedule_outlook_keeps_the_audience_rows(store: Store, project: Project):
    first = store.add(
        Milestone(
            project_id=project.id,
            name="internal gate",
            baseline_due=date(2026, 4, 1),
            current_due=date(2026, 4, 1),
        )
    )
    store.add(
        Milestone(
            project_id=project.id,
            name="go-live",
            baseline_due=date(2026, 5, 1),
            current_due=date(2026, 5, 1),
            depends_on=first.id,
            visibility="client",
        )
    )
    today = date(2026, 3, 15)
    assert schedule_outlook(store, "P", today=today)["name"].tolist() == [
        "internal gate",
        "go-live",
    ]
    client = schedule_outlook(store, "P", today=today, audience="client")
    assert client["name"].tolist() == ["go-live"]
