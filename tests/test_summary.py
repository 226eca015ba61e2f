"""The executive summary: each rule's boundaries, overrides, audiences, presentation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from commlib import (
    ChangeRequest,
    Contact,
    Decision,
    FollowUp,
    InvalidRecord,
    Issue,
    Lesson,
    Milestone,
    PlanItem,
    Project,
    Question,
    Response,
    Risk,
    Stakeholder,
    Store,
    Survey,
)
from commlib.contacts.metrics import CADENCE_COLUMNS
from commlib.frames import typed_frame
from commlib.i18n import language
from commlib.summary import (
    AreaStatus,
    clear_override,
    communication_status,
    issues_status,
    kickoff_summary,
    overall_status,
    override_status,
    retrospective_summary,
    risks_status,
    satisfaction_status,
    schedule_status,
    scope_status,
    status_summary,
)

TODAY = date(2026, 4, 1)
PERIOD = {"since": date(2026, 3, 18), "until": date(2026, 3, 31), "today": TODAY}
START = date(2026, 3, 1)


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


# --- schedule -----------------------------------------------------------------------------


def _outlook(*rows: dict) -> pd.DataFrame:
    base = {
        "id": 1,
        "name": "UAT",
        "status": "planned",
        "current_due": date(2026, 5, 1),
        "p80": date(2026, 5, 1),
        "p_current": 0.9,
        "p80_vs_current_days": 0,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


@pytest.mark.parametrize(
    ("row", "status"),
    [
        ({"p80_vs_current_days": 15, "p80": date(2026, 5, 16)}, "red"),
        ({"p80_vs_current_days": 14, "p80": date(2026, 5, 15)}, "amber"),
        ({"p80_vs_current_days": 1}, "amber"),
        ({"p_current": 0.49}, "amber"),
        ({"p_current": 0.5}, "green"),
        ({"current_due": TODAY - timedelta(days=1)}, "red"),  # past due, not done
        ({"current_due": TODAY}, "green"),  # due today is not past due
        ({"status": "done", "current_due": date(2026, 3, 1), "p80_vs_current_days": 30}, "green"),
    ],
)
def test_schedule_boundaries(row, status):
    assert schedule_status(_outlook(row), today=TODAY)[0] == status


def test_schedule_reason_names_the_milestone_and_counts_the_others():
    late = {"p80_vs_current_days": 20, "p80": date(2026, 5, 21)}
    status, reason = schedule_status(
        _outlook(late, {**late, "id": 2, "name": "Go-live"}), today=TODAY
    )
    assert status == "red" and "UAT" in reason and "20 days" in reason and "1 more" in reason


def test_schedule_without_milestones_has_no_data():
    assert schedule_status(pd.DataFrame(), today=TODAY)[0] == "none"


# --- scope --------------------------------------------------------------------------------


def _project(**values) -> Project:
    return Project(name="P", client="C", start=START, **values)


def _changes(*rows: dict) -> pd.DataFrame:
    base = {"title": "Extra report", "decision": "pending", "schedule_impact_days": 0}
    return pd.DataFrame([{**base, "decided_by": "", **r} for r in rows])


CONFIRMED = {"scope_confirmed_by": "张伟", "scope_confirmed_on": date(2026, 3, 10)}


def test_scope_not_confirmed_turns_red_after_the_grace_period():
    empty = _changes().iloc[0:0]
    assert scope_status(_project(), empty, today=START + timedelta(days=14))[0] == "amber"
    assert scope_status(_project(), empty, today=START + timedelta(days=15))[0] == "red"
    assert scope_status(_project(**CONFIRMED), empty, today=TODAY)[0] == "green"


def test_scope_pending_changes_are_amber_and_undecided_moves_red():
    confirmed = _project(**CONFIRMED)
    assert scope_status(confirmed, _changes({}), today=TODAY)[0] == "amber"
    moved = {"decision": "approved", "schedule_impact_days": 10}
    assert scope_status(confirmed, _changes(moved), today=TODAY)[0] == "red"
    decided = {**moved, "decided_by": "张伟"}
    assert scope_status(confirmed, _changes(decided), today=TODAY)[0] == "green"
    no_move = {"decision": "approved", "schedule_impact_days": 0}
    assert scope_status(confirmed, _changes(no_move), today=TODAY)[0] == "green"


# --- risks --------------------------------------------------------------------------------


@pytest.fixture
def project(store: Store) -> Project:
    return store.add(
        Project(
            name="P",
            client="C",
            start=START,
            team=["nimbus.example"],
            visibility="client",
            **CONFIRMED,
        )
    )


def _risk(store: Store, project: Project, p: int, i: int, **values) -> Risk:
    values.setdefault("created_at", _moment(date(2026, 1, 5)))
    return store.add(
        Risk(project_id=project.id, title=f"P{p}xI{i}", probability=p, impact=i, **values)
    )


def _risks_status(store: Store, project: Project) -> tuple[str, str]:
    return risks_status(
        store.frame("risks", project), store.history(project, kind="risks"), today=TODAY
    )


def test_a_critical_risk_is_red(store, project):
    _risk(store, project, 4, 5)  # 20: critical
    assert _risks_status(store, project)[0] == "red"


def test_a_high_risk_is_amber_when_exposure_is_flat(store, project):
    _risk(store, project, 4, 4, created_at=_moment(START))  # 16: high, created weeks ago
    assert _risks_status(store, project) == ("amber", "High risk open: P4xI4")


def test_rising_exposure_with_a_high_risk_is_red(store, project):
    _risk(store, project, 4, 4, created_at=_moment(TODAY - timedelta(days=10)))
    status, reason = _risks_status(store, project)
    assert status == "red" and "0 to 16" in reason


def test_rising_exposure_without_a_high_risk_stays_green(store, project):
    _risk(store, project, 3, 3, created_at=_moment(TODAY - timedelta(days=10)))  # 9: medium
    assert _risks_status(store, project)[0] == "green"


def test_an_overdue_review_is_amber_and_one_due_today_is_not(store, project):
    risk = _risk(store, project, 2, 2, review_due=TODAY)
    assert _risks_status(store, project)[0] == "green"
    store.update("risks", risk.id, review_due=TODAY - timedelta(days=1))
    assert _risks_status(store, project)[0] == "amber"


def test_closed_risks_do_not_count_and_mitigating_ones_do(store, project):
    risk = _risk(store, project, 5, 5, status="closed")
    assert _risks_status(store, project)[0] == "green"
    store.update("risks", risk.id, status="mitigating")
    assert _risks_status(store, project)[0] == "red"


# --- issues -------------------------------------------------------------------------------


def _issues(*rows: dict) -> pd.DataFrame:
    base = {"title": "Interface down", "status": "open", "severity": 3, "target_date": TODAY}
    return pd.DataFrame([{**base, **r} for r in rows])


YESTERDAY = TODAY - timedelta(days=1)


@pytest.mark.parametrize(
    ("row", "status"),
    [
        ({"severity": 4, "target_date": YESTERDAY}, "red"),
        ({"severity": 5, "target_date": YESTERDAY, "status": "in_progress"}, "red"),
        ({"severity": 4, "target_date": TODAY}, "amber"),
        ({"severity": 3, "target_date": YESTERDAY}, "amber"),
        ({"severity": 3, "target_date": TODAY}, "green"),
        ({"severity": 3, "target_date": None}, "green"),
        ({"severity": 5, "target_date": YESTERDAY, "status": "resolved"}, "green"),
    ],
)
def test_issue_boundaries(row, status):
    assert issues_status(_issues(row), today=TODAY)[0] == status


def test_no_issues_kind_is_no_issues():
    assert issues_status(pd.DataFrame(), today=TODAY)[0] == "green"


# --- satisfaction -------------------------------------------------------------------------


def _wave(name: str, nps: float, se: float = 5.0) -> dict:
    return {"survey": "S", "wave": name, "n": 20, "nps": nps, "se": se}


@pytest.mark.parametrize(
    ("waves", "status"),
    [
        ([], "none"),
        ([_wave("W1", -1)], "red"),
        ([_wave("W1", 0)], "green"),
        ([_wave("W1", 50), _wave("W2", 20)], "red"),  # 30 > 1.96·√50 ≈ 13.9
        ([_wave("W1", 50, 10), _wave("W2", 40, 10)], "amber"),  # 10 < 27.7
        ([_wave("W1", 50), _wave("W2", 50)], "green"),
        ([_wave("W1", 10), _wave("W2", -5)], "red"),
    ],
)
def test_satisfaction_boundaries(waves, status):
    assert satisfaction_status(waves)[0] == status


def test_no_survey_says_so():
    assert satisfaction_status([]) == ("none", "No survey yet.")
    with language("zh"):
        assert satisfaction_status([])[1] == "尚无调查数据。"


# --- communication ------------------------------------------------------------------------


def _follow_ups(*overdue_days: int, visibility: str = "client") -> pd.DataFrame:
    rows = [
        {
            "id": n,
            "title": f"Send plan {n}",
            "owner": "王芳",
            "due": TODAY - timedelta(days=d),
            "status": "open",
            "contact_id": None,
            "visibility": visibility,
        }
        for n, d in enumerate(overdue_days, start=1)
    ]
    return pd.DataFrame(
        rows, columns=["id", "title", "owner", "due", "status", "contact_id", "visibility"]
    )


def _cadence(*overdue: bool) -> pd.DataFrame:
    rows = [
        {
            "stakeholder_id": n,
            "name": f"Person {n}",
            "quadrant": "manage_closely",
            "last_contact": pd.Timestamp("2026-03-01", tz="UTC"),
            "days_since": 31,
            "cadence_days": 7 if late else 60,
            "cadence_source": "quadrant",
            "overdue": late,
            "days_overdue": 24 if late else -29,
        }
        for n, late in enumerate(overdue, start=1)
    ]
    return typed_frame(rows, CADENCE_COLUMNS)


@pytest.mark.parametrize(
    ("late", "status"),
    [((), "green"), ((1,), "amber"), ((1, 2), "amber"), ((1, 2, 3), "red"), ((15,), "red")],
)
def test_overdue_follow_up_boundaries(late, status):
    assert communication_status(_follow_ups(*late), _cadence(), today=TODAY)[0] == status


def test_a_follow_up_due_today_or_internal_does_not_count():
    assert communication_status(_follow_ups(0), _cadence(), today=TODAY)[0] == "green"
    internal = _follow_ups(20, 20, 20, visibility="internal")
    assert communication_status(internal, _cadence(), today=TODAY)[0] == "green"


def test_cadence_boundaries_and_who_is_named():
    none = _follow_ups()
    status, reason = communication_status(none, _cadence(True, False), today=TODAY)
    assert status == "amber" and "Person 1" in reason
    assert communication_status(none, _cadence(True, True, False), today=TODAY)[0] == "red"
    for cadence in (_cadence(True, False), _cadence(True, True, False)):
        status, reason = communication_status(none, cadence, today=TODAY, audience="client")
        assert status in ("amber", "red") and "Person" not in reason


# --- overall ------------------------------------------------------------------------------


def _area(area: str, status: str) -> AreaStatus:
    return AreaStatus(area, status, "", status, "")


@pytest.mark.parametrize(
    ("statuses", "worst"),
    [
        (("green", "green"), "green"),
        (("green", "amber", "none"), "amber"),
        (("amber", "red", "green"), "red"),
        (("none", "none"), "none"),
        (("none", "green"), "green"),
    ],
)
def test_overall_is_the_worst(statuses, worst):
    areas = [_area(a, s) for a, s in zip(("schedule", "scope", "risks"), statuses, strict=False)]
    assert overall_status(areas)[0] == worst


def test_overall_names_the_worst_areas():
    with language("zh"):
        _, reason = overall_status([_area("scope", "red"), _area("risks", "red")])
    assert reason == "红：范围、风险"


# --- the summary from a store -------------------------------------------------------------


@pytest.fixture
def busy(store: Store, project: Project) -> Store:
    """A period with something in every list, half of it internal."""
    zhang = store.add(
        Stakeholder(project_id=project.id, name="张伟", power=5, interest=5, visibility="client")
    )
    store.add(Stakeholder(project_id=project.id, name="Wang Fang", email="wang@nimbus.example"))
    store.add(
        PlanItem(
            project_id=project.id,
            what="Weekly call",
            stakeholder_id=zhang.id,
            cadence_days=7,
            visibility="client",
        )
    )
    li = store.add(
        Stakeholder(project_id=project.id, name="Li Na", power=2, interest=2, visibility="client")
    )
    store.add(
        PlanItem(
            project_id=project.id,
            what="Monthly note",
            stakeholder_id=li.id,
            cadence_days=30,
            visibility="client",
        )
    )
    for who, day in ((zhang, date(2026, 3, 2)), (li, date(2026, 3, 20))):
        store.add(
            Contact(
                project_id=project.id,
                when=_moment(day),
                stakeholder_ids=[who.id],
                visibility="client",
            )
        )
    m = dict(project_id=project.id, visibility="client")
    uat = store.add(
        Milestone(
            **m,
            name="<script>alert(1)</script>",
            baseline_due=date(2026, 3, 25),
            current_due=date(2026, 3, 25),
            created_at=_moment(START),
        )
    )
    store.update("milestones", uat.id, status="done", at=_moment(date(2026, 3, 24)))
    store.add(
        Milestone(
            **m,
            name="Design",
            type="deliverable",
            baseline_due=date(2026, 3, 20),
            current_due=date(2026, 3, 20),
            status="done",
            accepted_by=zhang.id,
            accepted_on=date(2026, 3, 21),
        )
    )
    golive = store.add(
        Milestone(
            **m, name="Go-live", baseline_due=date(2026, 4, 10), current_due=date(2026, 4, 10)
        )
    )
    store.add(
        Milestone(
            project_id=project.id,
            name="Internal dry run",
            baseline_due=date(2026, 4, 5),
            current_due=date(2026, 4, 5),
        )
    )
    store.add(
        Milestone(**m, name="Handover", baseline_due=date(2026, 6, 1), current_due=date(2026, 6, 1))
    )
    store.add(Decision(**m, title="Phased roll-out", decided_on=date(2026, 3, 19)))
    store.add(
        Decision(project_id=project.id, title="Swap the tester", decided_on=date(2026, 3, 19))
    )
    store.add(
        ChangeRequest(
            **m,
            title="More reports",
            requested_on=date(2026, 3, 20),
            milestone_ids=[golive.id],
        )
    )
    store.add(FollowUp(**m, title="Sign the test plan", owner="张伟", due=date(2026, 4, 8)))
    store.add(FollowUp(**m, title="Book the room", owner="Wang Fang", due=date(2026, 4, 9)))
    store.add(
        FollowUp(
            project_id=project.id, title="Internal prep", owner="Wang Fang", due=date(2026, 4, 9)
        )
    )
    store.add(FollowUp(**m, title="Much later", owner="张伟", due=date(2026, 5, 30)))
    return store


def test_lists_of_the_period(busy, project):
    busy.add(  # asked for after the period: not waiting yet in this report
        ChangeRequest(project_id=project.id, title="Later ask", requested_on=date(2026, 4, 2))
    )
    s = status_summary(busy, "P", **PERIOD)
    titles = [i.title for i in s.accomplishments]
    assert titles == ["Phased roll-out", "Swap the tester", "Design", "<script>alert(1)</script>"]
    assert [i.title for i in s.next_period] == [
        "Internal dry run",
        "Sign the test plan",
        "Book the room",
        "Internal prep",
        "Go-live",
    ]
    # waiting on the client: the pending change and the follow-ups a client stakeholder owns
    assert [(i.title, i.on) for i in s.decisions_needed] == [
        ("Sign the test plan", date(2026, 4, 8)),
        ("More reports", date(2026, 4, 10)),
        ("Much later", date(2026, 5, 30)),
    ]
    assert "张伟" in s.decisions_needed[0].note


def test_decisions_pending_on_the_client_are_needed_from_them(busy, project):
    busy.add_all(
        [
            Decision(
                project_id=project.id,
                title="Pick the go-live weekend",
                status="pending",
                decider="client",
                needed_by=date(2026, 4, 9),
            ),
            Decision(project_id=project.id, title="Our rota", status="pending", decider="team"),
            Decision(
                project_id=project.id, title="No date yet", status="pending", decider="client"
            ),
        ]
    )
    s = status_summary(busy, "P", **PERIOD, lang="en")
    needed = [(i.title, i.on, i.note) for i in s.decisions_needed]
    assert (
        "Pick the go-live weekend",
        date(2026, 4, 9),
        "your decision, needed by 2026-04-09",
    ) in needed
    assert needed[-1] == ("No date yet", None, "your decision")  # undated: last
    assert "Our rota" not in [i.title for i in s.decisions_needed + s.accomplishments]


def test_client_audience_hides_internal_records(busy):
    s = status_summary(busy, "P", **PERIOD, audience="client")
    everything = s.text() + s._repr_html_()
    for hidden in ("Swap the tester", "Internal dry run", "Internal prep"):
        assert hidden not in everything
    assert "Phased roll-out" in everything and "Sign the test plan" in everything


def test_communication_names_nobody_for_a_client(busy):
    internal = status_summary(busy, "P", **PERIOD)
    assert internal.area("communication").status == "amber"
    assert "张伟" in internal.area("communication").reason  # not contacted for 30 days
    client = status_summary(busy, "P", **PERIOD, audience="client")
    assert client.area("communication").status == "amber"
    shown = client.area("communication").reason
    assert shown and all(name not in shown for name in ("张伟", "Li Na", "Wang"))


def test_html_escapes_user_text_and_labels_the_chips(busy):
    page = status_summary(busy, "P", **PERIOD)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<table" not in page and page.count("<ul") == 3
    for label in ("Overall", "Schedule", "Scope", "Risks", "Issues", "Satisfaction"):
        assert f"<strong>{label}</strong>" in page
    assert "Amber</span>" in page  # each chip says its status in words


def test_empty_lists_say_so_in_both_languages(store, project):
    s = status_summary(store, "P", **PERIOD)
    page, text = s._repr_html_(), s.text()
    assert "<ul" not in page
    for sentence in (
        "Nothing was completed in this period.",
        "Nothing is due in the next period.",
        "No decisions are waiting on you.",
    ):
        assert sentence in page and sentence in text
    zh = status_summary(store, "P", **PERIOD, lang="zh")
    assert "需要您决定" in zh.text() and "目前没有需要您决定的事项。" in zh._repr_html_()
    assert zh.area("schedule").reason == "尚无里程碑。"


def test_an_empty_project_is_green_or_no_data(store, project):
    frame = status_summary(store, "P", **PERIOD).to_frame()
    assert dict(zip(frame["area"], frame["status"], strict=True)) == {
        "overall": "green",
        "schedule": "none",
        "scope": "green",
        "risks": "green",
        "issues": "green",
        "satisfaction": "none",
        "communication": "green",
    }


def test_text_is_plain(busy):
    text = status_summary(busy, "P", **PERIOD, lang="zh").text()
    assert text.startswith("执行摘要 · P · 2026-03-18 – 2026-03-31\n")
    assert "<" not in text.replace("<script>alert(1)</script>", "")
    assert "- Design — 客户已于 2026-03-21 验收" in text


def test_issues_from_the_store(store, project):
    store.add(
        Issue(
            project_id=project.id,
            title="Interface down",
            raised_on=date(2026, 3, 20),
            severity=4,
            target_date=YESTERDAY,
            visibility="internal",
        )
    )
    assert status_summary(store, "P", **PERIOD).area("issues").status == "red"
    assert status_summary(store, "P", **PERIOD, audience="client").area("issues").status == "green"


# --- overrides ----------------------------------------------------------------------------


def test_an_override_replaces_the_computed_status_and_the_history_keeps_it(store, project):
    assert status_summary(store, "P", **PERIOD).area("scope").status == "green"
    override_status(store, "P", "scope", "amber", "Client board to re-approve", today=TODAY)
    s = status_summary(store, "P", **PERIOD)
    scope = s.area("scope")
    assert (scope.status, scope.reason, scope.overridden) == (
        "amber",
        "Client board to re-approve",
        True,
    )
    assert scope.computed == "green"
    assert s.overall.status == "amber"  # the overall follows the override
    page = s._repr_html_()
    assert "override" in page and "Computed by the rules" in page
    client = status_summary(store, "P", **PERIOD, audience="client")
    assert client.area("scope").reason == "Client board to re-approve"
    assert "Computed by the rules" not in client._repr_html_() + client.text()
    assert (client.to_frame()["computed"] == "").all()

    override_status(store, "P", "scope", "red", "Board said no", today=TODAY)
    assert len(store.records("status_overrides", project.id)) == 1  # updated, not added
    history = store.history(project, kind="status_overrides")
    statuses = history[history["field"] == "status"][["old", "new"]].values.tolist()
    assert statuses == [["amber", "red"]]
    assert status_summary(store, "P", **PERIOD).area("scope").status == "red"


def test_clear_override_shows_the_computed_status_again(store, project):
    override_status(store, "P", "overall", "red", "Sponsor left", today=TODAY)
    assert status_summary(store, "P", **PERIOD).overall.status == "red"
    clear_override(store, "P", "overall")
    s = status_summary(store, "P", **PERIOD)
    assert s.overall.status == "green" and not s.overall.overridden
    override_status(store, "P", "overall", "amber", "Watch", today=TODAY)
    assert status_summary(store, "P", **PERIOD).overall.status == "amber"


def test_an_internal_override_is_not_shown_to_the_client(store, project):
    override_status(store, "P", "risks", "red", "Gut feeling", visibility="internal")
    assert status_summary(store, "P", **PERIOD).area("risks").status == "red"
    client = status_summary(store, "P", **PERIOD, audience="client")
    assert client.area("risks").status == "green" and "Gut feeling" not in client.text()


def test_override_checks_area_and_status(store, project):
    with pytest.raises(InvalidRecord):
        override_status(store, "P", "budget", "red", "x")
    with pytest.raises(InvalidRecord):
        override_status(store, "P", "scope", "purple", "x")


# --- kickoff and retrospective ------------------------------------------------------------


def test_kickoff_summary(busy, project):
    busy.add(Risk(project_id=project.id, title="<b>x</b>", probability=4, impact=5))
    busy.add(Risk(project_id=project.id, title="y", probability=1, impact=1, visibility="client"))
    internal = kickoff_summary(busy, "P", audience="internal", lang="en")
    facts = dict(internal.facts)
    assert facts["Scope"] == "confirmed by the client on 2026-03-10"
    assert facts["Stakeholders"] == "3, of whom 1 key (high power)"
    assert facts["Milestones"] == "5; the first: Design, due 2026-03-20"
    assert facts["Initial risks"] == "2 open (Critical 1, Low 1)"
    assert "Weekly call — 张伟, by" in internal.text()
    client = kickoff_summary(busy, "P", audience="client", lang="zh")
    assert dict(client.facts)["初始风险"].startswith("1 项未关闭")
    assert "尚未记录目标。" in client._repr_html_()
    assert "&lt;b&gt;" not in client._repr_html_()  # internal risk not named at all


def test_retrospective_summary(busy, project):
    busy.add(Lesson(project_id=project.id, title="Confirm early", recorded_on=TODAY))
    busy.update("milestones", 3, current_due=date(2026, 4, 20))
    r = retrospective_summary(busy, "P", audience="client", lang="en")
    facts = dict(r.facts)
    assert facts["Milestones"] == "2 of 4 delivered"
    assert facts["Slip"] == "1 late, by up to 10 days (10 days in all)"
    assert facts["Final satisfaction"] == "No survey yet."
    assert facts["Lessons learned"] == "0 recorded"  # the lesson is internal
    assert retrospective_summary(busy, "P", lang="en").to_frame()["value"].iloc[-1] == "1 recorded"
    page = r._repr_html_()
    assert "&lt;script&gt;" in page and "Go-live — Planned" in page


# --- satisfaction and issues from a store -------------------------------------------------


def _survey_wave(store, project, wave, opened, scores, *, visibility="client"):
    survey = store.add(
        Survey(
            project_id=project.id,
            name="Satisfaction",
            wave=wave,
            opened_on=opened,
            visibility="client",
        )
    )
    store.add(
        Question(
            project_id=project.id,
            survey_id=survey.id,
            code="Q1",
            type="nps",
            options=[str(i) for i in range(11)],
            visibility="client",
        )
    )
    store.add_all(
        Response(
            project_id=project.id,
            survey_id=survey.id,
            respondent=f"{wave}-{n}",
            answers={"Q1": score},
            visibility=visibility,
        )
        for n, score in enumerate(scores)
    )
    return survey


def test_satisfaction_compares_the_last_two_waves(store, project):
    _survey_wave(store, project, "W1", date(2026, 3, 1), [10] * 10)
    _survey_wave(store, project, "W2", date(2026, 3, 25), [10] * 16 + [5] * 4)
    s = status_summary(store, "P", **PERIOD)
    # 100 -> 60 with 20 answers: 40 > 1.96·SE of the difference (1.96 · 17.9 ≈ 35)
    assert s.area("satisfaction").status == "red"
    assert s.area("satisfaction").reason == (
        "NPS fell from 100 (W1) to 60 (W2), a significant drop"
    )
    # with 10 answers the same drop is within the noise (1.96 · 25.3 ≈ 50): amber
    _survey_wave(store, project, "W3", date(2026, 3, 26), [10] * 8 + [5] * 2)
    _survey_wave(store, project, "W4", date(2026, 3, 27), [10] * 10)
    _survey_wave(store, project, "W5", date(2026, 3, 28), [10] * 8 + [5] * 2)
    assert status_summary(store, "P", **PERIOD).area("satisfaction").status == "amber"
    # a wave opened after the period does not count yet
    later = {**PERIOD, "until": date(2026, 3, 20), "since": date(2026, 3, 6)}
    assert status_summary(store, "P", **later).area("satisfaction").reason == "NPS 100 in W1"


def test_a_client_satisfaction_counts_shared_responses_only(store, project):
    _survey_wave(store, project, "W1", date(2026, 3, 1), [10] * 10)
    _survey_wave(store, project, "W2", date(2026, 3, 25), [10] * 9)
    _survey_wave(store, project, "W2b", date(2026, 3, 26), [0] * 5, visibility="internal")
    client = status_summary(store, "P", **PERIOD, audience="client")
    assert client.area("satisfaction").status == "green"
    assert client.area("satisfaction").reason == "NPS 100 (W2); 100 in W1"
    assert status_summary(store, "P", **PERIOD).area("satisfaction").status == "red"


def test_resolved_issues_are_accomplishments(store, project):
    store.add(
        Issue(
            project_id=project.id,
            title="Login fails",
            raised_on=date(2026, 3, 10),
            status="resolved",
            resolved_on=date(2026, 3, 30),
            visibility="client",
        )
    )
    items = status_summary(store, "P", **PERIOD, lang="zh").accomplishments
    assert [(i.kind, i.title, i.note) for i in items] == [
        ("issue", "Login fails", "已于 2026-03-30 解决")
    ]
    retro = retrospective_summary(store, "P", audience="client", lang="en")
    assert dict(retro.facts)["Issues"] == "1 of 1 resolved"
