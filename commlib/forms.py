"""Form plumbing the widgets share: a field row with its own error label, a status line,
and a ``Form`` that runs an action and puts every problem next to the field it concerns.

    name = Field("name", widgets.Text())
    email = Field("email", widgets.Text())
    form = Form([name, email], lang="zh")
    form.run(lambda: store.add(Stakeholder(project_id=1, **form.values())))  # never raises

``Form.run`` turns errors into what a person can act on, never a traceback:

- ``InvalidRecord``: each problem under its field (``email`` -> the e-mail field's red label);
  problems no field takes go to the status line;
- ``FormInvalid``: problems that belong to several forms (a contact and its follow-up rows);
- any other ``CommlibError``: its message in the status line;
- anything else: a generic message in the status line (the exception is kept in
  ``form.last_error`` and logged at DEBUG level for whoever investigates).

Widgets that change records tell the others with ``changed(store, kind, project_id)``;
widgets that show them listen with ``on_change(store, kinds, bound_method)``.
"""

from __future__ import annotations

import html
import logging
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import ipywidgets as w

from .errors import CommlibError, InvalidRecord, Problem
from .i18n import enum_label, language, normalise, t
from .i18n import label as field_label
from .models import ENUMS

log = logging.getLogger(__name__)

LABEL_WIDTH = "10em"
ERROR_COLOR = "#c62828"
OK_COLOR = "#2e7d32"
_MISSING = object()


def escape(value: object) -> str:
    return html.escape("" if value is None else str(value))


class Field(w.VBox):
    """One input with its label (left) and a small red error label (below).

    ``name`` is the model field it edits; problems about that field show under it.
    ``parse`` turns the widget's value into the model's (default: as it is); ``default``
    (a value, or a function for a fresh one such as "now") is what ``reset()`` puts back.
    A ``required`` field is marked as such; its value is always passed on, so an empty one
    is reported by the model ("must not be empty"), on an edit as on a new record.
    ``label=""`` leaves the label out (cells of a table).
    """

    def __init__(
        self,
        name: str,
        widget: w.Widget,
        *,
        label: str | None = None,
        default: Any = _MISSING,
        parse: Callable[[Any], Any] | None = None,
        required: bool = False,
        width: str | None = None,
    ) -> None:
        self.name = name
        self.input = widget
        self.parse = parse
        self.required = required
        self.default = widget.value if default is _MISSING else default
        self.message = ""
        text = field_label(name) if label is None else label
        self.label = w.Label(text, layout=w.Layout(width=LABEL_WIDTH, min_width=LABEL_WIDTH))
        self.error = w.HTML("", layout=w.Layout(display="none"))
        if text:
            self.error.layout.margin = f"0 0 0 {LABEL_WIDTH}"
            row: w.Widget = w.HBox([self.label, widget])
        else:
            row = widget
        if width is not None:  # the field takes ``width``, the input fills what is left
            widget.layout.flex = "1 1 auto"
            row.layout.width = "100%"
        super().__init__([row, self.error])
        if width is not None:
            self.layout.width = width
        self.add_class("commlib-field")

    @property
    def value(self) -> Any:
        value = self.input.value
        return self.parse(value) if self.parse is not None else value

    @property
    def empty(self) -> bool:
        value = self.input.value
        return value is None or (isinstance(value, str | tuple | list) and not value)

    def reset(self) -> None:
        self.input.value = self.default() if callable(self.default) else self.default
        self.clear_error()

    def show_error(self, message: str) -> None:
        """Show ``message`` under the input (added to any message already there)."""
        self.message = f"{self.message}; {message}" if self.message else message
        self.error.value = (
            f'<span class="commlib-error" style="color:{ERROR_COLOR};font-size:0.85em">'
            f"{escape(self.message)}</span>"
        )
        self.error.layout.display = None

    def clear_error(self) -> None:
        self.message = ""
        self.error.value = ""
        self.error.layout.display = "none"


class StatusLine(w.HTML):
    """One line under a form's buttons: what just happened, in green or red."""

    def __init__(self) -> None:
        super().__init__("")
        self.message = ""
        self.level = ""
        self.add_class("commlib-status")

    def ok(self, message: str) -> None:
        self._show("ok", message, OK_COLOR)

    def info(self, message: str) -> None:
        self._show("info", message, "inherit")

    def error(self, message: str) -> None:
        self._show("error", message, ERROR_COLOR)

    def clear(self) -> None:
        self.message = self.level = self.value = ""

    def _show(self, level: str, message: str, color: str) -> None:
        self.message, self.level = message, level
        self.value = f'<span style="color:{color}">{escape(message)}</span>'


class FormInvalid(Exception):
    """Problems that belong to several forms; ``Form.run`` shows each under its field."""

    def __init__(self, found: list[tuple[Form, list[Problem]]]) -> None:
        super().__init__(f"{sum(len(p) for _, p in found)} problems")
        self.found = found


class Checker:
    """Builds several records, collecting every form's problems so all show at once.

    >>> check = Checker()
    >>> contact = check.build(contact_form, lambda: Contact(**contact_form.values()))
    >>> check.raise_if_any()   # FormInvalid with the problems of every form
    """

    def __init__(self) -> None:
        self.found: list[tuple[Form, list[Problem]]] = []

    def build(self, form: Form, make: Callable[[], Any]) -> Any:
        try:
            return make()
        except InvalidRecord as err:
            self.found.append((form, err.problems))
            return None

    def raise_if_any(self) -> None:
        if self.found:
            raise FormInvalid(self.found)


class Form:
    """Fields by name, a status line, and ``run(action)`` that never raises.

    ``aliases`` maps a problem's field to the form field that shows it, e.g.
    ``{"-": "audience", "quadrant": "audience"}`` ("-" is a problem of the whole record).
    Several forms may share one status line (the rows of a table).
    """

    def __init__(
        self,
        fields: Iterable[Field],
        *,
        status: StatusLine | None = None,
        lang: str | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        self.fields = {f.name: f for f in fields}
        self.status = status if status is not None else StatusLine()
        self.lang = lang
        self.aliases = dict(aliases or {})
        self.last_error: BaseException | None = None

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def __iter__(self):
        return iter(self.fields.values())

    def values(self) -> dict[str, Any]:
        """The model's values by field name."""
        return {name: f.value for name, f in self.fields.items()}

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            if name in self.fields:
                self.fields[name].input.value = value

    def reset(self) -> None:
        for f in self.fields.values():
            f.reset()

    def clear_errors(self) -> None:
        for f in self.fields.values():
            f.clear_error()

    def errors(self) -> dict[str, str]:
        """The messages shown now, by field name (for tests and for people reading code)."""
        return {name: f.message for name, f in self.fields.items() if f.message}

    def show_problems(self, problems: Iterable[Problem]) -> list[Problem]:
        """Show each problem under its field; returns those no field of this form takes."""
        left = []
        for problem in problems:
            target = self.field_for(problem.field)
            if target is None:
                left.append(problem)
            else:
                target.show_error(problem.message)
        return left

    def field_for(self, problem_field: str) -> Field | None:
        """``stakeholder_ids.0`` -> the ``stakeholder_ids`` field; aliases apply first."""
        for key in (problem_field, problem_field.split(".")[0]):
            key = self.aliases.get(key, key)
            if key in self.fields:
                return self.fields[key]
        return None

    def run(
        self, action: Callable[[], Any], *, clear: Iterable[Form] = (), keep: bool = False
    ) -> bool:
        """Run ``action`` in the form's language; ``True`` when it went through.

        Errors are cleared first (of this form and of the forms in ``clear``), and the
        status line too, unless ``keep`` (a refresh in the background keeps what a person
        is looking at); then whatever goes wrong is shown where it belongs.
        """
        with language(self.lang):
            if not keep:
                for form in [self, *clear]:
                    form.clear_errors()
                self.status.clear()
            try:
                action()
            except FormInvalid as err:
                left = [p for form, problems in err.found for p in form.show_problems(problems)]
                self._fix_marked(left)
            except InvalidRecord as err:
                self._fix_marked(self.show_problems(err.problems))
            except CommlibError as err:
                self.status.error(str(err))
            except Exception as err:
                self.last_error = err
                log.debug("unexpected error in a commlib form", exc_info=True)
                self.status.error(t("widgets.unexpected", error=type(err).__name__))
            else:
                return True
        return False

    def _fix_marked(self, left: list[Problem]) -> None:
        text = t("widgets.fix_marked")
        if left:
            text += " " + "; ".join(f"{field_label(p.field)}: {p.message}" for p in left)
        self.status.error(text)


def button(description: str, *, icon: str = "", style: str = "") -> w.Button:
    return w.Button(description=description, icon=icon, button_style=style)


def header(text: str) -> w.HTML:
    return w.HTML(f"<b>{escape(text)}</b>")


# --- telling widgets of the same store that records changed ---------------------------

_LISTENERS: weakref.WeakKeyDictionary[Any, list[tuple[frozenset[str], weakref.WeakMethod]]] = (
    weakref.WeakKeyDictionary()
)


def on_change(store: Any, kinds: Iterable[str], callback: Callable[[str, int], Any]) -> None:
    """Call the bound method ``callback(kind, project_id)`` when ``changed`` is announced.

    Only a weak reference is kept, so a widget that is gone stops listening.
    """
    _LISTENERS.setdefault(store, []).append((frozenset(kinds), weakref.WeakMethod(callback)))


def changed(store: Any, kind: str, project_id: int, *, source: object = None) -> None:
    """Tell the listeners of ``store`` that records of ``kind`` changed (not ``source``)."""
    alive = []
    for kinds, ref in _LISTENERS.get(store, []):
        callback = ref()
        if callback is None:
            continue
        alive.append((kinds, ref))
        if kind in kinds and getattr(callback, "__self__", None) is not source:
            try:
                callback(kind, project_id)
            except Exception:
                log.debug("a commlib change listener failed", exc_info=True)
    if store in _LISTENERS:
        _LISTENERS[store] = alive


# --- shared by the widgets of every area -------------------------------------------------


def enum_options(name: str) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of an enumeration, labels in the current language."""
    return [(enum_label(name, v), v) for v in ENUMS[name]]


def heading(text: str) -> w.HTML:
    return w.HTML(f"<h4 style='margin:4px 0'>{escape(text)}</h4>")


def toggles(choices: list[tuple[str, Any]], value: Any, width: str = "") -> w.ToggleButtons:
    toggles = w.ToggleButtons(options=choices, value=value)
    if width:
        toggles.style.button_width = width
    return toggles


class ProjectWidget(w.VBox):
    """What every widget here shares: the store, the project, the language, a status line."""

    def __init__(self, store: Any, project: Any, lang: str | None) -> None:
        super().__init__()
        self.store = store
        self.project = store.project(project)
        self.lang = normalise(lang) if lang else self.project.language
        self.status = StatusLine()
        self.add_class("commlib-widget")

    @property
    def project_id(self) -> int:
        return self.project.id

    def _announce(self, kind: str) -> None:
        changed(self.store, kind, self.project_id, source=self)

    def _on_change(self, _kind: str, project_id: int) -> None:
        """Another widget of this store changed records this one shows."""
        if project_id == self.project_id:
            self.form.run(self.refresh, keep=True)

    def refresh(self) -> None:  # pragma: no cover - every widget defines its own
        raise NotImplementedError
