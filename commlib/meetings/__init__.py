"""Meetings across time zones and cultures: when each stakeholder works (``working_time``).

>>> from commlib.meetings import working_time
>>> working_time(stakeholder).windows(date(2026, 10, 10))
"""

from .working_time import WorkingTime, holiday_region, working_time

__all__ = ["WorkingTime", "holiday_region", "working_time"]
