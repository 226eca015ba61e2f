"""The stakeholder register: who is who, power/interest, engagement; add one or edit one.

StakeholderRegister(store, "华辰 ERP 升级")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ...forms import Field, Form, ProjectWidget, Undo, enum_options, heading, on_change, toggles
from ...i18n import enum_label, label, language, t
from ...models import Stakeholder, quadrant_of
from ._common import (
    html_table,
    internal_hint,
    none_if_empty,
    stakeholder_labels,
    visibility_field,
    visible,
)

if TYPE_CHECKING:
    from ...store import ProjectRef, Store

#: time zones offered in the register (any IANA name can be typed)
COMMON_TIMEZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)

#: holiday calendars offered (any code the ``holidays`` library knows can be typed: US-NY...)
COMMON_REGIONS = (
    "CN", "HK", "TW", "SG", "JP", "KR", "IN", "AE", "GB", "DE", "FR", "US", "CA", "BR", "AU",
    "none",
)  # fmt: skip

#: the team's own analysis and what is internal by nature: never on a client's screen
TEAM_ONLY = (
    "email",
    "phone",
    "power",
    "interest",
    "engagement_current",
    "engagement_desired",
    "etiquette",
)


class StakeholderRegister(ProjectWidget):
    """The project's stakeholders as a table, and a form to add one or edit one.

    Edits go through ``store.update``, so changes of power, interest and engagement are
    kept in the history; "undo" takes the last save back. In client mode only
    client-visible stakeholders show, without ``TEAM_ONLY`` fields (an edit keeps their
    stored values, a new stakeholder gets the defaults) and without stored notes (notes
    typed then are added to them).
    """

    NEW = 0

    def __init__(
        self,
        store: Store,
        project: ProjectRef,
        lang: str | None = None,
        audience: str | None = None,
    ) -> None:
        super().__init__(store, project, lang, audience)
        self._people: dict[int, Stakeholder] = {}
        self._loading = False
        with language(self.lang):
            self._build()
            self.refresh()
        on_change(store, {"stakeholders"}, self._on_change)

    def _build(self) -> None:
        scale = [(str(n), n) for n in range(1, 6)]
        languages = [(t("widgets.stakeholder.project_language"), ""), *enum_options("language")]
        self.table = w.HTML()
        self.chooser = w.Dropdown(description=t("widgets.stakeholder.edit"))
        self.chooser.style.description_width = "initial"
        self.chooser.observe(self._chosen, names="value")
        self.form = Form(
            [
                Field("name", w.Text()),
                Field("organisation", w.Text()),
                Field("role", w.Text()),
                Field("email", w.Text(placeholder="name@example.com")),
                Field("phone", w.Text()),
                Field(
                    "preferred_channel", w.Dropdown(options=enum_options("channel"), value="email")
                ),
                Field(
                    "timezone",
                    w.Combobox(
                        options=COMMON_TIMEZONES,
                        ensure_option=False,
                        placeholder=t("widgets.stakeholder.timezone_placeholder"),
                    ),
                ),
                Field("language", w.Dropdown(options=languages, value=""), parse=none_if_empty),
                Field(
                    "address_as",
                    w.Text(placeholder=t("widgets.stakeholder.address_as_placeholder")),
                ),
                Field("work_hours", w.Text(value="09:00-18:00", placeholder="09:00-18:00")),
                Field(
                    "lunch",
                    w.Combobox(
                        options=("12:00-13:30", "12:00-13:00", "none"),
                        ensure_option=False,
                        placeholder=t("widgets.stakeholder.lunch_placeholder"),
                    ),
                ),
                Field(
                    "holiday_region",
                    w.Combobox(
                        options=COMMON_REGIONS,
                        ensure_option=False,
                        placeholder=t("widgets.stakeholder.region_placeholder"),
                    ),
                ),
                Field("power", toggles(scale, 3, "3em")),
                Field("interest", toggles(scale, 3, "3em")),
                Field(
                    "engagement_current",
                    w.Dropdown(options=enum_options("engagement"), value="neutral"),
                ),
                Field(
                    "engagement_desired",
                    w.Dropdown(options=enum_options("engagement"), value="supportive"),
                ),
                Field(
                    "etiquette",
                    w.Textarea(rows=2, placeholder=t("widgets.stakeholder.etiquette_placeholder")),
                    width="100%",
                ),
                visibility_field("client" if self.client else "internal"),
                Field("notes", w.Textarea(rows=2), width="100%"),
            ],
            status=self.status,
            lang=self.lang,
        )
        self.save_button = w.Button(
            description=t("widgets.save"), icon="check", button_style="primary"
        )
        self.save_button.on_click(self.save)
        self.undo = Undo(self.form)
        self._title = w.HBox([heading(label("stakeholders")), self.badge])
        self._hint = internal_hint()
        self._lay_out()

    def _lay_out(self) -> None:
        """The form's fields this audience may see."""
        hidden = set(TEAM_ONLY) if self.client else set()
        self.children = [
            self._title,
            self.table,
            self.chooser,
            *(f for name, f in self.form.fields.items() if name not in hidden),
            self._hint,
            w.HBox([self.save_button, self.undo, self.status]),
        ]

    def audience_changed(self) -> None:
        visibility = self.form["visibility"]
        visibility.default = "client" if self.client else "internal"
        self._lay_out()

        def switch() -> None:
            self.refresh()
            self._load(self.chooser.value)  # what is shown follows the audience

        self.form.run(switch, keep=True)

    def refresh(self, select: int | None = None) -> None:
        """Re-read the stakeholders; ``select`` one to edit (default: keep the choice).

        The form is reloaded only when the choice changes, so edits in progress stay.
        """
        with language(self.lang):
            people = visible(self.store.records("stakeholders", self.project_id), self.client)
            self._people = {p.id: p for p in people}
            self._show_table()
            labels = stakeholder_labels(people)
            current = self.chooser.value if select is None else select
            self._loading = True
            try:
                self.chooser.options = [(t("widgets.stakeholder.new"), self.NEW)] + [
                    (text, i) for i, text in labels.items()
                ]
                self.chooser.value = current if current in self._people else self.NEW
            finally:
                self._loading = False
            if select is not None or self.chooser.value != current:
                self._load(self.chooser.value)

    def _show_table(self) -> None:
        columns = ["name", "organisation", "role", "preferred_channel", "timezone", "work_hours"]
        if not self.client:
            columns += [*TEAM_ONLY[2:-1], "quadrant"]
        values = {
            "preferred_channel": lambda p: enum_label("channel", p.preferred_channel),
            "engagement_current": lambda p: enum_label("engagement", p.engagement_current),
            "engagement_desired": lambda p: enum_label("engagement", p.engagement_desired),
            "quadrant": lambda p: enum_label("quadrant", quadrant_of(p.power, p.interest)),
        }
        rows = [
            [values[c](p) if c in values else getattr(p, c) for c in columns]
            for p in self._people.values()
        ]
        headers = [label(c) for c in columns]
        self.table.value = html_table(headers, rows, t("widgets.stakeholder.none_yet"))

    def edit(self, stakeholder_id: int | None) -> None:
        """Choose a stakeholder to edit (``None``: a new one), as the dropdown does."""
        self.chooser.value = stakeholder_id or self.NEW

    def _chosen(self, change: dict[str, Any]) -> None:
        if not self._loading:
            self.form.run(lambda: self._load(change["new"]))

    def _load(self, stakeholder_id: int) -> None:
        person = self._people.get(stakeholder_id)
        if person is None:
            self.form.reset()
            return
        self.form.clear_errors()
        values = {name: getattr(person, name) for name in self.form.fields}
        values["language"] = values["language"] or ""
        if self.client:  # the team's fields and notes stay off the screen
            for name in (*TEAM_ONLY, "notes"):
                values[name] = self.form[name].default
        self.form.set_values(values)

    def _values(self, person: Stakeholder | None) -> dict[str, Any]:
        """The form's values to store; in client mode without what it does not show."""
        values = self.form.values()
        if self.client:
            for name in TEAM_ONLY:
                del values[name]
            if person is not None:
                typed = values["notes"].strip()
                values["notes"] = "\n".join(n for n in (person.notes, typed) if n)
        return values

    def save(self, _button: w.Button | None = None) -> bool:
        """Add the new stakeholder, or update the chosen one."""
        return self.form.run(self._save)

    def _save(self) -> None:
        chosen = self.chooser.value
        before = self._people.get(chosen) if chosen != self.NEW else None
        values = self._values(before)
        if before is None:
            saved = self.store.add(Stakeholder(project_id=self.project_id, **values))
            message = t("widgets.stakeholder.added", name=saved.name)
            self.refresh(select=self.NEW)
            self.undo.remember(saved.name, lambda: self._take_back(saved.id, None))
        else:
            saved = self.store.update("stakeholders", chosen, **values)
            message = t("widgets.stakeholder.updated", name=saved.name)
            self.refresh(select=chosen)
            self.undo.remember(saved.name, lambda: self._take_back(chosen, before))
        self.status.ok(message)
        self._announce("stakeholders")

    def _take_back(self, stakeholder_id: int, before: Stakeholder | None) -> None:
        """Undo an add (delete it) or an edit (write the old values back)."""
        if before is None:
            self.store.delete("stakeholders", stakeholder_id)
        else:
            old = before.model_dump(exclude={"id", "project_id", "created_at", "updated_at"})
            self.store.update("stakeholders", stakeholder_id, **old)
        self.refresh(select=self.chooser.value)
        self._announce("stakeholders")
