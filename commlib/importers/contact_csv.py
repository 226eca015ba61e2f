"""A contact log kept in a spreadsheet, saved as CSV, into the contact log.

Columns (exact names, any order): ``when, stakeholder, channel, direction, subject,
summary, visibility``. ``stakeholder`` is a name or an e-mail address, several separated
by ``;``. ``channel``, ``direction`` and ``visibility`` are the model's codes (an empty
cell takes the model's default). ``when`` is ISO 8601 or as Excel writes it
(``2026/3/5 14:30``, ``2026-03-05 14:30``); times without a zone are in this machine's
local zone. Files are UTF-8 (with or without BOM) or GBK/GB18030, as Excel saves them
in China, or UTF-16 with a BOM.

Any invalid row refuses the whole file, naming file, row, field, value and what is
allowed. ``source`` is ``csv``; ``source_id`` is a hash of the row's content (moment,
stakeholders, channel, direction, subject, summary — not the visibility), so importing
the file again adds nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._validation import validate
from ..csvio import restore
from ..errors import BadFile, InvalidRecord, Problem
from ..i18n import t
from ..models import Contact, Project, Stakeholder
from ..store import Store
from ..text import bom_encoding, decode
from ._contacts import save, stable_id
from ._report import ImportReport
from .registry import Importer

SOURCE = "csv"
COLUMNS = ("when", "stakeholder", "channel", "direction", "subject", "summary", "visibility")
_FORMATS = (
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日",
)
_CODES = ("channel", "direction", "visibility")
#: the csv module's limit on one cell, raised so that a long cell is refused by the model's
#: rules, with its row and field, rather than by the reader
MAX_CELL = 2**31 - 1


def sniff(path: Path, head: bytes) -> bool:
    """A CSV header row with at least the ``when`` and ``stakeholder`` columns."""
    if bom_encoding(head) == "utf-16":
        text = head[: len(head) // 2 * 2].decode("utf-16", "replace")
    else:
        text = head.lstrip(codecs.BOM_UTF8).decode("ascii", "replace")
    first = text.split("\n", 1)[0]
    try:
        cells = {c.strip() for c in next(csv.reader([first]))}
    except (csv.Error, StopIteration):
        return False
    return {"when", "stakeholder"} <= cells


def run(store: Store, project: Project, path: Path, **_options: Any) -> ImportReport:
    rows = _rows(path)
    header = _header(path, rows[0][1] if rows else [])
    people = Stakeholders(store.records("stakeholders", project))  # type: ignore[arg-type]
    contacts, problems = [], []
    for number, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue  # a blank line, as spreadsheets leave at the end
        where = t("error.csv.where", file=path.name, row=number)
        if len(cells) != len(header):
            message = t("error.csv.ragged", n=len(cells), m=len(header))
            problems.append(Problem("-", len(cells), message, where))
            continue
        contact, found = _contact(dict(zip(header, cells, strict=True)), where, project, people)
        problems += found
        if contact is not None:
            contacts.append(contact)
    if problems:
        raise InvalidRecord(problems, t("importers.csv.refused"))
    report = ImportReport(str(path), "contact_csv")
    save(store, project, report, contacts)
    return report


# --- reading --------------------------------------------------------------------------------


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, cells) for each row, the header being row 1."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BadFile(t("importers.refused.unreadable", reason=err.strerror or err)) from err
    text = _text(data, path)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))  # long cells: the model says
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(enumerate(reader, start=1))
    except csv.Error as err:
        line = reader.line_num
        raise BadFile(t("importers.csv.unreadable", file=path.name, reason=err, line=line)) from err


def _text(data: bytes, path: Path) -> str:
    utf16 = bom_encoding(data) == "utf-16"
    found = decode(data, ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"))
    if found is None:
        raise BadFile(t("importers.csv.encoding", file=path.name))
    return found[0]


def _header(path: Path, cells: list[str]) -> list[str]:
    header = [c.strip() for c in cells]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    twice = sorted({c for c in header if header.count(c) > 1})
    if missing or unknown or twice:
        raise BadFile(
            t(
                "importers.csv.columns",
                file=path.name,
                missing=", ".join(missing) or "-",
                unknown=", ".join(unknown + twice) or "-",
                expected=", ".join(COLUMNS),
            )
        )
    return header


# --- one row --------------------------------------------------------------------------------


def _contact(
    raw: dict[str, str], where: str, project: Project, people: Stakeholders
) -> tuple[Contact | None, list[Problem]]:
    row = {name: restore(value) for name, value in raw.items()}
    problems: list[Problem] = []
    when = parse_when(row["when"])
    if when is None:
        allowed = t("importers.csv.when_formats")
        problems.append(Problem("when", row["when"], allowed, where))
    ids, found = people.resolve(row["stakeholder"], where)
    problems += found
    if problems:
        return None, problems
    data: dict[str, Any] = {
        "project_id": project.id,
        "when": when,
        "stakeholder_ids": ids,
        "subject": row["subject"],
        "summary": row["summary"],
        "source": SOURCE,
    }
    data |= {f: row[f].strip().lower() for f in _CODES if row[f].strip()}
    try:
        contact = validate(Contact, data, where)
    except InvalidRecord as err:
        return None, err.problems
    return contact.model_copy(update={"source_id": _row_id(contact)}), []


def parse_when(text: str) -> datetime | None:
    """A moment in UTC from ISO 8601 or Excel's formats; naive times are local time."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = next(filter(None, (_strptime(text, f) for f in _FORMATS)), None)
    if moment is None:
        return None
    try:
        if moment.tzinfo is None:
            moment = moment.astimezone()  # this machine's local zone
        return moment.astimezone(UTC)
    except (OverflowError, ValueError, OSError):  # e.g. 0001-01-01 00:00 east of UTC
        return None


def _strptime(text: str, form: str) -> datetime | None:
    try:
        return datetime.strptime(text, form)
    except ValueError:
        return None


def _row_id(contact: Contact) -> str:
    content = [
        contact.when.isoformat(),
        sorted(contact.stakeholder_ids),
        contact.channel,
        contact.direction,
        contact.subject,
        contact.summary,
    ]
    return "row:" + stable_id(json.dumps(content, ensure_ascii=False))


class Stakeholders:
    """A project's stakeholders by e-mail (any case) and by name (any case)."""

    def __init__(self, stakeholders: list[Stakeholder]) -> None:
        self._by_email: dict[str, int] = {}
        self._by_name: dict[str, list[int]] = {}
        for person in stakeholders:
            if person.id is None:
                continue
            if person.email:
                self._by_email.setdefault(person.email.lower(), person.id)
            self._by_name.setdefault(person.name.casefold(), []).append(person.id)
        self._names = sorted(p.name for p in stakeholders)

    def resolve(self, cell: str, where: str) -> tuple[list[int], list[Problem]]:
        """The ids named in a cell (``张伟; li.na@huachen.cn``), or the problems."""
        ids: list[int] = []
        problems = []
        names = [n.strip() for n in re.split(r"[;；]", cell) if n.strip()]
        if not names:
            problems.append(Problem("stakeholder", cell, t("importers.csv.no_stakeholder"), where))
        for name in names:
            found, message = self._one(name)
            if message:
                problems.append(Problem("stakeholder", name, message, where))
            elif found not in ids:
                ids.append(found)
        return ids, problems

    def _one(self, name: str) -> tuple[int, str]:
        if "@" in name:
            found = self._by_email.get(name.lower())
            if found is None:
                return 0, t("importers.csv.unknown_email")
            return found, ""
        matches = self._by_name.get(name.casefold(), [])
        if len(matches) > 1:
            return 0, t("importers.csv.ambiguous", n=len(matches))
        if not matches:
            known = ", ".join(self._names[:15]) or t("word.none")
            return 0, t("importers.csv.unknown_stakeholder", known=known)
        return matches[0], ""


IMPORTER = Importer(
    name="contact_csv",
    sniff=sniff,
    run=run,
    label=lambda: t("importers.kind.contact_csv"),
    describe=lambda: t("importers.describe.contact_csv", columns=", ".join(COLUMNS)),
)
