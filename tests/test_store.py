import shutil
import sqlite3
import typing
from datetime import UTC, date, datetime

import pandas as pd
import pytest
import sqlalchemy as sa

from commlib import (
    ChangeRequest,
    Conflict,
    Contact,
    FollowUp,
    InvalidRecord,
    Milestone,
    NotFound,
    PlanItem,
    Project,
    Response,
    Risk,
    Stakeholder,
    Store,
    StoreError,
    _schema,
)
from commlib import store as store_module
from commlib.i18n import label
from commlib.models import KINDS, field_type
from commlib.store import resolve_url

from .conftest import DATA, fill

#: the store tests run on SQLite and on a real PostgreSQL server
BACKENDS = ("sqlite", "postgresql")


def test_default_store_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COMMLIB_DB", str(tmp_path / "x.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.delenv("COMMLIB_DB")
    assert resolve_url(None).endswith("/data/workbench.db")
    assert (
        resolve_url("postgresql+psycopg://u@127.0.0.1/db") == "postgresql+psycopg://u@127.0.0.1/db"
    )


@pytest.mark.sqlite_only
def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(store):
    with store._read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        # NORMAL: in WAL mode a killed process loses nothing committed (see the store's doc)
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1


def test_add_and_read_back_in_chinese(store):
    p = store.add(Project(name="华辰 ERP", client="华辰", start=date(2026, 1, 5)))
    s = store.add(Stakeholder(project_id=p.id, name="张伟", role="首席信息官"))
    assert s.id is not None
    assert store.get("stakeholders", s.id).role == "首席信息官"
    assert store.project("华辰 ERP").id == p.id
    assert store.frame("stakeholders", project="华辰 ERP")["name"].tolist() == ["张伟"]


def test_a_failing_batch_writes_nothing(store):
    p = store.add(Project(name="P", client="C", start=date(2026, 1, 5)))
    good = Risk(project_id=p.id, title="fine")
    bad = Contact(project_id=p.id, when=datetime(2026, 2, 1, tzinfo=UTC), stakeholder_ids=[42])
    with pytest.raises(InvalidRecord) as info:
        store.add_all([good, bad])
    assert "stakeholder_ids = 42" in str(info.value)
    assert store.frame("risks").empty


def test_transactions_group_operations(store):
    p = store.add(Project(name="P", client="C", start=date(2026, 1, 5)))
    with pytest.raises(InvalidRecord), store.transaction():
        store.add(Risk(project_id=p.id, title="first"))
        store.add(Risk(project_id=p.id, title="second", probability=9))
    assert store.frame("risks").empty


def test_references_stay_inside_one_project(store):
    a = store.add(Project(name="A", client="C", start=date(2026, 1, 5)))
    b = store.add(Project(name="B", client="C", start=date(2026, 1, 5)))
    someone = store.add(Stakeholder(project_id=a.id, name="X"))
    with pytest.raises(InvalidRecord, match="another project"):
        store.add(Contact(project_id=b.id, when=datetime(2026, 2, 1), stakeholder_ids=[someone.id]))
    with pytest.raises(InvalidRecord, match="project_id"):
        store.add(Risk(project_id=99, title="orphan"))


def test_updates_keep_history_of_tracked_fields(filled):
    history = filled.history("华辰 ERP 升级", kind="risks")
    assert history[["field", "old", "new"]].values.tolist() == [["probability", "2", "4"]]
    slip = filled.history(kind="milestones").iloc[0]
    assert (slip.field, slip.old, slip.new) == ("current_due", "2026-05-01", "2026-05-15")
    assert filled.frame("milestones")["baseline_due"].tolist() == [date(2026, 5, 1)]
    since = filled.history(since=datetime(2026, 3, 16, tzinfo=UTC))
    assert set(since["record_kind"]) == {"milestones", "stakeholders"}


def test_update_validates_and_changes_nothing_on_error(filled):
    risk_id = int(filled.frame("risks")["id"][0])
    with pytest.raises(InvalidRecord, match="probability = 7"):
        filled.update("risks", risk_id, probability=7)
    with pytest.raises(InvalidRecord, match="not a field"):
        filled.update("risks", risk_id, colour="red")
    assert filled.get("risks", risk_id).probability == 4
    assert len(filled.history(kind="risks")) == 1


def test_update_with_an_edited_record(filled):
    risk = filled.records("risks")[0]
    risk.status = "mitigating"
    filled.update(risk)
    assert filled.get("risks", risk.id).status == "mitigating"
    assert filled.history(kind="risks")["field"].tolist() == ["probability", "status"]


def test_untracked_kinds_and_fields_leave_no_history(filled):
    before = len(filled.history())
    lesson_id = int(filled.frame("lessons")["id"][0])
    filled.update("lessons", lesson_id, title="新标题")
    assert len(filled.history()) == before


def test_client_frames_hide_internal_records_and_fields(filled):
    internal = filled.frame("stakeholders")
    client = filled.frame("stakeholders", audience="client")
    assert len(internal) == 2 and len(client) == 1
    assert {"email", "phone", "notes"}.isdisjoint(client.columns)
    assert "INTERNAL-SENTINEL" not in client.to_json(force_ascii=False, date_format="iso")
    assert len(filled.frame("contacts", audience="client")) == 1
    issues = filled.frame("issues", audience="client")
    assert issues["title"].tolist() == ["主数据质量不达标"] and "notes" not in issues.columns
    assert "INTERNAL-SENTINEL" not in issues.to_json(force_ascii=False, date_format="iso")
    assert len(filled.frame("issues")) == 2


def test_frames_have_the_model_columns_and_types(filled):
    contacts = filled.frame("contacts")
    assert list(contacts.columns) == Contact.fields()
    assert contacts["stakeholder_ids"].tolist() == [[1, 2], [2]]
    assert str(contacts["when"].dt.tz) == "UTC"


def test_counts_per_project(filled):
    counts = filled.counts()["华辰 ERP 升级"]
    assert counts["stakeholders"] == 2 and counts["contacts"] == 2 and counts["history"] == 4
    assert all(n > 0 for n in counts.values())


def test_imported_items_are_deduplicated_by_source_id(filled):
    p = filled.project("华辰 ERP 升级")
    again = Contact(
        project_id=p.id, when=datetime(2026, 3, 2), source="email", source_id="<abc@huachen.cn>"
    )
    with pytest.raises(Conflict, match="already imported"):
        filled.add(again)


def test_source_keys_are_the_imported_records_of_one_project(filled):
    p = filled.project("华辰 ERP 升级")
    keys = filled.source_keys("contacts", p)
    assert ("email", "<abc@huachen.cn>") in keys
    assert filled.source_keys("contacts", p.name) == filled.source_keys("contacts", p.id) == keys
    other = filled.add(Project(name="另一个项目", client="别家", start=date(2026, 1, 1)))
    assert filled.source_keys("contacts", other) == set()
    filled.add(
        Contact(project_id=other.id, when=datetime(2026, 3, 2), source="ics", source_id="u1")
    )
    assert filled.source_keys("contacts", other) == {("ics", "u1")}
    with pytest.raises(NotFound):
        filled.source_keys("contacts", "no such project")


def test_duplicate_project_names_are_refused(filled):
    with pytest.raises(Conflict, match="already exists"):
        filled.add(Project(name="华辰 ERP 升级", client="x", start=date(2026, 1, 1)))


def test_records_still_pointed_at_cannot_be_deleted(filled):
    with pytest.raises(Conflict, match="still referenced"):
        filled.delete("stakeholders", 1)
    assert len(filled.frame("stakeholders")) == 2
    filled.delete("lessons", 1)
    assert filled.frame("lessons").empty


def test_a_deleted_record_is_kept_in_the_history(filled):
    import json

    lesson = filled.records("lessons", "华辰 ERP 升级")[0]
    before = len(filled.history())
    filled.delete("lessons", lesson.id)
    history = filled.history("华辰 ERP 升级", kind="lessons", record_id=lesson.id)
    entry = history.iloc[-1]
    assert len(filled.history()) == before + 1
    assert (entry["field"], entry["new"]) == ("deleted", None)
    kept = json.loads(entry["old"])
    assert kept == lesson.model_dump(mode="json")
    assert kept["notes"] == lesson.notes


def test_a_refused_delete_writes_no_history(filled):
    before = len(filled.history())
    with pytest.raises(Conflict):
        filled.delete("stakeholders", 1)
    with pytest.raises(NotFound):
        filled.delete("lessons", 999)
    assert len(filled.history()) == before


def test_a_client_never_sees_what_was_deleted(filled):
    p = filled.project("华辰 ERP 升级")
    shared = filled.add(
        FollowUp(project_id=p.id, title="SHARED", visibility="client", notes="SECRET")
    )
    filled.delete("follow_ups", shared.id)
    # the id may be given again, to a record the client sees
    again = filled.add(FollowUp(project_id=p.id, title="again", visibility="client"))
    filled.update("follow_ups", again.id, status="done")
    client = filled.history(p.id, audience="client")
    assert "deleted" not in set(client["field"])
    assert not client["old"].fillna("").str.contains("SECRET").any()
    assert "deleted" in set(filled.history(p.id)["field"])


def test_history_readers_take_deletions_in_their_stride(filled, tmp_path):
    from commlib import csvio
    from commlib.display import present
    from commlib.review import changes_since
    from commlib.store import Store

    p = filled.project("华辰 ERP 升级")
    filled.delete("lessons", filled.records("lessons", p.id)[0].id)
    history = filled.history(p.id)
    frames = {k: filled.frame(k, p.id) for k in ("risks", "milestones", "change_requests")}
    found = changes_since(
        history,
        frames["risks"],
        frames["milestones"],
        frames["change_requests"],
        filled.frame("stakeholders", p.id),
        since=date(2000, 1, 1),
        until=date(2100, 1, 1),
    )
    assert found is not None
    shown = present(history, "en")
    assert "Deleted" in set(shown["Field"])
    assert "已删除" in set(present(history, "zh")["字段"])
    csvio.export_csv(filled, tmp_path / "out")
    copy = Store(tmp_path / "copy.db")
    csvio.import_csv(copy, tmp_path / "out")
    assert copy.changes() == filled.changes()
    copy.close()


def test_delete_project_removes_everything_of_it(filled):
    removed = filled.delete_project("华辰 ERP 升级")
    assert removed["contacts"] == 2
    assert filled.counts() == {}
    with pytest.raises(NotFound, match="no project"):
        filled.project("华辰 ERP 升级")


def test_unknown_project_names_the_known_ones(filled):
    with pytest.raises(NotFound) as info:
        filled.project("ERP")
    assert "华辰 ERP 升级" in str(info.value) and "commlib status" in str(info.value)


def test_schema_version_is_recorded(store):
    assert store.schema_version == _schema.SCHEMA_VERSION


def test_the_first_version_store_opens_and_upgrades(tmp_path):
    copy = tmp_path / "v1.db"
    shutil.copy(DATA / "workbench-v1.db", copy)
    store = Store(copy)
    assert store.upgraded_from == 1
    assert store.schema_version == _schema.SCHEMA_VERSION
    counts = store.counts()["华辰 ERP 升级"]
    assert counts.pop("communication_plan") == 0  # new in version 2
    assert counts.pop("issues") == counts.pop("status_overrides") == 0  # new in version 4
    assert counts.pop("meetings") == counts.pop("raci") == 0  # new in version 7
    assert all(n > 0 for n in counts.values())
    assert store.get("stakeholders", 1).name == "张伟"
    # version 7: the stakeholders stored before get the default hours; the decisions were taken
    assert store.get("stakeholders", 1).work_hours == "09:00-18:00"
    assert {d.status for d in store.records("decisions")} == {"taken"}
    store.add(PlanItem(project_id=1, what="周报", quadrant="manage_closely", cadence_days="weekly"))
    assert store.frame("communication_plan")["cadence_days"].tolist() == [7]
    # what the current schema creates is what the upgrade produced
    fresh = Store(tmp_path / "fresh.db")
    assert _columns(store) == _columns(fresh)


def _columns(store):
    """Every table's columns (name, type, nullable) and foreign keys, as the database has them."""
    with store._read() as conn:
        inspector = sa.inspect(conn)
        return {
            t: (
                sorted(
                    (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(t)
                ),
                sorted(
                    (tuple(fk["constrained_columns"]), fk["referred_table"])
                    for fk in inspector.get_foreign_keys(t)
                ),
            )
            for t in inspector.get_table_names()
        }


def test_upgrades_run_on_open_in_one_transaction(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    fill(Store(path))

    def add_colour(op):
        op.add_column("risks", sa.Column("colour", sa.Text, nullable=True))

    latest = _schema.SCHEMA_VERSION
    monkeypatch.setattr(_schema, "SCHEMA_VERSION", latest + 1)
    monkeypatch.setitem(_schema.MIGRATIONS, latest + 1, add_colour)
    store = Store(path)
    assert store.upgraded_from == latest and store.schema_version == latest + 1
    assert "colour" in [c[0] for c in _columns(store)["risks"][0]]

    def broken(op):
        op.add_column("risks", sa.Column("size", sa.Text))
        raise RuntimeError("half-way")

    monkeypatch.setattr(_schema, "SCHEMA_VERSION", latest + 2)
    monkeypatch.setitem(_schema.MIGRATIONS, latest + 2, broken)
    with pytest.raises(RuntimeError):
        Store(path)
    monkeypatch.setattr(_schema, "SCHEMA_VERSION", latest + 1)
    again = Store(path)
    assert again.schema_version == latest + 1 and "size" not in [
        c[0] for c in _columns(again)["risks"]
    ]


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE commlib_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer commlib"):
        Store(path)


def test_other_databases_and_files_are_not_taken_for_stores(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="not a commlib store"):
        Store(other)
    text = tmp_path / "notes.txt"
    text.write_text("hello " * 1000)
    with pytest.raises(StoreError, match="cannot open"):
        Store(text)
    assert text.read_text() == "hello " * 1000
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)


def test_two_stores_on_one_file_see_each_others_writes(tmp_path):
    a, b = Store(tmp_path / "w.db"), Store(tmp_path / "w.db")
    p = a.add(Project(name="P", client="C", start=date(2026, 1, 5)))
    b.add(Risk(project_id=p.id, title="from b"))
    assert a.frame("risks")["title"].tolist() == ["from b"]


def test_memory_store(tmp_path):
    store = Store("sqlite://")
    fill(store)
    assert store.counts()["华辰 ERP 升级"]["contacts"] == 2


def test_a_conflict_part_way_writes_nothing(store):
    with pytest.raises(Conflict, match="already exists"):
        store.add_all(
            [
                Project(name="A", client="C", start=date(2026, 1, 5)),
                Project(name="A", client="D", start=date(2026, 1, 5)),
            ]
        )
    assert store.counts() == {}


def test_the_schema_is_portable_to_postgresql():
    from sqlalchemy.dialects import postgresql

    for table in _schema.metadata.sorted_tables:
        ddl = str(sa.schema.CreateTable(table).compile(dialect=postgresql.dialect()))
        assert "CREATE TABLE" in ddl


def test_client_history_only_shows_shared_records(filled):
    internal = filled.history()
    client = filled.frame("history", audience="client")
    # the risk, milestone, follow-up and Li Na are internal; nothing of theirs is shared
    assert len(internal) == 4 and client.empty
    filled.update("risks", 1, visibility="client", at=datetime(2026, 3, 30, tzinfo=UTC))
    filled.update("risks", 1, impact=5, at=datetime(2026, 4, 2, tzinfo=UTC))
    client = filled.history(audience="client")
    assert client["field"].tolist() == ["probability", "impact"]


def test_columns_have_real_types(filled):
    contacts = filled.frame("contacts")
    assert contacts["sentiment"].dtype.kind in "if"
    assert str(contacts["created_at"].dt.tz) == "UTC"
    assert filled.frame("risks")["cost_impact"].dtype.kind == "f"
    for table in _schema.metadata.sorted_tables:
        for column in table.columns:
            if column.name in ("created_at", "updated_at", "when", "submitted_at", "changed_at"):
                assert isinstance(column.type, _schema.UTCDateTime), (table.name, column.name)


def test_frames_have_the_same_types_when_empty(store, filled):
    empty, full = store.frame("contacts"), filled.frame("contacts")
    assert empty.dtypes.to_dict() == full.dtypes.to_dict()
    assert str(filled.frame("communication_plan")["stakeholder_id"].dtype) == "Int64"


def test_milestones_cannot_depend_on_each_other_in_a_circle(filled):
    from commlib import Milestone

    first = filled.records("milestones")[0]
    second = filled.add(
        Milestone(
            project_id=first.project_id,
            name="next",
            baseline_due=date(2026, 6, 1),
            current_due=date(2026, 6, 1),
            depends_on=first.id,
        )
    )
    with pytest.raises(InvalidRecord, match="circle"):
        filled.update("milestones", first.id, depends_on=second.id)
    assert filled.get("milestones", first.id).depends_on is None


def test_scope_changes_and_rebaselining_are_in_the_history(filled):
    filled.update(
        "projects",
        1,
        scope_confirmed_by="张伟",
        scope_confirmed_on=date(2026, 3, 9),
        scope_confirmed_channel="meeting",
        at=datetime(2026, 3, 9, tzinfo=UTC),
    )
    filled.update("milestones", 1, baseline_due=date(2026, 5, 20))
    fields = filled.history(kind="projects")["field"].tolist()
    assert fields == ["scope_confirmed_by", "scope_confirmed_on", "scope_confirmed_channel"]
    assert "baseline_due" in filled.history(kind="milestones")["field"].tolist()


# --- the fast paths: what SQLAlchemy Core would read and write, exactly --------------------


def _reference_frame(store, kind, project=None, audience="internal"):
    """``store.frame(...)`` made the plain way: every value through SQLAlchemy's types
    (``pd.read_sql``), the link lists from ``records``, and the column types of the models."""
    model, table = KINDS[kind], _schema.TABLES[kind]
    query = sa.select(table).order_by(table.c.id)
    if project is not None:
        project_id = store.project(project).id
        query = query.where(
            (table.c.id if kind == "projects" else table.c.project_id) == project_id
        )
    if audience == "client" and kind != "responses":
        query = query.where(table.c.visibility == "client")
    if kind == "responses":  # stored column-wise (commlib._responses): the records themselves
        found = [
            r.model_dump()
            for r in store.records(kind, project)
            if audience != "client" or r.visibility == "client"
        ]
        df = pd.DataFrame(found, columns=list(model.fields()))
    else:
        with store.read() as conn:
            df = pd.read_sql(query, conn)
    links = [f for (k, f) in _schema.LINKS if k == kind]
    records = {r.id: r for r in store.records(kind)}
    for field in links:
        df[field] = [getattr(records[i], field) for i in df["id"]]
    df = df.reindex(columns=[f for f in model.fields() if f in df.columns or f in links])
    for name in df.columns:
        kind_of = field_type(model, name)
        info = model.model_fields[name]
        optional = not info.is_required() and info.default is None
        if kind_of is bool:
            df[name] = df[name].astype("boolean" if optional else "bool")
        elif kind_of is int:
            df[name] = df[name].astype("Int64" if optional and name != "id" else "int64")
        elif kind_of is float:
            df[name] = df[name].astype("float64")
        elif kind_of is datetime:
            df[name] = pd.to_datetime(df[name], utc=True).astype("datetime64[us, UTC]")
        elif kind_of is str or typing.get_origin(kind_of) is typing.Literal:
            df[name] = df[name].astype("str")
        elif typing.get_origin(kind_of) in (list, dict):
            df[name] = df[name].astype(object)
    if audience == "client":
        df = df.drop(columns=[f for f in model.internal_fields if f in df.columns])
    return df


def _assert_frames_read_as_sqlalchemy_reads_them(store, projects):
    for kind in KINDS:
        for project in projects:
            for audience in ("internal", "client"):
                got = store.frame(kind, project, audience=audience)
                expected = _reference_frame(store, kind, project, audience)
                pd.testing.assert_frame_equal(got, expected, check_exact=True)
                for column in got.columns:  # the values themselves: dates, lists of ints
                    assert [type(v) for v in got[column]] == [type(v) for v in expected[column]]
                    if got[column].dtype == object:
                        assert got[column].tolist() == expected[column].tolist(), (kind, column)


def test_frames_are_what_sqlalchemy_reads(filled):
    p = filled.project("华辰 ERP 升级")
    # a list whose order is not the order of its ids, and moments that are missing
    filled.add(Contact(project_id=p.id, when=datetime(2026, 3, 4), stakeholder_ids=[2, 1]))
    filled.add(Response(project_id=p.id, survey_id=1, respondent="r2", answers={"Q1": 3}))
    _assert_frames_read_as_sqlalchemy_reads_them(filled, [None, "华辰 ERP 升级", p.id, p])
    assert filled.frame("contacts")["stakeholder_ids"].tolist() == [[1, 2], [2], [2, 1]]


def test_frames_of_an_empty_store_have_the_types_of_full_ones(store):
    _assert_frames_read_as_sqlalchemy_reads_them(store, [None])
    empty = {kind: store.frame(kind) for kind in KINDS}
    fill(store)
    for kind, frame in empty.items():
        assert frame.empty and frame.dtypes.to_dict() == store.frame(kind).dtypes.to_dict()


@pytest.mark.parametrize("dense_ids", [None, 0, 10**9])  # as is, always by id, always by range
def test_link_lists_of_records_spread_among_many_others(store, monkeypatch, dense_ids):
    if dense_ids is not None:
        monkeypatch.setattr(store_module, "DENSE_IDS", dense_ids)
    a = store.add(Project(name="A", client="C", start=date(2026, 1, 5)))
    b = store.add(Project(name="B", client="C", start=date(2026, 1, 5)))
    x, y = store.add_all(Stakeholder(project_id=a.id, name=n) for n in ("X", "Y"))
    z = store.add(Stakeholder(project_id=b.id, name="Z"))
    moment = datetime(2026, 2, 1, tzinfo=UTC)
    store.add(Contact(project_id=a.id, when=moment, stakeholder_ids=[y.id, x.id]))
    store.add_all(Contact(project_id=b.id, when=moment, stakeholder_ids=[z.id]) for _ in range(20))
    store.add(Contact(project_id=a.id, when=moment, visibility="client"))
    store.add(Contact(project_id=a.id, when=moment, stakeholder_ids=[x.id], visibility="client"))
    # A's three contacts span 23 ids: as is, their links are read by id, not by range
    assert store.frame("contacts", "A")["stakeholder_ids"].tolist() == [[y.id, x.id], [], [x.id]]
    assert store.frame("contacts", "A", "client")["stakeholder_ids"].tolist() == [[], [x.id]]
    assert len(store.frame("contacts", "B")) == 20
    _assert_frames_read_as_sqlalchemy_reads_them(store, [None, "A", "B"])


@pytest.mark.sqlite_only
def test_moments_written_by_other_tools_read_as_sqlalchemy_reads_them(filled, store_url):
    # SQLAlchemy writes 2026-03-02 01:30:00.000000; by hand, people write other forms
    # (and SQLAlchemy keeps the clock time of an offset, as it always has)
    with sqlite3.connect(store_url) as conn:
        conn.execute("UPDATE contacts SET created_at = '2026-03-02 01:30:00' WHERE id = 1")
        conn.execute("UPDATE contacts SET updated_at = '2026-03-02 01:30:00.0+0800' WHERE id = 2")
    for response in filled.records("responses"):  # (stored column-wise: not a text moment)
        filled.update("responses", response.id, submitted_at=None)
    _assert_frames_read_as_sqlalchemy_reads_them(filled, [None])
    contacts = filled.frame("contacts")
    assert contacts["created_at"][0] == pd.Timestamp("2026-03-02 01:30", tz="UTC")
    assert contacts["updated_at"][1] == pd.Timestamp("2026-03-02 01:30", tz="UTC")
    with sqlite3.connect(store_url) as conn:
        conn.execute("UPDATE contacts SET created_at = '2026-13-02 01:30:00.000000'")
    with pytest.raises(ValueError):
        filled.frame("contacts")


@pytest.mark.sqlite_only
def test_records_are_stored_as_sqlalchemy_core_stores_them(filled, tmp_path):
    """The store writes rows on the sqlite3 connection itself; a copy of every record
    written through SQLAlchemy Core into an empty store must hold the same bytes."""
    core = Store(tmp_path / "core.db")
    with filled.read() as source, core.transaction() as conn:
        for kind in [k for k in KINDS if k != "responses"]:  # (responses: column-wise)
            for record in filled.records(kind):
                row = record.model_dump(exclude={f for (k, f) in _schema.LINKS if k == kind})
                if kind == "projects":
                    row.pop("project_id")
                conn.execute(_schema.TABLES[kind].insert(), row)
            for (k, _f), table in _schema.LINKS.items():
                if k == kind:
                    conn.execute(
                        table.insert(),
                        [dict(r) for r in source.execute(sa.select(table)).mappings()],
                    )
    tables = [
        t.name
        for t in _schema.metadata.sorted_tables
        if t.name not in ("history", "commlib_meta", "response_batches")
    ]
    for name in tables:
        query = f"SELECT * FROM {name} ORDER BY 1, 2"
        with sqlite3.connect(filled.where) as a, sqlite3.connect(core.where) as b:
            assert a.execute(query).fetchall() == b.execute(query).fetchall(), name


def test_every_reference_is_checked_in_one_go_with_the_same_messages(filled):
    other = filled.add(Project(name="其他", client="C", start=date(2026, 1, 5)))
    mine = filled.add(Milestone(project_id=other.id, name="M", baseline_due=date(2026, 6, 1),
                                current_due=date(2026, 6, 1)))  # fmt: skip
    change = ChangeRequest(
        project_id=other.id,
        title="x",
        requested_on=date(2026, 3, 1),
        requested_by=1,  # a stakeholder of the other project
        milestone_ids=[mine.id, 1, 999],  # its own, the other project's, none
    )
    with pytest.raises(InvalidRecord) as info:
        filled.add(change)
    assert [(p.field, p.value) for p in info.value.problems] == [
        ("requested_by", 1),
        ("milestone_ids", 1),
        ("milestone_ids", 999),
    ]
    messages = [p.message for p in info.value.problems]
    assert messages == [
        "that record of Stakeholders belongs to another project",
        "that record of Milestones belongs to another project",
        "no such record among Milestones",
    ]
    with pytest.raises(InvalidRecord, match="project_id = 98: no such project"):
        filled.add(change.model_copy(update={"project_id": 98}))
    assert len(filled.frame("change_requests")) == 1


def test_records_pointing_at_records_of_the_same_batch(store):
    p = store.add(Project(name="P", client="C", start=date(2026, 1, 5)))
    first, second, risk = store.add_all(
        [
            Milestone(id=40, project_id=p.id, name="M1", baseline_due=date(2026, 6, 1),
                      current_due=date(2026, 6, 1)),
            Milestone(id=41, project_id=p.id, name="M2", baseline_due=date(2026, 7, 1),
                      current_due=date(2026, 7, 1), depends_on=40),
            Risk(project_id=p.id, title="late", milestone_id=41),
        ]
    )  # fmt: skip
    assert (first.id, second.id, second.depends_on, risk.milestone_id) == (40, 41, 40, 41)
    third = store.add(Milestone(project_id=p.id, name="M3", baseline_due=date(2026, 8, 1),
                                current_due=date(2026, 8, 1), depends_on=41))  # fmt: skip
    assert third.id == 42


def test_records_the_store_validates_name_their_kind(store):
    p = store.add(Project(name="P", client="C", start=date(2026, 1, 5)))
    unchecked = Risk(project_id=p.id, title="fine").model_copy(update={"probability": 9})
    with pytest.raises(InvalidRecord) as info:
        store.add(unchecked)
    assert [(pr.field, pr.value, pr.where) for pr in info.value.problems] == [
        ("probability", 9, label("risks"))
    ]
    assert store.frame("risks").empty
