"""What the contact-log importers share (mail, calendar, contact-log CSV): addresses and the
people they name, the one transaction that saves a file's contacts, one-line summaries of
texts, stable ids and moments in UTC."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from ..models import Contact, Project, Stakeholder
from ..store import Store
from ..text import NOT_TEXT
from ._report import ImportReport

#: what counts as an e-mail address in a message or an invitation
ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"\\\ufffd]+@[\w-]+(\.[\w-]+)+")


@dataclass
class Parties:
    """The people of one message or meeting, sorted into stakeholders, team and unknown."""

    stakeholder_ids: list[int]
    team: list[str]
    unknown: list[str]

    @property
    def related(self) -> bool:
        """A stakeholder takes part, or the team talks with someone from outside."""
        return bool(self.stakeholder_ids) or (bool(self.team) and bool(self.unknown))


class People:
    """Who is who in one project: stakeholders by e-mail (any case), the team's addresses.

    ``Project.team`` holds addresses (``lead@nimbus.com``) and domains (``nimbus.com`` or
    ``@nimbus.com``); a domain also covers its subdomains (``cn.nimbus.com``).
    """

    def __init__(self, store: Store, project: Project) -> None:
        self.stakeholders: list[Stakeholder] = store.records("stakeholders", project)  # type: ignore[assignment]
        self._by_email: dict[str, int] = {}
        for person in self.stakeholders:
            if person.email and person.id is not None:
                self._by_email.setdefault(person.email.lower(), person.id)
        team = [a.strip().lower() for a in project.team]
        self._addresses = {a for a in team if "@" in a.lstrip("@")}
        self._domains = {a.lstrip("@") for a in team if "@" not in a.lstrip("@")}

    def stakeholder(self, address: str) -> int | None:
        return self._by_email.get(address.lower())

    def is_team(self, address: str) -> bool:
        address = address.lower()
        if address in self._addresses:
            return True
        domain = address.rpartition("@")[2]
        return any(domain == d or domain.endswith("." + d) for d in self._domains)

    def sort(self, addresses: Iterable[str]) -> Parties:
        ids: list[int] = []
        team: list[str] = []
        unknown: list[str] = []
        for address in dict.fromkeys(a.strip().lower() for a in addresses if a):
            if not ADDRESS.fullmatch(address):
                continue
            found = self.stakeholder(address)
            if found is not None:
                ids += [found] if found not in ids else []
            if self.is_team(address):
                team.append(address)
            elif found is None:
                unknown.append(address)
        return Parties(ids, team, unknown)

    @cached_property
    def zone(self) -> ZoneInfo:
        """The time zone most of the project's stakeholders are in (UTC when none is set)."""
        zones = Counter(p.timezone for p in self.stakeholders if p.timezone)
        if not zones:
            return ZoneInfo("UTC")
        return ZoneInfo(min(zones, key=lambda z: (-zones[z], z)))


def save(store: Store, project: Project, report: ImportReport, contacts: list[Contact]) -> None:
    """Write the contacts not stored yet, in one transaction; count the others as duplicates."""
    with store.transaction():
        stored = store.source_keys("contacts", project)
        fresh = []
        for contact in contacts:
            key = (contact.source, contact.source_id)
            if key in stored:
                report.duplicates += 1
                continue
            stored.add(key)
            fresh.append(contact)
        store.add_all(fresh)
    report.added += len(fresh)


LINE_BREAKS = re.compile(r"\s*[\r\n\x85\u2028\u2029]+\s*")
_HISTORY = [
    # Gmail, Apple Mail, Thunderbird: "On Thu, 5 Mar 2026, Zhang Wei <...> wrote:" (maybe wrapped)
    r"^[^\S\n]*On\b[^\n]{0,300}?(?:\n[^\n]{0,300}?)?\bwrote:[^\S\n]*$",
    r"^[^\S\n]*在[^\n]{0,300}?写道[:：]?[^\S\n]*$",
    # Outlook, Foxmail, QQ Mail
    r"^[^\S\n]*-{2,}[^\S\n]*(?:Original Message|原始邮件|Reply Message)[^\S\n]*-{2,}",
    r"^[^\S\n]*[*]?(?:From|发件人)[*]?[^\S\n]*[:：][^\n]*\n[^\S\n]*[*]?(?:Sent|发送时间)[*]?[^\S\n]*[:：]",
    r"^[^\S\n]*_{10,}[^\S\n]*$",
    # the signature separator
    r"^-- $",
]
_HISTORY_START = re.compile("|".join(f"(?:{p})" for p in _HISTORY), re.M | re.I)


def one_line(text: str, limit: int = 200) -> str:
    """Text fit for a one-line field: no control characters or breaks, at most ``limit``."""
    return _cut(" ".join(NOT_TEXT.sub(" ", text).split()), limit)


def summarise(text: str, limit: int = 500) -> str:
    """The gist of a message: quoted replies and history removed, whitespace collapsed, cut.

    Lines starting with ``>`` go, and so does everything from the first "On ... wrote:",
    "在 ... 写道：", "-----Original Message-----", "-----原始邮件-----", Outlook's
    "From:/Sent:" block, a line of underscores (also the join block of Teams invitations)
    or the signature separator ``-- ``.
    """
    text = NOT_TEXT.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    found = _HISTORY_START.search(text)
    if found:
        text = text[: found.start()]
    kept = [line for line in text.split("\n") if not line.lstrip().startswith(">")]
    return _cut(" ".join(" ".join(kept).split()), limit)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip() + "…"


def stable_id(*parts: object) -> str:
    """A short, stable hash of some values, for records whose source gives no id."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def to_utc(moment: datetime | date, zone: ZoneInfo) -> datetime:
    """A moment in UTC; dates are midnight in ``zone``, naive times are taken in ``zone``."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)
