"""Access per project on a shared PostgreSQL store (``commlib.access``, ``commlib._access``),
against the real server the tests start: a store owned by the role ``lead`` (not a
superuser), two login roles, ``alice`` (editor of 华辰 ERP 升级) and ``bob`` (editor of
Northwind CRM). Neither sees the other's project through the store, the CLI, a report or
plain SQL; the server refuses what a role's level does not allow; the history names who
changed what."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from commlib import (
    KINDS,
    Contact,
    InvalidRecord,
    NotFound,
    Project,
    Response,
    Risk,
    Stakeholder,
    Store,
    StoreError,
    _schema,
    access,
)
from commlib.cli import cli
from commlib.errors import AccessDenied
from commlib.i18n import language

from .conftest import fill
from .test_store_responses import undo_version_8

HUACHEN = "华辰 ERP 升级"
NORTHWIND = "Northwind CRM"
SECRET = "NORTHWIND-SENTINEL"
#: the login roles of the test server (``trust`` authentication: the passwords are sent and
#: not checked, as a real server configured for passwords would check them)
ROLES = {"lead": "lead-pw", "alice": "alice-pw", "bob": "bob-pw", "team_nw": None}


@pytest.fixture(scope="module")
def server(postgres):
    with psycopg.connect(_dsn(postgres.url()), autocommit=True) as conn:
        for role, password in ROLES.items():
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                continue
            login = f"LOGIN PASSWORD '{password}'" if password else "NOLOGIN"
            conn.execute(f"CREATE ROLE {role} {login}")
    return postgres


def _dsn(url: str) -> str:
    parsed = sa.engine.make_url(url)
    password = f" password={parsed.password}" if parsed.password else ""
    return (
        f"host={parsed.host} port={parsed.port} user={parsed.username}{password} "
        f"dbname={parsed.database}"
    )


def _as(url: str, role: str) -> str:
    """The URL of the same database, logging in as ``role``."""
    return sa.engine.make_url(url).set(username=role, password=ROLES[role]).render_as_string(False)


@dataclass
class Shared:
    """One shared store and the ways in: a ``Store`` per role, the CLI, plain SQL."""

    url: str  # as the test server's superuser
    server: object
    opened: list[Store] = field(default_factory=list)

    def url_of(self, role: str) -> str:
        return _as(self.url, role)

    def open(self, role: str) -> Store:
        store = Store(self.url_of(role))
        self.opened.append(store)
        return store

    def sql(self, role: str, autocommit: bool = True) -> psycopg.Connection:
        return psycopg.connect(_dsn(self.url_of(role)), autocommit=autocommit)

    def run(self, role: str, *args: str, lang: str = "en"):
        runner = CliRunner()
        return runner.invoke(cli, ["--db", self.url_of(role), "--lang", lang, *args])


def _database_of(server, owner: str) -> str:
    """A new database owned by ``owner`` (so that it may create the store's tables)."""
    url = server.new_database()
    with psycopg.connect(_dsn(server.url()), autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {sa.engine.make_url(url).database} OWNER TO {owner}")
    return url


def _northwind(store: Store) -> Project:
    """The other client's project: every record carries ``SECRET``."""
    p = store.add(
        Project(name=NORTHWIND, client="Northwind Traders", start=date(2026, 2, 1),
                language="en", goals=[SECRET])
    )  # fmt: skip
    mary = store.add(Stakeholder(project_id=p.id, name="Mary Jones", notes=SECRET))
    store.add(
        Contact(project_id=p.id, when=datetime(2026, 3, 4, 15, tzinfo=UTC),
                stakeholder_ids=[mary.id], channel="email", direction="inbound", subject=SECRET)
    )  # fmt: skip
    risk = store.add(Risk(project_id=p.id, title=SECRET, probability=2, impact=2))
    store.update("risks", risk.id, probability=3, at=datetime(2026, 3, 5, tzinfo=UTC))
    return p


@pytest.fixture
def shared(server):
    found = Shared(_database_of(server, "lead"), server)
    with Store(found.url_of("lead")) as store:
        fill(store)
        _northwind(store)
        access.grant(store, "alice", HUACHEN, "editor")
        access.grant(store, "bob", NORTHWIND, "editor")
    yield found
    for store in found.opened:
        store.close()


def _lead_view(shared: Shared, project: str) -> dict[str, pd.DataFrame]:
    lead = shared.open("lead")
    frames = {kind: lead.frame(kind, project) for kind in KINDS}
    frames["history"] = lead.history(project)
    return frames


# --- neither sees the other's project -------------------------------------------------------


@pytest.mark.parametrize(("role", "mine", "other"), [("alice", HUACHEN, NORTHWIND),
                                                      ("bob", NORTHWIND, HUACHEN)])  # fmt: skip
def test_neither_role_sees_the_other_project_through_any_store_method(shared, role, mine, other):
    expected = _lead_view(shared, mine)
    lead = shared.open("lead")
    hidden = lead.project(other)
    store = shared.open(role)
    assert [p.name for p in store.projects()] == [mine]
    assert store.counts() == {mine: lead.counts()[mine]}
    for kind in KINDS:
        # every record of its own project, links and all, and not one of the other's
        pd.testing.assert_frame_equal(store.frame(kind), expected[kind], obj=kind)
        own = [lead.project(mine)] if kind == "projects" else lead.records(kind, mine)
        assert [r.model_dump() for r in store.records(kind)] == [r.model_dump() for r in own]
    pd.testing.assert_frame_equal(store.history(), expected["history"])
    assert {c.project_id for c in store.changes()} == {store.project(mine).id}
    assert len(store.changes()) == len(expected["history"]) > 0
    with pytest.raises(NotFound, match=f"role {role} sees only the projects granted to it"):
        store.project(other)
    with pytest.raises(NotFound, match="sees only the projects granted"):
        store.frame("contacts", other)
    with pytest.raises(NotFound, match="has no grant on"):
        store.get("contacts", lead.records("contacts", hidden)[0].id)


@pytest.mark.parametrize(("role", "mine", "foreign"), [("alice", HUACHEN, SECRET),
                                                        ("bob", NORTHWIND, "华辰")])  # fmt: skip
def test_plain_sql_shows_a_role_only_its_project(shared, role, mine, foreign):
    lead = shared.open("lead")
    mine_id = lead.project(mine).id
    with shared.sql(role) as conn:
        assert conn.execute("SELECT name FROM projects").fetchall() == [(mine,)]
        found = conn.execute("SELECT DISTINCT project_id FROM contacts").fetchall()
        assert found == [(mine_id,)]
        for table in _schema.access_tables():
            if table in ("projects", "commlib_meta") or table not in _tables(conn):
                continue
            how = _schema.access_tables()[table]
            query = (
                f"SELECT DISTINCT o.project_id FROM {table} t JOIN {how[0]} o ON o.id = t.{how[1]}"
                if how[0]
                else f"SELECT DISTINCT project_id FROM {table}"
            )
            assert {r[0] for r in conn.execute(query)} <= {mine_id}, table
        links = conn.execute("SELECT count(*) FROM contacts_stakeholders").fetchone()[0]
        assert links == sum(len(c.stakeholder_ids) for c in lead.records("contacts", mine))
        every = conn.execute("SELECT * FROM contacts").fetchall()
        assert len(every) == len(lead.records("contacts", mine))
        assert foreign not in str(every)
        grants = conn.execute("SELECT role_name, level FROM project_access").fetchall()
        assert grants == [(role, "editor")]  # its own: it owns no project


def _tables(conn: psycopg.Connection) -> set[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {r[0] for r in rows}


def test_status_and_export_csv_as_a_role_hold_only_its_project(shared, tmp_path):
    lead = shared.open("lead")
    result = shared.run("alice", "status", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [p["name"] for p in payload["projects"]] == [HUACHEN]
    assert payload["projects"][0]["counts"] == lead.counts()[HUACHEN]
    text = shared.run("bob", "status").output
    assert NORTHWIND in text and HUACHEN not in text

    folder = tmp_path / "bob"
    result = shared.run("bob", "export-csv", str(folder))
    assert result.exit_code == 0, result.output
    written = {path.name: path.read_text(encoding="utf-8-sig") for path in folder.iterdir()}
    assert len(written) == len(KINDS) + 1
    for name, text in written.items():
        assert "华辰" not in text and "张伟" not in text, name
    with (folder / "projects.csv").open(encoding="utf-8-sig") as fh:
        assert [row["name"] for row in csv.DictReader(fh)] == [NORTHWIND]
    with (folder / "history.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {row["project_id"] for row in rows} == {str(lead.project(NORTHWIND).id)}


def test_a_report_as_a_role_shows_only_its_project(shared, tmp_path):
    out = tmp_path / "status.html"
    args = ["report", "status_review", "--project", NORTHWIND, "--until", "2026-03-31"]
    result = shared.run("bob", *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert NORTHWIND in html and SECRET in html  # its risk
    assert "华辰" not in html and "张伟" not in html
    refused = shared.run("bob", "report", "status_review", "--project", HUACHEN)
    assert refused.exit_code == 1
    assert "role bob sees only the projects granted to it" in refused.output
    assert len(refused.output.strip().splitlines()) == 1, refused.output


# --- what a role may change ---------------------------------------------------------------


def test_a_write_to_the_other_project_is_refused_with_a_clear_message(shared):
    lead = shared.open("lead")
    northwind = lead.project(NORTHWIND)
    contact = lead.records("contacts", NORTHWIND)[0]
    before = _lead_view(shared, NORTHWIND)
    alice = shared.open("alice")
    with pytest.raises(InvalidRecord, match="role alice sees only the projects granted to it"):
        alice.add(Risk(project_id=northwind.id, title="x", probability=1, impact=1))
    with pytest.raises(NotFound, match=f"Contacts #{contact.id} does not exist, or is in a "
                                       "project role alice has no grant on"):  # fmt: skip
        alice.update("contacts", contact.id, subject="changed")
    with pytest.raises(NotFound, match="no grant on"):
        alice.delete("contacts", contact.id)
    with pytest.raises(NotFound, match="sees only the projects granted"):
        alice.delete_project(NORTHWIND)
    with shared.sql("alice") as conn:
        # plain SQL: the other project's rows are not there to change, nor to add to
        assert conn.execute("UPDATE contacts SET subject = 'x'").rowcount == 2  # her own
        assert conn.execute(f"DELETE FROM risks WHERE project_id = {northwind.id}").rowcount == 0
        refused = "role alice may not insert rows of history in project"
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=refused):
            conn.execute(
                "INSERT INTO history (project_id, record_kind, record_id, field, changed_at) "
                f"VALUES ({northwind.id}, 'risks', 1, 'title', now())"
            )
    after = _lead_view(shared, NORTHWIND)
    for kind, frame in before.items():
        pd.testing.assert_frame_equal(after[kind], frame, obj=kind)


def test_a_viewer_reads_and_the_server_refuses_its_writes(shared):
    lead = shared.open("lead")
    access.grant(lead, "bob", HUACHEN, "viewer")
    before = _lead_view(shared, HUACHEN)
    bob = shared.open("bob")
    assert [p.name for p in bob.projects()] == [HUACHEN, NORTHWIND]
    pd.testing.assert_frame_equal(bob.frame("risks", HUACHEN), before["risks"])
    project = bob.project(HUACHEN)
    risk, contact = bob.records("risks", HUACHEN)[0], bob.records("contacts", HUACHEN)[0]
    attempts = [
        lambda: bob.add(Risk(project_id=project.id, title="x", probability=1, impact=1)),
        lambda: bob.update("risks", risk.id, probability=1),
        lambda: bob.delete("contacts", contact.id),
        lambda: bob.update("projects", project.id, client="x"),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied) as info:
            attempt()
        message = str(info.value)
        assert "\n" not in message
        assert f"role bob may only read project '{HUACHEN}' (level: viewer)" in message
        assert "An owner of the project (lead) or the store's owner (lead)" in message
        assert f"commlib access grant bob '{HUACHEN}' --role editor" in message
    with shared.sql("bob") as conn:  # plain SQL: refused by the server, not skipped
        for statement in ("DELETE FROM risks", "UPDATE contacts SET subject = 'x'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may not"):
                conn.execute(statement)
    with (
        language("zh"),
        pytest.raises(AccessDenied, match="角色 bob 对项目 '华辰 ERP 升级' 只能查看"),
    ):
        bob.delete("risks", risk.id)
    after = _lead_view(shared, HUACHEN)
    for kind, frame in before.items():
        pd.testing.assert_frame_equal(after[kind], frame, obj=kind)
    # bob still writes his own project
    bob.update("risks", bob.records("risks", NORTHWIND)[0].id, impact=4)


def test_an_editor_changes_records_but_only_an_owner_deletes_the_project(shared):
    alice = shared.open("alice")
    risk = alice.records("risks", HUACHEN)[0]
    alice.update("risks", risk.id, probability=5)
    alice.delete("lessons", alice.records("lessons", HUACHEN)[0].id)
    survey = alice.records("surveys", HUACHEN)[0]  # responses: a batch, and the ids' counter
    alice.add(Response(project_id=survey.project_id, survey_id=survey.id, respondent="r9",
                       answers={"Q1": 10}))  # fmt: skip
    assert [r.respondent for r in shared.open("lead").records("responses")] == ["r1", "r9"]
    with pytest.raises(AccessDenied) as info:
        alice.delete_project(HUACHEN)
    assert "role alice is not an owner of project '华辰 ERP 升级' (level: editor): only an " \
           "owner deletes the project" in str(info.value)  # fmt: skip
    assert shared.open("lead").counts()[HUACHEN]["contacts"] == 2  # nothing went
    access.grant(shared.open("lead"), "alice", HUACHEN, "owner")
    assert alice.delete_project(HUACHEN)["contacts"] == 2
    assert [p.name for p in shared.open("lead").projects()] == [NORTHWIND]


def test_a_revoke_takes_effect_at_once(shared):
    alice = shared.open("alice")
    assert len(alice.frame("contacts")) == 2
    with shared.sql("alice", autocommit=False) as conn:  # a SQL session left open, mid-work
        assert conn.execute("SELECT count(*) FROM contacts").fetchone() == (2,)
        result = shared.run("lead", "access", "revoke", "alice", HUACHEN)
        assert result.exit_code == 0, result.output
        assert f"alice no longer has access to '{HUACHEN}'" in result.output
        assert conn.execute("SELECT count(*) FROM contacts").fetchone() == (0,)
    assert alice.projects() == [] and alice.frame("contacts").empty and alice.counts() == {}
    with pytest.raises(NotFound, match="sees only the projects granted"):
        alice.project(HUACHEN)


def test_a_new_project_belongs_to_the_role_that_creates_it(shared):
    alice = shared.open("alice")
    mine = alice.add(Project(name="Alice's pilot", client="Contoso", start=date(2026, 5, 1)))
    alice.add(Stakeholder(project_id=mine.id, name="Kim"))
    assert [p.name for p in alice.projects()] == [HUACHEN, "Alice's pilot"]
    assert "Alice's pilot" not in [p.name for p in shared.open("bob").projects()]
    lead = shared.open("lead")
    assert "Alice's pilot" in [p.name for p in lead.projects()]
    found = access.grants(lead, "Alice's pilot")
    assert found[["role", "level", "granted_by"]].values.tolist() == [["alice", "owner", "alice"]]


def test_a_grant_to_a_group_role_counts_for_its_members(shared, server):
    with psycopg.connect(_dsn(server.url()), autocommit=True) as conn:
        conn.execute("GRANT team_nw TO alice")
    try:
        access.grant(shared.open("lead"), "team_nw", NORTHWIND, "viewer")
        alice = shared.open("alice")
        assert [p.name for p in alice.projects()] == [HUACHEN, NORTHWIND]
        with pytest.raises(AccessDenied, match="may only read"):
            alice.add(Risk(project_id=alice.project(NORTHWIND).id, title="x",
                           probability=1, impact=1))  # fmt: skip
    finally:
        with psycopg.connect(_dsn(server.url()), autocommit=True) as conn:
            conn.execute("REVOKE team_nw FROM alice")


def test_the_access_checks_cannot_be_talked_round_from_sql(shared):
    northwind = shared.open("lead").project(NORTHWIND).id
    with shared.sql("alice") as conn:
        # a temporary table named like the grants comes first in a session's search path: the
        # server's functions do not read it
        conn.execute("CREATE TEMP TABLE project_access (project_id int, role_name text, "
                     "level text, granted_by text, granted_at timestamp)")  # fmt: skip
        conn.execute(
            f"INSERT INTO project_access VALUES ({northwind}, 'alice', 'owner', '', now())"
        )
        assert conn.execute("SELECT name FROM public.projects").fetchall() == [(HUACHEN,)]
        # a role cannot ask about another, nor claim a project that is there
        assert conn.execute(f"SELECT commlib_level({northwind}, 'bob')").fetchone() == (0,)
        assert conn.execute("SELECT commlib_projects('bob', 1)").fetchall() == []
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="cannot be claimed"):
            conn.execute(f"SELECT commlib_claim({northwind}, 'alice')")
    with shared.sql("alice") as conn:  # the meta table: only the response ids move, only on
        query = "UPDATE commlib_meta SET value = '1' WHERE key = 'schema_version'"
        assert conn.execute(query).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only move the counter"):
            conn.execute("UPDATE commlib_meta SET value = '0' WHERE key = 'response_ids'")
        conn.execute("UPDATE commlib_meta SET value = '5000' WHERE key = 'response_ids'")
    assert shared.open("lead").schema_version == _schema.SCHEMA_VERSION
    access.grant(shared.open("lead"), "alice", HUACHEN, "owner")
    huachen = shared.open("lead").project(HUACHEN).id
    with shared.sql("alice") as conn:  # an owner grants, in her own name only
        conn.execute(
            "INSERT INTO project_access (project_id, role_name, level, granted_by) "
            f"VALUES ({huachen}, 'bob', 'viewer', 'lead')"
        )
    found = access.grants(shared.open("lead"), HUACHEN)
    assert found[found["role"] == "bob"]["granted_by"].tolist() == ["alice"]


# --- granting -----------------------------------------------------------------------------


def test_only_an_owner_grants(shared):
    refused = shared.run("alice", "access", "grant", "bob", HUACHEN, "--role", "viewer")
    assert refused.exit_code == 1
    assert len(refused.output.strip().splitlines()) == 1, refused.output
    assert (
        f"role alice is not an owner of project '{HUACHEN}' (level: editor): only an owner "
        "grants or revokes access to it. An owner of the project (lead) or the store's owner "
        f"(lead) can do it, or make alice an owner: commlib access grant alice '{HUACHEN}' "
        "--role owner"
    ) in refused.output
    zh = shared.run("alice", "access", "grant", "bob", HUACHEN, lang="zh")
    assert "不是项目 '华辰 ERP 升级' 的所有者" in zh.output
    with shared.sql("alice") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "INSERT INTO project_access (project_id, role_name, level) "
            f"VALUES ({shared.open('lead').project(HUACHEN).id}, 'bob', 'viewer')"
        )
    assert HUACHEN not in [p.name for p in shared.open("bob").projects()]
    refused = shared.run("alice", "access", "revoke", "lead", HUACHEN)
    assert refused.exit_code == 1 and "only an owner grants or revokes" in refused.output

    granted = shared.run("lead", "access", "grant", "alice", HUACHEN, "--role", "owner")
    assert granted.exit_code == 0, granted.output
    assert f"alice now has owner access to '{HUACHEN}'" in granted.output
    assert shared.run("alice", "access", "grant", "bob", HUACHEN).exit_code == 0  # a viewer
    assert HUACHEN in [p.name for p in shared.open("bob").projects()]


def test_access_list_shows_the_grants_a_role_may_see(shared):
    result = shared.run("lead", "access", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = [
        (g["project"], g["role"], g["level"], g["granted_by"]) for g in json.loads(result.output)
    ]
    assert rows == [
        (NORTHWIND, "lead", "owner", "lead"),
        (NORTHWIND, "bob", "editor", "lead"),
        (HUACHEN, "lead", "owner", "lead"),
        (HUACHEN, "alice", "editor", "lead"),
    ]
    assert json.loads(result.output)[0]["granted_at"].startswith(str(date.today().year))
    table = shared.run("lead", "access", "list", "--project", HUACHEN).output.splitlines()
    assert table[0].split() == [
        "Project",
        "Role",
        "Level",
        "Granted",
        "by",
        "Granted",
        "at",
        "(UTC)",
    ]
    assert [line.split()[3:5] for line in table[1:]] == [["lead", "owner"], ["alice", "editor"]]
    # an editor sees its own grant; the owner of a project, every grant on it
    mine = json.loads(shared.run("alice", "access", "list", "--json").output)
    assert [(g["project"], g["role"], g["level"]) for g in mine] == [(HUACHEN, "alice", "editor")]
    shared.run("lead", "access", "grant", "bob", NORTHWIND, "--role", "owner")
    mine = json.loads(shared.run("bob", "access", "list", "--json").output)
    assert [(g["role"], g["level"]) for g in mine] == [("bob", "owner"), ("lead", "owner")]
    zh = shared.run("lead", "access", "list", "--project", NORTHWIND, lang="zh").output
    assert "授权人" in zh and "所有者" in zh and "编辑者" not in zh


def test_grants_are_checked_before_they_reach_the_server(shared):
    lead = shared.open("lead")
    with pytest.raises(NotFound, match="no role 'carol' on the PostgreSQL server"):
        access.grant(lead, "carol", HUACHEN, "editor")
    with pytest.raises(InvalidRecord, match="use viewer"):
        access.grant(lead, "alice", HUACHEN, "admin")
    with pytest.raises(NotFound, match="role 'bob' holds no grant of its own on project"):
        access.revoke(lead, "bob", HUACHEN)
    from commlib import Conflict

    with pytest.raises(Conflict, match="last owner of project"):
        access.revoke(lead, "lead", HUACHEN)
    assert shared.run("lead", "access", "grant", "bob", HUACHEN, "--role", "boss").exit_code == 2


def test_access_on_sqlite_says_it_is_one_persons_store(tmp_path):
    db = tmp_path / "mine.db"
    fill(Store(db))
    result = CliRunner().invoke(cli, ["--db", str(db), "access", "list"])
    assert result.exit_code == 1
    assert "is a SQLite file, one person's store" in result.output
    assert "export-csv" in result.output and "import-csv" in result.output
    with pytest.raises(StoreError, match="one person's store"):
        access.grant(Store(db), "alice", HUACHEN, "editor")


# --- the history names the actor ------------------------------------------------------------


def test_the_history_names_the_role_that_made_each_change(shared):
    alice, lead = shared.open("alice"), shared.open("lead")
    risk = alice.records("risks", HUACHEN)[0]
    alice.update("risks", risk.id, probability=5)
    lead.update("risks", risk.id, impact=5)
    history = lead.history(HUACHEN, kind="risks", record_id=risk.id)
    assert history[["field", "actor"]].values.tolist() == [
        ["probability", "lead"],  # fill's change, made by the store's owner
        ["probability", "alice"],
        ["impact", "lead"],
    ]
    alice.delete("lessons", alice.records("lessons", HUACHEN)[0].id)
    assert alice.history(kind="lessons")["actor"].tolist() == ["alice"]
    with shared.sql("alice") as conn:  # the server writes who it is, whatever the SQL says
        conn.execute(
            "INSERT INTO history (project_id, record_kind, record_id, field, changed_at, actor) "
            f"VALUES ({risk.project_id}, 'risks', {risk.id}, 'title', now(), 'bob')"
        )
    assert alice.history(kind="risks")["actor"].tolist()[-1] == "alice"
    assert "actor" not in lead.history(HUACHEN, audience="client").columns  # internal


def test_on_sqlite_the_history_names_the_os_user_and_survives_csv(tmp_path, monkeypatch):
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGNAME", "wang.fang")
    store = Store(tmp_path / "mine.db")
    fill(store)
    assert set(store.history()["actor"]) == {"wang.fang"}
    runner = CliRunner()
    runner.invoke(cli, ["--db", store.where, "export-csv", str(tmp_path / "out")])
    copy = tmp_path / "copy.db"
    result = runner.invoke(cli, ["--db", str(copy), "import-csv", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert Store(copy).history()["actor"].tolist() == store.history()["actor"].tolist()
    # a history exported before the actor was kept imports, its actor unknown
    path = tmp_path / "out" / "history.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [{k: v for k, v in row.items() if k != "actor"} for row in csv.DictReader(fh)]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    older = tmp_path / "older.db"
    result = runner.invoke(cli, ["--db", str(older), "import-csv", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert set(Store(older).history()["actor"]) == {""}


def test_the_owner_imports_a_history_as_it_was(shared, tmp_path):
    lead, alice = shared.open("lead"), shared.open("alice")
    alice.update("risks", alice.records("risks", HUACHEN)[0].id, probability=1)
    assert shared.run("lead", "export-csv", str(tmp_path / "dump")).exit_code == 0
    target = Shared(_database_of(shared.server, "lead"), shared.server)
    try:
        result = target.run("lead", "import-csv", str(tmp_path / "dump"))
        assert result.exit_code == 0, result.output
        moved = target.open("lead").history()["actor"].tolist()
        assert moved == lead.history()["actor"].tolist() and "alice" in moved
    finally:
        for store in target.opened:
            store.close()


# --- the upgrade ----------------------------------------------------------------------------


def _version_7(url: str) -> None:
    """Turn the store at ``url`` back into version 7 (see ``undo_version_8``)."""
    with Store(url) as store, store.transaction() as conn:
        undo_version_8(conn)
        conn.execute(
            _schema.meta.update().values(value="7").where(_schema.meta.c.key == "schema_version")
        )


def test_the_upgrade_adds_the_access_control_without_loss(server):
    url = _database_of(server, "lead")
    store = Shared(url, server)
    with Store(store.url_of("lead")) as lead:
        fill(lead)
        _northwind(lead)
        before = {p: _lead_view(store, p) for p in (HUACHEN, NORTHWIND)}
    _version_7(store.url_of("lead"))
    with psycopg.connect(_dsn(store.url_of("lead")), autocommit=True) as conn:
        # version 7 on a team's server: everyone who could connect read everything
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO alice")
        assert conn.execute("SELECT count(*) FROM pg_policies").fetchone() == (0,)
    with pytest.raises(StoreError, match=r"only the store's owner role \(lead\) or a superuser"):
        Store(store.url_of("alice"))
    try:
        lead = store.open("lead")
        assert lead.upgraded_from == 7 and lead.schema_version == _schema.SCHEMA_VERSION == 8
        for project, frames in before.items():
            after = _lead_view(store, project)
            for kind, frame in frames.items():
                if kind == "history":  # the changes made before: by someone unknown
                    assert set(after[kind].pop("actor")) == {""}
                    frame = frame.drop(columns="actor")
                pd.testing.assert_frame_equal(after[kind], frame, obj=kind)
        grants = access.grants(lead)
        assert grants[["project", "role", "level"]].values.tolist() == [
            [NORTHWIND, "lead", "owner"],
            [HUACHEN, "lead", "owner"],
        ]
        access.grant(lead, "alice", HUACHEN, "viewer")
        alice = store.open("alice")
        assert [p.name for p in alice.projects()] == [HUACHEN]
        with store.sql("alice") as conn:
            assert SECRET not in str(conn.execute("SELECT * FROM contacts").fetchall())
        _protected(store)
    finally:
        for opened in store.opened:
            opened.close()


def test_on_sqlite_the_upgrade_adds_only_the_actor(tmp_path):
    path = tmp_path / "old.db"
    with Store(path) as store:
        fill(store)
        count = len(store.history())
    _version_7(str(path))
    with Store(path) as store:
        assert store.upgraded_from == 7
        assert len(store.history()) == count and set(store.history()["actor"]) == {""}
        with store.read() as conn:
            assert "project_access" not in sa.inspect(conn).get_table_names()


def test_every_table_of_a_new_store_is_protected(shared):
    _protected(shared)


def _protected(shared: Shared) -> None:
    """Every table has row-level security with a policy, and the guard trigger."""
    with shared.sql("lead") as conn:
        tables = conn.execute(
            "SELECT relname, relrowsecurity FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
        ).fetchall()
        assert len(tables) == len(_schema.metadata.tables) + 1  # and project_access
        assert [name for name, secured in tables if not secured] == []
        policies = {r[0] for r in conn.execute("SELECT tablename FROM pg_policies")}
        assert policies == {name for name, _ in tables}
        guarded = {
            r[0]
            for r in conn.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'commlib_guard'"
            )
        }
        assert guarded == {name for name, _ in tables}
