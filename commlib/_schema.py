"""Database tables, made from the models, and the schema version with its upgrades.

Tables follow the models field by field, so the two cannot drift apart. A list of ids
(``Contact.stakeholder_ids``) becomes a link table; other lists and dicts are JSON.
Only portable SQL types are used, so the same schema runs on SQLite and PostgreSQL.

Upgrades: a new store is created at ``SCHEMA_VERSION``. An older store is upgraded on
open by the functions in ``MIGRATIONS`` (``{version: upgrade(op)}``, each taking an
alembic ``Operations`` object), all in one transaction.

On PostgreSQL every table also carries the access control of ``commlib._access`` (row-level
security, a guard trigger, privileges): a later version that adds a table runs
``_access.install`` again, which covers every table there is.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:  # alembic is imported by ``upgrade``, the one place that runs it
    from alembic.operations import Operations

from .models import KINDS, Change, Record, field_type

SCHEMA_VERSION = 8


def _v2_communication_plan(op: Operations) -> None:
    """Version 2: the communication plan (issue: contact log and communication plan)."""
    op.create_table(
        "communication_plan",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "project_id",
            sa.Integer,
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("visibility", sa.String(8), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("stakeholder_id", sa.Integer, sa.ForeignKey("stakeholders.id"), nullable=True),
        sa.Column("quadrant", sa.String(14), nullable=True),
        sa.Column("channel", sa.String(7), nullable=False),
        sa.Column("cadence_days", sa.Integer, nullable=False),
        sa.Column("owner", sa.Text, nullable=False),
    )


def _v3_schedule(op: Operations) -> None:
    """Version 3: scope confirmation, acceptance channel, three-point estimates, risk events."""
    op.add_column(
        "projects",
        sa.Column("scope_confirmed_by", sa.Text(), nullable=False, server_default=""),
    )
    op.add_column("projects", sa.Column("scope_confirmed_on", sa.Date(), nullable=True))
    op.add_column("projects", sa.Column("scope_confirmed_channel", sa.String(7), nullable=True))
    with op.batch_alter_table("milestones") as batch:
        batch.add_column(sa.Column("acceptance_channel", sa.String(7), nullable=True))
        batch.add_column(sa.Column("depends_on", sa.Integer, nullable=True))
        for name in ("duration_optimistic", "duration_likely", "duration_pessimistic"):
            batch.add_column(sa.Column(name, sa.Integer, nullable=True))
        batch.create_foreign_key("fk_milestones_depends_on", "milestones", ["depends_on"], ["id"])
    with op.batch_alter_table("risks") as batch:
        batch.add_column(sa.Column("schedule_impact_days", sa.Integer, nullable=True))
        batch.add_column(sa.Column("milestone_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_risks_milestone_id", "milestones", ["milestone_id"], ["id"])


def _record_columns() -> list[sa.Column]:
    """The columns every record table starts with (as version 4 wrote them)."""
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "project_id",
            sa.Integer,
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("visibility", sa.String(8), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
    ]


def _v4_issues(op: Operations) -> None:
    """Version 4: the issue log and the specialist's status overrides (issue: issue log)."""
    op.create_table(
        "issues",
        *_record_columns(),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("raised_on", sa.Date, nullable=False),
        sa.Column("raised_by", sa.Integer, sa.ForeignKey("stakeholders.id"), nullable=True),
        sa.Column("raised_by_team", sa.Text, nullable=False),
        sa.Column("impact", sa.String(8), nullable=False),
        sa.Column("severity", sa.Integer, nullable=False),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("solution", sa.Text, nullable=False),
        sa.Column("target_date", sa.Date, nullable=True),
        sa.Column("status", sa.String(11), nullable=False),
        sa.Column("resolved_on", sa.Date, nullable=True),
        sa.Column("risk_id", sa.Integer, sa.ForeignKey("risks.id"), nullable=True),
        sa.Column("milestone_id", sa.Integer, sa.ForeignKey("milestones.id"), nullable=True),
    )
    op.create_table(
        "status_overrides",
        *_record_columns(),
        sa.Column("area", sa.String(13), nullable=False),
        sa.Column("status", sa.String(5), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("set_on", sa.Date, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )


def _v5_response_complete(op: Operations) -> None:
    """Version 5: responses say whether the respondent finished (issue 13: partial responses
    are kept and marked, not dropped). Responses stored before were all taken as complete.
    Surveys keep what the user told the import of their export (``import_hints``)."""
    op.add_column(
        "responses",
        sa.Column("complete", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column(
        "surveys",
        sa.Column("import_hints", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )


def _response_batches_columns() -> list[sa.Column]:
    """The columns of ``response_batches`` (as version 6 wrote them)."""
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "project_id",
            sa.Integer,
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id"), nullable=False, index=True),
        sa.Column("first_id", sa.Integer, nullable=False),
        sa.Column("last_id", sa.Integer, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
    ]


def _v6_response_batches(op: Operations) -> None:
    """Version 6: responses stored column-wise, in batches (issue 14: surveys at volume; see
    ``commlib._responses``). Each survey's responses, in id order, become batches of
    ``responses.CHUNK_ROWS``; ids, fields and answers are kept; the ids to come continue
    after the highest."""
    from . import _responses

    conn = op.get_bind()
    op.create_table("response_batches", *_response_batches_columns())
    old = sa.table(
        "responses",
        sa.column("id", sa.Integer()),
        sa.column("project_id", sa.Integer()),
        sa.column("visibility", sa.Text()),
        sa.column("notes", sa.Text()),
        sa.column("created_at", UTCDateTime()),
        sa.column("updated_at", UTCDateTime()),
        sa.column("survey_id", sa.Integer()),
        sa.column("respondent", sa.Text()),
        sa.column("submitted_at", UTCDateTime()),
        sa.column("duration_s", sa.Float()),
        sa.column("source", sa.Text()),
        sa.column("complete", sa.Boolean()),
        sa.column("answers", sa.JSON()),
    )
    new = sa.table(
        "response_batches",
        *(sa.column(c.name, c.type) for c in _response_batches_columns()),
    )
    surveys = conn.execute(sa.select(old.c.survey_id).distinct().order_by(old.c.survey_id))
    for survey_id in surveys.scalars().all():
        last = 0
        while True:
            query = (
                sa.select(old)
                .where(old.c.survey_id == survey_id, old.c.id > last)
                .order_by(old.c.id)
                .limit(_responses.CHUNK_ROWS)
            )
            rows = [dict(r) for r in conn.execute(query).mappings()]
            if not rows:
                break
            last = rows[-1]["id"]
            for row in rows:
                answers = row["answers"] if isinstance(row["answers"], dict) else {}
                row["answers"] = {k: v for k, v in answers.items() if v is not None}
            conn.execute(
                new.insert().values(
                    project_id=rows[0]["project_id"],
                    survey_id=survey_id,
                    first_id=rows[0]["id"],
                    last_id=last,
                    rows=len(rows),
                    payload=_responses.encode(_responses.table_of(rows)),
                )
            )
    top = conn.execute(sa.select(sa.func.max(old.c.id))).scalar() or 0
    conn.execute(meta.insert().values(key="response_ids", value=str(top)))
    op.drop_table("responses")


def _v7_meetings(op: Operations) -> None:
    """Version 7: working time and manners per stakeholder, pending decisions, meetings with
    their invitation, minutes and confirmation, the RACI matrix (issue 16: meetings). Every
    stakeholder gets the default hours; every decision stored before was taken."""
    with op.batch_alter_table("stakeholders") as batch:
        batch.add_column(sa.Column("address_as", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("work_hours", sa.Text(), nullable=False, server_default="09:00-18:00")
        )
        batch.add_column(sa.Column("lunch", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("holiday_region", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("etiquette", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("decisions") as batch:
        batch.alter_column("decided_on", existing_type=sa.Date(), nullable=True)
        batch.add_column(sa.Column("status", sa.String(7), nullable=False, server_default="taken"))
        batch.add_column(sa.Column("decider", sa.String(6), nullable=False, server_default="team"))
        batch.add_column(sa.Column("needed_by", sa.Date(), nullable=True))
    op.create_table(
        "meetings",
        *_record_columns(),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("duration_min", sa.Integer, nullable=False),
        sa.Column("timezone", sa.Text, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("agenda", sa.JSON, nullable=False),
        sa.Column("uid", sa.Text, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("status", sa.String(9), nullable=False),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts.id"), nullable=True),
        sa.Column("minutes_sent_on", sa.Date, nullable=True),
        sa.Column("confirmed_by", sa.Text, nullable=False),
        sa.Column("confirmed_on", sa.Date, nullable=True),
        sa.Column("confirmed_channel", sa.String(7), nullable=True),
    )
    op.create_table(
        "meetings_stakeholders",
        sa.Column(
            "meeting_id",
            sa.Integer,
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "stakeholder_id",
            sa.Integer,
            sa.ForeignKey("stakeholders.id"),
            primary_key=True,
            index=True,
        ),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "raci",
        *_record_columns(),
        sa.Column("milestone", sa.Integer, sa.ForeignKey("milestones.id"), nullable=False),
        sa.Column("stakeholder", sa.Integer, sa.ForeignKey("stakeholders.id"), nullable=False),
        sa.Column("role", sa.String(1), nullable=False),
    )


def _v8_access(op: Operations) -> None:
    """Version 8: the history names who made each change (``actor``: the database role, or
    the OS user on SQLite; unknown, "", for the changes made before); on PostgreSQL, access
    per project, enforced by the server (``commlib._access``; issue 17). Every project
    stored before is owned by the role running the upgrade."""
    op.add_column("history", sa.Column("actor", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        from . import _access

        _access.install(conn, access_tables(), upgrade=True)


#: version -> function that upgrades a store from ``version - 1`` to ``version``
#: (written out in full, not taken from the models, so that later changes to a model
#: cannot change what an old upgrade does)
MIGRATIONS: dict[int, Callable[[Operations], None]] = {
    2: _v2_communication_plan,
    3: _v3_schedule,
    4: _v4_issues,
    5: _v5_response_complete,
    6: _v6_response_batches,
    7: _v7_meetings,
    8: _v8_access,
}


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC moments on every database (SQLite has no time zones)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = sa.MetaData()

meta = sa.Table(
    "commlib_meta",
    metadata,
    sa.Column("key", sa.String(50), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

#: (kind, list field) -> link table
LINKS: dict[tuple[str, str], sa.Table] = {}


def _column_type(model: type[Record], name: str) -> sa.types.TypeEngine:
    kind = field_type(model, name)
    origin = typing.get_origin(kind)
    if origin in (list, dict):
        return sa.JSON()
    if origin is typing.Literal:
        return sa.String(max(len(v) for v in typing.get_args(kind)))
    if kind is datetime:
        return UTCDateTime()
    if kind is date:
        return sa.Date()
    if kind is bool:
        return sa.Boolean()
    if kind is int:
        return sa.Integer()
    if kind is float:
        return sa.Float()
    return sa.Text()


def _table(model: type[Record]) -> sa.Table:
    columns: list[sa.Column] = []
    for name, info in model.model_fields.items():
        target = model.references.get(name)
        if name == "id":
            columns.append(sa.Column("id", sa.Integer, primary_key=True, autoincrement=True))
            continue
        if name == "project_id":
            if model.kind != "projects":
                columns.append(
                    sa.Column(
                        "project_id",
                        sa.Integer,
                        sa.ForeignKey("projects.id", ondelete="CASCADE"),
                        nullable=False,
                        index=True,
                    )
                )
            continue
        if target and typing.get_origin(field_type(model, name)) is list:
            continue  # a link table, below
        nullable = not info.is_required() and info.default is None
        if target:
            columns.append(
                sa.Column(name, sa.Integer, sa.ForeignKey(f"{target}.id"), nullable=nullable)
            )
        else:
            columns.append(sa.Column(name, _column_type(model, name), nullable=nullable))
    table = sa.Table(model.kind, metadata, *columns)
    return table


TABLES: dict[str, sa.Table] = {
    kind: _table(model) for kind, model in KINDS.items() if kind != "responses"
}
#: responses are stored column-wise, in batches (see ``commlib._responses``)
TABLES["responses"] = sa.Table("response_batches", metadata, *_response_batches_columns())

for _kind, *_columns in [
    ("projects", "name"),
    ("contacts", "project_id", "source", "source_id"),
    ("questions", "survey_id", "code"),
]:
    TABLES[_kind].append_constraint(
        sa.UniqueConstraint(*_columns, name=f"uq_{_kind}_{'_'.join(_columns)}")
    )
sa.Index("ix_contacts_when", TABLES["contacts"].c.project_id, TABLES["contacts"].c["when"])

for _kind, _field, _target in [
    (k, f, target) for k, m in KINDS.items() for f, target in m.references.items()
]:
    if typing.get_origin(field_type(KINDS[_kind], _field)) is list:
        owner = _kind[:-1]  # contacts -> contact
        LINKS[(_kind, _field)] = sa.Table(
            f"{_kind}_{_target}",
            metadata,
            sa.Column(
                f"{owner}_id",
                sa.Integer,
                sa.ForeignKey(f"{_kind}.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column(
                f"{_target[:-1]}_id",
                sa.Integer,
                sa.ForeignKey(f"{_target}.id"),
                primary_key=True,
                index=True,
            ),
            sa.Column("position", sa.Integer, nullable=False),
        )

history = sa.Table(
    "history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "project_id",
        sa.Integer,
        sa.ForeignKey("projects.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("record_kind", sa.String(30), nullable=False),
    sa.Column("record_id", sa.Integer, nullable=False),
    sa.Column("field", sa.String(60), nullable=False),
    sa.Column("old", sa.Text),
    sa.Column("new", sa.Text),
    sa.Column("changed_at", UTCDateTime(), nullable=False),
    sa.Column("actor", sa.Text, nullable=False, server_default=""),
    sa.Index("ix_history_record", "project_id", "record_kind", "record_id"),
    sa.Index("ix_history_changed_at", "project_id", "changed_at"),
)
TABLES["history"] = history
assert set(Change.model_fields) == {c.name for c in history.columns}


def link_columns(kind: str, field: str) -> tuple[str, str]:
    """(owner column, target column) of a link table."""
    table = LINKS[(kind, field)]
    owner, target, _position = (c.name for c in table.columns)
    return owner, target


def access_tables() -> dict[str, tuple[str, str]]:
    """Every table -> how access control (``commlib._access``) finds its rows' project:
    ``("", column)`` in the row itself, ``(owner table, column)`` through the record that
    owns a link; ``commlib_meta`` belongs to none."""
    found = {
        table.name: ("", "id" if table.name == "projects" else "project_id")
        for table in metadata.sorted_tables
        if "project_id" in table.c or table.name == "projects"
    }
    found |= {table.name: (kind, link_columns(kind, f)[0]) for (kind, f), table in LINKS.items()}
    found[meta.name] = ("", "")
    return found


def stored_version(conn: sa.Connection) -> int | None:
    """The schema version recorded in the store, or None for an empty database."""
    inspector = sa.inspect(conn)
    if not inspector.has_table("commlib_meta"):
        return None
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
    return int(value) if value is not None else None


def create(conn: sa.Connection) -> None:
    metadata.create_all(conn)
    conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
    conn.execute(meta.insert().values(key="response_ids", value="0"))
    if conn.dialect.name == "postgresql":
        from . import _access

        _access.install(conn, access_tables(), upgrade=False)


def upgrade(conn: sa.Connection, from_version: int) -> list[int]:
    """Run every migration after ``from_version``; returns the versions applied."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    op = Operations(MigrationContext.configure(conn))
    applied = []
    for version in range(from_version + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version](op)
        applied.append(version)
    if applied:
        conn.execute(
            meta.update().where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
        )
    return applied
