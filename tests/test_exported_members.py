import commlib


def test_public_api():
    assert sorted(commlib.__all__) == sorted(
        [
            "KINDS",
            "AccessDenied",
            "Assignment",
            "BadFile",
            "Change",
            "ChangeRequest",
            "CommlibError",
            "Conflict",
            "Contact",
            "Decision",
            "FollowUp",
            "InvalidRecord",
            "Issue",
            "Lesson",
            "Meeting",
            "Milestone",
            "NotFound",
            "NothingToShow",
            "PlanItem",
            "Problem",
            "Project",
            "Question",
            "Record",
            "Response",
            "Risk",
            "Stakeholder",
            "StatusOverride",
            "Store",
            "StoreError",
            "Survey",
            "__version__",
            "get_language",
            "language",
            "set_language",
            "t",
        ]
    )
    for name in commlib.__all__:
        assert hasattr(commlib, name), name


def test_one_base_exception():
    for name in ["BadFile", "Conflict", "InvalidRecord", "NotFound", "NothingToShow", "StoreError"]:
        assert issubclass(getattr(commlib, name), commlib.CommlibError)


def test_contacts_api():
    import commlib.contacts as contacts

    assert sorted(contacts.__all__) == sorted(
        [
            "CommunicationPlan",
            "ContactLogger",
            "FollowUpBoard",
            "StakeholderRegister",
            "cadence_chart",
            "channel_mix",
            "contact_cadence",
            "directory",
            "engagement_gap",
            "log_contact",
            "losing_touch",
            "overdue_follow_ups",
            "power_interest_chart",
            "response_summary",
            "response_time_chart",
            "response_times",
            "timeline_chart",
        ]
    )
    for name in contacts.__all__:
        assert hasattr(contacts, name), name


def test_risks_and_schedule_api():
    import commlib.risks as risks
    import commlib.schedule as schedule

    assert sorted(risks.__all__) == sorted(
        [
            "DEFAULT_MATRIX",
            "LEVELS",
            "PROBABILITY_BANDS",
            "PROBABILITY_PERCENT",
            "RiskMatrix",
            "RiskRegister",
            "expected_value",
            "exposure",
            "exposure_chart",
            "level",
            "matrix_cells",
            "overdue_reviews",
            "risk_list",
            "risk_matrix_chart",
            "score",
            "score_history",
            "score_history_chart",
            "score_risks",
            "top_movers",
        ]
    )
    assert sorted(schedule.__all__) == sorted(
        [
            "DEFAULT_PROBABILITIES",
            "ChangeDecision",
            "ScopeLists",
            "Simulation",
            "accept_milestone",
            "confirm_scope",
            "decide_change",
            "forecast",
            "forecast_chart",
            "forecast_table",
            "gantt_chart",
            "milestone_table",
            "open_changes",
            "scope_summary",
            "simulate",
        ]
    )
    for module in (risks, schedule):
        for name in module.__all__:
            assert hasattr(module, name), name


def test_surveys_api():
    import commlib.surveys as surveys

    assert sorted(surveys.__all__) == sorted(
        [
            "TEMPLATES",
            "ClientSurvey",
            "SurveyForm",
            "analyse",
            "choose_survey",
            "client_summary",
            "codebook",
            "create_survey",
            "crosstab",
            "crosstab_chart",
            "csat",
            "drivers",
            "keywords",
            "likert",
            "likert_chart",
            "means",
            "multi_chart",
            "multi_select",
            "next_wave",
            "nps",
            "nps_chart",
            "response_rate",
            "responses_frame",
            "save_responses",
            "save_survey",
            "template_questions",
            "trend_chart",
            "wave_change",
            "waves",
        ]
    )
    for name in surveys.__all__:
        assert hasattr(surveys, name), name


def test_issues_api():
    import commlib.issues as issues

    assert sorted(issues.__all__) == sorted(
        [
            "IssueLog",
            "issue_from_risk",
            "issues_by_age",
            "open_issues",
            "overdue_issues",
            "problems_and_solutions",
            "raise_from_risk",
            "time_to_resolve",
        ]
    )
    for name in issues.__all__:
        assert hasattr(issues, name), name


def test_raci_api():
    import commlib.raci as raci

    assert sorted(raci.__all__) == sorted(
        [
            "CELL_CHOICES",
            "ROLES",
            "ROLE_COLOURS",
            "Finding",
            "Findings",
            "Matrix",
            "RaciMatrix",
            "assign",
            "assign_all",
            "cell_text",
            "check",
            "check_matrix",
            "client_side",
            "parse_roles",
            "raci_cells",
            "raci_chart",
            "raci_frame",
            "read_matrix",
        ]
    )
    for name in raci.__all__:
        assert hasattr(raci, name), name


def test_meetings_api():
    import commlib.meetings as meetings

    assert meetings.__all__ == [
        "Agenda",
        "AgendaEditor",
        "AgendaItem",
        "DecisionItem",
        "FollowUpItem",
        "IssueItem",
        "MeetingMinutes",
        "Minutes",
        "Slot",
        "WorkingTime",
        "agenda",
        "closest_stretch",
        "confirm_minutes",
        "culture_brief",
        "find_slots",
        "holiday_region",
        "ics",
        "invite",
        "meeting_list",
        "minutes_email",
        "overlap_chart",
        "overlap_frame",
        "project_attendees",
        "read_minutes",
        "save_minutes",
        "slots_frame",
        "slots_table",
        "unconfirmed_minutes",
        "working_time",
        "write_invitation",
        "write_minutes_email",
    ]
    for name in meetings.__all__:
        assert getattr(meetings, name) is not None, name
    # named like their modules, and still the functions once the modules are imported
    import commlib.meetings.agenda
    import commlib.meetings.invite
    import commlib.meetings.working_time  # noqa: F401

    assert all(callable(getattr(meetings, n)) for n in ("agenda", "invite", "working_time"))
    assert not isinstance(meetings.invite, type(meetings))
