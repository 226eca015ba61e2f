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

from .._editor import HISTORY_SHOWN as HISTORY_SHOWN  # the number shown, importable here too
from .._editor import RecordEditor
from ..errors import Problem
from ..forms import (
    Field,
    Form,
    Undo,
    date_input,
    enum_options,
    escape,
    format_date,
    heading,
    on_change,
    parse_date,
    save_button,
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


def _zero_is_none(value: Any) -> Any:
    return None if value == 0 else value


class IssueLog(RecordEditor):
    """A project's issue log: the table, and a form to add an issue or edit one.

    ``today`` fixes the day for overdue target dates, a new issue's raised-on date and the
    resolution date filled in (default: the day it is). ``audience`` ``"client"`` or
    ``"internal"`` fixes what the log shows; ``None`` follows the screen.
    """

    model = Issue

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
        #: references of the chosen issue a client's screen cannot show (kept on save)
        self._hidden: dict[str, int] = {}
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
                self._visibility_field(),
                Field("notes", w.Textarea(rows=2), width="100%"),
            ],
            status=self.status,
            lang=self.lang,
        )
        self._mark_internal_fields()
        self.form["status"].input.observe(self._status_changed, names="value")
        self.save_button = save_button(self.save)
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

    # --- reading ---

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

    def _listed(self, issues: list[Issue]) -> list[Issue]:
        return self._rows()

    def _rows(self) -> list[Issue]:
        """Issues being worked on first, most severe first, then the oldest; then the
        resolved and closed ones, latest resolved first."""
        live = sorted(
            (i for i in self._records.values() if i.status in LIVE),
            key=lambda i: (-i.severity, i.raised_on, i.id),
        )
        done = sorted(
            (i for i in self._records.values() if i.status in DONE),
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
        if not self._records:
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

    def _load(self, issue_id: int) -> None:
        issue = self._records.get(issue_id)
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

    def _keep_hidden(self, values: dict[str, Any]) -> None:
        """What the client's screen cannot show stays as stored."""
        for name, kept in self._hidden.items():
            if values.get(name) is None:
                values[name] = kept

    def _check(self, values: dict[str, Any]) -> None:
        given = {k: v for k, v in values.items() if v is not None}
        Issue(project_id=self.project_id, **{"raised_on": self.today, **given})

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
