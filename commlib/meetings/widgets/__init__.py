"""Widgets of the meetings: the agenda editor (``agenda.py``)."""

from .agenda import AgendaEditor

__all__ = ["AgendaEditor"]
