"""The risk register widget: a table of a project's risks and a form to add or edit one.

    RiskRegister(store, "华辰 ERP 升级")                 # labels in the project's language
    RiskRegister(store, "ERP", lang="en", matrix=RiskMatrix.from_thresholds(4, 8, 15))

The table lists every risk, live ones (open, mitigating) first by score; a review date in
the past is marked in red. Choose a risk to edit it, or "+ new risk". As probability and
impact move, the score, level and expected monetary value update at once. Saving goes
through ``store.add`` or ``store.update``, so changes of probability, impact, status,
owner, review date... are kept in the history (the last few show under the form).
Problems show in red under the field they concern, never as a traceback.

The register refuses a review date in the past (before the widget's ``today``) for a live
risk that is new or whose review date is being changed; editing another field of a risk
whose stored review date has passed still saves, and the status line asks for the next
date. With ``require_owner`` (the default: a risk nobody watches is not managed) a new
risk needs an owner, and an owner cannot be removed; a stored risk that never had one
can still be edited (the status line says it needs one). Review dates are typed in the
session's language and order (``2026-04-24`` / ``24 Apr 2026``), not the browser's.
"Undo" takes the last save back through the store (an added risk is deleted, an edit's
old values are written back, so the history keeps both). A chosen risk stored as
occurred offers "Raise as an issue" (:func:`commlib.issues.raise_from_risk`): it becomes
an issue of the issue log, once.

In client mode (``audience="client"``, or the screen switched with
``forms.set_screen_audience``) the table, the chooser, the owners, categories and
milestones offered, and the history show only client-visible records, and no field of
``Risk.internal_fields`` (the notes) is shown, loaded or written; a new risk is
client-visible by default. Cost and schedule impact stay: the model does not call them
internal, and the client owns the budget and the dates they affect.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
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
from ..issues.from_risk import raise_from_risk
from ..models import Milestone, Risk
from .amounts import format_amount, parse_amount, parse_days
from .charts import LEVEL_COLOURS
from .scoring import (
    DEFAULT_MATRIX,
    LIVE,
    PROBABILITY_BANDS,
    PROBABILITY_PERCENT,
    SCALE,
    RiskMatrix,
    expected_value,
    level_label,
    scale_label,
)

if TYPE_CHECKING:
    from ..store import ProjectRef, Store

#: a new risk is due for review this many days after today
REVIEW_DAYS = 14
#: moments of change of the chosen risk shown under the form (latest first)
HISTORY_SHOWN = 8
_TABLE = 'style="border-collapse:collapse;font-size:0.9em"'
_CELL = "padding:2px 8px;border-bottom:1px solid #ddd;text-align:left"
_OVERDUE = "#c62828"


# --- helpers ----------------------------------------------------------------------------


def common_categories() -> list[str]:
    """Risk categories offered in the form, in the current language (any text is allowed)."""
    return [
        t("risks.category.schedule"),
        t("risks.category.budget"),
        t("risks.category.scope"),
        t("risks.category.quality"),
        t("risks.category.technical"),
        t("risks.category.resources"),
        t("risks.category.stakeholders"),
        t("risks.category.vendor"),
        t("risks.category.data"),
        t("risks.category.compliance"),
        t("risks.category.security"),
    ]


def _chip(level: str) -> str:
    colour = LEVEL_COLOURS[level]
    text = "white" if level in ("high", "critical") else "black"
    return (
        f'<span style="background:{colour};color:{text};padding:1px 8px;border-radius:3px">'
        f"{escape(level_label(level))}</span>"
    )


def _beside(field: Field, widget: w.Widget) -> None:
    """Show ``widget`` to the right of a field's input (a hint that follows its value)."""
    row = field.children[0]
    row.children = (*row.children, widget)


def _hint() -> w.HTML:
    return w.HTML("", layout=w.Layout(margin="0 0 0 1em"))


def _zero_is_none(value: Any) -> Any:
    return None if value == 0 else value


# --- the register -----------------------------------------------------------------------


class RiskRegister(ProjectWidget):
    """A project's risk register: the table, and a form to add a risk or edit one.

    ``matrix`` decides each risk's level (default: <=4 low, 5–9 medium, 10–16 high,
    >=20 critical); ``percent`` the probability used for the expected monetary value
    (default :data:`~commlib.risks.scoring.PROBABILITY_PERCENT`: 5%, 20%, 40%, 60%, 85%).
    ``today`` fixes the day for overdue reviews, a new risk's review date and the
    refusal of past review dates (default: the day it is). ``require_owner`` (default
    ``True``) refuses a new risk without an owner. ``audience`` ``"client"`` or
    ``"internal"`` fixes what the register shows; ``None`` follows the screen.
    """

    model = Risk

    NEW = 0

    def __init__(
        self,
        store: Store,
        project: ProjectRef,
        lang: str | None = None,
        *,
        today: date | None = None,
        matrix: RiskMatrix = DEFAULT_MATRIX,
        percent: Mapping[int, float] = PROBABILITY_PERCENT,
        require_owner: bool = True,
        audience: str | None = None,
    ) -> None:
        super().__init__(store, project, lang, audience)
        self._today = today
        self.require_owner = require_owner
        #: internal fields typed before the screen went to client mode, by the risk chosen
        self._stash: tuple[int, dict[str, Any]] | None = None
        #: the milestone of the chosen risk when client mode cannot show it (kept on save)
        self._hidden_milestone: int | None = None
        #: the last save's undo: what it says, how to revert, whether a client may see it
        self.matrix = matrix
        self.percent = dict(percent)
        self._risks: dict[int, Risk] = {}
        self._loading = False
        with language(self.lang):
            self._build()
            self.refresh()
            self._update_assessment()
        on_change(store, {"risks", "milestones", "stakeholders"}, self._on_change)

    @property
    def today(self) -> date:
        return self._today or date.today()

    # --- building ---

    def _build(self) -> None:
        self.table = w.HTML()
        self.chooser = w.Dropdown(description=t("risks.form.edit"))
        self.chooser.style.description_width = "initial"
        self.chooser.observe(self._chosen, names="value")
        probability = toggles(self._scale(), 3, "6.5em")
        probability.tooltips = [f"{scale_label(n)}: {PROBABILITY_BANDS[n]}" for n in SCALE]
        impact = toggles(self._scale(), 3, "6.5em")
        impact.tooltips = [scale_label(n) for n in SCALE]
        self.milestone_input = w.Dropdown(options=[("—", 0)], value=0)
        self.form = Form(
            [
                Field("title", w.Text(), width="100%"),
                Field(
                    "category",
                    w.Combobox(
                        options=tuple(common_categories()),
                        ensure_option=False,
                        placeholder=t("risks.form.category_placeholder"),
                    ),
                ),
                Field("probability", probability),
                Field("impact", impact),
                Field(
                    "owner",
                    w.Combobox(
                        options=(), ensure_option=False, placeholder=t("risks.form.owner_hint")
                    ),
                ),
                Field("trigger", w.Textarea(rows=2), width="100%"),
                Field("mitigation", w.Textarea(rows=2), width="100%"),
                Field("contingency", w.Textarea(rows=2), width="100%"),
                Field("status", w.Dropdown(options=enum_options("risk_status"), value="open")),
                Field(
                    "review_due",
                    date_input(self.lang, self._review_default()),
                    default=self._review_default,
                    parse=lambda text: parse_date(text, "review_due"),
                    format=lambda day: format_date(day, self.lang),
                ),
                Field(
                    "cost_impact",
                    w.Text(placeholder=t("risks.form.cost_placeholder")),
                    parse=parse_amount,
                ),
                Field(
                    "schedule_impact_days",
                    w.Text(placeholder=t("risks.form.days_placeholder")),
                    parse=parse_days,
                ),
                Field("milestone_id", self.milestone_input, parse=_zero_is_none),
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
        self.probability_hint = _hint()
        self.assessment = _hint()
        self.emv = _hint()
        _beside(self.form["probability"], self.probability_hint)
        _beside(self.form["impact"], self.assessment)
        _beside(self.form["cost_impact"], self.emv)
        for name in self._internal:
            stays = _hint()
            stays.value = f"<span style='color:#555'>{escape(t('widgets.internal_stays'))}</span>"
            _beside(self.form[name], stays)
        for name in ("probability", "impact", "cost_impact"):
            self.form[name].input.observe(self._assessment_changed, names="value")
        self.save_button = w.Button(
            description=t("widgets.save"), icon="check", button_style="primary"
        )
        self.save_button.on_click(self.save)
        self.undo = Undo(self.form, on_undone=self._undone)
        self.raise_button = w.Button(
            description=t("issues.from_risk.button"),
            icon="exclamation-circle",
            tooltip=t("issues.from_risk.tip"),
        )
        self.raise_button.layout.display = "none"
        self.raise_button.on_click(self.raise_issue)
        self.history = w.HTML()
        self.children = [
            w.HBox([heading(label("risks")), self.badge], layout=w.Layout(align_items="center")),
            self.table,
            self.chooser,
            *self.form,
            w.HBox([self.save_button, self.raise_button, self.undo, self.status]),
            self.history,
        ]
        self._show_internal_fields()

    def _scale(self) -> list[tuple[str, int]]:
        return [(f"{n} {scale_label(n)}", n) for n in SCALE]

    def _review_default(self) -> date:
        return self.today + timedelta(days=REVIEW_DAYS)

    # --- the audience ---

    def audience_changed(self) -> None:
        """Client mode: internal fields leave the screen (kept aside, back when it is
        internal again); internal risks leave the table and the chooser."""
        chosen = self.chooser.value
        self._offer_undo()
        if self.client:
            if self.status.level == "ok":
                self.status.clear()  # it may name an internal risk
            typed = {n: self.form[n].input.value for n in self._internal}
            self._stash = (chosen, typed)
            for name in self._internal:
                self.form[name].reset()
        self._show_internal_fields()
        self.form.run(self.refresh, keep=True)
        if self.chooser.value == self.NEW and chosen == self.NEW:
            self.form["visibility"].reset()
        if not self.client:
            stored = self._risks.get(self.chooser.value)
            if stored is not None:  # back on the screen: the stored notes, not blanks
                self.form.set_values({n: getattr(stored, n) for n in self._internal})
            if self._stash is not None and self._stash[0] == self.chooser.value:
                for name, value in self._stash[1].items():  # what was being typed
                    self.form[name].input.value = value
            self._stash = None

    def _visible(self, records: list[Any]) -> list[Any]:
        return [r for r in records if r.visibility == "client"] if self.client else list(records)

    # --- the live assessment ---

    def _assessment_changed(self, _change: dict[str, Any]) -> None:
        with language(self.lang):
            self._update_assessment()

    def _update_assessment(self) -> None:
        """Score, level and EMV of what the form shows now (as a person moves the scales)."""
        p = self.form["probability"].input.value
        i = self.form["impact"].input.value
        self.probability_hint.value = (
            f"<span style='color:#555'>{escape(PROBABILITY_BANDS[p])}</span>"
        )
        level = self.matrix.level(p, i)
        text = t("risks.form.score", score=p * i, probability=p, impact=i)
        self.assessment.value = f"{escape(text)} {_chip(level)}"
        try:
            cost = parse_amount(self.form["cost_impact"].input.value)
        except InvalidRecord:
            cost = None
        emv = expected_value(p, cost, self.percent)
        self.emv.value = (
            ""
            if emv is None
            else escape(
                t(
                    "risks.form.emv",
                    emv=format_amount(round(emv, 2)),
                    percent=f"{self.percent[p]:.0%}",
                    cost=format_amount(cost),
                )
            )
        )

    @property
    def score(self) -> int:
        """The score the form shows now."""
        return self.form["probability"].input.value * self.form["impact"].input.value

    @property
    def level(self) -> str:
        """The level the form shows now (``low`` ... ``critical``)."""
        return self.matrix.level(
            self.form["probability"].input.value, self.form["impact"].input.value
        )

    # --- reading ---

    def refresh(self, select: int | None = None) -> None:
        """Re-read the risks, milestones and owners; ``select`` a risk to edit.

        The form is reloaded only when the choice changes, so edits in progress stay.
        """
        with language(self.lang):
            risks = self._visible(self.store.records("risks", self.project_id))
            self._risks = {r.id: r for r in risks}
            self._refresh_choices(risks)
            self._show_table()
            current = self.chooser.value if select is None else select
            self._loading = True
            try:
                self.chooser.options = [(t("risks.form.new"), self.NEW)] + [
                    (f"#{r.id} {r.title}", r.id) for r in risks
                ]
                self.chooser.value = current if current in self._risks else self.NEW
            finally:
                self._loading = False
            if select is not None or self.chooser.value != current:
                self._load(self.chooser.value)
            else:
                self._show_history(self.chooser.value)
                self._show_raise_button()

    def _refresh_choices(self, risks: list[Risk]) -> None:
        milestones: list[Milestone] = self._visible(
            self.store.records("milestones", self.project_id)
        )
        chosen = self.milestone_input.value
        self.milestone_input.options = [("—", 0)] + [
            (f"{m.name} ({m.current_due.isoformat()})", m.id) for m in milestones
        ]
        self.milestone_input.value = chosen if chosen in {m.id for m in milestones} else 0
        people = self._visible(self.store.records("stakeholders", self.project_id))
        owners = [p.name for p in people] + [r.owner for r in risks]
        self.form["owner"].input.options = tuple(sorted({o for o in owners if o}))
        used = [r.category for r in risks if r.category]
        self.form["category"].input.options = tuple(dict.fromkeys(common_categories() + used))

    def _rows(self) -> list[Risk]:
        """Live risks first, highest score first; then closed and occurred ones."""
        return sorted(
            self._risks.values(),
            key=lambda r: (r.status not in LIVE, -r.score if r.status in LIVE else 0, r.id),
        )

    def overdue(self) -> list[int]:
        """Ids of live risks whose review date is before today (red in the table)."""
        return [
            r.id
            for r in self._rows()
            if r.status in LIVE and r.review_due is not None and r.review_due < self.today
        ]

    def _show_table(self) -> None:
        if not self._risks:
            empty = t("risks.form.none_yet")
            self.table.value = f"<i>{escape(empty)}</i>"
            return
        late = set(self.overdue())
        heads = [
            label("id"),
            label("title"),
            label("category"),
            t("risks.table.p"),
            t("risks.table.i"),
            t("risks.word.score"),
            t("risks.word.level"),
            label("owner"),
            label("status"),
            label("review_due"),
        ]
        head = "".join(f'<th style="{_CELL}">{escape(h)}</th>' for h in heads)
        body = []
        for r in self._rows():
            due = format_date(r.review_due, self.lang)
            if r.id in late:
                days = (self.today - r.review_due).days  # type: ignore[operator]
                late_by = t("risks.form.overdue", days=days)
                due = f"<b style='color:{_OVERDUE}'>⚠ {escape(due)} ({escape(late_by)})</b>"
            else:
                due = escape(due)
            cells = [
                escape(f"#{r.id}"),
                escape(r.title),
                escape(r.category),
                escape(r.probability),
                escape(r.impact),
                escape(r.score),
                _chip(self.matrix.level(r.probability, r.impact)),
                escape(r.owner),
                escape(enum_label("risk_status", r.status)),
                due,
            ]
            mark = ' class="commlib-overdue"' if r.id in late else ""
            faded = "" if r.status in LIVE else ";color:#888"
            body.append(
                f"<tr{mark}>"
                + "".join(f'<td style="{_CELL}{faded}">{c}</td>' for c in cells)
                + "</tr>"
            )
        self.table.value = (
            f"<table {_TABLE}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

    def _show_history(self, risk_id: int) -> None:
        if risk_id == self.NEW or risk_id not in self._risks:
            self.history.value = ""
            return
        changes = self.store.history(self.project_id, kind="risks", record_id=risk_id)
        heading = t("risks.form.history", id=risk_id)
        heading = f"<b>{escape(heading)}</b>"
        if changes.empty:
            none = t("risks.form.history_none")
            self.history.value = f"{heading} <i>{escape(none)}</i>"
            return
        if self.client:
            changes = changes[~changes["field"].isin(Risk.internal_fields)]
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
        self.history.value = f"{heading}<ul style='margin:2px 0'>{''.join(items)}</ul>"

    @staticmethod
    def _shown(field: str, value: Any) -> str:
        if value is None or (not isinstance(value, str) and value != value):
            return "—"
        if field == "status":
            return enum_label("risk_status", str(value))
        if field == "cost_impact":
            return format_amount(float(value))
        return str(value)

    # --- choosing ---

    def edit(self, risk_id: int | None) -> None:
        """Choose a risk to edit (``None``: a new one), as the dropdown does."""
        self.chooser.value = risk_id or self.NEW

    def _chosen(self, change: dict[str, Any]) -> None:
        if not self._loading:
            self.form.run(lambda: self._load(change["new"]))

    def _load(self, risk_id: int) -> None:
        risk = self._risks.get(risk_id)
        self._hidden_milestone = None
        if risk is None:
            self.form.reset()
        else:
            self.form.clear_errors()
            shown = [n for n in self.form.fields if not (self.client and n in self._internal)]
            values = {name: getattr(risk, name) for name in shown}
            values["cost_impact"] = format_amount(risk.cost_impact)
            values["schedule_impact_days"] = (
                "" if risk.schedule_impact_days is None else str(risk.schedule_impact_days)
            )
            values["milestone_id"] = risk.milestone_id or 0
            if values["milestone_id"] not in {v for _, v in self.milestone_input.options}:
                self._hidden_milestone = risk.milestone_id  # internal: shown as "—", kept
                values["milestone_id"] = 0
            for name in self.form.fields:
                if name not in shown:
                    self.form[name].reset()
            self.form.set_values(values)
        self._update_assessment()
        self._show_history(risk_id)
        self._show_raise_button()

    # --- an occurred risk becomes an issue ---

    def _show_raise_button(self) -> None:
        """The "raise as an issue" button shows for a chosen risk stored as occurred."""
        risk = self._risks.get(self.chooser.value)
        occurred = risk is not None and risk.status == "occurred"
        self.raise_button.layout.display = None if occurred else "none"

    def raise_issue(self, _button: w.Button | None = None) -> bool:
        """Raise the chosen (occurred) risk as an issue of the issue log; ``True`` when it
        went through (a risk already raised is refused, naming its issue)."""

        def run() -> None:
            risk = self._risks[self.chooser.value]
            issue = raise_from_risk(self.store, risk.id, today=self.today, lang=self.lang)
            self.status.ok(t("issues.from_risk.raised", id=issue.id, title=issue.title))
            self._announce("issues")

        return self.form.run(run)

    # --- saving ---

    def save(self, _button: w.Button | None = None) -> bool:
        """Add the new risk, or update the chosen one (its history is kept)."""
        return self.form.run(self._save)

    def _values(self) -> dict[str, Any]:
        """The form's values; every problem at once (typing and the model's rules)."""
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
        if self._hidden_milestone is not None and values.get("milestone_id") is None:
            values.pop("milestone_id", None)
        problems += self._refusals(values)
        if problems:
            bad = {p.field for p in problems}
            try:
                Risk(project_id=self.project_id, **values)
            except InvalidRecord as err:
                problems += [p for p in err.problems if p.field.split(".")[0] not in bad]
            raise InvalidRecord(problems, t("error.fix_hint"))
        return values

    def _refusals(self, values: dict[str, Any]) -> list[Problem]:
        """The register's own rules: no review date in the past for a live risk that is
        new or whose review date changes; an owner, when ``require_owner``."""
        stored = self._risks.get(self.chooser.value)
        problems = []
        due = values.get("review_due")
        moved = stored is None or due != stored.review_due
        if moved and isinstance(due, date) and due < self.today and values["status"] in LIVE:
            message = t(
                "risks.error.review_past",
                date=format_date(due, self.lang),
                today=format_date(self.today, self.lang),
            )
            problems.append(Problem("review_due", due, message))
        owner = str(values.get("owner") or "").strip()
        if self.require_owner and not owner and (stored is None or stored.owner):
            problems.append(Problem("owner", owner, t("risks.error.owner_required")))
        return problems

    def _reminders(self, saved: Risk) -> str:
        """What an edit left for later: a past review date, a missing owner."""
        notes = []
        if saved.status in LIVE and saved.review_due is not None and saved.review_due < self.today:
            notes.append(
                t("risks.form.review_still_past", date=format_date(saved.review_due, self.lang))
            )
        if self.require_owner and not saved.owner:
            notes.append(t("risks.form.owner_still_missing"))
        return "".join(f" {n}" for n in notes)

    def _save(self) -> None:
        values = self._values()
        chosen = self.chooser.value
        if chosen == self.NEW:
            saved = self.store.add(Risk(project_id=self.project_id, **values))
            message = t("risks.form.added", id=saved.id, title=saved.title)
            self._remember(
                t("risks.form.undo_added", id=saved.id, title=saved.title),
                lambda: self.store.delete("risks", saved.id),
                public=saved.visibility == "client",
            )
            self.refresh(select=self.NEW)
        else:
            before = self._risks[chosen]
            saved = self.store.update("risks", chosen, **values)
            message = t("risks.form.updated", id=saved.id, title=saved.title)
            message += self._reminders(saved)
            old = {name: getattr(before, name) for name in values}
            self._remember(
                t("risks.form.undo_updated", id=saved.id, title=before.title),
                lambda: self.store.update("risks", chosen, **old),
                public=before.visibility == "client",
            )
            self.refresh(select=chosen)
        self.status.ok(message)
        self._announce("risks")

    def _undone(self) -> None:
        """After an undo: show the register as it is now, and tell the other widgets."""
        self._last_save = None
        chosen = self.chooser.value
        self.refresh(select=chosen if chosen in self._risks else self.NEW)
        self._announce("risks")
