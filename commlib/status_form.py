"""The specialist's word on the executive summary: set an area's status by hand, with the
reason, or withdraw it. Each change goes through ``commlib.summary.override_status`` /
``clear_override``, so the history keeps every status an area had::

    StatusOverrideForm(store, "华辰 MES 升级", today=until)

A client-mode screen saves overrides client-visible (the client reads the reason); an
internal one saves them internal unless the visibility is switched.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import ipywidgets as w

from .errors import InvalidRecord, Problem
from .forms import Field, Form, ProjectWidget, Undo, enum_options, escape, heading, toggles
from .i18n import enum_label, language, t
from .models import StatusOverride
from .summary import active_overrides, clear_override, override_status

if TYPE_CHECKING:
    from .store import ProjectRef, Store


class StatusOverrideForm(ProjectWidget):
    """Choose an area, a status and the reason; Save sets it, Withdraw ends it."""

    model = StatusOverride

    def __init__(
        self,
        store: Store,
        project: ProjectRef,
        lang: str | None = None,
        audience: str | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(store, project, lang, audience)
        self.today = today or date.today()
        with language(self.lang):
            self._build()
            self.refresh()

    def _build(self) -> None:
        self.form = Form(
            [
                Field("area", w.Dropdown(options=enum_options("status_area"), value="overall")),
                Field("status", toggles(enum_options("rag"), "amber")),
                Field("reason", w.Textarea(rows=2), width="100%"),
                Field(
                    "visibility",
                    toggles(enum_options("visibility"), self._visibility_default()),
                    default=self._visibility_default,
                ),
            ],
            status=self.status,
            lang=self.lang,
        )
        self.save_button = w.Button(
            description=t("widgets.save"), icon="check", button_style="primary"
        )
        self.save_button.on_click(self.save)
        self.withdraw_button = w.Button(description=t("status_form.withdraw"), icon="times")
        self.withdraw_button.on_click(self.withdraw)
        self.undo = Undo(self.form, on_undone=lambda: self._announce("status_overrides"))
        self.current = w.HTML()
        self.children = [
            w.HBox([heading(t("status_form.title")), self.badge]),
            self.current,
            *self.form,
            w.HBox([self.save_button, self.withdraw_button, self.undo, self.status]),
        ]

    def refresh(self) -> None:
        """Show the overrides in force that this screen's audience may see."""
        with language(self.lang):
            found = active_overrides(self.store, self.project_id, audience=self.audience)
            if not found:
                self.current.value = f"<i>{escape(t('status_form.none'))}</i>"
                return
            lines = "".join(
                f"<li><b>{escape(enum_label('status_area', area))}</b>: "
                f"{escape(enum_label('rag', row['status']))} · {escape(row['reason'])}</li>"
                for area, row in found.items()
            )
            self.current.value = f"<ul style='margin:2px 0'>{lines}</ul>"

    def audience_changed(self) -> None:
        self.form["visibility"].reset()
        self.form.run(self.refresh, keep=True)

    def save(self, _button: w.Button | None = None) -> bool:
        """Set the chosen area's status by hand (a reason is required)."""
        return self.form.run(self._save)

    def _save(self) -> None:
        values = self.form.values()
        if not str(values["reason"]).strip():
            raise InvalidRecord([Problem("reason", "", t("status_form.reason_needed"))])
        before = self._stored(values["area"])
        saved = override_status(
            self.store,
            self.project_id,
            values["area"],
            values["status"],
            values["reason"].strip(),
            today=self.today,
            visibility=values["visibility"],
        )
        self._remember(before, saved.id)
        self.form["reason"].reset()
        self.status.ok(
            t(
                "status_form.saved",
                area=enum_label("status_area", saved.area),
                status=enum_label("rag", saved.status),
            )
        )
        self.refresh()
        self._announce("status_overrides")

    def withdraw(self, _button: w.Button | None = None) -> bool:
        """End the chosen area's override: the computed status shows again."""
        return self.form.run(self._withdraw)

    def _withdraw(self) -> None:
        area = self.form["area"].value
        before = self._stored(area)
        ended = clear_override(self.store, self.project_id, area)
        if ended is None:
            self.status.info(t("status_form.nothing", area=enum_label("status_area", area)))
            return
        self._remember(before, ended.id)
        self.status.ok(t("status_form.withdrawn", area=enum_label("status_area", area)))
        self.refresh()
        self._announce("status_overrides")

    def _stored(self, area: str) -> StatusOverride | None:
        found = [
            r for r in self.store.records("status_overrides", self.project_id) if r.area == area
        ]
        return found[-1] if found else None

    def _remember(self, before: StatusOverride | None, record_id: int) -> None:
        """Undo writes the area's override back as it was (or deletes a new one)."""
        if before is None:

            def revert() -> None:
                self.store.delete("status_overrides", record_id)
        else:
            old = before.model_dump(include={"status", "reason", "set_on", "active", "visibility"})

            def revert() -> None:
                self.store.update("status_overrides", record_id, **old)

        def undone() -> None:
            revert()
            self.refresh()

        self.undo.remember(enum_label("status_area", (before or self._get(record_id)).area), undone)

    def _get(self, record_id: int) -> StatusOverride:
        return self.store.get("status_overrides", record_id)  # type: ignore[return-value]
