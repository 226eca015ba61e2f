"""Run a survey in the room: enter one respondent's answers at a time.

    SurveyForm(store, survey)            # a Survey or its id; the last line of a cell shows it

One input per question, by type; every question may stay unanswered (the × next to it
clears it). Save checks the answers against the questions, stores one ``Response`` (answers
as the data contract says: likert 1..k, nps 0..10, single the option's text, multi and
rank lists of option texts...), clears the form for the next respondent and updates the
running count and the headline result (NPS, mean score...) for the room. Problems show
under the field they concern, never as a traceback. "Undo" deletes the response just
saved (through the store) and updates the count and the headline.

In client mode (``audience="client"``, or the screen of the survey's project switched
with ``forms.set_screen_audience``) the form shows only aggregates of earlier answers:
the count, and the headline once at least :data:`CLIENT_MIN_ANSWERS` responses are in (with
fewer, one person's answer could be read off it); the status line and the undo button do
not name the respondent just saved. The respondent box stays: it holds the person being
entered now.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import CommlibError, Conflict, InvalidRecord, Problem
from ..forms import (
    AUDIENCE,
    AUDIENCES,
    Field,
    Form,
    StatusLine,
    Undo,
    changed,
    client_badge,
    escape,
    on_change,
    screen_audience,
)
from ..i18n import language, normalise, t
from ..models import Question, Response, Survey
from .data import answers_of, respondents_of
from .templates import template_language

if TYPE_CHECKING:
    from ..store import Store

#: how answers entered here are marked in ``Response.source``
SOURCE = "session"
#: a single-choice question with more options than this gets a dropdown, not radio buttons
RADIO_MAX = 6
#: a rating scale of whole numbers with at most this many points gets buttons, not a text box
BUTTONS_MAX = 11
#: in client mode the headline shows from this many responses on (aggregates only)
CLIENT_MIN_ANSWERS = 3
NPS_COLORS = {"detractor": "#c62828", "passive": "#ef6c00", "promoter": "#2e7d32"}


# --- inputs that hold a list -------------------------------------------------------------


class Checks(w.VBox):
    """One checkbox per option; ``value`` is the checked options, in the options' order."""

    def __init__(self, options: list[str]) -> None:
        self.options = list(options)
        self.boxes = [
            w.Checkbox(value=False, description=o, indent=False, layout=w.Layout(width="auto"))
            for o in self.options
        ]
        super().__init__(self.boxes)

    @property
    def value(self) -> list[str]:
        return [o for o, box in zip(self.options, self.boxes, strict=True) if box.value]

    @value.setter
    def value(self, chosen: list[str] | None) -> None:
        chosen = list(chosen or [])
        unknown = [c for c in chosen if c not in self.options]
        if unknown:
            raise ValueError(f"not an option: {', '.join(map(str, unknown))}")
        for option, box in zip(self.options, self.boxes, strict=True):
            box.value = option in chosen

    def observe_value(self, callback: Callable[[Any], None]) -> None:
        for box in self.boxes:
            box.observe(callback, names="value")


class Ranking(w.VBox):
    """Numbered dropdowns, one per place; ``value`` is the options from the first place down
    (``None`` for a place left empty before a filled one; trailing empty places are dropped)."""

    def __init__(self, options: list[str]) -> None:
        self.options = list(options)
        choices = [("—", None), *[(o, o) for o in self.options]]
        self.places = [w.Dropdown(options=choices, value=None) for _ in self.options]
        rows = [
            w.HBox([w.Label(t("surveys.run.form.rank_place", place=i), layout=_width("5em")), d])
            for i, d in enumerate(self.places, 1)
        ]
        super().__init__(rows)

    @property
    def value(self) -> list[str | None]:
        picks = [d.value for d in self.places]
        while picks and picks[-1] is None:
            picks.pop()
        return picks

    @value.setter
    def value(self, ranked: list[str | None] | None) -> None:
        ranked = list(ranked or [])
        if len(ranked) > len(self.places):
            raise ValueError(f"{len(ranked)} places, but only {len(self.places)} options")
        for i, place in enumerate(self.places):
            place.value = ranked[i] if i < len(ranked) else None

    def observe_value(self, callback: Callable[[Any], None]) -> None:
        for place in self.places:
            place.observe(callback, names="value")


# --- one question ------------------------------------------------------------------------


def _width(width: str) -> w.Layout:
    return w.Layout(width=width, min_width=width)


def _problem(code: str, value: Any, key_text: str) -> InvalidRecord:
    return InvalidRecord([Problem(code, value, key_text)])


def _bounds(question: Question) -> tuple[float | None, float | None]:
    """A rating's scale from its options (``["1", "5"]``; every option a number), if any."""
    numbers = [_number(o) for o in question.options]
    if not numbers or any(n is None for n in numbers):
        return None, None
    return min(numbers), max(numbers)  # type: ignore[type-var]


def _number(text: str) -> int | float | None:
    """``"5"`` -> 5, ``"4.5"`` -> 4.5, ``"１,000"`` -> 1000; ``None`` when not a number."""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower().replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    whole = value.is_integer() and not any(c in text for c in ".en")
    return int(value) if whole else value


def _rating_buttons(question: Question) -> list[tuple[str, int]] | None:
    """Buttons for a rating on whole numbers (1..5, 0..10) or on labelled points."""
    low, high = _bounds(question)
    if low is None and question.options:  # labelled points: 1..k
        return [(o, i) for i, o in enumerate(question.options, 1)]
    if (
        isinstance(low, int)
        and isinstance(high, int)
        and (len(question.options) == 2 or len(question.options) == high - low + 1)
        and high - low + 1 <= BUTTONS_MAX
    ):
        return [(str(i), i) for i in range(low, high + 1)]
    return None


def _input(question: Question) -> tuple[w.Widget, Callable[[Any], Any] | None]:
    """The widget for one question (empty = not answered) and how to read its value."""
    kind, options = question.type, question.options
    if kind == "likert":
        buttons = w.ToggleButtons(options=[(o, i) for i, o in enumerate(options, 1)], value=None)
        buttons.style.button_width = "auto"
        return buttons, None
    if kind == "nps":
        buttons = w.ToggleButtons(options=[(str(i), i) for i in range(11)], value=None)
        buttons.style.button_width = "2.6em"
        return buttons, None
    if kind == "single":
        if len(options) <= RADIO_MAX:
            return w.RadioButtons(options=options, value=None), None
        return w.Dropdown(options=options, value=None), None
    if kind == "multi":
        return Checks(options), lambda v: v or None
    if kind == "rank":
        return Ranking(options), lambda v: _ranked(question.code, v)
    if kind == "rating" and (buttons := _rating_buttons(question)) is not None:
        toggles = w.ToggleButtons(options=buttons, value=None)
        toggles.style.button_width = "auto"
        return toggles, None
    if kind in ("rating", "numeric"):
        low, high = _bounds(question) if kind == "rating" else (None, None)
        hint = t("surveys.run.form.number") if low is None else f"{low} – {high}"
        return w.Text(placeholder=hint), lambda v: _read_number(question.code, v, low, high)
    return w.Textarea(rows=2, layout=w.Layout(width="100%")), lambda v: v.strip() or None


def _ranked(code: str, picks: list[str | None]) -> list[str] | None:
    if not picks:
        return None
    if None in picks:
        raise _problem(code, picks, t("surveys.run.error.rank_gap"))
    twice = [o for o, n in Counter(picks).items() if n > 1]
    if twice:
        raise _problem(code, picks, t("surveys.run.error.rank_twice", option=twice[0]))
    return list(picks)  # type: ignore[arg-type]


def _read_number(code: str, text: str, low: float | None, high: float | None) -> int | float | None:
    if not text.strip():
        return None
    value = _number(text)
    if value is None:
        raise _problem(code, text, t("surveys.run.error.not_a_number", value=text.strip()))
    if low is not None and high is not None and not low <= value <= high:
        raise _problem(code, value, t("surveys.run.error.out_of_range", low=low, high=high))
    return value


def check_answer(question: Question, value: Any) -> str | None:
    """What is wrong with ``value`` as an answer to ``question`` by the data contract
    (``None``: nothing; ``None`` is always allowed, it means not answered)."""
    kind, options = question.type, question.options
    if value is None:
        return None
    is_int = isinstance(value, int) and not isinstance(value, bool)
    is_number = is_int or (isinstance(value, float) and math.isfinite(value))
    is_list = isinstance(value, list) and all(isinstance(v, str) for v in value)
    allowed = {
        "likert": is_int and 1 <= value <= len(options),
        "nps": is_int and 0 <= value <= 10,
        "single": isinstance(value, str) and value in options,
        "multi": is_list and value == [o for o in options if o in value],
        "rank": is_list and len(set(value)) == len(value) and set(value) <= set(options),
        "rating": is_number,
        "numeric": is_number,
        "text": isinstance(value, str),
        "matrix": False,
    }[kind]
    if allowed and kind == "rating":
        low, high = _bounds(question)
        if low is None and options:  # labelled points 1..k
            low, high = 1, len(options)
        allowed = low is None or low <= value <= high  # type: ignore[operator]
    return None if allowed else t("surveys.run.error.not_allowed", value=value)


# --- the headline result -----------------------------------------------------------------


def headline_question(questions: list[Question]) -> Question | None:
    """The question whose live result the room sees: the first NPS question, else the first
    likert item that is not a matrix row (the overall one), else any likert, rating or
    numeric question, else the first single or multiple choice."""
    for test in (
        lambda q: q.type == "nps",
        lambda q: q.type == "likert" and not q.parent,
        lambda q: q.type in ("likert", "rating", "numeric"),
        lambda q: q.type in ("single", "multi"),
    ):
        for question in questions:
            if test(question):
                return question
    return None


def nps_group(score: int) -> str:
    """``detractor`` (0–6), ``passive`` (7–8) or ``promoter`` (9–10)."""
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def headline(question: Question, values: list[Any]) -> str:
    """The live result of ``question`` over the answers given so far, in the current language."""
    values = [v for v in values if v is not None and check_answer(question, v) is None]
    n = len(values)
    if not n:
        return t("surveys.run.headline.none")
    if question.type == "nps":
        groups = Counter(nps_group(v) for v in values)
        score = round(100 * (groups["promoter"] - groups["detractor"]) / n)
        return t(
            "surveys.run.headline.nps",
            nps=f"{score:+d}" if score else "0",
            promoters=groups["promoter"],
            passives=groups["passive"],
            detractors=groups["detractor"],
            n=n,
        )
    if question.type == "likert":
        k = len(question.options)
        top = sum(v >= k - 1 for v in values) / n
        return t(
            "surveys.run.headline.likert",
            mean=f"{sum(values) / n:.1f}",
            k=k,
            top=f"{top:.0%}",
            n=n,
        )
    if question.type in ("rating", "numeric"):
        return t("surveys.run.headline.mean", mean=f"{sum(values) / n:.1f}", n=n)
    chosen = Counter(o for v in values for o in (v if isinstance(v, list) else [v]))
    best = min(chosen, key=lambda o: (-chosen[o], question.options.index(o)))
    return t("surveys.run.headline.top_choice", option=best, count=chosen[best], n=n)


# --- the form ----------------------------------------------------------------------------


class SurveyForm(w.VBox):
    """Enter one respondent's answers to a survey; Save stores them and clears the form.

    ``lang`` sets the labels (default: the language the survey's template was written in,
    else the project's). The respondent starts as ``S-001``, ``S-002``... and may be
    changed to a name or role; it must be unique within the survey. ``audience``
    ``"client"`` or ``"internal"`` fixes what it shows; ``None`` follows the screen.
    """

    def __init__(
        self,
        store: Store,
        survey: Survey | int,
        lang: str | None = None,
        audience: str | None = None,
    ) -> None:
        super().__init__()
        if audience is not None and audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
        self.store = store
        self.fixed_audience = audience
        ref = survey.id if isinstance(survey, Survey) else survey
        self.survey: Survey = store.get("surveys", ref)  # type: ignore[assignment]
        self.project = store.project(self.survey.project_id)
        self.questions = sorted(
            (q for q in store.records("questions", self.project.id) if q.survey_id == ref),
            key=lambda q: (q.position, q.id),
        )
        self.answerable = [q for q in self.questions if q.type != "matrix"]
        guessed = template_language(self.survey, self.questions)
        self.lang = normalise(lang) if lang else guessed or self.project.language
        self.headline_question = headline_question(self.answerable)
        self.respondents: set[str] = set()
        self.count = 0
        self._headline_values: list[Any] = []
        self._started: float | None = None
        self._auto = ""
        self.status = StatusLine()
        self.badge = client_badge(self.lang)
        self._last: Response | None = None
        self.add_class("commlib-widget")
        with language(self.lang):
            self._build()
        self._show_badge()
        self.form.run(self.refresh)
        self.form["respondent"].reset()
        on_change(store, {"responses"}, self._on_change)
        on_change(store, {AUDIENCE}, self._audience_switched)

    # --- the audience ---

    @property
    def audience(self) -> str:
        if self.fixed_audience is not None:
            return self.fixed_audience
        return screen_audience(self.store, self.project.id)

    @property
    def client(self) -> bool:
        """A client may see the screen: aggregates only."""
        return self.audience == "client"

    def _show_badge(self) -> None:
        self.badge.layout.display = None if self.client else "none"

    def _audience_switched(self, _kind: str, project_id: int) -> None:
        if project_id == self.project.id and self.fixed_audience is None:
            self._show_badge()
            self._show_summary()
            if self._last is not None:
                self._remember(self._last)
            if self.client and self.status.level == "ok":
                self.status.clear()  # it may name the respondent just saved

    # --- building ---

    def _build(self) -> None:
        respondent = Field(
            "respondent",
            w.Text(placeholder=t("surveys.run.form.respondent_placeholder")),
            default=self._next_respondent,
        )
        fields = {q.code: self._field(q) for q in self.answerable}
        self.form = Form([respondent, *fields.values()], status=self.status, lang=self.lang)
        self.save_button = w.Button(
            description=t("widgets.save"), icon="check", button_style="primary"
        )
        self.save_button.on_click(self.save)
        self.undo = Undo(self.form, on_undone=self._undone)
        self.summary = w.HTML()
        title = " · ".join(part for part in (self.survey.name, self.survey.wave) if part)
        blocks: list[w.Widget] = []
        matrices = {q.code for q in self.questions if q.type == "matrix"}
        rows = {q.code for q in self.answerable if q.parent in matrices}
        for question in self.questions:
            if question.type == "matrix":
                blocks.append(self._matrix(question, fields))
            elif question.code not in rows:
                blocks.append(self._block(question, fields[question.code]))
        if not self.answerable:
            empty = t("surveys.run.form.no_questions")
            blocks.append(w.HTML(f"<i>{escape(empty)}</i>"))
        head = w.HTML(f"<h4 style='margin:4px 0'>{escape(title)}</h4>")
        self.children = [
            w.HBox([head, self.badge], layout=w.Layout(align_items="center")),
            respondent,
            *blocks,
            w.HBox([self.save_button, self.undo, self.status]),
            self.summary,
        ]

    def _field(self, question: Question) -> Field:
        widget, parse = _input(question)
        field = Field(question.code, widget, label="", parse=parse)
        watch = getattr(widget, "observe_value", None)
        if watch is not None:
            watch(self._touched)
        else:
            widget.observe(self._touched, names="value")
        return field

    def _clear_button(self, field: Field) -> w.Button:
        clear = w.Button(
            icon="times", tooltip=t("surveys.run.form.not_answered"), layout=_width("3em")
        )
        clear.on_click(lambda _b: field.reset())
        return clear

    def _block(self, question: Question, field: Field) -> w.Widget:
        parts: list[w.Widget] = [field, self._clear_button(field)]
        if question.type == "nps":
            parts.append(self._nps_hint(field.input))
        return w.VBox(
            [w.HTML(f"<b>{escape(question.text or question.code)}</b>"), w.HBox(parts)],
            layout=w.Layout(margin="6px 0"),
        )

    def _matrix(self, parent: Question, fields: dict[str, Field]) -> w.Widget:
        rows = [
            w.HBox(
                [
                    w.Label(q.text or q.code, layout=_width("14em")),
                    fields[q.code],
                    self._clear_button(fields[q.code]),
                ]
            )
            for q in self.answerable
            if q.parent == parent.code
        ]
        head = w.HTML(f"<b>{escape(parent.text or parent.code)}</b>")
        return w.VBox([head, *rows], layout=w.Layout(margin="6px 0"))

    def _nps_hint(self, buttons: w.ToggleButtons) -> w.HTML:
        hint = w.HTML()
        lang = self.lang

        def show(_change: Any = None) -> None:
            if buttons.value is None:
                hint.value = ""
                return
            group = nps_group(buttons.value)
            with language(lang):
                text = {
                    "detractor": t("surveys.run.nps.detractor"),
                    "passive": t("surveys.run.nps.passive"),
                    "promoter": t("surveys.run.nps.promoter"),
                }[group]
            hint.value = f"<b style='color:{NPS_COLORS[group]}'>{escape(text)}</b>"

        buttons.observe(show, names="value")
        return hint

    def _touched(self, _change: Any) -> None:
        if self._started is None:
            self._started = time.monotonic()

    def _next_respondent(self) -> str:
        number = self.count + 1
        while f"S-{number:03d}" in self.respondents:
            number += 1
        self._auto = f"S-{number:03d}"
        return self._auto

    # --- reading ---

    def refresh(self) -> None:
        """Re-read who has answered and the headline question's answers."""
        code = self.headline_question.code if self.headline_question else None
        answers = answers_of(self.store, self.survey.id, code)  # type: ignore[arg-type]
        self.respondents = {respondent for respondent, _ in answers}
        self._headline_values = [value for _, value in answers]
        self.count = len(self._headline_values)
        respondent = self.form["respondent"].input
        if respondent.value == self._auto and respondent.value in self.respondents:
            respondent.value = self._next_respondent()  # taken on another form meanwhile
        self._show_summary()

    def _show_summary(self) -> None:
        with language(self.lang):
            count = t("surveys.run.form.count", count=self.count)
            text = f"<b>{escape(count)}</b>"
            question = self.headline_question
            if question is not None and self.client and self.count < CLIENT_MIN_ANSWERS:
                wait = t("surveys.run.form.too_few", min=CLIENT_MIN_ANSWERS)
                text += f"<br><i>{escape(wait)}</i>"
            elif question is not None:
                result = headline(question, self._headline_values)
                text += f"<br>{escape(question.text or question.code)}<br><b>{escape(result)}</b>"
        self.summary.value = f"<div class='commlib-survey-summary'>{text}</div>"

    def _on_change(self, _kind: str, project_id: int) -> None:
        if project_id == self.project.id:
            self.form.run(self.refresh, keep=True)

    # --- saving ---

    def answers(self) -> dict[str, Any]:
        """The answers entered now, by question code (unanswered questions left out);
        raises ``InvalidRecord`` with every problem, each under its question's code."""
        found, problems = {}, []
        for question in self.answerable:
            try:
                value = self.form[question.code].value
            except InvalidRecord as err:
                problems += err.problems
                continue
            message = check_answer(question, value)
            if message is not None:
                problems.append(Problem(question.code, value, message))
            elif value is not None:
                found[question.code] = value
        if problems:
            raise InvalidRecord(problems)
        return found

    def save(self, _button: w.Button | None = None) -> bool:
        """Check and store the answers as one response; ``True`` when it went through."""
        return self.form.run(self._save)

    def _save(self) -> None:
        respondent = self.form["respondent"].input.value.strip()
        problems = []
        if respondent in self.respondents:
            problems.append(self._duplicate(respondent))
        try:
            answers = self.answers()
        except InvalidRecord as err:
            problems += err.problems
            answers = {}
        duration = None if self._started is None else time.monotonic() - self._started
        try:
            response = Response(
                project_id=self.project.id,
                survey_id=self.survey.id,
                respondent=respondent,
                submitted_at=datetime.now(UTC),
                duration_s=duration,
                source=SOURCE,
                answers=answers,
                visibility=self.survey.visibility,
            )
        except InvalidRecord as err:  # answers.Q1.str -> Q1
            problems += [
                replace(p, field=p.field.split(".")[1]) if p.field.startswith("answers.") else p
                for p in err.problems
            ]
        if problems:
            raise InvalidRecord(problems)
        if not answers:
            raise CommlibError(t("surveys.run.form.nothing_answered"))
        try:
            saved = self.store.add(response)
        except Conflict:  # stored on another form meanwhile: say so under the respondent
            if respondent in respondents_of(self.store, self.survey.id):  # type: ignore[arg-type]
                raise InvalidRecord([self._duplicate(respondent)]) from None
            raise
        self._saved(saved)

    def _duplicate(self, respondent: str) -> Problem:
        message = t("surveys.run.form.duplicate", respondent=respondent)
        return Problem("respondent", respondent, message)

    def _saved(self, response: Response) -> None:
        self.respondents.add(response.respondent)
        self.count += 1
        code = self.headline_question.code if self.headline_question else None
        self._headline_values.append(response.answers.get(code))
        self.form.reset()
        self._started = None
        self._show_summary()
        key = "surveys.run.form.saved_client" if self.client else "surveys.run.form.saved"
        self.status.ok(
            t(
                key,
                respondent=response.respondent,
                answered=len(response.answers),
                total=len(self.answerable),
            )
        )
        self._remember(response)
        changed(self.store, "responses", self.project.id, source=self)

    # --- taking the last save back ---

    def _remember(self, response: Response) -> None:
        """Offer to undo ``response`` (named only when no client may be looking)."""
        self._last = response
        with language(self.lang):
            what = (
                t("surveys.run.form.undo_what_client")
                if self.client
                else t("surveys.run.form.undo_what", respondent=response.respondent)
            )
        self.undo.remember(what, lambda: self.store.delete("responses", response.id))

    def _undone(self) -> None:
        self._last = None
        respondent = self.form["respondent"].input
        auto = respondent.value == self._auto
        self.refresh()
        if auto:  # the id just freed is the next one again
            respondent.value = self._next_respondent()
        changed(self.store, "responses", self.project.id, source=self)
