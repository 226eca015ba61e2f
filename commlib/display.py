"""Tables as a reader sees them: headers and values in the reader's language, dates as dates.

:func:`present` turns any frame (``milestone_table(...)``, ``store.frame("risks", ...)``...)
into one ready to read; :func:`enable` makes IPython show every DataFrame that way. A report's
kernel calls ``enable``, so every table of every report reads in the report's language
without touching a notebook cell; in JupyterLab, frames stay raw unless a notebook enables it::

    from commlib.display import enable, present
    present(milestone_table(milestones, stakeholders, today=today), lang="en")
    enable("zh")  # from here on, every DataFrame this kernel shows is presented

What ``present`` does:

- headers: ``table.column.<name>`` (computed columns), else ``field.<name>``, else
  ``kind.<name>``; a yes/no column looks for ``table.flag.<name>`` first; ``<x>_name`` and
  ``<x>_label`` take the header of ``<x>`` and replace it; names without a label stay as they
  are (frames a function already labelled in ``lang`` pass through unchanged);
- values: enumerations (``channel``, ``status``, risk ``level``...) by their labels (the
  ``old``/``new`` values of ``store.history()`` by the enumeration of each row's field, and
  its numbers as numbers), yes/no for booleans, dates as ``YYYY-MM-DD``, moments in the
  local time zone without seconds, whole numbers with thousands separators, other numbers
  (and means) with two decimals (three for p-values), blanks for every missing value
  (``None``, ``NaN``, ``NaT``);
- shares as percentages with one decimal (``0.349206`` -> ``34.9%``): the columns named in
  :data:`PERCENT` or ending in ``_share``/``_rate`` or starting with ``share_`` (``share`` of
  likert, choices, multi-select, CSAT and keyword tables and of ``channel_mix``; ``share_*``
  of NPS tables; ``breach_share`` of ``response_summary``; ``response_rate`` of survey waves;
  ``rate`` of ``response_rate``; ``p_baseline``/``p_current`` of the schedule forecast); a
  CSAT table's interval (``ci_low``/``ci_high`` next to ``share``, without ``nps`` or
  ``mean``); and, in wave-over-wave changes, the CSAT rows (``measure == "csat"``), whose
  change reads in percentage points;
- left out: row numbers (an unnamed integer index), record ids (``id``, ``*_id``, references
  such as ``depends_on``), ``created_at``/``updated_at``, and ``visibility`` for a client.

User text is never trusted: :func:`to_html` escapes every header and cell. Its tables
scroll sideways in a ``commlib-table-wrap`` box instead of squeezing their columns, and long
Chinese text wraps between words (``<wbr>`` between jieba's words, ``word-break: keep-all``),
not after any character.
"""

from __future__ import annotations

import hashlib
import html as _html
import re
import typing
from collections.abc import Iterable, Mapping
from datetime import date, datetime, tzinfo
from functools import cache, lru_cache, partial
from typing import Any, Literal

import numpy as np
import pandas as pd

from .frames import missing
from .i18n import get_language, has, normalise, t

#: columns a reader has no use for: ids and bookkeeping
BOOKKEEPING = frozenset({"id", "project_id", "created_at", "updated_at"})
#: value keys of computed columns that are not model fields (model enums are found by type)
_VALUE_KEYS: dict[str, tuple[str, ...]] = {
    "level": ("risks.level",),
    "from_level": ("risks.level",),
    "to_level": ("risks.level",),
    "record_kind": ("kind",),
    "field": ("field",),
    "section": ("field",),
    "cadence_source": ("table.value.cadence_source",),
    "measure": ("table.value.measure",),
}
#: columns of shares (0..1) shown as percentages, besides ``*_share``, ``*_rate``, ``share_*``
PERCENT = frozenset({"share", "rate", "pct", "p_baseline", "p_current"})
#: the columns of wave-over-wave changes (``measure`` first) that are shares in CSAT rows
_CHANGE_VALUES = ("value", "ci_low", "ci_high", "previous", "change")
#: decimals of float columns that always show them (others: two, none if all are whole)
_DECIMALS = {"p_value": 3, "pearson_p": 3, "spearman_p": 3, "statistic": 3, "mean": 2}
_REPLACES = ("_name", "_label")
#: a number as ``store.history()`` keeps it (text)
_STORED_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


# --- what the model knows: enumerations and references -------------------------------------


@cache
def _model_columns() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """``field -> enum value-key prefixes`` and the fields that hold record ids."""
    from .models import KINDS

    enums: dict[str, list[str]] = {}
    references: set[str] = set()
    for (_, name), prefix in _kind_enums().items():
        if prefix not in enums.setdefault(name, []):
            enums[name].append(prefix)
    for model in KINDS.values():
        references |= set(model.references)
    return {k: tuple(v) for k, v in enums.items()}, frozenset(references)


@cache
def _kind_enums() -> dict[tuple[str, str], str]:
    """``(kind, field) -> enum value-key prefix``, for every enumerated field of every kind."""
    from .models import ENUMS, KINDS

    by_values = {values: name for name, values in ENUMS.items()}
    found = {}
    for kind, model in KINDS.items():
        for name, info in model.model_fields.items():
            for arg in (info.annotation, *typing.get_args(info.annotation)):
                if typing.get_origin(arg) is Literal and typing.get_args(arg) in by_values:
                    found[(kind, name)] = f"enum.{by_values[typing.get_args(arg)]}"
    return found


def _hidden(columns: Iterable[Any], audience: str) -> set[Any]:
    names = [c for c in columns if isinstance(c, str)]
    _, references = _model_columns()
    hide = {c for c in names if c in BOOKKEEPING or c in references or c.endswith(("_id", "_ids"))}
    hide |= {c[: -len(s)] for c in names for s in _REPLACES if c.endswith(s)}
    if audience == "client":
        hide.add("visibility")
    return hide


# --- headers and values -------------------------------------------------------------------


_COLUMN_KEYS = ("table.column", "field", "kind")
#: row labels (an index of names) are most often kinds of record: ``store.counts()``
_ROW_KEYS = ("kind", "table.column", "field")


def header(
    name: object, lang: str | None = None, *, flag: bool = False, keys: tuple[str, ...] = ()
) -> object:
    """The label of a column (``baseline_due`` -> ``基线日期``); unknown names unchanged.
    ``flag``: a yes/no column (``table.flag.<name>`` first); ``keys``: prefixes to try."""
    if not isinstance(name, str):
        return name
    bases = [name, *(name[: -len(s)] for s in _REPLACES if name.endswith(s))]
    found = [f"table.flag.{name}"] if flag else []
    found += [f"{p}.{base}" for base in bases for p in keys or _COLUMN_KEYS]
    key = next((k for k in found if has(k)), None)
    return t(key, lang) if key else name


def _enum_keys(name: object, values: list[object], kind: str | None = None) -> str | None:
    """The value-key prefix that labels every value of the column, if one does; the
    frame's own kind (``frame.attrs["kind"]``, set by ``Store.frame``) is asked first, so
    an issue's ``open`` is not read as a follow-up's."""
    if not isinstance(name, str):
        return None
    enums, _ = _model_columns()
    found = {v for v in values if not missing(v)}
    if not found or not all(isinstance(v, str) for v in found):
        return None
    own = _kind_enums().get((kind, name)) if kind else None
    for prefix in (*((own,) if own else ()), *_VALUE_KEYS.get(name, ()), *enums.get(name, ())):
        if all(has(f"{prefix}.{v}") for v in found):
            return prefix
    return None


def _moment(value: datetime, zone: tzinfo) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(zone)
    if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M")


def _number(value: float, decimals: int, whole: bool) -> str:
    return f"{value:,.0f}" if whole else f"{value:,.{decimals}f}"


def _percent(value: float, lang: str, points: bool = False) -> str:
    """``0.349`` -> ``34.9%``; a change of shares in percentage points (``+3.5 pp``)."""
    if not points:
        return f"{100 * value:,.1f}%"
    return t("table.points", lang, value=f"{'+' if value > 0 else ''}{100 * value:,.1f}")


def _texts(
    name: object,
    column: pd.Series,
    lang: str,
    zone: tzinfo,
    percent: list[bool] | None = None,
    prefixes: list[str | None] | None = None,
    kind: str | None = None,
) -> list[str]:
    """One column's cells as text. ``percent``: the rows whose numbers are shares;
    ``prefixes``: each row's value-key prefix (else one for the column, if any fits)."""
    values = [_py(v) for v in column.tolist()]
    prefix = None if prefixes else _enum_keys(name, values, kind)
    floats = [v for v in values if isinstance(v, float) and not missing(v)]
    fixed = _DECIMALS.get(name) if isinstance(name, str) else None
    whole = fixed is None and all(v.is_integer() for v in floats)
    decimals = fixed or 2
    points = name == "change"
    yes, no = t("table.yes", lang), t("table.no", lang)
    cells = []
    for i, v in enumerate(values):
        if missing(v):
            cells.append("")
        elif isinstance(v, bool):
            cells.append(yes if v else no)
        elif isinstance(v, datetime):  # pd.Timestamp included
            cells.append(_moment(v, zone))
        elif isinstance(v, date):
            cells.append(v.isoformat())
        elif percent and percent[i] and isinstance(v, int | float):
            cells.append(_percent(float(v), lang, points))
        elif isinstance(v, int):
            cells.append(f"{v:,}")
        elif isinstance(v, float):
            cells.append(_number(v, decimals, whole))
        elif isinstance(v, str) and prefixes and _STORED_NUMBER.fullmatch(v):
            number = float(v)  # history keeps values as text: 60000.0 -> 60,000
            cells.append(_number(number, 2, number.is_integer()))
        elif isinstance(v, str):
            row = prefixes[i] if prefixes else prefix
            cells.append(t(f"{row}.{v}", lang) if row and has(f"{row}.{v}") else v)
        elif isinstance(v, list | tuple | set):
            cells.append(", ".join(str(x) for x in v))
        else:
            cells.append(str(v))
    return cells


def _percent_rows(frame: pd.DataFrame) -> dict[int, list[bool]]:
    """``column position -> rows shown as percentages`` (see the module's docstring)."""
    names = {c for c in frame.columns if isinstance(c, str)}
    rows = len(frame)
    found = {}
    csat = "share" in names and not {"nps", "mean"} & names
    changes = frame["measure"].eq("csat").tolist() if "measure" in names else None
    for i, c in enumerate(frame.columns):
        if not isinstance(c, str):
            continue
        named = c in PERCENT or c.endswith(("_share", "_rate")) or c.startswith("share_")
        if named or (c in ("ci_low", "ci_high") and csat):
            found[i] = [True] * rows
        elif changes is not None and c in _CHANGE_VALUES:
            found[i] = changes
    return found


def _row_prefixes(frame: pd.DataFrame) -> list[str | None] | None:
    """For ``store.history()``: each row's value-key prefix of ``old``/``new``."""
    if not {"record_kind", "field"} <= set(frame.columns):
        return None
    enums = _kind_enums()
    return [
        enums.get((kind, field)) if isinstance(kind, str) and isinstance(field, str) else None
        for kind, field in zip(frame["record_kind"], frame["field"], strict=True)
    ]


def _py(value: object) -> object:
    """A numpy scalar as the Python one (``np.bool_`` -> ``bool``...), so cells format alike."""
    if isinstance(value, np.datetime64 | np.timedelta64):
        return pd.Timestamp(value) if isinstance(value, np.datetime64) else value
    return value.item() if isinstance(value, np.generic) else value


# --- frames -------------------------------------------------------------------------------


def _index(frame: pd.DataFrame) -> pd.DataFrame:
    """Row numbers dropped; a named index becomes columns; other row labels stay."""
    index = frame.index
    if any(name is not None for name in index.names) and not set(index.names) & set(frame):
        return frame.reset_index()
    if isinstance(index, pd.RangeIndex) or pd.api.types.is_integer_dtype(index.dtype):
        return frame.reset_index(drop=True)
    return frame


def present(
    frame: pd.DataFrame, lang: str | None = None, *, audience: str = "internal"
) -> pd.DataFrame:
    """``frame`` as a reader sees it (see the module's docstring): text cells, labelled
    headers, a plain ``RangeIndex`` when the rows had no labels of their own."""
    from .frames import local_timezone

    code = normalise(lang) if lang else get_language()
    zone = local_timezone()
    kind = frame.attrs.get("kind")
    frame = _index(frame)
    hide = _hidden(frame.columns, audience)
    shown = [not (isinstance(c, str) and c in hide) for c in frame.columns]
    frame = frame.loc[:, shown] if any(shown) else frame
    percent = _percent_rows(frame)
    history = _row_prefixes(frame)
    out = pd.DataFrame(
        {
            i: _texts(
                c,
                frame.iloc[:, i],
                code,
                zone,
                percent.get(i),
                history if c in ("old", "new") else None,
                kind,
            )
            for i, c in enumerate(frame.columns)
        },
        index=frame.index,
    )
    out.columns = _labels(frame, code)
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(lambda v: header(v, code, keys=_ROW_KEYS))
    return out


def _labels(frame: pd.DataFrame, lang: str) -> pd.Index:
    columns = frame.columns
    if isinstance(columns, pd.MultiIndex):
        return columns.map(lambda key: tuple(header(part, lang) for part in key))
    flags = [pd.api.types.is_bool_dtype(frame.iloc[:, i]) for i in range(len(columns))]
    flags = [f or _all_bool(frame.iloc[:, i]) for i, f in enumerate(flags)]
    return pd.Index([header(c, lang, flag=f) for c, f in zip(columns, flags, strict=True)])


def _all_bool(column: pd.Series) -> bool:
    found = [_py(v) for v in column.tolist() if not missing(v)]
    return bool(found) and all(isinstance(v, bool) for v in found)


#: Chinese text longer than this (in characters) gets word breaks between jieba's words
_SEGMENT_FROM = 8
#: a text column with a cell wider than this (a Chinese character counts two) may wrap
_LONG = 24
#: a date or a moment as display writes them (2026-07-06, 2026-07-06 14:30, 2026年7月6日)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|\d{4}年\d{1,2}月\d{1,2}日")
_NUMERIC = re.compile(r"[-+]?[\d,]*\.?\d+(?:%| pp)?")
_STYLE = (
    ".commlib-table-wrap table.commlib-table{{table-layout:auto;width:auto;max-width:none;"
    "word-break:keep-all;overflow-wrap:break-word}}"
    ".commlib-table-wrap .commlib-table th,.commlib-table-wrap .commlib-table td"
    "{{text-align:left;vertical-align:top;white-space:nowrap}}"
    ".commlib-nowrap{{white-space:nowrap!important;overflow-wrap:normal!important}}"
    "{rules}"
)


@lru_cache(maxsize=65_536)
def _cell(text: str) -> str:
    """``text`` escaped, with ``<wbr>`` between the words of long Chinese text; a date or a
    moment never breaks inside (not even where a printed table must wrap its cells)."""
    from .cjk import HAN, cut

    if _DATE.fullmatch(text):
        return f'<span class="commlib-nowrap">{_html.escape(text)}</span>'
    if len(text) <= _SEGMENT_FROM or not HAN.search(text):
        return _html.escape(text)
    parts, at = [], 0
    for run in HAN.finditer(text):
        parts.append(_html.escape(text[at : run.start()]))
        parts.append("<wbr>".join(_html.escape(w) for w in cut(run.group())))
        at = run.end()
    parts.append(_html.escape(text[at:]))
    return "".join(parts)


def _width(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) >= 0x2E80)


def _column_rules(shown: pd.DataFrame, table_id: str, first: int) -> str:
    """Per column: long text wraps (and gets room to), numbers are right-aligned."""
    long, numbers = [], []
    for i in range(shown.shape[1]):
        cells = [c for c in shown.iloc[:, i].unique().tolist() if c]
        if cells and all(_NUMERIC.fullmatch(c) for c in cells):
            numbers.append(first + i)
        elif any(_width(c) > _LONG for c in cells):
            long.append(first + i)

    def select(columns: list[int]) -> str:
        return ",".join(f"#{table_id} td:nth-child({n})" for n in columns)

    rules = f"{select(long)}{{white-space:normal;min-width:12em;max-width:36em}}" if long else ""
    return rules + (f"{select(numbers)}{{text-align:right}}" if numbers else "")


def _escaped(shown: pd.DataFrame) -> pd.DataFrame:
    """Every header, row label and cell as HTML (see :func:`_cell`)."""
    out = shown.map(_cell)

    def label(value: object) -> object:
        return _html.escape(str(value)) if isinstance(value, str) else value

    if isinstance(out.columns, pd.MultiIndex):
        out.columns = out.columns.map(lambda key: tuple(label(part) for part in key))
    else:
        out.columns = out.columns.map(label)
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(label)
        out.index.names = [label(n) for n in out.index.names]
    return out


def to_html(frame: pd.DataFrame, lang: str | None = None, *, audience: str = "internal") -> str:
    """:func:`present`, as an HTML table (escaped); an empty frame says so in one sentence.

    The table sits in a box that scrolls sideways (``commlib-table-wrap``), with a small
    style of its own: long text columns wrap between words, short ones and numbers do not.
    """
    code = normalise(lang) if lang else get_language()
    shown = present(frame, code, audience=audience)
    if shown.empty:  # one sentence, not a table of headers over nothing
        empty = _html.escape(t("table.empty", code))
        return f'<div class="commlib-table-wrap"><p class="commlib-empty">{empty}</p></div>'
    index = not isinstance(shown.index, pd.RangeIndex)
    table = _escaped(shown).to_html(
        index=index, escape=False, na_rep="", border=0, classes="commlib-table"
    )
    table_id = "c" + hashlib.blake2s(table.encode(), digest_size=4).hexdigest()
    table = table.replace("<table ", f'<table id="{table_id}" ', 1)
    first = 1 + (shown.index.nlevels if index else 0)
    style = _STYLE.format(rules=_column_rules(shown, table_id, first))
    parts = ['<div class="commlib-table-wrap" style="overflow-x:auto">']
    parts += [f"<style>{style}</style>", table, "</div>"]
    return "\n".join(parts)


def tables_html(
    tables: Mapping[object, object], lang: str | None = None, *, audience: str = "internal"
) -> str | None:
    """A dict of frames (``{"Q8": frame}``) as captioned tables; ``None`` for any other dict."""
    if not tables or not all(isinstance(v, pd.DataFrame) for v in tables.values()):
        return None
    code = normalise(lang) if lang else get_language()
    parts = []
    for key, table in tables.items():
        caption = _html.escape(str(header(key, code)))
        parts.append(f'<p class="commlib-caption"><strong>{caption}</strong></p>')
        parts.append(to_html(table, code, audience=audience))  # type: ignore[arg-type]
    return "\n".join(parts)


def enable(lang: str | None = None, *, audience: str = "internal") -> None:
    """Show every DataFrame (and dict of DataFrames) in this IPython kernel as
    :func:`to_html` does, in ``lang``. Outside IPython this does nothing."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    code = normalise(lang) if lang else get_language()
    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, partial(to_html, lang=code, audience=audience))
    formatter.for_type(dict, partial(tables_html, lang=code, audience=audience))


__all__ = [
    "BOOKKEEPING",
    "PERCENT",
    "enable",
    "header",
    "present",
    "tables_html",
    "to_html",
]
