"""Widgets for the contact log, the stakeholder register, the communication plan and the
follow-ups of one project, one per module. Each is a ``VBox``: the last line of a cell shows it.

    ContactLogger(store, "华辰 ERP 升级")           # logger.py: a contact and its follow-ups
    StakeholderRegister(store, "华辰 ERP 升级")     # register.py: who is who, power/interest
    CommunicationPlan(store, "华辰 ERP 升级")       # plan.py: what goes to whom, how often
    FollowUpBoard(store, "华辰 ERP 升级")           # board.py: open follow-ups, overdue first

Labels follow ``lang`` (``zh`` or ``en``), by default the project's language. Values are
checked by the models; a problem shows in red under the field it concerns, never as a
traceback. Widgets of the same store tell each other what changed (a stakeholder added in
the register shows up in the logger), so nothing re-reads the store on a keystroke. What they
share (stakeholder labels, local times, tables) is in ``_common.py``.
"""

from ...errors import FormInvalid  # its old home: importable from here as before
from ._common import local_time, stakeholder_labels
from .board import FollowUpBoard
from .logger import LATEST, ContactLogger
from .people import PeoplePicker
from .plan import CADENCE_WORDS, CommunicationPlan
from .register import COMMON_TIMEZONES, TEAM_ONLY, StakeholderRegister

__all__ = [
    "CADENCE_WORDS",
    "COMMON_TIMEZONES",
    "LATEST",
    "TEAM_ONLY",
    "CommunicationPlan",
    "ContactLogger",
    "FollowUpBoard",
    "FormInvalid",
    "PeoplePicker",
    "StakeholderRegister",
    "local_time",
    "stakeholder_labels",
]
