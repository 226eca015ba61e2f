"""Reading survey exports: CSV/TSV in any text encoding, old ``.xls`` and ``.xlsx``.

Every file becomes a ``Table``: its first rows as text (for recognising the layout) and, once
read in full, a body where each column is a pandas ``Categorical`` of the cells' text (empty
cells are missing; see ``_columns``). Categoricals keep a million rows of repeated answers
small, and let every conversion work on the distinct values only, not on each row.

Encodings (``commlib.text.detect_encoding``): UTF-8 with or without BOM, UTF-16 (with BOM, or
without when the NULs show it); else a guess: GB18030 (a superset of GBK, as Excel and
Wenjuanxing save Chinese text), Shift-JIS, Windows-1252, Mac Roman, Latin-1, else
charset-normalizer's finding. ``Table.encoding`` names the one used; a guess is said in the
import's warnings (``--encoding NAME`` overrides it).

Missing values: blank and whitespace-only cells, ``NA``, ``N/A``, ``#N/A``, ``-`` are missing
in the body as it is read (``missing_marks_blank``); platform codes (Wenjuanxing's ``-2``/``-3``,
``(跳过)``) are blanked by their readers and by ``_infer``. Times and durations are read by
``_times``.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from ...errors import BadFile, UnreadableTable
from ...frames import missing
from ...i18n import t
from ...surveys._values import MISSING_UPPER
from ...text import (
    CONTROL,
    byte_lengths,
    decode_head,
    detect_encoding,
    encoding_guessed,
    encoding_name,
    has_control_byte,
    is_ascii,
    padded,
    utf8_bytes,
)
from ._columns import as_category, counts, map_categories
from ._times import DATE_ORDER

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: rows kept for recognising a layout
PEEK_ROWS = 12


@dataclass(frozen=True)
class Hints:
    """What the user says of a file that its content cannot tell (``commlib import`` options).

    ``platform``: a platform's ``NAME`` (``qualtrics``...); ``header_rows``: how many rows the
    heading takes; ``date_order``: ``mdy``, ``dmy`` or ``ymd`` for dates such as ``3/4/24``;
    ``encoding``: a Python codec name. None: found from the file.
    """

    platform: str | None = None
    header_rows: int | None = None
    date_order: str | None = None
    encoding: str | None = None


@dataclass
class Table:
    """A tabular file: its kind, how to read it, and its first rows as text."""

    path: Path
    kind: str  # csv | xls | xlsx
    rows: list[list[str]]
    encoding: str = ""
    delimiter: str = ","
    sheet: str = ""
    complete: bool = False  # the rows are the whole file
    extra: dict[str, Any] = field(default_factory=dict)
    hints: Hints = field(default_factory=Hints)

    @property
    def header(self) -> list[str]:
        return [c.strip() for c in self.rows[0]] if self.rows else []

    def row(self, n: int) -> list[str]:
        cells = self.rows[n] if n < len(self.rows) else []
        width = len(self.header)
        return [c.strip() for c in cells] + [""] * (width - len(cells))


# --- recognising --------------------------------------------------------------------------


def peek(path: Path, head: bytes, hints: Hints | None = None) -> Table | None:
    """The file as a table (first rows only), or None when it is not one."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _peek(path, stat.st_mtime_ns, stat.st_size, head, hints or Hints())


@lru_cache(maxsize=32)
def _peek(path: Path, _mtime: int, size: int, head: bytes, hints: Hints) -> Table | None:
    if head.startswith(XLSX_MAGIC) or head.startswith(XLS_MAGIC):
        try:
            name, rows = excel_rows(path, PEEK_ROWS)
        except (BadFile, OSError):
            return None
        kind = "xlsx" if head.startswith(XLSX_MAGIC) else "xls"
        return Table(path, kind, _texts(rows), sheet=name, hints=hints) if rows else None
    encoding = hints.encoding or detect_encoding(head)
    if encoding is None:
        return None
    text = decode_head(head, encoding)
    if text is None:
        return None
    complete = size <= len(head)
    lines = text.splitlines(keepends=True)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    first = lines[0] if lines else ""
    delimiter = _delimiter(first)
    if delimiter is None:
        return None
    try:
        rows = list(csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter))
    except csv.Error:
        return None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows or len(rows[0]) < 2:
        return None
    found = Table(
        path, "csv", rows[: PEEK_ROWS * 20], encoding, delimiter, complete=complete, hints=hints
    )
    if not hints.encoding and encoding_guessed(encoding):
        found.extra["encoding_guessed"] = encoding_name(encoding)
    return found


def _delimiter(first: str) -> str | None:
    counts = {d: first.count(d) for d in ("\t", ",", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


# --- reading ------------------------------------------------------------------------------

#: what the last ``read`` has to tell the report (an encoding it guessed); ``Parsed`` takes
#: it when a platform's reader makes one (``take_warnings``)
_PENDING: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "commlib_survey_read_warnings", default=()
)


def take_warnings() -> list[str]:
    """The warnings of the table read last (each given once)."""
    found = _PENDING.get()
    _PENDING.set(())
    return list(found)


def read(table: Table, header_rows: int) -> tuple[list[list[str]], pd.DataFrame]:
    """The header rows (text, padded to the width) and the body: one Categorical per column,
    its control characters made spaces and the texts that mean no answer made missing."""
    try:
        if table.kind == "csv":
            header, body = _read_csv(table, header_rows)
        else:
            header, body = _split(_read_excel(table), header_rows)
        # both cores: Arrow finds one column's distinct values while Python sets up another
        with ThreadPoolExecutor(max_workers=2) as pool:
            cleaned = list(pool.map(_cleaned, [body[c] for c in body.columns]))
    except UnicodeError as err:  # before ValueError, of which it is a kind
        raise BadFile(t("surveys.import.encoding")) from err
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as err:
        raise BadFile(t("surveys.import.unreadable", reason=_first_line(err))) from err
    except (OverflowError, MemoryError) as err:
        raise BadFile(t("surveys.import.unreadable", reason=_first_line(err))) from err
    columns = {c: column for c, (column, _found) in zip(body.columns, cleaned, strict=True)}
    body = pd.DataFrame(columns, index=body.index, copy=False)
    table.extra["control_cells"] = sum(found for _column, found in cleaned)
    header = [[CONTROL.sub(" ", c).strip() for c in row] for row in header]
    DATE_ORDER.set(table.hints.date_order)
    guessed = table.extra.get("encoding_guessed")
    _PENDING.set((t("surveys.values.encoding_guessed", encoding=guessed),) if guessed else ())
    width = max([body.shape[1], *(len(h) for h in header)])
    header = [h + [""] * (width - len(h)) for h in header]
    while len(header) < header_rows:
        header.append([""] * width)
    for n in range(body.shape[1], width):
        body[n] = pd.Categorical([np.nan] * len(body), categories=pd.Index([], dtype="str"))
    return header, body


def _cleaned(values: pd.Series) -> tuple[pd.Series, int]:
    """A column of the body as read, as a Categorical of text with control characters (stray
    bytes, Excel's _x0001_) made spaces and missing marks blanked; how many cells held a
    control character."""
    column = values if _text_categories(values) else as_category(values)
    found = 0
    cats = column.cat.categories
    data = utf8_bytes(cats) if len(cats) else None
    if len(cats) and (data is None or has_control_byte(data)):
        bad = np.asarray(cats.str.contains(CONTROL.pattern, regex=True), dtype=bool)
        if bad.any():
            found = int(counts(column)[bad].sum())
            column = map_categories(column, _without_control)
    return missing_marks_blank(column), found


def _text_categories(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.CategoricalDtype) and values.dtype.categories.dtype == "str"


def missing_marks_blank(column: pd.Series) -> pd.Series:
    """A Categorical of text with the texts that mean no answer (blank, spaces only,
    ``NA``, ``N/A``, ``-``...) made missing. Other values keep their spaces: the readers
    trim them, and ``_infer`` reports the spellings it merges."""
    cats = column.cat.categories
    if not len(cats):
        return column
    sizes = byte_lengths(cats)
    if sizes is None:
        candidates = np.arange(len(cats))
    else:  # only a short text can be a mark: at most 4 bytes a letter (1 for ASCII text)
        letter = 1 if is_ascii(cats) else 4
        candidates = np.flatnonzero((sizes <= letter * _LONGEST_MARK) | padded(cats))
    missing = np.zeros(len(cats), dtype=bool)
    if len(candidates):
        stripped = cats[candidates].str.strip()
        lengths = np.asarray(stripped.str.len(), dtype=np.int64)
        marks = np.asarray(stripped.str.upper().isin(MISSING_UPPER), dtype=bool)
        missing[candidates] = (lengths == 0) | ((lengths <= _LONGEST_MARK) & marks)
    return column.cat.remove_categories(list(cats[missing])) if missing.any() else column


_LONGEST_MARK = max(len(m) for m in MISSING_UPPER)


def _without_control(text: str) -> str | None:
    return CONTROL.sub(" ", text).strip() or None


def _split(frame: pd.DataFrame, header_rows: int) -> tuple[list[list[str]], pd.DataFrame]:
    header = []
    for n in range(min(header_rows, len(frame))):
        cells = frame.iloc[n].tolist()
        header.append(["" if missing(c) else str(c).strip() for c in cells])
    body = frame.iloc[header_rows:].reset_index(drop=True)
    for column in body.columns:
        body[column] = body[column].cat.remove_unused_categories()
    return header, body


_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _read_csv(table: Table, header_rows: int) -> tuple[list[list[str]], pd.DataFrame]:
    """Header rows as text; the body with pandas' C parser. Columns that hold numbers in
    the first rows are parsed as numbers (fast), the others straight into categories."""
    options: dict[str, Any] = {
        "sep": table.delimiter,
        "encoding": table.encoding,
        "header": None,
        "keep_default_na": False,
        "na_values": [""],
        "skip_blank_lines": True,
    }
    top = pd.read_csv(table.path, nrows=header_rows, dtype=str, **options)
    header = [["" if missing(c) else str(c).strip() for c in row] for row in top.values.tolist()]
    sample = table.rows[header_rows:]
    width = max([len(h) for h in header] + [len(r) for r in sample[: PEEK_ROWS * 20]] + [1])
    kinds: dict[int, str] = {}
    for n in range(width):
        cells = [r[n] for r in sample if n < len(r) and r[n] != ""]
        if not cells or not all(_NUMBER.fullmatch(c) for c in cells):
            kinds[n] = "category"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.DtypeWarning)
        # columns of text are read as pandas infers them (several times faster than asking
        # for text or categories), then made categories; a column pandas read as anything
        # but text ("007" as 7, "True" as a bool) is read again as text
        body = pd.read_csv(table.path, skiprows=header_rows, names=list(range(width)), **options)
        again = [n for n in kinds if n in body.columns and body[n].dtype != "str"]
        if again:
            texts = pd.read_csv(
                table.path,
                skiprows=header_rows,
                names=list(range(width)),
                usecols=again,
                dtype=dict.fromkeys(again, str),
                **options,
            )
            for n in again:
                body[n] = texts[n]
    return header, body


#: spreadsheet rows turned into Python values at a time
EXCEL_CHUNK = 50_000


def _read_excel(table: Table) -> pd.DataFrame:
    """The first sheet, a chunk of rows at a time (a million rows never become a million
    lists at once), each column a Categorical of the cells' text."""
    parts: list[pd.DataFrame] = []
    chunk: list[list[str | None]] = []
    with _excel(table.path) as (_name, rows):
        for row in rows:
            chunk.append([_cell(c) for c in row])
            if len(chunk) >= EXCEL_CHUNK:
                parts.append(_chunk_frame(chunk))
                chunk = []
    if chunk:
        parts.append(_chunk_frame(chunk))
    if not parts:
        raise BadFile(t("importers.refused.empty"))
    width = max(p.shape[1] for p in parts)
    columns = {}
    for n in range(width):
        pieces = [p[n] if n in p.columns else _empty(len(p)) for p in parts]
        columns[n] = pd.Series(union_categoricals(pieces, ignore_order=True))
    frame = pd.DataFrame(columns)
    filled = frame.notna().any(axis=1).to_numpy()
    last = int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0
    return frame.iloc[:last]


def _chunk_frame(rows: list[list[str | None]]) -> pd.DataFrame:
    width = max(len(r) for r in rows)
    return pd.DataFrame(
        {
            n: pd.Categorical(pd.Series([r[n] if n < len(r) else None for r in rows], dtype="str"))
            for n in range(width)
        }
    )


def _empty(rows: int) -> pd.Categorical:
    return pd.Categorical([np.nan] * rows, categories=pd.Index([], dtype="str"))


@contextlib.contextmanager
def _excel(path: Path) -> Iterator[tuple[str, Iterator[list[Any]]]]:
    """The first sheet's name and rows; calamine's errors become ``BadFile``."""
    from python_calamine import CalamineWorkbook

    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            names = book.sheet_names
            if not names:
                yield "", iter(())
                return
            yield names[0], book.get_sheet_by_index(0).iter_rows()
    except BadFile:
        raise
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise UnreadableTable(_first_line(err)) from err
    except Exception as err:  # calamine's own exception types are not all exported
        if "calamine" in type(err).__module__.lower() or "Calamine" in type(err).__name__:
            raise UnreadableTable(_first_line(err)) from err
        raise


def excel_rows(path: Path, limit: int) -> tuple[str, list[list[Any]]]:
    """The sheet's name and its first ``limit`` rows, cells as text (None when empty)."""
    found = []
    with _excel(path) as (name, rows):
        for row in rows:
            found.append([_cell(c) for c in row])
            if len(found) >= limit:
                break
    while found and not any(c for c in found[-1]):
        found.pop()
    return name, found


def _texts(rows: list[list[Any]]) -> list[list[str]]:
    return [["" if c is None else str(c) for c in r] for r in rows]


def _cell(value: Any) -> str | None:
    """A spreadsheet cell as the text a CSV export would hold."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value.total_seconds())
    return str(value)


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0][:300]
