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
at a time, in one transaction (see ``commlib._responses``: each question's answers in its
type's own form, likert/nps as whole numbers, rating/numeric as numbers, single as
dictionary-encoded text, multi/rank as lists); respondents already stored for the survey are
skipped and counted as duplicates. ``with progress(report):`` has every such write call
``report(done, total)`` after each batch (a progress bar for a large import). Reading is
column-wise too: a survey's batches are read as one Arrow table and each column converted at
once, so a million responses load faster than ``pandas.read_csv`` reads their export.

The work is shared with private siblings: ``_wide`` turns stored batches into rows of the
wide frame, ``_batch`` checks a write's respondents, times, durations and sources and builds
the payload, ``_answers`` checks and encodes the answers of each question type.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import sqlalchemy as sa

from .. import _responses, _schema
from ..errors import InvalidRecord, NotFound, Problem
from ..i18n import t
from ..models import Project, Question, Survey
from ..store import Store
from ._answers import CHOICE_TYPES, MAX_PROBLEMS, missing
from ._answers import LIST_TYPES as LIST_TYPES
from ._answers import MAX_TEXT as MAX_TEXT
from ._answers import NUMBER_TYPES as NUMBER_TYPES
from ._batch import differing_repeats, prepare, repeated_rows, respondent_ids, rows_frame
from ._wide import frame_run, join_parts

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
#: responses written per batch (see ``commlib._responses``)
CHUNK_ROWS = _responses.CHUNK_ROWS
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
    table = _schema.TABLES["surveys"]
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
    table = _schema.TABLES["questions"]
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
    audience: str = "internal",
) -> pd.DataFrame:
    """One row per response of these surveys (see the module's documentation); for
    ``audience="client"`` only the responses shared with the client.

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
            if audience == "client":
                table = table.filter(pc.equal(table.column("visibility"), "client"))
            if run and (run[0][0].id != survey_id or run[0][1].schema != table.schema):
                parts.append(frame_run(run, columns, types, options, categories))
                run = []
            run.append((by_id[survey_id], table))
        if run:
            parts.append(frame_run(run, columns, types, options, categories))
    parts = [p for p in parts if len(p)]
    frame = join_parts(parts, columns, types, categories)
    if len(frame) and (len(found) > 1 or not frame["response_id"].is_monotonic_increasing):
        frame["_order"] = frame["survey_id"].map(order)
        frame = frame.sort_values(["_order", "response_id"], kind="stable")
        frame = frame.drop(columns="_order").reset_index(drop=True)
    return frame


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
        kept = {k: data[k] for k in fields if k in data and not missing(data[k])}
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
    value, what is allowed). So does one respondent id on rows that differ (one of them would
    be lost); rows alike in everything written are one response, the others duplicates.
    """
    (target,) = resolve(store, survey)
    book = {q.code: q for q in questions_of(store, [target])}
    frame = responses if isinstance(responses, pd.DataFrame) else rows_frame(list(responses))
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
    respondents = respondent_ids(frame["respondent"].reset_index(drop=True), problems)
    if problems:
        raise InvalidRecord(problems, t("surveys.import.data.fix_hint"))
    repeated = repeated_rows(frame["respondent"], respondents)
    written = [c for c in RESPONSE_FIELDS if c != "respondent" and c in frame.columns]
    written += ["answers"] if codes is None else codes
    problems += differing_repeats(frame, respondents, repeated, written)
    if problems:
        raise InvalidRecord(problems, t("surveys.import.data.fix_hint"))
    added = duplicates = 0
    now = datetime.now(UTC)
    report = _progress.get()
    with store.transaction() as conn:
        _responses.lock(conn)  # (another import of the same survey waits: no respondent twice)
        stored = _responses.respondents(conn, target.id)  # type: ignore[arg-type]
        seen = repeated
        if stored:
            seen = seen | respondents.isin(stored).to_numpy()
        duplicates = int(seen.sum())
        fresh = np.flatnonzero(~seen)
        first = _responses.allocate(conn, len(fresh)) if len(fresh) else 0
        # each column checked and encoded once, then written a batch at a time (slices of it)
        ids = np.arange(first, first + len(fresh), dtype="int64")
        chunk = frame.iloc[fresh] if len(fresh) < len(frame) else frame
        values = prepare(chunk, respondents.iloc[fresh], codes, book, ids, now, problems)
        for start in range(0, 0 if problems else len(fresh), CHUNK_ROWS):
            part = values.slice(start, CHUNK_ROWS)
            _responses.append(conn, target.project_id, target.id, part)  # type: ignore[arg-type]
            added += part.num_rows
            if report is not None:
                report(added, len(fresh))
        if problems:
            raise InvalidRecord(problems[:MAX_PROBLEMS], t("surveys.import.data.fix_hint"))
    return added, duplicates


def _answer_columns(frame: pd.DataFrame, book: Mapping[str, Question]) -> list[str] | None:
    """The question columns of a wide frame, or None when answers come as dicts."""
    if "answers" in frame.columns and "answers" not in book:
        return None
    ignored = {*FRAME_COLUMNS, *RESPONSE_FIELDS}
    return [str(c) for c in frame.columns if c not in ignored]


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
