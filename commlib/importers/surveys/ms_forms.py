"""Microsoft Forms responses (the Excel download, or that sheet saved as CSV).

The first columns are ``Id, Start time, Completion time, Email, Name`` (maybe ``Last
modified time``), in the form owner's interface language (``ID, 开始时间, 完成时间, 电子邮件,
名称``; ``ID, Startzeit, Fertigstellungszeit, E-Mail, Name``...), then one column per question
headed by its text; a multi-select is one cell with the choices joined by ``;`` (and a
trailing ``;``); a quiz adds ``Total points``, ``Quiz feedback`` and ``Points - …`` /
``Feedback - …`` columns. Recognised by the headings, else by the shape of the first five
columns: a row number, two moments, an address (or ``anonymous``), a name.

Codes are ``Q1, Q2, ...`` in order; the respondent is ``Id``; submitted at ``Completion
time`` (local time); the duration completion - start. E-mail addresses, names and quiz
scores are not stored.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from ...i18n import t
from . import _layout
from ._base import Parsed, meta, texts
from ._read import Table, read
from ._times import seconds_between

NAME = "ms_forms"
PLATFORM = "ms_forms"
IDS = ("id",)
STARTS = (
    "start time", "开始时间", "開始時間", "startzeit", "heure de début", "hora de inicio",
    "ora di inizio", "hora de início", "開始時刻", "begintijd", "czas rozpoczęcia",
)  # fmt: skip
FINISHES = (
    "completion time", "完成时间", "完成時間", "fertigstellungszeit", "heure de fin",
    "hora de finalización", "ora di completamento", "hora de conclusão", "完了時刻",
    "tijdstip van voltooien", "czas ukończenia",
)  # fmt: skip
EMAILS = (
    "email", "e-mail", "电子邮件", "電子郵件", "adresse de messagerie", "correo electrónico",
    "posta elettronica", "メール", "e-mailadres", "adres e-mail",
)  # fmt: skip
NAMES = ("name", "名称", "名稱", "nom", "nombre", "nome", "名前", "naam", "nazwa")
MODIFIED = ("last modified time", "上次修改时间", "上次修改時間", "letzte änderung")
#: quiz columns: scores and feedback, not answers
QUIZ = re.compile(
    r"^(?:total points|quiz feedback|总分|总积分|测验反馈|points|feedback|分数|积分|反馈)"
    r"(?:\s*-\s*.*)?$",
    re.I | re.S,
)
_MOMENT = re.compile(r"\d{1,4}[/.\-年]\d{1,2}[/.\-月]\d{1,4}.*\d{1,2}:\d{2}")
SEPARATOR = ";"


def label() -> str:
    return t("surveys.layouts.kind.ms_forms")


def describe() -> str:
    return t("surveys.layouts.describe.ms_forms")


def _by_shape(table: Table) -> bool:
    """Id, two moments, an address or ``anonymous``, a name: Microsoft Forms' first five
    columns whatever language named them."""
    sample = [table.row(n) for n in range(1, min(len(table.rows), 13))]
    if not sample or len(table.header) < 6:
        return False
    for row in sample:
        if not row[0].isdigit() or not (_MOMENT.search(row[1]) and _MOMENT.search(row[2])):
            return False
        if row[3] and "@" not in row[3] and row[3].lower() not in ("anonymous", "匿名"):
            return False
    return True


def sniff(table: Table) -> bool:
    keys = [_layout.key(c) for c in table.header]
    if len(keys) < 4 or keys[0] not in IDS:
        return False
    named = keys[1] in STARTS and keys[2] in FINISHES
    return (named and (keys[3] in EMAILS or keys[4:5] == ["name"])) or _by_shape(table)


def parse(table: Table, zone: tzinfo | None = None) -> Parsed:
    rows = _layout.header_rows(table)
    header_rows, body = read(table, rows)
    header = header_rows[0]
    _layout.trimmed(body)
    taken = {0, 1, 2}
    for names in (EMAILS, NAMES, MODIFIED):
        _layout.find(header[:7], names, taken)
    if len(header) > 4 and 3 not in taken and 4 not in taken and _layout.key(header[3]):
        taken |= {3, 4}  # e-mail and name under headings of a language not listed
    taken |= {n for n, c in enumerate(header) if QUIZ.match(c.strip())}
    start = _layout.moments(body, header, 1, zone, rows + 1)
    finish = _layout.moments(body, header, 2, zone, rows + 1)
    parsed = Parsed(PLATFORM)
    parsed.details["header_rows"] = rows
    parsed.meta = meta(len(body), texts(body[0]), finish, seconds_between(start, finish))
    columns = [n for n in range(len(header)) if n not in taken]
    _layout.questions(parsed, body, header, columns, (SEPARATOR,))
    parsed.keep_rows(parsed.meta["respondent"].notna().to_numpy())
    return parsed
