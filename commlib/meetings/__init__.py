"""Meetings across time zones and cultures: when each stakeholder works (``working_time``),
and what to know before meeting them (``culture_brief``).

    >>> from commlib.meetings import culture_brief, working_time
    >>> working_time(stakeholder).windows(date(2026, 10, 10))
    >>> culture_brief(store.frame("stakeholders", project), today=today)
"""

from .brief import culture_brief
from .working_time import WorkingTime, holiday_region, working_time

__all__ = ["WorkingTime", "culture_brief", "holiday_region", "working_time"]
