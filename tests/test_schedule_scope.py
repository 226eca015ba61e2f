"""Scope and its confirmation; change requests and what deciding them does to milestones."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from commlib import (
    ChangeRequest,
    Conflict,
    InvalidRecord,
    Milestone,
    Project,
    Stakeholder,
    Store,
    language,
)
from commlib.schedule import confirm_scope, decide_change, open_changes, scope_summary

DECIDED = date(2026, 4, 2)
NOON = pd.Timestamp(datetime(2026, 4, 2, 12, tzinfo=UTC))


@pytest.fixture
def plan(store: Store) -> dict:
    """A project with a chain design -> uat -> training -> golive and some change requests."""
    p = store.add(
        Project(
            name="ERP",
            client="ACME",
            start=date(2026, 3, 2),
            goals=["Go live at plant 1", "Real-time reports"],
            in_scope=["Planning", "Quality", "Data migration"],
            out_of_scope=["WMS"],
        )
    )
    zhang = store.add(Stakeholder(project_id=p.id, name="张伟"))

    def milestone(name: str, due: date, after: Milestone | None = None, **extra) -> Milestone:
        return store.add(
            Milestone(
                project_id=p.id,
                name=name,
                baseline_due=due,
                current_due=due,
                depends_on=after.id if after else None,
                **extra,
            )
        )

    design = milestone("Design", date(2026, 3, 20), status="done")
    uat = milestone("UAT", date(2026, 5, 1), design)
    training = milestone("Training", date(2026, 5, 20), uat)
    golive = milestone("Go-live", date(2026, 6, 1), training)

    def change(title: str, requested: date, days: int, targets: list[Milestone], **extra):
        return store.add(
            ChangeRequest(
                project_id=p.id,
                title=title,
                requested_by=zhang.id,
                requested_on=requested,
                schedule_impact_days=days,
                milestone_ids=[m.id for m in targets],
                **extra,
            )
        )

    report = change("Batch report", date(2026, 3, 25), 14, [uat])
    mobile = change("Mobile approvals", date(2026, 3, 10), 10, [golive])
    parked = change(
        "Yard interface",
        date(2026, 3, 5),
        30,
        [golive],
        decision="deferred",
        decided_by="张伟",
        decided_on=date(2026, 3, 15),
    )
    both = change("Rework", date(2026, 3, 28), 5, [design, training])
    return {
        "project": p,
        "zhang": zhang,
        "design": design,
        "uat": uat,
        "training": training,
        "golive": golive,
        "report": report,
        "mobile": mobile,
        "parked": parked,
        "both": both,
    }


def due(store: Store, m: Milestone) -> tuple[date, date]:
    found = store.get("milestones", m.id)
    return found.baseline_due, found.current_due


# --- scope ------------------------------------------------------------------------------


def test_scope_summary_lists_items_by_section(store, plan):
    summary = scope_summary(store.project("ERP"), lang="en")
    items = summary.items
    assert list(items.columns) == ["section", "section_label", "position", "item"]
    assert list(items["section"]) == ["goals"] * 2 + ["in_scope"] * 3 + ["out_of_scope"]
    assert list(items["position"]) == [1, 2, 1, 2, 3, 1]
    assert items.iloc[-1]["item"] == "WMS"
    assert items.iloc[-1]["section_label"] == "Out of scope"
    assert not summary.confirmed and summary.by is None and summary.on is None
    assert summary.status == "The client has not confirmed the scope yet"
    assert scope_summary(store.project("ERP"), lang="zh").status == "客户尚未确认范围"


def test_confirm_scope_records_who_when_and_how(store, plan):
    project = confirm_scope(store, "ERP", by="张伟", on=date(2026, 3, 9), channel="meeting")
    assert project.scope_confirmed_by == "张伟"
    assert project.scope_confirmed_on == date(2026, 3, 9)
    assert project.scope_confirmed_channel == "meeting"
    assert project.updated_at == datetime(2026, 3, 9, 12, tzinfo=UTC)
    assert store.project("ERP") == project
    summary = scope_summary(project, lang="en")
    assert summary.confirmed and summary.channel == "meeting"
    assert summary.status == "Scope confirmed by 张伟 on 2026-03-09 (Meeting)"
    with language("zh"):
        assert scope_summary(project).status == "范围已由张伟于 2026-03-09 确认（会议）"
    again = confirm_scope(store, project, by="李娜", on=date(2026, 4, 1), channel="email")
    assert (again.scope_confirmed_by, again.scope_confirmed_channel) == ("李娜", "email")


def test_confirmation_without_a_channel(store, plan):
    project = store.update(
        "projects",
        plan["project"].id,
        scope_confirmed_by="张伟",
        scope_confirmed_on=date(2026, 3, 9),
    )
    assert scope_summary(project, lang="en").status == "Scope confirmed by 张伟 on 2026-03-09"


def test_confirm_scope_checks_the_channel(store, plan):
    with pytest.raises(InvalidRecord, match="scope_confirmed_channel"):
        confirm_scope(store, "ERP", by="张伟", on=date(2026, 3, 9), channel="fax")
    assert not store.project("ERP").scope_confirmed_by


# --- open change requests ---------------------------------------------------------------


def test_open_changes_are_the_pending_ones_oldest_first(store, plan):
    frame = store.frame("change_requests")
    found = open_changes(frame)
    assert list(found["title"]) == ["Mobile approvals", "Batch report", "Rework"]
    assert "waiting_days" not in found
    waiting = open_changes(frame, today=date(2026, 3, 30))
    assert list(waiting["waiting_days"]) == [20, 5, 2]
    parked = open_changes(frame, include_deferred=True)
    assert list(parked["title"]) == ["Yard interface", "Mobile approvals", "Batch report", "Rework"]
    assert open_changes(frame.iloc[:0]).empty


# --- deciding ---------------------------------------------------------------------------


def test_an_approved_change_moves_the_current_date_and_keeps_the_baseline(store, plan):
    result = decide_change(store, plan["report"].id, "approved", "张伟", DECIDED)
    assert result.change.decision == "approved"
    assert (result.change.decided_by, result.change.decided_on) == ("张伟", DECIDED)
    assert due(store, plan["uat"]) == (date(2026, 5, 1), date(2026, 5, 15))  # +14 days
    assert [m.id for m in result.moved] == [plan["uat"].id]
    assert result.moved[0].current_due == date(2026, 5, 15)
    # only the named milestone moves: what follows is the forecast's business
    assert due(store, plan["training"]) == (date(2026, 5, 20), date(2026, 5, 20))
    history = store.history()
    moves = history[history["record_kind"] == "milestones"]
    assert list(moves["record_id"]) == [plan["uat"].id]
    assert list(moves["field"]) == ["current_due"]
    assert (moves["old"].iloc[0], moves["new"].iloc[0]) == ("2026-05-01", "2026-05-15")
    decision = history[history["record_kind"] == "change_requests"]
    assert list(decision["field"]) == ["decision"]
    assert (decision["old"].iloc[0], decision["new"].iloc[0]) == ("pending", "approved")
    assert (pd.to_datetime(history["changed_at"], utc=True) == NOON).all()


def test_a_rejected_change_moves_nothing(store, plan):
    before = store.frame("milestones")
    result = decide_change(store, plan["report"], "rejected", "张伟", DECIDED)
    assert result.change.decision == "rejected" and result.moved == ()
    pd.testing.assert_frame_equal(store.frame("milestones"), before)
    history = store.history()
    assert list(history["record_kind"]) == ["change_requests"]
    assert list(history["new"]) == ["rejected"]


def test_a_deferred_change_moves_nothing(store, plan):
    result = decide_change(store, plan["mobile"].id, "deferred", "张伟", DECIDED)
    assert result.change.decision == "deferred" and result.moved == ()
    assert due(store, plan["golive"]) == (date(2026, 6, 1), date(2026, 6, 1))


def test_deciding_twice_is_refused(store, plan):
    decide_change(store, plan["report"].id, "approved", "张伟", DECIDED)
    with pytest.raises(
        Conflict, match=r"Batch report.*not pending.*Approved by 张伟 on 2026-04-02"
    ):
        decide_change(store, plan["report"].id, "approved", "张伟", date(2026, 4, 3))
    assert due(store, plan["uat"])[1] == date(2026, 5, 15)  # moved once, not twice
    assert len(store.history()) == 2


def test_a_change_that_is_not_pending_cannot_be_decided(store, plan):
    with pytest.raises(Conflict, match=r"Yard interface.*Deferred"):
        decide_change(store, plan["parked"].id, "approved", "张伟", DECIDED)
    assert due(store, plan["golive"])[1] == date(2026, 6, 1)
    assert store.history().empty


@pytest.mark.parametrize("decision", ["pending", "maybe", "Approved"])
def test_only_real_decisions_are_taken(store, plan, decision):
    with pytest.raises(InvalidRecord, match="approved, rejected, deferred"):
        decide_change(store, plan["report"].id, decision, "张伟", DECIDED)
    assert store.get("change_requests", plan["report"].id).decision == "pending"


def test_a_decision_before_the_request_is_refused(store, plan):
    with pytest.raises(InvalidRecord, match="decided_on"):
        decide_change(store, plan["report"].id, "approved", "张伟", date(2026, 3, 1))
    assert due(store, plan["uat"])[1] == date(2026, 5, 1)
    assert store.get("change_requests", plan["report"].id).decision == "pending"


def test_everything_is_one_transaction(store, plan, monkeypatch):
    """A failure while moving a milestone leaves the change pending and every date as it was."""
    real = store.update

    def failing(kind, *args, **kwargs):
        if kind == "milestones":
            raise RuntimeError("disk full")
        return real(kind, *args, **kwargs)

    monkeypatch.setattr(store, "update", failing)
    with pytest.raises(RuntimeError):
        decide_change(store, plan["report"].id, "approved", "张伟", DECIDED)
    monkeypatch.undo()
    assert store.get("change_requests", plan["report"].id).decision == "pending"
    assert due(store, plan["uat"])[1] == date(2026, 5, 1)
    assert store.history().empty


def test_done_milestones_are_not_moved(store, plan):
    result = decide_change(store, plan["both"].id, "approved", "张伟", DECIDED)
    assert [m.id for m in result.moved] == [plan["training"].id]
    assert [m.id for m in result.skipped] == [plan["design"].id]
    assert due(store, plan["design"]) == (date(2026, 3, 20), date(2026, 3, 20))
    assert due(store, plan["training"]) == (date(2026, 5, 20), date(2026, 5, 25))


def test_cascade_moves_everything_that_depends_on_the_change(store, plan):
    result = decide_change(store, plan["report"].id, "approved", "张伟", DECIDED, cascade=True)
    assert [m.name for m in result.moved] == ["UAT", "Training", "Go-live"]
    assert due(store, plan["uat"]) == (date(2026, 5, 1), date(2026, 5, 15))
    assert due(store, plan["training"]) == (date(2026, 5, 20), date(2026, 6, 3))
    assert due(store, plan["golive"]) == (date(2026, 6, 1), date(2026, 6, 15))
    moves = store.history(kind="milestones")
    assert len(moves) == 3 and (pd.to_datetime(moves["changed_at"], utc=True) == NOON).all()


def test_cascade_moves_each_milestone_once(store, plan):
    # the change names training and golive; golive also follows training: it moves once
    change = store.add(
        ChangeRequest(
            project_id=plan["project"].id,
            title="Both ends",
            requested_on=date(2026, 3, 30),
            schedule_impact_days=7,
            milestone_ids=[plan["training"].id, plan["golive"].id],
        )
    )
    decide_change(store, change.id, "approved", "张伟", DECIDED, cascade=True)
    assert due(store, plan["golive"])[1] == date(2026, 6, 8)
    assert due(store, plan["uat"])[1] == date(2026, 5, 1)


def test_a_negative_impact_moves_dates_earlier(store, plan):
    store.update("change_requests", plan["report"].id, schedule_impact_days=-3)
    decide_change(store, plan["report"].id, "approved", "张伟", DECIDED)
    assert due(store, plan["uat"]) == (date(2026, 5, 1), date(2026, 4, 28))


def test_an_explicit_moment_is_used_for_the_history(store, plan):
    at = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)
    decide_change(store, plan["report"].id, "approved", "张伟", DECIDED, at=at)
    assert set(pd.to_datetime(store.history()["changed_at"], utc=True)) == {pd.Timestamp(at)}
