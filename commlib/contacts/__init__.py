"""Contacts: the communication log, stakeholder register, communication plan and follow-ups."""
