"""LimeSurvey CSV exports, with question codes or full question texts as headings.

Metadata columns ``id, submitdate, lastpage, startlanguage, seed`` (full headings: ``Response
ID, Date submitted, Last page, Start language, Seed``), maybe ``startdate, datestamp,
ipaddr, refurl, token, interviewtime`` and timing columns. Sub-questions are ``Q1[SQ001]``
(full headings: ``Question text [Option]``): a multiple choice holds ``Y`` (``Yes``) or
nothing per option; an array holds an answer per row; a ranking ``Q5[1], Q5[2]...`` holds
the option ranked 1st, 2nd...; ``[other]`` and ``[comment]`` hold free text. Answers are
codes (``A1``) or full answers, as chosen at export.

Codes are the LimeSurvey codes (``Q1``, array rows ``Q2[SQ001]``); with full-text headings
``Q1, Q2...`` in order (rows ``Q2_1``...). The respondent is ``id``; submitted at
``submitdate`` (local time; empty for incomplete responses); the duration ``interviewtime``
when timings were exported, else ``datestamp`` - ``startdate``.

The full headings come in the exporter's interface language (``Respons ID, Datum verstuurd,
Laatste pagina, Begin taal``): known translations are listed, and any other language is
recognised by the shape of the first four columns — an id, a submit date, the last page, a
start language code — with seed and dates after them. An R export may start with a
row-number column (an empty heading over 1, 2, 3...) and write ``NA`` for empty cells. A
response without a submit date is incomplete (``complete`` False).
"""

from __future__ import annotations

import re
from datetime import tzinfo

import numpy as np
import pandas as pd

from ...errors import BadFile
from ...i18n import t
from ._base import Parsed, meta, texts
from ._columns import blank, map_categories
from ._groups import answered, is_binary, matrix_rows, multi_from_columns, used
from ._infer import infer, text_answers
from ._read import PEEK_ROWS, Table, read
from ._times import durations, parse_times, seconds_between

NAME = "limesurvey"
PLATFORM = "limesurvey"
#: metadata: code heading -> full heading
META = {
    "id": "Response ID",
    "submitdate": "Date submitted",
    "lastpage": "Last page",
    "startlanguage": "Start language",
    "seed": "Seed",
    "startdate": "Date started",
    "datestamp": "Date last action",
    "ipaddr": "IP address",
    "refurl": "Referrer URL",
    "token": "Token",
    "interviewtime": "Total time",
}
#: the full headings in other interface languages (LimeSurvey writes the exporter's language)
LOCALISED = {
    "id": (
        "respons id",
        "antwoord id",
        "antwort id",
        "antwort-id",
        "id de la réponse",
        "id de réponse",
        "id de respuesta",
        "id da resposta",
        "id risposta",
        "回复 id",
        "回复id",
        "答复 id",
        "答复id",
        "应答 id",
        "响应 id",
        "回應 id",
        "回覆 id",
        "回答id",
    ),
    "submitdate": (
        "datum verstuurd",
        "datum abgeschickt",
        "abgeschickt am",
        "date de soumission",
        "date d'envoi",
        "fecha de envío",
        "fecha de envio",
        "data de envio",
        "data invio",
        "提交日期",
        "提交时间",
        "提交時間",
        "送信日",
        "送信日時",
    ),
    "lastpage": (
        "laatste pagina",
        "letzte seite",
        "dernière page",
        "última página",
        "ultima pagina",
        "最后页面",
        "最后一页",
        "最後頁面",
        "最終ページ",
    ),
    "startlanguage": (
        "begin taal",
        "starttaal",
        "start-sprache",
        "startsprache",
        "langue de départ",
        "lenguaje inicial",
        "idioma inicial",
        "idioma de inicio",
        "lingua iniziale",
        "起始语言",
        "开始语言",
        "起始語言",
        "開始言語",
    ),
    "seed": ("zufallsstartwert", "graine", "semilla", "semente", "种子", "種子"),
    "startdate": (
        "startdatum",
        "datum gestartet",
        "date de début",
        "fecha de inicio",
        "data de início",
        "data di inizio",
        "开始日期",
        "開始日期",
        "開始日",
    ),
    "datestamp": (
        "datum laatste actie",
        "datum letzte aktivität",
        "date de la dernière action",
        "fecha de la última acción",
        "data da última ação",
        "上次操作日期",
        "最后操作日期",
        "最後動作日期",
    ),
    "ipaddr": ("ip-adres", "ip-adresse", "adresse ip", "dirección ip", "endereço ip", "ip地址"),
    "refurl": (
        "verwijzer-url",
        "verwijzende url",
        "referrer-url",
        "url de provenance",
        "url de referencia",
        "来源网址",
        "推荐人网址",
        "参考网址",
    ),
    "token": ("toegangscode", "zugangsschlüssel", "code d'accès", "clave", "令牌", "访问代码"),
    "interviewtime": ("totale tijd", "gesamtzeit", "temps total", "tiempo total", "总时间"),
}
_FULL = {v.lower(): k for k, v in META.items()} | {
    name: key for key, names in LOCALISED.items() for name in names
}
#: the four columns every LimeSurvey response export starts with, in this order
_FIRST = ("id", "submitdate", "lastpage", "startlanguage")
_TIMING = re.compile(
    r"Time$|^Group time:|^Question time:|tijd$|zeit$|^temps|^tiempo|时间$|用时$", re.I
)
_SUB = re.compile(r"^(.*?)\s*\[(.+)\]\s*$", re.S)
_RANKING = re.compile(r"^(?:Ranking\s*)?(\d+)$", re.I)
_OTHER = {"other", "其他"}
_COMMENT = {"comment", "评论"}
#: headings R gives its row-number column
_ROW_NUMBERS = {"", "x", "...1", "unnamed: 0", "row", "rownames", "row.names"}
_INTEGER = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,12})*$")
_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$|^[0-9a-f:]{6,}$", re.I)
#: what R writes for an empty cell
NA = "NA"


def label() -> str:
    return t("surveys.import.kind.limesurvey")


def describe() -> str:
    return t("surveys.import.describe.limesurvey")


def _meta_key(cell: str) -> str | None:
    if cell in META:
        return cell
    return _FULL.get(" ".join(cell.split()).lower())


def _empty(value: str) -> bool:
    return value in ("", NA)


def _fits(key: str, values: list[str]) -> bool:
    """The sample's values could be this metadata column's."""
    filled = [v for v in values if not _empty(v)]
    if key == "id":
        return len(filled) == len(values) and all(_INTEGER.match(v) for v in filled)
    if key in ("submitdate", "startdate", "datestamp"):
        return all(_DATE.match(v) for v in filled)
    if key == "lastpage":
        return all(_INTEGER.match(v) for v in filled)
    if key == "startlanguage":
        return bool(filled) and all(_LANGUAGE.match(v) for v in filled)
    if key == "seed":
        return bool(filled) and all(_INTEGER.match(v) and len(v) >= 4 for v in filled)
    if key == "ipaddr":
        return bool(filled) and all(_IP.match(v) for v in filled)
    return False


def _row_numbers(heading: str, values: list[str]) -> bool:
    """R's row-number column: an unnamed first heading over 1, 2, 3..."""
    if heading.strip().lower() not in _ROW_NUMBERS or not values:
        return False
    return all(v == str(n) for n, v in enumerate(values, start=1))


def _roles(header: list[str], sample: list[list[str]]) -> dict[str, int] | None:
    """Which column holds which metadata (``id``, ``submitdate``...; ``rownumber`` for R's
    row numbers), or None when this is not a LimeSurvey response export.

    By the headings (codes, or full headings in any known interface language), else by
    the shape of the first columns: an id, a submit date, the last page, a start language
    (``en``, ``nl-informal``) — whatever the interface language called them."""

    def column(n: int) -> list[str]:
        return [r[n].strip() if n < len(r) else "" for r in sample]

    offset = 1 if header and _row_numbers(header[0], column(0)) else 0
    if not sample and header and header[0].strip() == "" and len(header) > 1:
        offset = 1
    named: dict[str, int] = {}
    for n, cell in enumerate(header):
        key = _meta_key(cell)
        if key and key not in named:
            named[key] = n
    roles: dict[str, int]
    if set(_FIRST) <= set(named):
        roles = named
    else:
        if len(header) < offset + 4 or not sample:
            return None
        if not all(_fits(key, column(offset + n)) for n, key in enumerate(_FIRST)):
            return None
        if "id" not in header[offset].lower():
            return None
        roles = {key: offset + n for n, key in enumerate(_FIRST)}
        n = offset + 4
        for key in ("seed", "startdate", "datestamp", "ipaddr"):
            if n < len(header) and (_meta_key(header[n]) == key or _fits(key, column(n))):
                roles[key] = n
                n += 1
        for m in range(n, len(header)):
            key = _meta_key(header[m])
            if key and key not in roles:
                roles[key] = m
    if offset:
        roles["rownumber"] = 0
    return roles


def sniff(table: Table) -> bool:
    sample = table.rows[1 : PEEK_ROWS + 1]
    return _roles(table.header, sample) is not None


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    header_rows, body = read(table, table.hints.header_rows or 1)
    header = header_rows[0]
    sample = [[str(v) if isinstance(v, str) else "" for v in row] for row in _head(body)]
    where = _roles(header, sample) or {}
    if not set(_FIRST) <= set(where):
        raise BadFile(t("surveys.import.wrong_layout", expected=describe()))
    full = header[where["id"]] != "id"
    r_export = "rownumber" in where or any(
        NA in used(body[i]) for k, i in where.items() if k != "rownumber"
    )
    for n in body.columns:  # answers differ by trailing spaces ("Yes ", "Yes")
        body[n] = texts(body[n])
        if r_export:
            body[n] = blank(body[n], {NA})
    timings = "interviewtime" in where

    def moment(key: str) -> pd.Series | None:
        if key not in where:
            return None
        return parse_times(body[where[key]], zone, header[where[key]])

    start, last = moment("startdate"), moment("datestamp")
    if timings:
        duration = durations(body[where["interviewtime"]])
    elif start is not None and last is not None:
        duration = seconds_between(start, last)
    else:
        duration = None
    submitted = moment("submitdate")
    parsed = Parsed(PLATFORM)
    parsed.details["header_rows"] = table.hints.header_rows or 1
    parsed.meta = meta(
        len(body),
        texts(body[where["id"]]),
        submitted,
        duration,
        complete=submitted.notna().to_numpy() if submitted is not None else None,
    )
    taken = set(where.values())
    columns = [
        (n, cell)
        for n, cell in enumerate(header)
        if cell
        and n not in taken
        and not (timings and n > where["interviewtime"] and _TIMING.search(cell))
    ]
    number = 0
    n = 0
    while n < len(columns):
        index, cell = columns[n]
        number += 1
        sub = _sub(cell, full)
        if not sub:
            code = f"Q{number}" if full else cell
            parsed.guess(code, cell, infer(body[index], cell))
            n += 1
            continue
        group = [(index, sub[1])]
        while n + len(group) < len(columns):
            nxt = _sub(columns[n + len(group)][1], full)
            if not nxt or nxt[0] != sub[0]:
                break
            group.append((columns[n + len(group)][0], nxt[1]))
        base = f"Q{number}" if full else sub[0]
        _group(parsed, body, base, sub[0], group, full)
        n += len(group)
    parsed.keep_rows(parsed.meta["respondent"].notna().to_numpy())
    return parsed


#: a sub-question's code heading as R writes it: ``Q2_SQ001`` or ``Q2.SQ001.``
_R_SUB = re.compile(r"^([A-Za-z][A-Za-z0-9]*?)[_.]((?:SQ)\d+|other|comment)\.?$", re.I)


def _sub(cell: str, full: bool) -> tuple[str, str] | None:
    """(question, sub-question) of a heading ``Q2[SQ001]`` (codes as R writes them too)."""
    found = _SUB.match(cell) or (None if full else _R_SUB.match(cell))
    return (found.group(1), found.group(2).strip()) if found else None


def _head(body: pd.DataFrame) -> list[list[object]]:
    """The body's first rows as lists of cells (for recognising the columns)."""
    top = body.head(PEEK_ROWS)
    return [list(row) for row in top.astype(object).itertuples(index=False, name=None)]


def _group(
    parsed: Parsed,
    body: pd.DataFrame,
    base: str,
    text: str,
    group: list[tuple[int, str]],
    full: bool,
) -> None:
    extras = [(i, s) for i, s in group if s.lower() in _OTHER | _COMMENT]
    items = [(i, s) for i, s in group if s.lower() not in _OTHER | _COMMENT]
    columns = [_yes_as_y(body[i]) for i, _ in items]
    labels = [s for _, s in items]
    if items and all(_RANKING.match(s) for s in labels) and _distinct_rows(columns):
        parsed.add(base, text, "rank", _ranked_options(columns), _ranking(columns), ordered=True)
    elif items and is_binary(columns):
        parsed.add(base, text, "multi", labels, multi_from_columns(columns, labels), ordered=True)
    elif items:
        parsed.add(base, text, "matrix")
        for n, ((_i, sub), guess) in enumerate(
            zip(items, matrix_rows(columns, labels), strict=True), start=1
        ):
            code = f"{base}_{n}" if full else f"{base}[{sub}]"
            parsed.guess(code, sub, guess, parent=base)
    for index, sub in extras:
        kind = "other" if sub.lower() in _OTHER else "comment"
        code = f"{base}_{kind}" if full else f"{base}[{sub}]"
        parsed.add(code, f"{text} [{sub}]", "text", answers=text_answers(body[index]))


#: "yes" in the interface languages a full-answer export writes for a ticked option
_YES = {"ja", "oui", "sí", "si", "sim", "sì", "tak", "да", "是", "はい", "evet"}


def _yes_as_y(column: pd.Series) -> pd.Series:
    """A multiple-choice option's ``Ja`` / ``Oui``... as ``Y`` (when the column holds only
    such a word), so the option columns read as ticks in any language."""
    values = {v.strip().lower() for v in used(column)}
    if values and values <= _YES:
        return map_categories(column, lambda v: "Y" if v.strip().lower() in _YES else v)
    return column


def _distinct_rows(columns: list[pd.Series]) -> bool:
    frame = pd.DataFrame({n: c.astype(object) for n, c in enumerate(columns)})
    for row in frame.drop_duplicates().itertuples(index=False):
        found = [v for v in row if isinstance(v, str)]
        if len(found) != len(set(found)):
            return False
    return any(len(used(c)) for c in columns)


def _ranked_options(columns: list[pd.Series]) -> list[str]:
    options: list[str] = []
    for column in columns:
        options += [v for v in used(column) if v not in options]
    return options


def _ranking(columns: list[pd.Series]) -> pd.Series:
    frame = pd.DataFrame({n: c.astype(object) for n, c in enumerate(columns)})
    keys, uniques = pd.factorize(pd.Series(list(frame.itertuples(index=False, name=None))))
    table = np.empty(len(uniques) + 1, dtype=object)
    for k, row in enumerate(uniques):
        table[k] = [v.strip() for v in row if isinstance(v, str) and v.strip()]
    table[-1] = np.nan
    keys = np.where(answered(columns), keys, len(uniques))
    return pd.Series(table[keys], dtype=object, copy=False)
