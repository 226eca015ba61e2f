import commlib


def test_public_api():
    assert sorted(commlib.__all__) == sorted(
        [
            "KINDS",
            "BadFile",
            "Change",
            "ChangeRequest",
            "CommlibError",
            "Conflict",
            "Contact",
            "Decision",
            "FollowUp",
            "InvalidRecord",
            "Lesson",
            "Milestone",
            "NotFound",
            "PlanItem",
            "Problem",
            "Project",
            "Question",
            "Record",
            "Response",
            "Risk",
            "Stakeholder",
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
    for name in ["BadFile", "Conflict", "InvalidRecord", "NotFound", "StoreError"]:
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
            "engagement_gap",
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
