"""What a widget that edits one kind of record shares: a chooser of the stored records
("+ new" first), a form that loads the chosen one, saving by ``store.add`` or
``store.update`` with an undo, the chosen record's change history, and client mode.

:class:`RecordEditor` is the base of the risk register and the issue log. ``model`` names
the record (``model.kind`` is the store's kind and the prefix of the message keys
``<kind>.form.new``, ``.added``, ``.updated``, ``.undo_added``, ``.undo_updated``,
``.history``, ``.history_none``); a widget builds ``chooser``, ``form``, ``table``,
``history`` and ``undo`` (with ``on_undone=self._undone``), and fills in its own parts:
``_refresh_choices``, ``_show_table``, ``_load``, ``_refusals``, ``_shown``, and where it
needs them ``_listed``, ``_show_chosen``, ``_keep_hidden``, ``_check`` and ``_reminders``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .contacts.widgets import local_time
from .errors import InvalidRecord, Problem
from .forms import ProjectWidget, escape
from .i18n import label, language, t

if TYPE_CHECKING:
    import ipywidgets as w

    from .store import ProjectRef, Store

#: moments of change of the chosen record shown under the form (latest first)
HISTORY_SHOWN = 8


class RecordEditor(ProjectWidget):
    """A table of a project's records of ``model.kind`` and a form to add or edit one."""

    NEW = 0

    def __init__(
        self, store: Store, project: ProjectRef, lang: str | None, audience: str | None = None
    ) -> None:
        super().__init__(store, project, lang, audience)
        #: the records the widget shows (the audience's), by id
        self._records: dict[int, Any] = {}
        #: internal fields typed before the screen went to client mode, by the record chosen
        self._stash: tuple[int, dict[str, Any]] | None = None
        self._loading = False

    # --- the audience ---

    def audience_changed(self) -> None:
        """Client mode: internal fields leave the screen (kept aside, back when it is
        internal again); internal records leave the table and the chooser."""
        chosen = self.chooser.value
        self._offer_undo()
        if self.client:
            if self.status.level == "ok":
                self.status.clear()  # it may name an internal record
            self._stash = (chosen, {n: self.form[n].input.value for n in self._internal})
            for name in self._internal:
                self.form[name].reset()
        self._show_internal_fields()
        self.form.run(self.refresh, keep=True)
        if self.chooser.value == self.NEW and chosen == self.NEW:
            self.form["visibility"].reset()
        if not self.client:
            stored = self._records.get(self.chooser.value)
            if stored is not None:  # back on the screen: the stored notes, not blanks
                self.form.set_values({n: getattr(stored, n) for n in self._internal})
            if self._stash is not None and self._stash[0] == self.chooser.value:
                for name, value in self._stash[1].items():  # what was being typed
                    self.form[name].input.value = value
            self._stash = None

    def _visible(self, records: list[Any]) -> list[Any]:
        return [r for r in records if r.visibility == "client"] if self.client else list(records)

    # --- reading ---

    def refresh(self, select: int | None = None) -> None:
        """Re-read the records and what they point at; ``select`` one to edit.

        The form is reloaded only when the choice changes, so edits in progress stay.
        """
        with language(self.lang):
            records = self._visible(self.store.records(self.model.kind, self.project_id))
            self._records = {r.id: r for r in records}
            self._refresh_choices(records)
            self._show_table()
            current = self.chooser.value if select is None else select
            self._loading = True
            try:
                self.chooser.options = [(t(f"{self.model.kind}.form.new"), self.NEW)] + [
                    (f"#{r.id} {r.title}", r.id) for r in self._listed(records)
                ]
                self.chooser.value = current if current in self._records else self.NEW
            finally:
                self._loading = False
            if select is not None or self.chooser.value != current:
                self._load(self.chooser.value)
            else:
                self._show_chosen(self.chooser.value)

    def _listed(self, records: list[Any]) -> list[Any]:
        """The records the chooser offers, in its order (default: as stored)."""
        return records

    def _show_chosen(self, record_id: int) -> None:
        """What the form shows of the chosen record besides its fields: its history."""
        self._show_history(record_id)

    def _show_history(self, record_id: int) -> None:
        """The chosen record's changes of its tracked fields, latest first."""
        if record_id == self.NEW or record_id not in self._records:
            self.history.value = ""
            return
        kind = self.model.kind
        changes = self.store.history(self.project_id, kind=kind, record_id=record_id)
        if self.client:
            changes = changes[~changes["field"].isin(self.model.internal_fields)]
        title = f"<b>{escape(t(f'{kind}.form.history', id=record_id))}</b>"
        if changes.empty:
            self.history.value = f"{title} <i>{escape(t(f'{kind}.form.history_none'))}</i>"
            return
        items = []
        moments = list(dict.fromkeys(changes["changed_at"]))[-HISTORY_SHOWN:]
        for moment in reversed(moments):
            at_once = changes[changes["changed_at"] == moment]
            parts = [
                f"{label(c.field)}: {self._shown(c.field, c.old)} → {self._shown(c.field, c.new)}"
                for c in at_once.itertuples(index=False)
            ]
            when = local_time(moment.to_pydatetime())
            items.append(f"<li>{escape(when)} · {escape('; '.join(parts))}</li>")
        self.history.value = f"{title}<ul style='margin:2px 0'>{''.join(items)}</ul>"

    # --- choosing ---

    def edit(self, record_id: int | None) -> None:
        """Choose a record to edit (``None``: a new one), as the dropdown does."""
        self.chooser.value = record_id or self.NEW

    def _chosen(self, change: dict[str, Any]) -> None:
        if not self._loading:
            self.form.run(lambda: self._load(change["new"]))

    # --- saving ---

    def save(self, _button: w.Button | None = None) -> bool:
        """Add the new record, or update the chosen one (its history is kept)."""
        return self.form.run(self._save)

    def _values(self) -> dict[str, Any]:
        """The form's values; every problem at once (typing, the widget's own rules and the
        model's)."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, field in self.form.fields.items():
            try:
                values[name] = field.value
            except InvalidRecord as err:
                problems += err.problems
        if self.client:  # not on the screen, so not the form's to write
            for name in self._internal:
                values.pop(name, None)
        self._keep_hidden(values)
        problems += self._refusals(values)
        if problems:
            bad = {p.field for p in problems}
            try:
                self._check(values)
            except InvalidRecord as err:
                problems += [p for p in err.problems if p.field.split(".")[0] not in bad]
            raise InvalidRecord(problems, t("error.fix_hint"))
        return values

    def _keep_hidden(self, values: dict[str, Any]) -> None:
        """Keep what the chosen record points at and a client's screen cannot show."""

    def _check(self, values: dict[str, Any]) -> None:
        """The model's problems with ``values`` (an ``InvalidRecord``), said with the form's."""
        self.model(project_id=self.project_id, **values)

    def _reminders(self, saved: Any) -> str:
        """What an edit left for later, said after "updated" (default: nothing)."""
        return ""

    def _save(self) -> None:
        kind = self.model.kind
        values = self._values()
        chosen = self.chooser.value
        if chosen == self.NEW:
            saved = self.store.add(self.model(project_id=self.project_id, **values))
            message = t(f"{kind}.form.added", id=saved.id, title=saved.title)
            self._remember(
                t(f"{kind}.form.undo_added", id=saved.id, title=saved.title),
                lambda: self.store.delete(kind, saved.id),
                public=saved.visibility == "client",
            )
            self.refresh(select=self.NEW)
        else:
            before = self._records[chosen]
            saved = self.store.update(kind, chosen, **values)
            message = t(f"{kind}.form.updated", id=saved.id, title=saved.title)
            message += self._reminders(saved)
            old = {name: getattr(before, name) for name in values}
            self._remember(
                t(f"{kind}.form.undo_updated", id=saved.id, title=before.title),
                lambda: self.store.update(kind, chosen, **old),
                public=before.visibility == "client",
            )
            self.refresh(select=chosen)
        self.status.ok(message)
        self._announce(kind)

    def _undone(self) -> None:
        """After an undo: show the records as they are now, and tell the other widgets."""
        self._last_save = None
        chosen = self.chooser.value
        self.refresh(select=chosen if chosen in self._records else self.NEW)
        self._announce(self.model.kind)
