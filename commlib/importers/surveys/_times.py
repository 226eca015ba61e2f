"""Times and durations in survey exports: moments in UTC from the many ways platforms (and
Excel re-saving them) write a date and time, and durations in seconds.

``parse_times`` reads a column of text at once (its distinct values only): ISO 8601, US and
day-first dates, Chinese dates, Excel serials and Unix times; the order of day and month is
decided once per column. ``DATE_ORDER`` holds the user's ``--date-order`` for the file being
read (``_read.read`` sets it).
"""

from __future__ import annotations

import contextvars
import re
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ...errors import InvalidRecord, Problem
from ...frames import local_timezone
from ...i18n import t
from ...surveys._values import MISSING_UPPER
from ...text import arrow_texts
from ._columns import per_value


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
DATE_ORDER: contextvars.ContextVar[str | None] = contextvars.ContextVar(
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
    order = date_order or DATE_ORDER.get()
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
