"""The agenda of the next meeting, built from what is open in the store, time-boxed to the
meeting's length.

    >>> a = agenda(store, "华辰 ERP 升级", today=date(2026, 10, 1), duration=60)
    >>> a.lines()          # the plain text form; a notebook cell shows a table (_repr_html_)
    >>> a.frame()          # a row per item
    >>> agenda(store, "华辰 ERP 升级", audience="client")   # what the client may see

**What goes on it**, in this order (each section sorted as said):

1. follow-ups still open and due by the end of the coming period (``today`` + ``days``):
   by due date, so the overdue ones come first; follow-ups without a due date are left out;
2. decisions still to take (``status == "pending"``): the client's first, then by
   ``needed_by`` (none last);
3. change requests waiting for a decision (``decision == "pending"``), oldest request first;
4. the :data:`TOP_RISKS` (3) open or mitigating risks with the highest score (probability x
   impact, as :mod:`commlib.risks.scoring` computes it; ties: the older risk first) — three
   keep the discussion on what matters, the register has the rest;
5. open and in-progress issues, most severe first, then by target date;
6. milestones not done nor cancelled whose current due date falls by the end of the period
   (late ones included: they are due too), by due date.

An opening item comes first and "any other business" last.

**Time boxes** (:func:`time_boxes`): the opening and any other business get
``duration // 12`` minutes each (2 to 10: 5 in an hour); every other item starts from its
section's :data:`DEFAULT_MINUTES` and the whole is scaled to the minutes left — shrunk when
there is too much (every item keeps at least a minute), stretched when there is little, but
never beyond twice the defaults (:data:`MAX_STRETCH`): the minutes no item needs go to any
other business. The boxes always add up to the meeting's length. When even a minute each
does not fit, the last items wait for the next meeting (``Agenda.left_out``).

**Audience**: ``audience="client"`` keeps only records shared with the client
(``visibility == "client"``); no agenda ever shows notes, descriptions or other internal
fields — an item is a title, an owner, a date and a short detail.
"""

from __future__ import annotations

import dataclasses
import html as _html
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import InvalidRecord, Problem
from ..i18n import get_language, label, language, normalise, t

if TYPE_CHECKING:
    from ..models import Project, Record
    from ..store import Store

__all__ = [
    "DEFAULT_MINUTES",
    "MAX_STRETCH",
    "SECTIONS",
    "TOP_RISKS",
    "Agenda",
    "AgendaItem",
    "agenda",
    "time_boxes",
]

#: the sections of an agenda, in order (``other``: items added by hand)
SECTIONS = (
    "opening",
    "follow_ups",
    "decisions",
    "changes",
    "risks",
    "issues",
    "milestones",
    "other",
    "aob",
)
#: the minutes an item of each section starts from, before the agenda is fitted
DEFAULT_MINUTES = {
    "follow_ups": 3,
    "decisions": 5,
    "changes": 5,
    "risks": 4,
    "issues": 4,
    "milestones": 3,
    "other": 5,
}
#: how many risks the agenda takes, highest score first
TOP_RISKS = 3
#: an item gets at most this many times its default minutes when there is time to spare
MAX_STRETCH = 2
#: statuses of work that is over
_CLOSED = ("done", "cancelled")
_AUDIENCES = ("internal", "client")


@dataclass(frozen=True)
class AgendaItem:
    """One item: its ``section`` (one of :data:`SECTIONS`), ``title`` and time box in
    ``minutes``; the record it comes from (``kind``, ``record_id``; none for the opening, any
    other business and items added by hand), its ``owner`` and date (``due``), a short
    ``detail`` (``overdue by 3 days``) in the agenda's language, and the record's
    ``visibility`` (``client`` for items of no record)."""

    section: str
    title: str
    minutes: int
    kind: str | None = None
    record_id: int | None = None
    owner: str = ""
    due: date | None = None
    detail: str = ""
    visibility: str = "client"


@dataclass
class Agenda:
    """An agenda: its ``items`` in order, the meeting's length (``duration``, minutes), the
    period it looked at (``today`` to ``until``), its ``audience`` and language (``lang``);
    ``left_out``: items no minute was left for. Shows itself as a table in a notebook;
    :meth:`lines` is the plain text form."""

    project: str
    items: list[AgendaItem]
    duration: int = 60
    today: date | None = None
    until: date | None = None
    audience: str = "internal"
    lang: str = "en"
    left_out: list[AgendaItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        """The minutes of every item together."""
        return sum(item.minutes for item in self.items)

    def frame(self) -> pd.DataFrame:
        """A row per item: ``position`` (from 1), ``section``, ``section_label``, ``title``,
        ``minutes``, ``starts_after`` (minutes from the start of the meeting), ``kind``,
        ``record_id``, ``owner``, ``due``, ``detail``."""
        rows, start = [], 0
        for n, item in enumerate(self.items, start=1):
            rows.append(
                {
                    "position": n,
                    "section": item.section,
                    "section_label": _section(item.section, self.lang),
                    "title": item.title,
                    "minutes": item.minutes,
                    "starts_after": start,
                    "kind": item.kind,
                    "record_id": item.record_id,
                    "owner": item.owner,
                    "due": item.due,
                    "detail": item.detail,
                }
            )
            start += item.minutes
        columns = [
            "position", "section", "section_label", "title", "minutes", "starts_after",
            "kind", "record_id", "owner", "due", "detail",
        ]  # fmt: skip
        df = pd.DataFrame(rows, columns=columns)
        return df.astype({"position": "int64", "minutes": "int64", "starts_after": "int64"})

    def as_dict(self) -> dict[str, object]:
        """The agenda as plain data (dates as ISO 8601 text), for JSON."""
        return {
            "project": self.project,
            "duration": self.duration,
            "total": self.total,
            "today": _iso(self.today),
            "until": _iso(self.until),
            "audience": self.audience,
            "lang": self.lang,
            "items": [
                {
                    **dataclasses.asdict(i),
                    "due": _iso(i.due),
                    "section_label": _section(i.section, self.lang),
                }
                for i in self.items
            ],
            "left_out": len(self.left_out),
        }

    def item_lines(self) -> list[str]:
        """One line per item, its section first: ``2. Follow-ups due: Send the plan (王芳;
        overdue by 3 days) — 3 min`` (what an invitation keeps)."""
        return [
            t(
                "meetings.agenda.in_section",
                self.lang,
                number=n,
                section=_section(item.section, self.lang),
                item=_item_text(item, self.lang),
            )
            for n, item in enumerate(self.items, start=1)
        ]

    def lines(self) -> list[str]:
        """The agenda as plain text: a heading, each section with its items, the total."""
        lang = self.lang
        out = [self._heading()]
        if self.until is not None:
            out.append(self._period())
        section = None
        for n, item in enumerate(self.items, start=1):
            if item.section != section:
                section = item.section
                out.append(_section(section, lang))
            out.append(f"  {n}. {_item_text(item, lang)}")
        out.append(t("meetings.agenda.total", lang, total=self.total, duration=self.duration))
        if self.left_out:
            out.append(t("meetings.agenda.left_out", lang, count=len(self.left_out)))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _heading(self) -> str:
        minutes = t("meetings.agenda.minutes", self.lang, minutes=self.duration)
        return t("meetings.agenda.heading", self.lang, project=self.project, minutes=minutes)

    def _period(self) -> str:
        return t(
            "meetings.agenda.period",
            self.lang,
            until=_date(self.until, self.lang),
            today=_date(self.today, self.lang),
        )

    def _repr_html_(self) -> str:
        lang, esc = self.lang, _html.escape
        heads = [
            "#",
            _label_in("title", lang),
            _label_in("owner", lang),
            t("meetings.agenda.column.detail", lang),
            t("meetings.agenda.column.minutes", lang),
        ]
        body, section = [], None
        for n, item in enumerate(self.items, start=1):
            if item.section != section:
                section = item.section
                body.append(
                    f'<tr class="commlib-agenda-section"><th colspan="5">'
                    f"{esc(_section(section, lang))}</th></tr>"
                )
            cells = [str(n), item.title, item.owner, item.detail]
            body.append(
                "<tr>"
                + "".join(f"<td>{esc(c)}</td>" for c in cells)
                + f'<td style="text-align:right">{item.minutes}</td></tr>'
            )
        total = t("meetings.agenda.total", lang, total=self.total, duration=self.duration)
        parts = [
            '<div class="commlib-agenda">',
            f"<h3>{esc(self._heading())}</h3>",
            f'<p class="commlib-note">{esc(self._period())}</p>' if self.until else "",
            '<table class="commlib-table"><thead><tr>',
            "".join(f"<th>{esc(h)}</th>" for h in heads),
            "</tr></thead><tbody>",
            *body,
            f'</tbody><tfoot><tr><td colspan="5"><b>{esc(total)}</b></td></tr></tfoot></table>',
        ]
        if self.left_out:
            left = t("meetings.agenda.left_out", lang, count=len(self.left_out))
            parts.append(f'<p class="commlib-note">{esc(left)}</p>')
        parts.append("</div>")
        return "".join(parts)

    def fitted(self, duration: int | None = None) -> Agenda:
        """The same items with their minutes scaled (as weights) to add up to ``duration``
        (default: the agenda's); items past the last minute are left out."""
        minutes = _duration(self.duration if duration is None else duration)
        keep = self.items[:minutes]
        boxes = time_boxes([max(1, i.minutes) for i in keep], minutes, stretch=None)
        items = [dataclasses.replace(i, minutes=m) for i, m in zip(keep, boxes, strict=True)]
        return dataclasses.replace(
            self, items=items, duration=minutes, left_out=[*self.items[minutes:], *self.left_out]
        )

    def for_client(self) -> Agenda:
        """Only the items a client may see (records shared with them, and items of no
        record); the minutes of those dropped go to any other business (or, without it,
        the agenda is fitted again)."""
        shown = [i for i in self.items if i.visibility == "client"]
        left = [i for i in self.left_out if i.visibility == "client"]
        freed = self.total - sum(i.minutes for i in shown)
        kept = dataclasses.replace(self, items=shown, audience="client", left_out=left)
        if not freed:
            return kept
        last = next((n for n in range(len(shown) - 1, -1, -1) if shown[n].section == "aob"), None)
        if last is None:
            return kept.fitted() if shown else kept
        shown[last] = dataclasses.replace(shown[last], minutes=shown[last].minutes + freed)
        return kept


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _label_in(name: str, lang: str) -> str:
    with language(lang):
        return label(name)


def _section(name: str, lang: str) -> str:
    return t(f"meetings.agenda.section.{name}", lang)


def _date(value: date | None, lang: str | None = None) -> str:
    from ..forms import format_date  # the house's way of writing dates (forms loads widgets)

    return format_date(value, lang)


def _item_text(item: AgendaItem, lang: str) -> str:
    """``Send the plan (王芳; overdue by 3 days) — 3 min``."""
    about = [p for p in (item.owner, item.detail) if p]
    text = item.title
    if about:
        text += t("meetings.agenda.about", lang, text=t("meetings.agenda.and", lang).join(about))
    return t(
        "meetings.agenda.item",
        lang,
        title=text,
        minutes=t("meetings.agenda.minutes", lang, minutes=item.minutes),
    )


# --- time boxes -------------------------------------------------------------------------


def time_boxes(
    weights: list[int], available: int, *, stretch: int | None = MAX_STRETCH
) -> list[int]:
    """Whole minutes for items of these ``weights`` (their default minutes), in proportion,
    each at least 1, adding up to ``available`` — or, when that would stretch the weights
    more than ``stretch`` times (``None``: no limit), to ``stretch`` x their sum.

    Rounding is by largest remainder (ties: the earlier item). ``available`` must be at
    least one minute per item.
    """
    n = len(weights)
    if not n:
        return []
    if available < n:
        raise ValueError(f"{available} minutes cannot hold {n} items")
    whole = sum(weights)
    target = available if stretch is None else min(available, stretch * whole)
    target = max(target, n)
    raw = [w * target / whole for w in weights]
    boxes = [max(1, math.floor(r)) for r in raw]
    while sum(boxes) > target:  # the minimum of 1 took minutes from others: give them back
        i = max((i for i in range(n) if boxes[i] > 1), key=lambda i: (boxes[i] - raw[i], -i))
        boxes[i] -= 1
    while sum(boxes) < target:
        i = max(range(n), key=lambda i: (raw[i] - boxes[i], -i))
        boxes[i] += 1
    return boxes


def _edge_minutes(duration: int) -> int:
    """The opening's minutes, and any other business's at least: 5 in an hour."""
    return min(10, max(2, duration // 12))


def _duration(value: int) -> int:
    if not isinstance(value, int) or not 5 <= value <= 720:
        raise InvalidRecord([Problem("duration", value, t("meetings.agenda.error.duration"))])
    return value


# --- what is open -----------------------------------------------------------------------


def agenda(
    store: Store,
    project: str | int | Project,
    *,
    today: date | None = None,
    days: int = 14,
    duration: int = 60,
    audience: str = "internal",
    lang: str | None = None,
) -> Agenda:
    """The agenda of a meeting of ``duration`` minutes, from what is open in ``project``
    (see the module's docstring for what, in which order, and how long), looking ``days``
    ahead of ``today`` (default: the day it is). ``audience="client"``: only records shared
    with the client. Labels in ``lang`` (default: the session's language)."""
    if audience not in _AUDIENCES:
        raise InvalidRecord([Problem("audience", audience, t("error.audience"))])
    minutes = _duration(duration)
    if not isinstance(days, int) or not 0 <= days <= 366:
        raise InvalidRecord([Problem("days", days, t("meetings.agenda.error.days"))])
    found = store.project(project)
    code = normalise(lang) if lang else get_language()
    day = today or date.today()
    until = day + timedelta(days=days)

    def shown(kind: str) -> list[Record]:
        records = store.records(kind, found.id)
        return [r for r in records if audience == "internal" or r.visibility == "client"]

    with language(code):
        content = [
            *_follow_ups(shown("follow_ups"), day, until),
            *_decisions(shown("decisions")),
            *_changes(shown("change_requests"), {s.id: s.name for s in shown("stakeholders")}),
            *_risks(shown("risks")),
            *_issues(shown("issues")),
            *_milestones(shown("milestones"), day, until),
        ]
        edge = _edge_minutes(minutes)
        room = minutes - 2 * edge
        keep, left_out = content[:room], content[room:]
        boxes = time_boxes([DEFAULT_MINUTES[i.section] for i in keep], room)
        items = [
            AgendaItem("opening", t("meetings.agenda.opening_title"), edge),
            *(dataclasses.replace(i, minutes=m) for i, m in zip(keep, boxes, strict=True)),
            AgendaItem("aob", t("meetings.agenda.aob_title"), edge + room - sum(boxes)),
        ]
    return Agenda(found.name, items, minutes, day, until, audience, code, left_out)


def _item(section: str, record: Record, title: str, **more: object) -> AgendaItem:
    return AgendaItem(
        section,
        title,
        DEFAULT_MINUTES[section],
        kind=record.kind,
        record_id=record.id,
        visibility=record.visibility,
        **more,  # type: ignore[arg-type]
    )


def _when(due: date, today: date) -> str:
    """``overdue by 3 days``, ``due today`` or ``due 3 Oct 2026``."""
    if due < today:
        return t("meetings.agenda.detail.overdue", days=(today - due).days)
    if due == today:
        return t("meetings.agenda.detail.due_today")
    return t("meetings.agenda.detail.due", date=_date(due))


def _joined(*parts: str) -> str:
    return t("meetings.agenda.and").join(p for p in parts if p)


def _follow_ups(records: list, today: date, until: date) -> list[AgendaItem]:
    due = [f for f in records if f.status == "open" and f.due is not None and f.due <= until]
    due.sort(key=lambda f: (f.due, f.id))
    return [
        _item("follow_ups", f, f.title, owner=f.owner, due=f.due, detail=_when(f.due, today))
        for f in due
    ]


def _decisions(records: list) -> list[AgendaItem]:
    pending = [d for d in records if d.status == "pending"]
    pending.sort(key=lambda d: (d.decider != "client", d.needed_by is None, d.needed_by, d.id))
    return [
        _item(
            "decisions",
            d,
            d.title,
            owner=d.decided_by,
            due=d.needed_by,
            detail=_joined(
                t(f"meetings.agenda.detail.decider.{d.decider}"),
                t("meetings.agenda.detail.needed_by", date=_date(d.needed_by))
                if d.needed_by
                else "",
            ),
        )
        for d in pending
    ]


def _changes(records: list, names: dict[int | None, str]) -> list[AgendaItem]:
    pending = [c for c in records if c.decision == "pending"]
    pending.sort(key=lambda c: (c.requested_on, c.id))
    return [
        _item(
            "changes",
            c,
            c.title,
            owner=names.get(c.requested_by, ""),
            detail=t("meetings.agenda.detail.requested", date=_date(c.requested_on)),
        )
        for c in pending
    ]


def _risks(records: list) -> list[AgendaItem]:
    from ..risks.scoring import LIVE, level, level_label  # here: the risks package is heavy

    live = [r for r in records if r.status in LIVE]
    live.sort(key=lambda r: (-r.score, r.id))
    return [
        _item(
            "risks",
            r,
            r.title,
            owner=r.owner,
            detail=t(
                "meetings.agenda.detail.score",
                score=r.score,
                level=level_label(level(r.probability, r.impact)),
            ),
        )
        for r in live[:TOP_RISKS]
    ]


def _issues(records: list) -> list[AgendaItem]:
    open_ = [i for i in records if i.status in ("open", "in_progress")]
    open_.sort(key=lambda i: (-i.severity, i.target_date is None, i.target_date, i.id))
    return [
        _item(
            "issues",
            i,
            i.title,
            owner=i.owner,
            due=i.target_date,
            detail=_joined(
                t("meetings.agenda.detail.severity", severity=i.severity),
                t("meetings.agenda.detail.target", date=_date(i.target_date))
                if i.target_date
                else "",
            ),
        )
        for i in open_
    ]


def _milestones(records: list, today: date, until: date) -> list[AgendaItem]:
    due = [m for m in records if m.status not in _CLOSED and m.current_due <= until]
    due.sort(key=lambda m: (m.current_due, m.id))
    return [
        _item("milestones", m, m.name, due=m.current_due, detail=_when(m.current_due, today))
        for m in due
    ]
