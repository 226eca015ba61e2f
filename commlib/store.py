"""The workbench store: every record of every project, in SQLite or PostgreSQL.

    >>> store = Store("data/workbench.db")          # a path, or any SQLAlchemy URL
    >>> p = store.add(Project(name="ERP", client="ACME", start=date(2026, 1, 5)))
    >>> store.add(Risk(project_id=p.id, title="Key user leaves", probability=2, impact=4))
    >>> store.frame("risks", project="ERP")         # a pandas DataFrame

Each call is one transaction: it writes everything or nothing. Group several calls into
one transaction with ``with store.transaction(): ...``. Every write is validated against
the model, and records may only point at records of the same project.

Durability on SQLite: the store runs in WAL mode with ``synchronous=NORMAL`` (SQLite's
recommended setting for WAL). A committed transaction survives the process that wrote it
being killed at any moment (SIGKILL, a crash of Python), and the database always stays
consistent; only a power loss or a crash of the operating system may undo the last
transactions committed before it (the write-ahead log is synced at checkpoints, not at
every commit). That is what lets a single ``add`` commit in well under a millisecond.

On a shared PostgreSQL store each role sees and changes only the projects granted to it
(``commlib.access``): the server filters every query and refuses what the role may not do,
which the store reports as ``AccessDenied`` (see ``commlib._access``).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import os
import threading
import typing
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import sqlalchemy as sa

from . import _access, _responses, _schema
from ._validation import validate
from .errors import Conflict, InvalidRecord, NotFound, Problem, StoreError
from .frames import gc_paused
from .i18n import label, t
from .models import KINDS, Change, Project, Record, field_type, model_for, to_text

R = TypeVar("R", bound=Record)
#: a project as the store's methods take it: its name, its id or the record
ProjectRef = str | int | Project
#: the history's ``field`` of a deleted record (``old``: the record as JSON)
DELETED = "deleted"

DEFAULT_DB = "data/workbench.db"
BUSY_TIMEOUT_S = 30
#: what ``reads()`` collects: a kind of record, or ``ANY`` for a read that names no kind
ANY = "*"
_READS: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("reads", default=None)


@contextlib.contextmanager
def reads() -> Iterator[set[str]]:
    """The kinds read from any store inside the block (``ANY``: the history, or a query
    through ``store.read()``, which could read anything)::

        with reads() as kinds:
            milestone_table(store.frame("milestones", p), store.frame("stakeholders", p))
        kinds  # {"milestones", "stakeholders"}

    Live views use it to know which saves they must follow.
    """
    found: set[str] = set()
    token = _READS.set(found)
    try:
        yield found
    finally:
        _READS.reset(token)


def _noted(kind: str) -> None:
    found = _READS.get()
    if found is not None:
        found.add(kind)


Audience = typing.Literal["internal", "client"]


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from a path or URL.

    ``None`` means ``$COMMLIB_DB``, else ``data/workbench.db`` (relative to the working folder).
    """
    value = os.fspath(db) if db is not None else os.environ.get("COMMLIB_DB") or DEFAULT_DB
    if "://" in value:
        return value
    if value == ":memory:":
        return "sqlite://"  # an in-memory store, gone when closed
    path = Path(value).expanduser().resolve()
    if path.is_dir():
        raise StoreError(t("error.store.is_dir", path=path))
    return f"sqlite:///{path}"


def _engine(url: str) -> sa.Engine:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as err:
        raise StoreError(t("error.store.bad_url", url=url)) from err
    if parsed.get_backend_name() != "sqlite":
        try:
            return sa.create_engine(parsed, pool_pre_ping=True)
        except (sa.exc.NoSuchModuleError, ImportError) as err:
            raise StoreError(t("error.store.no_driver", url=url, reason=err)) from err

    memory = parsed.database in (None, "", ":memory:")
    if not memory:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        parsed,
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        poolclass=sa.pool.StaticPool if memory else None,
    )

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we send BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        # in WAL mode, NORMAL loses nothing committed when a process dies (only on power loss)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # Writers take the write lock at once, so two writers never deadlock on upgrade.
        # (on the sqlite3 connection directly: SQLAlchemy would take longer than SQLite)
        _run(conn, conn.info.get("commlib_begin", "BEGIN"), ())

    return engine


class Store:
    """All records of all projects, in one database. Open with a path or SQLAlchemy URL."""

    def __init__(self, db: str | os.PathLike[str] | None = None) -> None:
        self.url = resolve_url(db)
        self._engine = _engine(self.url)
        self._statements = (
            _SQLiteStatements(self._engine.dialect)
            if self.dialect == "sqlite"
            else _Statements(self._engine.dialect)
        )
        self._local = threading.local()
        self.upgraded_from: int | None = None
        self._actor: str | None = None
        try:
            self._open()
        except sa.exc.DatabaseError as err:
            self._engine.dispose()
            raise StoreError(
                t("error.store.cannot_open", url=self.where, reason=_reason(err))
            ) from err
        except BaseException:  # a failed upgrade: no connection is left open
            self._engine.dispose()
            raise

    # --- opening ----------------------------------------------------------------------

    @property
    def where(self) -> str:
        """Where the store is, for people: the file path, or the URL without its password."""
        url = sa.engine.make_url(self.url)
        if url.get_backend_name() == "sqlite":
            return url.database or ":memory:"
        return url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def _open(self) -> None:
        with self._engine.connect() as conn:
            raw = conn.connection.dbapi_connection if self.dialect == "sqlite" else None
            if raw is not None:
                # An upgrade may rebuild a table (alembic's batch mode), which SQLite only
                # allows with foreign keys off; they are checked before the commit instead.
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                conn.info["commlib_begin"] = "BEGIN IMMEDIATE"
                with conn.begin():
                    self._create_or_upgrade(conn)
                    if raw is not None and self.upgraded_from is not None:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise StoreError(
                                t("error.store.upgrade_broken", url=self.where, rows=len(broken))
                            )
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys=ON")

    def _create_or_upgrade(self, conn: sa.Connection) -> None:
        version = _schema.stored_version(conn)
        if version is None:
            if sa.inspect(conn).get_table_names():
                raise StoreError(t("error.store.not_commlib", url=self.where))
            _schema.create(conn)
        elif version > _schema.SCHEMA_VERSION:
            raise StoreError(
                t(
                    "error.store.too_new",
                    url=self.where,
                    version=version,
                    supported=_schema.SCHEMA_VERSION,
                )
            )
        elif version < _schema.SCHEMA_VERSION:
            if self.dialect == "postgresql" and _access.upgrade_refused(conn):
                raise StoreError(
                    t(
                        "access.error.upgrade_owner",
                        url=self.where,
                        version=version,
                        supported=_schema.SCHEMA_VERSION,
                        owner=_access.store_owner(conn),
                    )
                )
            _schema.upgrade(conn, version)
            self.upgraded_from = version

    @property
    def schema_version(self) -> int:
        with self._read() as conn:
            return _schema.stored_version(conn) or 0

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.where!r})"

    # --- transactions -----------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """Run several operations as one transaction: all are written, or none."""
        with self._write() as conn:
            yield conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        try:
            with self._engine.connect() as conn:
                conn.info["commlib_begin"] = "BEGIN IMMEDIATE"
                with conn.begin():
                    self._local.conn = conn
                    self._local.known = {}
                    try:
                        yield conn
                    finally:
                        self._local.conn = None
                        self._local.known = {}
        except sa.exc.IntegrityError as err:
            raise Conflict(t("error.store.conflict", reason=_reason(err))) from err
        except sa.exc.OperationalError as err:
            raise StoreError(
                t("error.store.operational", url=self.where, reason=_reason(err))
            ) from err
        except sa.exc.ProgrammingError as err:
            if _access.is_refusal(err):  # the server's access control (PostgreSQL)
                raise _access.denied(self._read, err) from err
            raise

    def read(self) -> contextlib.AbstractContextManager[sa.Connection]:
        """A read transaction: one consistent view of the store for several queries.

        ``with store.read() as conn: conn.execute(...)`` (SQLAlchemy Core; tables in
        ``commlib._schema.TABLES``). Inside ``store.transaction()`` it is that transaction.
        """
        _noted(ANY)
        return self._read()

    @contextlib.contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self._engine.connect() as conn:
            conn.info["commlib_begin"] = "BEGIN"
            with conn.begin():
                yield conn

    # --- projects ---------------------------------------------------------------------

    def projects(self) -> list[Project]:
        return self.records("projects")  # type: ignore[return-value]

    def project(self, ref: str | int | Project) -> Project:
        """A project by name, id, or the project itself (re-read from the store)."""
        if isinstance(ref, Project):
            ref = ref.id if ref.id is not None else ref.name
        table = _schema.TABLES["projects"]
        _noted("projects")
        column = table.c.id if isinstance(ref, int) else table.c.name
        with self._read() as conn:
            row = conn.execute(sa.select(table).where(column == ref)).mappings().first()
        if row is None:
            names = ", ".join(p.name for p in self.projects()) or t("word.none")
            raise NotFound(
                t("error.not_found.project", name=ref, known=names) + self._not_granted()
            )
        return Project.model_validate(dict(row))

    def delete_project(self, ref: str | int | Project) -> dict[str, int]:
        """Delete a project and every record in it; returns how many of each kind went."""
        project = self.project(ref)
        removed: dict[str, int] = {}
        with self._write() as conn:
            for kind in [*reversed(list(KINDS)), "history"]:
                if kind == "projects":
                    continue
                table = _schema.TABLES[kind]
                if kind == "responses":
                    removed[kind] = _responses.counts(conn).get(project.id, 0)
                result = conn.execute(table.delete().where(table.c.project_id == project.id))
                removed.setdefault(kind, result.rowcount)
            conn.execute(
                _schema.TABLES["projects"]
                .delete()
                .where(_schema.TABLES["projects"].c.id == project.id)
            )
        removed["projects"] = 1
        return removed

    # --- reading ----------------------------------------------------------------------

    def get(self, kind: str, record_id: int) -> Record:
        _noted(kind)
        model = model_for(kind)
        table = _schema.TABLES[kind]
        with self._read() as conn:
            if kind == "responses":
                row = _responses.get(conn, record_id)
            else:
                row = (
                    conn.execute(sa.select(table).where(table.c.id == record_id)).mappings().first()
                )
            if row is None:
                role = self._hidden()
                key = "error.not_found.record" if role is None else "access.not_found_record"
                raise NotFound(t(key, kind=label(kind), id=record_id, role=role))
            data = dict(row)
            for field in _link_fields(kind):
                data[field] = self._linked(conn, kind, field, [record_id]).get(record_id, [])
        return model.model_validate(data)

    def records(self, kind: str, project: str | int | Project | None = None) -> list[Record]:
        """Every record of one kind (of one project), oldest first."""
        _noted(kind)
        model = model_for(kind)
        table = _schema.TABLES[kind]
        query = sa.select(table).order_by(table.c.id)
        project_id = None
        if project is not None and kind != "projects":
            project_id = self.project(project).id
            query = query.where(table.c.project_id == project_id)
        with self._read() as conn:
            if kind == "responses":
                return [
                    model.model_validate(r) for r in _responses.records(conn, project_id=project_id)
                ]
            rows = [dict(r) for r in conn.execute(query).mappings()]
            for field in _link_fields(kind):
                links = self._linked(conn, kind, field, _ids_of(query, table))
                for row in rows:
                    row[field] = links.get(row["id"], [])
        return [model.model_validate(row) for row in rows]

    def frame(
        self,
        kind: str,
        project: str | int | Project | None = None,
        audience: Audience = "internal",
    ) -> pd.DataFrame:
        """One kind as a DataFrame, a row per record, columns as in the model.

        ``audience="client"`` keeps only records marked ``client`` and drops the fields
        that are internal by nature (notes, stakeholders' e-mail and phone).
        """
        if audience not in ("internal", "client"):
            raise InvalidRecord([Problem("audience", audience, t("error.audience"))])
        if kind == "history":
            return self.history(project, audience=audience)
        _noted(kind)
        model = model_for(kind)
        table = _schema.TABLES[kind]
        records = (kind, project is not None, audience == "client")  # see _frame_query
        # a tuple per row, then a list per record: nothing for the garbage collector to free
        with self._read() as conn, gc_paused():
            params = {} if project is None else {"project": self._project_id(conn, project)}
            if kind == "responses":
                found = _responses.records(
                    conn, project_id=params.get("project"), client=audience == "client"
                )
                df = pd.DataFrame(found, columns=list(model.fields()))
            else:
                columns, rows = self._statements.rows(
                    conn, ("frame", *records), lambda: _frame_query(*records), params
                )
                df = _frame(columns, rows, table, conn.dialect)
            for field in _link_fields(kind):
                df[field] = self._link_lists(conn, records, field, df["id"], params)
        df = _typed(
            df.reindex(
                columns=[f for f in model.fields() if f in df.columns or f in _link_fields(kind)]
            ),
            model,
        )
        if audience == "client":
            df = df.drop(columns=[f for f in model.internal_fields if f in df.columns])
        df.attrs["kind"] = kind  # what display labels its enumerations by
        return df

    def _project_id(self, conn: sa.Connection, ref: str | int | Project) -> int:
        """The id of the project ``project(ref)`` finds, read in ``conn``."""
        if isinstance(ref, Project):
            ref = ref.id if ref.id is not None else ref.name
        by_id = isinstance(ref, int)
        _names, rows = self._statements.rows(
            conn, ("project", by_id), lambda: _project_query(by_id), {"ref": ref}
        )
        return rows[0][0] if rows else self.project(ref).id  # NotFound names the projects

    def _link_lists(
        self,
        conn: sa.Connection,
        records: tuple[str, bool, bool],
        field: str,
        ids: pd.Series,
        params: dict[str, Any],
    ) -> list[list[int]]:
        """For each of ``ids`` (the records ``_frame_query(*records)`` selects), the ids its
        list field ``field`` holds, in their order.

        One query reads the links, each column as one comma-separated text (a single value
        to fetch instead of a row per link; the three are aggregated over the same rows, so
        they line up), and numpy sorts them and finds each record's.
        """
        if ids.empty:
            return []
        first, last = int(ids.min()), int(ids.max())
        # ids close together (a project's records, mostly): read the links of that range,
        # which scans the index once, instead of looking up every id
        dense = last - first < DENSE_IDS * len(ids)
        if dense:
            params = {"first": first, "last": last}
        shape = (*records, field, dense)
        _names, [columns] = self._statements.rows(
            conn, ("links", *shape), lambda: _links_query(*shape), params
        )
        # (the link columns are NOT NULL: the three hold a number for every link)
        owners, targets, positions = (
            np.fromstring(text or "", np.int64, sep=",") for text in columns
        )
        order = np.lexsort((positions, owners))
        owners, targets = owners[order], targets[order].tolist()
        wanted = ids.to_numpy(dtype=np.int64)
        starts = np.searchsorted(owners, wanted, side="left").tolist()
        ends = np.searchsorted(owners, wanted, side="right").tolist()
        return [targets[start:end] for start, end in zip(starts, ends, strict=True)]

    def history(
        self,
        project: str | int | Project | None = None,
        *,
        kind: str | None = None,
        record_id: int | None = None,
        since: datetime | None = None,
        audience: Audience = "internal",
    ) -> pd.DataFrame:
        """Changes to tracked fields, oldest first: when, which record, field, old and new value.

        ``audience="client"`` keeps only changes to records marked ``client``, and never
        to fields that are internal by nature.
        """
        _noted(ANY)  # every tracked save writes history
        query = self._history_query(project, kind=kind, record_id=record_id, since=since)
        with self._read() as conn:
            df = pd.read_sql(query, conn)
            if audience == "client":
                df = df.drop(columns=["actor"])  # who in the team changed it: internal
            if audience == "client" and not df.empty:
                keep = []
                for record_kind, group in df.groupby("record_kind"):
                    table = _schema.TABLES[str(record_kind)]
                    wanted = group["record_id"].unique().tolist()
                    shared = set(
                        [r["id"] for r in _responses.records(conn, ids=wanted, client=True)]
                        if record_kind == "responses"
                        else conn.execute(
                            sa.select(table.c.id).where(
                                table.c.id.in_(wanted),
                                table.c.visibility == "client",
                            )
                        ).scalars()
                    )
                    # a deleted record's entry holds all of it, notes too (and its id
                    # may be taken again by a record the client sees)
                    hidden = KINDS[str(record_kind)].internal_fields | {DELETED}
                    keep += group.index[
                        group["record_id"].isin(shared) & ~group["field"].isin(hidden)
                    ].tolist()
                df = df.loc[sorted(keep)].reset_index(drop=True)
        return df

    def changes(self, project: str | int | Project | None = None) -> list[Change]:
        """The history as records, oldest first."""
        _noted(ANY)
        with self._read() as conn:
            rows = conn.execute(self._history_query(project)).mappings()
            return [Change.model_validate(dict(r)) for r in rows]

    def _history_query(
        self,
        project: str | int | Project | None = None,
        *,
        kind: str | None = None,
        record_id: int | None = None,
        since: datetime | None = None,
    ) -> sa.Select:
        table = _schema.history
        query = sa.select(table).order_by(table.c.changed_at, table.c.id)
        if project is not None:
            query = query.where(table.c.project_id == self.project(project).id)
        if kind is not None:
            model_for(kind)
            query = query.where(table.c.record_kind == kind)
        if record_id is not None:
            query = query.where(table.c.record_id == record_id)
        if since is not None:
            query = query.where(table.c.changed_at >= since)
        return query

    def existing_ids(self, kind: str, ids: Sequence[int]) -> list[int]:
        """Which of ``ids`` are already taken by records of ``kind``."""
        table = _schema.TABLES[kind]
        found: list[int] = []
        with self._read() as conn:
            if kind == "responses":
                return _responses.existing(conn, list(ids))
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                query = sa.select(table.c.id).where(table.c.id.in_(chunk)).order_by(table.c.id)
                found += conn.execute(query).scalars().all()
        return found

    def source_keys(self, kind: str, project: str | int | Project) -> set[tuple[str, str | None]]:
        """The ``(source, source_id)`` of every record of ``kind`` (one with those fields:
        ``contacts``) of a project: what an import finds already stored."""
        _noted(kind)
        table = _schema.TABLES[kind]
        with self._read() as conn:
            project_id = self._project_id(conn, project)
            query = sa.select(table.c.source, table.c.source_id).where(
                table.c.project_id == project_id
            )
            return {(source, source_id) for source, source_id in conn.execute(query)}

    def counts(self) -> dict[str, dict[str, int]]:
        """For each project (by name), how many records of each kind it has."""
        kinds = [kind for kind in [*KINDS, "history"] if kind != "projects"]
        names = {p.id: p.name for p in self.projects()}
        result = {name: dict.fromkeys(kinds, 0) for name in names.values()}
        with self._read() as conn:
            for kind in kinds:
                table = _schema.TABLES[kind]
                query = sa.select(table.c.project_id, sa.func.count()).group_by(table.c.project_id)
                found = (
                    _responses.counts(conn).items() if kind == "responses" else conn.execute(query)
                )
                for project_id, n in found:
                    if project_id in names:  # (granted since the projects were read)
                        result[names[project_id]][kind] = n
        return result

    # --- writing ----------------------------------------------------------------------

    def add(self, record: R) -> R:
        """Validate and store one record; returns it with its id."""
        return self.add_all([record])[0]

    def add_all(self, records: Iterable[R]) -> list[R]:
        """Validate and store several records in one transaction; all or none."""
        records = list(records)
        stored: list[R] = []
        with self._write() as conn:
            # responses are checked one by one, and stored at once (see ``_insert``)
            self._local.waiting = waiting = []
            try:
                for record in records:
                    stored.append(self._insert(conn, record))
            finally:
                self._local.waiting = None
            if waiting:
                ids = iter(_responses.insert(conn, [row for _record, row in waiting]))
                stored = [
                    s.model_copy(update={"id": next(ids)}) if s.kind == "responses" else s
                    for s in stored
                ]
            explicit = {r.kind for r in records if r.id is not None and r.kind != "responses"}
            if explicit and self.dialect == "postgresql":
                for kind in explicit:
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{kind}', 'id'), "
                        f"(SELECT max(id) FROM {kind}))"
                    )
        return stored

    def update(
        self,
        kind: str | Record,
        record_id: int | None = None,
        *,
        at: datetime | None = None,
        **changes: Any,
    ) -> Record:
        """Change fields of a stored record; tracked fields keep their history.

        ``store.update("risks", 3, probability=4)`` or ``store.update(edited_record)``.
        ``at`` is when the change happened (default: now).
        """
        if isinstance(kind, Record):
            edited = kind
            kind, record_id = edited.kind, edited.id
            changes = {**edited.model_dump(exclude={"id", "created_at", "updated_at"}), **changes}
        if record_id is None:
            raise InvalidRecord([Problem("id", None, t("error.id_required"))])
        model = model_for(kind)
        moment = _now() if at is None else at
        with self._write() as conn:
            current = self.get(kind, record_id)
            unknown = sorted(set(changes) - set(model.model_fields))
            if unknown:
                raise InvalidRecord(
                    [
                        Problem(f, changes[f], t("error.validation.extra_forbidden"))
                        for f in unknown
                    ],
                    t("error.fields_are", fields=", ".join(model.fields())),
                )
            for fixed in ("id", "project_id", "created_at"):
                if fixed in changes and changes[fixed] != getattr(current, fixed):
                    raise InvalidRecord([Problem(fixed, changes[fixed], t("error.fixed_field"))])
            data = {**current.model_dump(), **changes, "updated_at": moment}
            new = validate(model, data, where=f"{label(kind)} #{record_id}")
            diff = [f for f in model.model_fields if getattr(new, f) != getattr(current, f)]
            diff = [f for f in diff if f != "updated_at"]
            if not diff:
                return current
            self._check_references(conn, new)
            table = _schema.TABLES[kind]
            row = _row(new)
            values = {f: row[f] for f in [*diff, "updated_at"] if f in row}
            if kind == "responses":
                _responses.update(conn, row)
            else:
                conn.execute(table.update().where(table.c.id == record_id).values(**values))
            for field in _link_fields(kind):
                if field in diff:
                    self._write_links(
                        conn, kind, field, record_id, getattr(new, field), replace=True
                    )
            entries = [
                {
                    "project_id": new.project_id if kind != "projects" else new.id,
                    "record_kind": kind,
                    "record_id": record_id,
                    "field": field,
                    "old": to_text(getattr(current, field)),
                    "new": to_text(getattr(new, field)),
                    "changed_at": moment,
                    "actor": self._acting(conn),
                }
                for field in diff
                if field in model.tracked
            ]
            if entries:
                conn.execute(_schema.history.insert(), entries)
        return new

    def delete(self, kind: str, record_id: int) -> None:
        """Delete one record (refused while other records point at it).

        The history keeps it: an entry ``field="deleted"`` whose ``old`` is the record as
        JSON (written in the same transaction). A client never sees that entry.
        """
        if kind == "projects":
            self.delete_project(record_id)
            return
        table = _schema.TABLES[kind]
        try:
            with self._write() as conn:
                record = self.get(kind, record_id)
                if kind == "responses":
                    _responses.delete(conn, record_id)
                else:
                    conn.execute(table.delete().where(table.c.id == record_id))
                conn.execute(
                    _schema.history.insert(),
                    {
                        "project_id": record.project_id,
                        "record_kind": kind,
                        "record_id": record_id,
                        "field": DELETED,
                        "old": to_text(record.model_dump(mode="json")),
                        "new": None,
                        "changed_at": _now(),
                        "actor": self._acting(conn),
                    },
                )
        except Conflict as err:
            raise Conflict(t("error.still_referenced", kind=label(kind), id=record_id)) from err

    def add_history(self, changes: Sequence[Change]) -> None:
        """Store history entries as they are (used by CSV import)."""
        with self._write() as conn:
            rows = [c.model_dump() for c in changes]
            if any(r["id"] is None for r in rows):
                rows = [{k: v for k, v in r.items() if k != "id"} for r in rows]
            if rows:
                conn.execute(_schema.history.insert(), rows)
                if self.dialect == "postgresql" and "id" in rows[0]:
                    conn.exec_driver_sql(
                        "SELECT setval(pg_get_serial_sequence('history', 'id'), "
                        "(SELECT max(id) FROM history))"
                    )

    # --- internals --------------------------------------------------------------------

    def _hidden(self) -> str | None:
        """On PostgreSQL, the current role if it sees only the projects granted to it (what
        it looks for may be in another); None for an administrator, and on SQLite."""
        if self.dialect != "postgresql":
            return None
        with self._read() as conn:
            return None if _access.is_admin(conn) else _access.role(conn)

    def _not_granted(self) -> str:
        """`` On this shared store, role ... sees only ...`` when it does (see ``_hidden``)."""
        role = self._hidden()
        return "" if role is None else " " + t("access.not_found_hint", role=role)

    def _acting(self, conn: sa.Connection) -> str:
        """Who makes the changes, for the history (asked once): the database role on
        PostgreSQL (whose server also writes it for any role but an administrator), the OS
        user on SQLite."""
        if self._actor is None:
            self._actor = _access.actor(conn)
        return self._actor

    def _insert(self, conn: sa.Connection, record: R) -> R:
        """Store one record; a response is only checked, and waits (record, row) in
        ``add_all``'s list to be stored with the others (``responses.insert``)."""
        model = type(record)
        if model.kind not in KINDS:
            raise InvalidRecord([Problem("kind", model.__name__, t("error.not_a_record"))])
        data = record.model_dump()
        moment = data.get("created_at") or _now()
        data["created_at"] = moment
        data["updated_at"] = data.get("updated_at") or moment
        record = _validated(model, data)
        self._check_references(conn, record)
        table = _schema.TABLES[model.kind]
        row = _row(record)
        if model.kind == "responses":
            self._local.waiting.append((record, row))
            return record
        if record.id is None:
            row.pop("id")
        try:
            new_id = self._statements.insert(conn, table, row)
        except sa.exc.IntegrityError as err:
            raise Conflict(_conflict_message(model.kind, record, err)) from err
        record = record.model_copy(update={"id": new_id})
        for field in _link_fields(model.kind):
            self._write_links(conn, model.kind, field, new_id, getattr(record, field))
        self._local.known[(model.kind, new_id)] = (
            record.project_id if model.kind != "projects" else new_id
        )
        return record

    def _check_references(self, conn: sa.Connection, record: Record) -> None:
        """Every id a record points at exists and belongs to the same project."""
        problems = []
        model = type(record)
        pointed = [
            (field, target, ref)
            for field, target in model.references.items()
            for ref in _ids_in(getattr(record, field))
        ]
        if model.kind != "projects":
            pointed.insert(0, ("project_id", "projects", record.project_id))
        owners = self._owners(conn, [(target, ref) for _field, target, ref in pointed])
        for field, target, ref in pointed:
            owner = owners[(target, ref)]
            if field == "project_id" and model.kind != "projects":
                if owner is None:
                    problems.append(Problem(field, ref, t("error.unknown_project")))
            elif owner is None:
                problems.append(
                    Problem(field, ref, t("error.unknown_reference", kind=label(target)))
                )
            elif owner != record.project_id:
                problems.append(Problem(field, ref, t("error.other_project", kind=label(target))))
        loops = (
            model.kind == "milestones"
            and record.id is not None
            and record.depends_on
            and self._depends_on(conn, record.depends_on, record.id)
        )
        if loops:
            problems.append(Problem("depends_on", record.depends_on, t("error.cycle")))
        if problems:
            missing = any(owners[(target, ref)] is None for _field, target, ref in pointed)
            hint = t("error.fix_hint") + (self._not_granted() if missing else "")
            raise InvalidRecord(problems, hint)

    def _depends_on(self, conn: sa.Connection, start: int, target: int) -> bool:
        """Whether following ``depends_on`` from milestone ``start`` reaches ``target``."""
        table = _schema.TABLES["milestones"]
        seen: set[int] = set()
        current: int | None = start
        while current is not None and current not in seen:
            if current == target:
                return True
            seen.add(current)
            current = conn.execute(
                sa.select(table.c.depends_on).where(table.c.id == current)
            ).scalar()
        return False

    def _owners(
        self, conn: sa.Connection, refs: list[tuple[str, int]]
    ) -> dict[tuple[str, int], int | None]:
        """The project of each (kind, id), None for ids that do not exist: what this
        transaction already knows, the rest read in one query."""
        known = self._local.known
        missing: dict[str, list[int]] = {}
        for kind, record_id in refs:
            if (kind, record_id) not in known and record_id not in missing.get(kind, ()):
                missing.setdefault(kind, []).append(record_id)
        if missing:
            found = self._statements.owners(conn, missing)
            for kind, ids in missing.items():
                for record_id in ids:
                    known[(kind, record_id)] = found.get((kind, record_id))
        return known

    def _linked(
        self, conn: sa.Connection, kind: str, field: str, ids: list[int] | sa.Select
    ) -> dict[int, list[int]]:
        table = _schema.LINKS[(kind, field)]
        owner, target = _schema.link_columns(kind, field)
        query = sa.select(table.c[owner], table.c[target]).order_by(
            table.c[owner], table.c.position
        )
        query = query.where(table.c[owner].in_(ids))
        links: dict[int, list[int]] = {}
        for a, b in conn.execute(query):
            links.setdefault(a, []).append(b)
        return links

    def _write_links(
        self,
        conn: sa.Connection,
        kind: str,
        field: str,
        record_id: int,
        ids: list[int],
        replace: bool = False,
    ) -> None:
        table = _schema.LINKS[(kind, field)]
        owner, target = _schema.link_columns(kind, field)
        if replace:
            conn.execute(table.delete().where(table.c[owner] == record_id))
        if ids:
            self._statements.insert_many(
                conn,
                table,
                [{owner: record_id, target: ref, "position": i} for i, ref in enumerate(ids)],
            )


class _Statements:
    """The statements the store runs most, each built and compiled once per store.

    For ``Store.add``: the references of a record are looked up in one query, and rows are
    inserted by statements that take them as parameters (SQLAlchemy Core). For
    ``Store.frame``: ``rows`` reads a query's rows as the driver gives them.
    """

    def __init__(self, dialect: sa.Dialect) -> None:
        self.dialect = dialect
        self._owner_queries: dict[tuple[str, ...], sa.CompoundSelect] = {}
        self._selects: dict[Hashable, sa.sql.compiler.SQLCompiler] = {}

    def rows(
        self,
        conn: sa.Connection,
        key: Hashable,
        build: Callable[[], sa.Select],
        params: dict[str, Any],
    ) -> tuple[list[tuple[str, Any]], list[tuple[Any, ...]]]:
        """The columns (name, DBAPI type code) and rows of the query ``build()`` makes
        (compiled once per ``key``) with ``params``, straight from the DBAPI cursor: values
        as the driver gives them, without SQLAlchemy's result processing (for frames, which
        convert whole columns)."""
        compiled = self._selects.get(key)
        if compiled is None:
            compiled = self._selects[key] = build().compile(dialect=self.dialect)
        state = compiled.construct_expanded_state(params)
        values = {
            name: value if (process := state.processors.get(name)) is None else process(value)
            for name, value in state.parameters.items()
        }
        args = [values[n] for n in state.positiontup or ()] if compiled.positional else values
        sql = state.statement
        cursor = _run(conn, sql, args)
        try:
            return [(d[0], d[1]) for d in cursor.description], cursor.fetchall()
        finally:
            cursor.close()

    def owners(
        self, conn: sa.Connection, wanted: dict[str, list[int]]
    ) -> dict[tuple[str, int], int]:
        """(kind, id) -> project id of the records in ``wanted`` (kind -> ids) that exist."""
        kinds = tuple(sorted(wanted))
        query = self._owner_queries.get(kinds)
        if query is None:
            query = self._owner_queries[kinds] = sa.union_all(
                *(
                    sa.select(
                        sa.literal_column(f"'{kind}'"), table.c.id, _project_column(table)
                    ).where(table.c.id.in_(sa.bindparam(f"ids_{kind}", expanding=True)))
                    for kind in kinds
                    for table in [_schema.TABLES[kind]]
                )
            )
        rows = conn.execute(query, {f"ids_{kind}": ids for kind, ids in wanted.items()})
        return {(kind, record_id): project for kind, record_id, project in rows}

    def insert(self, conn: sa.Connection, table: sa.Table, row: dict[str, Any]) -> int:
        """Insert one row; its id."""
        return conn.execute(table.insert(), row).inserted_primary_key[0]

    def insert_many(self, conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        conn.execute(table.insert(), rows)


class _SQLiteStatements(_Statements):
    """The same statements on SQLite, run on the sqlite3 connection underneath SQLAlchemy's.

    SQLAlchemy takes about 40 µs to run a statement, several times what SQLite takes to
    run one of these; here the SQL is written once per shape and the values go through
    SQLAlchemy's own bind processors (so they are stored exactly as Core stores them).
    Errors are raised as SQLAlchemy's (``sa.exc.IntegrityError``, ...), like Core's.
    """

    def __init__(self, dialect: sa.Dialect) -> None:
        super().__init__(dialect)
        self._owner_sql: dict[tuple[tuple[str, int], ...], str] = {}
        self._insert_sql: dict[tuple[str, tuple[str, ...]], tuple[str, list[Any]]] = {}

    def owners(
        self, conn: sa.Connection, wanted: dict[str, list[int]]
    ) -> dict[tuple[str, int], int]:
        shape = tuple((kind, len(ids)) for kind, ids in wanted.items())
        sql = self._owner_sql.get(shape)
        if sql is None:
            quote = self.dialect.identifier_preparer.quote
            sql = self._owner_sql[shape] = " UNION ALL ".join(
                f"SELECT '{kind}', id, {_project_column(_schema.TABLES[kind]).name} "
                f"FROM {quote(kind)} WHERE id IN ({', '.join('?' * n)})"
                for kind, n in shape
            )
        args = [i for ids in wanted.values() for i in ids]
        rows = _run(conn, sql, args).fetchall()
        return {(kind, record_id): project for kind, record_id, project in rows}

    def insert(self, conn: sa.Connection, table: sa.Table, row: dict[str, Any]) -> int:
        sql, processors = self._insert_statement(table, tuple(row))
        args = [
            value if process is None else process(value)
            for value, process in zip(row.values(), processors, strict=True)
        ]
        return _run(conn, sql, args).lastrowid

    def insert_many(self, conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        sql, processors = self._insert_statement(table, tuple(rows[0]))
        args = [
            [
                value if process is None else process(value)
                for value, process in zip(row.values(), processors, strict=True)
            ]
            for row in rows
        ]
        _run(conn, sql, args, many=True)

    def _insert_statement(self, table: sa.Table, columns: tuple[str, ...]) -> tuple[str, list[Any]]:
        """``INSERT INTO table (columns) VALUES (?, ...)`` and each column's bind processor."""
        key = (table.name, columns)
        found = self._insert_sql.get(key)
        if found is None:
            quote = self.dialect.identifier_preparer.quote
            sql = (
                f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})"
            )
            processors = [
                table.c[c].type.dialect_impl(self.dialect).bind_processor(self.dialect)
                for c in columns
            ]
            found = self._insert_sql[key] = (sql, processors)
        return found


def _run(conn: sa.Connection, sql: str, args: Any, many: bool = False) -> Any:
    """Run ``sql`` on the DBAPI connection of ``conn`` (inside its transaction); the cursor.

    A DBAPI error is raised as SQLAlchemy raises it (``sa.exc.IntegrityError``, ...).
    """
    dbapi = conn.dialect.loaded_dbapi
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if many:
            cursor.executemany(sql, args)
        else:
            cursor.execute(sql, args)
    except dbapi.Error as err:
        raise sa.exc.DBAPIError.instance(
            sql, args, err, dbapi.Error, dialect=conn.dialect, ismulti=many
        ) from err
    return cursor


def _project_column(table: sa.Table) -> sa.Column:
    return table.c.id if table.name == "projects" else table.c.project_id


def _ids_in(value: int | list[int] | None) -> list[int]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _validated(model: type[R], data: dict[str, Any]) -> R:
    """``validate(model, data)``, its problems located at the kind's label (made only when
    there is a problem)."""
    try:
        return validate(model, data)
    except InvalidRecord as err:
        where = label(model.kind)
        found = [dataclasses.replace(p, where=where) for p in err.problems]
        raise InvalidRecord(found, err.hint) from None


def _now() -> datetime:
    return datetime.now(UTC)


def _typed(df: pd.DataFrame, model: type[Record]) -> pd.DataFrame:
    """The same column types whatever the rows: whole numbers that may be missing are
    ``Int64``, moments are UTC, lists stay lists (also when the frame is empty)."""
    dtypes = _dtypes(model)
    for name in df.columns:
        dtype = dtypes.get(name)
        if dtype is None or df[name].dtype == dtype:
            continue
        if isinstance(dtype, pd.DatetimeTZDtype):
            df[name] = pd.to_datetime(df[name], utc=True).astype(dtype)
        else:
            df[name] = df[name].astype(dtype)
    return df


@functools.cache
def _dtypes(model: type[Record]) -> dict[str, Any]:
    """The dtype of each field of ``model`` that has one in frames (dates, for one, have not:
    they stay ``datetime.date`` objects)."""
    dtypes = {}
    for name, info in model.model_fields.items():
        kind = field_type(model, name)
        optional = not info.is_required() and info.default is None
        if kind is bool:
            dtypes[name] = "boolean" if optional else "bool"
        elif kind is int:
            dtypes[name] = "Int64" if optional and name != "id" else "int64"
        elif kind is float:
            dtypes[name] = "float64"
        elif kind is datetime:
            dtypes[name] = "datetime64[us, UTC]"
        elif kind is str or typing.get_origin(kind) is typing.Literal:
            dtypes[name] = "str"
        elif typing.get_origin(kind) in (list, dict):
            dtypes[name] = "object"
    return {name: pd.api.types.pandas_dtype(dtype) for name, dtype in dtypes.items()}


def _frame_query(kind: str, by_project: bool, client: bool) -> sa.Select:
    """The records of a frame, oldest first: every record of ``kind``, or those of the
    project ``:project`` (``by_project``); only those shared with the client (``client``)."""
    table = _schema.TABLES[kind]
    query = sa.select(table).order_by(table.c.id)
    if by_project:
        query = query.where(_project_column(table) == sa.bindparam("project"))
    if client:
        query = query.where(table.c.visibility == "client")
    return query


def _links_query(kind: str, by_project: bool, client: bool, field: str, dense: bool) -> sa.Select:
    """The links of ``field`` of the records of ``_frame_query(kind, by_project, client)``
    (or, ``dense``, of the records ``:first`` to ``:last``): owner, target and position
    columns, each aggregated into one comma-separated text."""
    table = _schema.LINKS[(kind, field)]
    owner, target = _schema.link_columns(kind, field)
    query = sa.select(
        *(
            sa.func.aggregate_strings(sa.cast(table.c[name], sa.Text), ",")
            for name in (owner, target, "position")
        )
    )
    if dense:
        return query.where(table.c[owner].between(sa.bindparam("first"), sa.bindparam("last")))
    records = _frame_query(kind, by_project, client)
    return query.where(table.c[owner].in_(_ids_of(records, _schema.TABLES[kind])))


def _project_query(by_id: bool) -> sa.Select:
    table = _schema.TABLES["projects"]
    return sa.select(table.c.id).where(
        (table.c.id if by_id else table.c.name) == sa.bindparam("ref")
    )


#: a frame's link lists are read by id range when its ids span fewer than this many times as
#: many ids as there are (else by the ids of its records)
DENSE_IDS = 4


def _frame(
    columns: list[tuple[str, Any]],
    rows: list[tuple[Any, ...]],
    table: sa.Table,
    dialect: sa.Dialect,
) -> pd.DataFrame:
    """Rows of ``table`` as the DBAPI gives them, as ``pd.read_sql`` makes them a frame after
    SQLAlchemy has processed them (the same frame), only faster.

    SQLAlchemy processes every value in Python (on SQLite, moments are text it parses one
    by one). Here moments are converted a whole column at a time, and the other columns that
    need converting (dates, JSON, booleans) go through SQLAlchemy's own result processors.
    """
    names = [name for name, _code in columns]
    processors = {
        i: process
        for i, (name, code) in enumerate(columns)
        if not isinstance(table.c[name].type, _schema.UTCDateTime)
        and (process := table.c[name].type.dialect_impl(dialect).result_processor(dialect, code))
    }
    if processors and rows:
        values = list(zip(*rows, strict=True))
        for i, process in processors.items():
            values[i] = tuple(None if v is None else process(v) for v in values[i])
        rows = list(zip(*values, strict=True))
    df = pd.DataFrame.from_records(rows, columns=names, coerce_float=True)
    for name, code in columns:
        if isinstance(table.c[name].type, _schema.UTCDateTime):
            df[name] = _moments(df[name], table.c[name].type, dialect, code)
    return df


def _moments(values: pd.Series, kind: sa.types.TypeEngine, dialect: sa.Dialect, code: Any) -> Any:
    """A column of stored UTC moments as UTC datetimes, the same as SQLAlchemy reads them:
    naive datetimes (PostgreSQL) and text in the form SQLAlchemy writes on SQLite are
    converted at once; anything else value by value, by SQLAlchemy."""
    if pd.api.types.is_datetime64_dtype(values):
        return values.dt.tz_localize(UTC)
    if pd.api.types.is_string_dtype(values):
        parsed = _stored_moments(values)
        if parsed is not None:
            return pd.array(parsed).tz_localize(UTC)
    process = kind.dialect_impl(dialect).result_processor(dialect, code)
    raw = values.astype(object).where(values.notna(), None)
    moments = [v if v is None or process is None else process(v) for v in raw]
    return pd.to_datetime(pd.Series(moments, index=values.index, dtype=object), utc=True)


#: how SQLAlchemy writes a moment on SQLite, ``YYYY-MM-DD HH:MM:SS.ffffff``, byte by byte:
#: the lowest byte allowed and how far above it a byte may be (a digit, or that separator)
_STORED = np.frombuffer(b"0000-00-00 00:00:00.000000", np.uint8)
_SPAN = np.where(np.equal(_STORED, ord("0")), 9, 0).astype(np.uint8)
_YEAR_1 = np.datetime64("0001-01-01", "us")


def _stored_moments(values: pd.Series) -> np.ndarray | None:
    """Text moments as ``datetime64[us]`` if every one is in the form SQLAlchemy writes them
    (checked at once on the bytes; numpy then reads them as ``datetime.fromisoformat``
    does), else None."""
    text, missing = values.to_numpy(object), None
    try:
        chars = "".join(text).encode("ascii")
    except TypeError:  # missing values (NaN): the others
        missing = values.isna().to_numpy()
        text = text[~missing]
        try:
            chars = "".join(text).encode("ascii")
        except (TypeError, UnicodeEncodeError):
            return None
    except UnicodeEncodeError:
        return None
    if len(chars) != len(_STORED) * len(text):
        return None
    table = np.frombuffer(chars, np.uint8).reshape(-1, len(_STORED))
    if not ((table - _STORED) <= _SPAN).all():  # (below the lowest wraps round: too far)
        return None
    try:
        moments = text.astype("datetime64[us]")
    except ValueError:  # e.g. a 13th month: SQLAlchemy says what is wrong
        return None
    if len(moments) and moments.min() < _YEAR_1:  # year 0: numpy reads it, Python cannot
        return None
    if missing is None:
        return moments
    parsed = np.full(len(values), np.datetime64("NaT"), "datetime64[us]")
    parsed[~missing] = moments
    return parsed


def _ids_of(query: sa.Select, table: sa.Table) -> sa.Select:
    """The ids a query selects, as a subquery (to read only the links of those records)."""
    return query.with_only_columns(table.c.id).order_by(None)


def _link_fields(kind: str) -> list[str]:
    return [field for (k, field) in _schema.LINKS if k == kind]


def _row(record: Record) -> dict[str, Any]:
    data = record.model_dump()
    for field in _link_fields(record.kind):
        data.pop(field)
    if record.kind == "projects":
        data.pop("project_id")
    return data


def _reason(err: Exception) -> str:
    orig = getattr(err, "orig", None)
    return str(orig if orig is not None else err).splitlines()[0]


def _conflict_message(kind: str, record: Record, err: sa.exc.IntegrityError) -> str:
    reason = _reason(err).lower()
    if kind == "projects" and "name" in reason:
        return t("error.duplicate.project", name=record.name)  # type: ignore[attr-defined]
    if kind == "contacts" and "source" in reason:
        return t("error.duplicate.contact", source=record.source, source_id=record.source_id)  # type: ignore[attr-defined]
    if "unique" in reason or "duplicate" in reason:
        if record.id is not None and ("id" in reason.split(".")[-1] or "pkey" in reason):
            return t("error.duplicate.id", kind=label(kind), id=record.id)
        return t("error.duplicate.record", kind=label(kind), reason=_reason(err))
    return t("error.store.conflict", reason=_reason(err))
