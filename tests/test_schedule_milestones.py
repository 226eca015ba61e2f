"""Milestone table (slips, lateness, acceptance) and recording the client's acceptance."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from commlib import Conflict, InvalidRecord, Milestone, NotFound, Project, Stakeholder, Store
from commlib.schedule import accept_milestone, milestone_table
from commlib.schedule.milestones import COLUMNS

TODAY = date(2026, 5, 10)


@pytest.fixture
def plan(store: Store) -> dict:
    """A project with three people and four milestones in a chain, one of them cancelled."""
    p = store.add(Project(name="ERP", client="ACME", start=date(2026, 3, 2)))
    zhang = store.add(Stakeholder(project_id=p.id, name="张伟"))
    li = store.add(Stakeholder(project_id=p.id, name="李娜"))
    design = store.add(
        Milestone(
            project_id=p.id,
            name="Design sign-off",
            baseline_due=date(2026, 4, 1),
            current_due=date(2026, 4, 1),
            status="done",
            accepted_by=zhang.id,
            accepted_on=date(2026, 4, 3),
            acceptance_channel="meeting",
        )
    )
    migration = store.add(
        Milestone(
            project_id=p.id,
            name="Migration plan",
            type="deliverable",
            baseline_due=date(2026, 5, 1),
            current_due=date(2026, 5, 15),  # slipped two weeks, not late yet
            status="in_progress",
            depends_on=design.id,
        )
    )
    sit = store.add(
        Milestone(
            project_id=p.id,
            name="SIT complete",
            baseline_due=date(2026, 5, 8),
            current_due=date(2026, 5, 5),  # planned earlier than promised, and now late
            depends_on=migration.id,
        )
    )
    dropped = store.add(
        Milestone(
            project_id=p.id,
            name="Pilot",
            baseline_due=date(2026, 4, 20),
            current_due=date(2026, 4, 20),
            status="cancelled",
        )
    )
    return {
        "project": p,
        "zhang": zhang,
        "li": li,
        "design": design,
        "migration": migration,
        "sit": sit,
        "dropped": dropped,
    }


def changes(history: pd.DataFrame) -> dict[str, tuple[str | None, str | None]]:
    """field -> (old, new) of a history frame, missing values as None."""
    old = [None if pd.isna(v) else v for v in history["old"]]
    new = [None if pd.isna(v) else v for v in history["new"]]
    return dict(zip(history["field"], zip(old, new, strict=True), strict=True))


def table(store: Store, today: date = TODAY) -> pd.DataFrame:
    return milestone_table(
        store.frame("milestones"), store.frame("stakeholders"), today=today
    ).set_index("name")


def test_slip_is_current_minus_baseline(store, plan):
    df = table(store)
    assert df.loc["Design sign-off", "slip_days"] == 0
    assert df.loc["Migration plan", "slip_days"] == 14  # 2026-05-15 − 2026-05-01
    assert df.loc["SIT complete", "slip_days"] == -3  # 2026-05-05 − 2026-05-08
    assert df["slip_days"].dtype == "int64"


def test_late_means_not_reached_and_due_date_passed(store, plan):
    df = table(store)
    assert df.loc["SIT complete", "late"]  # due 05-05, today 05-10, planned
    assert not df.loc["Migration plan", "late"]  # due 05-15
    assert not df.loc["Design sign-off", "late"]  # done
    assert not df.loc["Pilot", "late"]  # cancelled: never late
    # the due day itself is not late yet
    assert not table(store, today=date(2026, 5, 5)).loc["SIT complete", "late"]
    assert table(store, today=date(2026, 5, 6)).loc["SIT complete", "late"]


def test_acceptance_columns_name_the_stakeholder(store, plan):
    df = table(store)
    design = df.loc["Design sign-off"]
    assert design["accepted"]
    assert design["accepted_by"] == plan["zhang"].id
    assert design["accepted_by_name"] == "张伟"
    assert design["accepted_on"] == date(2026, 4, 3)
    assert design["acceptance_channel"] == "meeting"
    migration = df.loc["Migration plan"]
    assert not migration["accepted"]
    assert pd.isna(migration["accepted_by"]) and pd.isna(migration["accepted_by_name"])
    assert migration["accepted_on"] is None


def test_unknown_stakeholder_shows_as_an_id(store, plan):
    df = milestone_table(store.frame("milestones"), None, today=TODAY).set_index("name")
    assert df.loc["Design sign-off", "accepted_by_name"] == f"#{plan['zhang'].id}"


def test_rows_run_by_current_due_and_columns_are_fixed(store, plan):
    df = milestone_table(store.frame("milestones"), store.frame("stakeholders"), today=TODAY)
    assert list(df.columns) == COLUMNS
    assert list(df["name"]) == ["Design sign-off", "Pilot", "SIT complete", "Migration plan"]
    assert df["baseline_due"].map(type).eq(date).all()
    assert list(df["depends_on"].astype(object).where(df["depends_on"].notna(), None)) == [
        None,
        None,
        plan["migration"].id,
        plan["design"].id,
    ]


def test_a_frame_built_by_hand_works_too():
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "name": ["A", "B"],
            "type": ["milestone", "deliverable"],
            "status": ["planned", "done"],
            "depends_on": [None, 1],
            "baseline_due": ["2026-01-10", date(2026, 2, 1)],
            "current_due": [pd.Timestamp("2026-01-20"), date(2026, 1, 30)],
            "accepted_by": [None, None],
            "accepted_on": [None, None],
            "acceptance_channel": [None, None],
        }
    )
    df = milestone_table(frame, today=date(2026, 1, 25)).set_index("name")
    assert df.loc["A", "slip_days"] == 10 and df.loc["A", "late"]
    assert df.loc["B", "slip_days"] == -2 and not df.loc["B", "late"]


def test_empty_frame_gives_empty_table(store):
    df = milestone_table(store.frame("milestones"), store.frame("stakeholders"), today=TODAY)
    assert df.empty and list(df.columns) == COLUMNS


def test_accept_records_acceptance_and_done_in_the_history(store, plan):
    migration = plan["migration"]
    updated = accept_milestone(store, migration.id, plan["li"].id, date(2026, 5, 14), "email")
    assert updated.status == "done"
    assert (updated.accepted_by, updated.accepted_on) == (plan["li"].id, date(2026, 5, 14))
    assert updated.acceptance_channel == "email"
    assert store.get("milestones", migration.id) == updated
    history = store.history(kind="milestones", record_id=migration.id)
    assert changes(history) == {
        "status": ("in_progress", "done"),
        "accepted_by": (None, str(plan["li"].id)),
        "accepted_on": (None, "2026-05-14"),
        "acceptance_channel": (None, "email"),
    }
    noon = pd.Timestamp(datetime(2026, 5, 14, 12, tzinfo=UTC))
    assert (pd.to_datetime(history["changed_at"], utc=True) == noon).all()
    row = table(store).loc["Migration plan"]
    assert row["accepted_by_name"] == "李娜" and not row["late"]


def test_accept_takes_records_and_an_explicit_moment(store, plan):
    at = datetime(2026, 5, 14, 3, 15, tzinfo=UTC)
    accept_milestone(store, plan["sit"], plan["zhang"], date(2026, 5, 14), "video", at=at)
    history = store.history(kind="milestones", record_id=plan["sit"].id)
    assert set(pd.to_datetime(history["changed_at"], utc=True)) == {pd.Timestamp(at)}


def test_accepting_twice_is_refused_and_changes_nothing(store, plan):
    before = store.history()
    with pytest.raises(Conflict, match=r"Design sign-off.*already accepted by 张伟 on 2026-04-03"):
        accept_milestone(store, plan["design"].id, plan["li"].id, date(2026, 5, 1), "email")
    assert store.get("milestones", plan["design"].id).accepted_by == plan["zhang"].id
    assert len(store.history()) == len(before)


def test_a_cancelled_milestone_cannot_be_accepted(store, plan):
    with pytest.raises(Conflict, match=r"Pilot.*cancelled"):
        accept_milestone(store, plan["dropped"].id, plan["li"].id, date(2026, 5, 1), "email")
    assert store.get("milestones", plan["dropped"].id).status == "cancelled"


def test_acceptance_by_someone_unknown_or_from_another_project_is_refused(store, plan):
    other = store.add(Project(name="Other", client="X", start=date(2026, 1, 1)))
    stranger = store.add(Stakeholder(project_id=other.id, name="Stranger"))
    for who in (stranger.id, 999):
        with pytest.raises(InvalidRecord, match="accepted_by"):
            accept_milestone(store, plan["sit"].id, who, date(2026, 5, 1), "email")
    with pytest.raises(InvalidRecord, match="acceptance_channel"):
        accept_milestone(store, plan["sit"].id, plan["li"].id, date(2026, 5, 1), "fax")
    with pytest.raises(NotFound):
        accept_milestone(store, 999, plan["li"].id, date(2026, 5, 1), "email")
    assert store.get("milestones", plan["sit"].id).status == "planned"
    assert store.history(kind="milestones").empty
