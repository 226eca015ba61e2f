"""Lessons learned, recorded in the retrospective with a form instead of a list of dicts.

    LessonsForm(store, "华辰 ERP 升级")            # labels in the project's language
    LessonsForm(store, "ERP", lang="en", today=date(2026, 9, 30))

A lesson has a title, a category (common ones offered, any text allowed), what happened,
the recommendation, the day it was recorded (default ``today``, typed in the session's
language and order) and its visibility. Save goes through
:func:`commlib.sessions.save_lessons`; problems show in red under the field they concern,
never as a traceback. "Undo" deletes the lesson just saved. The table under the form lists
the project's lessons, newest first (:func:`commlib.sessions.lessons_table`).

In client mode (``audience="client"``, or the screen switched with
``forms.set_screen_audience``) the table lists only client-visible lessons, the notes
(internal by nature) are neither shown nor written, and a new lesson is client-visible by
default.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from .errors import InvalidRecord, Problem
from .forms import (
    Field,
    Form,
    ProjectWidget,
    Undo,
    date_input,
    escape,
    format_date,
    heading,
    on_change,
    parse_date,
    save_button,
)
from .i18n import label, language, t
from .models import Lesson
from .sessions import lessons_table, save_lessons

if TYPE_CHECKING:
    from .store import ProjectRef, Store

__all__ = ["LessonsForm", "common_lesson_categories"]

_CATEGORIES = (
    "communication",
    "requirements",
    "scope",
    "schedule",
    "data",
    "testing",
    "training",
    "stakeholders",
    "vendor",
    "governance",
)
_TABLE = 'style="border-collapse:collapse;font-size:0.9em"'
_CELL = "padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"


def common_lesson_categories() -> list[str]:
    """Lesson categories offered in the form, in the current language (any text is allowed)."""
    return [t(f"lessons.category.{c}") for c in _CATEGORIES]


class LessonsForm(ProjectWidget):
    """Record a project's lessons learned one at a time, and see those recorded.

    ``today`` is the day a lesson is recorded on unless another is typed (default: the
    day it is). ``audience`` ``"client"`` or ``"internal"`` fixes what the form shows;
    ``None`` follows the screen.
    """

    model = Lesson

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
        self._stash: dict[str, Any] = {}
        with language(self.lang):
            self._build()
            self.refresh()
        on_change(store, {"lessons"}, self._on_change)

    @property
    def today(self) -> date:
        return self._today or date.today()

    # --- building ---

    def _build(self) -> None:
        self.form = Form(
            [
                Field(
                    "title",
                    w.Text(placeholder=t("lessons.form.title_placeholder")),
                    required=True,
                    width="100%",
                ),
                Field(
                    "category",
                    w.Combobox(
                        options=tuple(common_lesson_categories()),
                        ensure_option=False,
                        placeholder=t("lessons.form.category_placeholder"),
                    ),
                ),
                Field(
                    "what_happened",
                    w.Textarea(rows=3, placeholder=t("lessons.form.what_happened_placeholder")),
                    width="100%",
                ),
                Field(
                    "recommendation",
                    w.Textarea(rows=3, placeholder=t("lessons.form.recommendation_placeholder")),
                    width="100%",
                ),
                Field(
                    "recorded_on",
                    date_input(self.lang, self.today),
                    default=lambda: self.today,
                    parse=lambda text: parse_date(text, "recorded_on"),
                    format=lambda day: format_date(day, self.lang),
                ),
                self._visibility_field(),
                Field("notes", w.Textarea(rows=2), width="100%"),
            ],
            status=self.status,
            lang=self.lang,
        )
        self._mark_internal_fields()
        self.save_button = save_button(self.save)
        self.undo = Undo(self.form, on_undone=self._undone)
        self.table = w.HTML()
        self.children = [
            w.HBox([heading(label("lessons")), self.badge], layout=w.Layout(align_items="center")),
            *self.form,
            w.HBox([self.save_button, self.undo, self.status]),
            self.table,
        ]
        self._show_internal_fields()

    # --- the audience ---

    def audience_changed(self) -> None:
        """Client mode: the notes being typed leave the screen (and come back after it);
        the table shows what the new audience may see; a new lesson's default visibility
        follows."""
        self._offer_undo()
        if self.client:
            if self.status.level == "ok":
                self.status.clear()  # it may name an internal lesson
            self._stash = {n: self.form[n].input.value for n in self._internal}
            for name in self._internal:
                self.form[name].reset()
        else:
            for name, value in self._stash.items():
                self.form[name].input.value = value
            self._stash = {}
        self._show_internal_fields()
        self.form["visibility"].reset()
        self.form.run(self.refresh, keep=True)

    # --- reading ---

    def refresh(self) -> None:
        """Re-read the project's lessons (the table, the categories already used)."""
        with language(self.lang):
            frame = self.store.frame("lessons", self.project_id, audience=self.audience)
            used = [c for c in frame.get("category", []) if isinstance(c, str) and c]
            categories = common_lesson_categories() + sorted(set(used))
            self.form["category"].input.options = tuple(dict.fromkeys(categories))
            self._show_table(lessons_table(frame, lang=self.lang))

    def _show_table(self, table: Any) -> None:
        if table.empty:
            self.table.value = f"<i>{escape(t('lessons.form.none_yet'))}</i>"
            return
        head = "".join(f'<th style="{_CELL}">{escape(h)}</th>' for h in table.columns)
        rows = []
        for values in table.itertuples(index=False):
            day, *rest = values
            cells = [format_date(day, self.lang) if isinstance(day, date) else day, *rest]
            shown = "".join(
                f'<td style="{_CELL}">{escape("" if c != c else c)}</td>' for c in cells
            )
            rows.append(f"<tr>{shown}</tr>")
        self.table.value = (
            f"<table {_TABLE}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    # --- saving ---

    def save(self, _button: w.Button | None = None) -> bool:
        """Store the lesson the form shows; ``True`` when it went through."""
        return self.form.run(self._save)

    def _save(self) -> None:
        values = self._values()
        if self.client:  # not on the screen, so not the form's to write
            for name in self._internal:
                values.pop(name, None)
        (saved,) = save_lessons(self.store, self.project_id, [values], today=self.today)
        self._last_save = (
            t("lessons.form.undo_what", id=saved.id, title=saved.title),
            lambda: self.store.delete("lessons", saved.id),
            saved.visibility == "client",
        )
        self._offer_undo()
        self.form.reset()
        self.refresh()
        self.status.ok(t("lessons.form.added", id=saved.id, title=saved.title))
        self._announce("lessons")

    def _values(self) -> dict[str, Any]:
        """The form's values; every problem at once (typing and the model's rules)."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, field in self.form.fields.items():
            try:
                values[name] = field.value
            except InvalidRecord as err:
                problems += err.problems
        if problems:
            bad = {p.field for p in problems}
            given = {k: v for k, v in values.items() if v is not None}
            try:
                Lesson(project_id=self.project_id, **{"recorded_on": self.today, **given})
            except InvalidRecord as err:
                problems += [p for p in err.problems if p.field.split(".")[0] not in bad]
            raise InvalidRecord(problems, t("error.fix_hint"))
        return values

    def _undone(self) -> None:
        self._last_save = None
        self.refresh()
        self._announce("lessons")
