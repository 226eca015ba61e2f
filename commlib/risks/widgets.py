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

from .._editor import HISTORY_SHOWN as HISTORY_SHOWN  # the number shown, importable here too
from .._editor import RecordEditor
from ..errors import InvalidRecord, Problem
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


class RiskRegister(RecordEditor):
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
        #: the milestone of the chosen risk when client mode cannot show it (kept on save)
        self._hidden_milestone: int | None = None
        self.matrix = matrix
        self.percent = dict(percent)
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
                self._visibility_field(),
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
        self._mark_internal_fields()
        for name in ("probability", "impact", "cost_impact"):
            self.form[name].input.observe(self._assessment_changed, names="value")
        self.save_button = save_button(self.save)
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
            self._records.values(),
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
        if not self._records:
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

    def _load(self, risk_id: int) -> None:
        risk = self._records.get(risk_id)
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
        self._show_chosen(risk_id)

    def _show_chosen(self, risk_id: int) -> None:
        self._show_history(risk_id)
        self._show_raise_button()

    # --- an occurred risk becomes an issue ---

    def _show_raise_button(self) -> None:
        """The "raise as an issue" button shows for a chosen risk stored as occurred."""
        risk = self._records.get(self.chooser.value)
        occurred = risk is not None and risk.status == "occurred"
        self.raise_button.layout.display = None if occurred else "none"

    def raise_issue(self, _button: w.Button | None = None) -> bool:
        """Raise the chosen (occurred) risk as an issue of the issue log; ``True`` when it
        went through (a risk already raised is refused, naming its issue)."""

        def run() -> None:
            risk = self._records[self.chooser.value]
            issue = raise_from_risk(self.store, risk.id, today=self.today, lang=self.lang)
            self.status.ok(t("issues.from_risk.raised", id=issue.id, title=issue.title))
            self._announce("issues")

        return self.form.run(run)

    # --- saving ---

    def _keep_hidden(self, values: dict[str, Any]) -> None:
        """A milestone the client's screen cannot show stays as stored."""
        if self._hidden_milestone is not None and values.get("milestone_id") is None:
            values.pop("milestone_id", None)

    def _refusals(self, values: dict[str, Any]) -> list[Problem]:
        """The register's own rules: no review date in the past for a live risk that is
        new or whose review date changes; an owner, when ``require_owner``."""
        stored = self._records.get(self.chooser.value)
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
