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
import re
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from .errors import CommlibError, FormInvalid, InvalidRecord, Problem
from .i18n import enum_label, get_language, language, normalise, t
from .i18n import label as field_label
from .models import ENUMS

if TYPE_CHECKING:
    from .store import ProjectRef, Store

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
    (a value, or a function for a fresh one such as "now") is what ``reset()`` puts back;
    ``format`` turns a model value into the widget's (``set()`` and ``reset()`` use it: a
    date shown as text).
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
        format: Callable[[Any], Any] | None = None,
        required: bool = False,
        width: str | None = None,
    ) -> None:
        self.name = name
        self.input = widget
        self.parse = parse
        self.format = format
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
        """The model's value; a ``parse`` that refuses it names this field (a date box
        whose ``parse_date`` says "date" shows its message under ``due``)."""
        value = self.input.value
        if self.parse is None:
            return value
        try:
            return self.parse(value)
        except InvalidRecord as err:
            problems = [
                p if p.field.split(".")[0] == self.name else replace(p, field=self.name)
                for p in err.problems
            ]
            raise InvalidRecord(problems, err.hint) from None

    @property
    def empty(self) -> bool:
        value = self.input.value
        return value is None or (isinstance(value, str | tuple | list) and not value)

    def set(self, value: Any) -> None:
        """Show the model value ``value`` in the input."""
        self.input.value = self.format(value) if self.format is not None else value

    def reset(self) -> None:
        self.set(self.default() if callable(self.default) else self.default)
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
        """The model's values by field name; the problems of every field that cannot
        give one (a bad date...) are raised together."""
        values, problems = {}, []
        for name, f in self.fields.items():
            try:
                values[name] = f.value
            except InvalidRecord as err:
                problems += err.problems
        if problems:
            raise InvalidRecord(problems)
        return values

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            if name in self.fields:
                self.fields[name].set(value)

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
            except FormInvalid as err:  # a CommlibError too: caught first, under its fields
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


# --- telling widgets of the same store that records changed ---------------------------

_LISTENERS: weakref.WeakKeyDictionary[Any, list[tuple[frozenset[str], weakref.WeakMethod]]] = (
    weakref.WeakKeyDictionary()
)


def on_change(store: Store, kinds: Iterable[str], callback: Callable[[str, int], Any]) -> None:
    """Call the bound method ``callback(kind, project_id)`` when ``changed`` is announced.

    Only a weak reference is kept, so a widget that is gone stops listening.
    """
    _LISTENERS.setdefault(store, []).append((frozenset(kinds), weakref.WeakMethod(callback)))


def changed(store: Store, kind: str, project_id: int, *, source: object = None) -> None:
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


# --- the screen's audience: what the people in front of it may see ---------------------

AUDIENCES = ("internal", "client")
_SCREEN: weakref.WeakKeyDictionary[Any, dict[int, str]] = weakref.WeakKeyDictionary()
#: the pseudo-kind announced through ``changed`` when a screen switches audience
AUDIENCE = "audience"


def screen_audience(store: Store, project_id: int) -> str:
    """``"client"`` when the screen showing ``project_id`` is in client mode, else
    ``"internal"`` (the default)."""
    return _SCREEN.get(store, {}).get(project_id, "internal")


def set_screen_audience(store: Store, project_id: int, audience: str) -> None:
    """Put the screen of ``project_id`` in ``audience`` mode; every widget of ``store`` for
    that project hears it (the pseudo-kind ``"audience"``) and shows what that audience may."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    if screen_audience(store, project_id) == audience:
        return
    _SCREEN.setdefault(store, {})[project_id] = audience
    changed(store, AUDIENCE, project_id)


def client_badge(lang: str | None = None) -> w.HTML:
    """The marker a widget shows in client mode (hidden otherwise: see ``ProjectWidget``)."""
    text = escape(t("widgets.client_mode", lang))
    badge = w.HTML(
        '<span class="commlib-client-mode" style="background:#e3f2fd;color:#0d47a1;'
        f'border-radius:3px;padding:1px 6px;font-size:0.85em">{text}</span>'
    )
    badge.layout.display = "none"
    return badge


# --- dates typed in the session's language and order ------------------------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE_PATTERNS = (
    # 2026-12-03, 2026/12/3, 2026.12.3, 2026年12月3日
    re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?$"),
    # 3 Dec 2026, 3 December 2026
    re.compile(r"^(?P<d>\d{1,2})\s+(?P<mon>[a-z]{3,9})\.?,?\s+(?P<y>\d{4})$"),
    # Dec 3, 2026
    re.compile(r"^(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})$"),
)
_TIME = re.compile(r"^(?P<date>.+?)[\sT]+(?P<h>\d{1,2})[:：](?P<mi>\d{2})$")


def format_date(value: date | None, lang: str | None = None) -> str:
    """A date as a person of ``lang`` (default: the session's) writes it: ``2026-12-03``
    (zh), ``3 Dec 2026`` (en)."""
    if value is None:
        return ""
    if normalise(lang or get_language()) == "en":
        return f"{value.day} {_MONTHS[value.month - 1].title()} {value.year}"
    return value.isoformat()


def format_moment(value: datetime | None, lang: str | None = None) -> str:
    """A naive local moment as ``format_date`` and ``HH:MM``."""
    if value is None:
        return ""
    return f"{format_date(value.date(), lang)} {value:%H:%M}"


def parse_date(text: str, field: str = "date") -> date | None:
    """``2026-12-03``, ``2026/12/3``, ``2026年12月3日``, ``3 Dec 2026`` or ``Dec 3, 2026``
    as a date; blank is ``None``; anything else is an ``InvalidRecord`` for ``field``."""
    raw = (text or "").strip()
    if not raw:
        return None
    found = next((m for p in _DATE_PATTERNS if (m := p.match(raw.lower()))), None)
    try:
        if found is None:
            raise ValueError(raw)
        parts = found.groupdict()
        month = int(parts["m"]) if parts.get("m") else _MONTHS.index(parts["mon"][:3]) + 1
        return date(int(parts["y"]), month, int(parts["d"]))
    except ValueError:
        message = t("widgets.date.invalid", example=format_date(date.today()))
        raise InvalidRecord([Problem(field, raw, message)]) from None


def parse_moment(text: str, field: str = "when") -> datetime | None:
    """``parse_date`` with a time ``HH:MM`` after it (naive, local); a date alone is 00:00."""
    raw = (text or "").strip()
    if not raw:
        return None
    found = _TIME.match(raw)
    day = parse_date(found["date"] if found else raw, field)
    if not found:
        return datetime.combine(day, datetime.min.time())
    hour, minute = int(found["h"]), int(found["mi"])
    if hour > 23 or minute > 59:
        message = t("widgets.date.invalid", example=format_moment(datetime.now(), None))
        raise InvalidRecord([Problem(field, raw, message)])
    return datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)


def date_suggestions(lang: str | None = None, *, today: date | None = None) -> list[str]:
    """Dates a person picks most often in a meeting: today, tomorrow, next Monday, in one,
    two and four weeks (formatted for ``lang``)."""
    day = today or date.today()
    monday = day + timedelta(days=7 - day.weekday())
    picks = [day, day + timedelta(days=1), monday, *(day + timedelta(weeks=n) for n in (1, 2, 4))]
    return list(dict.fromkeys(format_date(d, lang) for d in picks))


def date_input(lang: str | None = None, value: date | None = None, **kwargs: Any) -> w.Combobox:
    """A date box in the session's language and order (not the browser's), with the
    common picks offered; use it with ``Field(..., parse=parse_date, format=format_date)``."""
    example = format_date(date.today(), lang)
    return w.Combobox(
        value=format_date(value, lang),
        options=date_suggestions(lang),
        ensure_option=False,
        placeholder=t("widgets.date.placeholder", lang, example=example),
        **kwargs,
    )


def moment_input(lang: str | None = None, value: datetime | None = None) -> w.Text:
    """A date-and-time box (``2026-12-03 14:30`` / ``3 Dec 2026 14:30``)."""
    example = format_moment(datetime.now().replace(second=0, microsecond=0), lang)
    return w.Text(
        value=format_moment(value, lang),
        placeholder=t("widgets.date.placeholder", lang, example=example),
    )


# --- taking the last save back ----------------------------------------------------------


class Undo(w.HBox):
    """The undo of a widget's last save: ``remember(text, revert)`` after a save shows the
    button; a click runs ``revert`` (which goes through the store, so the history keeps
    both the save and its undo) and says what was taken back. Only the last save is kept."""

    def __init__(self, form: Form, on_undone: Callable[[], Any] | None = None) -> None:
        self.form = form
        self.on_undone = on_undone
        self.what = ""
        self._revert: Callable[[], Any] | None = None
        self.button = w.Button(description=t("widgets.undo"), icon="undo")
        self.button.on_click(lambda _b: self.undo())
        super().__init__([self.button])
        self.layout.display = "none"

    @property
    def pending(self) -> bool:
        return self._revert is not None

    def remember(self, what: str, revert: Callable[[], Any]) -> None:
        self.what, self._revert = what, revert
        self.button.tooltip = t("widgets.undo_tip", what=what)
        self.layout.display = None

    def forget(self) -> None:
        self.what, self._revert = "", None
        self.button.tooltip = ""
        self.layout.display = "none"

    def undo(self) -> bool:
        """Take the last save back; ``True`` when it went."""
        revert, what = self._revert, self.what
        if revert is None:
            return False

        def run() -> None:
            revert()
            self.forget()
            self.form.status.ok(t("widgets.undone", what=what))
            if self.on_undone is not None:
                self.on_undone()

        return self.form.run(run)


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


def save_button(action: Callable[[w.Button], Any]) -> w.Button:
    """The primary "save" button; a click runs ``action``."""
    button = w.Button(description=t("widgets.save"), icon="check", button_style="primary")
    button.on_click(action)
    return button


class ProjectWidget(w.VBox):
    """What every widget here shares: the store, the project, the language, a status line,
    and the audience of the screen it is on.

    ``audience`` ``None`` follows the screen (``set_screen_audience``); ``"client"`` or
    ``"internal"`` fixes it. ``self.client`` says whether a client may be looking:
    a widget then shows only client-visible records and no field internal by nature, and
    its ``badge`` (a visible marker) is shown. On a switch, ``audience_changed()`` runs
    (by default: ``refresh()``).
    """

    #: the kind of record the form edits, whose ``internal_fields`` a client never sees
    model: Any = None

    def __init__(
        self, store: Store, project: ProjectRef, lang: str | None, audience: str | None = None
    ) -> None:
        super().__init__()
        if audience is not None and audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
        self.store = store
        self.project = store.project(project)
        self.lang = normalise(lang) if lang else self.project.language
        self.fixed_audience = audience
        #: the last save, as the undo button would take it back: (what, revert, public)
        self._last_save: tuple[str, Callable[[], Any], bool] | None = None
        self.status = StatusLine()
        self.badge = client_badge(self.lang)
        self.add_class("commlib-widget")
        on_change(store, {AUDIENCE}, self._audience_switched)
        self._show_badge()

    @property
    def project_id(self) -> int:
        return self.project.id

    def _remember(self, what: str, revert: Callable[[], Any], *, public: bool) -> None:
        """Offer to undo the save just made (``public``: the record it names is
        client-visible); the widget has an ``undo`` (:class:`Undo`)."""
        self._last_save = (what, revert, public)
        self._offer_undo()

    def _offer_undo(self) -> None:
        """The undo button, unless it would name an internal record to a client (it comes
        back when the screen is internal again)."""
        if self._last_save is None:
            return
        what, revert, public = self._last_save
        if self.client and not public:
            self.undo.forget()
        else:
            self.undo.remember(what, revert)

    @property
    def audience(self) -> str:
        if self.fixed_audience is not None:
            return self.fixed_audience
        return screen_audience(self.store, self.project_id)

    @property
    def client(self) -> bool:
        return self.audience == "client"

    def _show_badge(self) -> None:
        self.badge.layout.display = None if self.client else "none"

    def _visibility_default(self) -> str:
        """What a new record's visibility starts as: client on a client screen."""
        return "client" if self.client else "internal"

    @property
    def _internal(self) -> list[str]:
        """The form's fields internal by nature (``model.internal_fields``: the notes)."""
        internal = getattr(self.model, "internal_fields", frozenset())
        return [name for name in self.form.fields if name in internal]

    def _visibility_field(self) -> Field:
        """Who may see the record: a new one starts as the screen's audience."""
        return Field(
            "visibility",
            toggles(enum_options("visibility"), self._visibility_default()),
            default=self._visibility_default,
        )

    def _mark_internal_fields(self) -> None:
        """Beside each internal field, that what is typed there stays with the team."""
        for name in self._internal:
            stays = w.HTML(
                f"<span style='color:#555'>{escape(t('widgets.internal_stays'))}</span>",
                layout=w.Layout(margin="0 0 0 1em"),
            )
            row = self.form[name].children[0]
            row.children = (*row.children, stays)

    def _show_internal_fields(self) -> None:
        """Internal fields leave a client's screen."""
        for name in self._internal:
            self.form[name].layout.display = "none" if self.client else None

    def _audience_switched(self, _kind: str, project_id: int) -> None:
        if project_id == self.project_id and self.fixed_audience is None:
            self._show_badge()
            with language(self.lang):
                self.audience_changed()

    def audience_changed(self) -> None:
        """The screen switched audience: show what the new one may see."""
        self.form.run(self.refresh, keep=True)

    def _announce(self, kind: str) -> None:
        changed(self.store, kind, self.project_id, source=self)

    def _on_change(self, _kind: str, project_id: int) -> None:
        """Another widget of this store changed records this one shows."""
        if project_id == self.project_id:
            self.form.run(self.refresh, keep=True)

    def refresh(self) -> None:  # pragma: no cover - every widget defines its own
        raise NotImplementedError
