"""The demo project being built (``Demo``), shared by the builders, and their date helpers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..models import Contact, Milestone, Stakeholder
from ..store import Store
from .content import INTERNAL, Tx
from .content.contacts import Topic
from .content.project import PEOPLE, SETTINGS, Person, Setting


@dataclass
class Event:
    """A contact being planned, before it has ids."""

    when: datetime
    kind: str  # a key of TEMPLATES
    channel: str
    direction: str
    people: list[str]
    topic: Topic
    sentiment: int | None = None
    notes: str = ""
    owner: str = ""  # who does the next step


@dataclass
class Demo:
    """One project being built: where, in which language, and what exists so far."""

    store: Store
    lang: str
    rng: random.Random
    today: date
    setting: Setting = field(init=False)
    words: dict[str, str] = field(init=False)
    start: date = field(init=False)
    end: date = field(init=False)
    project_id: int = 0
    rows: dict[str, Person] = field(default_factory=dict)
    people: dict[str, Stakeholder] = field(default_factory=dict)
    milestones: dict[str, Milestone] = field(default_factory=dict)
    due: dict[str, date] = field(default_factory=dict)  # milestone's current due, as planned
    events: list[Event] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    updates: list[tuple[datetime, int, str, int, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.setting = SETTINGS[self.lang]
        begin = self.today - timedelta(days=182)
        self.start = begin - timedelta(days=begin.weekday())  # a Monday, ~6 months ago
        self.end = weekday(self.start + timedelta(days=273))  # ~3 months from today
        self.rows = {p.key: p for p in PEOPLE[self.lang]}
        self.words = {key: p.name for key, p in self.rows.items()} | self.setting.words

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.setting.timezone)

    @property
    def elapsed(self) -> int:
        """Days from the start to today."""
        return (self.today - self.start).days

    def tx(self, text: Tx, **extra: str) -> str:
        """The project's language of a bilingual text, placeholders filled."""
        return text[0 if self.lang == "zh" else 1].format(**self.words, **extra)

    def visibility(self, notes: str) -> str:
        return "internal" if notes.startswith(INTERNAL[self.lang]) else "client"

    def day(self, offset: int) -> date:
        """A weekday: ``offset`` days from the start, or before today when negative."""
        base = self.start if offset >= 0 else self.today
        return weekday(base + timedelta(days=offset))

    def at(self, day: date, hour: int, minute: int = 0, zone: str | None = None) -> datetime:
        return datetime.combine(day, time(hour, minute), ZoneInfo(zone) if zone else self.zone)

    def working(self, day: date, zone: str | None = None) -> datetime:
        """A moment in working hours (09:00–17:55) on ``day``."""
        hour = self.rng.randint(9, 17)
        return self.at(day, hour, self.rng.randrange(0, 60, 5), zone)

    def who(self, key: str) -> str:
        """A stakeholder's name by key, or our n-th consultant for ``@n``."""
        if key.startswith("@"):
            return self.setting.team[int(key[1:])]
        return self.rows[key].name

    def later(self, kind: str, record_id: int, at: datetime, **changes: Any) -> None:
        """Schedule a change; changes are applied in time order so the history reads right."""
        self.updates.append((at, len(self.updates), kind, record_id, changes))

    def apply_updates(self) -> None:
        for at, _, kind, record_id, changes in sorted(self.updates, key=lambda u: u[:2]):
            self.store.update(kind, record_id, at=at, **changes)


def weekday(day: date) -> date:
    """The day itself, or the Friday before when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def next_workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))
