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
