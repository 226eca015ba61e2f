"""The issue log widget: a table of a project's issues and a form to add or edit one.

    IssueLog(store, "华辰 ERP 升级")                  # labels in the project's language
    IssueLog(store, "ERP", lang="en", today=date(2026, 7, 15))

The table lists the issues still being worked on first, most severe first, then the
resolved and closed ones; a target date in the past of an open issue is marked in red.
Choose an issue to edit it, or "+ new issue". Saving goes through ``store.add`` or
``store.update``, so changes of status, severity, owner, target date and solution are kept
in the history. Problems show in red under the field they concern, never as a traceback.

The log refuses what a person would not mean: an issue without a title, a target date
before the day it was raised, a resolution date for an issue still open or on a day that
has not come. Setting the status to resolved or closed fills in today as the resolution
date when none is given (and going back to open clears it). "Undo" takes the last save
back through the store (an added issue is deleted, an edit's old values are written back).

In client mode (``audience="client"``, or the screen switched with
``forms.set_screen_audience``) the table, the chooser and the stakeholders, risks and
milestones offered show only client-visible records, and no field internal by nature
(the notes) is shown, loaded or written; a new issue is client-visible by default.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..contacts.widgets import local_time
from ..errors import InvalidRecord, Problem
from ..forms import (
    Field,
    Form,
    ProjectWidget,
    Undo,
    date_input,
    enum_options,
    escape,
    format_date,
    heading,
    on_change,
    parse_date,
    toggles,
)
from ..i18n import enum_label, label, language, t
from ..models import Issue
from .metrics import DONE, LIVE

if TYPE_CHECKING:
    from ..store import ProjectRef, Store

_TABLE = 'style="border-collapse:collapse;font-size:0.9em"'
_CELL = "padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"
_OVERDUE = "#c62828"
#: the fields that point at other records, chosen in a dropdown ("—" is none)
_REFERENCES = ("raised_by", "risk_id", "milestone_id")
#: moments of change of the chosen issue shown under the form (latest first)
HISTORY_SHOWN = 8


def _zero_is_none(value: Any) -> Any:
    return None if value == 0 else value


def _hint(text: str) -> w.HTML:
    return w.HTML(
        f"<span style='color:#555'>{escape(text)}</span>", layout=w.Layout(margin="0 0 0 1em")
    )


class IssueLog(ProjectWidget):
    """A project's issue log: the table, and a form to add an issue or edit one.

    ``today`` fixes the day for overdue target dates, a new issue's raised-on date and the
    resolution date filled in (default: the day it is). ``audience`` ``"client"`` or
    ``"internal"`` fixes what the log shows; ``None`` follows the screen.
    """

    model = Issue

    NEW = 0

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
        self._today = today
        self._issues: dict[int, Issue] = {}
        #: internal fields typed before the screen went to client mode, by the issue chosen
        self._stash: tuple[int, dict[str, Any]] | None = None
        #: references of the chosen issue a client's screen cannot show (kept on save)
        self._hidden: dict[str, int] = {}
        #: the last save's undo: what it says, how to revert, whether a client may see it
        self._loading = False
        with language(self.lang):
            self._build()
            self.refresh()
        on_change(store, {"issues", "risks", "milestones", "stakeholders"}, self._on_change)

    @property
    def today(self) -> date:
        return self._today or date.today()

    # --- building ---

    def _build(self) -> None:
        self.table = w.HTML()
        self.chooser = w.Dropdown(description=t("issues.form.edit"))
        self.chooser.style.description_width = "initial"
        self.chooser.observe(self._chosen, names="value")
        severity = toggles([(str(n), n) for n in range(1, 6)], 3, "3em")
        severity.tooltips = [t(f"issues.severity.{n}") for n in range(1, 6)]
        self.form = Form(
            [
                Field(
                    "title",
                    w.Text(placeholder=t("issues.form.title_placeholder")),
                    required=True,
                    width="100%",
                ),
                Field("description", w.Textarea(rows=2), width="100%"),
                Field(
                    "raised_on",
                    date_input(self.lang, self.today),
                    default=lambda: self.today,
                    parse=lambda text: parse_date(text, "raised_on"),
                    format=lambda day: format_date(day, self.lang),
                    required=True,
                ),
                Field("raised_by", w.Dropdown(options=[("—", 0)], value=0), parse=_zero_is_none),
                Field(
                    "raised_by_team",
                    w.Combobox(options=(), ensure_option=False),
                ),
                Field("impact", w.Dropdown(options=enum_options("issue_impact"), value="schedule")),
                Field("severity", severity),
                Field(
                    "owner",
                    w.Combobox(
                        options=(), ensure_option=False, placeholder=t("issues.form.owner_hint")
                    ),
                ),
                Field(
                    "solution",
                    w.Textarea(rows=3, placeholder=t("issues.form.solution_placeholder")),
                    width="100%",
                ),
                Field(
                    "target_date",
                    date_input(self.lang, None),
                    default=None,
                    parse=lambda text: parse_date(text, "target_date"),
                    format=lambda day: format_date(day, self.lang),
                ),
                Field("status", w.Dropdown(options=enum_options("issue_status"), value="open")),
                Field(
                    "resolved_on",
                    date_input(self.lang, None),
                    default=None,
                    parse=lambda text: parse_date(text, "resolved_on"),
                    format=lambda day: format_date(day, self.lang),
                ),
                Field("risk_id", w.Dropdown(options=[("—", 0)], value=0), parse=_zero_is_none),
                Field("milestone_id", w.Dropdown(options=[("—", 0)], value=0), parse=_zero_is_none),
                Field(
                    "visibility",
                    toggles(enum_options("visibility"), self._visibility_default()),
                    default=self._visibility_default,
                ),
                Field("notes", w.Textarea(rows=2), width="100%"),
            ],
            status=self.status,
            lang=self.lang,
        )
        for name in self._internal:
            row = self.form[name].children[0]
            row.children = (*row.children, _hint(t("widgets.internal_stays")))
        self.form["status"].input.observe(self._status_changed, names="value")
        self.save_button = w.Button(
            description=t("widgets.save"), icon="check", button_style="primary"
        )
        self.save_button.on_click(self.save)
        self.undo = Undo(self.form, on_undone=self._undone)
        self.history = w.HTML()
        self.children = [
            w.HBox([heading(label("issues")), self.badge], layout=w.Layout(align_items="center")),
            self.table,
            self.chooser,
            *self.form,
            w.HBox([self.save_button, self.undo, self.status]),
            self.history,
        ]
        self._show_internal_fields()

    # --- the audience ---

    def audience_changed(self) -> None:
        """Client mode: internal fields leave the screen (kept aside, back when it is
        internal again); internal issues leave the table and the chooser."""
        chosen = self.chooser.value
        self._offer_undo()
        if self.client:
            if self.status.level == "ok":
                self.status.clear()  # it may name an internal issue
            self._stash = (chosen, {n: self.form[n].input.value for n in self._internal})
            for name in self._internal:
                self.form[name].reset()
        self._show_internal_fields()
        self.form.run(self.refresh, keep=True)
        if self.chooser.value == self.NEW and chosen == self.NEW:
            self.form["visibility"].reset()
        if not self.client:
            stored = self._issues.get(self.chooser.value)
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
        """Re-read the issues and what they point at; ``select`` an issue to edit.

        The form is reloaded only when the choice changes, so edits in progress stay.
        """
        with language(self.lang):
            issues = self._visible(self.store.records("issues", self.project_id))
            self._issues = {i.id: i for i in issues}
            self._refresh_choices(issues)
            self._show_table()
            current = self.chooser.value if select is None else select
            self._loading = True
            try:
                self.chooser.options = [(t("issues.form.new"), self.NEW)] + [
                    (f"#{i.id} {i.title}", i.id) for i in self._rows()
                ]
                self.chooser.value = current if current in self._issues else self.NEW
            finally:
                self._loading = False
            if select is not None or self.chooser.value != current:
                self._load(self.chooser.value)
            else:
                self._show_history(self.chooser.value)

    def _refresh_choices(self, issues: list[Issue]) -> None:
        people = self._visible(self.store.records("stakeholders", self.project_id))
        risks = self._visible(self.store.records("risks", self.project_id))
        milestones = self._visible(self.store.records("milestones", self.project_id))
        self._options("raised_by", [(p.name, p.id) for p in people])
        self._options("risk_id", [(f"#{r.id} {r.title}", r.id) for r in risks])
        self._options(
            "milestone_id",
            [(f"{m.name} ({format_date(m.current_due, self.lang)})", m.id) for m in milestones],
        )
        owners = [p.name for p in people] + [i.owner for i in issues] + [r.owner for r in risks]
        self.form["owner"].input.options = tuple(sorted({o for o in owners if o}))
        team = [i.raised_by_team for i in issues] + [i.owner for i in issues]
        self.form["raised_by_team"].input.options = tuple(sorted({n for n in team if n}))

    def _options(self, name: str, choices: list[tuple[str, int]]) -> None:
        box = self.form[name].input
        chosen = box.value
        box.options = [("—", 0), *choices]
        box.value = chosen if chosen in {v for _, v in choices} else 0

    def _rows(self) -> list[Issue]:
        """Issues being worked on first, most severe first, then the oldest; then the
        resolved and closed ones, latest resolved first."""
        live = sorted(
            (i for i in self._issues.values() if i.status in LIVE),
            key=lambda i: (-i.severity, i.raised_on, i.id),
        )
        done = sorted(
            (i for i in self._issues.values() if i.status in DONE),
            key=lambda i: (-(i.resolved_on or i.raised_on).toordinal(), i.id),
        )
        return live + done

    def overdue(self) -> list[int]:
        """Ids of open issues whose target date is before today (red in the table)."""
        return [
            i.id
            for i in self._rows()
            if i.status in LIVE and i.target_date is not None and i.target_date < self.today
        ]

    def _show_table(self) -> None:
        if not self._issues:
            self.table.value = f"<i>{escape(t('issues.form.none_yet'))}</i>"
            return
        late = set(self.overdue())
        heads = [
            label("id"),
            label("title"),
            label("impact"),
            label("severity"),
            label("owner"),
            label("status"),
            label("raised_on"),
            label("target_date"),
            label("resolved_on"),
        ]
        head = "".join(f'<th style="{_CELL}">{escape(h)}</th>' for h in heads)
        body = []
        for i in self._rows():
            target = escape(format_date(i.target_date, self.lang))
            if i.id in late:
                days = (self.today - i.target_date).days  # type: ignore[operator]
                late_by = t("issues.form.overdue", days=days)
                target = f"<b style='color:{_OVERDUE}'>⚠ {target} ({escape(late_by)})</b>"
            cells = [
                escape(f"#{i.id}"),
                escape(i.title),
                escape(enum_label("issue_impact", i.impact)),
                escape(i.severity),
                escape(i.owner),
                escape(enum_label("issue_status", i.status)),
                escape(format_date(i.raised_on, self.lang)),
                target,
                escape(format_date(i.resolved_on, self.lang)),
            ]
            mark = ' class="commlib-overdue"' if i.id in late else ""
            faded = "" if i.status in LIVE else ";color:#888"
            body.append(
                f"<tr{mark}>"
                + "".join(f'<td style="{_CELL}{faded}">{c}</td>' for c in cells)
                + "</tr>"
            )
        self.table.value = (
            f"<table {_TABLE}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

    # --- choosing ---

    def edit(self, issue_id: int | None) -> None:
        """Choose an issue to edit (``None``: a new one), as the dropdown does."""
        self.chooser.value = issue_id or self.NEW

    def _chosen(self, change: dict[str, Any]) -> None:
        if not self._loading:
            self.form.run(lambda: self._load(change["new"]))

    def _load(self, issue_id: int) -> None:
        issue = self._issues.get(issue_id)
        self._hidden = {}
        self._loading = True
        try:
            if issue is None:
                self.form.reset()
                return
            self.form.clear_errors()
            shown = [n for n in self.form.fields if not (self.client and n in self._internal)]
            values = {name: getattr(issue, name) for name in shown}
            for name in _REFERENCES:
                values[name] = getattr(issue, name) or 0
                offered = {v for _, v in self.form[name].input.options}
                if values[name] not in offered:
                    self._hidden[name] = getattr(issue, name)  # internal: shown as "—", kept
                    values[name] = 0
            for name in self.form.fields:
                if name not in shown:
                    self.form[name].reset()
            self.form.set_values(values)
        finally:
            self._loading = False
            self._show_history(issue_id)

    def _show_history(self, issue_id: int) -> None:
        """The chosen issue's changes of status, severity, owner, target date and solution."""
        if issue_id == self.NEW or issue_id not in self._issues:
            self.history.value = ""
            return
        changes = self.store.history(self.project_id, kind="issues", record_id=issue_id)
        if self.client:
            changes = changes[~changes["field"].isin(Issue.internal_fields)]
        title = f"<b>{escape(t('issues.form.history', id=issue_id))}</b>"
        if changes.empty:
            self.history.value = f"{title} <i>{escape(t('issues.form.history_none'))}</i>"
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

    def _shown(self, field: str, value: Any) -> str:
        """A value of the history as the form shows it."""
        if value is None or (not isinstance(value, str) and value != value):
            return "—"
        if field == "status":
            return enum_label("issue_status", str(value))
        if field == "target_date":
            return format_date(date.fromisoformat(str(value)), self.lang)
        return str(value)

    def _status_changed(self, change: dict[str, Any]) -> None:
        """Resolved or closed: today is the resolution date unless one is given; back to
        open or in progress: no resolution date."""
        if self._loading:
            return
        resolved = self.form["resolved_on"]
        if change["new"] in DONE and not resolved.input.value.strip():
            resolved.set(self.today)
        elif change["new"] in LIVE and change["old"] in DONE:
            resolved.set(None)

    # --- saving ---

    def save(self, _button: w.Button | None = None) -> bool:
        """Add the new issue, or update the chosen one (its history is kept)."""
        return self.form.run(self._save)

    def _values(self) -> dict[str, Any]:
        """The form's values; every problem at once (typing, the log's own rules and the
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
        for name, kept in self._hidden.items():
            if values.get(name) is None:
                values[name] = kept
        problems += self._refusals(values)
        if problems:
            bad = {p.field for p in problems}
            given = {k: v for k, v in values.items() if v is not None}
            try:
                Issue(project_id=self.project_id, **{"raised_on": self.today, **given})
            except InvalidRecord as err:
                problems += [p for p in err.problems if p.field.split(".")[0] not in bad]
            raise InvalidRecord(problems, t("error.fix_hint"))
        return values

    def _refusals(self, values: dict[str, Any]) -> list[Problem]:
        """The log's own rules, said the way a person reads them."""
        problems = []
        raised, target = values.get("raised_on"), values.get("target_date")
        resolved, status = values.get("resolved_on"), values.get("status")
        if isinstance(raised, date) and isinstance(target, date) and target < raised:
            message = t(
                "issues.error.target_before_raised",
                target=format_date(target, self.lang),
                raised=format_date(raised, self.lang),
            )
            problems.append(Problem("target_date", target, message))
        if isinstance(resolved, date):
            if status in LIVE:
                problems.append(Problem("resolved_on", resolved, t("issues.error.resolved_open")))
            elif resolved > self.today:
                message = t(
                    "issues.error.resolved_future",
                    date=format_date(resolved, self.lang),
                    today=format_date(self.today, self.lang),
                )
                problems.append(Problem("resolved_on", resolved, message))
            elif isinstance(raised, date) and resolved < raised:
                message = t(
                    "issues.error.resolved_before_raised",
                    resolved=format_date(resolved, self.lang),
                    raised=format_date(raised, self.lang),
                )
                problems.append(Problem("resolved_on", resolved, message))
        return problems

    def _save(self) -> None:
        values = self._values()
        chosen = self.chooser.value
        if chosen == self.NEW:
            saved = self.store.add(Issue(project_id=self.project_id, **values))
            message = t("issues.form.added", id=saved.id, title=saved.title)
            self._remember(
                t("issues.form.undo_added", id=saved.id, title=saved.title),
                lambda: self.store.delete("issues", saved.id),
                public=saved.visibility == "client",
            )
            self.refresh(select=self.NEW)
        else:
            before = self._issues[chosen]
            saved = self.store.update("issues", chosen, **values)
            message = t("issues.form.updated", id=saved.id, title=saved.title)
            old = {name: getattr(before, name) for name in values}
            self._remember(
                t("issues.form.undo_updated", id=saved.id, title=before.title),
                lambda: self.store.update("issues", chosen, **old),
                public=before.visibility == "client",
            )
            self.refresh(select=chosen)
        self.status.ok(message)
        self._announce("issues")

    def _undone(self) -> None:
        """After an undo: show the log as it is now, and tell the other widgets."""
        self._last_save = None
        chosen = self.chooser.value
        self.refresh(select=chosen if chosen in self._issues else self.NEW)
        self._announce("issues")
