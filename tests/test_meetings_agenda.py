"""The agenda from what is open: what goes on it, in which order, how long, for whom."""

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from commlib import (
    ChangeRequest,
    Decision,
    FollowUp,
    InvalidRecord,
    Issue,
    Milestone,
    Project,
    Risk,
    Stakeholder,
    Store,
)
from commlib.cli import cli
from commlib.i18n import language
from commlib.meetings.agenda import DEFAULT_MINUTES, TOP_RISKS, AgendaItem, agenda, time_boxes

P = "Atlas 迁移"
TODAY = date(2026, 10, 1)
SENTINEL = "INTERNAL-SENTINEL"


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def meeting_project(store: Store, *, team=("nimbus.com", "lead@nimbus-consulting.com")) -> Project:
    """A project with something open of every kind, some of it internal, some closed."""
    p = store.add(
        Project(
            name=P, client="华辰", start=date(2026, 1, 5), team=list(team), language="en",
            visibility="client",
        )
    )  # fmt: skip
    pid = p.id
    zhang = store.add(
        Stakeholder(
            project_id=pid, name="张伟", email="zhang.wei@huachen.cn", timezone="Asia/Shanghai",
            power=5, interest=5, visibility="client", notes=SENTINEL,
        )
    )  # fmt: skip
    store.add_all(
        [
            Stakeholder(
                project_id=pid, name="Li Na", timezone="Asia/Shanghai", power=4, interest=4,
                visibility="client",
            ),
            Stakeholder(
                project_id=pid, name="Bob Smith", email="bob@example.co.uk",
                timezone="Europe/London", power=2, interest=2,
            ),
            # follow-ups: two overdue, one due in the period, one after, one done, one undated
            FollowUp(project_id=pid, title="Send the migration plan", owner="王芳", due=day(-3),
                     visibility="client", notes=SENTINEL),
            FollowUp(project_id=pid, title="Book the training room", due=day(5),
                     visibility="client"),
            FollowUp(project_id=pid, title="Check the vendor's quote", due=day(-1)),
            FollowUp(project_id=pid, title="Plan the go-live party", due=day(20),
                     visibility="client"),
            FollowUp(project_id=pid, title="Already sent", due=day(-5), status="done",
                     done_on=day(-4), visibility="client"),
            FollowUp(project_id=pid, title="Some day", visibility="client"),
            # decisions: the client's come first, then by needed_by
            Decision(project_id=pid, title="Pick the test lead", status="pending",
                     decider="team", needed_by=day(1), visibility="client"),
            Decision(project_id=pid, title="Approve the cut-over weekend", status="pending",
                     decider="client", needed_by=day(10), visibility="client"),
            Decision(project_id=pid, title="Sign off the data mapping", status="pending",
                     decider="client", needed_by=day(3), visibility="client"),
            Decision(project_id=pid, title="Use SFTP", decided_on=day(-10),
                     visibility="client"),
            # change requests: pending ones, oldest first
            ChangeRequest(project_id=pid, title="Add the Shenzhen warehouse",
                          requested_on=day(-2), requested_by=zhang.id, visibility="client"),
            ChangeRequest(project_id=pid, title="Extra report pack", requested_on=day(-20),
                          visibility="client"),
            ChangeRequest(project_id=pid, title="Drop the legacy export", requested_on=day(-30),
                          decision="approved", decided_on=day(-25), visibility="client"),
            # risks: scores 20, 16, 12, 9 live; 25 closed
            Risk(project_id=pid, title="Key user leaves", probability=3, impact=4, owner="Ann",
                 visibility="client"),
            Risk(project_id=pid, title="Data loss in migration", probability=4, impact=5,
                 owner="王芳", status="mitigating", visibility="client"),
            Risk(project_id=pid, title="Vendor slips", probability=3, impact=3,
                 visibility="client"),
            Risk(project_id=pid, title="Budget cut", probability=4, impact=4),
            Risk(project_id=pid, title="Old risk", probability=5, impact=5, status="closed",
                 visibility="client"),
            # issues: most severe first; resolved ones left out
            Issue(project_id=pid, title="Slow VPN", raised_on=day(-9), severity=2,
                  visibility="client"),
            Issue(project_id=pid, title="Test server down", raised_on=day(-4), severity=5,
                  status="in_progress", target_date=day(2), visibility="client"),
            Issue(project_id=pid, title="Printer", raised_on=day(-9), severity=5,
                  status="resolved", resolved_on=day(-1), visibility="client"),
            # milestones: due in the period (a late one too); later, done, cancelled left out
            Milestone(project_id=pid, name="UAT start", baseline_due=day(7), current_due=day(7),
                      visibility="client"),
            Milestone(project_id=pid, name="Data freeze", baseline_due=day(-2),
                      current_due=day(-2), status="in_progress", visibility="client"),
            Milestone(project_id=pid, name="Go-live", baseline_due=day(40), current_due=day(40),
                      visibility="client"),
            Milestone(project_id=pid, name="Kick-off", baseline_due=day(-60),
                      current_due=day(-60), status="done", visibility="client"),
            Milestone(project_id=pid, name="Pilot", baseline_due=day(3), current_due=day(3),
                      status="cancelled", visibility="client"),
        ]
    )  # fmt: skip
    return p


@pytest.fixture
def project(store):
    return meeting_project(store)


def titles(found, section=None):
    return [i.title for i in found.items if section is None or i.section == section]


def test_sections_come_in_order_between_the_opening_and_any_other_business(store, project):
    found = agenda(store, P, today=TODAY)
    sections = [i.section for i in found.items]
    assert sections[0] == "opening" and sections[-1] == "aob"
    order = list(dict.fromkeys(sections))
    assert order == [
        "opening", "follow_ups", "decisions", "changes", "risks", "issues", "milestones", "aob"
    ]  # fmt: skip


def test_follow_ups_due_in_the_period_overdue_first(store, project):
    found = agenda(store, P, today=TODAY)
    assert titles(found, "follow_ups") == [
        "Send the migration plan",
        "Check the vendor's quote",
        "Book the training room",
    ]
    first = found.items[1]
    assert (first.owner, first.due, first.detail) == ("王芳", day(-3), "overdue by 3 days")
    assert (first.kind, first.record_id) == ("follow_ups", 1)
    # a longer period takes the one due in 20 days; done and undated ones never come
    longer = titles(agenda(store, P, today=TODAY, days=30), "follow_ups")
    assert "Plan the go-live party" in longer
    assert "Already sent" not in longer and "Some day" not in longer


def test_client_decisions_come_first_then_by_needed_by(store, project):
    found = agenda(store, P, today=TODAY)
    assert titles(found, "decisions") == [
        "Sign off the data mapping",
        "Approve the cut-over weekend",
        "Pick the test lead",
    ]
    details = [i.detail for i in found.items if i.section == "decisions"]
    assert details[0] == "the client decides; needed by 4 Oct 2026"
    assert details[-1].startswith("the team decides")


def test_change_requests_waiting_for_a_decision_oldest_first(store, project):
    found = agenda(store, P, today=TODAY)
    assert titles(found, "changes") == ["Extra report pack", "Add the Shenzhen warehouse"]
    assert [i.owner for i in found.items if i.section == "changes"] == ["", "张伟"]


def test_the_top_risks_by_score_open_or_mitigating(store, project):
    found = agenda(store, P, today=TODAY)
    assert TOP_RISKS == 3
    assert titles(found, "risks") == ["Data loss in migration", "Budget cut", "Key user leaves"]
    assert next(i.detail for i in found.items if i.section == "risks") == "score 20, Critical"


def test_open_issues_most_severe_first(store, project):
    found = agenda(store, P, today=TODAY)
    assert titles(found, "issues") == ["Test server down", "Slow VPN"]


def test_milestones_due_in_the_period_late_ones_first(store, project):
    found = agenda(store, P, today=TODAY)
    assert titles(found, "milestones") == ["Data freeze", "UAT start"]
    late = next(i for i in found.items if i.title == "Data freeze")
    assert late.detail == "overdue by 2 days"


@pytest.mark.parametrize("duration", [20, 30, 45, 60, 90, 120, 720])
def test_time_boxes_add_up_to_the_meeting(store, project, duration):
    found = agenda(store, P, today=TODAY, duration=duration)
    assert found.total == duration == found.duration
    assert all(i.minutes >= 1 for i in found.items)
    opening = found.items[0].minutes
    assert opening == min(10, max(2, duration // 12))
    assert found.items[-1].minutes >= opening  # any other business takes what is left


def test_an_hour_keeps_five_minutes_each_for_the_opening_and_any_other_business(store, project):
    found = agenda(store, P, today=TODAY, duration=60)
    assert found.items[0].minutes == 5
    content = found.items[1:-1]
    # 50 minutes for 15 items whose defaults add up to 60: scaled down, never below 1
    assert len(content) == 15 and sum(DEFAULT_MINUTES[i.section] for i in content) == 60
    assert sum(i.minutes for i in content) + found.items[-1].minutes == 55


def test_a_short_meeting_leaves_items_for_the_next_one(store, project):
    found = agenda(store, P, today=TODAY, duration=10)
    assert found.total == 10
    assert len(found.items) == 2 + 6 and len(found.left_out) == 15 - 6
    assert found.items[1].title == "Send the migration plan"  # the first come first
    assert "9 more items" in str(found)


def test_few_items_are_stretched_at_most_twice_the_rest_is_any_other_business(store):
    p = store.add(Project(name="Small", client="C", start=TODAY))
    store.add(FollowUp(project_id=p.id, title="One thing", due=day(1)))
    found = agenda(store, "Small", today=TODAY, duration=60)
    assert [i.minutes for i in found.items] == [5, 2 * DEFAULT_MINUTES["follow_ups"], 49]


def test_time_boxes_by_largest_remainder():
    assert time_boxes([3, 5], 50) == [6, 10]  # at most twice
    assert time_boxes([3, 5], 12) == [5, 7]  # 4.5 and 7.5: the tie goes to the earlier item
    assert time_boxes([5, 5, 1], 4) == [2, 1, 1]  # every item keeps a minute
    assert time_boxes([3, 5], 50, stretch=None) == [19, 31]
    assert sum(time_boxes([4] * 7 + [1], 13)) == 13
    with pytest.raises(ValueError):
        time_boxes([1, 1, 1], 2)


def test_the_client_audience_keeps_only_what_is_shared(store, project):
    inside = agenda(store, P, today=TODAY)
    client = agenda(store, P, today=TODAY, audience="client")
    assert "Check the vendor's quote" in titles(inside) and "Budget cut" in titles(inside)
    assert "Check the vendor's quote" not in titles(client)
    assert "Budget cut" not in titles(client)
    assert titles(client, "risks") == ["Data loss in migration", "Key user leaves", "Vendor slips"]
    assert client.total == 60 and client.audience == "client"
    # an internal agenda's client part: its items of shared records, the same length
    shared = inside.for_client()
    assert all(i.visibility == "client" for i in shared.items)
    assert "Budget cut" not in titles(shared) and len(shared.items) == len(inside.items) - 2
    assert shared.total == 60 and shared.items[-1].minutes > inside.items[-1].minutes


def test_no_agenda_shows_notes(store, project):
    for audience in ("internal", "client"):
        found = agenda(store, P, today=TODAY, audience=audience)
        shown = "\n".join(
            [str(found), found._repr_html_(), found.frame().to_csv(), json.dumps(found.as_dict())]
        )
        assert SENTINEL not in shown


def test_plain_text_in_both_languages(store, project):
    text = str(agenda(store, P, today=TODAY))
    assert text.splitlines()[:3] == [
        "Agenda — Atlas 迁移 (60 min)",
        "What is open, due by 15 Oct 2026 (as of 1 Oct 2026)",
        "Opening",
    ]
    assert "  2. Send the migration plan (王芳; overdue by 3 days) — " in text
    assert text.splitlines()[-1] == "Total: 60 of 60 min"
    zh = agenda(store, P, today=TODAY, lang="zh")
    lines = zh.lines()
    assert lines[0] == "议程 — Atlas 迁移（60 分钟）"
    assert "截至 2026-10-15 的未结事项" in lines[1]
    assert "待定决策" in lines and "主要风险" in lines
    assert "  2. Send the migration plan（王芳；已逾期 3 天） — " in "\n".join(lines)
    assert lines[-1] == "合计：60 / 60 分钟"
    assert zh.item_lines()[1].startswith("2. 待办跟进：Send the migration plan")
    with language("zh"):  # the session's language by default
        assert agenda(store, P, today=TODAY).lang == "zh"


def test_html_is_a_table_with_every_text_escaped(store, project):
    store.add(
        FollowUp(project_id=project.id, title="<script>alert(1)</script>", due=day(2), owner="A&B")
    )
    html = agenda(store, P, today=TODAY)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "A&amp;B" in html
    assert html.count('class="commlib-agenda-section"') == 8
    assert "<th>Details</th>" in html and "Total: 60 of 60 min" in html


def test_the_frame_has_a_row_per_item_with_its_start(store, project):
    found = agenda(store, P, today=TODAY)
    df = found.frame()
    assert list(df["title"]) == titles(found)
    assert df["starts_after"].iloc[0] == 0
    assert df["starts_after"].iloc[-1] + df["minutes"].iloc[-1] == 60
    assert df.loc[1, "section_label"] == "Follow-ups due" and df.loc[1, "kind"] == "follow_ups"


def test_fitted_scales_the_items_to_another_length(store, project):
    found = agenda(store, P, today=TODAY)
    longer = found.fitted(90)
    assert longer.total == 90 and titles(longer) == titles(found)
    edited = type(found)(
        P,
        [AgendaItem("opening", "Hi", 5), AgendaItem("follow_ups", "X", 10),
         AgendaItem("other", "Lunch order", 30)],
        duration=60,
    )  # fmt: skip
    assert edited.total == 45
    assert [i.minutes for i in edited.fitted().items] == [7, 13, 40]


@pytest.mark.parametrize(
    ("options", "field"), [({"duration": 2}, "duration"), ({"days": -1}, "days"),
                           ({"audience": "public"}, "audience")],
)  # fmt: skip
def test_bad_options_are_refused(store, project, options, field):
    with pytest.raises(InvalidRecord) as err:
        agenda(store, P, today=TODAY, **options)
    assert err.value.problems[0].field == field


def test_nothing_open_leaves_the_opening_and_any_other_business(store):
    store.add(Project(name="Empty", client="C", start=TODAY))
    found = agenda(store, "Empty", today=TODAY, duration=30)
    assert [(i.section, i.minutes) for i in found.items] == [("opening", 2), ("aob", 28)]


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "cli.db"
    meeting_project(Store(db))

    def invoke(*args, lang="en"):
        return CliRunner().invoke(
            cli, ["--db", str(db), "--lang", lang, *args], catch_exceptions=False
        )

    return invoke


def test_cli_prints_the_agenda(run):
    result = run("meeting", "agenda", "--project", P, "--today", "2026-10-01")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Agenda — Atlas 迁移 (60 min)\n")
    assert "Send the migration plan" in result.output
    assert "Total: 60 of 60 min" in result.output
    zh = run("meeting", "agenda", "--project", P, "--today", "2026-10-01", "--duration", "45",
             "--audience", "client", lang="zh")  # fmt: skip
    assert "议程 — Atlas 迁移（45 分钟）" in zh.output and "合计：45 / 45 分钟" in zh.output
    assert "Check the vendor's quote" not in zh.output


def test_cli_json(run):
    result = run(
        "meeting", "agenda", "--project", P, "--today", "2026-10-01", "--days", "30", "--json"
    )
    payload = json.loads(result.output)
    assert payload["duration"] == payload["total"] == 60
    assert payload["until"] == "2026-10-31" and payload["audience"] == "internal"
    first = payload["items"][1]
    assert first["title"] == "Send the migration plan" and first["due"] == "2026-09-28"
    assert first["section"] == "follow_ups" and first["section_label"] == "Follow-ups due"
    assert "Plan the go-live party" in [i["title"] for i in payload["items"]]


def test_cli_refusals_are_one_line(run):
    result = CliRunner().invoke(cli, ["meeting", "agenda", "--project", "Nope"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Nope" in result.output
    bad = run("meeting", "agenda", "--project", P, "--duration", "1")
    assert bad.exit_code == 2 and "5<=x<=720" in bad.output
