"""Meetings across time zones and cultures, one job per module:

- ``working_time.py``: when each stakeholder works (hours, lunch, time zone, public holidays
  and China's make-up working days, from the ``holidays`` library);
- ``brief.py``: the culture brief (language, zone, hours, coming holidays, form of address);
- ``planner.py`` and ``charts.py``: the times that suit every attendee, most comfortable for
  the least comfortable first, and the heat map of the overlap;
- ``listing.py``: the meetings at a glance, with where their minutes stand;
- ``agenda.py``: the agenda built from what is open, time-boxed to the meeting;
- ``invite.py``: the invitation, a planned ``Meeting`` and its iCalendar file;
- ``minutes.py``: the minutes saved in one transaction, summarised back to the attendees
  and confirmed by the client;
- ``widgets/``: the agenda editor and the minutes form.

    >>> from commlib.meetings import find_slots, project_attendees, agenda, invite
    >>> find_slots(project_attendees(store, "ERP", ["王建国", "Mary Jones"]), days=10)

The charts, the widgets and the minutes load from their modules on first use: the command
line's ``commlib meeting slots`` does not wait for altair or ipywidgets. ``agenda``,
``invite`` and ``working_time`` are imported here, as they are named like their modules: so
``from commlib.meetings import invite`` is always the function.
"""

from typing import TYPE_CHECKING

from .. import _lazy
from .agenda import Agenda, AgendaItem, agenda
from .invite import ics, invite, write_invitation
from .working_time import WorkingTime, holiday_region, working_time

if TYPE_CHECKING:
    from .brief import culture_brief
    from .charts import overlap_chart, overlap_frame
    from .listing import meeting_list
    from .minutes import (
        DecisionItem,
        FollowUpItem,
        IssueItem,
        Minutes,
        confirm_minutes,
        minutes_email,
        read_minutes,
        save_minutes,
        unconfirmed_minutes,
        write_minutes_email,
    )
    from .planner import (
        Slot,
        closest_stretch,
        find_slots,
        project_attendees,
        slots_frame,
        slots_table,
    )
    from .widgets import AgendaEditor, MeetingMinutes

_LAZY = {
    "culture_brief": "brief",
    "overlap_chart": "charts",
    "overlap_frame": "charts",
    "meeting_list": "listing",
    "Slot": "planner",
    "closest_stretch": "planner",
    "find_slots": "planner",
    "project_attendees": "planner",
    "slots_frame": "planner",
    "slots_table": "planner",
    "DecisionItem": "minutes",
    "FollowUpItem": "minutes",
    "IssueItem": "minutes",
    "Minutes": "minutes",
    "confirm_minutes": "minutes",
    "minutes_email": "minutes",
    "read_minutes": "minutes",
    "save_minutes": "minutes",
    "unconfirmed_minutes": "minutes",
    "write_minutes_email": "minutes",
    "AgendaEditor": "widgets",
    "MeetingMinutes": "widgets",
}

__getattr__, __dir__ = _lazy.attach(__name__, _LAZY)

__all__ = [
    "Agenda",
    "AgendaEditor",
    "AgendaItem",
    "DecisionItem",
    "FollowUpItem",
    "IssueItem",
    "MeetingMinutes",
    "Minutes",
    "Slot",
    "WorkingTime",
    "agenda",
    "closest_stretch",
    "confirm_minutes",
    "culture_brief",
    "find_slots",
    "holiday_region",
    "ics",
    "invite",
    "meeting_list",
    "minutes_email",
    "overlap_chart",
    "overlap_frame",
    "project_attendees",
    "read_minutes",
    "save_minutes",
    "slots_frame",
    "slots_table",
    "unconfirmed_minutes",
    "working_time",
    "write_invitation",
    "write_minutes_email",
]
