"""Responses stored column-wise (``commlib._responses``): the upgrade from version 5 (one JSON
document per response) keeps every answer, and records of responses work one at a time."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from commlib import Conflict, Project, Question, Response, Store, Survey, _responses, _schema
from commlib.surveys import data

BACKENDS = ("sqlite", "postgresql")

QUESTIONS = [
    ("Q1", "likert", ["很不满意", "不满意", "一般", "满意", "很满意"]),
    ("Q2", "nps", []),
    ("Q3", "rating", ["0", "10"]),
    ("Q4", "single", ["财务", "运营", "IT"]),
    ("Q5", "multi", ["邮件", "电话", "会议"]),
    ("Q6", "text", []),
]
#: what version 5 held, answers as JSON: numbers (whole and not), text, CJK, lists,
#: None and missing answers, a partial response, one shared with the client
OLD = [
    (
        "r1",
        {
            "Q1": 4,
            "Q2": 9,
            "Q3": 7.5,
            "Q4": "财务",
            "Q5": ["邮件", "会议"],
            "Q6": "响应及时，谢谢！",
        },
        True,
    ),
    ("r2", {"Q1": 2, "Q2": 3, "Q3": 10, "Q4": "IT", "Q5": [], "Q6": 'line one\nline "two"'}, True),
    ("r3", {"Q1": None, "Q2": 10, "Q5": ["电话"]}, True),
    ("r4", {"Q1": 5}, False),
    ("r5", {}, True),
]


def _version_5(store: Store) -> None:
    """Turn a new store back into version 5: its ``responses`` table, rows with JSON answers."""
    project = store.add(Project(name="华辰", client="C", start=date(2026, 1, 1)))
    survey = store.add(Survey(project_id=project.id, name="满意度", wave="W1"))
    store.add_all(
        [
            Question(project_id=project.id, survey_id=survey.id, code=c, text=c, type=k,
                     options=o, position=n)
            for n, (c, k, o) in enumerate(QUESTIONS, start=1)
        ]
    )  # fmt: skip
    old = sa.MetaData()
    table = sa.Table(
        "responses",
        old,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("visibility", sa.String(8), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("created_at", _schema.UTCDateTime(), nullable=True),
        sa.Column("updated_at", _schema.UTCDateTime(), nullable=True),
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id"), nullable=False),
        sa.Column("respondent", sa.Text, nullable=False),
        sa.Column("submitted_at", _schema.UTCDateTime(), nullable=True),
        sa.Column("duration_s", sa.Float, nullable=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.UniqueConstraint("survey_id", "respondent"),
    )
    sa.Table("projects", old, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("surveys", old, sa.Column("id", sa.Integer, primary_key=True))
    with store.transaction() as conn:
        undo_version_8(conn)
        _undo_version_7(conn)
        conn.execute(sa.text("DROP TABLE response_batches"))
        conn.execute(_schema.meta.delete().where(_schema.meta.c.key == "response_ids"))
        table.create(conn)
        for n, (who, answers, complete) in enumerate(OLD, start=1):
            conn.execute(
                table.insert().values(
                    id=n * 10,
                    project_id=project.id,
                    visibility="client" if who == "r1" else "internal",
                    notes="内部备注" if who == "r2" else "",
                    created_at=datetime(2026, 3, 1, tzinfo=UTC),
                    updated_at=datetime(2026, 3, 1, tzinfo=UTC),
                    survey_id=survey.id,
                    respondent=who,
                    submitted_at=None if who == "r5" else datetime(2026, 3, n, 8, 30, tzinfo=UTC),
                    duration_s=None if who == "r3" else 60.5 * n,
                    source="wjx",
                    answers=answers,
                    complete=complete,
                )
            )
        conn.execute(
            _schema.meta.update().values(value="5").where(_schema.meta.c.key == "schema_version")
        )


def undo_version_8(conn: sa.Connection) -> None:
    """What version 8 added: the history's actor; on PostgreSQL, the access control (grants
    table, functions, row-level security, guard triggers, privileges to PUBLIC)."""
    if conn.dialect.name == "postgresql":
        for table in sa.inspect(conn).get_table_names():
            conn.execute(sa.text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
            policies = conn.execute(
                sa.text("SELECT policyname FROM pg_policies WHERE tablename = :t"), {"t": table}
            )
            for policy in policies.scalars().all():
                conn.execute(sa.text(f"DROP POLICY {policy} ON {table}"))
            conn.execute(sa.text(f"DROP TRIGGER IF EXISTS commlib_guard ON {table}"))
        conn.execute(sa.text("DROP TABLE project_access"))
        functions = conn.execute(
            sa.text("SELECT oid::regprocedure::text FROM pg_proc WHERE proname LIKE 'commlib_%'")
        )
        for function in functions.scalars().all():
            conn.execute(sa.text(f"DROP FUNCTION {function}"))
        for what in ("TABLES", "SEQUENCES"):
            conn.execute(sa.text(f"REVOKE ALL ON ALL {what} IN SCHEMA public FROM PUBLIC"))
    conn.execute(sa.text("ALTER TABLE history DROP COLUMN actor"))


def _undo_version_7(conn: sa.Connection) -> None:
    """What version 7 added (meetings, the RACI matrix, working time, pending decisions)."""
    for table in ("meetings_stakeholders", "meetings", "raci"):
        conn.execute(sa.text(f"DROP TABLE {table}"))
    for table, columns in [
        ("stakeholders", ("address_as", "work_hours", "lunch", "holiday_region", "etiquette")),
        ("decisions", ("status", "decider", "needed_by")),
    ]:
        for column in columns:
            conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))


@pytest.fixture
def old_store(store_url: str) -> str:
    store = Store(store_url)
    _version_5(store)
    store.close()
    return store_url


@pytest.fixture
def upgraded(old_store: str):
    with Store(old_store) as store:
        yield store


def test_a_version_5_store_upgrades_without_losing_an_answer(upgraded):
    store = upgraded
    assert store.upgraded_from == 5 and store.schema_version == _schema.SCHEMA_VERSION
    found = {r.respondent: r for r in store.records("responses")}
    assert list(found) == [who for who, _a, _c in OLD]
    for n, (who, answers, complete) in enumerate(OLD, start=1):
        response = found[who]
        assert response.id == n * 10
        kept = {k: v for k, v in answers.items() if v is not None}
        assert json.dumps(response.answers) == json.dumps(kept)  # 10 stays 10, not 10.0
        assert response.complete is complete
        assert response.duration_s == (None if who == "r3" else 60.5 * n)
        assert response.submitted_at == (
            None if who == "r5" else datetime(2026, 3, n, 8, 30, tzinfo=UTC)
        )
    assert found["r1"].answers["Q1"] == 4 and isinstance(found["r1"].answers["Q1"], int)
    assert found["r2"].notes == "内部备注"
    assert store.get("responses", 20).answers["Q6"] == 'line one\nline "two"'
    shared = store.frame("responses", "华辰", audience="client")
    assert shared["respondent"].tolist() == ["r1"] and "notes" not in shared.columns

    frame = data.responses_frame(store, project="华辰", name="满意度", incomplete=True)
    assert frame["respondent"].tolist() == ["r1", "r2", "r3", "r4", "r5"]
    assert frame["response_id"].tolist() == [10, 20, 30, 40, 50]
    np.testing.assert_array_equal(frame["Q1"], [4, 2, np.nan, 5, np.nan])
    np.testing.assert_array_equal(frame["Q3"], [7.5, 10, np.nan, np.nan, np.nan])
    assert (
        frame["Q4"].tolist()[:2] == ["财务", "IT"] and frame["Q4"].isna().tolist()[2:] == [True] * 3
    )
    assert list(frame["Q4"].cat.categories) == ["财务", "运营", "IT"]
    assert frame["Q5"].tolist()[:3] == [["邮件", "会议"], [], ["电话"]]
    assert frame["Q6"].tolist()[0] == "响应及时，谢谢！"
    assert frame["complete"].tolist() == [True, True, True, False, True]
    assert data.responses_frame(store, project="华辰", name="满意度")["respondent"].tolist() == [
        "r1", "r2", "r3", "r5"
    ]  # fmt: skip

    # new responses take ids after the old ones; a respondent still answers once
    survey = store.records("surveys")[0]
    added = store.add(Response(project_id=survey.project_id, survey_id=survey.id, respondent="r6"))
    assert added.id == 51
    with pytest.raises(Conflict, match="r1"):
        store.add(Response(project_id=survey.project_id, survey_id=survey.id, respondent="r1"))
    assert data.save_responses(store, survey, [{"respondent": "r2"}, {"respondent": "r7"}]) == (
        1,
        1,
    )


def test_an_upgrade_that_fails_changes_nothing(old_store, monkeypatch):
    def broken(table):
        raise RuntimeError("disk full")

    monkeypatch.setattr(_responses, "encode", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        Store(old_store)
    monkeypatch.undo()
    with Store(old_store) as store:  # the upgrade, now that it can run, from version 5 as it was
        assert store.upgraded_from == 5
        assert store.get("responses", 10).answers["Q5"] == ["邮件", "会议"]


def _survey(store: Store) -> Survey:
    project = store.add(Project(name="P", client="C", start=date(2026, 1, 1)))
    survey = store.add(Survey(project_id=project.id, name="Pulse"))
    store.add(Question(project_id=project.id, survey_id=survey.id, code="Q1", text="整体满意度",
                       type="rating", options=["1", "5"]))  # fmt: skip
    return survey


def test_responses_one_at_a_time(store):
    survey = _survey(store)
    ids = []
    for n in range(30):  # a pulse survey: one response at a time
        ids.append(
            store.add(
                Response(project_id=survey.project_id, survey_id=survey.id,
                         respondent=f"S-{n:03d}", answers={"Q1": n % 5 + 1})
            ).id
        )  # fmt: skip
    with store.read() as conn:
        assert _responses.counts(conn, by="survey_id") == {survey.id: 30}
        assert (
            conn.execute(
                sa.select(sa.func.count()).select_from(_schema.TABLES["responses"])
            ).scalar()
            == 1
        )
    changed = store.update(
        "responses", ids[3], answers={"Q1": 2.5, "Q9": ["a", "b"]}, complete=False
    )
    assert store.get("responses", ids[3]) == changed
    assert store.get("responses", ids[3]).answers == {"Q1": 2.5, "Q9": ["a", "b"]}
    store.delete("responses", ids[0])
    assert store.existing_ids("responses", ids[:2]) == [ids[1]]
    assert len(store.records("responses")) == 29
    assert store.counts()["P"]["responses"] == 29
    frame = data.responses_frame(store, [survey], incomplete=True)
    assert frame["Q1"].tolist()[:3] == [2.0, 3.0, 2.5]
    assert store.delete_project("P")["responses"] == 29


def test_responses_added_at_the_same_time_are_all_kept(store_url):
    """Two sessions adding pulse responses to one survey at once (a batch is read and
    written back): none is lost, no id is given twice."""
    with Store(store_url) as first:
        survey = _survey(first)

    def add(who: str) -> None:
        mine = Store(store_url)
        for n in range(15):
            mine.add(Response(project_id=survey.project_id, survey_id=survey.id,
                              respondent=f"{who}{n}", answers={"Q1": 3}))  # fmt: skip
        mine.close()

    threads = [threading.Thread(target=add, args=(who,)) for who in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Store(store_url) as last:
        found = last.records("responses")
    assert sorted(r.respondent for r in found) == sorted(f"{w}{n}" for w in "ab" for n in range(15))
    assert len({r.id for r in found}) == 30


def test_answers_of_mixed_kinds_are_kept_as_they_are(store):
    survey = _survey(store)
    mixed = [{"Q1": 3}, {"Q1": "不知道"}, {"Q1": ["x"]}, {"Q1": 2.5}]
    store.add_all(
        Response(project_id=survey.project_id, survey_id=survey.id, respondent=f"r{n}", answers=a)
        for n, a in enumerate(mixed)
    )
    assert [json.dumps(r.answers) for r in store.records("responses")] == [
        json.dumps(a) for a in mixed
    ]
    frame = data.responses_frame(store, [survey])
    np.testing.assert_array_equal(frame["Q1"], [3, np.nan, np.nan, 2.5])


def test_a_large_write_reports_its_progress(store, monkeypatch):
    survey = _survey(store)
    monkeypatch.setattr(data, "CHUNK_ROWS", 400)
    seen = []
    rows = pd.DataFrame({"respondent": [f"r{n}" for n in range(1000)], "Q1": [3] * 1000})
    with data.progress(lambda done, total: seen.append((done, total))):
        assert data.save_responses(store, survey, rows.assign(Q1=[3, 2.5] * 500)) == (1000, 0)
    assert seen == [(400, 1000), (800, 1000), (1000, 1000)]
    first, second = store.records("responses")[:2]
    assert json.dumps([first.answers, second.answers]) == '[{"Q1": 3}, {"Q1": 2.5}]'
    data.save_responses(store, survey, rows.assign(respondent=rows["respondent"] + "b"))
    assert len(seen) == 3  # outside the block: nobody is told
    assert data.responses_frame(store, [survey])["respondent"].tolist()[998:1001] == [
        "r998", "r999", "r0b"
    ]  # fmt: skip


def test_a_bulk_write_is_stored_compactly_and_reads_back_whole(store):
    # likert and NPS a byte each, choices as a dictionary with the smallest indices that hold
    # them, one visibility for all: and every answer, the client's view included, reads back
    project = store.add(Project(name="P", client="C", start=date(2026, 1, 1)))
    survey = store.add(Survey(project_id=project.id, name="Pulse"))
    many = [f"选项{n}" for n in range(200)]
    for n, (code, kind, options) in enumerate(
        [("Q1", "likert", ["1", "2", "3", "4", "5"]), ("Q2", "nps", []),
         ("Q3", "single", ["财务", "运营"]), ("Q4", "single", many)], start=1
    ):  # fmt: skip
        store.add(Question(project_id=project.id, survey_id=survey.id, code=code, text=code,
                           type=kind, options=options, position=n))  # fmt: skip
    rows = pd.DataFrame(
        {
            "respondent": [f"r{n}" for n in range(400)],
            "Q1": [n % 5 + 1 for n in range(400)],
            "Q2": [n % 11 for n in range(400)],
            "Q3": ["财务", "运营"] * 200,
            "Q4": many * 2,
        }
    )
    assert data.save_responses(store, survey, rows) == (400, 0)
    with store._read() as conn:
        [(_batch, _survey, _project, table)] = list(_responses.tables(conn, survey_ids=[survey.id]))
    types = {f.name: f.type for f in table.schema}
    assert types["answers.Q1"] == types["answers.Q2"] == "int8"
    assert types["answers.Q3"].index_type == "int8" and types["answers.Q4"].index_type == "int16"
    assert types["visibility"].index_type == "int8"
    frame = data.responses_frame(store, [survey])
    assert frame["Q1"].tolist()[:6] == [1, 2, 3, 4, 5, 1] and frame["Q2"].max() == 10
    assert frame["Q4"].astype(str).tolist() == many * 2
    first = store.records("responses")[0]
    assert first.visibility == "internal" and first.answers["Q4"] == "选项0"
    store.update("responses", first.id, visibility="client")
    shared = store.frame("responses", project, audience="client")
    assert shared["respondent"].tolist() == ["r0"]
