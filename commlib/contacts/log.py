"""Logging a contact: the contact and the follow-ups it brought, stored in one transaction.

    from commlib.contacts import log_contact

    contact, follow_ups = log_contact(
        store,
        Contact(project_id=1, when=datetime(2026, 3, 10, 1, 30, tzinfo=UTC), subject="周会"),
        [FollowUp(project_id=1, title="发送会议纪要", due=date(2026, 3, 13))],
    )

All of it is stored, or none of it. Bad input raises ``InvalidRecord`` with every problem
found, in the session's language; a follow-up's problems are located at its place in the list
(``待跟进事项 2``, ``follow_up_where(2)``). ``ContactLogger`` saves through here, and checks
each form with ``contact_problems`` and ``follow_up_problems`` before it does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import InvalidRecord, Problem
from ..i18n import label, t
from ..models import Contact, FollowUp

if TYPE_CHECKING:
    from ..store import Store


def log_contact(
    store: Store, contact: Contact, follow_ups: Iterable[FollowUp] = ()
) -> tuple[Contact, list[FollowUp]]:
    """Store ``contact`` and its ``follow_ups``, each linked to it, in one transaction.

    Returns them as stored (with their ids). The rules of ``contact_problems`` and
    ``follow_up_problems`` are checked first, then the store's own as each record is written;
    any problem raises ``InvalidRecord`` and leaves the store as it was.
    """
    follow_ups = list(follow_ups)
    problems = contact_problems(contact)
    for number, follow_up in enumerate(follow_ups, 1):
        problems += _at(number, follow_up_problems(follow_up, contact))
    if problems:
        raise InvalidRecord(problems, t("error.fix_hint"))
    with store.transaction():
        saved = store.add(contact)
        added = []
        for number, follow_up in enumerate(follow_ups, 1):
            linked = follow_up.model_copy(update={"contact_id": saved.id})
            try:
                added.append(store.add(linked))
            except InvalidRecord as err:
                raise InvalidRecord(_at(number, err.problems), err.hint) from err
    return saved, added


def contact_problems(contact: Contact) -> list[Problem]:
    """What stops ``contact`` from being logged: it names nobody and has no subject."""
    if contact.stakeholder_ids or contact.subject:
        return []
    message = t("widgets.contact.empty")
    where = label("contacts")
    return [Problem("stakeholder_ids", [], message, where), Problem("subject", "", message, where)]


def follow_up_problems(follow_up: FollowUp, contact: Contact) -> list[Problem]:
    """What stops ``follow_up`` from being logged with ``contact``: it is due before the
    contact's day (in the machine's time zone)."""
    day = contact.when.astimezone().date()
    if follow_up.due is None or follow_up.due >= day:
        return []
    from ..forms import format_date  # the session's way of writing dates (forms loads widgets)

    message = t("widgets.contact.due_before_contact", date=format_date(day))
    return [Problem("due", follow_up.due, message)]


def follow_up_where(number: int) -> str:
    """Where the problems of the ``number``-th follow-up (from 1) are located."""
    return f"{label('follow_ups')} {number}"


def _at(number: int, problems: list[Problem]) -> list[Problem]:
    return [replace(p, where=follow_up_where(number)) for p in problems]
