"""Reading survey exports: text encodings, CSV/TSV, old ``.xls`` and ``.xlsx``; times, durations.

Every file becomes a ``Table``: its first rows as text (for recognising the layout) and, once
read in full, a body where each column is a pandas ``Categorical`` of the cells' text (empty
cells are missing). Categoricals keep a million rows of repeated answers small, and let every
conversion work on the distinct values only (``per_value``), not on each row.

Encodings: UTF-8 with or without BOM, UTF-16 (with BOM, or without when the NULs show it);
else a guess (``detect_encoding``): GB18030 (a superset of GBK, as Excel and Wenjuanxing
save Chinese text), Shift-JIS, Windows-1252, Mac Roman, Latin-1, else charset-normalizer's
finding. ``Table.encoding`` names the one used; a guess is said in the import's warnings
(``--encoding NAME`` overrides it).

Missing values: blank and whitespace-only cells, ``NA``, ``N/A``, ``#N/A``, ``-`` are missing
in the body as it is read (``missing_marks_blank``); platform codes (Wenjuanxing's ``-2``/``-3``,
``(跳过)``) are blanked by their readers and by ``_infer``.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import csv
import io
import re
import warnings
import weakref
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from ...errors import BadFile, InvalidRecord, Problem, UnreadableTable
from ...frames import local_timezone
from ...i18n import t
from ...text import (
    CONTROL,
    arrow_texts,
    byte_lengths,
    has_control_byte,
    is_ascii,
    padded,
    utf8_bytes,
)
from .._values import MISSING_UPPER

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
    text = _decode_head(head, encoding)
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


#: how a report names the encodings commlib guesses
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "gb18030": "GBK/GB18030",
    "shift_jis": "Shift-JIS",
    "cp1252": "Windows-1252",
    "mac_roman": "Mac Roman",
    "latin-1": "Latin-1",
}
#: encodings known from their bytes (a BOM, UTF-8's own rules): no guess
_CERTAIN = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"})
#: the share of a GB18030 reading's non-ASCII characters that must be common Chinese ones
#: (GB2312) for the text to be Chinese rather than another encoding that decodes by chance
_CHINESE_SHARE = 0.8
_KANA = re.compile(r"[\u3040-\u30ff]")


def detect_encoding(head: bytes) -> str | None:
    """The text encoding of a file's beginning, or None for binary data.

    UTF-8 (with or without BOM) and UTF-16 are known from the bytes. Otherwise the
    encoding is a guess: GB18030 (a superset of GBK, as Excel and Wenjuanxing save Chinese
    text) when it decodes cleanly into common Chinese characters; Shift-JIS when it decodes
    into Japanese kana; Windows-1252, Mac Roman or Latin-1 when one of them reads the
    accented letters as letters inside words (``caf\x8e`` is Mac Roman's ``café``);
    else what charset-normalizer finds.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if b"\x00" in sample:
        odd = sample[1::2].count(0)
        even = sample[0::2].count(0)
        half = len(sample) // 2
        if half and odd > 0.3 * half and even < 0.05 * half:
            return "utf-16-le"
        if half and even > 0.3 * half and odd < 0.05 * half:
            return "utf-16-be"
        return None
    if _decode_head(head, "utf-8") is not None:
        return "utf-8"
    return _guess_encoding(head)


def encoding_guessed(encoding: str) -> bool:
    """Whether commlib guessed this encoding (a report says so), rather than knew it."""
    return codecs.lookup(encoding).name not in {codecs.lookup(e).name for e in _CERTAIN}


def encoding_name(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    for key, label in ENCODING_NAMES.items():
        if codecs.lookup(key).name == name:
            return label
    return encoding


def _guess_encoding(head: bytes) -> str | None:
    chinese = _decode_head(head, "gb18030")
    if chinese is not None and _chinese_share(chinese) >= _CHINESE_SHARE:
        return "gb18030"
    japanese = _decode_head(head, "shift_jis")
    if japanese is not None and _KANA.search(japanese):
        return "shift_jis"
    latin = _latin(head)
    if latin is not None:
        return latin
    found = _charset_normalizer(head)
    if found is not None:
        return found
    return "gb18030" if chinese is not None else None


def _chinese_share(text: str) -> float:
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 0.0
    common = 0
    for c in wide:
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common / len(wide)


def _latin(head: bytes) -> str | None:
    """The Western single-byte encoding whose reading looks most like words, if one reads
    at least half the accented characters as letters in words."""
    best: tuple[float, str] | None = None
    for encoding in ("cp1252", "mac_roman", "latin-1"):
        text = _decode_head(head, encoding)
        if text is None:
            continue
        score, wide = _wordlike(text)
        if not wide or score < 0.5 * wide:
            continue
        if best is None or score > best[0]:
            best = (score, encoding)
    return best[1] if best else None


def _wordlike(text: str) -> tuple[float, int]:
    """How word-like a reading's non-ASCII characters are: a letter scores 1, more when its
    case fits the letter before it; a symbol between letters or a control costs."""
    import unicodedata

    score = 0.0
    wide = 0
    for n, c in enumerate(text[:20000]):
        if ord(c) < 0x80:
            continue
        wide += 1
        before = text[n - 1] if n else " "
        after = text[n + 1] if n + 1 < len(text) else " "
        kind = unicodedata.category(c)
        if kind.startswith("C"):
            score -= 2
        elif c.isalpha():
            score += 1
            if before.isalpha() and before.islower() and c.isupper():
                score -= 1.5
        elif before.isalpha() and after.isalpha():
            score -= 1
    return score, wide


def _charset_normalizer(head: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency
        return None
    best = from_bytes(head[:65536]).best()
    if best is None:
        return None
    encoding = best.encoding
    if encoding in ("gb2312", "gbk", "cp936", "hz"):
        encoding = "gb18030"
    try:
        codecs.lookup(encoding)
    except LookupError:
        return None
    return encoding if _decode_head(head, encoding) is not None else None


def _decode_head(head: bytes, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return None
    if len(CONTROL.findall(text[:4096])) > 2:
        return None
    return text


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
    _DATE_ORDER.set(table.hints.date_order)
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
        header.append(["" if _missing(c) else str(c).strip() for c in cells])
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
    header = [["" if _missing(c) else str(c).strip() for c in row] for row in top.values.tolist()]
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


def as_category(values: pd.Series) -> pd.Series:
    """A column (text, numbers or mixed values) as a Categorical of its texts."""
    if values.dtype == "str":  # text already: its distinct values found by Arrow
        array = pa.array(values.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        array = pc.cast(array, pa.string())
        fixed = _fixed_digits(array)
        if fixed is not None:  # times, phone numbers: told apart by their digits, not hashed
            codes, categories = fixed
            return categorical(codes, pd.Index(categories, dtype="str"), values.index)
        found = pc.dictionary_encode(array)
        codes = pc.fill_null(found.indices, -1).to_numpy(zero_copy_only=False)
        return categorical(codes, pd.Index(found.dictionary, dtype="str"), values.index)
    plain = isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu"
    numbers = values.to_numpy() if plain else None
    if numbers is not None and len(numbers) > 1 and (numbers[1:] > numbers[:-1]).all():
        # ids counted up (1, 2, 3...): each distinct, in order, with no hashing
        texts = pc.cast(pa.array(numbers), pa.string())
        codes = np.arange(len(numbers), dtype=np.int32 if len(numbers) < 2**31 else np.int64)
        return categorical(codes, pd.Index(texts, dtype="str"), values.index)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if pd.api.types.is_integer_dtype(uniques.dtype):  # whole numbers: distinct texts at once
        texts = pc.cast(pa.array(np.asarray(uniques)), pa.string())
        return categorical(codes, pd.Index(texts, dtype="str"), values.index)
    texts = pd.Index([_value_text(u) for u in uniques], dtype=object)
    merged, categories = pd.factorize(texts)
    mapped = np.append(merged, -1)[np.where(codes < 0, len(merged), codes)]
    return categorical(mapped, pd.Index(categories, dtype="str"), values.index)


def _fixed_digits(array: pa.StringArray) -> tuple[np.ndarray, pa.StringArray] | None:
    """For texts of one width whose every position holds a digit or the same byte in all of
    them (``2026-03-01 12:34:56``): each text's distinct-value code (in order of first
    appearance, as a factorize gives) and the distinct texts, found from the digits packed
    four bits each into one number; None for any other column (or a short one)."""
    if len(array) < 10_000 or array.null_count:
        return None
    offsets = np.frombuffer(array.buffers()[1], np.int32)[
        array.offset : array.offset + len(array) + 1
    ]
    width = int(offsets[1] - offsets[0])
    if not 0 < width <= 40 or not (np.diff(offsets) == width).all():
        return None
    table = np.frombuffer(array.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
    table = table.reshape(-1, width)
    varying = np.flatnonzero(~(table == table[0]).all(axis=0))  # (the rest: separators)
    if len(varying) > 16:  # (more than one int64 holds)
        return None
    digits = table[:, varying] - np.uint8(ord("0"))
    if (digits > 9).any():
        return None
    if len(varying) % 2:
        digits = np.concatenate([digits, np.zeros((len(digits), 1), np.uint8)], axis=1)
    packed = np.zeros((len(digits), 8), np.uint8)
    packed[:, : digits.shape[1] // 2] = (digits[:, 0::2] << 4) | digits[:, 1::2]
    codes, _uniques = pd.factorize(packed.view(np.int64).ravel())
    top = np.maximum.accumulate(codes)
    first = np.flatnonzero(np.concatenate([[True], top[1:] > top[:-1]]))
    rows = np.ascontiguousarray(table[first])  # the distinct texts, each ``width`` bytes
    starts = np.arange(0, (len(first) + 1) * width, width, dtype=np.int32)
    texts = pa.StringArray.from_buffers(len(first), pa.py_buffer(starts), pa.py_buffer(rows))
    return codes, texts


#: pandas' CategoricalDtype without its check that the categories are distinct (hashing each
#: again: 0.3 s for a million), for categories that are (from a factorize or a dictionary)
_DISTINCT = getattr(pd.CategoricalDtype, "_from_fastpath", None)


def categorical(
    codes: np.ndarray, categories: pd.Index, index: pd.Index | None = None
) -> pd.Series:
    """A Categorical Series from codes (-1: missing) into distinct ``categories``."""
    dtype = _DISTINCT(categories, False) if _DISTINCT else pd.CategoricalDtype(categories)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False), index=index)


def _value_text(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


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


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


# --- working on the distinct values of a column -----------------------------------------


def values(column: pd.Series) -> pd.Index:
    """The distinct texts a column holds (its used categories)."""
    return column.cat.categories


def per_value(
    column: pd.Series, func: Callable[[str], Any], missing: Any = None, dtype: Any = object
) -> np.ndarray:
    """``func`` applied to each distinct value, spread over the rows (an array of ``dtype``)."""
    cats = column.cat.categories
    mapped = np.empty(len(cats) + 1, dtype=dtype)
    mapped[:-1] = [func(c) for c in cats]
    mapped[-1] = missing
    return mapped[column.cat.codes.to_numpy()]


def map_categories(column: pd.Series, func: Callable[[str], str | None]) -> pd.Series:
    """A Categorical with ``func`` applied to each category (None: missing; equal results
    merge), without touching the rows one by one."""
    mapped = pd.Index([func(c) for c in column.cat.categories], dtype=object)
    merged, categories = pd.factorize(mapped, use_na_sentinel=True)
    table = np.append(merged, -1)
    codes = column.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(merged)
    return categorical(table[codes], pd.Index(categories, dtype="str"))


def counts(column: pd.Series) -> np.ndarray:
    """How many rows hold each category (kept while the column lives: inference asks the
    same column several times, and a million rows take milliseconds each time)."""
    array = column.array
    known = _COUNTS.get(id(array))
    if known is not None and known[0]() is array:
        return known[1]
    codes = column.cat.codes.to_numpy().astype(np.intp) + 1  # missing (-1) counted at 0
    found = np.bincount(codes, minlength=len(column.cat.categories) + 1)[1:]
    found.flags.writeable = False
    key = id(array)
    _COUNTS[key] = (weakref.ref(array, lambda _ref: _COUNTS.pop(key, None)), found)
    return found


_COUNTS: dict[int, tuple[weakref.ref, np.ndarray]] = {}


def first_seen(column: pd.Series) -> list[str]:
    """The distinct values in the order they first appear in the rows."""
    codes = column.cat.codes.to_numpy()
    cats = column.cat.categories
    if len(cats) <= 64:  # few: each one's first row found by a scan, not by hashing every row
        present = np.flatnonzero(counts(column))
        first = [int(np.argmax(codes == k)) for k in present]
        order = present[np.argsort(first, kind="stable")]
    else:
        order = pd.unique(codes[codes >= 0])
    return [cats[i] for i in order]


def blank(column: pd.Series, texts: set[str]) -> pd.Series:
    """The column with the given values made missing (skipped, not shown...)."""
    cats = column.cat.categories
    drop = [c for c in cats if c.strip() in texts]
    return column.cat.remove_categories(drop) if drop else column


# --- times and durations ------------------------------------------------------------------


def zone_named(name: str | None) -> tzinfo | None:
    if not name:
        return None
    if name.strip().upper() in ("Z", "UTC", "GMT"):
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


_NAIVE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
)
_DAY_FIRST = {f: f.replace("%m/%d/", "%d/%m/") for f in _NAIVE_FORMATS if f.startswith("%m/%d")}
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)\s*[+-]\d{1,2}(?::?\d{2})?)$", re.I)
_GMT = re.compile(r"\s*(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.I)


def _normalise_time(text: str) -> str:
    text = text.strip()
    text = text.replace("年", "-").replace("月", "-").replace("日", " ").replace("  ", " ")
    for word, mark in (("上午", "AM"), ("下午", "PM"), ("晚上", "PM"), ("凌晨", "AM")):
        if word in text:
            text = text.replace(word, " ").strip() + " " + mark
    text = re.sub(r"\s+", " ", text)
    found = _GMT.search(text)
    if found:
        sign, hours, minutes = found.groups()
        text = text[: found.start()] + f"{sign}{int(hours):02d}:{minutes or '00'}"
    return text.strip()


#: the date order the user gave (``Hints.date_order``) for the file being read
_DATE_ORDER: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "commlib_survey_date_order", default=None
)

#: a date as digits: 2024-06-20, 6/20/24, 20.06.2024, with an optional time and AM/PM
_DATE = re.compile(
    r"^(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{1,4})"
    r"(?:(?:[ T]+|(?<=\d)T)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"\s*(?P<p>[AaPp]\.?[Mm]\.?)?$"
)
_SERIAL = re.compile(r"^-?\d+(?:\.\d+)?$")
#: Excel's day 0 (serial numbers count days from it; 1900's false leap day included)
_EXCEL_EPOCH = datetime(1899, 12, 30)
#: the years a survey's moments can fall in (anything else is a misread number)
_YEARS = (1950, 2200)


#: times that need ``_normalise_time``: not ASCII, a GMT/UTC offset, doubled spaces
_ODD_TIME = re.compile(r"[^\x00-\x7f]|GMT|UTC|\s\s", re.I)


def _contains(texts: pd.Index, pattern: re.Pattern[str]) -> np.ndarray:
    """Whether ``pattern`` is found in each text: the ASCII ones at C speed (RE2, whose
    ``\\d`` and ``\\s`` match there what Python's do), the others by Python."""
    try:
        array = arrow_texts(texts)
    except (pa.ArrowException, UnicodeError):
        return np.array([bool(pattern.search(str(v))) for v in texts], dtype=bool)
    ascii_only = pc.fill_null(pc.string_is_ascii(array), True).to_numpy(zero_copy_only=False)
    re2 = pattern.pattern.replace(r"\s", r"[\t\n\v\f\r\x1c-\x1f ]")
    found = pc.match_substring_regex(array, re2, ignore_case=bool(pattern.flags & re.I))
    result = pc.fill_null(found, False).to_numpy(zero_copy_only=False).copy()
    others = np.flatnonzero(~ascii_only)
    result[others] = [bool(pattern.search(texts[i])) for i in others]
    return result


def _normalised_times(cats: pd.Index) -> pd.Index:
    """``_normalise_time`` of every value, the plain ASCII ones (most) trimmed at once."""
    if not len(cats):
        return pd.Index([], dtype=object)
    texts = pd.Index(cats, dtype="str").str.strip()
    odd = _contains(texts, _ODD_TIME)
    if odd.any():
        values = np.asarray(texts, dtype=object)
        values[odd] = [_normalise_time(c) for c in values[odd]]
        texts = pd.Index(values, dtype=object)
    return texts


def parse_times(
    column: pd.Series,
    zone: tzinfo | None,
    name: str = "",
    first_row: int = 2,
    date_order: str | None = None,
) -> pd.Series:
    """Moments in UTC from text; times without an offset are in ``zone`` (default: local).

    Read forms: ISO 8601 (with or without an offset), ``M/D/YY[YY] H:MM[:SS] [AM|PM]`` (how
    Excel re-saves every export), ``D/M/YYYY`` and ``D.M.YYYY``, ``2024年6月20日 14:45``,
    ``2024/6/20 下午2:45``, Excel serial numbers (``45463.6145``, local time) and Unix times
    (seconds or milliseconds, UTC). The order of day and month is decided once for the whole
    column from all its values: a first number above 12 somewhere makes it day first, a
    second number above 12 month first; neither: ``date_order`` (the user's
    ``--date-order``, also taken from the table being read), else month first (US, as Excel
    and Google Forms write it); dates with dots (``20.06.2024``) default to day first. The
    user's order, when given, wins. Numbers are Excel serials (days) below 200000, Unix
    seconds below 10^10, else milliseconds, again decided once per column.

    A value that is not a date and time, or names one that does not exist (``2026-02-30``),
    refuses the file: ``InvalidRecord`` names the row (the body's first row being
    ``first_row``), the column ``name``, the value and what the column's other values look
    like. Empty cells (and ``NA``, ``-``...) are missing, not wrong.
    """
    zone = zone or local_timezone()
    order = date_order or _DATE_ORDER.get()
    cats = column.cat.categories
    utc = np.full(len(cats) + 1, np.datetime64("NaT"), dtype="datetime64[us]")
    fixed = _fixed_iso(cats)
    if fixed is not None:  # the usual export: one ISO form throughout, read at once
        blanks = np.zeros(len(cats), dtype=bool)
        utc[:-1] = _localised(fixed, zone)
    else:
        texts = _normalised_times(cats)
        blanks = np.asarray(texts.str.upper().isin(MISSING_UPPER) | (texts == ""), dtype=bool)
    if fixed is None and len(cats):
        aware = _contains(texts, _OFFSET) & ~blanks
        if aware.any():
            parsed = pd.to_datetime(texts[aware], utc=True, errors="coerce", format="ISO8601")
            utc[np.flatnonzero(aware)] = _utc_naive(parsed)
        naive_at = np.flatnonzero(~aware & ~blanks)
        if len(naive_at):
            naive, absolute = _naive_moments(texts[naive_at], order)
            local_at = naive_at[~absolute]
            if len(local_at):
                utc[local_at] = _localised(naive[~absolute], zone)
            utc[naive_at[absolute]] = naive[absolute]
    codes = column.cat.codes.to_numpy().astype(np.int64)
    unreadable = np.flatnonzero(np.isnat(utc[:-1]) & ~blanks)
    if len(unreadable):
        _refuse_times(cats, codes, unreadable, name, first_row)
    codes[codes < 0] = len(cats)
    return pd.Series(utc[codes], copy=False).dt.tz_localize("UTC")


def _localised(naive: np.ndarray, zone: tzinfo) -> np.ndarray:
    """Wall-clock times in ``zone`` as UTC (``datetime64[us]``); a time that occurs twice
    (the hour the clocks go back) is taken the first time, one that does not exist (the
    hour they go forward) moves forward."""
    moments = pd.DatetimeIndex(naive)
    first = np.ones(len(moments), dtype=bool)
    return _utc_naive(moments.tz_localize(zone, ambiguous=first, nonexistent="shift_forward"))


#: ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM`` and ``YYYY-MM-DD HH:MM:SS`` (or ``T`` between),
#: byte by byte: which bytes are digits, and the separators
_ISO = np.frombuffer(b"0000-00-00 00:00:00", np.uint8)
_ISO_DIGIT = np.equal(_ISO, ord("0"))
_YEAR_1 = np.datetime64("0001-01-01", "us")


def _fixed_iso(cats: pd.Index) -> np.ndarray | None:
    """Times as ``datetime64[us]`` when every one is written in the same ISO form without
    an offset (checked at once on the bytes, then read by numpy); None otherwise, or when
    one names a day that does not exist (the full reader then says which)."""
    if not len(cats) or cats.dtype != "str":
        return None
    try:
        array = arrow_texts(cats)
    except (pa.ArrowException, UnicodeError):
        return None
    if array.null_count or array.type != pa.string():
        return None
    offsets = np.frombuffer(array.buffers()[1], np.int32)[
        array.offset : array.offset + len(array) + 1
    ]
    width = int(offsets[1] - offsets[0])
    if width not in (10, 16, 19) or not (np.diff(offsets) == width).all():
        return None
    data = np.frombuffer(array.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
    table = data.reshape(-1, width)
    digits = _ISO_DIGIT[:width]
    cells = table[:, digits]
    if not ((cells >= ord("0")) & (cells <= ord("9"))).all():
        return None
    seps = table[:, ~digits]
    wanted = _ISO[:width][~digits]
    ok = seps == wanted
    if width > 10:  # a space or a T between date and time
        ok[:, 2] |= seps[:, 2] == ord("T")
    if not ok.all():
        return None
    try:
        moments = data.view(f"S{width}").astype("datetime64[us]")
    except ValueError:  # 2026-02-30
        return None
    return moments if moments.min() >= _YEAR_1 else None  # (year 0: numpy reads it)


def _naive_moments(texts: pd.Index, order: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Each text as a moment (NaT when unreadable) and whether it is absolute (a Unix time,
    already UTC) rather than a wall-clock time. Vectorised: a million distinct times are
    read without a Python loop over them."""
    index = pd.Index(texts, dtype=object)
    n = len(index)
    found = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    absolute = np.zeros(n, dtype=bool)
    if not n:
        return found, absolute
    # most exports write ISO (2026-03-01 12:34:56): read those at C speed, the rest below
    iso = _iso_like(texts)
    if iso.any():
        fast = pd.to_datetime(pd.Series(index[iso]), format="ISO8601", errors="coerce")
        read = fast.notna().to_numpy()
        found[np.flatnonzero(iso)[read]] = fast[read].to_numpy(dtype="datetime64[us]")
        if read.all() and iso.all():
            return found, absolute
        iso[np.flatnonzero(iso)[~read]] = False
    if iso.any():  # the others, as below, then put back in place
        rest_found, rest_absolute = _naive_moments(index[~iso], order)
        found[~iso], absolute[~iso] = rest_found, rest_absolute
        return found, absolute
    serial = np.asarray(index.str.fullmatch(_SERIAL.pattern), dtype=bool)
    if serial.any():
        numbers = pd.to_numeric(pd.Series(index[serial]), errors="coerce").to_numpy(float)
        kind = _number_kind(numbers)
        found[serial] = _from_numbers(numbers, kind)
        absolute[serial] = kind != "excel"
    parts = index.str.extract(_DATE.pattern)
    matched = parts["a"].notna().to_numpy() & ~serial
    column_order = _column_order(parts[matched], index[matched], order)
    if matched.any():
        found[matched] = _from_parts(parts[matched], column_order)
    rest = np.flatnonzero(~matched & ~serial)
    if len(rest):
        found[rest] = _naive(index[rest], column_order)
    return found, absolute


def _iso_like(texts: pd.Index) -> np.ndarray:
    """Which texts start like an ISO date (``2026-03-01...``): ten characters or more, with
    ``-`` fifth and eighth."""
    try:
        array = arrow_texts(texts)
    except (pa.ArrowException, UnicodeError):
        values = [str(t) for t in texts]
        return np.fromiter(
            (len(t) > 9 and t[4] == "-" and t[7] == "-" for t in values), bool, len(values)
        )
    dashes = pc.and_(
        pc.equal(pc.utf8_slice_codeunits(array, 4, 5), "-"),
        pc.equal(pc.utf8_slice_codeunits(array, 7, 8), "-"),
    )
    found = pc.and_(pc.greater(pc.utf8_length(array), 9), dashes)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def _number_kind(numbers: np.ndarray) -> str:
    """What numbers in a time column count: Excel days, Unix seconds or milliseconds."""
    top = float(np.nanmax(np.abs(numbers))) if len(numbers) else 0.0
    if top < 200_000:
        return "excel"
    if top < 1e10:
        return "seconds"
    return "milliseconds"


def _from_numbers(numbers: np.ndarray, kind: str) -> np.ndarray:
    """Excel serials (local days since 1899-12-30, kept to the millisecond) or Unix times
    (1973..2286, seconds or milliseconds) as moments; NaT for anything else."""
    with np.errstate(invalid="ignore"):
        if kind == "excel":
            ok = numbers > 0
            micros = np.round(np.where(ok, numbers, 0) * 86_400_000) * 1000
            base = np.datetime64(_EXCEL_EPOCH, "us")
        else:
            seconds = numbers / 1000 if kind == "milliseconds" else numbers
            ok = (seconds >= 1e8) & (seconds < 1e10)
            micros = np.round(np.where(ok, seconds, 0) * 1_000_000)
            base = np.datetime64("1970-01-01T00:00:00", "us")
    moments = base + micros.astype(np.int64).astype("timedelta64[us]")
    years = moments.astype("datetime64[Y]").astype(int) + 1970
    ok &= (years >= _YEARS[0]) & (years <= _YEARS[1])
    return np.where(ok, moments, np.datetime64("NaT"))


def _column_order(parts: pd.DataFrame, texts: pd.Index, order: str | None) -> str:
    """``mdy`` or ``dmy`` for a column's dates that start with the day or month (dates that
    start with a four-digit year are always year first): decided from all of them at once."""
    if order in ("mdy", "dmy", "ymd"):
        return order
    short = np.asarray(parts["a"].str.len() <= 2, dtype=bool)
    if not short.any():
        return "mdy"
    first = parts["a"][short].to_numpy(dtype=object).astype(np.int64)
    second = parts["b"][short].to_numpy(dtype=object).astype(np.int64)
    first_big, second_big = int((first > 12).sum()), int((second > 12).sum())
    if first_big or second_big:
        return "dmy" if first_big > second_big else "mdy"
    if bool(np.asarray(texts[short].str.match(r"^\d{1,2}\.\d{1,2}\."), dtype=bool).all()):
        return "dmy"
    return "mdy"


def _from_parts(parts: pd.DataFrame, order: str) -> np.ndarray:
    """Moments from the pieces ``_DATE`` found (NaT for a day that does not exist)."""

    def number(name: str, default: int = 0) -> np.ndarray:
        return parts[name].fillna(str(default)).to_numpy(dtype=object).astype(np.int64)

    a, b, c = number("a"), number("b"), number("c")
    a_len = parts["a"].str.len().to_numpy()
    c_len = parts["c"].str.len().to_numpy()
    year_first = (a_len >= 3) | (order == "ymd")
    month_first = order == "mdy"
    year = np.where(year_first, a, c)
    year_len = np.where(year_first, a_len, c_len)
    month = np.where(year_first, b, a if month_first else b)
    day = np.where(year_first, c, b if month_first else a)
    year = np.where(year_len <= 2, np.where(year < 69, year + 2000, year + 1900), year)
    hour, minute, second = number("H"), number("M"), number("S")
    fraction = parts["f"].fillna("0").str.slice(0, 6).str.ljust(6, "0")
    micro = fraction.to_numpy(dtype=object).astype(np.int64)
    mark = parts["p"].fillna("").str.replace(".", "", regex=False).str.upper().to_numpy()
    pm, am = mark == "PM", mark == "AM"
    bad = (year_len == 3) | ((pm | am) & ((hour < 1) | (hour > 12)) & ~(pm & (hour > 12)))
    bad |= (hour > 23) | (minute > 59) | (second > 59)
    hour = np.where(am & (hour == 12), 0, hour)
    hour = np.where(pm & (hour < 12), hour + 12, hour)
    fields = pd.DataFrame(
        {
            "year": year,
            "month": month,
            "day": day,
            "hour": hour,
            "minute": minute,
            "second": second,
            "microsecond": micro,
        }
    )
    fields.loc[bad, "month"] = 13  # not a date: NaT
    moments = pd.to_datetime(fields, errors="coerce")
    return moments.to_numpy(dtype="datetime64[us]")


def _refuse_times(
    cats: pd.Index, codes: np.ndarray, unreadable: np.ndarray, name: str, first_row: int
) -> None:
    """``InvalidRecord`` on one line: the first row whose time cannot be read, its column and
    value, and what the column's readable values look like."""
    rows = np.flatnonzero(np.isin(codes, unreadable))
    row = int(rows[0])
    bad = set(int(u) for u in unreadable)
    used = [int(c) for c in pd.unique(codes[codes >= 0]) if int(c) not in bad]
    texts = [str(cats[c]).strip() for c in used]
    texts = [x for x in texts if x and x.upper() not in MISSING_UPPER]
    if texts:
        message = t("surveys.values.bad_time_like", example=texts[0])
    else:
        message = t("surveys.import.bad_time")
    if len(rows) > 1:
        message += " " + t("surveys.values.more_rows", n=len(rows) - 1)
    problem = Problem(
        name or "-",
        cats[codes[row]],
        message,
        t("surveys.import.where_row", row=first_row + row),
    )
    raise InvalidRecord([problem], t("surveys.import.fix_file"))


def _utc_naive(moments: pd.DatetimeIndex) -> np.ndarray:
    return moments.tz_convert("UTC").tz_localize(None).as_unit("us").to_numpy()


def _naive(texts: pd.Index, order: str = "mdy") -> np.ndarray:
    best = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[us]")
    left = np.ones(len(texts), dtype=bool)
    for fmt in _NAIVE_FORMATS:
        if not left.any():
            break
        fmt = _DAY_FIRST.get(fmt, fmt) if order == "dmy" else fmt
        where = np.flatnonzero(left)
        parsed = pd.to_datetime(texts[where], format=fmt, errors="coerce").as_unit("us")
        ok = ~np.asarray(parsed.isna())
        best[where[ok]] = parsed.to_numpy()[ok]
        left[where[ok]] = False
    return best


_DURATION = re.compile(
    r"^\s*(?:(?P<h>\d+(?:\.\d+)?)\s*(?:小时|时|h|hours?|hrs?)\s*)?"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:分钟|分|m|mins?|minutes?)\s*)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|secs?|seconds?)?\s*)?$",
    re.I,
)
_CLOCK = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)\s*$")


def duration_seconds(text: str) -> float | None:
    """``125秒``, ``2分5秒``, ``1小时2分``, ``125``, ``00:02:05``, ``125 seconds`` -> seconds."""
    text = str(text).strip()
    if not text:
        return None
    clock = _CLOCK.match(text)
    if clock:
        h, m, s = clock.groups()
        return int(h or 0) * 3600 + int(m) * 60 + float(s)
    found = _DURATION.match(text)
    if not found or not any(found.groupdict().values()):
        return None
    h, m, s = (float(found.group(k) or 0) for k in ("h", "m", "s"))
    return h * 3600 + m * 60 + s


def durations(column: pd.Series) -> pd.Series:
    """Durations in seconds (float, NaN when missing or unreadable)."""
    mapped = per_value(column, duration_seconds)
    return pd.Series(pd.to_numeric(pd.Series(mapped, dtype=object), errors="coerce"), dtype=float)


def seconds_between(start: pd.Series, end: pd.Series) -> pd.Series:
    delta = (end - start).dt.total_seconds()
    return delta.where(delta >= 0)
