"""Every kind of record to and from CSV files, one file per kind, round trip exact.

Files are UTF-8 with a BOM, so Excel opens Chinese text correctly. A text cell that
starts with ``= + - @``, a tab or a carriage return is written with a leading ``'``,
so a spreadsheet shows it as text instead of running it as a formula; reading removes
that ``'`` again. Lists and mappings are compact JSON; dates are ISO 8601.

An import reads and checks every file first, then writes everything in one
transaction: any invalid row refuses the whole import, naming file, row, field, value
and what is allowed.
"""

from __future__ import annotations

import csv
import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic

from ._validation import validate
from .errors import BadFile, InvalidRecord, Problem
from .i18n import label, t
from .models import KINDS, Change, Project, field_type, to_text
from .store import Store

_DANGER = ("=", "+", "-", "@", "\t", "\r")
#: the csv module's limit on one cell, raised so that a long cell (a response's answers) reads
#: back, and a too long one is refused by the model's rules with its row and field
MAX_CELL = 2**31 - 1
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(text: str) -> str:
    """Protect a cell against formula injection (``=cmd|...`` in Excel), reversibly."""
    if text.startswith("'"):
        return "'" + text if text.lstrip("'")[:1] in _DANGER else text
    if text[:1] in _DANGER and not _NUMBER.match(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo ``neutralise``."""
    if text.startswith("'") and text.lstrip("'")[:1] in _DANGER:
        return text[1:]
    return text


def columns(kind: str) -> list[str]:
    """The columns of a kind's CSV file, in order."""
    if kind == "history":
        return list(Change.model_fields)
    fields = KINDS[kind].fields()
    return [f for f in fields if not (kind == "projects" and f == "project_id")]


def file_name(kind: str) -> str:
    return f"{kind}.csv"


def export_csv(
    store: Store, folder: str | Path, project: str | int | Project | None = None
) -> dict[str, int]:
    """Write every kind (of one project, or all) to ``folder``; returns rows per kind."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for kind in [*KINDS, "history"]:
        if kind == "history":
            records: list[Any] = store.changes(project)
        elif kind == "projects" and project is not None:
            records = [store.project(project)]
        else:
            records = store.records(kind, project)
        rows = [r.model_dump() for r in records]
        cols = columns(kind)
        with (folder / file_name(kind)).open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(cols)
            for row in rows:
                writer.writerow([_cell(row.get(c)) for c in cols])
        written[kind] = len(rows)
    return written


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = to_text(value)
    return neutralise(text) if text else ""


def import_csv(store: Store, folder: str | Path) -> dict[str, int]:
    """Read a folder written by ``export_csv`` into the store; all rows, or none.

    Ids are kept, so the store must not hold records with the same ids (an empty store
    always works).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise BadFile(t("error.csv.no_folder", dir=folder))
    kinds = [k for k in [*KINDS, "history"] if (folder / file_name(k)).is_file()]
    if not kinds:
        names = ", ".join(file_name(k) for k in [*KINDS, "history"])
        raise BadFile(t("error.csv.no_files", dir=folder, files=names))

    parsed: dict[str, list[tuple[str, Any]]] = {}
    problems: list[Problem] = []
    for kind in kinds:
        records, found = _read_kind(folder / file_name(kind), kind)
        parsed[kind] = records
        problems += found
    if not problems:
        problems += _check_links(parsed, store)
    if problems:
        raise InvalidRecord(problems, t("error.csv.refused"))

    with store.transaction():
        for kind in KINDS:
            store.add_all([record for _where, record in parsed.get(kind, [])])
        store.add_history([change for _where, change in parsed.get("history", [])])
    return {kind: len(rows) for kind, rows in parsed.items()}


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, cells) for each row, the header being row 1."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
    reader = None
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            yield from enumerate(reader, start=1)
    except UnicodeDecodeError as err:
        raise BadFile(t("error.csv.not_utf8", file=path.name)) from err
    except csv.Error as err:
        line = reader.line_num if reader is not None else 0
        raise BadFile(t("importers.csv.unreadable", file=path.name, reason=err, line=line)) from err
    except OSError as err:
        reason = f"{path.name}: {err.strerror or err}"
        raise BadFile(t("importers.refused.unreadable", reason=reason)) from err


def _read_kind(path: Path, kind: str) -> tuple[list[tuple[str, Any]], list[Problem]]:
    model: type[pydantic.BaseModel] = Change if kind == "history" else KINDS[kind]
    expected = columns(kind)
    rows = _rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise BadFile(t("error.csv.empty", file=path.name)) from None
    # (a history exported before schema version 8 has no ``actor``: unknown, "")
    missing = [c for c in expected if c not in header and (kind, c) != ("history", "actor")]
    unknown = [c for c in header if c not in expected]
    if missing or unknown:
        key = "error.csv.missing_columns" if missing else "error.csv.unknown_columns"
        raise BadFile(
            t(
                key,
                file=path.name,
                columns=", ".join(missing or unknown),
                expected=", ".join(expected),
            )
        )
    records: list[tuple[str, Any]] = []
    problems: list[Problem] = []
    seen: dict[int, int] = {}
    for number, cells in rows:
        where = t("error.csv.where", file=path.name, row=number)
        if not any(cells):
            continue  # a blank line, as spreadsheets leave at the end
        if len(cells) != len(header):
            problems.append(
                Problem("-", len(cells), t("error.csv.ragged", n=len(cells), m=len(header)), where)
            )
            continue
        data, found = _parse_row(model, dict(zip(header, cells, strict=True)), where)
        problems += found
        if found:
            continue
        try:
            record = validate(model, data, where)
        except InvalidRecord as err:
            problems += err.problems
            continue
        if record.id is None:
            problems.append(Problem("id", "", t("error.csv.id_missing"), where))
        elif record.id in seen:
            problems.append(
                Problem(
                    "id",
                    record.id,
                    t("error.csv.duplicate_id", id=record.id, row=seen[record.id]),
                    where,
                )
            )
        else:
            seen[record.id] = number
            records.append((where, record))
    return records, problems


def _parse_row(
    model: type[pydantic.BaseModel], raw: dict[str, str], where: str
) -> tuple[dict[str, Any], list[Problem]]:
    data: dict[str, Any] = {}
    problems = []
    for field, cell in raw.items():
        text = restore(cell)
        info = model.model_fields[field]
        kind = field_type(model, field)
        if text == "":
            if not info.is_required() and info.default is None:
                data[field] = None
            elif kind is str:
                data[field] = ""
            continue  # the default, or "missing" for a required field
        if typing.get_origin(kind) in (list, dict):
            try:
                data[field] = json.loads(text)
            except json.JSONDecodeError as err:
                problems.append(
                    Problem(field, text, t("error.csv.bad_json", reason=err.msg), where)
                )
            except RecursionError:  # thousands of nested brackets
                problems.append(
                    Problem(field, text, t("error.csv.bad_json", reason="nested too deeply"), where)
                )
            continue
        data[field] = text
    return data, problems


def _check_links(parsed: dict[str, list[tuple[str, Any]]], store: Store) -> list[Problem]:
    """Every reference points at a record in the import, of the same project; no clashes."""
    problems = []
    owner: dict[str, dict[int, int]] = {
        kind: {r.id: (r.id if kind == "projects" else r.project_id) for _w, r in rows}
        for kind, rows in parsed.items()
    }
    stored_names = {p.name for p in store.projects()}
    for kind, rows in parsed.items():
        model = Change if kind == "history" else KINDS[kind]
        refs = {"project_id": "projects"} if kind != "projects" else {}
        refs |= getattr(model, "references", {})
        for where, record in rows:
            if kind == "projects" and record.name in stored_names:
                problems.append(
                    Problem(
                        "name", record.name, t("error.csv.project_exists", name=record.name), where
                    )
                )
            project = record.id if kind == "projects" else record.project_id
            for field, target in refs.items():
                value = getattr(record, field)
                for ref in value if isinstance(value, list) else [value]:
                    if ref is None:
                        continue
                    if ref not in owner.get(target, {}):
                        problems.append(
                            Problem(
                                field, ref, t("error.unknown_reference", kind=label(target)), where
                            )
                        )
                    elif owner[target][ref] != project:
                        problems.append(
                            Problem(field, ref, t("error.other_project", kind=label(target)), where)
                        )
    for kind, rows in parsed.items():
        if kind == "history" or not rows:
            continue
        clash = store.existing_ids(kind, [r.id for _w, r in rows])
        problems += [
            Problem("id", i, t("error.csv.already_stored", kind=label(kind), id=i), file_name(kind))
            for i in clash[:5]
        ]
    return problems


__all__ = [
    "MAX_CELL",
    "columns",
    "export_csv",
    "file_name",
    "import_csv",
    "neutralise",
    "restore",
]
