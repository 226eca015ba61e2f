from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commlib import (
    KINDS,
    ChangeRequest,
    Contact,
    InvalidRecord,
    Issue,
    Milestone,
    PlanItem,
    Project,
    Risk,
    Stakeholder,
    StatusOverride,
    language,
)
from commlib._validation import validate
from commlib.models import quadrant_of, to_text


def problems(model, **data):
    with pytest.raises(InvalidRecord) as info:
        validate(model, data)
    return {p.field: p for p in info.value.problems}


def test_scales_are_one_to_five():
    found = problems(Risk, project_id=1, title="x", probability=7, impact=0)
    assert found["probability"].message == "must be at most 5"
    assert found["impact"].message == "must be at least 1"
    assert found["probability"].value == 7


def test_impossible_date_is_refused_with_the_format():
    found = problems(Risk, project_id=1, title="x", review_due="2026-02-30")
    assert "not a real date" in found["review_due"].message
    assert "YYYY-MM-DD" in found["review_due"].message


def test_enumerations_list_what_is_allowed():
    found = problems(Contact, project_id=1, when="2026-03-01T10:00", channel="fax")
    assert "meeting" in found["channel"].message and "email" in found["channel"].message


def test_messages_follow_the_language():
    with language("zh"):
        found = problems(Risk, project_id=1, title="x", probability=9)
    assert found["probability"].message == "不能大于 5"


def test_chinese_text_is_first_class():
    s = Stakeholder(
        project_id=1,
        name="欧阳娜娜",
        organisation="上海华辰智能制造有限公司",
        role="首席信息官",
        timezone="Asia/Shanghai",
    )
    assert s.name == "欧阳娜娜"


def test_every_record_is_internal_unless_marked_client():
    for model in KINDS.values():
        assert model.model_fields["visibility"].default == "internal"
    assert {"email", "phone", "notes"} <= Stakeholder.internal_fields


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-address"), ("timezone", "Mars/Olympus"), ("phone", "call me maybe")],
)
def test_stakeholder_contact_details_are_checked(field, value):
    found = problems(Stakeholder, project_id=1, name="A", **{field: value})
    assert field in found


def test_team_addresses_are_addresses_or_domains():
    Project(name="P", client="C", start=date(2026, 1, 1), team=["firm.com", "a@firm.com"])
    found = problems(Project, name="P", client="C", start="2026-01-01", team=["firm"])
    assert "team.0" in found


def test_project_end_not_before_start():
    found = problems(Project, name="P", client="C", start="2026-05-01", end="2026-04-01")
    assert "before" in next(iter(found.values())).message


def test_empty_names_and_nul_characters_are_refused():
    found = problems(Risk, project_id=1, title="   ")
    assert found["title"].message == "must not be empty"
    found = problems(Risk, project_id=1, title="a\x00b")
    assert "NUL" in found["title"].message


def test_sentiment_range_and_unique_stakeholders():
    found = problems(Contact, project_id=1, when="2026-03-01T10:00", sentiment=3)
    assert "sentiment" in found
    with pytest.raises(InvalidRecord):
        validate(Contact, dict(project_id=1, when="2026-03-01T10:00", stakeholder_ids=[2, 2]))


def test_moments_are_kept_in_utc():
    beijing = timezone(timedelta(hours=8))
    c = Contact(project_id=1, when=datetime(2026, 3, 1, 9, 30, tzinfo=beijing))
    assert c.when == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    assert c.when.tzinfo == UTC


def test_acceptance_and_decisions_need_their_dates():
    with pytest.raises(InvalidRecord):
        validate(
            Milestone,
            dict(
                project_id=1,
                name="M",
                baseline_due="2026-01-01",
                current_due="2026-01-01",
                accepted_by=3,
            ),
        )
    with pytest.raises(InvalidRecord):
        validate(
            ChangeRequest,
            dict(project_id=1, title="CR", requested_on="2026-01-01", decision="approved"),
        )


def test_unknown_fields_are_refused():
    found = problems(Risk, project_id=1, title="x", probabilty=3)
    assert found["probabilty"].message == "not a field of this kind of record"


def test_risk_score_is_probability_times_impact():
    assert Risk(project_id=1, title="x", probability=4, impact=3).score == 12


def test_validation_on_assignment():
    r = Risk(project_id=1, title="x")
    with pytest.raises(ValueError):
        r.probability = 6


@given(
    st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.dates(), st.lists(st.text()))
)
def test_text_form_is_stable(value):
    assert to_text(value) == to_text(value)
    assert isinstance(to_text(value), str)


_PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))


@given(st.text(_PRINTABLE, min_size=1, max_size=200).filter(str.strip))
def test_any_unicode_title_is_accepted(title):
    assert Risk(project_id=1, title=title).title == title.strip()


@pytest.mark.parametrize("bad", ["a\x07b", "two\nlines", "tab\there"])
def test_names_are_one_line_of_printable_text(bad):
    assert "title" in problems(Risk, project_id=1, title=bad)


def test_longer_text_keeps_line_breaks():
    assert Risk(project_id=1, title="x", trigger="a\nb\tc").trigger == "a\nb\tc"


def test_plan_items_have_one_audience_and_a_cadence():
    assert (
        PlanItem(project_id=1, what="周报", quadrant="monitor", cadence_days="每周").cadence_days
        == 7
    )
    assert (
        PlanItem(project_id=1, what="x", stakeholder_id=2, cadence_days="monthly").cadence_days
        == 30
    )
    assert "audience" in problems(PlanItem, project_id=1, what="x")["stakeholder_id"].message
    with pytest.raises(InvalidRecord):
        PlanItem(project_id=1, what="x", stakeholder_id=2, quadrant="monitor")
    assert "cadence_days" in problems(
        PlanItem, project_id=1, what="x", quadrant="monitor", cadence_days="sometimes"
    )


@pytest.mark.parametrize(
    ("power", "interest", "box"),
    [
        (5, 5, "manage_closely"),
        (4, 2, "keep_satisfied"),
        (2, 4, "keep_informed"),
        (3, 3, "monitor"),
        (1, 1, "monitor"),
    ],
)
def test_power_interest_quadrants(power, interest, box):
    assert quadrant_of(power, interest) == box


def test_three_point_estimates_and_dependencies():
    ok = Milestone(
        project_id=1,
        name="M",
        baseline_due=date(2026, 5, 1),
        current_due=date(2026, 5, 1),
        duration_optimistic=10,
        duration_likely=14,
        duration_pessimistic=30,
        depends_on=2,
    )
    assert ok.duration_likely == 14
    found = problems(
        Milestone,
        project_id=1,
        name="M",
        baseline_due="2026-05-01",
        current_due="2026-05-01",
        duration_optimistic=20,
        duration_likely=14,
        duration_pessimistic=30,
    )
    assert "optimistic" in found["duration_likely"].message
    found = problems(
        Milestone,
        project_id=1,
        name="M",
        baseline_due="2026-05-01",
        current_due="2026-05-01",
        duration_likely=14,
    )
    assert "duration_likely" in found


def test_scope_confirmation_needs_who_and_when():
    found = problems(Project, name="P", client="C", start="2026-01-01", scope_confirmed_by="张伟")
    assert "scope_confirmed_on" in found
    p = Project(
        name="P",
        client="C",
        start=date(2026, 1, 1),
        scope_confirmed_by="张伟",
        scope_confirmed_on=date(2026, 1, 8),
        scope_confirmed_channel="meeting",
    )
    assert p.scope_confirmed_channel == "meeting"


def test_risk_events_for_the_forecast():
    r = Risk(project_id=1, title="x", schedule_impact_days=10, milestone_id=3)
    assert (r.schedule_impact_days, r.milestone_id) == (10, 3)
    assert "schedule_impact_days" in problems(
        Risk, project_id=1, title="x", schedule_impact_days=-1
    )


def test_answers_are_clean_text_or_numbers():
    from commlib import Response

    ok = Response(project_id=1, survey_id=1, respondent="r", answers={"Q1": 9, "Q2": ["a", "b"]})
    assert ok.answers == {"Q1": 9, "Q2": ["a", "b"]}
    with pytest.raises(InvalidRecord):
        Response(project_id=1, survey_id=1, respondent="r", answers={"Q3": "bad\x00text"})


def test_issues_need_a_title_and_dates_in_order():
    issue = Issue(project_id=1, title="接口延误", raised_on=date(2026, 3, 1))
    assert (issue.status, issue.impact, issue.severity, issue.visibility) == (
        "open",
        "schedule",
        3,
        "internal",
    )
    assert set(Issue.references) == {"raised_by", "risk_id", "milestone_id"}
    assert Issue.tracked == ("status", "severity", "owner", "target_date", "solution")
    found = problems(Issue, project_id=1, title=" ", raised_on="2026-03-01", severity=6)
    assert set(found) == {"title", "severity"}
    found = problems(
        Issue, project_id=1, title="x", raised_on="2026-03-01", target_date="2026-02-01"
    )
    assert set(found) == {"target_date"}
    found = problems(Issue, project_id=1, title="x", raised_on="2026-03-01", impact="money")
    assert "schedule" in found["impact"].message


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_resolved_issues_need_the_date_they_were_resolved(status):
    found = problems(Issue, project_id=1, title="x", raised_on="2026-03-01", status=status)
    assert found["resolved_on"].message == (
        "a resolved or closed issue needs the date it was resolved"
    )
    with language("zh"):
        found = problems(Issue, project_id=1, title="x", raised_on="2026-03-01", status=status)
        assert found["resolved_on"].message == "已解决或已关闭的问题须填写解决日期"
    found = problems(
        Issue,
        project_id=1,
        title="x",
        raised_on="2026-03-01",
        status=status,
        resolved_on="2026-02-28",
    )
    assert set(found) == {"resolved_on"}
    done = Issue(
        project_id=1, title="x", raised_on="2026-03-01", status=status, resolved_on="2026-03-04"
    )
    assert done.resolved_on == date(2026, 3, 4)


def test_status_overrides_need_a_reason():
    override = StatusOverride(
        project_id=1, area="schedule", status="amber", reason=" 延期两周 ", set_on="2026-03-26"
    )
    assert override.active is True and override.reason == "延期两周"
    assert StatusOverride.tracked == ("status", "reason", "active")
    found = problems(
        StatusOverride, project_id=1, area="budget", status="blue", reason="  ", set_on="2026-03-26"
    )
    assert set(found) == {"area", "status", "reason"}
    assert "satisfaction" in found["area"].message and "amber" in found["status"].message
    assert list(KINDS)[-4:] == ["issues", "status_overrides", "meetings", "raci"]
