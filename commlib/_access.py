"""Who may see and change which project on a shared PostgreSQL store: the server's side.

The database enforces it, for commlib and for any SQL client alike:

- ``project_access(project_id, role_name, level)`` says which role may do what with a
  project: a ``viewer`` reads it, an ``editor`` also changes its records, an ``owner`` also
  grants and revokes access, deletes the project and may correct its history. A grant to a
  group role counts for its members (those that inherit its privileges).
- Row-level security on every table of the store: a role reads the rows of the projects it
  has a grant on, and writes those it is at least an editor of (``projects`` by its id, the
  link tables through the record that owns the link, ``history`` and ``response_batches`` by
  their project). ``commlib_meta`` is readable by all; a role with an editor's grant may move
  the counter of response ids on.
- A trigger on every table (``commlib_guard``) refuses a write the role's level does not
  allow, with SQLSTATE 42501 and a ``DETAIL`` commlib reads back into a message
  (:func:`denied`): without it, a viewer's ``DELETE`` would silently delete nothing. On
  ``projects``, it makes the creating role the new project's owner; on ``history``, it
  writes the acting role into ``actor`` (for anyone but an administrator, who may import a
  history as it was).
- Administrators see and change everything: superusers, roles with ``BYPASSRLS``, and the
  store's owner (the role that created the tables) with the roles that inherit from it.
  Row-level security is not *forced*, so the table owner bypasses it: keep that role for
  upgrades and administration, and let people log in as roles of their own.

Privileges on the tables go to ``PUBLIC``: a role that can connect but has no grant sees
empty tables. The helper functions that read ``project_access`` run as its owner
(``SECURITY DEFINER``, which avoids policies reading their own table) and answer only for a
role the session may act as.

SQLite has none of this: it is one person's store.
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa

from .errors import AccessDenied
from .i18n import t

LEVELS = ("viewer", "editor", "owner")
#: each level's rank, as the server's functions count them (4: an administrator)
RANK = {"none": 0, "viewer": 1, "editor": 2, "owner": 3, "admin": 4}

#: SQLSTATE of a privilege the role lacks (``insufficient_privilege``)
INSUFFICIENT_PRIVILEGE = "42501"
_DETAIL = re.compile(r"commlib-access project=(\d*) level=(\d) needed=(\d) table=(\w+)")

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION commlib_rank(level text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE level WHEN 'owner' THEN 3 WHEN 'editor' THEN 2 WHEN 'viewer' THEN 1 ELSE 0 END
$$;

CREATE OR REPLACE FUNCTION commlib_is_admin(who name) RETURNS boolean
LANGUAGE sql STABLE SET search_path = {schema}, pg_catalog, pg_temp AS $$
  SELECT coalesce((SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = who), false)
      OR pg_has_role(who, (SELECT relowner FROM pg_class
                           WHERE oid = '{schema}.commlib_meta'::regclass), 'USAGE')
$$;

-- who may be asked about: a role the session may act as (itself, or one it is a member of)
CREATE OR REPLACE FUNCTION commlib_level(project integer, who name) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = {schema}, pg_catalog, pg_temp AS $$
  SELECT CASE
    WHEN NOT pg_has_role(session_user, who, 'MEMBER') THEN 0
    WHEN commlib_is_admin(who) THEN 4
    ELSE coalesce((SELECT max(commlib_rank(a.level)) FROM project_access a
                   JOIN pg_roles r ON r.rolname = a.role_name
                   WHERE a.project_id = project AND pg_has_role(who, r.oid, 'USAGE')), 0)
  END
$$;

-- the projects ``who`` holds at least ``at_least`` on (VOLATILE: a project created in the same
-- statement is seen, for INSERT ... RETURNING)
CREATE OR REPLACE FUNCTION commlib_projects(who name, at_least integer) RETURNS SETOF integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = {schema}, pg_catalog, pg_temp AS $$
  SELECT a.project_id FROM project_access a JOIN pg_roles r ON r.rolname = a.role_name
  WHERE pg_has_role(session_user, who, 'MEMBER') AND pg_has_role(who, r.oid, 'USAGE')
  GROUP BY a.project_id HAVING max(commlib_rank(a.level)) >= at_least
$$;

CREATE OR REPLACE FUNCTION commlib_owners(project integer, who name) RETURNS SETOF text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = {schema}, pg_catalog, pg_temp AS $$
  SELECT role_name FROM project_access
  WHERE project_id = project AND level = 'owner' AND commlib_level(project, who) >= 1
  ORDER BY role_name
$$;

-- a new project's first owner: only for a project that is not stored yet (the grant cannot
-- be committed without the project: its foreign key is checked at commit)
CREATE OR REPLACE FUNCTION commlib_claim(project integer, who name) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = {schema}, pg_catalog, pg_temp AS $$
BEGIN
  -- one claim of an id at a time: a claim made while another transaction is creating that
  -- project waits for it, then finds the project there
  PERFORM pg_advisory_xact_lock(hashtext('commlib_claim'), project);
  IF NOT pg_has_role(session_user, who, 'MEMBER')
     OR EXISTS (SELECT 1 FROM projects WHERE id = project) THEN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
      MESSAGE = 'permission denied: project ' || project || ' cannot be claimed by ' || who;
  END IF;
  INSERT INTO project_access (project_id, role_name, level, granted_by)
  VALUES (project, who, 'owner', who)
  ON CONFLICT (project_id, role_name) DO UPDATE SET level = 'owner';
END
$$;

-- arguments: the table holding the project ('' for this one), the column that leads to it,
-- then the level an INSERT, an UPDATE and a DELETE need
CREATE OR REPLACE FUNCTION commlib_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_catalog, pg_temp AS $$
DECLARE
  need integer := (CASE TG_OP WHEN 'INSERT' THEN TG_ARGV[2] WHEN 'UPDATE' THEN TG_ARGV[3]
                   ELSE TG_ARGV[4] END)::integer;
  item jsonb;
  project integer;
  seen integer[] := '{{}}';
  have integer;
BEGIN
  IF TG_TABLE_NAME = 'projects' AND TG_OP = 'INSERT' THEN
    PERFORM commlib_claim(NEW.id, current_user);
    RETURN NEW;
  END IF;
  IF commlib_is_admin(current_user) THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  FOREACH item IN ARRAY ARRAY[to_jsonb(OLD), to_jsonb(NEW)] LOOP
    CONTINUE WHEN item IS NULL;
    IF TG_ARGV[0] = '' THEN
      project := (item ->> TG_ARGV[1])::integer;
    ELSE
      EXECUTE 'SELECT project_id FROM ' || quote_ident(TG_ARGV[0]) || ' WHERE id = $1'
        INTO project USING (item ->> TG_ARGV[1])::integer;
    END IF;
    CONTINUE WHEN project = ANY (seen);
    seen := seen || project;
    have := CASE WHEN project IS NULL THEN 0 ELSE commlib_level(project, current_user) END;
    IF have < need THEN
      RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = 'permission denied: role ' || current_user || ' may not ' || lower(TG_OP)
                  || ' rows of ' || TG_TABLE_NAME || ' in project ' || coalesce(project::text, '?'),
        DETAIL = 'commlib-access project=' || coalesce(project::text, '') || ' level=' || have
                 || ' needed=' || need || ' table=' || TG_TABLE_NAME;
    END IF;
  END LOOP;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  IF TG_TABLE_NAME = 'history' THEN
    NEW.actor := current_user;
  ELSIF TG_TABLE_NAME = 'project_access' THEN
    NEW.granted_by := current_user;
    NEW.granted_at := now() AT TIME ZONE 'UTC';
  END IF;
  RETURN NEW;
END
$$;

-- commlib_meta: a role that is not an administrator moves the response ids' counter on, and
-- changes nothing else
CREATE OR REPLACE FUNCTION commlib_counter() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_catalog, pg_temp AS $$
BEGIN
  IF NOT commlib_is_admin(current_user) AND (
       NEW.key <> 'response_ids' OR OLD.key <> 'response_ids' OR NEW.value !~ '^[0-9]{{1,18}}$'
       OR NEW.value::bigint < OLD.value::bigint) THEN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
      MESSAGE = 'permission denied: role ' || current_user || ' may only move the counter of '
                || 'response ids on in commlib_meta';
  END IF;
  RETURN NEW;
END
$$;
"""

_TABLE = """
CREATE TABLE IF NOT EXISTS project_access (
  project_id integer NOT NULL
    REFERENCES projects (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  role_name text NOT NULL,
  level varchar(6) NOT NULL CHECK (level IN ('viewer', 'editor', 'owner')),
  granted_by text NOT NULL DEFAULT current_user,
  granted_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
  PRIMARY KEY (project_id, role_name)
)
"""

_POLICY_NAMES = ("commlib_access", "commlib_read", "commlib_create", "commlib_change",
                 "commlib_remove", "commlib_counter")  # fmt: skip
#: the projects the current role reads (1) or writes (2, 3), as a policy's condition
_HOLDS = "IN (SELECT commlib_projects(current_user, {least}))"


def _policies(table: str, how: tuple[str, str]) -> list[str]:
    """The policies of one table whose rows' project is found the way ``how`` says (see
    ``install``)."""
    owner, column = how
    if table == "commlib_meta":
        return [
            "CREATE POLICY commlib_read ON commlib_meta FOR SELECT USING (true)",
            "CREATE POLICY commlib_counter ON commlib_meta FOR UPDATE USING (key = "
            "'response_ids' AND EXISTS (SELECT 1 FROM commlib_projects(current_user, 2))) "
            "WITH CHECK (key = 'response_ids')",
        ]
    if table == "project_access":
        mine = (
            "EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = role_name "
            "AND pg_has_role(current_user, r.oid, 'USAGE'))"
        )
        return [
            f"CREATE POLICY commlib_access ON project_access USING ({mine} OR project_id "
            f"{_HOLDS.format(least=3)}) WITH CHECK (project_id {_HOLDS.format(least=3)})"
        ]
    if table == "projects":
        read, write = f"id {_HOLDS.format(least=1)}", f"id {_HOLDS.format(least=2)}"
        return [
            f"CREATE POLICY commlib_read ON projects FOR SELECT USING ({read})",
            "CREATE POLICY commlib_create ON projects FOR INSERT WITH CHECK (true)",
            f"CREATE POLICY commlib_change ON projects FOR UPDATE USING ({read}) "
            f"WITH CHECK ({write})",
            f"CREATE POLICY commlib_remove ON projects FOR DELETE USING ({read})",
        ]
    if owner:
        read = f"EXISTS (SELECT 1 FROM {owner} o WHERE o.id = {column})"
        write = (
            f"EXISTS (SELECT 1 FROM {owner} o WHERE o.id = {column} "
            f"AND o.project_id {_HOLDS.format(least=2)})"
        )
    else:
        read, write = (f"{column} {_HOLDS.format(least=n)}" for n in (1, 2))
    return [f"CREATE POLICY commlib_access ON {table} USING ({read}) WITH CHECK ({write})"]


def _guard(table: str, how: tuple[str, str]) -> str:
    """The trigger refusing the writes a role's level does not allow."""
    if table == "commlib_meta":
        return (
            "CREATE TRIGGER commlib_guard BEFORE UPDATE ON commlib_meta "
            "FOR EACH ROW EXECUTE FUNCTION commlib_counter()"
        )
    needs = {"projects": (0, 2, 3), "history": (2, 3, 3), "project_access": (3, 3, 3)}
    insert, update, delete = needs.get(table, (2, 2, 2))
    owner, column = how
    return (
        f"CREATE TRIGGER commlib_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION commlib_guard('{owner}', '{column}', "
        f"'{insert}', '{update}', '{delete}')"
    )


def install(conn: sa.Connection, tables: dict[str, tuple[str, str]], *, upgrade: bool) -> None:
    """Set up (again) the access control of a PostgreSQL store: the grants table, the
    functions, row-level security with its policies and triggers on every table, and the
    privileges, in one script. ``tables``: each table of the store -> how its rows' project
    is found (``("", column)`` in the row, ``(owner table, column)`` through the record a
    link belongs to); those not in the database yet are left for the upgrade that makes
    them. ``upgrade``: every project already stored is owned by the role running it."""
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    there = set(
        conn.execute(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}
        ).scalars()
    )
    quoted = '"' + schema.replace('"', '""').replace("'", "''") + '"'
    script = [_TABLE, _FUNCTIONS.format(schema=quoted)]
    found = {t: how for t, how in tables.items() if t in there}
    found["project_access"] = ("", "project_id")
    for table, how in found.items():
        script.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        script += [f"DROP POLICY IF EXISTS {name} ON {table}" for name in _POLICY_NAMES]
        script += _policies(table, how)
        script.append(f"DROP TRIGGER IF EXISTS commlib_guard ON {table}")
        script.append(_guard(table, how))
    rows = sorted(t for t in found if t != "commlib_meta")
    script += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(rows)} TO PUBLIC",
        "GRANT SELECT, UPDATE ON commlib_meta TO PUBLIC",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted} TO PUBLIC",
    ]
    if upgrade:
        script.append(
            "INSERT INTO project_access (project_id, role_name, level, granted_by) "
            "SELECT id, current_user, 'owner', current_user FROM projects "
            "ON CONFLICT (project_id, role_name) DO NOTHING"
        )
    # one round trip (no parameters: the driver sends it as it is, statements and all)
    conn.exec_driver_sql(";\n".join(s.strip().rstrip(";") for s in script))


# --- asking the server --------------------------------------------------------------------


def actor(conn: sa.Connection) -> str:
    """Who is changing the store: the database role on PostgreSQL, the OS user on SQLite."""
    if conn.dialect.name == "postgresql":
        return conn.exec_driver_sql("SELECT current_user").scalar()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment, none in the password file
        return ""


def role(conn: sa.Connection) -> str:
    return conn.exec_driver_sql("SELECT current_user").scalar()


def is_admin(conn: sa.Connection) -> bool:
    return bool(conn.execute(sa.text("SELECT commlib_is_admin(current_user)")).scalar())


def level(conn: sa.Connection, project_id: int) -> int:
    """The current role's rank on a project (``RANK``)."""
    query = sa.text("SELECT commlib_level(:p, current_user)")
    return int(conn.execute(query, {"p": project_id}).scalar())


def owners(conn: sa.Connection, project_id: int) -> list[str]:
    """The owners of a project the current role may read (none for any other)."""
    query = sa.text("SELECT commlib_owners(:p, current_user)")
    return list(conn.execute(query, {"p": project_id}).scalars())


def store_owner(conn: sa.Connection) -> str:
    query = "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'commlib_meta'::regclass"
    return conn.exec_driver_sql(query).scalar()


def role_exists(conn: sa.Connection, name: str) -> bool:
    query = sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r")
    return conn.execute(query, {"r": name}).first() is not None


def grant(conn: sa.Connection, project_id: int, role_name: str, level_name: str) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO project_access (project_id, role_name, level) VALUES (:p, :r, :l) "
            "ON CONFLICT (project_id, role_name) DO UPDATE SET level = EXCLUDED.level, "
            "granted_by = current_user, granted_at = now() AT TIME ZONE 'UTC'"
        ),
        {"p": project_id, "r": role_name, "l": level_name},
    )


def revoke(conn: sa.Connection, project_id: int, role_name: str) -> int:
    """Remove a role's grant; how many went (0 or 1)."""
    query = sa.text("DELETE FROM project_access WHERE project_id = :p AND role_name = :r")
    return conn.execute(query, {"p": project_id, "r": role_name}).rowcount


def grants(conn: sa.Connection, project_id: int | None = None) -> list[dict[str, Any]]:
    """The grants the current role may see (its own, and all of the projects it owns; every
    grant for an administrator), by project name, then level (owners first), then role."""
    where = "" if project_id is None else "WHERE a.project_id = :p"
    query = sa.text(
        "SELECT p.name AS project, a.role_name AS role, a.level, a.granted_by, a.granted_at "
        f"FROM project_access a JOIN projects p ON p.id = a.project_id {where} "
        "ORDER BY p.name, commlib_rank(a.level) DESC, a.role_name"
    )
    params = {} if project_id is None else {"p": project_id}
    return [dict(r) for r in conn.execute(query, params).mappings()]


# --- the server's refusals, in words ------------------------------------------------------


def is_refusal(err: BaseException) -> bool:
    """Whether a database error is the server refusing a privilege the role lacks."""
    orig = getattr(err, "orig", None)
    return getattr(orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE


def denied(read: Callable[[], AbstractContextManager[sa.Connection]], err: Exception) -> Exception:
    """The one-line message for the server's refusal ``err``: which project, the role's level
    there, what that level may not do, and who can grant more (read in a new transaction:
    the refused one is over)."""
    orig = getattr(err, "orig", None)
    diag = getattr(orig, "diag", None)
    found = _DETAIL.search(getattr(diag, "message_detail", None) or "")
    with read() as conn:
        if found is None:
            reason = str(orig or err).splitlines()[0]
            return AccessDenied(
                t("access.denied.other", role=role(conn), reason=reason, admin=store_owner(conn))
            )
        project_id = int(found[1]) if found[1] else None
        return refusal(conn, project_id, int(found[2]), found[4])


def refusal(conn: sa.Connection, project_id: int | None, have: int, table: str) -> AccessDenied:
    """Why the current role, of rank ``have`` on a project, may not write ``table`` there."""
    me, admin = role(conn), store_owner(conn)
    if project_id is None or have == 0:
        return AccessDenied(t("access.denied.none", role=me, id=project_id or "?", admin=admin))
    name = conn.execute(
        sa.text("SELECT name FROM projects WHERE id = :p"), {"p": project_id}
    ).scalar()
    wanted = "editor" if have == RANK["viewer"] else "owner"
    what = "grant" if table == "project_access" else "delete"
    return AccessDenied(
        t(
            "access.denied.viewer" if wanted == "editor" else f"access.denied.owner_only.{what}",
            role=me,
            project=name,
            level=t(f"access.level.{LEVELS[have - 1]}"),
            owners=", ".join(owners(conn, project_id)) or "—",
            admin=admin,
            command=command(me, name, wanted),
        )
    )


def command(role_name: str, project: str, level_name: str) -> str:
    """The command that grants ``level_name`` on ``project`` to ``role_name``."""
    import shlex

    return (
        f"commlib access grant {shlex.quote(role_name)} {shlex.quote(project)} --role {level_name}"
    )


def upgrade_refused(conn: sa.Connection) -> bool:
    """Whether the current role may not upgrade the store (it is neither its owner nor a
    superuser): then the upgrade would fail half-way on the first table."""
    query = (
        "SELECT NOT (pg_has_role(current_user, relowner, 'USAGE') OR "
        "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)) "
        "FROM pg_class WHERE oid = 'commlib_meta'::regclass"
    )
    return bool(conn.exec_driver_sql(query).scalar())


__all__ = [
    "INSUFFICIENT_PRIVILEGE",
    "LEVELS",
    "RANK",
    "actor",
    "command",
    "denied",
    "grant",
    "grants",
    "install",
    "is_admin",
    "is_refusal",
    "level",
    "owners",
    "refusal",
    "revoke",
    "role",
    "role_exists",
    "store_owner",
    "upgrade_refused",
]
