"""The follow-ups board: open follow-ups, overdue ones first, with "mark done".

FollowUpBoard(store, "华辰 ERP 升级")
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import ipywidgets as w

from ...forms import Form, ProjectWidget, Undo, escape, format_date, heading, on_change
from ...i18n import label, language, t
from ...models import FollowUp
from ._common import close_all, visible

if TYPE_CHECKING:
    from ...store import ProjectRef, Store

_BOARD_WIDTHS = ("11em", "10em", "8em", "30%", "25%", "9em")


class _BoardRow(w.HBox):
    def __init__(self, follow_up: FollowUp, subject: str, today: date) -> None:
        self.follow_up = follow_up
        due = follow_up.due
        self.overdue_days = (today - due).days if due is not None and due < today else 0
        if self.overdue_days:
            mark = t("widgets.board.overdue", days=self.overdue_days)
            marker = f"<b style='color:#c62828'>⚠ {escape(mark)}</b>"
        elif due == today:
            marker = "<b>" + escape(t("widgets.board.due_today")) + "</b>"
        else:
            marker = ""
        cells = [marker] + [
            escape(v) for v in (follow_up.owner, format_date(due), follow_up.title, subject)
        ]
        self.done_button = w.Button(
            description=t("widgets.board.done"), icon="check", layout=w.Layout(width="9em")
        )
        super().__init__(
            [
                w.HTML(c, layout=w.Layout(width=wd))
                for c, wd in zip(cells, _BOARD_WIDTHS, strict=False)
            ]
            + [self.done_button]
        )
        if self.overdue_days:
            self.add_class("commlib-overdue")


class FollowUpBoard(ProjectWidget):
    """Open follow-ups, overdue ones first (marked with how many days), with "mark done".

    ``today`` fixes the day (for tests and reports); by default it is the day it is.
    """

    def __init__(
        self,
        store: Store,
        project: ProjectRef,
        lang: str | None = None,
        today: date | None = None,
        audience: str | None = None,
    ) -> None:
        super().__init__(store, project, lang, audience)
        self._today = today
        self.rows: list[_BoardRow] = []
        with language(self.lang):
            self.form = Form([], status=self.status, lang=self.lang)
            self.undo = Undo(self.form)
            self.refresh_button = w.Button(description=t("widgets.refresh"), icon="refresh")
            self.refresh_button.on_click(lambda _b: self.form.run(self.refresh))
            self.rows_box = w.VBox([])
            heads = ["", label("owner"), label("due"), label("title"), label("contact_id")]
            self.children = [
                w.HBox([heading(t("widgets.board.title")), self.badge]),
                w.HBox(
                    [
                        w.HTML(f"<b>{escape(h)}</b>", layout=w.Layout(width=wd))
                        for h, wd in zip(heads, _BOARD_WIDTHS, strict=False)
                    ]
                ),
                self.rows_box,
                w.HBox([self.refresh_button, self.undo, self.status]),
            ]
            self.refresh()
        on_change(store, {"follow_ups"}, self._on_change)

    @property
    def today(self) -> date:
        return self._today or date.today()

    def refresh(self) -> None:
        """Re-read the open follow-ups."""
        with language(self.lang):
            today = self.today
            items = [
                f
                for f in visible(self.store.records("follow_ups", self.project_id), self.client)
                if f.status == "open"
            ]
            items.sort(key=lambda f: (f.due is None, f.due or today, f.id))
            subjects = {}
            for contact_id in {f.contact_id for f in items if f.contact_id is not None}:
                contact = self.store.get("contacts", contact_id)
                if contact.visibility == "client" or not self.client:
                    subjects[contact_id] = contact.subject
            for row in self.rows:
                close_all(row)
            self.rows = []
            for f in items:
                row = _BoardRow(f, subjects.get(f.contact_id, ""), today)
                row.done_button.on_click(lambda _b, row=row: self.mark_done(row))
                self.rows.append(row)
            self._show_rows()

    def _show_rows(self) -> None:
        empty = w.HTML("<i>" + escape(t("widgets.board.empty")) + "</i>")
        self.rows_box.children = self.rows or [empty]

    def mark_done(self, row: _BoardRow) -> bool:
        """Mark a follow-up done today (what its button does)."""

        def done() -> None:
            follow_up = row.follow_up
            self.store.update("follow_ups", follow_up.id, status="done", done_on=self.today)
            self.rows.remove(row)
            self._show_rows()
            close_all(row)
            self.status.ok(t("widgets.board.marked_done", title=follow_up.title))
            self.undo.remember(follow_up.title, lambda: self._reopen(follow_up))
            self._announce("follow_ups")

        return self.form.run(done)

    def _reopen(self, follow_up: FollowUp) -> None:
        """Undo "mark done": open again, as it was (the history keeps both)."""
        self.store.update(
            "follow_ups", follow_up.id, status=follow_up.status, done_on=follow_up.done_on
        )
        self.refresh()
        self._announce("follow_ups")
