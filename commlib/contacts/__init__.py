"""Contacts: the communication log, stakeholder register, communication plan and follow-ups.

    from commlib.contacts import ContactLogger, losing_touch, timeline_chart

``log_contact`` (``log.py``) stores a contact and its follow-ups in one transaction; the widgets
(``widgets/``, one per module) write to the store, the logger through ``log_contact``; metrics
(``metrics.py``) are pure functions over the store's DataFrames; charts (``charts.py``) turn
those into altair charts.
"""

from .charts import cadence_chart, power_interest_chart, response_time_chart, timeline_chart
from .log import log_contact
from .metrics import (
    channel_mix,
    contact_cadence,
    directory,
    engagement_gap,
    losing_touch,
    overdue_follow_ups,
    response_summary,
    response_times,
)
from .widgets import CommunicationPlan, ContactLogger, FollowUpBoard, StakeholderRegister

__all__ = [
    "CommunicationPlan",
    "ContactLogger",
    "FollowUpBoard",
    "StakeholderRegister",
    "cadence_chart",
    "channel_mix",
    "contact_cadence",
    "directory",
    "engagement_gap",
    "log_contact",
    "losing_touch",
    "overdue_follow_ups",
    "power_interest_chart",
    "response_summary",
    "response_time_chart",
    "response_times",
    "timeline_chart",
]
