"""Logging a contact from Python: the contact and its follow-ups stored together, or nothing."""

import time
from datetime import UTC, date, datetime

import pytest

from commlib import Contact, FollowUp, InvalidRecord, Project
from commlib.contacts import log_contact
from commlib.contacts.log import follow_up_where
from commlib.i18n import language, t

BACKENDS = ("sqlite", "postgresql")
P = "华辰 ERP 升级"
WHEN = datetime(2026, 3, 10, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai


@pytest.fixture(autouse=True)
def shanghai(monkeypatch):
    """The machine's local time zone is Asia/Shanghai (UTC+8): a contact's day is its day there."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def stored(store):
    """What a caller could find in the store: every record and the history."""
    kinds = ("contacts", "follow_ups", "stakeholders", "projects")
    return {k: len(store.records(k)) for k in kinds} | {"history": len(store.history())}


def contact(store, **values):
    project = store.project(P)
    zhang = next(s.id for s in store.records("stakeholders", P) if s.name == "张伟")
    defaults = {"when": WHEN, "stakeholder_ids": [zhang], "subject": "讨论数据迁移"}
    return Contact(project_id=project.id, **(defaults | values))


def follow_up(store, title, **values):
    return FollowUp(project_id=store.project(P).id, title=title, **values)


def test_the_contact_and_its_follow_ups_are_stored_linked_to_it(filled):
    before = stored(filled)
    saved, added = log_contact(
        filled,
        contact(filled),
        [
            follow_up(filled, "发送会议纪要", due=date(2026, 3, 10)),
            follow_up(filled, "确认上线日期"),
        ],
    )
    assert filled.get("contacts", saved.id).subject == "讨论数据迁移"
    linked = [f for f in filled.records("follow_ups", P) if f.contact_id == saved.id]
    assert [(f.id, f.title, f.due) for f in linked] == [
        (added[0].id, "发送会议纪要", date(2026, 3, 10)),  # due on the contact's day is fine
        (added[1].id, "确认上线日期", None),
    ]
    after = stored(filled)
    assert after["contacts"] == before["contacts"] + 1
    assert after["follow_ups"] == before["follow_ups"] + 2


def test_a_contact_alone_is_logged_too(filled):
    saved, added = log_contact(filled, contact(filled, stakeholder_ids=[], subject="电话沟通"))
    assert added == [] and filled.get("contacts", saved.id).subject == "电话沟通"


def test_a_follow_up_given_another_contact_is_linked_to_this_one(filled):
    earlier = filled.records("contacts", P)[0]
    saved, [added] = log_contact(
        filled, contact(filled), [follow_up(filled, "发送会议纪要", contact_id=earlier.id)]
    )
    assert filled.get("follow_ups", added.id).contact_id == saved.id != earlier.id


def test_a_bad_follow_up_after_a_good_contact_stores_neither(filled):
    before = stored(filled)
    with pytest.raises(InvalidRecord) as err:
        log_contact(
            filled,
            contact(filled),
            [follow_up(filled, "发送会议纪要"), follow_up(filled, "太早了", due=date(2026, 3, 9))],
        )
    assert [(p.where, p.field) for p in err.value.problems] == [(follow_up_where(2), "due")]
    assert stored(filled) == before


def test_a_follow_up_the_store_refuses_midway_undoes_the_contact_and_the_first(filled, monkeypatch):
    other = filled.add(Project(name="Atlas", client="Acme", start=date(2026, 1, 5)))
    before = stored(filled)
    written = []
    real_add = filled.add

    def add(record):
        written.append(record.kind)
        return real_add(record)

    monkeypatch.setattr(filled, "add", add)
    with pytest.raises(InvalidRecord) as err:
        log_contact(
            filled,
            contact(filled),
            [
                follow_up(filled, "发送会议纪要"),
                FollowUp(project_id=other.id, title="另一个项目的事"),  # its contact is not Atlas's
            ],
        )
    assert written == ["contacts", "follow_ups", "follow_ups"]  # written, then taken back
    [problem] = err.value.problems
    assert (problem.where, problem.field) == (follow_up_where(2), "contact_id")
    monkeypatch.undo()
    assert stored(filled) == before


def test_a_contact_with_nobody_and_no_subject_stores_nothing(filled):
    before = stored(filled)
    with pytest.raises(InvalidRecord) as err:
        log_contact(filled, contact(filled, stakeholder_ids=[], subject=""), [])
    assert {p.field for p in err.value.problems} == {"stakeholder_ids", "subject"}
    assert stored(filled) == before


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "待跟进事项 2, due = 2026-03-09: 截止日期早于这次沟通（2026-03-10）"),
        ("en", "Follow-ups 2, due = 2026-03-09: due before the contact itself (10 Mar 2026)"),
    ],
)
def test_what_a_caller_reads_about_a_bad_follow_up(filled, lang, expected):
    with language(lang), pytest.raises(InvalidRecord) as err:
        log_contact(
            filled,
            contact(filled),
            [follow_up(filled, "发送会议纪要"), follow_up(filled, "太早了", due=date(2026, 3, 9))],
        )
    day = "2026-03-10" if lang == "zh" else "10 Mar 2026"
    assert err.value.problems[0].message == t("widgets.contact.due_before_contact", lang, date=day)
    assert str(err.value) == f"{expected}. {t('error.fix_hint', lang)}"
