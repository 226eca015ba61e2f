"""The agenda editor: the agenda built from what is open, to rename, time-box, reorder, drop
and add to, with the running total against the meeting's length.

    editor = AgendaEditor(store, "华辰 ERP 升级", duration=60)
    editor                      # the last line of a cell shows it
    editor.agenda               # the agenda as edited (an ``Agenda``: lines(), frame()...)

Nothing is written to the store: ``invite(store, project, at, agenda=editor.agenda)`` puts the
edited agenda in the invitation (its client part).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING

import ipywidgets as w

from ...forms import Form, ProjectWidget, Undo, escape, heading
from ...i18n import label, language, t
from ..agenda import DEFAULT_MINUTES, Agenda, AgendaItem, agenda

if TYPE_CHECKING:
    from ...store import ProjectRef, Store

__all__ = ["AgendaEditor"]

_OVER = "#c62828"
_FITS = "#2e7d32"


class _Row(w.HBox):
    """One item: its number, title and minutes (editable), what it is, and its buttons."""

    def __init__(self, item: AgendaItem, number: int, lang: str) -> None:
        self.item = item
        section = t(f"meetings.agenda.section.{item.section}", lang)
        about = " · ".join(p for p in (section, item.owner, item.detail) if p)
        self.number = w.HTML(f"<b>{number}.</b>", layout=w.Layout(width="2.5em"))
        self.title = w.Text(value=item.title, layout=w.Layout(width="26em"))
        self.minutes = w.BoundedIntText(
            value=item.minutes, min=0, max=720, layout=w.Layout(width="5.5em")
        )
        self.unit = w.Label(t("meetings.agenda.widget.unit", lang))
        self.about = w.HTML(
            f"<span style='color:#555'>{escape(about)}</span>", layout=w.Layout(width="22em")
        )
        small = {"layout": w.Layout(width="2.8em")}
        self.up = w.Button(icon="arrow-up", tooltip=t("meetings.agenda.widget.up", lang), **small)
        self.down = w.Button(
            icon="arrow-down", tooltip=t("meetings.agenda.widget.down", lang), **small
        )
        self.drop = w.Button(icon="times", tooltip=t("meetings.agenda.widget.drop", lang), **small)
        super().__init__(
            [
                self.number,
                self.title,
                self.minutes,
                self.unit,
                self.about,
                self.up,
                self.down,
                self.drop,
            ]
        )


class AgendaEditor(ProjectWidget):
    """The agenda of the next meeting (:func:`~commlib.meetings.agenda.agenda`), to edit.

    Each row's title and minutes can be changed; ↑ and ↓ move it, ✕ drops it (undo brings it
    back); a free item is added at the end, before any other business. The line at the top
    adds the minutes up against the meeting's length (red when over). "Fit" scales every
    item to the length; "rebuild" starts again from what is open in the store.

    ``agenda`` starts from an agenda already built; else it is built with ``today``,
    ``days`` and ``duration``. On a client screen, items of internal records are hidden
    (and not in :attr:`agenda`); they are back when the screen is internal again.
    """

    def __init__(
        self,
        store: Store,
        project: ProjectRef,
        lang: str | None = None,
        *,
        agenda: Agenda | None = None,
        today: date | None = None,
        days: int = 14,
        duration: int = 60,
        audience: str | None = None,
    ) -> None:
        super().__init__(store, project, lang, audience)
        self._today, self._days = today, days
        self.items: list[AgendaItem] = []
        self.rows: list[_Row] = []
        self._base: Agenda | None = None
        with language(self.lang):
            self.form = Form([], status=self.status, lang=self.lang)
            self.undo = Undo(self.form)
            start = agenda.duration if agenda is not None else duration
            self.duration = w.BoundedIntText(
                value=start, min=5, max=720, layout=w.Layout(width="6em")
            )
            self.duration.observe(lambda _change: self._show_total(), "value")
            self.total = w.HTML()
            self.rows_box = w.VBox([])
            self.new_title = w.Text(
                placeholder=t("meetings.agenda.widget.new_title"), layout=w.Layout(width="26em")
            )
            self.new_minutes = w.BoundedIntText(
                value=DEFAULT_MINUTES["other"], min=1, max=720, layout=w.Layout(width="5.5em")
            )
            self.add_button = w.Button(description=t("meetings.agenda.widget.add"), icon="plus")
            self.add_button.on_click(lambda _b: self.add_item())
            self.fit_button = w.Button(
                description=t("meetings.agenda.widget.fit"),
                icon="compress",
                tooltip=t("meetings.agenda.widget.fit_tip"),
            )
            self.fit_button.on_click(lambda _b: self.fit())
            self.rebuild_button = w.Button(
                description=t("meetings.agenda.widget.rebuild"), icon="refresh"
            )
            self.rebuild_button.on_click(lambda _b: self.form.run(self.refresh))
            self.children = [
                w.HBox([heading(t("meetings.agenda.widget.title")), self.badge]),
                w.HBox([w.Label(label("duration_min")), self.duration, self.total]),
                self.rows_box,
                w.HBox([self.new_title, self.new_minutes, self.add_button]),
                w.HBox([self.fit_button, self.rebuild_button, self.undo, self.status]),
            ]
            if agenda is None:
                self.refresh()
            else:
                self._load(agenda)

    # --- what it shows --------------------------------------------------------------

    @property
    def agenda(self) -> Agenda:
        """The agenda as edited (on a client screen: its client part)."""
        base = self._base
        assert base is not None  # set in __init__
        audience = "client" if self.client else base.audience
        return dataclasses.replace(
            base, items=self._shown(), duration=self.duration.value, audience=audience
        )

    def refresh(self) -> None:
        """Build the agenda again from what is open in the store (edits are lost)."""
        self._load(
            agenda(
                self.store,
                self.project_id,
                today=self._today,
                days=self._days,
                duration=self.duration.value,
                audience=self.audience,
                lang=self.lang,
            )
        )

    def audience_changed(self) -> None:
        self._render()

    def _load(self, found: Agenda) -> None:
        self._base = found
        self.items = list(found.items)
        self.undo.forget()
        self._render()

    def _shown(self) -> list[AgendaItem]:
        return [i for i in self.items if not self.client or i.visibility == "client"]

    def _render(self) -> None:
        with language(self.lang):
            for row in self.rows:
                for child in row.children:
                    child.close()
                row.close()
            shown = self._shown()
            self.rows = [_Row(item, n, self.lang) for n, item in enumerate(shown, start=1)]
            for row in self.rows:
                row.title.observe(lambda c, row=row: self._rename(row, c["new"]), "value")
                row.minutes.observe(lambda c, row=row: self._set_minutes(row, c["new"]), "value")
                row.up.on_click(lambda _b, row=row: self.move(self.rows.index(row), -1))
                row.down.on_click(lambda _b, row=row: self.move(self.rows.index(row), 1))
                row.drop.on_click(lambda _b, row=row: self.drop(self.rows.index(row)))
            if self.rows:
                self.rows[0].up.disabled = True
                self.rows[-1].down.disabled = True
            empty = w.HTML("<i>" + escape(t("meetings.agenda.widget.empty")) + "</i>")
            self.rows_box.children = self.rows or [empty]
            self._show_total()

    def _show_total(self) -> None:
        with language(self.lang):
            total = sum(i.minutes for i in self._shown())
            duration = self.duration.value
            text = t("meetings.agenda.total", total=total, duration=duration)
            if total > duration:
                more, color = t("meetings.agenda.widget.over", minutes=total - duration), _OVER
            elif total < duration:
                more, color = t("meetings.agenda.widget.left", minutes=duration - total), ""
            else:
                more, color = t("meetings.agenda.widget.fits"), _FITS
            style = f" style='color:{color}'" if color else ""
            self.total.value = (
                f"<span class='commlib-agenda-total'{style}><b>{escape(text)}</b> · "
                f"{escape(more)}</span>"
            )

    def _at(self, row: _Row) -> int:
        """Where the row's item is in ``items`` (hidden ones included)."""
        return next(n for n, item in enumerate(self.items) if item is row.item)

    def _replace(self, row: _Row, **changes: object) -> None:
        new = dataclasses.replace(row.item, **changes)  # type: ignore[arg-type]
        self.items[self._at(row)] = new
        row.item = new
        self._show_total()

    # --- editing ----------------------------------------------------------------------

    def _rename(self, row: _Row, title: str) -> None:
        with language(self.lang):
            if not title.strip():
                self.status.error(t("meetings.agenda.widget.empty_title", title=row.item.title))
                return
            self.status.clear()
            self._replace(row, title=title.strip())

    def _set_minutes(self, row: _Row, minutes: int) -> None:
        self._replace(row, minutes=int(minutes))

    def move(self, position: int, step: int) -> None:
        """Move the item shown at ``position`` (from 0) one place up (-1) or down (+1)."""
        shown = self._shown()
        other = position + step
        if not 0 <= other < len(shown):
            return
        a = next(n for n, i in enumerate(self.items) if i is shown[position])
        b = next(n for n, i in enumerate(self.items) if i is shown[other])
        self.items[a], self.items[b] = self.items[b], self.items[a]
        self._render()

    def drop(self, position: int) -> None:
        """Take the item shown at ``position`` (from 0) off the agenda (undo puts it back)."""
        item = self._shown()[position]
        at = next(n for n, i in enumerate(self.items) if i is item)
        del self.items[at]
        self._render()
        with language(self.lang):
            self.status.ok(t("meetings.agenda.widget.dropped", title=item.title))
            self.undo.remember(item.title, lambda: self._put_back(at, item))

    def _put_back(self, at: int, item: AgendaItem) -> None:
        self.items.insert(min(at, len(self.items)), item)
        self._render()

    def add_item(self, title: str | None = None, minutes: int | None = None) -> bool:
        """Add a free item (default: the one typed in the last row) before any other
        business; ``True`` when it went on."""
        with language(self.lang):
            text = (self.new_title.value if title is None else title).strip()
            if not text:
                self.status.error(t("meetings.agenda.widget.no_title"))
                return False
            boxed = int(self.new_minutes.value if minutes is None else minutes)
            item = AgendaItem("other", text, boxed)
            aob = [n for n, i in enumerate(self.items) if i.section == "aob"]
            self.items.insert(aob[-1] if aob else len(self.items), item)
            self.new_title.value = ""
            self._render()
            self.status.ok(t("meetings.agenda.widget.added", title=text))
        return True

    def fit(self) -> None:
        """Scale every item shown so the minutes add up to the meeting's length."""
        with language(self.lang):
            shown = self._shown()
            if not shown:
                return
            fitted = self.agenda.fitted(self.duration.value)
            fresh = {id(old): new for old, new in zip(shown, fitted.items, strict=False)}
            gone = {id(old) for old in shown[len(fitted.items) :]}  # no minute left for them
            self.items = [fresh.get(id(i), i) for i in self.items if id(i) not in gone]
            self._render()
            self.status.ok(t("meetings.agenda.widget.fitted", duration=self.duration.value))
