"""Survey data as analysts use it: one wide frame of responses, a codebook, bulk writes.

    >>> frame = responses_frame(store, project="华辰 ERP 升级", name="项目满意度")  # every wave
    >>> book = codebook(store, project="华辰 ERP 升级", name="项目满意度")
    >>> save_survey(store, "华辰 ERP 升级", {"name": "客户满意度", "wave": "W1"}, questions, frame)

``responses_frame`` has one row per response: ``response_id, survey_id, survey, wave,
respondent, submitted_at, duration_s, source, complete``, then one column per
answerable question code in codebook order (matrix parents have none).
likert/nps/rating/numeric are float64 (NaN missing); single is a Categorical whose
categories are the options in order; text is str;
multi and rank hold lists (NaN when skipped). ``codebook`` has ``code, text, type, options,
parent, position``: one row per code, in the first wave's wording.

``save_responses`` writes many responses at once: a DataFrame or a list of dicts, either with
an ``answers`` column of dicts or with one column per question code (the wide form of
``responses_frame``, whose own extra columns are ignored). Values are checked column by
column against the codebook, then written column-wise, a batch of ``CHUNK_ROWS`` responses
at a time, in one transaction (see ``commlib.responses``: each question's answers in its
type's own form, likert/nps as whole numbers, rating/numeric as numbers, single as
dictionary-encoded text, multi/rank as lists); respondents already stored for the survey are
skipped and counted as duplicates. ``with progress(report):`` has every such write call
``report(done, total)`` after each batch (a progress bar for a large import). Reading is
column-wise too: a survey's batches are read as one Arrow table and each column converted at
once, so a million responses load faster than ``pandas.read_csv`` reads their export.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from .. import responses as _responses
from .. import schema
from ..errors import InvalidRecord, NotFound, Problem
from ..i18n import t
from ..models import Project, Question, Survey
from ..store import Store
from ..text import padded, strip_texts

#: the columns of ``responses_frame`` before the questions
FRAME_COLUMNS = [
    "response_id",
    "survey_id",
    "survey",
    "wave",
    "respondent",
    "submitted_at",
    "duration_s",
    "source",
    "complete",
]
#: the columns of ``codebook``
CODEBOOK_COLUMNS = ["code", "text", "type", "options", "parent", "position"]
#: what a response carries besides its answers
RESPONSE_FIELDS = ("respondent", "submitted_at", "duration_s", "source", "complete")
NUMBER_TYPES = frozenset({"likert", "nps", "rating", "numeric"})
LIST_TYPES = frozenset({"multi", "rank"})
CHOICE_TYPES = frozenset({"single", "multi", "rank"})
#: responses written per batch (see ``commlib.responses``)
CHUNK_ROWS = _responses.CHUNK_ROWS
#: problems collected before giving up on a write
MAX_PROBLEMS = 50

#: what a one-line field (respondent, source) may not hold: breaks, control characters
_BREAK = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")
#: what a text answer may not hold (line breaks and tabs are fine), as ``models.Text``
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: the longest text answer, as ``models.Text``
MAX_TEXT = 20_000
_PLACEHOLDER_TEXT = re.compile(r"^(?:第\s*\d+\s*题|Q?\d+)?$")

#: what ``save_responses`` tells of its progress (see ``progress``)
_progress: contextvars.ContextVar[Callable[[int, int], None] | None] = contextvars.ContextVar(
    "commlib_survey_progress", default=None
)

SurveyRef = Survey | int
Surveys = SurveyRef | Sequence[SurveyRef] | None


@dataclass
class SavedSurvey:
    """What ``save_survey`` did: the survey (new or found), its questions, the responses."""

    survey: Survey
    created: bool
    questions: int
    questions_added: int
    added: int
    duplicates: int
    #: what the report should say (a wave's question matched by its text, or kept apart)
    warnings: list[str] = field(default_factory=list)


# --- finding surveys ----------------------------------------------------------------------


def find_survey(
    store: Store, project: str | int | Project, name: str, wave: str = ""
) -> Survey | None:
    """The survey of a project with this name and wave, or None."""
    target = store.project(project)
    table = schema.TABLES["surveys"]
    query = (
        sa.select(table)
        .where(
            table.c.project_id == target.id,
            table.c.name == name.strip(),
            table.c.wave == (wave or "").strip(),
        )
        .order_by(table.c.id)
    )
    with store.read() as conn:
        row = conn.execute(query).mappings().first()
    return Survey.model_validate(dict(row)) if row else None


def resolve(
    store: Store,
    surveys: Surveys = None,
    *,
    project: str | int | Project | None = None,
    name: str | None = None,
) -> list[Survey]:
    """Surveys given as records, ids, a list of them, or ``project=`` + ``name=`` (every wave,
    earliest first: by opening date, else closing date, then the order they were made)."""
    if surveys is None:
        if project is None or name is None:
            raise InvalidRecord([Problem("surveys", None, t("surveys.import.data.which_surveys"))])
        target = store.project(project)
        found = [s for s in store.records("surveys", target) if s.name == name]  # type: ignore[attr-defined]
        if not found:
            raise NotFound(t("surveys.import.data.no_survey", name=name, project=target.name))
        return sorted(found, key=lambda s: (s.opened_on or s.closed_on or date.max, s.id))  # type: ignore[attr-defined]
    refs = [surveys] if isinstance(surveys, Survey | int) else list(surveys)
    result: list[Survey] = []
    for ref in refs:
        if isinstance(ref, Survey) and ref.id is not None:
            result.append(ref)
        elif isinstance(ref, int) and not isinstance(ref, bool):
            result.append(store.get("surveys", ref))  # type: ignore[arg-type]
        else:
            raise InvalidRecord([Problem("surveys", ref, t("surveys.import.data.bad_survey"))])
    return result


def questions_of(store: Store, surveys: Sequence[Survey]) -> list[Question]:
    """The questions of these surveys, survey by survey, in position order."""
    ids = [s.id for s in surveys]
    table = schema.TABLES["questions"]
    query = sa.select(table).where(table.c.survey_id.in_(ids))
    with store.read() as conn:
        rows = [Question.model_validate(dict(r)) for r in conn.execute(query).mappings()]
    order = {survey_id: n for n, survey_id in enumerate(ids)}
    return sorted(rows, key=lambda q: (order[q.survey_id], q.position, q.id))


# --- the codebook -------------------------------------------------------------------------


def codebook(
    store: Store,
    surveys: Surveys = None,
    *,
    project: str | int | Project | None = None,
    name: str | None = None,
) -> pd.DataFrame:
    """One row per question code: ``code, text, type, options, parent, position``.

    Over several waves, the first wave's wording and type; options new in a later wave are
    added after the first wave's. ``position`` counts 1, 2, ... in this order.
    """
    return _codebook(questions_of(store, resolve(store, surveys, project=project, name=name)))


def _codebook(questions: Iterable[Question]) -> pd.DataFrame:
    rows: dict[str, dict[str, Any]] = {}
    for q in questions:
        row = rows.get(q.code)
        if row is None:
            rows[q.code] = {
                "code": q.code,
                "text": q.text,
                "type": q.type,
                "options": list(q.options),
                "parent": q.parent,
            }
        elif row["type"] in CHOICE_TYPES:
            row["options"] += [o for o in q.options if o not in row["options"]]
    frame = pd.DataFrame(list(rows.values()), columns=CODEBOOK_COLUMNS[:-1])
    frame["position"] = np.arange(1, len(frame) + 1, dtype="int64")
    frame["options"] = frame["options"].astype(object)
    for column in ("code", "text", "type", "parent"):
        frame[column] = frame[column].astype("str")
    return frame


# --- the wide frame -----------------------------------------------------------------------


def responses_frame(
    store: Store,
    surveys: Surveys = None,
    *,
    project: str | int | Project | None = None,
    name: str | None = None,
    incomplete: bool = False,
) -> pd.DataFrame:
    """One row per response of these surveys (see the module's documentation).

    Responses the respondent did not finish (``complete`` False: LimeSurvey's empty submit
    date, Qualtrics' ``Finished`` False...) are left out unless ``incomplete=True``: a
    respondent who stopped on page 2 would otherwise count as a non-answer to every later
    question, and shares of the whole sample would mix finished and abandoned forms.
    """
    found = resolve(store, surveys, project=project, name=name)
    book = _codebook(questions_of(store, found))
    book = book[book["type"] != "matrix"]
    columns = book["code"].tolist()
    types = dict(zip(book["code"], book["type"], strict=True))
    options = {c: list(o) for c, o in zip(book["code"], book["options"], strict=True)}
    categories = {c: list(options[c]) for c in columns if types[c] == "single"}
    order = {s.id: n for n, s in enumerate(found)}
    by_id = {s.id: s for s in found}
    parts, run = [], []  # batches of one survey with the same columns are read as one
    with store.read() as conn:
        for _batch, survey_id, _project, table in _responses.tables(conn, survey_ids=list(order)):
            if not incomplete and not pc.all(table.column("complete")).as_py():
                table = table.filter(table.column("complete"))
            if run and (run[0][0].id != survey_id or run[0][1].schema != table.schema):
                parts.append(_frame_run(run, columns, types, options, categories))
                run = []
            run.append((by_id[survey_id], table))
        if run:
            parts.append(_frame_run(run, columns, types, options, categories))
    parts = [p for p in parts if len(p)]
    frame = _join_parts(parts, columns, types, categories)
    if len(frame) and (len(found) > 1 or not frame["response_id"].is_monotonic_increasing):
        frame["_order"] = frame["survey_id"].map(order)
        frame = frame.sort_values(["_order", "response_id"], kind="stable")
        frame = frame.drop(columns="_order").reset_index(drop=True)
    return frame


def _frame_run(
    run: list[tuple[Survey, pa.Table]],
    columns: list[str],
    types: dict[str, str],
    options: dict[str, list[str]],
    categories: dict[str, list[str]],
) -> pd.DataFrame:
    table = pa.concat_tables([t for _survey, t in run])
    return _frame_chunk(table, run[0][0], columns, types, options, categories)


def _frame_chunk(
    table: pa.Table,
    survey: Survey,
    columns: list[str],
    types: dict[str, str],
    options: dict[str, list[str]],
    categories: dict[str, list[str]],
) -> pd.DataFrame:
    """Responses of one survey as rows of the wide frame: the columns stored in their
    type's own form are converted by Arrow at once, the others value by value."""
    rows = table.num_rows
    arrays: dict[str, Any] = {
        "response_id": table.column("id"),
        "survey_id": pa.array(np.full(rows, survey.id, dtype="int64")),
        "survey": pa.repeat(pa.scalar(survey.name, pa.string()), rows),
        "wave": pa.repeat(pa.scalar(survey.wave, pa.string()), rows),
        "respondent": table.column("respondent"),
        "submitted_at": table.column("submitted_at"),
        "duration_s": pc.cast(table.column("duration_s"), pa.float64()),
        "source": table.column("source"),
        "complete": table.column("complete"),
    }
    slow: dict[str, pd.Series] = {}
    for code in columns:
        name, kind = _responses.PREFIX + code, types[code]
        column = table.column(name) if name in table.column_names else None
        stored = None if column is None or _responses.is_json(table, name) else column.type
        if stored is None:
            values = _responses.values(table, name) if column is not None else [None] * rows
            arrays[code] = pa.nulls(rows)
            slow[code] = _as_frame_column(
                pd.Series(values, dtype=object), kind, options[code], categories.get(code)
            )
        elif kind in NUMBER_TYPES and (pa.types.is_integer(stored) or pa.types.is_floating(stored)):
            arrays[code] = pc.cast(column, pa.float64())
        elif kind == "text" and pa.types.is_string(stored):
            arrays[code] = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        elif kind == "single" and code in categories and _is_texts(stored):
            arrays[code] = column if pa.types.is_dictionary(stored) else column.dictionary_encode()
        else:
            values = _responses.values(table, name)
            arrays[code] = pa.nulls(rows)
            slow[code] = _as_frame_column(
                pd.Series(values, dtype=object), kind, options[code], categories.get(code)
            )
    frame = pa.table(arrays).to_pandas()
    for code in columns:
        if code in slow:
            frame[code] = slow[code]
        elif types[code] == "single" and code in categories:
            frame[code] = _with_categories(frame[code], categories[code])
    frame["submitted_at"] = frame["submitted_at"].astype("datetime64[us, UTC]")
    return frame


def _with_categories(values: pd.Series, categories: list[str]) -> pd.Series:
    """A single choice's answers with the codebook's options as categories, then the
    answers that are none of them, sorted (``categories`` grows by those)."""
    values = values.cat.remove_categories([c for c in values.cat.categories if c == ""])
    used = values.cat.categories[np.unique(values.cat.codes[values.cat.codes >= 0])]
    known = set(categories)
    categories += sorted(set(used) - known)
    return values.cat.set_categories(categories)


def _is_texts(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or (
        pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type)
    )


def _as_frame_column(
    values: pd.Series, kind: str, options: list[str], categories: list[str] | None
) -> pd.Series:
    """One question's answers as read from JSON, in the frame's dtype for its type."""
    values = values.reset_index(drop=True)
    if kind in LIST_TYPES:
        return values.map(lambda v: v if isinstance(v, list) else np.nan).astype(object)
    if kind in NUMBER_TYPES:
        position = {o: i + 1 for i, o in enumerate(options)} if kind == "likert" else {}

        def number(v: Any) -> Any:
            if isinstance(v, str):
                return position.get(v, np.nan)
            return v if _is_number(v) else np.nan

        return pd.Series(_per_value(values, number), dtype="float64")
    texts = _per_value(values, _text_of)
    if kind == "single" and categories is not None:
        known = set(categories)
        categories += sorted({v for v in pd.unique(texts) if isinstance(v, str)} - known)
        return pd.Series(pd.Categorical(texts, categories=categories))
    return pd.Series(texts, dtype="str")


def _per_value(values: pd.Series, func: Any) -> np.ndarray:
    """``func`` over the distinct values of a column (lists are left out: NaN)."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # lists where a single value belongs
        codes, uniques = pd.factorize(values.map(_hashable), use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [np.nan if isinstance(u, tuple | _Unhashable) else func(u) for u in uniques]
    table[-1] = np.nan
    return table[np.where(codes < 0, len(uniques), codes)]


def _text_of(value: Any) -> Any:
    if _missing(value):
        return np.nan
    if isinstance(value, str):
        return value if value != "" else np.nan
    if _is_number(value) and math.isfinite(value):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return np.nan


def _join_parts(
    parts: list[pd.DataFrame],
    columns: list[str],
    types: dict[str, str],
    categories: dict[str, list[str]],
) -> pd.DataFrame:
    if not parts:
        empty: dict[str, Any] = {
            "response_id": pd.Series(dtype="int64"),
            "survey_id": pd.Series(dtype="int64"),
            "survey": pd.Series(dtype="str"),
            "wave": pd.Series(dtype="str"),
            "respondent": pd.Series(dtype="str"),
            "submitted_at": pd.Series(dtype="datetime64[us, UTC]"),
            "duration_s": pd.Series(dtype="float64"),
            "source": pd.Series(dtype="str"),
            "complete": pd.Series(dtype=bool),
        }
        for code in columns:
            kind = types[code]
            if kind in NUMBER_TYPES:
                empty[code] = pd.Series(dtype="float64")
            elif kind == "single":
                empty[code] = pd.Series(pd.Categorical([], categories=categories[code]))
            elif kind in LIST_TYPES:
                empty[code] = pd.Series(dtype=object)
            else:
                empty[code] = pd.Series(dtype="str")
        return pd.DataFrame(empty)
    for part in parts:
        for code, cats in categories.items():
            part[code] = part[code].cat.set_categories(cats)
    return pd.concat(parts, ignore_index=True)


# --- writing ------------------------------------------------------------------------------


def save_survey(
    store: Store,
    project: str | int | Project,
    survey: Survey | Mapping[str, Any] | str,
    questions: Iterable[Question | Mapping[str, Any]] | pd.DataFrame,
    responses: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None,
) -> SavedSurvey:
    """Create or find a survey (same project, name and wave: the same survey), store its
    questions (new codes are added; new options join the stored ones) and its responses.

    ``survey``: a ``Survey``, a dict of its fields, or a name. ``questions``: dicts with
    ``code, text, type, options, parent, position`` (``position`` optional), ``Question``
    records or a codebook frame. Everything is written in one transaction.
    """
    target = store.project(project)
    spec = _survey_fields(survey)
    with store.transaction():
        found = find_survey(store, target, spec["name"], spec.get("wave", ""))
        created = found is None
        if found is None:
            found = store.add(Survey(project_id=target.id, **spec))
        elif spec.get("platform") and not found.platform:
            found = store.update("surveys", found.id, platform=spec["platform"])  # type: ignore[assignment]
        given, renames, notes = _align_waves(store, found, questions)
        added_questions = _merge_questions(store, found, given)
        added, duplicates = (0, 0)
        if responses is not None:
            added, duplicates = save_responses(store, found, _renamed(responses, renames))
        count = len(questions_of(store, [found]))
    return SavedSurvey(found, created, count, added_questions, added, duplicates, notes)


def _align_waves(
    store: Store, survey: Survey, questions: Iterable[Question | Mapping[str, Any]] | pd.DataFrame
) -> tuple[list[dict[str, Any]], dict[str, str], list[str]]:
    """The questions with the codes they have in the survey's other waves (matched by text,
    see ``wave_store.align_questions``); the codes renamed; warnings."""
    from .wave_store import STABLE_CODES, align_questions

    given = _question_dicts(questions)
    others = [
        s
        for s in store.records("surveys", survey.project_id)
        if s.name == survey.name and s.id != survey.id
    ]
    others.sort(key=lambda s: (s.opened_on or date.max, s.id))
    stored = questions_of(store, [survey, *others])
    # codes given by hand (no platform) are meant: the same code is the same question
    stable = not survey.platform or survey.platform in STABLE_CODES
    renames, notes = align_questions(stored, given, stable=stable)
    return given, renames, notes


def _renamed(
    responses: pd.DataFrame | Iterable[Mapping[str, Any]], renames: dict[str, str]
) -> pd.DataFrame | Iterable[Mapping[str, Any]]:
    if not renames:
        return responses
    if isinstance(responses, pd.DataFrame):
        return responses.rename(columns=renames)
    rows = []
    for row in responses:
        row = {renames.get(k, k): v for k, v in row.items()}
        if isinstance(row.get("answers"), Mapping):
            row["answers"] = {renames.get(k, k): v for k, v in row["answers"].items()}
        rows.append(row)
    return rows


def _survey_fields(survey: Survey | Mapping[str, Any] | str) -> dict[str, Any]:
    if isinstance(survey, str):
        return {"name": survey.strip(), "wave": ""}
    if isinstance(survey, Survey):
        data = survey.model_dump(exclude={"id", "project_id", "created_at", "updated_at"})
    else:
        data = dict(survey)
    data.setdefault("wave", "")
    data["name"] = str(data.get("name") or "").strip()
    data["wave"] = str(data["wave"] or "").strip()
    return data


def _question_dicts(
    questions: Iterable[Question | Mapping[str, Any]] | pd.DataFrame,
) -> list[dict[str, Any]]:
    if isinstance(questions, pd.DataFrame):
        items: Iterable[Any] = questions.to_dict("records")
    else:
        items = questions
    fields = ("code", "text", "type", "options", "parent", "position", "visibility", "notes")
    result = []
    for item in items:
        data = item.model_dump() if isinstance(item, Question) else dict(item)
        kept = {k: data[k] for k in fields if k in data and not _missing(data[k])}
        kept["options"] = [str(o) for o in (kept.get("options") or [])]
        if "position" in kept:
            kept["position"] = int(kept["position"])
        result.append(kept)
    return result


def _merge_questions(
    store: Store, survey: Survey, questions: Iterable[Question | Mapping[str, Any]] | pd.DataFrame
) -> int:
    stored = {q.code: q for q in questions_of(store, [survey])}
    top = max((q.position for q in stored.values()), default=0)
    fresh: list[Question] = []
    given = _question_dicts(questions)
    numbered = any(q.get("position") for q in given)
    for n, data in enumerate(given, start=1):
        old = stored.get(str(data.get("code", "")).strip())
        if old is None:
            position = int(data.get("position") or n) if numbered else n
            data["position"] = top + position if stored else position
            fresh.append(
                Question(project_id=survey.project_id, survey_id=survey.id, **data)  # type: ignore[arg-type]
            )
            continue
        changes: dict[str, Any] = {}
        if old.type in CHOICE_TYPES and data.get("options"):
            more = [o for o in data["options"] if o not in old.options]
            if more:
                changes["options"] = [*old.options, *more]
        text = str(data.get("text") or "")
        if text and _PLACEHOLDER_TEXT.match(old.text.strip()) and not _PLACEHOLDER_TEXT.match(text):
            changes["text"] = text
        if changes:
            store.update("questions", old.id, **changes)
    if fresh:
        store.add_all(fresh)
    return len(fresh)


@contextlib.contextmanager
def progress(report: Callable[[int, int], None]) -> Iterator[None]:
    """Within the block, every write of responses (``save_responses``, so also
    ``import_files`` of a survey export) calls ``report(done, total)`` after each chunk of
    ``CHUNK_ROWS`` responses: ``with progress(lambda done, total: bar.update(...)):``."""
    token = _progress.set(report)
    try:
        yield
    finally:
        _progress.reset(token)


def save_responses(
    store: Store,
    survey: Survey | int,
    responses: pd.DataFrame | Iterable[Mapping[str, Any]],
) -> tuple[int, int]:
    """Write responses to a survey in one transaction; returns (added, duplicates).

    Any invalid value refuses the whole write with every problem found (respondent, code,
    value, what is allowed).
    """
    (target,) = resolve(store, survey)
    book = {q.code: q for q in questions_of(store, [target])}
    frame = responses if isinstance(responses, pd.DataFrame) else _rows_frame(list(responses))
    if "respondent" not in frame.columns:
        raise InvalidRecord([Problem("respondent", None, t("surveys.import.data.no_respondent"))])
    codes = _answer_columns(frame, book)
    problems: list[Problem] = []
    for code in codes or []:
        if code not in book:
            known = ", ".join(list(book)[:30]) or t("word.none")
            problems.append(Problem(code, None, t("surveys.import.data.unknown_code", known=known)))
    if problems:
        raise InvalidRecord(problems, t("surveys.import.data.fix_hint"))
    respondents = _respondents(frame["respondent"].reset_index(drop=True), problems)
    if problems:
        raise InvalidRecord(problems, t("surveys.import.data.fix_hint"))
    added = duplicates = 0
    now = datetime.now(UTC)
    report = _progress.get()
    with store.transaction() as conn:
        _responses.lock(conn)  # (another import of the same survey waits: no respondent twice)
        stored = _responses.respondents(conn, target.id)  # type: ignore[arg-type]
        seen = _repeated(frame["respondent"], respondents)
        if stored:
            seen = seen | respondents.isin(stored).to_numpy()
        duplicates = int(seen.sum())
        fresh = np.flatnonzero(~seen)
        first = _responses.allocate(conn, len(fresh)) if len(fresh) else 0
        # each column checked and encoded once, then written a batch at a time (slices of it)
        ids = np.arange(first, first + len(fresh), dtype="int64")
        chunk = frame.iloc[fresh] if len(fresh) < len(frame) else frame
        values = _prepare(chunk, respondents.iloc[fresh], codes, book, ids, now, problems)
        for start in range(0, 0 if problems else len(fresh), CHUNK_ROWS):
            part = values.slice(start, CHUNK_ROWS)
            _responses.append(conn, target.project_id, target.id, part)  # type: ignore[arg-type]
            added += part.num_rows
            if report is not None:
                report(added, len(fresh))
        if problems:
            raise InvalidRecord(problems[:MAX_PROBLEMS], t("surveys.import.data.fix_hint"))
    return added, duplicates


def _rows_frame(rows: list[Any]) -> pd.DataFrame:
    """Dicts as a frame; values as they are where pandas cannot make text of them (a lone
    surrogate is no UTF-8: the checks then name it)."""
    try:
        return pd.DataFrame(rows)
    except UnicodeError:
        return pd.DataFrame(rows, dtype=object)


def _answer_columns(frame: pd.DataFrame, book: Mapping[str, Question]) -> list[str] | None:
    """The question columns of a wide frame, or None when answers come as dicts."""
    if "answers" in frame.columns and "answers" not in book:
        return None
    ignored = {*FRAME_COLUMNS, *RESPONSE_FIELDS}
    return [str(c) for c in frame.columns if c not in ignored]


def _prepare(
    chunk: pd.DataFrame,
    respondents: pd.Series,
    codes: list[str] | None,
    book: Mapping[str, Question],
    ids: np.ndarray,
    now: datetime,
    problems: list[Problem],
) -> pa.Table:
    """The payload of one chunk of new responses (see ``commlib.responses``); what is wrong
    goes to ``problems`` (and then the table is empty)."""
    where = respondents.reset_index(drop=True).array  # where[n]: the n-th response, for messages
    if codes is None:
        wide, codes = _expand(chunk["answers"], where, problems)
    else:
        wide = chunk[codes]
    answers = {}
    for code in codes:
        if code not in book:
            known = ", ".join(list(book)[:30]) or t("word.none")
            problems.append(Problem(code, None, t("surveys.import.data.unknown_code", known=known)))

    def encoded(code: str) -> tuple[pa.Array | None, list[Problem]]:
        found: list[Problem] = []
        return _encode(wide[code], book[code], where, found), found

    # a column at a time on each core (numpy and Arrow let go of the GIL on whole columns)
    known = [c for c in codes if c in book]
    with ThreadPoolExecutor(max_workers=2) as pool:
        tasks = [pool.submit(contextvars.copy_context().run, encoded, c) for c in known]
        for code, task in zip(known, tasks, strict=True):
            answers[_responses.PREFIX + code], found = task.result()
            problems += found
    submitted = _moments(chunk, where, problems)
    durations = _durations(chunk, where, problems)
    sources = _sources(chunk, where, problems)
    complete = _complete(chunk)
    if problems:
        return pa.table({})
    rows = len(chunk)
    stamp = pa.array(
        np.full(rows, np.datetime64(now.replace(tzinfo=None), "us")), _responses.MOMENT
    )
    columns = {
        "id": pa.array(ids),
        "visibility": _same(rows, "internal"),
        "notes": _same(rows, ""),
        "created_at": stamp,
        "updated_at": stamp,
        "respondent": _text_array(respondents),
        "submitted_at": submitted,
        "duration_s": _numbers(durations),
        "source": sources,
        "complete": pa.array(complete, pa.bool_()),
    }
    fields = [pa.field(name, array.type) for name, array in columns.items()]
    for name, array in answers.items():
        if array is not None:  # numbers: the whole ones read back as ints, as JSON had them
            whole = _responses.WHOLE if pa.types.is_floating(array.type) else None
            fields.append(pa.field(name, array.type, metadata=whole))
    arrays = [*columns.values(), *(a for a in answers.values() if a is not None)]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _numbers(values: np.ndarray) -> pa.Array:
    """Floats, NaN missing (none known: no data buffer to write)."""
    unknown = np.isnan(values)
    if unknown.all():
        return pa.nulls(len(values), pa.float64())
    return pa.array(values, pa.float64(), mask=unknown)


def _same(rows: int, text: str) -> pa.DictionaryArray:
    """One text for every row, a byte each."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, np.int8)), pa.array([text]))


def _index_type(distinct: int) -> type[np.signedinteger]:
    """The smallest indices for a dictionary of ``distinct`` texts (a byte for most)."""
    return np.int8 if distinct < 128 else np.int16 if distinct < 32768 else np.int32


def _repeated(values: pd.Series, texts: pd.Series) -> np.ndarray:
    """Which respondents (``texts``, the trimmed ``values``) were given by an earlier row;
    from a Categorical's codes when trimming merged none of its values (no text hashed)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.dtype == "str":
        cats = values.cat.categories
        if not padded(cats).any() or bool((cats.str.strip() == cats).all()):
            codes = values.cat.codes.to_numpy()
            return pd.Series(codes).duplicated().to_numpy() & (codes >= 0)
    return texts.duplicated().to_numpy()


def _respondents(values: pd.Series, problems: list[Problem]) -> pd.Series:
    """Respondent ids as trimmed text (whole numbers without ``.0``), checked."""
    if pd.api.types.is_integer_dtype(values.dtype):
        texts = values.astype("int64").astype("str")
    elif isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.dtype == "str":
        # trimmed once per distinct id, then put in place (astype("str") took 0.16 s a million)
        cats = strip_texts(values.cat.categories)
        empty = np.asarray(cats == "", dtype=bool)
        cats = cats.where(~empty, np.nan) if empty.any() else cats
        codes = values.cat.codes.to_numpy()
        if len(codes) == len(cats) and (codes == np.arange(len(codes))).all():
            texts = pd.Series(cats.array, index=values.index, copy=False)  # one row an id
        else:
            texts = pd.Series(cats.array.take(codes, allow_fill=True), index=values.index)
    elif pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        stripped = values.str.strip()
        texts = stripped.where(stripped != "", np.nan)
    else:
        texts = values.map(_respondent_text).astype(object)
    bad = texts.isna().to_numpy()
    lengths = texts.str.len().fillna(0).to_numpy()
    broken = _broken(texts)
    for n in np.flatnonzero(bad | (lengths > 200) | broken)[:5]:
        problems.append(
            Problem("respondent", values.iloc[n], t("surveys.import.data.bad_respondent"))
        )
    return texts


def _text_array(texts: pd.Series) -> pa.Array:
    """A column of text as Arrow ``string`` (without a copy when Arrow holds it already)."""
    if texts.dtype == "str":
        found = pa.array(texts.array)
        found = found.combine_chunks() if isinstance(found, pa.ChunkedArray) else found
        return pc.cast(found, pa.string())
    return pa.array(texts.to_numpy(dtype=object), pa.string(), from_pandas=True)


def _broken(texts: pd.Series) -> np.ndarray:
    """Which texts hold a line break or a control character (``_BREAK``), at C speed when
    they are UTF-8 (a lone surrogate is not: then by Python)."""
    try:
        found = _text_array(texts)
    except (pa.ArrowException, UnicodeError):
        return texts.str.contains(_BREAK.pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    data = found.buffers()[2]
    if data is None or not _suspect_bytes(np.frombuffer(data, np.uint8)):
        return np.zeros(len(texts), dtype=bool)
    broken = pc.match_substring_regex(found, r"[\x00-\x1f\x7f\x{85}\x{2028}\x{2029}]")
    return pc.fill_null(broken, False).to_numpy(zero_copy_only=False)


def _suspect_bytes(data: np.ndarray) -> bool:
    """Whether UTF-8 bytes may hold one of ``_BREAK``'s characters: a control byte, or the
    last byte of U+0085, U+2028 or U+2029 (most columns have none: no text searched)."""
    return bool(
        ((data < 0x20) | (data == 0x7F) | (data == 0x85) | (data >= 0xA8) & (data <= 0xA9)).any()
    )


def _display(value: Any) -> Any:
    """A value as a message shows it: whole numbers without ``.0``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _at(respondent: Any) -> str:
    """Where a problem is: the response, named by its respondent id."""
    return t("surveys.import.data.where", respondent=respondent)


def _respondent_text(value: Any) -> str | None:
    if _missing(value) or isinstance(value, bool):
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _expand(
    answers: pd.Series, where: Any, problems: list[Problem]
) -> tuple[pd.DataFrame, list[str]]:
    dicts = []
    for n, value in enumerate(answers):
        if isinstance(value, Mapping):
            dicts.append(value)
        else:
            if not _missing(value):
                problems.append(
                    Problem("answers", value, t("surveys.import.data.not_a_dict"), _at(where[n]))
                )
            dicts.append({})
    wide = _rows_frame(dicts)
    return wide, [str(c) for c in wide.columns]


def _moments(chunk: pd.DataFrame, where: Any, problems: list[Problem]) -> Any:
    if "submitted_at" not in chunk.columns:
        return pa.nulls(len(chunk), _responses.MOMENT)
    raw = chunk["submitted_at"]
    bad = np.zeros(len(raw), dtype=bool)
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        parsed = raw
    else:
        try:
            parsed = pd.to_datetime(raw, utc=True, errors="coerce", format="mixed")
        except (TypeError, ValueError, OverflowError):
            parsed = pd.Series([_moment(v) for v in raw], index=raw.index, dtype=object)
            parsed = pd.to_datetime(parsed, utc=True)
        if not isinstance(parsed.dtype, pd.DatetimeTZDtype):  # nothing readable: naive NaT
            parsed = parsed.dt.tz_localize("UTC")
        bad = (parsed.isna() & raw.notna()).to_numpy()
    # a moment must fall within years 1-9999 in UTC (pandas reaches further than Python)
    years = parsed.dt.year
    beyond = (parsed.notna() & ((years < 1) | (years > 9999))).to_numpy()
    if beyond.any():
        parsed = parsed.mask(beyond)
        bad = bad | beyond
    for n in np.flatnonzero(bad)[:5]:
        problems.append(
            Problem("submitted_at", raw.iloc[n], t("surveys.import.data.bad_moment"), _at(where[n]))
        )
    naive = parsed.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
    return pa.array(naive.to_numpy(), _responses.MOMENT, from_pandas=True)


def _moment(value: Any) -> pd.Timestamp:
    """One submission time as a moment in UTC (NaT when it is not one)."""
    if isinstance(value, bool | dict | list | tuple | set) or _missing(value):
        return pd.NaT
    try:
        found = pd.to_datetime(value, utc=True, errors="coerce")
    except (TypeError, ValueError, OverflowError):
        return pd.NaT
    return found if isinstance(found, pd.Timestamp) else pd.NaT


def _durations(chunk: pd.DataFrame, where: Any, problems: list[Problem]) -> np.ndarray:
    if "duration_s" not in chunk.columns:
        return np.full(len(chunk), np.nan)
    raw = chunk["duration_s"]
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        numbers = raw.astype("float64")
    else:
        numbers = pd.to_numeric(raw.map(lambda v: v if _is_number(v) else np.nan))
        numbers = numbers.astype("float64")
    bad = (numbers.isna() & raw.notna()) | (numbers < 0) | np.isinf(numbers)
    for n in np.flatnonzero(bad.to_numpy())[:5]:
        problems.append(
            Problem("duration_s", raw.iloc[n], t("surveys.import.data.bad_duration"), _at(where[n]))
        )
    return numbers.to_numpy(dtype="float64", na_value=np.nan)


def _complete(chunk: pd.DataFrame) -> np.ndarray:
    """Whether each response was finished (no ``complete`` column, or a missing value: yes)."""
    if "complete" not in chunk.columns:
        return np.ones(len(chunk), dtype=bool)
    values = chunk["complete"]
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # lists, dicts
        return np.array([not _unfinished(v) for v in values], dtype=bool)
    done = np.array([not _unfinished(u) for u in uniques] + [True], dtype=bool)
    return done[np.where(codes < 0, len(uniques), codes)]


def _unfinished(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("0", "false", "no")
    return not _missing(value) and not bool(value)


def _sources(chunk: pd.DataFrame, where: Any, problems: list[Problem]) -> pa.Array:
    """Where each response came from, as trimmed text ("" when not known); each distinct
    value checked once."""
    if "source" not in chunk.columns or not chunk["source"].notna().any():
        return _blank_texts(len(chunk))
    raw = chunk["source"]
    try:
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    except TypeError:  # lists, dicts: checked below as text
        codes, uniques = pd.factorize(raw.map(str), use_na_sentinel=True)
    texts = pd.Series(["" if _missing(u) else str(u).strip() for u in uniques], dtype=object)
    wrong = (texts.str.len().to_numpy() > 200) | _broken(texts) if len(texts) else []
    for k in np.flatnonzero(wrong)[:5]:
        n = int(np.flatnonzero(codes == k)[0])
        problems.append(
            Problem("source", texts[k], t("surveys.import.data.bad_source"), _at(where[n]))
        )
    if not any(texts):  # (no source known for any response)
        return _blank_texts(len(chunk))
    table = pa.array([*texts, ""], pa.string())
    return pc.take(table, pa.array(np.where(codes < 0, len(texts), codes)))


def _blank_texts(rows: int) -> pa.StringArray:
    """``""`` for every row (offsets only)."""
    offsets = pa.py_buffer(np.zeros(rows + 1, np.int32))
    return pa.StringArray.from_buffers(rows, offsets, pa.py_buffer(b""))


# --- encoding answers, one column at a time ----------------------------------------------


#: the Arrow type answers of each question type are stored in
_STORED = {
    "likert": pa.int8(),
    "nps": pa.int8(),
    "rating": pa.float64(),
    "numeric": pa.float64(),
    "single": pa.string(),
    "text": pa.string(),
    "multi": pa.list_(pa.string()),
    "rank": pa.list_(pa.string()),
}


def _encode(
    values: pd.Series, question: Question, where: Any, problems: list[Problem]
) -> pa.Array | None:
    """A question's answers as a stored column (None when none is answered), checked
    against the question; each distinct value is checked and encoded once, and the column
    built from the distinct values and where each one is."""
    kind = _STORED.get(question.type)
    if question.type in LIST_TYPES:
        found = _encode_lists(values, question, where, problems)
        if problems or not any(v is not None for v in found):
            return None
        return pa.array(found, type=kind)
    fast = _numbers_column(values, question)
    if fast is not False:
        return fast
    table, codes = _encode_values(values, question, where, problems)
    if problems or kind is None:
        return None
    if question.type in NUMBER_TYPES:
        numbers = np.array([np.nan if v is None else v for v in table], dtype="float64")[codes]
        missing = np.isnan(numbers)
        if missing.all():
            return None
        if pa.types.is_integer(kind):
            numbers = np.where(missing, 0, numbers).astype(kind.to_pandas_dtype())
        return pa.array(numbers, type=kind, mask=missing)
    # texts: one dictionary entry per distinct text, then (free text) the texts themselves
    merged, texts = pd.factorize(pd.Series(table, dtype=object), use_na_sentinel=True)
    indices = merged[codes]
    if (indices < 0).all():
        return None
    array = pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(_index_type(len(texts))), mask=indices < 0),
        pa.array(np.asarray(texts, dtype=object), pa.string()),
    )
    return array if question.type == "single" else array.dictionary_decode()


def _encode_values(
    values: pd.Series, question: Question, where: Any, problems: list[Problem]
) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct value as stored (None: missing, last), and which one each row holds."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists, dicts) where a single value belongs
        codes, uniques = pd.factorize(values.map(_hashable), use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[-1] = None
    fast = _numbers_at_once(uniques, question)
    for k, value in enumerate(uniques):
        if fast is not None and fast[k] is not None:
            table[k] = fast[k]
            continue
        if isinstance(value, _Unhashable):
            value = value.value
        encoded, message = _encode_value(value, question)
        table[k] = encoded
        if message:
            for n in np.flatnonzero(codes == k)[:3]:
                problems.append(Problem(question.code, _display(value), message, _at(where[n])))
    return table, np.where(codes < 0, len(uniques), codes)


def _numbers_at_once(uniques: Any, question: Question) -> list[Any] | None:
    """Many distinct numbers, checked at once (None where a check must look)."""
    if question.type not in NUMBER_TYPES:
        return None
    if not (pd.api.types.is_numeric_dtype(uniques.dtype) and uniques.dtype != bool):
        return None
    numbers = np.asarray(uniques, dtype="float64")
    ok, whole = _number_checks(numbers, question)
    ok &= np.isfinite(numbers)
    if question.type in ("likert", "nps"):
        ints = np.where(whole, numbers, 0).astype(np.int64).tolist()
        return [i if good else None for i, good in zip(ints, ok.tolist(), strict=True)]
    return [n if good else None for n, good in zip(numbers.tolist(), ok.tolist(), strict=True)]


def _number_checks(numbers: np.ndarray, question: Question) -> tuple[np.ndarray, np.ndarray]:
    """Which numbers a question of numbers takes (NaN, unanswered, passes) and which are
    whole."""
    whole = np.isfinite(numbers) & (numbers == np.round(numbers)) & (np.abs(numbers) < 1e15)
    ok = ~np.isinf(numbers)
    if question.type == "likert":
        ok &= np.isnan(numbers) | (whole & (numbers >= 1) & (numbers <= len(question.options)))
    elif question.type == "nps":
        ok &= np.isnan(numbers) | (whole & (numbers >= 0) & (numbers <= 10))
    elif question.type == "rating" and (bounds := _bounds(question.options)):
        ok &= np.isnan(numbers) | ((numbers >= bounds[0]) & (numbers <= bounds[1]))
    return ok, whole


def _numbers_column(values: pd.Series, question: Question) -> pa.Array | bool | None:
    """A column of numbers stored at once when every one is right for the question (None:
    none answered); False when it is no column of numbers or one needs a closer look."""
    if question.type not in NUMBER_TYPES or not (
        pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values)
    ):
        return False
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    ok, _whole = _number_checks(numbers, question)
    if not ok.all():
        return False
    missing = np.isnan(numbers)
    if missing.all():
        return None
    kind = _STORED[question.type]
    if pa.types.is_integer(kind):
        numbers = np.where(missing, 0, numbers).astype(kind.to_pandas_dtype())
    return pa.array(numbers, type=kind, mask=missing)


class _Unhashable:
    """An answer pandas cannot factorize (a dict, a list holding one), kept for the message."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = tuple(value) if isinstance(value, list) else value


def _hashable(value: Any) -> Any:
    """A value pandas can factorize: lists as tuples (a list where one value belongs)."""
    found = tuple(value) if isinstance(value, list) else value
    try:
        hash(found)
    except TypeError:
        return _Unhashable(value)
    return found


def _encode_lists(
    values: pd.Series, question: Question, where: Any, problems: list[Problem]
) -> np.ndarray:
    options = {o: i for i, o in enumerate(question.options)}
    cache: dict[Any, tuple[str | None, str]] = {}
    out = np.empty(len(values), dtype=object)
    for n, value in enumerate(values.tolist()):
        key = tuple(value) if isinstance(value, list | tuple) else value
        try:
            found = cache.get(key)
        except TypeError:
            found, key = None, None
        if found is None:
            found = _encode_list(value, question, options)
            if key is not None:
                cache[key] = found
        encoded, message = found
        out[n] = encoded
        if message and len(problems) < MAX_PROBLEMS:
            problems.append(Problem(question.code, value, message, _at(where[n])))
    return out


def _encode_list(value: Any, question: Question, options: dict[str, int]) -> tuple[Any, str]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        if _missing(value) or value == "":
            return None, ""
        return None, t("surveys.import.data.need_list")
    items = list(value)
    if not all(isinstance(v, str) for v in items):
        return None, t("surveys.import.data.need_list")
    unknown = [v for v in items if v not in options]
    if unknown:
        return None, t("surveys.import.data.not_an_option", options=_shown(question.options))
    if len(set(items)) != len(items):
        return None, t("surveys.import.data.repeated")
    if question.type == "multi":
        items = sorted(items, key=lambda v: options[v])
    return items, ""


def _encode_value(value: Any, question: Question) -> tuple[Any, str]:
    """One answer as stored, or a message saying why it does not fit."""
    if _missing(value) or (isinstance(value, str) and value == ""):
        return None, ""
    kind = question.type
    if isinstance(value, tuple):
        return None, t("surveys.import.data.not_a_list_type")
    if kind == "matrix":
        return None, t("surveys.import.data.matrix_parent")
    if kind == "single":
        text = value if isinstance(value, str) else _text_of(value)
        if isinstance(text, str) and text in question.options:
            return text, ""
        return None, t("surveys.import.data.not_an_option", options=_shown(question.options))
    if kind == "text":
        text = value if isinstance(value, str) else _text_of(value)
        if not isinstance(text, str):
            return None, t("surveys.import.data.need_text")
        if len(text) > MAX_TEXT or _NOT_TEXT.search(text):
            return None, t("surveys.import.data.bad_text", n=MAX_TEXT)
        return text, ""
    if kind == "likert" and isinstance(value, str) and value in question.options:
        return question.options.index(value) + 1, ""
    if not _is_number(value):
        return None, t("surveys.import.data.need_number")
    number = float(value)
    if not math.isfinite(number):
        return None, t("surveys.import.data.need_number")
    if kind == "likert":
        if number.is_integer() and 1 <= number <= len(question.options):
            return int(number), ""
        return None, t("surveys.import.data.likert_range", k=len(question.options))
    if kind == "nps":
        if number.is_integer() and 0 <= number <= 10:
            return int(number), ""
        return None, t("surveys.import.data.nps_range")
    if kind == "rating":
        bounds = _bounds(question.options)
        if bounds and not bounds[0] <= number <= bounds[1]:
            return None, t("surveys.import.data.rating_range", low=bounds[0], high=bounds[1])
    return number, ""


def _bounds(options: list[str]) -> tuple[float, float] | None:
    if len(options) != 2:
        return None
    try:
        low, high = float(options[0]), float(options[1])
    except ValueError:
        return None
    return (low, high) if low <= high else None


def _shown(options: list[str]) -> str:
    text = ", ".join(options[:12])
    return text + (", ..." if len(options) > 12 else "") if options else t("word.none")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and value != value


# --- stored responses for the form, the waves and the importers ---------------------------


def respondents_of(store: Store, survey_id: int) -> set[str]:
    """The respondents stored for a survey."""
    with store.read() as conn:
        return _responses.respondents(conn, survey_id)


def answers_of(store: Store, survey_id: int, code: str | None) -> list[tuple[str, Any]]:
    """``(respondent, answer to code)`` of every stored response of a survey, in stored
    order; the answer is None when unanswered (every answer, when ``code`` is None)."""
    name = _responses.PREFIX + str(code)
    found: list[tuple[str, Any]] = []
    with store.read() as conn:
        for _batch, _survey, _project, table in _responses.tables(conn, survey_ids=[survey_id]):
            given = (
                _responses.values(table, name)
                if code is not None and name in table.column_names
                else [None] * table.num_rows
            )
            found += zip(table.column("respondent").to_pylist(), given, strict=True)
    return found


def response_counts(store: Store, project_id: int) -> dict[int, int]:
    """Responses per survey of a project, counted in the database (``survey_id -> n``;
    surveys without responses left out)."""
    with store.read() as conn:
        return _responses.counts(conn, by="survey_id", project_id=project_id)


def stored_answers(
    store: Store, survey_id: int, respondents: Iterable[str], *, limit: int | None = None
) -> dict[str, dict[str, Any]]:
    """``respondent -> answers`` of the stored responses of these respondents to a survey
    (the first ``limit`` of them in stored order, when given)."""
    wanted = list(respondents)
    found: dict[str, dict[str, Any]] = {}
    with store.read() as conn:
        for _batch, survey, project, table in _responses.tables(conn, survey_ids=[survey_id]):
            room = None if limit is None else limit - len(found)
            if room is not None and room <= 0:
                break
            shared = _responses.of_respondents(table, wanted)
            if room is not None:
                shared = shared.slice(0, room)
            for row in _responses.rows_of(shared, survey, project):
                found[row["respondent"]] = row["answers"]
    return found


def rewrite_answers(
    store: Store,
    survey_id: int,
    change: Callable[[dict[str, Any]], bool],
    respondents: Iterable[str] | None = None,
) -> None:
    """Let ``change`` edit each stored response of a survey (of these respondents only), in
    one transaction: it gets the response as a dict of the model's fields (``answers``
    included) and returns True when it changed it; only the batches it changed are
    written again."""
    with store.transaction() as conn:
        _responses.rewrite(conn, survey_id, change, respondents)


__all__ = [
    "CODEBOOK_COLUMNS",
    "FRAME_COLUMNS",
    "SavedSurvey",
    "answers_of",
    "codebook",
    "find_survey",
    "progress",
    "questions_of",
    "resolve",
    "respondents_of",
    "response_counts",
    "responses_frame",
    "rewrite_answers",
    "save_responses",
    "save_survey",
    "stored_answers",
]
