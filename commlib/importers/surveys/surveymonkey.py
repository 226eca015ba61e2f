"""SurveyMonkey exports (CSV or Excel), expanded or condensed.

Two header rows: ``Respondent ID, Collector ID, Start Date, End Date, IP Address, Email
Address, First Name, Last Name, Custom Data 1``, then the question texts, where a question
spanning several columns leaves the following cells empty; row 2 holds what each column is
(``Response``, ``Open-Ended Response``, an option, a matrix row, ``Other (please specify)``).
Expanded: a multi-select is one column per option, holding the option's text when chosen.
Condensed: one column per question, a multi-select's choices joined in one cell.

Codes are ``Q1, Q2, ...`` in question order (matrix rows ``Q3_1``...); the respondent is
``Respondent ID``; submitted at ``End Date`` (local time); duration end - start; the source
is the collector. Names and e-mail addresses are not stored.

Audience and cleaned exports start with ``RespondentID`` (``StartDate``...), with one or two
header rows; an export without any id column is recognised by its second row (``Response``
/ ``Open-Ended Response`` in any interface language, options under a heading that spans
columns), and its respondents are named by a hash of each row. Ids Excel rounded to
``1.14628E+11`` no longer tell respondents apart: rows are named by their content too. A
response with a start and no end date is a partial (``complete`` False). R's ``NA`` is empty.
"""

from __future__ import annotations

import re
from datetime import tzinfo

import pandas as pd

from ...i18n import t
from ._base import Parsed, meta, texts
from ._columns import blank
from ._groups import is_binary, is_rank, matrix_rows, multi_from_columns, rank_from_columns
from ._infer import infer, looks_joined, order_lists, split_lists, text_answers
from ._read import Table, read
from ._times import parse_times, seconds_between

NAME = "surveymonkey"
PLATFORM = "surveymonkey"
META = {
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "LastName",
    "FirstName",
}
#: the metadata headings by their letters alone (Audience and cleaned exports write
#: ``RespondentID``, ``StartDate``...) -> the expanded export's heading
_CANONICAL = (
    {"".join(m.lower().split()): m for m in META}
    | {
        "respondentid": "Respondent ID",
        "collectorid": "Collector ID",
        "startdate": "Start Date",
        "enddate": "End Date",
        "ipaddress": "IP Address",
        "emailaddress": "Email Address",
        "email": "Email Address",
    }
    | {
        "".join(name.split()): heading
        for heading, names in {
            "Respondent ID": (
                "id del encuestado",
                "id de répondant",
                "id du répondant",
                "befragten-id",
                "受访者 id",
                "受訪者 id",
                "回答者 id",
            ),
            "Collector ID": (
                "id del recopilador",
                "id du collecteur",
                "collector-id",
                "收集器 id",
                "收集器id",
            ),
            "Start Date": (
                "fecha de inicio",
                "date de début",
                "startdatum",
                "开始日期",
                "開始日期",
            ),
            "End Date": (
                "fecha de finalización",
                "date de fin",
                "enddatum",
                "结束日期",
                "結束日期",
            ),
            "IP Address": ("dirección ip", "adresse ip", "ip-adresse", "ip 地址"),
            "Email Address": (
                "dirección de correo electrónico",
                "adresse e-mail",
                "e-mail-adresse",
                "电子邮件地址",
                "電子郵件地址",
            ),
            "First Name": ("nombre", "prénom", "vorname", "名字"),
            "Last Name": ("apellido", "nom de famille", "nachname", "姓氏"),
        }.items()
        for name in names
    }
)
#: what row 2 says under a one-column question, in the interface languages SurveyMonkey has
RESPONSE_WORDS = {
    "response",
    "open-ended response",
    "respuesta",
    "respuesta abierta",
    "réponse",
    "réponse ouverte",
    "antwort",
    "offene antwort",
    "antwoord",
    "open antwoord",
    "risposta",
    "risposta aperta",
    "resposta",
    "resposta aberta",
    "回复",
    "开放式回复",
    "回覆",
    "開放式回覆",
    "回答",
}
_MANGLED = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.I)
_CUSTOM = re.compile(r"^Custom Data( \d+)?$|^Custom Variable", re.I)
_OTHER = re.compile(r"^(?:Other \(please specify\)|其他（请注明）|其他\(请注明\)|Other)$", re.I)
_RESPONSE = {"Response", "Open-Ended Response", "回复", "开放式回复", ""}
#: how a condensed export may join a multi-select's choices
SEPARATORS = ("\n", ";", " | ", ", ")


def label() -> str:
    return t("surveys.import.kind.surveymonkey")


def describe() -> str:
    return t("surveys.import.describe.surveymonkey")


def _canonical(cell: str) -> str:
    return _CANONICAL.get("".join(cell.lower().split()), cell)


def _second_row(table: Table) -> bool:
    """Row 2 is SurveyMonkey's second heading: ``Response`` / ``Open-Ended Response`` (or
    an option) under the questions, nothing (or ``NA``) under the metadata, and some
    question's heading spans more than one column (empty first-row cells after it)."""
    first, second = table.header, table.row(1)
    words = sum(c.strip().lower() in RESPONSE_WORDS for c in second)
    spans = any(not c and n and any(first[:n]) and second[n] for n, c in enumerate(first))
    return words >= 1 and (spans or words >= 2)


def sniff(table: Table) -> bool:
    header = [_canonical(c) for c in table.header]
    if len(header) < 2:
        return False
    if header[0] == "Respondent ID":
        return True
    if "Collector ID" in header and ("Start Date" in header or "End Date" in header):
        return True
    return _second_row(table)


def _header_rows(table: Table, id_column: int | None) -> int:
    if table.hints.header_rows:
        return table.hints.header_rows
    if id_column is None:
        return 2
    cell = table.row(1)[id_column] if len(table.rows) > 1 else ""
    return 2 if cell in ("", "NA") or _second_row(table) else 1


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    names = [_canonical(c) for c in table.header]
    id_column = names.index("Respondent ID") if "Respondent ID" in names else None
    count = _header_rows(table, id_column)
    header_rows, body = read(table, count)
    first = [_canonical(c) for c in header_rows[0]]
    second = header_rows[1] if count >= 2 else [""] * len(first)
    if count >= 2 and any(second[n] == "NA" for n, c in enumerate(first) if c in META):
        for n in body.columns:  # written by R: NA is an empty cell
            body[n] = blank(body[n], {"NA"})
    title = table.sheet if table.sheet and not table.sheet.lower().startswith("sheet") else ""
    parsed = Parsed(PLATFORM, title=title)
    parsed.details["header_rows"] = count
    where = {name: n for n, name in enumerate(first) if name in META}
    start = _times(body, where, "Start Date", zone, count + 1)
    end = _times(body, where, "End Date", zone, count + 1)
    respondent = texts(body[where["Respondent ID"]]) if "Respondent ID" in where else None
    if respondent is not None and _mangled(table, id_column, count):
        respondent = None  # 1.14628E+11: Excel rounded the ids, they no longer tell apart
        parsed.details["respondent_ids"] = "mangled"
    if respondent is None:
        hashes = pd.util.hash_pandas_object(body, index=False).to_numpy()
        respondent = pd.Series([f"sm-{h:016x}" for h in hashes.tolist()], dtype=object)
    complete = None
    if start is not None and end is not None:
        complete = ~(start.notna() & end.isna()).to_numpy()
    parsed.meta = meta(
        len(body),
        respondent,
        end,
        seconds_between(start, end) if start is not None and end is not None else None,
        texts(body[where["Collector ID"]]) if "Collector ID" in where else None,
        complete,
    )
    for number, (text, columns) in enumerate(_questions(first), start=1):
        labels = [second[i] for i in columns]
        _question(parsed, f"Q{number}", text, [body[i] for i in columns], labels)
    parsed.keep_rows(parsed.meta["respondent"].notna().to_numpy())
    return parsed


def _mangled(table: Table, column: int | None, header_rows: int) -> bool:
    """Ids written as ``1.14628E+11``: Excel rounded them, they no longer tell respondents
    apart (the file's own text shows it; the number read from it would not)."""
    if column is None:
        return False
    cells = [table.row(n)[column] for n in range(header_rows, len(table.rows))]
    return any(_MANGLED.match(c) for c in cells)


def _times(
    body: pd.DataFrame, where: dict[str, int], name: str, zone: tzinfo | None, first_row: int
) -> pd.Series | None:
    if name not in where:
        return None
    return parse_times(body[where[name]], zone, name, first_row=first_row)


def _questions(first: list[str]) -> list[tuple[str, list[int]]]:
    found: list[tuple[str, list[int]]] = []
    inside = False
    for index, cell in enumerate(first):
        if cell in META or _CUSTOM.match(cell):
            inside = False
            continue
        if cell:
            found.append((cell, [index]))
            inside = True
        elif inside:
            found[-1][1].append(index)
    return found


def _question(
    parsed: Parsed, code: str, text: str, columns: list[pd.Series], labels: list[str]
) -> None:
    other, other_label = None, ""
    if len(columns) > 1 and _OTHER.match(labels[-1]):
        other, other_label = columns[-1], labels[-1]
        columns, labels = columns[:-1], labels[:-1]
    if len(columns) == 1:
        _one(parsed, code, text, columns[0], labels[0])
    elif is_binary(columns, labels):
        parsed.add(code, text, "multi", labels, multi_from_columns(columns, labels), ordered=True)
    elif is_rank(columns):
        parsed.add(code, text, "rank", labels, rank_from_columns(columns, labels), ordered=True)
    else:
        guesses = matrix_rows(columns, labels)
        if all(g.type == "text" for g in guesses):
            for n, (guess, item) in enumerate(zip(guesses, labels, strict=True), start=1):
                parsed.guess(f"{code}_{n}", f"{text} - {item}", guess)
        else:
            parsed.add(code, text, "matrix")
            for n, (guess, item) in enumerate(zip(guesses, labels, strict=True), start=1):
                parsed.guess(f"{code}_{n}", item, guess, parent=code)
    if other is not None:
        answers = text_answers(other)
        parsed.add(f"{code}_other", f"{text} - {other_label}", "text", answers=answers)


def _one(parsed: Parsed, code: str, text: str, column: pd.Series, label_: str) -> None:
    if label_ not in _RESPONSE and label_.strip().lower() not in RESPONSE_WORDS:
        text = f"{text} - {label_}"
    for separator in SEPARATORS:
        if looks_joined(column, separator):
            options, lists = split_lists(column, separator)
            parsed.add(code, text, "multi", options, order_lists(lists, options))
            return
    parsed.guess(code, text, infer(column, text))
