"""The communication plan: what goes to whom (a stakeholder or a quadrant), how, how often.

CommunicationPlan(store, "华辰 ERP 升级")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ...errors import FormInvalid, InvalidRecord
from ...forms import (
    Checker,
    Field,
    Form,
    ProjectWidget,
    StatusLine,
    Undo,
    enum_options,
    escape,
    heading,
    on_change,
)
from ...i18n import enum_label, label, language, t
from ...models import ENUMS, QUADRANT_DEFAULTS, PlanItem, Stakeholder, quadrant_of
from ._common import close_all, stakeholder_labels, visibility_field, visible

if TYPE_CHECKING:
    from ...store import ProjectRef, Store

#: cadence words shown per language (each one is understood by ``PlanItem.cadence_days``)
CADENCE_WORDS = {
    "en": {7: "weekly", 14: "biweekly", 30: "monthly"},
    "zh": {7: "每周", 14: "双周", 30: "每月"},
}


def _default_what(quadrant: str) -> str:
    return {
        "manage_closely": t("widgets.plan.what.manage_closely"),
        "keep_satisfied": t("widgets.plan.what.keep_satisfied"),
        "keep_informed": t("widgets.plan.what.keep_informed"),
        "monitor": t("widgets.plan.what.monitor"),
    }[quadrant]


def _cadence_text(days: int, lang: str) -> str:
    return CADENCE_WORDS[lang].get(days, str(days))


def _cadence_value(text: str) -> int | str:
    text = text.strip()
    return int(text) if text.isdigit() else text


#: problems of the whole row, or of either half of the audience, show under the audience
_PLAN_ALIASES = {
    "-": "audience",
    "stakeholder_id": "audience",
    "quadrant": "audience",
    "cadence_days": "cadence",
}


_PLAN_WIDTHS = ("20%", "25%", "12%", "12%", "12%", "14em")


class _PlanRow(w.HBox):
    """One row of the plan: audience, what, channel, cadence, owner, who may see it, and a
    remove button."""

    def __init__(
        self,
        item: PlanItem | None,
        audiences: list[tuple[str, str]],
        status: StatusLine,
        lang: str,
        visibility: str = "internal",
    ) -> None:
        self.item = item
        self.snapshot: dict[str, Any] | None = None
        channels = w.Dropdown(options=enum_options("channel"), value="email")
        self.form = Form(
            [
                Field(
                    "audience",
                    w.Dropdown(options=audiences, value=""),
                    label="",
                    width=_PLAN_WIDTHS[0],
                ),
                Field("what", w.Text(placeholder=label("what")), label="", width=_PLAN_WIDTHS[1]),
                Field("channel", channels, label="", width=_PLAN_WIDTHS[2]),
                Field(
                    "cadence",
                    w.Combobox(
                        options=tuple(CADENCE_WORDS[lang].values()),
                        ensure_option=False,
                        placeholder=t("widgets.plan.cadence_placeholder"),
                    ),
                    label="",
                    parse=_cadence_value,
                    width=_PLAN_WIDTHS[3],
                ),
                Field("owner", w.Text(placeholder=label("owner")), label="", width=_PLAN_WIDTHS[4]),
                visibility_field(visibility, width=_PLAN_WIDTHS[5]),
            ],
            status=status,
            lang=lang,
            aliases=_PLAN_ALIASES,
        )
        self.remove_button = w.Button(
            icon="trash", tooltip=t("widgets.remove"), layout=w.Layout(width="3em")
        )
        super().__init__([*self.form, self.remove_button])
        if item is not None:
            self.show(item)
        else:
            self.form["cadence"].input.value = CADENCE_WORDS[lang][14]

    def show(self, item: PlanItem) -> None:
        self.item = item
        audience = f"s:{item.stakeholder_id}" if item.stakeholder_id else f"q:{item.quadrant}"
        self.form.set_values(
            {
                "audience": audience,
                "what": item.what,
                "channel": item.channel,
                "cadence": _cadence_text(item.cadence_days, self.form.lang or "en"),
                "owner": item.owner,
                "visibility": item.visibility,
            }
        )
        self.snapshot = self.data()

    def set_audiences(self, audiences: list[tuple[str, str]]) -> None:
        dropdown = self.form["audience"].input
        current = dropdown.value
        dropdown.options = audiences
        dropdown.value = current if current in {v for _, v in audiences} else ""

    def data(self) -> dict[str, Any]:
        values = self.form.values()
        audience = values.pop("audience")
        values["cadence_days"] = values.pop("cadence")
        values["stakeholder_id"] = int(audience[2:]) if audience.startswith("s:") else None
        values["quadrant"] = audience[2:] if audience.startswith("q:") else None
        return values

    @property
    def dirty(self) -> bool:
        return self.snapshot is None or self.data() != self.snapshot

    @property
    def blank(self) -> bool:
        return (
            self.item is None
            and not self.form["what"].input.value.strip()
            and not self.form["audience"].input.value
        )


class CommunicationPlan(ProjectWidget):
    """The communication plan: what goes to whom (a stakeholder or a quadrant), how, how often.

    "Propose defaults" adds a row for every quadrant that has stakeholders and no row yet.
    Save writes every new or changed row in one transaction; the bin removes a row.
    """

    def __init__(
        self,
        store: Store,
        project: ProjectRef,
        lang: str | None = None,
        audience: str | None = None,
    ) -> None:
        super().__init__(store, project, lang, audience)
        self.rows: list[_PlanRow] = []
        self._items: list[PlanItem] = []
        with language(self.lang):
            self._build()
            self.refresh()
        on_change(store, {"stakeholders"}, self._stakeholders_changed)
        on_change(store, {"communication_plan"}, self._on_change)

    def _build(self) -> None:
        self.rows_box = w.VBox([])
        self.add_button = w.Button(description=t("widgets.plan.add_row"), icon="plus")
        self.add_button.on_click(lambda _b: self.add_row())
        self.propose_button = w.Button(description=t("widgets.plan.propose"), icon="magic")
        self.propose_button.on_click(self.propose_defaults)
        self.save_button = w.Button(
            description=t("widgets.save"), icon="check", button_style="primary"
        )
        self.save_button.on_click(self.save)
        self.form = Form([], status=self.status, lang=self.lang)
        self.undo = Undo(self.form)
        heads = [t("widgets.plan.audience")]
        heads += [label(f) for f in ("what", "channel", "cadence_days", "owner", "visibility")]
        self.children = [
            w.HBox([heading(label("communication_plan")), self.badge]),
            w.HBox(
                [
                    w.HTML(f"<b>{escape(h)}</b>", layout=w.Layout(width=wd))
                    for h, wd in zip(heads, _PLAN_WIDTHS, strict=True)
                ]
            ),
            self.rows_box,
            w.HBox([self.add_button, self.propose_button, self.save_button, self.undo]),
            self.status,
        ]

    def _audiences(self) -> list[tuple[str, str]]:
        quadrants = [
            (t("widgets.plan.quadrant", name=enum_label("quadrant", q)), f"q:{q}")
            for q in ENUMS["quadrant"]
        ]
        people = [(text, f"s:{i}") for i, text in stakeholder_labels(self._people).items()]
        # a shared row may name someone this screen does not show: no name, only a mark
        shown = {p.id for p in self._people}
        unnamed = {r.item.stakeholder_id for r in self.rows if r.item is not None}
        unnamed |= {item.stakeholder_id for item in self._items}
        people += [("…", f"s:{i}") for i in sorted(unnamed - shown - {None})]
        return [("—", ""), *quadrants, *people]

    def refresh(self) -> None:
        """Re-read the plan and the stakeholders (unsaved edits are dropped)."""
        with language(self.lang):
            self._people = self._stakeholders()
            items = visible(self.store.records("communication_plan", self.project_id), self.client)
            self._items = items
            for row in self.rows:
                close_all(row)
            self.rows = []
            self.rows_box.children = []
            for item in items:
                self._append(item)

    def _stakeholders_changed(self, _kind: str, project_id: int) -> None:
        if project_id == self.project_id:
            self.form.run(self._update_audiences, keep=True)

    def _stakeholders(self) -> list[Stakeholder]:
        return visible(self.store.records("stakeholders", self.project_id), self.client)

    def _update_audiences(self) -> None:
        """New stakeholders become audiences; rows keep what they show (and unsaved edits)."""
        self._people = self._stakeholders()
        audiences = self._audiences()
        for row in self.rows:
            row.set_audiences(audiences)

    def _append(self, item: PlanItem | None) -> _PlanRow:
        shared = "client" if self.client else "internal"
        row = _PlanRow(item, self._audiences(), self.status, self.lang, shared)
        row.remove_button.on_click(lambda _b, row=row: self.remove_row(row))
        self.rows.append(row)
        self.rows_box.children = [*self.rows_box.children, row]
        return row

    def add_row(self) -> _PlanRow:
        """Add an empty row (not stored until Save); returns it."""
        with language(self.lang):
            return self._append(None)

    def remove_row(self, row: _PlanRow) -> bool:
        """Remove a row, from the store too when it is stored."""

        def remove() -> None:
            if row.item is not None:
                self.store.delete("communication_plan", row.item.id)
            self.rows.remove(row)
            self.rows_box.children = [c for c in self.rows_box.children if c is not row]
            close_all(row)
            if row.item is not None:
                self.status.ok(t("widgets.plan.removed", what=row.item.what))
                self._announce("communication_plan")

        return self.form.run(remove)

    def save(self, _button: w.Button | None = None) -> bool:
        """Write every new or changed row in one transaction (nothing if one is wrong)."""
        return self.form.run(self._save, clear=[row.form for row in self.rows])

    def _save(self) -> None:
        check = Checker()
        pending = []
        for row in self.rows:
            if row.blank or not row.dirty:
                continue
            data = row.data()
            item = check.build(
                row.form, lambda data=data: PlanItem(project_id=self.project_id, **data)
            )
            pending.append((row, data, item))
        check.raise_if_any()
        saved = []
        with self.store.transaction():
            for row, data, item in pending:
                try:
                    if row.item is None:
                        saved.append((row, self.store.add(item)))
                    else:
                        saved.append(
                            (row, self.store.update("communication_plan", row.item.id, **data))
                        )
                except InvalidRecord as err:
                    raise FormInvalid([(row.form, err.problems)]) from err
        taken_back = [(item.id, row.item) for row, item in saved]
        for row, item in saved:
            row.show(item)
        self.status.ok(t("widgets.plan.saved", count=len(saved)))
        if saved:
            what = ", ".join(item.what for _row, item in saved)
            self.undo.remember(what, lambda: self._take_back(taken_back))
            self._announce("communication_plan")

    def _take_back(self, saved: list[tuple[int, PlanItem | None]]) -> None:
        """Undo a save: delete the rows it added, write the old values of those it changed."""
        fields = ("what", "stakeholder_id", "quadrant", "channel", "cadence_days", "owner")
        with self.store.transaction():
            for item_id, before in saved:
                if before is None:
                    self.store.delete("communication_plan", item_id)
                else:
                    old = {f: getattr(before, f) for f in (*fields, "visibility")}
                    self.store.update("communication_plan", item_id, **old)
        self.refresh()
        self._announce("communication_plan")

    def propose_defaults(self, _button: w.Button | None = None) -> bool:
        """Add a row for each quadrant that has stakeholders and no row yet."""
        return self.form.run(self._propose)

    def _propose(self) -> None:
        people = self.store.records("stakeholders", self.project_id)
        present = {quadrant_of(p.power, p.interest) for p in people}
        stored = self.store.records("communication_plan", self.project_id)
        planned = {item.quadrant for item in stored}
        planned |= {row.data()["quadrant"] for row in self.rows}
        proposed = [
            PlanItem(
                project_id=self.project_id,
                quadrant=q,
                what=_default_what(q),
                channel=QUADRANT_DEFAULTS[q][0],
                cadence_days=QUADRANT_DEFAULTS[q][1],
                visibility="client" if self.client else "internal",
            )
            for q in ENUMS["quadrant"]
            if q in present and q not in planned
        ]
        if not proposed:
            self.status.info(t("widgets.plan.nothing_to_propose"))
            return
        added = self.store.add_all(proposed)
        for item in added:
            self._append(item)
        self.status.ok(t("widgets.plan.proposed", count=len(proposed)))
        what = ", ".join(item.what for item in added)
        self.undo.remember(what, lambda: self._take_back([(item.id, None) for item in added]))
        self._announce("communication_plan")
