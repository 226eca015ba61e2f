"""Minutes the client confirms: saved in one transaction (all of it or nothing), summarised back
in an e-mail draft read back with the ``email`` module, confirmed like the scope, listed in the
status review while they are not; and the ``commlib meeting minutes|confirm`` commands."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest
from click.testing import CliRunner

from commlib import Conflict, InvalidRecord, Issue, Meeting, NotFound, Problem, Project, Store
from commlib.cli import cli
from commlib.meetings.minutes import (
    DecisionItem,
    FollowUpItem,
    IssueItem,
    Minutes,
    confirm_minutes,
    meeting_day,
    minutes_email,
    read_minutes,
    save_minutes,
    team_names,
    unconfirmed_minutes,
    write_minutes_email,
)

from .conftest import fill

P = "华辰 ERP 升级"
SECRET = "INTERNAL-MINUTES-NOTE"
#: 14:00 in Shanghai on 10 March 2026
START = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
KINDS = ("contacts", "decisions", "follow_ups", "issues", "meetings")


@pytest.fixture(autouse=True)
def shanghai(monkeypatch):
    """The machine's time zone is Asia/Shanghai (a meeting's day is where it is held)."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def people(store) -> dict[str, int]:
    return {s.name: s.id for s in store.records("stakeholders", P)}


def counts(store) -> dict[str, int]:
    found = {kind: len(store.records(kind, P)) for kind in KINDS}
    found["history"] = len(store.history(P))
    return found


def minutes(store, **changes) -> Minutes:
    who = people(store)
    values = {
        "title": "需求评审会",
        "start": START,
        "stakeholder_ids": [who["张伟"], who["Li Na"]],
        "team": ["王芳", "Li Lei"],
        "summary": "客户同意分批上线。\n第二批在五月。",
        "notes": f"张伟对预算很敏感 {SECRET}",
        "decisions": [
            DecisionItem("采用分批上线", decided_by="张伟"),
            DecisionItem("周报改为双周报", decided_by="王芳"),
        ],
        "follow_ups": [
            FollowUpItem("发送迁移方案", owner="王芳", due=date(2026, 3, 13)),
            FollowUpItem("确认第二批范围", owner="张伟"),
        ],
        "issues": [IssueItem("主数据质量不达标", severity=4, owner="王芳")],
    }
    return Minutes(**{**values, **changes})


def planned(store, **changes) -> Meeting:
    who = people(store)
    values = {
        "project_id": store.project(P).id,
        "title": "需求评审",
        "start": datetime(2026, 3, 10, 23, 30, tzinfo=UTC),  # 07:30 on 11 March in Shanghai
        "timezone": "Asia/Shanghai",
        "stakeholder_ids": [who["张伟"]],
        "agenda": ["第二批范围"],
        "uid": "review-1@commlib",
        "sequence": 2,
        "visibility": "client",
    }
    return store.add(Meeting(**{**values, **changes}))


# --- saving --------------------------------------------------------------------------------


def test_minutes_are_a_contact_its_records_and_a_held_meeting(filled):
    before = counts(filled)
    meeting = save_minutes(filled, P, minutes(filled), at=datetime(2026, 3, 10, 8, 0, tzinfo=UTC))
    after = counts(filled)
    assert {k: after[k] - before[k] for k in KINDS} == {
        "contacts": 1,
        "decisions": 2,
        "follow_ups": 2,
        "issues": 1,
        "meetings": 1,
    }
    assert meeting.status == "held" and meeting.title == "需求评审会"
    assert meeting.start == START and meeting.visibility == "client"
    contact = filled.get("contacts", meeting.contact_id)
    who = people(filled)
    assert contact.channel == "meeting" and contact.subject == "需求评审会"
    assert contact.stakeholder_ids == [who["张伟"], who["Li Na"]]
    assert meeting.stakeholder_ids == contact.stakeholder_ids
    assert contact.summary == "我方参会：王芳、Li Lei\n\n客户同意分批上线。\n第二批在五月。"
    assert SECRET in contact.notes and contact.source == "minutes"
    records = read_minutes(filled, meeting.id)
    assert records.team == ["王芳", "Li Lei"]
    assert records.summary == "客户同意分批上线。\n第二批在五月。"
    decisions = {d.title: d for d in records.decisions}
    assert {d.status for d in decisions.values()} == {"taken"}
    assert {d.decided_on for d in decisions.values()} == {date(2026, 3, 10)}
    assert {d.contact_id for d in decisions.values()} == {contact.id}
    # a decision a stakeholder took is the client's; one the team took, the team's
    assert decisions["采用分批上线"].decider == "client"
    assert decisions["周报改为双周报"].decider == "team"
    assert [(f.title, f.owner, f.due, f.contact_id) for f in records.follow_ups] == [
        ("发送迁移方案", "王芳", date(2026, 3, 13), contact.id),
        ("确认第二批范围", "张伟", None, contact.id),
    ]
    [issue] = records.issues
    assert (issue.title, issue.severity, issue.owner) == ("主数据质量不达标", 4, "王芳")
    assert issue.raised_on == date(2026, 3, 10)
    # the issue that was already in the log is not one of the minutes'
    assert len(filled.records("issues", P)) == 3


def test_a_planned_meeting_becomes_held_and_keeps_its_invitation(filled):
    invitation = planned(filled)
    meeting = save_minutes(
        filled, P, minutes(filled, start=invitation.start, meeting_id=invitation.id)
    )
    assert meeting.id == invitation.id
    assert len(filled.records("meetings", P)) == 2  # the fixture's, and this one: none added
    assert meeting.status == "held" and meeting.contact_id is not None
    assert meeting.title == "需求评审会"  # as the minutes say; the planned title is history
    assert (meeting.uid, meeting.sequence, meeting.agenda) == (
        "review-1@commlib",
        2,
        ["第二批范围"],
    )
    assert meeting.stakeholder_ids == invitation.stakeholder_ids  # the invitees
    # the meeting's day is where it is held: 11 March in Shanghai
    records = read_minutes(filled, meeting.id)
    assert {d.decided_on for d in records.decisions} == {date(2026, 3, 11)}
    history = filled.history(P, kind="meetings", record_id=meeting.id)
    assert ("status", "planned", "held") in {(r.field, r.old, r.new) for r in history.itertuples()}


def test_an_invalid_follow_up_after_valid_ones_writes_nothing(filled):
    before = counts(filled)
    bad = minutes(
        filled,
        follow_ups=[
            FollowUpItem("发送迁移方案", owner="王芳"),
            FollowUpItem("确认范围", owner="张伟"),
            FollowUpItem("", owner="Li Lei"),
        ],
    )
    with pytest.raises(InvalidRecord) as caught:
        save_minutes(filled, P, bad)
    assert [(p.where, p.field) for p in caught.value.problems] == [("Follow-ups 3", "title")]
    assert counts(filled) == before


def test_a_store_write_failing_in_the_middle_leaves_nothing(filled, monkeypatch):
    """The contact, both decisions and the follow-ups are written, then the issue fails."""
    before = counts(filled)
    real_add = filled.add
    written = []

    def add(record):
        if isinstance(record, Issue):
            raise InvalidRecord([Problem("owner", record.owner, "owner has left")])
        written.append(record.kind)
        return real_add(record)

    monkeypatch.setattr(filled, "add", add)
    with pytest.raises(InvalidRecord) as caught:
        save_minutes(filled, P, minutes(filled))
    monkeypatch.undo()
    assert written == ["contacts", "decisions", "decisions", "follow_ups", "follow_ups"]
    assert caught.value.problems[0].where == "Issues 1"
    assert counts(filled) == before


def test_a_planned_meeting_failing_to_update_takes_the_minutes_back(filled, monkeypatch):
    invitation = planned(filled)
    before = counts(filled)

    def update(*_args, **_kwargs):
        raise Conflict("the meeting changed meanwhile")

    monkeypatch.setattr(filled, "update", update)
    with pytest.raises(Conflict):
        save_minutes(filled, P, minutes(filled, meeting_id=invitation.id))
    monkeypatch.undo()
    assert counts(filled) == before
    assert filled.get("meetings", invitation.id) == invitation


def test_every_problem_is_told_at_once_and_nothing_is_written(filled):
    before = counts(filled)
    bad = minutes(
        filled,
        title=" ",
        stakeholder_ids=[],
        follow_ups=[FollowUpItem("发送迁移方案", due=date(2026, 3, 9))],
        issues=[IssueItem("接口不通", severity=7)],
    )
    with pytest.raises(InvalidRecord) as caught:
        save_minutes(filled, P, bad)
    found = {(p.where, p.field) for p in caught.value.problems}
    assert found == {
        ("Meetings", "title"),
        ("Meetings", "stakeholder_ids"),
        ("Follow-ups 1", "due"),
        ("Issues 1", "severity"),
    }
    due = next(p for p in caught.value.problems if p.field == "due")
    assert "before the meeting (10 Mar 2026)" in due.message
    assert counts(filled) == before


def test_minutes_of_a_meeting_held_already_or_of_another_project_are_refused(filled):
    held = filled.records("meetings", P)[0]
    assert held.status == "held"
    before = counts(filled)
    with pytest.raises(Conflict, match="Held, not planned"):
        save_minutes(filled, P, minutes(filled, meeting_id=held.id))
    other = filled.add(Project(name="Other", client="X", start=date(2026, 1, 1)))
    theirs = filled.add(Meeting(project_id=other.id, title="Kickoff", start=START))
    with pytest.raises(NotFound, match=f"#{theirs.id} is not a meeting of {P}"):
        save_minutes(filled, P, minutes(filled, meeting_id=theirs.id))
    with pytest.raises(NotFound):
        save_minutes(filled, P, minutes(filled, meeting_id=999))
    assert counts(filled) == before


def test_names_and_days():
    assert team_names("王芳、Li Lei, 王芳；Wang Fang\n") == ["王芳", "Li Lei", "Wang Fang"]
    assert team_names(["王芳, Li Lei", " "]) == ["王芳", "Li Lei"]
    late = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    assert meeting_day(late, "Asia/Shanghai") == date(2026, 3, 11)
    assert meeting_day(late, "Europe/London") == date(2026, 3, 10)
    assert meeting_day(late) == date(2026, 3, 11)  # the machine's zone (Shanghai, here)


# --- the e-mail ----------------------------------------------------------------------------


def _parsed(message):
    data = message.as_bytes(policy=policy.SMTP)
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    return message_from_bytes(data, policy=policy.default)


def test_the_email_goes_to_the_attendees_and_lists_the_minutes(filled):
    meeting = save_minutes(filled, P, minutes(filled))
    mail = _parsed(minutes_email(filled, meeting.id, on=date(2026, 3, 10)))
    assert [a.addr_spec for a in mail["To"].addresses] == [
        "zhang.wei@huachen.cn",
        "li.na@huachen.cn",
    ]
    assert [a.display_name for a in mail["To"].addresses] == ["张伟", "Li Na"]
    # the team's first address that is a person's (the first one is a domain)
    assert mail["From"].addresses[0].addr_spec == "lead@nimbus-consulting.com"
    assert mail["Subject"] == "会议纪要请确认：需求评审会（2026-03-10）— 华辰 ERP 升级"
    assert mail["X-Unsent"] == "1" and mail["Content-Language"] == "zh-CN"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        for expected in (
            "张伟、Li Na，您好",
            "王芳、Li Lei",
            "客户同意分批上线。",
            "采用分批上线",
            "发送迁移方案",
            "2026-03-13",
            "确认第二批范围",
            "主数据质量不达标",
            "请回复确认",
        ):
            assert expected in body, expected
        assert SECRET not in body and "敏感" not in body
    assert "1. 发送迁移方案（负责人：王芳；截止日期：2026-03-13）" in text
    assert "1. 主数据质量不达标（严重程度：4；负责人：王芳）" in text
    assert "<script" not in html
    assert SECRET not in mail.as_string()
    assert filled.get("meetings", meeting.id).minutes_sent_on == date(2026, 3, 10)


def test_the_email_in_english_leaves_out_what_is_internal(filled, tmp_path):
    meeting = save_minutes(
        filled,
        P,
        minutes(
            filled,
            follow_ups=[
                FollowUpItem("Send the migration plan", owner="王芳", due=date(2026, 3, 13)),
                FollowUpItem("Check their budget quietly", visibility="internal"),
            ],
        ),
    )
    path = write_minutes_email(filled, meeting.id, tmp_path / "minutes.eml", lang="en")
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert (
        mail["Subject"] == "Minutes for your confirmation: 需求评审会 (10 Mar 2026) — 华辰 ERP 升级"
    )
    text = mail.get_body(("plain",)).get_content()
    assert text.startswith("Dear 张伟, Li Na,")
    assert "1. Send the migration plan (Owner: 王芳; Due: 13 Mar 2026)" in text
    assert "Our team: 王芳, Li Lei" in text
    assert "Check their budget" not in mail.as_string()
    assert SECRET not in mail.as_string()


def test_the_email_of_a_meeting_without_minutes_is_refused(filled):
    invitation = planned(filled)
    with pytest.raises(Conflict, match="has no minutes yet"):
        minutes_email(filled, invitation.id)
    assert filled.get("meetings", invitation.id).minutes_sent_on is None


# --- the confirmation ------------------------------------------------------------------------


def test_sent_then_listed_after_three_days_then_confirmed_then_gone(filled):
    meeting = save_minutes(filled, P, minutes(filled))
    minutes_email(filled, meeting.id, on=date(2026, 3, 10))
    mine = lambda frame: frame[frame["id"] == meeting.id]  # noqa: E731
    assert mine(unconfirmed_minutes(filled, P, today=date(2026, 3, 13))).empty  # 3 days
    late = mine(unconfirmed_minutes(filled, P, today=date(2026, 3, 14)))
    assert late.to_dict("records") == [
        {
            "id": meeting.id,
            "title": "需求评审会",
            "held_on": date(2026, 3, 10),
            "attendees": "张伟, Li Na",
            "minutes_sent_on": date(2026, 3, 10),
            "waiting_days": 4,
            "meeting_no": f"#{meeting.id}",
        }
    ]
    assert not mine(unconfirmed_minutes(filled, P, today=date(2026, 3, 12), older_than=1)).empty
    confirmed = confirm_minutes(
        filled, meeting.id, by="张伟", on=date(2026, 3, 14), channel="email"
    )
    assert (confirmed.confirmed_by, confirmed.confirmed_on, confirmed.confirmed_channel) == (
        "张伟",
        date(2026, 3, 14),
        "email",
    )
    assert mine(unconfirmed_minutes(filled, P, today=date(2026, 4, 1))).empty
    history = filled.history(P, kind="meetings", record_id=meeting.id)
    entries = {r.field: (r.new, r.changed_at) for r in history.itertuples()}
    noon = datetime(2026, 3, 14, 12, tzinfo=UTC)
    assert entries["confirmed_by"] == ("张伟", noon)
    assert entries["confirmed_on"] == ("2026-03-14", noon)
    assert entries["confirmed_channel"] == ("email", noon)
    assert entries["minutes_sent_on"][0] == "2026-03-10"
    # a later e-mail (a copy for someone) does not undo the confirmation
    minutes_email(filled, meeting.id, on=date(2026, 3, 20))
    assert filled.get("meetings", meeting.id).minutes_sent_on == date(2026, 3, 10)


def test_a_confirmation_is_refused_when_it_cannot_be(filled):
    meeting = save_minutes(filled, P, minutes(filled))
    with pytest.raises(InvalidRecord, match="before the meeting"):
        confirm_minutes(filled, meeting.id, by="张伟", on=date(2026, 3, 9))
    with pytest.raises(InvalidRecord, match="say who confirmed"):
        confirm_minutes(filled, meeting.id, by=" ", on=date(2026, 3, 11))
    with pytest.raises(InvalidRecord, match="confirmed_channel"):
        confirm_minutes(filled, meeting.id, by="张伟", on=date(2026, 3, 11), channel="fax")
    with pytest.raises(NotFound):
        confirm_minutes(filled, 999, by="张伟", on=date(2026, 3, 11))
    invitation = planned(filled)
    with pytest.raises(Conflict, match="has no minutes yet"):
        confirm_minutes(filled, invitation.id, by="张伟", on=date(2026, 3, 11))
    assert filled.get("meetings", meeting.id).confirmed_on is None


def test_a_client_sees_only_shared_meetings_that_went_out(filled):
    who = people(filled)
    shared = save_minutes(filled, P, minutes(filled, title="周例会 A"))
    internal = save_minutes(filled, P, minutes(filled, title="内部复盘", visibility="internal"))
    for meeting in (shared, internal):
        minutes_email(filled, meeting.id, on=date(2026, 3, 10))
    team = unconfirmed_minutes(filled, P, today=date(2026, 3, 20))
    # the fixture's held meeting has not gone out: listed for the team, from its day
    assert list(team["title"]) == ["周例会", "周例会 A", "内部复盘"]
    assert list(team["waiting_days"]) == [18, 10, 10]
    client = unconfirmed_minutes(filled, P, today=date(2026, 3, 20), audience="client")
    assert list(client["title"]) == ["周例会 A"]
    assert list(client["attendees"]) == ["张伟"]  # Li Na is not shared with the client
    assert who["Li Na"] not in filled.frame("stakeholders", P, audience="client")["id"].tolist()


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "cli.db"
    store = Store(db)
    fill(store)
    meeting = save_minutes(store, P, minutes(store))
    store.close()

    def invoke(*args, lang="en"):
        result = CliRunner().invoke(cli, ["--db", str(db), "--lang", lang, *args])
        assert result.exception is None or isinstance(result.exception, SystemExit)
        return result

    invoke.db, invoke.meeting = db, meeting.id
    return invoke


def test_the_minutes_command_writes_the_email(run, tmp_path):
    out = tmp_path / "minutes.eml"
    result = run(
        "meeting", "minutes", "--project", P, "--meeting", str(run.meeting), "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and "zhang.wei@huachen.cn" in result.output
    mail = message_from_bytes(out.read_bytes(), policy=policy.default)
    assert mail["Subject"].startswith("会议纪要请确认")
    english = tmp_path / "en.eml"
    run("meeting", "minutes", "--project", P, "--meeting", str(run.meeting), "--lang", "en",
        "-o", str(english))  # fmt: skip
    assert "Minutes for your confirmation" in english.read_text()
    with Store(run.db) as store:
        assert store.get("meetings", run.meeting).minutes_sent_on == date.today()


def test_the_confirm_command_records_the_confirmation(run):
    result = run(
        "meeting", "confirm", "--project", P, "--meeting", str(run.meeting),
        "--by", "张伟", "--on", "2026-03-12", "--channel", "phone",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"Minutes of '需求评审会' (#{run.meeting}) confirmed by 张伟 on 2026-03-12 (Phone)."
    )
    with Store(run.db) as store:
        meeting = store.get("meetings", run.meeting)
    assert (meeting.confirmed_by, meeting.confirmed_on, meeting.confirmed_channel) == (
        "张伟",
        date(2026, 3, 12),
        "phone",
    )
    chinese = run(
        "meeting", "confirm", "--project", P, "--meeting", str(run.meeting),
        "--by", "张伟", "--on", "2026-03-13", lang="zh",
    )  # fmt: skip
    assert chinese.output.strip() == (
        f"会议“需求评审会”（#{run.meeting}）的纪要已由 张伟 于 2026-03-13 确认（邮件）。"
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--meeting", "999", "--by", "张伟"], "#999"),
        (["--by", "张伟", "--on", "2026-03-01"], "before the meeting"),
        (["--by", "张伟", "--channel", "fax"], "confirmed_channel"),
    ],
)
def test_the_confirm_command_says_what_is_wrong_in_one_line(run, args, says):
    if "--meeting" not in args:
        args = ["--meeting", str(run.meeting), *args]
    result = run("meeting", "confirm", "--project", P, *args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and says in lines[0], result.output
    assert "Traceback" not in result.output
    with Store(run.db) as store:
        assert store.get("meetings", run.meeting).confirmed_on is None


def test_the_minutes_command_refuses_a_meeting_of_another_project(run, tmp_path):
    with Store(run.db) as store:
        other = store.add(Project(name="Other", client="X", start=date(2026, 1, 1)))
    result = run("meeting", "minutes", "--project", "Other", "--meeting", str(run.meeting),
                 "-o", str(tmp_path / "x.eml"))  # fmt: skip
    assert result.exit_code == 1
    assert f"is not a meeting of {other.name}" in result.output
    assert not (tmp_path / "x.eml").exists()


# --- the status review ---------------------------------------------------------------------------


def test_the_status_review_lists_unconfirmed_minutes_and_a_client_only_shared_ones(tmp_path):
    from commlib.report import export_report

    db = tmp_path / "report.db"
    with Store(db) as store:
        fill(store)
        shared = save_minutes(store, P, minutes(store, title="客户周会 SHARED-MINUTES"))
        hidden = save_minutes(
            store, P, minutes(store, title="内部会 HIDDEN-MINUTES", visibility="internal")
        )
        for meeting in (shared, hidden):
            minutes_email(store, meeting.id, on=date(2026, 3, 20))
    pages = {
        audience: export_report(
            str(db),
            "status_review",
            P,
            audience=audience,
            lang="zh",
            until=date(2026, 3, 31),
            out=tmp_path / f"{audience}.html",
        )
        .read_text(encoding="utf-8")
        .replace("<wbr/>", "")  # (between the words of Chinese text)
        for audience in ("client", "internal")
    }
    for page in pages.values():
        assert "待确认的会议纪要" in page
        assert "客户周会 SHARED-MINUTES" in page
        assert SECRET not in page and "INTERNAL-SENTINEL" not in page
        assert "commlib meeting confirm" not in page  # the help cells stay in the notebook
    assert "HIDDEN-MINUTES" in pages["internal"]
    assert "HIDDEN-MINUTES" not in pages["client"]
    # the team sees each meeting's number, for ``commlib meeting confirm --meeting``
    assert f"<td>#{hidden.id}</td>" in pages["internal"]
    assert ">会议编号<" in pages["internal"] and ">会议编号<" not in pages["client"]
    for header in ("会议日期", "参会人", "纪要发送日期", "已等待（天）"):
        assert f">{header}<" in pages["client"], header
