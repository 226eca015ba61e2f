"""Survey responses, stored column-wise: a million of them write and read at columnar speed.

Table ``response_batches`` (``_schema.TABLES["responses"]``) holds the responses of a survey in
batches: a row per batch (``project_id, survey_id, first_id, last_id, rows``) whose
``payload`` is an Arrow IPC stream with a column per field of ``Response``: ``id,
visibility, notes, created_at, updated_at, respondent, submitted_at, duration_s, source,
complete``, then ``answers.<code>`` per question code. Answer columns are typed by what
they hold: whole numbers ``int64`` (``int8`` for likert and NPS from a bulk write), numbers
``float64``, texts ``string`` (dictionary-encoded from a bulk write, as are its
``visibility`` and ``notes``), lists of texts ``list<string>``; a column mixing kinds holds
each answer as JSON text (field metadata ``json``). A missing answer is null (a stored
``None`` reads back as missing, as unanswered).

Every response is in exactly one batch. ``append`` writes batches of up to ``CHUNK_ROWS``
(``surveys.data.save_responses``); ``Store.add`` of a response joins its survey's last batch
while that holds fewer than ``SMALL`` (a pulse survey adding one response at a time stays a
few batches); ``Store.update``/``delete`` rewrite the batch holding the response. Response ids
come from the counter ``response_ids`` in ``commlib_meta`` (the last id given). A respondent
appears once per survey (``Conflict`` otherwise), as the old unique constraint had it.

``Store`` reaches responses through ``get, records, insert, update, delete, counts,
existing``; ``surveys.data`` reads the batches as Arrow tables (``tables``) and writes them
(``allocate`` ids, then ``append``); ``importers.surveys`` edits stored answers (``rewrite``).
Every write takes ``lock`` first: on PostgreSQL two sessions adding to one survey (each
reading its last batch and writing it back) follow one another, and nothing is lost.

Version 6 of the schema (``_schema._v6_response_batches``) turned the version-5 table of one
JSON document per response into these batches. Why batches, measured on a million responses
of twenty questions (``benchmarks/bench_surveys.py``): the JSON documents loaded as the wide
frame in 22 s; merely fetching a row per response (seven columns) through sqlite3 takes 2.1 s
(1.3 s aggregated into one text per column), more than ``read_csv`` of the whole export
(0.7-0.9 s), so neither a row per response nor a long table of 20 million (response, code,
value) rows can load at columnar speed; the batches load in about a third of ``read_csv``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from . import _schema
from .errors import Conflict
from .i18n import label, t

#: responses per batch written by ``append``
CHUNK_ROWS = 100_000
#: a batch this small takes the responses added one by one
SMALL = 1_000
PREFIX = "answers."
MOMENT = pa.timestamp("us", tz="UTC")
#: the fields of a response besides its answers, in payload order, with their Arrow types
FIELDS: dict[str, pa.DataType] = {
    "id": pa.int64(),
    "visibility": pa.string(),
    "notes": pa.string(),
    "created_at": MOMENT,
    "updated_at": MOMENT,
    "respondent": pa.string(),
    "submitted_at": MOMENT,
    "duration_s": pa.float64(),
    "source": pa.string(),
    "complete": pa.bool_(),
}
_JSON = {b"json": b"1"}
#: a column of numbers whose whole ones are read back as ints (as JSON had them)
WHOLE = {b"whole": b"int"}
#: zstd: a million responses of twenty questions are 19 MB (77 MB uncompressed, 34 MB with
#: lz4), and SQLite writing a quarter of the bytes saves more than compressing them costs
#: (import 1.8 s against 2.3 s uncompressed); reading them back costs 0.08 s more (0.27 s)
_OPTIONS = pa.ipc.IpcWriteOptions(compression="zstd")


# --- payloads -----------------------------------------------------------------------------


def encode(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=_OPTIONS) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def decode(payload: Any) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(payload)).read_all()


def _answer_array(values: Sequence[Any]) -> tuple[pa.Array, dict[bytes, bytes] | None] | None:
    """The column of one question's answers (Python values, None missing), typed by what it
    holds, with its field's metadata (``_JSON``, ``WHOLE``); None when nothing is answered."""
    kinds = {_kind(v) for v in values if v is not None}
    if not kinds:
        return None
    typed = {
        frozenset({"int"}): pa.int64(),
        frozenset({"float"}): pa.float64(),
        frozenset({"int", "float"}): pa.float64(),
        frozenset({"str"}): pa.string(),
        frozenset({"list"}): pa.list_(pa.string()),
    }.get(frozenset(kinds))
    if typed is not None:
        try:
            return pa.array(values, type=typed), WHOLE if len(kinds) == 2 else None
        except (pa.ArrowException, OverflowError, TypeError):
            pass
    texts = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
    return pa.array(texts, type=pa.string()), _JSON


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "other"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "list"
    return "other"


def table_of(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """Responses (dicts of the model's fields) as a payload table."""
    arrays, fields = [], []
    for name, kind in FIELDS.items():
        arrays.append(pa.array([r.get(name) for r in rows], type=kind))
        fields.append(pa.field(name, kind))
    codes: dict[str, None] = {}
    for r in rows:
        codes.update(dict.fromkeys(r.get("answers") or {}))
    for code in codes:
        found = _answer_array([(r.get("answers") or {}).get(code) for r in rows])
        if found is None:
            continue
        array, metadata = found
        arrays.append(array)
        fields.append(pa.field(PREFIX + code, array.type, metadata=metadata))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


# --- reading ------------------------------------------------------------------------------

_batches = _schema.TABLES["responses"]


def tables(
    conn: sa.Connection,
    *,
    survey_ids: Iterable[int] | None = None,
    project_id: int | None = None,
    ids: Sequence[int] | None = None,
) -> Iterator[tuple[int, int, int, pa.Table]]:
    """(batch id, survey id, project id, payload table) of the batches wanted, in order."""
    query = sa.select(
        _batches.c.id, _batches.c.survey_id, _batches.c.project_id, _batches.c.payload
    ).order_by(_batches.c.id)
    if survey_ids is not None:
        query = query.where(_batches.c.survey_id.in_(list(survey_ids)))
    if project_id is not None:
        query = query.where(_batches.c.project_id == project_id)
    if ids is not None:
        if not ids:
            return
        low, high = min(ids), max(ids)
        query = query.where(_batches.c.first_id <= high, _batches.c.last_id >= low)
    for batch_id, survey_id, project, payload in conn.execute(query):
        yield batch_id, survey_id, project, decode(payload)


def is_json(table: pa.Table, name: str) -> bool:
    """Whether a payload column holds its answers as JSON texts."""
    metadata = table.schema.field(name).metadata or {}
    return metadata.get(b"json") == b"1"


def values(table: pa.Table, name: str) -> list[Any]:
    """A payload column as Python values (JSON texts read back, whole numbers as ints where
    the column says so)."""
    found = table.column(name).to_pylist()
    if is_json(table, name):
        return [None if v is None else json.loads(v) for v in found]
    if (table.schema.field(name).metadata or {}).get(b"whole") == b"int":
        return [int(v) if isinstance(v, float) and v.is_integer() else v for v in found]
    return found


def records(
    conn: sa.Connection,
    *,
    project_id: int | None = None,
    ids: Sequence[int] | None = None,
    client: bool = False,
) -> list[dict[str, Any]]:
    """Responses as dicts of the model's fields, by id."""
    found = []
    for _batch, survey_id, project, table in tables(conn, project_id=project_id, ids=ids):
        if ids is not None:
            table = table.filter(pc.is_in(table.column("id"), pa.array(ids, pa.int64())))
        if client:
            table = table.filter(pc.equal(table.column("visibility"), "client"))
        found += rows_of(table, survey_id, project)
    found.sort(key=lambda r: r["id"])
    return found


def rows_of(table: pa.Table, survey_id: int, project_id: int) -> list[dict[str, Any]]:
    """The responses of a payload table as dicts of the model's fields."""
    meta = {name: table.column(name).to_pylist() for name in FIELDS}
    answers = [
        (name[len(PREFIX) :], values(table, name))
        for name in table.column_names
        if name.startswith(PREFIX)
    ]
    rows = []
    for n in range(table.num_rows):
        row = {name: column[n] for name, column in meta.items()}
        row["survey_id"] = survey_id
        row["project_id"] = project_id
        row["answers"] = {code: column[n] for code, column in answers if column[n] is not None}
        rows.append(row)
    return rows


def get(conn: sa.Connection, response_id: int) -> dict[str, Any] | None:
    found = records(conn, ids=[response_id])
    return found[0] if found else None


def existing(conn: sa.Connection, ids: Sequence[int]) -> list[int]:
    """Which of ``ids`` are responses."""
    wanted = set(ids)
    found: set[int] = set()
    for _batch, _survey, _project, table in tables(conn, ids=list(wanted)):
        found |= wanted & set(table.column("id").to_pylist())
    return sorted(found)


def respondents(conn: sa.Connection, survey_id: int) -> set[str]:
    """The respondents stored for a survey."""
    found: set[str] = set()
    for _batch, _survey, _project, table in tables(conn, survey_ids=[survey_id]):
        found.update(table.column("respondent").to_pylist())
    return found


def counts(
    conn: sa.Connection, by: str = "project_id", *, project_id: int | None = None
) -> dict[int, int]:
    """Responses per project (or per survey, ``by="survey_id"``), of one project if given."""
    column = _batches.c[by]
    query = sa.select(column, sa.func.sum(_batches.c.rows)).group_by(column)
    if project_id is not None:
        query = query.where(_batches.c.project_id == project_id)
    return {key: int(n) for key, n in conn.execute(query)}


# --- writing ------------------------------------------------------------------------------


_COUNTER = _schema.meta.c.key == "response_ids"


def lock(conn: sa.Connection) -> None:
    """Take the responses' lock until the transaction ends: writes of responses, which read
    a batch and write it back, follow one another (PostgreSQL locks the counter's row;
    SQLite has one writer at a time anyway)."""
    conn.execute(_schema.meta.update().where(_COUNTER).values(value=_schema.meta.c.value))


def allocate(conn: sa.Connection, n: int, at_least: int = 0) -> int:
    """Reserve ``n`` new response ids (past ``at_least``); returns the first."""
    meta = _schema.meta
    key = _COUNTER
    lock(conn)
    last = int(conn.execute(sa.select(meta.c.value).where(key)).scalar_one())
    top = max(last, at_least) + n
    conn.execute(meta.update().where(key).values(value=str(top)))
    return top - n + 1


def append(conn: sa.Connection, project_id: int, survey_id: int, table: pa.Table) -> None:
    """Store a payload table (ids already in its ``id`` column) as one batch."""
    if not table.num_rows:
        return
    ids = table.column("id")
    conn.execute(
        _batches.insert().values(
            project_id=project_id,
            survey_id=survey_id,
            first_id=pc.min(ids).as_py(),
            last_id=pc.max(ids).as_py(),
            rows=table.num_rows,
            payload=encode(table),
        )
    )


def _store(conn: sa.Connection, batch_id: int, rows: list[dict[str, Any]]) -> None:
    """Write a batch again with these responses (deleted when there are none)."""
    where = _batches.c.id == batch_id
    if not rows:
        conn.execute(_batches.delete().where(where))
        return
    ids = [r["id"] for r in rows]
    conn.execute(
        _batches.update()
        .where(where)
        .values(first_id=min(ids), last_id=max(ids), rows=len(rows), payload=encode(table_of(rows)))
    )


def insert(conn: sa.Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Store new responses (dicts of the model's fields, ``id`` None or one to keep);
    returns their ids."""
    lock(conn)
    explicit = [r["id"] for r in rows if r.get("id") is not None]
    if explicit:
        taken = existing(conn, explicit)
        if taken or len(set(explicit)) != len(explicit):
            raise Conflict(
                t("error.duplicate.id", kind=label("responses"), id=(taken or explicit)[0])
            )
    fresh = [r for r in rows if r.get("id") is None]
    first = allocate(conn, len(fresh), max(explicit, default=0))
    for n, row in enumerate(fresh):
        row["id"] = first + n
    by_survey: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_survey.setdefault(row["survey_id"], []).append(row)
    for survey_id, added in by_survey.items():
        _check_respondents(conn, survey_id, added)
        last = conn.execute(
            sa.select(_batches.c.id, _batches.c.rows, _batches.c.payload)
            .where(_batches.c.survey_id == survey_id)
            .order_by(_batches.c.id.desc())
            .limit(1)
        ).first()
        if last is not None and last.rows + len(added) <= SMALL:
            _store(conn, last.id, [*rows_of(decode(last.payload), survey_id, 0), *added])
            continue
        for start in range(0, len(added), CHUNK_ROWS):
            part = added[start : start + CHUNK_ROWS]
            append(conn, part[0]["project_id"], survey_id, table_of(part))
    return [r["id"] for r in rows]


def _check_respondents(conn: sa.Connection, survey_id: int, rows: list[dict[str, Any]]) -> None:
    stored = respondents(conn, survey_id)
    for row in rows:
        if row["respondent"] in stored:
            reason = t("error.duplicate.respondent", respondent=row["respondent"])
            raise Conflict(t("error.duplicate.record", kind=label("responses"), reason=reason))
        stored.add(row["respondent"])


def _holding(conn: sa.Connection, response_id: int) -> tuple[int, list[dict[str, Any]], int]:
    """(batch id, its responses, position of this one) of the batch holding a response."""
    for batch_id, survey_id, project, table in tables(conn, ids=[response_id]):
        rows = rows_of(table, survey_id, project)
        for n, row in enumerate(rows):
            if row["id"] == response_id:
                return batch_id, rows, n
    raise KeyError(response_id)


def update(conn: sa.Connection, row: dict[str, Any]) -> None:
    """Store a changed response (all its fields; same id and survey)."""
    lock(conn)
    batch_id, rows, n = _holding(conn, row["id"])
    if row["respondent"] != rows[n]["respondent"]:
        _check_respondents(conn, row["survey_id"], [row])
    rows[n] = row
    _store(conn, batch_id, rows)


def delete(conn: sa.Connection, response_id: int) -> None:
    lock(conn)
    batch_id, rows, n = _holding(conn, response_id)
    del rows[n]
    _store(conn, batch_id, rows)


def of_respondents(table: pa.Table, wanted: Iterable[str]) -> pa.Table:
    """The rows of a payload table whose respondent is one of ``wanted``."""
    return table.filter(pc.is_in(table.column("respondent"), pa.array(list(wanted), pa.string())))


def rewrite(
    conn: sa.Connection,
    survey_id: int,
    change: Callable[[dict[str, Any]], bool],
    respondents: Iterable[str] | None = None,
) -> None:
    """Let ``change`` edit each response of a survey (of these respondents only: a dict;
    True when it changed it), and store again the batches it changed."""
    lock(conn)
    wanted = None if respondents is None else list(respondents)
    for batch_id, _survey, project, table in list(tables(conn, survey_ids=[survey_id])):
        if wanted is not None and not of_respondents(table, wanted).num_rows:
            continue
        found = rows_of(table, survey_id, project)
        if any([change(row) for row in found]):
            _store(conn, batch_id, found)
