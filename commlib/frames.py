"""Small helpers shared by the analysis modules: typed result frames, a frame cell as a plain
value (``missing``, ``day``, ``whole``, ``text_or_none``), the local zone (and a zone from a
name), and a pause of the garbage collector while a frame's objects are made."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd


def typed_frame(
    rows: Iterable[dict[str, Any]] | pd.DataFrame, columns: dict[str, str]
) -> pd.DataFrame:
    """``rows`` as a frame with exactly ``columns`` (name -> dtype), in that order and of those
    types, also when there are no rows."""
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    df = df.reindex(columns=list(columns)).reset_index(drop=True)
    for column, dtype in columns.items():
        if dtype.startswith("datetime64") and "UTC" in dtype:
            df[column] = pd.to_datetime(df[column], utc=True).astype(dtype)
        elif dtype.startswith("datetime64"):
            df[column] = pd.to_datetime(df[column]).astype(dtype)
        elif dtype == "object":
            df[column] = df[column].astype(object).where(df[column].notna(), None)
        else:
            df[column] = df[column].astype(dtype)
    return df


def missing(value: Any) -> bool:
    """Whether a frame cell holds no value: None, NA, NaT or NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and value != value


def day(value: Any) -> date | None:
    """A date from what a frame cell may hold: a date, a datetime or Timestamp, ISO text, or
    a missing value (None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def whole(value: Any) -> int | None:
    """A whole number from a frame cell (None when missing)."""
    return None if value is None or pd.isna(value) else int(value)


def text_or_none(value: Any) -> str | None:
    """A frame cell's text (None when missing)."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while making many containers that stay alive
    (a tuple per row, a list per record): each collection it would start meanwhile walks
    every object of the process, and frees nothing of these, which hold no cycles. It runs
    again as soon as the block ends (unless it was paused already); meanwhile memory is
    still freed as usual, only cycles of objects wait for it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def local_timezone() -> tzinfo:
    """This machine's time zone (``$TZ``, else the system's), as an IANA zone when known."""
    names = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        names.append(Path("/etc/timezone").read_text().strip())
    with contextlib.suppress(OSError):
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            names.append(target.split("zoneinfo/", 1)[1])
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")


def zone(tz: str | tzinfo | None) -> tzinfo:
    """A time zone from an IANA name (``"Asia/Shanghai"``), a zone as it is, or this
    machine's zone for None."""
    if tz is None:
        return local_timezone()
    return ZoneInfo(tz) if isinstance(tz, str) else tz
