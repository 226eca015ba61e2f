"""The summary's values and how they show: :class:`AreaStatus`, :class:`Item`,
:class:`Section`, :class:`Summary` (a status review's) and :class:`Digest` (the kickoff's or
the retrospective's), as HTML (status chips, facts, lists) and as plain text."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..i18n import language, t

__all__ = ["COLOURS", "AreaStatus", "Digest", "Item", "Section", "Summary"]

#: chip colours (with a text label on each chip: the colour is never the only sign)
COLOURS = {
    "green": ("#2e7d32", "white"),
    "amber": ("#f9a825", "black"),
    "red": ("#c62828", "white"),
    "none": ("#9e9e9e", "black"),
}


# --- values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaStatus:
    """One area's status. ``computed``/``computed_reason`` are the rules' verdict; when an
    override applies, ``status``/``reason`` are the override's and ``overridden`` is True."""

    area: str
    status: str
    reason: str
    computed: str
    computed_reason: str
    overridden: bool = False


@dataclass(frozen=True)
class Item:
    """A line of a list: what (``kind``: milestone, deliverable, decision, change, issue,
    follow_up), its title, a date, and a short note (e.g. who a decision waits on)."""

    kind: str
    title: str
    on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class Section:
    """A titled list and the sentence it shows when empty."""

    key: str
    title: str
    items: tuple[Item, ...]
    empty: str


@dataclass(frozen=True)
class Summary:
    """The executive summary of a period (see the module's docstring)."""

    project: str
    since: date
    until: date
    audience: str
    lang: str
    overall: AreaStatus
    areas: tuple[AreaStatus, ...]
    accomplishments: tuple[Item, ...] = ()
    next_period: tuple[Item, ...] = ()
    decisions_needed: tuple[Item, ...] = ()

    def area(self, name: str) -> AreaStatus:
        return next(a for a in (self.overall, *self.areas) if a.area == name)

    def sections(self) -> list[Section]:
        with language(self.lang):
            return [
                Section(
                    "accomplishments",
                    t("summary.section.accomplishments"),
                    self.accomplishments,
                    t("summary.empty.accomplishments"),
                ),
                Section(
                    "next_period",
                    t("summary.section.next_period"),
                    self.next_period,
                    t("summary.empty.next_period"),
                ),
                Section(
                    "decisions_needed",
                    t("summary.section.decisions_needed"),
                    self.decisions_needed,
                    t("summary.empty.decisions_needed"),
                ),
            ]

    def heading(self) -> str:
        with language(self.lang):
            return t("summary.heading", project=self.project, since=self.since, until=self.until)

    def _repr_html_(self) -> str:
        with language(self.lang):
            statuses = [_status_html(a, self.audience) for a in (self.overall, *self.areas)]
            # the report's own heading names the summary: the box says which period it covers
            period = t("summary.period", since=self.since, until=self.until)
            return _page(period, statuses, [], self.sections())

    def text(self) -> str:
        """Plain text, for an e-mail body."""
        with language(self.lang):
            lines = [self.heading(), ""]
            for a in (self.overall, *self.areas):
                lines.append(_status_text(a, self.audience))
            return "\n".join([*lines, *_sections_text(self.sections())]).rstrip() + "\n"

    def to_frame(self) -> pd.DataFrame:
        """One row per area (overall first): ``area, status, reason, overridden, computed,
        computed_reason`` (the last two empty for a client)."""
        internal = self.audience == "internal"
        rows = [
            {
                "area": a.area,
                "status": a.status,
                "reason": a.reason,
                "overridden": a.overridden,
                "computed": a.computed if internal else "",
                "computed_reason": a.computed_reason if internal else "",
            }
            for a in (self.overall, *self.areas)
        ]
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class Digest:
    """A one-page summary of facts and lists: the kickoff's or the retrospective's."""

    title: str
    lang: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...] = ()

    def _repr_html_(self) -> str:
        return _page(None, [], list(self.facts), list(self.sections))

    def text(self) -> str:
        with language(self.lang):
            facts = [t("summary.labelled", label=k, value=v) for k, v in self.facts]
        lines = [self.title, "", *facts]
        return "\n".join([*lines, *_sections_text(self.sections)]).rstrip() + "\n"

    def to_frame(self) -> pd.DataFrame:
        """The facts: ``item, value``."""
        return pd.DataFrame(list(self.facts), columns=["item", "value"])


# --- presentation -------------------------------------------------------------------------


_BOX = (
    "font-family:inherit;max-width:48rem;line-height:1.45;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact"
)


_BLOCK = "margin:0 0 0.5em 0;break-inside:avoid"


def _chip(status: str) -> str:
    background, colour = COLOURS[status]
    return (
        f'<span class="commlib-chip commlib-{status}" style="display:inline-block;'
        f"background:{background};color:{colour};border:1px solid #555;border-radius:3px;"
        f'padding:0 8px;font-weight:600;white-space:nowrap">'
        f"{html.escape(t(f'summary.status.{status}'))}</span>"
    )


def _status_html(a: AreaStatus, audience: str) -> str:
    name = html.escape(t(f"summary.area.{a.area}"))
    mark = ""
    if a.overridden:
        mark = f' <em class="commlib-override">{html.escape(t("summary.override"))}</em>'
    extra = ""
    if a.overridden and audience == "internal":
        extra = (
            '<div class="commlib-computed" style="font-size:0.9em;color:#555">'
            f"{html.escape(t('summary.computed'))} {_chip(a.computed)} "
            f"{html.escape(a.computed_reason)}</div>"
        )
    style = ("font-size:1.1em;" if a.area == "overall" else "") + _BLOCK
    return (
        f'<div class="commlib-status" data-area="{a.area}" style="{style}">'
        f"<strong>{name}</strong> {_chip(a.status)}{mark}"
        f'<div class="commlib-reason">{html.escape(a.reason)}</div>{extra}</div>'
    )


def _item_text(item: Item) -> str:
    return f"{item.title} — {item.note}" if item.note else item.title


def _page(
    title: str | None,
    statuses: list[str],
    facts: list[tuple[str, str]],
    sections: list[Section],
) -> str:
    parts = [f'<div class="commlib-summary" style="{_BOX}">']
    if title:
        parts.append(f"<h3>{html.escape(title)}</h3>")
    parts += statuses
    if facts:
        parts.append('<dl style="margin:0">')
        for key, value in facts:
            parts.append(
                f'<dt style="font-weight:600">{html.escape(key)}</dt>'
                f'<dd style="margin:0 0 0.4em 0">{html.escape(value)}</dd>'
            )
        parts.append("</dl>")
    for s in sections:
        parts.append(f'<h4 data-section="{s.key}">{html.escape(s.title)}</h4>')
        if s.items:
            lines = "".join(f"<li>{html.escape(_item_text(i))}</li>" for i in s.items)
            parts.append(f'<ul style="padding-left:1.2em;margin:0">{lines}</ul>')
        else:
            parts.append(f'<p class="commlib-empty">{html.escape(s.empty)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _status_text(a: AreaStatus, audience: str) -> str:
    status = f"[{t(f'summary.status.{a.status}')}] {a.reason}"
    line = t("summary.labelled", label=t(f"summary.area.{a.area}"), value=status)
    if a.overridden:
        line += f" {t('summary.override')}"
        if audience == "internal":
            computed = t(f"summary.status.{a.computed}")
            line += f"\n    {t('summary.computed')} [{computed}] {a.computed_reason}"
    return line


def _sections_text(sections: Iterable[Section]) -> list[str]:
    lines: list[str] = []
    for s in sections:
        lines += ["", s.title]
        lines += [f"- {_item_text(i)}" for i in s.items] or [s.empty]
    return lines
