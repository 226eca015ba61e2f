"""Widgets of the meetings: the agenda editor (``agenda.py``), the minutes (``minutes.py``)."""

from .agenda import AgendaEditor
from .minutes import MeetingMinutes

__all__ = ["AgendaEditor", "MeetingMinutes"]
