"""Contact metrics against small cases computed by hand."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from commlib.contacts.metrics import (
    CADENCE_COLUMNS,
    DIRECTORY_COLUMNS,
    FOLLOW_UP_COLUMNS,
    GAP_COLUMNS,
    MIX_COLUMNS,
    RESPONSE_COLUMNS,
    SUMMARY_COLUMNS,
    channel_mix,
    contact_cadence,
    directory,
    engagement_gap,
    losing_touch,
    overdue_follow_ups,
    response_summary,
    response_times,
)
from commlib.models import ENUMS

TODAY = date(2026, 3, 20)

ALL = ENUMS["channel"]


def utc(text):
    return pd.Timestamp(text, tz="UTC")


def contacts_frame(rows):
    """(id, when, stakeholder_ids, channel, direction) -> a frame shaped like the store's."""
    df = pd.DataFrame(rows, columns=["id", "when", "stakeholder_ids", "channel", "direction"])
    df["when"] = pd.to_datetime(df["when"], utc=True)
    df["subject"] = "s"
    df["notes"] = "INTERNAL-SENTINEL"
    return df


@pytest.fixture
def people():
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "name": ["A", "B", "C", "D"],
            "power": [5, 2, 1, 5],  # manage closely, keep informed, monitor, keep satisfied
            "interest": [5, 4, 1, 2],
            "engagement_current": ["unaware", "leading", "neutral", "supportive"],
            "engagement_desired": ["leading", "neutral", "supportive", "supportive"],
            "email": ["a@x.cn", "b@x.cn", "c@x.cn", "d@x.cn"],
        }
    )


@pytest.fixture
def plan():
    return pd.DataFrame(
        {
            "stakeholder_id": [1.0, 1.0, None, None, None, None],
            "quadrant": [None, None, "manage_closely", "keep_informed", "keep_informed", "monitor"],
            "cadence_days": [14, 10, 7, 21, 14, 30],
        }
    )


@pytest.fixture
def log():
    return contacts_frame(
        [
            (1, "2026-03-01 10:00", [1, 2], "meeting", "outbound"),
            (2, "2026-03-05 09:00", [1], "email", "inbound"),
            (3, "2026-03-18 23:30", [2], "phone", "outbound"),
            (4, "2026-03-25 09:00", [1], "meeting", "outbound"),  # planned: after today
            (5, "2026-03-19 09:00", [], "email", "inbound"),  # nobody
        ]
    )


# --- cadence ----------------------------------------------------------------------------


def test_cadence_by_hand(people, log, plan):
    got = contact_cadence(people, log, plan, today=TODAY)
    assert list(got.columns) == list(CADENCE_COLUMNS)
    assert got["stakeholder_id"].tolist() == [1, 2, 3, 4]
    assert got["quadrant"].tolist() == [
        "manage_closely",
        "keep_informed",
        "monitor",
        "keep_satisfied",
    ]
    assert got["last_contact"].tolist()[:2] == [utc("2026-03-05 09:00"), utc("2026-03-18 23:30")]
    assert got["last_contact"].isna().tolist() == [False, False, True, True]
    # A: the shorter of its own two rows wins over the (shorter still) quadrant row
    assert got["cadence_days"].tolist() == [10, 14, 30, pd.NA]
    assert got["cadence_source"].tolist() == ["stakeholder", "quadrant", "quadrant", None]
    assert got["days_since"].tolist() == [15, 2, pd.NA, pd.NA]
    assert got["overdue"].tolist() == [True, False, True, False]
    assert got["days_overdue"].tolist() == [5, -12, pd.NA, pd.NA]


def test_days_are_counted_in_the_given_zone(people, log, plan):
    got = contact_cadence(people, log, plan, today=TODAY, tz="Asia/Shanghai")
    assert got.loc[1, "days_since"] == 1  # 23:30 UTC on the 18th is the 19th in Shanghai


def test_a_contact_exactly_at_the_cadence_is_not_overdue(people, log, plan):
    got = contact_cadence(people, log, plan, today=date(2026, 3, 15))
    assert got.loc[0, "days_since"] == 10 and not got.loc[0, "overdue"]


def test_without_a_plan_nothing_is_overdue(people, log):
    got = contact_cadence(people, log, None, today=TODAY)
    assert got["cadence_days"].isna().all() and not got["overdue"].any()


def test_losing_touch_lists_the_overdue_most_overdue_first(people, log, plan):
    late = losing_touch(contact_cadence(people, log, plan, today=TODAY))
    assert late["name"].tolist() == ["C", "A"]  # never contacted first
    more = contacts_frame([(9, "2026-01-01 09:00", [3], "email", "outbound")])
    late = losing_touch(contact_cadence(people, pd.concat([log, more]), plan, today=TODAY))
    assert late["name"].tolist() == ["C", "A"]
    assert late["days_overdue"].tolist() == [78 - 30, 5]


def test_cadence_on_store_frames(filled):
    people = filled.frame("stakeholders")
    got = contact_cadence(
        people,
        filled.frame("contacts"),
        filled.frame("communication_plan"),
        today=TODAY,
        tz="Asia/Shanghai",
    )
    zhang, li = got.to_dict("records")
    # 张伟's own plan row (biweekly) wins over the weekly row of his quadrant
    assert (zhang["cadence_days"], zhang["cadence_source"]) == (14, "stakeholder")
    assert (zhang["days_since"], zhang["overdue"], zhang["days_overdue"]) == (18, True, 4)
    assert li["quadrant"] == "monitor" and pd.isna(li["cadence_days"])
    assert (li["days_since"], li["overdue"]) == (17, False)


# --- follow-ups -------------------------------------------------------------------------


def test_overdue_follow_ups_by_hand():
    follow_ups = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "title": ["f1", "f2", "f3", "f4", "f5", "f6"],
            "owner": ["王芳", "Tom", "Tom", "Tom", "Tom", "Tom"],
            "due": [
                date(2026, 3, 19),
                date(2026, 3, 10),
                date(2026, 3, 1),
                TODAY,
                None,
                date(2026, 3, 2),
            ],
            "status": ["open", "open", "done", "open", "open", "cancelled"],
            "contact_id": [None, 7, None, None, None, None],
            "notes": "INTERNAL-SENTINEL",
        }
    )
    got = overdue_follow_ups(follow_ups, today=TODAY)
    assert list(got.columns) == list(FOLLOW_UP_COLUMNS)
    assert got["id"].tolist() == [2, 1]
    assert got["days_overdue"].tolist() == [10, 1]
    assert got["owner"].tolist() == ["Tom", "王芳"]
    assert got["due"].tolist() == [date(2026, 3, 10), date(2026, 3, 19)]
    assert got["contact_id"].tolist() == [7, pd.NA]


def test_overdue_follow_ups_on_store_frames(filled):
    # the one follow-up in fill() was done on 9 March
    assert overdue_follow_ups(filled.frame("follow_ups"), today=TODAY).empty


# --- response times ---------------------------------------------------------------------

NOW = datetime(2026, 3, 7, 18, 0, tzinfo=UTC)


@pytest.fixture
def messages():
    return contacts_frame(
        [
            (21, "2026-03-01 08:00", [2], "email", "outbound"),  # nothing to answer yet
            (11, "2026-03-02 09:00", [1], "email", "inbound"),
            (12, "2026-03-02 10:00", [1], "im", "inbound"),
            (13, "2026-03-02 15:00", [1], "email", "outbound"),  # answers 11 and 12: 6 h
            (22, "2026-03-02 12:00", [2], "im", "inbound"),
            (23, "2026-03-02 16:00", [1, 2], "meeting", "outbound"),  # answers 22: 4 h
            (14, "2026-03-03 09:00", [1], "email", "inbound"),
            (15, "2026-03-04 12:00", [1], "email", "outbound"),  # 27 h: late
            (16, "2026-03-05 08:00", [1], "phone", "inbound"),
            (17, "2026-03-05 08:00", [1], "email", "outbound"),  # same moment: not an answer
            (18, "2026-03-05 10:00", [1], "email", "outbound"),  # 2 h
            (19, "2026-03-06 12:00", [1], "email", "inbound"),  # pending 30 h at NOW: late
            (20, "2026-03-07 08:00", [2], "email", "inbound"),  # pending 10 h
            (24, "2026-03-08 08:00", [2], "email", "inbound"),  # after NOW
            (25, "2026-03-02 09:30", [], "email", "inbound"),  # nobody
        ]
    )


def test_response_times_by_hand(messages):
    got = response_times(messages, now=NOW, channels=ALL)
    assert list(got.columns) == list(RESPONSE_COLUMNS)
    assert got[["stakeholder_id", "inbound_id", "reply_id"]].values.tolist() == [
        [1, 11, 13],
        [2, 22, 23],
        [1, 14, 15],
        [1, 16, 18],
        [1, 19, pd.NA],
        [2, 20, pd.NA],
    ]
    assert got["hours"].tolist() == [6.0, 4.0, 27.0, 2.0, 30.0, 10.0]
    assert got["channel"].tolist() == ["email", "im", "email", "phone", "email", "email"]
    assert got["messages"].tolist() == [2, 1, 1, 1, 1, 1]
    assert got["pending"].tolist() == [False, False, False, False, True, True]
    assert got["breach"].tolist() == [False, False, True, False, True, False]
    assert got["inbound_at"].iloc[0] == utc("2026-03-02 09:00")
    assert got["replied_at"].iloc[0] == utc("2026-03-02 15:00")
    assert pd.isna(got["replied_at"].iloc[-1])


def test_calls_and_meetings_do_not_wait_for_an_answer_by_default(messages):
    got = response_times(messages, now=NOW)
    assert 16 not in got["inbound_id"].tolist()
    assert got["inbound_id"].tolist() == [11, 22, 14, 19, 20]


def test_the_first_of_two_inbound_messages_starts_the_wait():
    log = contacts_frame(
        [
            (1, "2026-03-02 09:00", [1], "email", "inbound"),
            (2, "2026-03-02 10:00", [1], "email", "inbound"),
            (3, "2026-03-02 15:00", [1], "email", "outbound"),
        ]
    )
    got = response_times(log, now=NOW)
    assert got["hours"].tolist() == [6.0] and got["messages"].tolist() == [2]


def test_breach_target_is_configurable_and_strict(messages):
    got = response_times(messages, now=NOW, channels=ALL, target_hours=10)
    assert got["breach"].tolist() == [False, False, True, False, True, False]  # 10 h is not over
    got = response_times(messages, now=NOW, channels=ALL, target_hours=5)
    assert got["breach"].sum() == 4


def test_response_summary_per_channel(messages):
    got = response_summary(response_times(messages, now=NOW, channels=ALL))
    assert list(got.columns) == ["channel", *SUMMARY_COLUMNS]
    assert got["channel"].tolist() == ["phone", "email", "im"]  # the model's order
    email = got.set_index("channel").loc["email"]
    assert (email["answered"], email["pending"]) == (2, 2)
    assert email["median_hours"] == pytest.approx(16.5)
    assert email["p90_hours"] == pytest.approx(24.9)  # 6 + 0.9 * (27 - 6)
    assert (email["breaches"], email["breach_share"]) == (2, 0.5)
    assert got.set_index("channel").loc["im", "median_hours"] == 4.0


def test_response_summary_per_stakeholder_and_overall(messages):
    times = response_times(messages, now=NOW, channels=ALL)
    got = response_summary(times, by="stakeholder_id").set_index("stakeholder_id")
    assert got.loc[1, "median_hours"] == 6.0
    assert got.loc[1, "p90_hours"] == pytest.approx(22.8)  # 2, 6, 27: 6 + 0.8 * 21
    assert (got.loc[1, "pending"], got.loc[1, "breaches"]) == (1, 2)
    assert (got.loc[2, "answered"], got.loc[2, "pending"], got.loc[2, "breaches"]) == (1, 1, 0)
    overall = response_summary(times, by=None)
    assert list(overall.columns) == list(SUMMARY_COLUMNS)
    row = overall.iloc[0]
    assert (row["median_hours"], row["p90_hours"]) == (5.0, pytest.approx(20.7))
    assert (row["answered"], row["pending"], row["breaches"]) == (4, 2, 2)
    assert response_summary(times, by=None, target_hours=5).iloc[0]["breaches"] == 4


def test_only_pending_means_no_median():
    log = contacts_frame([(1, "2026-03-07 09:00", [1], "im", "inbound")])
    got = response_summary(response_times(log, now=NOW))
    assert got["answered"].tolist() == [0] and got["median_hours"].isna().all()


def test_response_times_on_store_frames(filled):
    # Li Na wrote on IM at 09:00 on 3 March and nobody answered; 24 h is not over 24 h
    got = response_times(filled.frame("contacts"), now=datetime(2026, 3, 4, 9, tzinfo=UTC))
    assert got[["channel", "hours", "pending", "breach"]].values.tolist() == [
        ["im", 24.0, True, False]
    ]


# --- channel mix ------------------------------------------------------------------------


@pytest.fixture
def mix_log():
    return contacts_frame(
        [
            (1, "2026-03-01 10:00", [1], "email", "outbound"),  # a Sunday
            (2, "2026-03-01 20:00", [1], "email", "inbound"),  # Monday 04:00 in Shanghai
            (3, "2026-03-02 09:00", [1], "phone", "inbound"),
            (4, "2026-03-03 09:00", [], "meeting", "outbound"),
            (5, "2026-03-04 09:00", [2], "email", "outbound"),
        ]
    )


def test_channel_mix_per_week(mix_log):
    got = channel_mix(mix_log)
    assert list(got.columns) == list(MIX_COLUMNS)
    assert [(str(p.date()), c, n) for p, c, n in got[["period", "channel", "contacts"]].values] == [
        ("2026-02-23", "meeting", 0),
        ("2026-02-23", "phone", 0),
        ("2026-02-23", "email", 2),
        ("2026-03-02", "meeting", 1),
        ("2026-03-02", "phone", 1),
        ("2026-03-02", "email", 1),
    ]
    assert got["share"].tolist() == pytest.approx([0, 0, 1, 1 / 3, 1 / 3, 1 / 3])


def test_channel_mix_in_a_time_zone_and_per_month(mix_log):
    got = channel_mix(mix_log, tz="Asia/Shanghai")
    week = got[got["period"] == pd.Timestamp("2026-03-02")].set_index("channel")
    assert week["contacts"].to_dict() == {"meeting": 1, "phone": 1, "email": 2}
    assert week["share"].to_dict() == {"meeting": 0.25, "phone": 0.25, "email": 0.5}
    got = channel_mix(mix_log, period="month")
    assert got["period"].unique().tolist() == [pd.Timestamp("2026-03-01")]
    assert got.set_index("channel")["share"].to_dict() == {
        "meeting": 0.2,
        "phone": 0.2,
        "email": 0.6,
    }
    with pytest.raises(ValueError, match="week"):
        channel_mix(mix_log, period="day")


# --- engagement gap ---------------------------------------------------------------------


def test_engagement_gap_largest_first(people):
    got = engagement_gap(people)
    assert list(got.columns) == list(GAP_COLUMNS)
    assert got["name"].tolist() == ["A", "C", "D", "B"]
    assert got["gap"].tolist() == [4, 1, 0, -2]
    assert got["current_level"].tolist() == [0, 2, 3, 4]
    assert got["desired_level"].tolist() == [4, 3, 3, 2]


# --- who is who -------------------------------------------------------------------------


def test_directory_says_who_is_who_and_nothing_of_the_teams_ratings(people):
    got = directory(people)
    assert list(got.columns) == list(DIRECTORY_COLUMNS)
    assert got["name"].tolist() == people["name"].tolist()
    assert not {"power", "interest", "engagement_current", "email", "phone", "notes"} & set(got)


def test_directory_of_a_client_frame_has_the_same_columns(store):
    from commlib import Project, Stakeholder

    p = store.add(Project(name="D", client="C", start=date(2026, 1, 1)))
    store.add(Stakeholder(project_id=p.id, name="Lee", role="CIO", visibility="client"))
    got = directory(store.frame("stakeholders", p, audience="client"))
    assert got.to_dict("records")[0]["role"] == "CIO"
    assert list(got.columns) == list(DIRECTORY_COLUMNS)


# --- empty and odd inputs ---------------------------------------------------------------


def test_empty_store_frames_give_empty_frames_with_the_right_columns(store):
    from commlib import Project

    store.add(Project(name="empty", client="c", start=date(2026, 1, 1)))
    people = store.frame("stakeholders", "empty")
    log = store.frame("contacts", "empty")
    plan = store.frame("communication_plan", "empty")
    cases = [
        (contact_cadence(people, log, plan, today=TODAY), CADENCE_COLUMNS),
        (losing_touch(contact_cadence(people, log, plan, today=TODAY)), CADENCE_COLUMNS),
        (overdue_follow_ups(store.frame("follow_ups", "empty"), today=TODAY), FOLLOW_UP_COLUMNS),
        (response_times(log, now=NOW), RESPONSE_COLUMNS),
        (response_summary(response_times(log, now=NOW)), {"channel": 0, **SUMMARY_COLUMNS}),
        (
            response_summary(response_times(log, now=NOW), by="stakeholder_id"),
            {"stakeholder_id": 0, **SUMMARY_COLUMNS},
        ),
        (channel_mix(log), MIX_COLUMNS),
        (engagement_gap(people), GAP_COLUMNS),
    ]
    for got, columns in cases:
        assert got.empty and list(got.columns) == list(columns)


def test_stakeholders_without_contacts_and_contacts_without_stakeholders(people, plan):
    log = contacts_frame([(1, "2026-03-02 09:00", [], "email", "inbound")])
    got = contact_cadence(people, log, plan, today=TODAY)
    assert got["last_contact"].isna().all()
    assert got["overdue"].tolist() == [True, True, True, False]
    assert response_times(log, now=NOW).empty
    assert channel_mix(log)["contacts"].tolist() == [1]
    empty_log = contacts_frame([])
    assert contact_cadence(people, empty_log, plan, today=TODAY)["overdue"].sum() == 3


def test_stakeholder_ids_as_json_text(people, plan):
    log = contacts_frame([(1, "2026-03-18 09:00", "[1, 2]", "email", "outbound")])
    got = contact_cadence(people, log, plan, today=TODAY)
    assert got["days_since"].tolist()[:2] == [2, 2]


def test_inputs_are_not_changed(people, log, plan):
    before = (people.copy(), log.copy(), plan.copy())
    contact_cadence(people, log, plan, today=TODAY)
    response_times(log, now=NOW)
    channel_mix(log)
    engagement_gap(people)
    for a, b in zip(before, (people, log, plan), strict=True):
        pd.testing.assert_frame_equal(a, b)
