"""Qualtrics exports: current (three header rows) and legacy (two header rows).

Current: column ids (``StartDate, EndDate, Status, ..., ResponseId, ..., Q1, Q2_1``), the
question texts, and an ImportId row (``{"ImportId":"QID2_1"}``; date columns also carry
their ``timeZone``). Legacy: ``V1..V10`` or ``ResponseID, ResponseSet, ...`` ids, then texts.
Answers are choice texts or numeric recodes (the numeric export: ``Finished`` is ``1``/``0``
instead of ``True``/``False``); a multi-select is one cell joined with ``,``; matrix rows are
``Q4_1``, ``Q4_2`` (text ``question - row``); ``_TEXT`` columns hold "other" text.
CSV files start with a UTF-8 BOM; TSV exports are UTF-16 — both are read.

Codes are the Qualtrics column ids; matrix parents take the id before ``_N``. The respondent
is ``ResponseId``; the duration ``Duration (in seconds)`` (legacy: end - start); the source
``DistributionChannel``. The survey name comes from the file name, without Qualtrics'
``_March 5, 2026_14.30`` suffix.

Recognised by the column ids (camel case whatever the interface language: the second row
may be German or Chinese), the ImportId row, or the legacy ids; the header has three rows
(ids, texts, ImportIds), two (ids and texts) or one (ids only), or as many as the user's
``header_rows`` says. ``Status`` previews, tests and spam (``Survey Preview`` / ``1``,
``Survey Test`` / ``2``, ``Spam`` / ``8``) are left out and counted in
``details["left_out"]``; ``Finished`` (else ``Progress`` < 100) marks incomplete responses.
A label holding commas (``$50,000 - $74,999``) is one choice, not a joined multi-select; in
a numeric export, negative recodes beside a positive scale are non-answers (missing; listed
in ``details["non_answers"]``).
"""

from __future__ import annotations

import json
import re
from datetime import tzinfo

import numpy as np
import pandas as pd

from ...i18n import t
from ._base import Parsed, meta, texts
from ._columns import blank, per_value
from ._groups import is_binary, is_rank, matrix_rows, multi_from_columns, rank_from_columns, used
from ._infer import (
    MAX_OPTIONS,
    Guess,
    all_numbers,
    infer,
    likert_scale,
    looks_joined,
    order_lists,
    split_lists,
    text_answers,
)
from ._read import Table, read
from ._times import durations, parse_times, seconds_between, zone_named

NAME = "qualtrics"
PLATFORM = "qualtrics"
META = {
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "ResponseID",
    "ResponseSet",
    "Name",
    "ExternalDataReference",
    "ExternalReference",
    "EmailAddress",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "LocationLatitude",
    "LocationLongitude",
    "LocationAccuracy",
    "DistributionChannel",
    "UserLanguage",
}
#: legacy ids: V1..V10 with their names in the second row
LEGACY = re.compile(r"^V\d+$")
_MATRIX = re.compile(r"^(.+?)_(\d+)$")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_SUFFIX = re.compile(rf"_(?:{_MONTHS}) \d{{1,2}}, \d{{4}}_\d{{1,2}}\.\d{{2}}$")


def label() -> str:
    return t("surveys.import.kind.qualtrics")


def describe() -> str:
    return t("surveys.import.describe.qualtrics")


def _import_ids(table: Table) -> bool:
    third = table.row(2)
    return sum(c.startswith('{"ImportId"') or c.startswith("{'ImportId'") for c in third) >= 2


#: the column ids only Qualtrics writes (camel case, whatever the interface language)
_IDS = {"StartDate", "EndDate", "Status", "Progress", "Finished", "RecordedDate"}
_IDS |= {"ResponseId", "ResponseID", "DistributionChannel", "UserLanguage", "IPAddress"}
_RESPONSE_ID = re.compile(r"^R_[A-Za-z0-9]{8,}$")
_DATA_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}|^\d{1,2}/\d{1,2}/\d{2,4} \d")
#: ``Status`` values of responses that are not a respondent's: text and numeric exports
LEFT_OUT = {
    "survey preview": "preview",
    "umfragevorschau": "preview",
    "vista previa de la encuesta": "preview",
    "aperçu de l'enquête": "preview",
    "调查预览": "preview",
    "预览": "preview",
    "umfragetest": "test",
    "调查测试": "test",
    "垃圾邮件": "spam",
    "1": "preview",
    "17": "preview",
    "survey test": "test",
    "2": "test",
    "spam": "spam",
    "8": "spam",
    "9": "spam",
    "12": "spam",
}


def sniff(table: Table) -> bool:
    if table.header and "".join(table.header[0].split()).lower() == "respondentid":
        return False  # SurveyMonkey (StartDate, EndDate, IPAddress are its headings too)
    first, second = set(table.header), set(table.row(1))
    if _import_ids(table) and len(first - {""}) >= 2:
        return True
    known = _IDS & first
    if {"ResponseId", "ResponseID"} & known and (len(known) >= 3 or _text_row(table)):
        return True
    if {"StartDate", "EndDate"} <= known and len(known) >= 4:
        return True
    legacy = {"ResponseID", "ResponseSet"}
    return legacy <= first or (legacy <= second and any(LEGACY.match(c) for c in first))


def _text_row(table: Table) -> bool:
    """The second row holds the columns' texts, not a response: no response id (``R_…``)
    and no moment under the id columns, and not the ids repeated."""
    header, second = table.header, table.row(1)
    if not any(second) or second == header:
        return False
    for name, cell in zip(header, second, strict=False):
        if name in ("ResponseId", "ResponseID") and not _heading_like(cell):
            return False
        if name in ("StartDate", "EndDate", "RecordedDate") and _DATA_TIME.match(cell):
            return False
    return True


def _heading_like(cell: str) -> bool:
    """The text over the response ids (``Response ID``, ``Antwort-ID``, ``回复 ID``), not an
    id (``R_1a2b3c…``, ``17``)."""
    if not cell or _RESPONSE_ID.match(cell) or cell.isdigit():
        return False
    return bool(re.search(r"[\s\-]|[^\x00-\x7f]", cell)) or "id" in cell.lower()


def _header_rows(table: Table) -> int:
    """Three rows (ids, texts, ImportIds), two (ids and texts), or one (ids only);
    the user's ``header_rows`` when given."""
    if table.hints.header_rows:
        return table.hints.header_rows
    if _import_ids(table):
        return 3
    if set(table.header) & _IDS and not set(table.header) & {"ResponseSet"}:
        return 2 if _text_row(table) else 1
    return 2


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    count = _header_rows(table)
    three = count >= 3 and _import_ids(table)
    header_rows, body = read(table, count)
    ids = header_rows[0]
    questions = header_rows[1] if count >= 2 else list(ids)
    imports = header_rows[2] if three else [""] * len(ids)
    if any(LEGACY.match(c) for c in ids) and "ResponseID" in questions:
        ids = [q if LEGACY.match(i) else i for i, q in zip(ids, questions, strict=True)]
    position = {name: n for n, name in enumerate(ids)}
    parsed = Parsed(PLATFORM, title=_title(table))
    rows = len(body)

    def column(*names: str) -> pd.Series | None:
        for name in names:
            if name in position:
                return body[position[name]]
        return None

    def moment(name: str) -> pd.Series | None:
        found = column(name)
        if found is None:
            return None
        where = _zone(imports[position[name]]) or zone
        return parse_times(found, where, name, first_row=len(header_rows) + 1)

    respondent = column("ResponseId", "ResponseID")
    start, finish = moment("StartDate"), moment("EndDate")
    recorded = moment("RecordedDate")
    seconds = column("Duration (in seconds)")
    if seconds is not None:
        duration = durations(seconds)
    elif start is not None and finish is not None:
        duration = seconds_between(start, finish)
    else:
        duration = None
    channel = column("DistributionChannel")
    parsed.meta = meta(
        rows,
        texts(respondent) if respondent is not None else None,
        recorded if recorded is not None else finish,
        duration,
        texts(channel) if channel is not None else None,
        _complete(column("Finished"), column("Progress"), rows),
    )
    legacy = "ResponseSet" in position  # legacy exports always say 1/0
    coded = (three or count == 2) and not legacy and _numeric_export(body, position)
    parsed.details["export"] = "numeric" if coded else "text"
    parsed.details["header_rows"] = count
    _questions(parsed, body, ids, questions, coded)
    parsed.keep_rows(parsed.meta["respondent"].notna().to_numpy())
    _leave_out(parsed, column("Status"), parsed.meta["respondent"].notna().to_numpy())
    return parsed


def _complete(finished: pd.Series | None, progress: pd.Series | None, rows: int) -> np.ndarray:
    """``Finished`` True/1 (else ``Progress`` 100): the respondent reached the end."""
    if finished is not None:
        flags = per_value(finished, lambda v: v.strip().lower() not in ("false", "0"), True)
        return np.asarray(flags, dtype=bool)
    if progress is not None:
        numbers = pd.to_numeric(pd.Series(progress.astype(object)), errors="coerce")
        return ~(numbers < 100).to_numpy()
    return np.ones(rows, dtype=bool)


def _leave_out(parsed: Parsed, status: pd.Series | None, kept: np.ndarray) -> None:
    """Survey previews, test and spam responses (by ``Status``) are not respondents': left
    out, counted in ``details["left_out"]``."""
    if status is None:
        return
    kinds = per_value(status, lambda v: LEFT_OUT.get(v.strip().lower(), ""), "")[kept]
    found = {k: int((kinds == k).sum()) for k in ("preview", "test", "spam")}
    found = {k: n for k, n in found.items() if n}
    if not found:
        return
    dropped = parsed.dropped
    parsed.keep_rows(np.asarray(kinds == "", dtype=bool))
    parsed.dropped = dropped
    parsed.details["left_out"] = found
    parsed.warnings.append(t("surveys.layouts.left_out", n=sum(found.values())))


def _title(table: Table) -> str:
    stem = table.path.stem
    found = _SUFFIX.search(stem)
    return stem[: found.start()] if found else ""


def _zone(cell: str) -> tzinfo | None:
    try:
        data = json.loads(cell)
    except (ValueError, TypeError):
        return None
    return zone_named(data.get("timeZone")) if isinstance(data, dict) else None


def _numeric_export(body: pd.DataFrame, position: dict[str, int]) -> bool:
    """Numeric recodes, not choice texts: ``Finished`` holds 1/0 rather than True/False."""
    finished = position.get("Finished")
    if finished is not None:
        values = {v.strip().lower() for v in used(body[finished])}
        if values & {"true", "false"}:
            return False
        if values and values <= {"1", "0"}:
            return True
    return False


def _questions(
    parsed: Parsed, body: pd.DataFrame, ids: list[str], texts_: list[str], coded: bool
) -> None:
    n = 0
    columns = [
        (i, c) for i, c in enumerate(ids) if c and c not in META and not c.endswith("_NPS_GROUP")
    ]
    while n < len(columns):
        index, code = columns[n]
        base = _MATRIX.match(code)
        if base and not code.upper().endswith("_TEXT"):
            group = [(index, code)]
            while n + len(group) < len(columns):
                nxt = _MATRIX.match(columns[n + len(group)][1])
                if not nxt or nxt.group(1) != base.group(1):
                    break
                group.append(columns[n + len(group)])
            if len(group) > 1:
                _group(parsed, body, base.group(1), group, texts_, coded)
                n += len(group)
                continue
        _single(parsed, body[index], code, texts_[index], coded)
        n += 1


def _single(parsed: Parsed, column: pd.Series, code: str, text: str, coded: bool) -> None:
    if code.upper().endswith("_TEXT"):
        parsed.add(code, text, "text", answers=text_answers(column))
        return
    if coded:
        column = _non_answers(parsed, code, column)
    else:
        column = _non_answer_labels(parsed, code, column)
    values = used(column)
    if coded and any(re.fullmatch(r"\d+(?:,\d+)+", v) for v in values):
        options, lists = split_lists(column, ",")
        options.sort(key=lambda o: int(o) if o.isdigit() else 10**9)
        parsed.add(code, text, "multi", options, order_lists(lists, options), coded=True)
        return
    if not coded and looks_joined(column, ",") and _joined(values):
        options, lists = split_lists(column, ",")
        if len(options) <= MAX_OPTIONS:
            parsed.add(code, text, "multi", options, order_lists(lists, options))
            return
    guess = infer(column, text, codes_only=coded)
    parsed.guess(code, text, guess, coded=coded and guess.type == "single" and all_numbers(column))


def _group(
    parsed: Parsed,
    body: pd.DataFrame,
    parent: str,
    group: list[tuple[int, str]],
    texts_: list[str],
    coded: bool,
) -> None:
    clean = _non_answers if coded else _non_answer_labels
    columns = [clean(parsed, code, body[i]) for i, code in group]
    stem, labels = _split_texts([texts_[i] for i, _ in group])
    if is_binary(columns, labels):
        parsed.add(parent, stem, "multi", labels, multi_from_columns(columns, labels), ordered=True)
        return
    if is_rank(columns) and (_rank_words(stem) or len(body) >= 3):
        parsed.add(parent, stem, "rank", labels, rank_from_columns(columns, labels), ordered=True)
        return
    parsed.add(parent, stem, "matrix")
    guesses: list[Guess] = matrix_rows(columns, labels, codes_only=coded)
    for (_, code), column, guess, item in zip(group, columns, guesses, labels, strict=True):
        is_code = coded and guess.type == "single" and all_numbers(column)
        parsed.guess(code, item, guess, parent=parent, coded=is_code)


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def _joined(values: list[str]) -> bool:
    """A multi-select joined with ``,`` rather than choice labels holding commas
    (``$50,000 - $74,999``, ``Yes, often``): the pieces are labels other rows chose alone,
    not number groups or lower-case continuations."""
    whole = {v.strip() for v in values}
    pieces = [
        p.strip()
        for v in values
        for p in _THOUSANDS.sub("", v).split(",")
        if "," in v and p.strip()
    ]
    if not any("," in _THOUSANDS.sub("", v) for v in values):
        return False
    if any(p in whole for p in pieces):
        return True
    return not any(p[0].islower() or p[0].isdigit() for p in pieces)


def _non_answers(parsed: Parsed, code: str, column: pd.Series) -> pd.Series:
    """Negative recodes (``-1``, ``-99``) beside a scale of positive ones are the designer's
    "no basis for evaluation" / "prefer not to say" (Qualtrics' own ``-99``: seen, not
    answered): missing, not numbers below the scale."""
    values = used(column)
    negative = [v for v in values if re.fullmatch(r"-\d+", v.strip())]
    positive = [v for v in values if re.fullmatch(r"\d+", v.strip())]
    if not negative or len(positive) < 2 or len(negative) + len(positive) < len(values):
        return column
    parsed.details.setdefault("non_answers", {})[code] = sorted(negative, key=int, reverse=True)
    return blank(column, set(negative))


#: choice labels that are not a point of the scale beside them
_NON_ANSWER = re.compile(
    r"no basis|prefer not|rather not|don'?t know|do not know|not applicable|^n/?a$|"
    r"not sure|unsure|no opinion|cannot (?:say|judge)|can't (?:say|judge)|"
    r"不知道|不清楚|不适用|不愿|无法评价|无法判断|说不清",
    re.I,
)


def _non_answer_labels(parsed: Parsed, code: str, column: pd.Series) -> pd.Series:
    """In a text export, "No basis for evaluation" / "Prefer not to say" beside a rating
    scale (the other labels a known scale, or numbers) is a non-answer: missing."""
    values = used(column)
    odd = [v for v in values if _NON_ANSWER.search(v.strip())]
    rest = [v for v in values if v not in odd]
    if not odd or len(rest) < 2:
        return column
    numeric = all(re.fullmatch(r"-?\d+(?:\.\d+)?", v.strip()) for v in rest)
    if not numeric and likert_scale(rest) is None:
        return column
    parsed.details.setdefault("non_answers", {})[code] = odd
    return blank(column, set(odd))


def _rank_words(text: str) -> bool:
    return bool(re.search(r"rank|order|排序|排列|优先", text, re.I))


def _split_texts(cells: list[str]) -> tuple[str, list[str]]:
    """``Question - Row`` texts -> the question and each row's label."""
    parts = [c.rsplit(" - ", 1) if " - " in c else [c, c] for c in cells]
    stems = {p[0].strip() for p in parts}
    if len(stems) == 1:
        return stems.pop(), [p[1].strip() for p in parts]
    prefix = _common_prefix(cells)
    return prefix.rstrip(" -:：") or cells[0], [c[len(prefix) :].strip() or c for c in cells]


def _common_prefix(cells: list[str]) -> str:
    first, last = min(cells), max(cells)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]
