"""The helpers the analysis modules share (``commlib.frames``)."""

from __future__ import annotations

import time
from datetime import UTC
from zoneinfo import ZoneInfo

from commlib import frames


def test_a_zone_from_its_name_as_it_is_or_this_machines(monkeypatch):
    assert frames.zone("Asia/Shanghai") == ZoneInfo("Asia/Shanghai")
    assert frames.zone(UTC) is UTC
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    try:
        assert frames.zone(None) == ZoneInfo("Europe/London")
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_frame_cell_as_a_plain_value():
    from datetime import date, datetime

    import numpy as np
    import pandas as pd

    assert frames.day("2026-03-01") == date(2026, 3, 1)
    assert frames.day(pd.Timestamp("2026-03-01 23:30", tz="UTC")) == date(2026, 3, 1)
    assert frames.day(datetime(2026, 3, 1, 8)) == date(2026, 3, 1)
    assert frames.day(date(2026, 3, 1)) == date(2026, 3, 1)
    assert [frames.day(v) for v in (None, pd.NaT, np.nan)] == [None, None, None]
    assert frames.whole(np.float64(3.0)) == 3 and frames.whole(pd.NA) is None
    assert frames.text_or_none("") == "" and frames.text_or_none(np.nan) is None
