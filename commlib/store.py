"""The workbench store: every record of every project, in SQLite or PostgreSQL.

    >>> store = Store("data/workbench.db")          # a path, or any SQLAlchemy URL
    >>> p = store.add(Project(name="ERP", client="ACME", start=date(2026, 1, 5)))
    >>> store.add(Risk(project_id=p.id, title="Key user leaves", probability=2, impact=4))
    >>> store.frame("risks", project="ERP")         # a pandas DataFrame

Each call is one transaction: it writes everything or nothing. Group several calls into
one transaction with ``with store.transaction(): ...``. Every write is validated against
the model, and records may only point at records of the same project.
"""

from __future__ import annotations

import contextlib
import os
import threading
import typing
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import sqlalchemy as sa

from . import schema
from .errors import Conflict, InvalidRecord, NotFound, Problem, StoreError
from .i18n import label, t
from .models import KINDS, Change, Project, Record, field_type, model_for, to_text
from .validation import validate

R = TypeVar("R", bound=Record)

DEFAULT_DB = "data/workbench.db"
BUSY_TIMEOUT_S = 30
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
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # Writers take the write lock at once, so two writers never deadlock on upgrade.
        conn.exec_driver_sql(conn.info.get("commlib_begin", "BEGIN"))

    return engine


class Store:
    """All records of all projects, in one database. Open with a path or SQLAlchemy URL."""

    def __init__(self, db: str | os.PathLike[str] | None = None) -> None:
        self.url = resolve_url(db)
        self._engine = _engine(self.url)
        self._local = threading.local()
        self.upgraded_from: int | None = None
        try:
            self._open()
        except sa.exc.DatabaseError as err:
            self._engine.dispose()
            raise StoreError(
                t("error.store.cannot_open", url=self.where, reason=_reason(err))
            ) from err

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
        version = schema.stored_version(conn)
        if version is None:
            if sa.inspect(conn).get_table_names():
                raise StoreError(t("error.store.not_commlib", url=self.where))
            schema.create(conn)
        elif version > schema.SCHEMA_VERSION:
            raise StoreError(
                t(
                    "error.store.too_new",
                    url=self.where,
                    version=version,
                    supported=schema.SCHEMA_VERSION,
                )
            )
        elif version < schema.SCHEMA_VERSION:
            schema.upgrade(conn, version)
            self.upgraded_from = version

    @property
    def schema_version(self) -> int:
        with self._read() as conn:
            return schema.stored_version(conn) or 0

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

    def read(self) -> contextlib.AbstractContextManager[sa.Connection]:
        """A read transaction: one consistent view of the store for several queries.

        ``with store.read() as conn: conn.execute(...)`` (SQLAlchemy Core; tables in
        ``commlib.schema.TABLES``). Inside ``store.transaction()`` it is that transaction.
        """
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
        table = schema.TABLES["projects"]
        column = table.c.id if isinstance(ref, int) else table.c.name
        with self._read() as conn:
            row = conn.execute(sa.select(table).where(column == ref)).mappings().first()
        if row is None:
            names = ", ".join(p.name for p in self.projects()) or t("word.none")
            raise NotFound(t("error.not_found.project", name=ref, known=names))
        return Project.model_validate(dict(row))

    def delete_project(self, ref: str | int | Project) -> dict[str, int]:
        """Delete a project and every record in it; returns how many of each kind went."""
        project = self.project(ref)
        removed: dict[str, int] = {}
        with self._write() as conn:
            for kind in [*reversed(list(KINDS)), "history"]:
                if kind == "projects":
                    continue
                table = schema.TABLES[kind]
                result = conn.execute(table.delete().where(table.c.project_id == project.id))
                removed[kind] = result.rowcount
            conn.execute(
                schema.TABLES["projects"]
                .delete()
                .where(schema.TABLES["projects"].c.id == project.id)
            )
        removed["projects"] = 1
        return removed

    # --- reading ----------------------------------------------------------------------

    def get(self, kind: str, record_id: int) -> Record:
        model = model_for(kind)
        table = schema.TABLES[kind]
        with self._read() as conn:
            row = conn.execute(sa.select(table).where(table.c.id == record_id)).mappings().first()
            if row is None:
                raise NotFound(t("error.not_found.record", kind=label(kind), id=record_id))
            data = dict(row)
            for field in _link_fields(kind):
                data[field] = self._linked(conn, kind, field, [record_id]).get(record_id, [])
        return model.model_validate(data)

    def records(self, kind: str, project: str | int | Project | None = None) -> list[Record]:
        """Every record of one kind (of one project), oldest first."""
        model = model_for(kind)
        table = schema.TABLES[kind]
        query = sa.select(table).order_by(table.c.id)
        if project is not None and kind != "projects":
            query = query.where(table.c.project_id == self.project(project).id)
        with self._read() as conn:
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
        model = model_for(kind)
        table = schema.TABLES[kind]
        query = sa.select(table).order_by(table.c.id)
        if project is not None:
            ref = self.project(project)
            query = query.where(
                (table.c.id if kind == "projects" else table.c.project_id) == ref.id
            )
        if audience == "client":
            query = query.where(table.c.visibility == "client")
        with self._read() as conn:
            df = pd.read_sql(query, conn)
            for field in _link_fields(kind):
                links = self._linked(conn, kind, field, _ids_of(query, table))
                df[field] = [links.get(i, []) for i in df["id"]]
        df = _typed(
            df.reindex(
                columns=[f for f in model.fields() if f in df.columns or f in _link_fields(kind)]
            ),
            model,
        )
        if audience == "client":
            df = df.drop(columns=[f for f in model.internal_fields if f in df.columns])
        return df

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
        query = self._history_query(project, kind=kind, record_id=record_id, since=since)
        with self._read() as conn:
            df = pd.read_sql(query, conn)
            if audience == "client" and not df.empty:
                keep = []
                for record_kind, group in df.groupby("record_kind"):
                    table = schema.TABLES[str(record_kind)]
                    shared = set(
                        conn.execute(
                            sa.select(table.c.id).where(
                                table.c.id.in_(group["record_id"].unique().tolist()),
                                table.c.visibility == "client",
                            )
                        ).scalars()
                    )
                    hidden = KINDS[str(record_kind)].internal_fields
                    keep += group.index[
                        group["record_id"].isin(shared) & ~group["field"].isin(hidden)
                    ].tolist()
                df = df.loc[sorted(keep)].reset_index(drop=True)
        return df

    def changes(self, project: str | int | Project | None = None) -> list[Change]:
        """The history as records, oldest first."""
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
        table = schema.history
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
        table = schema.TABLES[kind]
        found: list[int] = []
        with self._read() as conn:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                query = sa.select(table.c.id).where(table.c.id.in_(chunk)).order_by(table.c.id)
                found += conn.execute(query).scalars().all()
        return found

    def counts(self) -> dict[str, dict[str, int]]:
        """For each project (by name), how many records of each kind it has."""
        kinds = [kind for kind in [*KINDS, "history"] if kind != "projects"]
        names = {p.id: p.name for p in self.projects()}
        result = {name: dict.fromkeys(kinds, 0) for name in names.values()}
        with self._read() as conn:
            for kind in kinds:
                table = schema.TABLES[kind]
                query = sa.select(table.c.project_id, sa.func.count()).group_by(table.c.project_id)
                for project_id, n in conn.execute(query):
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
            for record in records:
                stored.append(self._insert(conn, record))
            explicit = {r.kind for r, s in zip(records, stored, strict=True) if r.id is not None}
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
            table = schema.TABLES[kind]
            row = _row(new)
            values = {f: row[f] for f in [*diff, "updated_at"] if f in row}
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
                }
                for field in diff
                if field in model.tracked
            ]
            if entries:
                conn.execute(schema.history.insert(), entries)
        return new

    def delete(self, kind: str, record_id: int) -> None:
        """Delete one record (refused while other records point at it)."""
        if kind == "projects":
            self.delete_project(record_id)
            return
        table = schema.TABLES[kind]
        try:
            with self._write() as conn:
                self.get(kind, record_id)
                conn.execute(table.delete().where(table.c.id == record_id))
        except Conflict as err:
            raise Conflict(t("error.still_referenced", kind=label(kind), id=record_id)) from err

    def add_history(self, changes: Sequence[Change]) -> None:
        """Store history entries as they are (used by CSV import)."""
        with self._write() as conn:
            rows = [c.model_dump() for c in changes]
            if any(r["id"] is None for r in rows):
                rows = [{k: v for k, v in r.items() if k != "id"} for r in rows]
            if rows:
                conn.execute(schema.history.insert(), rows)
                if self.dialect == "postgresql" and "id" in rows[0]:
                    conn.exec_driver_sql(
                        "SELECT setval(pg_get_serial_sequence('history', 'id'), "
                        "(SELECT max(id) FROM history))"
                    )

    # --- internals --------------------------------------------------------------------

    def _insert(self, conn: sa.Connection, record: R) -> R:
        model = type(record)
        if model.kind not in KINDS:
            raise InvalidRecord([Problem("kind", model.__name__, t("error.not_a_record"))])
        data = record.model_dump()
        moment = data.get("created_at") or _now()
        data["created_at"] = moment
        data["updated_at"] = data.get("updated_at") or moment
        where = label(model.kind)
        record = validate(model, data, where=where)
        self._check_references(conn, record)
        table = schema.TABLES[model.kind]
        row = _row(record)
        if record.id is None:
            row.pop("id")
        try:
            new_id = conn.execute(table.insert().values(**row)).inserted_primary_key[0]
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
        if (
            model.kind != "projects"
            and self._project_of(conn, "projects", record.project_id) is None
        ):
            problems.append(Problem("project_id", record.project_id, t("error.unknown_project")))
        for field, target in model.references.items():
            value = getattr(record, field)
            for ref in value if isinstance(value, list) else [value]:
                if ref is None:
                    continue
                owner = self._project_of(conn, target, ref)
                if owner is None:
                    problems.append(
                        Problem(field, ref, t("error.unknown_reference", kind=label(target)))
                    )
                elif owner != record.project_id:
                    problems.append(
                        Problem(field, ref, t("error.other_project", kind=label(target)))
                    )
        loops = (
            model.kind == "milestones"
            and record.id is not None
            and record.depends_on
            and self._depends_on(conn, record.depends_on, record.id)
        )
        if loops:
            problems.append(Problem("depends_on", record.depends_on, t("error.cycle")))
        if problems:
            raise InvalidRecord(problems, t("error.fix_hint"))

    def _depends_on(self, conn: sa.Connection, start: int, target: int) -> bool:
        """Whether following ``depends_on`` from milestone ``start`` reaches ``target``."""
        table = schema.TABLES["milestones"]
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

    def _project_of(self, conn: sa.Connection, kind: str, record_id: int) -> int | None:
        known = self._local.known
        if (kind, record_id) not in known:
            table = schema.TABLES[kind]
            column = table.c.id if kind == "projects" else table.c.project_id
            known[(kind, record_id)] = conn.execute(
                sa.select(column).where(table.c.id == record_id)
            ).scalar()
        return known[(kind, record_id)]

    def _linked(
        self, conn: sa.Connection, kind: str, field: str, ids: list[int] | sa.Select
    ) -> dict[int, list[int]]:
        table = schema.LINKS[(kind, field)]
        owner, target = schema.link_columns(kind, field)
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
        table = schema.LINKS[(kind, field)]
        owner, target = schema.link_columns(kind, field)
        if replace:
            conn.execute(table.delete().where(table.c[owner] == record_id))
        if ids:
            conn.execute(
                table.insert(),
                [{owner: record_id, target: ref, "position": i} for i, ref in enumerate(ids)],
            )


def _now() -> datetime:
    return datetime.now(UTC)


def _typed(df: pd.DataFrame, model: type[Record]) -> pd.DataFrame:
    """The same column types whatever the rows: whole numbers that may be missing are
    ``Int64``, moments are UTC, lists stay lists (also when the frame is empty)."""
    for name in df.columns:
        kind = field_type(model, name)
        info = model.model_fields[name]
        optional = not info.is_required() and info.default is None
        if kind is int:
            df[name] = df[name].astype("Int64" if optional and name != "id" else "int64")
        elif kind is float:
            df[name] = df[name].astype("float64")
        elif kind is datetime:
            df[name] = pd.to_datetime(df[name], utc=True).astype("datetime64[us, UTC]")
        elif kind is str or typing.get_origin(kind) is typing.Literal:
            df[name] = df[name].astype("str")
        elif typing.get_origin(kind) in (list, dict):
            df[name] = df[name].astype(object)
    return df


def _ids_of(query: sa.Select, table: sa.Table) -> sa.Select:
    """The ids a query selects, as a subquery (to read only the links of those records)."""
    return query.with_only_columns(table.c.id).order_by(None)


def _link_fields(kind: str) -> list[str]:
    return [field for (k, field) in schema.LINKS if k == kind]


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


def json_columns(kind: str) -> list[str]:
    model = KINDS[kind]
    return [
        f for f in model.model_fields if typing.get_origin(field_type(model, f)) in (list, dict)
    ]
