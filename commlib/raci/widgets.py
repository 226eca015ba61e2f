"""The RACI matrix as a grid to fill in, live in a session.

    RaciMatrix(store, "华辰 ERP 升级")

A row per milestone or deliverable (by due date), a column per stakeholder, each cell a small
dropdown (nothing, R, A, A/R, C, I). The check runs as the cells change and its findings show
under the grid; a changed cell is outlined until it is saved. Save writes every changed cell
in one transaction (``assign_all``), as ``visibility`` (the toggle; it starts as the screen's
audience); the last save can be undone. On a client screen only client-visible milestones,
stakeholders and assignments show, and a cell that also holds a role the client may not see
cannot be changed there.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import CommlibError, InvalidRecord
from ..forms import Form, ProjectWidget, Undo, enum_options, heading, on_change, toggles
from ..i18n import enum_label, label, language, t
from ..models import Assignment, Record
from .matrix import (
    CELL_CHOICES,
    ROLES,
    Matrix,
    assign_all,
    cell_text,
    check_matrix,
    parse_roles,
    read_matrix,
)

if TYPE_CHECKING:
    from ..store import ProjectRef, Store

__all__ = ["RaciMatrix"]

Cell = tuple[int, int]
_CHANGED = "2px solid #f2a93b"
_CELL_WIDTH = "5.2em"
_ROW_HEAD = "16em"


class RaciMatrix(ProjectWidget):
    """The RACI matrix of a project: a dropdown per (milestone, stakeholder) cell, the
    check's findings under it, and Save (one transaction) with an undo.

    From code: ``matrix.cell("UAT 完成", "张伟").value = "A/R"`` then
    ``matrix.save_button.click()`` (or ``matrix.save()``); ``matrix.findings`` holds the
    findings of the cells as they are on screen, saved or not.
    """

    model = Assignment

    def __init__(
        self,
        store: Store,
        project: ProjectRef,
        lang: str | None = None,
        audience: str | None = None,
    ) -> None:
        super().__init__(store, project, lang, audience)
        #: the dropdown of each cell on screen
        self.cells: dict[Cell, w.Dropdown] = {}
        self.matrix: Matrix | None = None
        self.findings = check_matrix(Matrix("", (), ()), lang=self.lang)
        self._locked: set[Cell] = set()
        self._loading = False
        with language(self.lang):
            self._build()
            self.refresh()
        on_change(store, {"raci", "milestones", "stakeholders"}, self._on_change)

    # --- building ---

    def _build(self) -> None:
        self.form = Form([], status=self.status, lang=self.lang)
        self.grid = w.GridBox([], layout=w.Layout(grid_gap="2px 4px", align_items="center"))
        self.empty = w.HTML()
        self.legend = w.HTML(self._legend())
        self.findings_box = w.HTML()
        self.findings_box.add_class("commlib-raci-findings")
        self.visibility = toggles(enum_options("visibility"), self._visibility_default())
        self.save_button = w.Button(
            description=t("widgets.save"), icon="check", button_style="primary"
        )
        self.save_button.on_click(self.save)
        self.discard_button = w.Button(description=t("raci.widget.discard"), icon="times")
        self.discard_button.on_click(self.discard)
        self.undo = Undo(self.form, on_undone=self._undone)
        shared = w.HBox(
            [w.Label(t("raci.widget.shared"), layout=w.Layout(width="10em")), self.visibility]
        )
        self.children = [
            w.HBox([heading(label("raci")), self.badge]),
            self.legend,
            self.empty,
            self.grid,
            self.findings_box,
            shared,
            w.HBox([self.save_button, self.discard_button, self.undo]),
            self.status,
        ]

    def _legend(self) -> str:
        parts = [f"<b>{r}</b> {html.escape(t(f'raci.role.{r.lower()}'))}" for r in ROLES]
        hint = html.escape(t("raci.widget.hint"))
        return f"<div style='font-size:0.9em;color:#555'>{' · '.join(parts)}<br>{hint}</div>"

    # --- reading ---

    def refresh(self) -> None:
        """Re-read the matrix; cells changed on screen and not saved keep their value."""
        with language(self.lang):
            pending = {cell: self.cells[cell].value for cell in self.changed_cells()}
            self.matrix = read_matrix(self.store, self.project_id, audience=self.audience)
            self._locked = self._hidden_roles() if self.client else set()
            self._fill(pending)
            self._check()

    def _hidden_roles(self) -> set[Cell]:
        """Cells that also hold a role a client may not see (left as they are)."""
        assert self.matrix is not None
        shown = {(m.id, s.id) for m in self.matrix.milestones for s in self.matrix.stakeholders}
        return {
            (a.milestone, a.stakeholder)
            for a in self.store.records("raci", self.project_id)
            if a.visibility != "client" and (a.milestone, a.stakeholder) in shown
        }

    def _fill(self, pending: dict[Cell, str]) -> None:
        assert self.matrix is not None
        matrix = self.matrix
        for dropdown in self.cells.values():
            dropdown.close()
        self.cells = {}
        if not matrix.milestones or not matrix.stakeholders:
            key = "raci.widget.no_milestones" if not matrix.milestones else "raci.widget.no_people"
            self.empty.value = f"<i>{html.escape(t(key))}</i>"
            self.grid.children = []
            return
        self.empty.value = ""
        names = matrix.milestone_labels()
        people = matrix.stakeholder_labels()
        stored = matrix.roles
        heads: list[w.Widget] = [w.HTML("")]
        for s in matrix.stakeholders:
            text = html.escape(people[s.id])
            where = html.escape(s.role or s.organisation)
            sub = f"<br><span style='color:#777;font-size:0.85em'>{where}</span>" if where else ""
            heads.append(
                w.HTML(
                    f"<div style='font-size:0.9em;line-height:1.2'><b>{text}</b>{sub}</div>",
                    layout=w.Layout(width=_CELL_WIDTH),
                )
            )
        body: list[w.Widget] = []
        self._loading = True
        try:
            for m in matrix.milestones:
                kind = html.escape(enum_label("milestone_kind", m.type))
                body.append(
                    w.HTML(
                        f"{html.escape(names[m.id])} "
                        f"<span style='color:#777;font-size:0.85em'>{kind}</span>",
                        layout=w.Layout(width=_ROW_HEAD),
                    )
                )
                for s in matrix.stakeholders:
                    cell = (m.id, s.id)
                    body.append(self._dropdown(cell, stored.get(cell, ()), names, people))
            for cell, value in pending.items():
                dropdown = self.cells.get(cell)
                if dropdown is not None and not dropdown.disabled:
                    if value not in dropdown.options:
                        dropdown.options = [*dropdown.options, value]
                    dropdown.value = value
        finally:
            self._loading = False
        for cell in self.cells:
            self._mark(cell)
        columns = f"{_ROW_HEAD} " + " ".join([_CELL_WIDTH] * len(matrix.stakeholders))
        self.grid.layout.grid_template_columns = columns
        self.grid.children = [*heads, *body]

    def _dropdown(
        self,
        cell: Cell,
        roles: tuple[str, ...],
        names: dict[int, str],
        people: dict[int, str],
    ) -> w.Dropdown:
        text = cell_text(roles)
        options = list(CELL_CHOICES) if text in CELL_CHOICES else [*CELL_CHOICES, text]
        dropdown = w.Dropdown(
            options=options, value=text, layout=w.Layout(width=_CELL_WIDTH), tooltip=""
        )
        dropdown.tooltip = f"{names[cell[0]]} · {people[cell[1]]}"
        if cell in self._locked:
            dropdown.disabled = True
            dropdown.tooltip += " · " + t("raci.widget.locked")
        dropdown.observe(lambda change, cell=cell: self._edited(cell), names="value")
        self.cells[cell] = dropdown
        return dropdown

    # --- editing ---

    def cell(self, milestone: int | str | Record, stakeholder: int | str | Record) -> w.Dropdown:
        """The dropdown of a cell, by ids, names (as the grid shows them) or records."""
        assert self.matrix is not None
        m = _ref(milestone, self.matrix.milestone_labels())
        s = _ref(stakeholder, self.matrix.stakeholder_labels())
        dropdown = self.cells.get((m, s)) if m is not None and s is not None else None
        if dropdown is None:
            with language(self.lang):
                message = t("raci.widget.no_cell", milestone=milestone, stakeholder=stakeholder)
            raise CommlibError(message)
        return dropdown

    def changed_cells(self) -> list[Cell]:
        """The cells whose value on screen differs from what is stored."""
        if self.matrix is None:
            return []
        stored = self.matrix.roles
        return [
            cell
            for cell, dropdown in self.cells.items()
            if not dropdown.disabled and _roles(dropdown.value) != stored.get(cell, ())
        ]

    def _edited(self, cell: Cell) -> None:
        if self._loading:
            return
        self._mark(cell)
        with language(self.lang):
            self._check()

    def _mark(self, cell: Cell) -> None:
        dropdown = self.cells[cell]
        stored = self.matrix.roles.get(cell, ()) if self.matrix else ()
        changed = not dropdown.disabled and _roles(dropdown.value) != stored
        dropdown.layout.border = _CHANGED if changed else None

    def _on_screen(self) -> dict[Cell, tuple[str, ...]]:
        """The roles of every cell as the screen shows them (stored where not changed)."""
        assert self.matrix is not None
        roles = dict(self.matrix.roles)
        for cell in self.changed_cells():
            roles[cell] = _roles(self.cells[cell].value)
        return roles

    def _check(self) -> None:
        if self.matrix is None:
            return
        self.findings = check_matrix(self.matrix, self._on_screen(), lang=self.lang)
        changed = len(self.changed_cells())
        note = ""
        if changed:
            note = (
                f"<p style='color:#8d6e00;margin:2px 0'>"
                f"{html.escape(t('raci.widget.unsaved', count=changed))}</p>"
            )
        shown = self.findings._repr_html_() if self.matrix.milestones else ""
        self.findings_box.value = note + shown

    # --- saving ---

    def save(self, _button: w.Button | None = None) -> bool:
        """Write every changed cell in one transaction; ``True`` when it went through."""
        return self.form.run(self._save)

    def _save(self) -> None:
        assert self.matrix is not None
        cells = self.changed_cells()
        if not cells:
            self.status.info(t("raci.widget.nothing"))
            return
        changes = {cell: _roles(self.cells[cell].value) for cell in cells}
        before = {cell: self.matrix.rows.get(cell, ()) for cell in cells}
        visibility = self.visibility.value
        try:
            assign_all(self.store, self.project_id, changes, visibility=visibility)
        except (InvalidRecord, LookupError) as err:
            raise CommlibError(t("raci.widget.refused", reason=str(err))) from err
        what = t("raci.widget.undo_what", count=len(cells))
        self._remember(what, lambda: self._take_back(before), public=visibility == "client")
        self.refresh()
        self.status.ok(t("raci.widget.saved", count=len(cells)))
        self._announce("raci")

    def _take_back(self, before: dict[Cell, tuple[Assignment, ...]]) -> None:
        """Undo a save: each cell gets back its roles (and their visibility, when they had
        one visibility), in one transaction."""
        groups: dict[str | None, dict[Cell, tuple[str, ...]]] = {}
        for cell, rows in before.items():
            seen = {r.visibility for r in rows}
            group = seen.pop() if len(seen) == 1 else None
            groups.setdefault(group, {})[cell] = tuple(dict.fromkeys(r.role for r in rows))
        with self.store.transaction():
            for visibility, cells in groups.items():
                assign_all(self.store, self.project_id, cells, visibility=visibility)

    def _undone(self) -> None:
        self._last_save = None
        self.refresh()
        self._announce("raci")

    def discard(self, _button: w.Button | None = None) -> None:
        """Put back what is stored in every changed cell."""
        with language(self.lang):
            stored = self.matrix.roles if self.matrix else {}
            self._loading = True
            try:
                for cell in self.changed_cells():
                    self.cells[cell].value = cell_text(stored.get(cell, ()))
            finally:
                self._loading = False
            for cell in self.cells:
                self._mark(cell)
            self._check()
            self.status.info(t("raci.widget.discarded"))

    # --- the audience ---

    def audience_changed(self) -> None:
        """A client screen: the client's part of the matrix; new cells shared with them."""
        self.visibility.value = self._visibility_default()
        self._offer_undo()
        if self.client and self.status.level == "ok":
            self.status.clear()
        self.form.run(self.refresh, keep=True)


def _roles(value: str) -> tuple[str, ...]:
    """A dropdown's value as roles (the choices are all valid; an imported pair too)."""
    try:
        return parse_roles(value)
    except InvalidRecord:
        return tuple(r for r in ROLES if r in value.split("/"))


def _ref(ref: Any, labels: dict[int, str]) -> int | None:
    if isinstance(ref, Record):
        ref = ref.id
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref if ref in labels else None
    found = [i for i, text in labels.items() if text == str(ref)]
    return found[0] if len(found) == 1 else None
