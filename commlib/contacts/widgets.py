"""Widgets for the contact log, the stakeholder register, the communication plan and the
follow-ups of one project. Each is a ``VBox``: the last line of a cell shows it.

    ContactLogger(store, "华辰 ERP 升级")           # log a contact and its follow-ups
    StakeholderRegister(store, "华辰 ERP 升级")     # who is who, power/interest, engagement
    CommunicationPlan(store, "华辰 ERP 升级")       # what goes to whom, how, how often
    FollowUpBoard(store, "华辰 ERP 升级")           # open follow-ups, overdue first

Labels follow ``lang`` (``zh`` or ``en``), by default the project's language. Values are
checked by the models; a problem shows in red under the field it concerns, never as a
traceback. Widgets of the same store tell each other what changed (a stakeholder added in
the register shows up in the logger), so nothing re-reads the store on a keystroke.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import ipywidgets as w

from ..errors import InvalidRecord, Problem
from ..forms import (
    LABEL_WIDTH,
    Checker,
    Field,
    Form,
    FormInvalid,
    ProjectWidget,
    StatusLine,
    Undo,
    date_input,
    enum_options,
    escape,
    format_date,
    format_moment,
    heading,
    moment_input,
    on_change,
    parse_date,
    parse_moment,
    toggles,
)
from ..i18n import enum_label, label, language, t
from ..models import (
    ENUMS,
    QUADRANT_DEFAULTS,
    Contact,
    FollowUp,
    PlanItem,
    Stakeholder,
    quadrant_of,
)

#: time zones offered in the register (any IANA name can be typed)
COMMON_TIMEZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)

#: cadence words shown per language (each one is understood by ``PlanItem.cadence_days``)
CADENCE_WORDS = {
    "en": {7: "weekly", 14: "biweekly", 30: "monthly"},
    "zh": {7: "每周", 14: "双周", 30: "每月"},
}

LATEST = 10
_TABLE = 'style="border-collapse:collapse;font-size:0.9em"'
_CELL = 'style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left"'


# --- small helpers ----------------------------------------------------------------------


def stakeholder_labels(people: Iterable[Stakeholder]) -> dict[int, str]:
    """``id -> "张伟 · CIO"`` (role, else organisation); equal labels get ``#id`` added."""
    base = {
        p.id: " · ".join(part for part in (p.name, p.role or p.organisation) if part)
        for p in people
        if p.id is not None
    }
    seen = Counter(base.values())
    return {i: f"{text} #{i}" if seen[text] > 1 else text for i, text in base.items()}


def local_time(moment: datetime) -> str:
    """A stored (UTC) moment in the machine's local time zone, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _now() -> datetime:
    """Now, in the machine's local time zone, naive (as the picker shows it), to the minute."""
    return datetime.now().replace(second=0, microsecond=0)


def _to_utc(value: datetime | None) -> datetime | None:
    """The picker's naive local time as a UTC moment."""
    return None if value is None else value.astimezone(UTC)


def _seen(records: Iterable[Any], client: bool) -> list[Any]:
    """The records a screen may show: in client mode, only client-visible ones."""
    return [r for r in records if not client or r.visibility == "client"]


def _newest(contacts: Iterable[Contact]) -> list[Contact]:
    return sorted(contacts, key=lambda c: (c.when, c.id or 0), reverse=True)[:LATEST]


def _none_if_empty(value: Any) -> Any:
    return None if value == "" else value


def _table(headers: list[str], rows: list[list[object]], empty: str) -> str:
    if not rows:
        return f"<i>{escape(empty)}</i>"
    head = "".join(f"<th {_CELL}>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td {_CELL}>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table {_TABLE}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _close(widget: w.Widget) -> None:
    """Close a widget and everything in it (a removed row leaves nothing behind)."""
    for child in getattr(widget, "children", ()):
        _close(child)
    widget.close()


# --- the contact log --------------------------------------------------------------------


class PeoplePicker(w.HBox):
    """Who took part: a box offering the register's names, a "+" and the people chosen.

    A name picked from the list (or typed in full, or a name only one person has) is
    added at once; what is typed and not added stays in ``pending`` (the browser never
    drops it silently: saving refuses it, under the field). ``value`` is the labels chosen.
    """

    def __init__(self, placeholder: str, tooltip: str) -> None:
        self.box = w.Combobox(
            options=[], ensure_option=False, placeholder=placeholder, continuous_update=False
        )
        self.add_button = w.Button(icon="plus", tooltip=tooltip, layout=w.Layout(width="3em"))
        self.chosen = w.HBox([])
        self._labels: list[str] = []
        self._value: list[str] = []
        self.box.observe(self._typed, names="value")
        super().__init__([self.box, self.add_button, self.chosen])

    @property
    def options(self) -> list[str]:
        return list(self._labels)

    @options.setter
    def options(self, labels: Iterable[str]) -> None:
        self._labels = list(labels)
        self.box.options = self._labels

    @property
    def value(self) -> list[str]:
        return list(self._value)

    @value.setter
    def value(self, labels: Iterable[str]) -> None:
        self._value = list(dict.fromkeys(labels))
        for button in self.chosen.children:
            button.close()
        buttons = []
        for text in self._value:
            button = w.Button(description=text, icon="times", tooltip=t("widgets.remove"))
            button.layout.width = "auto"
            button.on_click(lambda _b, text=text: self.remove(text))
            buttons.append(button)
        self.chosen.children = buttons

    @property
    def pending(self) -> str:
        """What is typed in the box and not added yet."""
        return self.box.value.strip()

    def resolve(self, text: str) -> str | None:
        """The label ``text`` stands for: a label, or a name only one person has."""
        text = text.strip()
        if text in self._labels:
            return text
        named = [lb for lb in self._labels if lb.split(" · ")[0].casefold() == text.casefold()]
        return named[0] if len(named) == 1 else None

    def add(self) -> bool:
        """Add what the box holds; ``False`` when it names nobody in the register."""
        if not self.pending:
            return True
        found = self.resolve(self.pending)
        if found is None:
            return False
        self.value = [*self._value, found]
        self.box.value = ""
        return True

    def remove(self, text: str) -> None:
        self.value = [v for v in self._value if v != text]

    def _typed(self, _change: dict[str, Any]) -> None:
        if self.pending and self.resolve(self.pending) is not None:
            self.add()


def _internal_hint() -> w.HTML:
    """The line under a notes box: what is typed there stays with the team."""
    return w.HTML(
        "<span style='color:#666;font-size:0.85em'>🔒 "
        f"{escape(t('widgets.internal_stays'))}</span>",
        layout=w.Layout(margin=f"0 0 0 {LABEL_WIDTH}"),
    )


def _visibility(value: str, *, width: str | None = None) -> Field:
    return Field(
        "visibility",
        toggles(enum_options("visibility"), value),
        label="" if width else None,
        default=value,
        width=width,
    )


class _FollowUpRow(w.HBox):
    """One follow-up being written: title, owner, due, who may see it, and a remove button.

    Its visibility follows the contact's until someone sets it (``follows``).
    """

    def __init__(self, status: StatusLine, lang: str, visibility: str) -> None:
        self.follows = True
        self._following = False
        self.form = Form(
            [
                Field("title", w.Text(placeholder=label("title")), label="", width="34%"),
                Field("owner", w.Text(placeholder=label("owner")), label="", width="16%"),
                Field(
                    "due",
                    date_input(lang, description=label("due"), style={"description_width": "auto"}),
                    label="",
                    default=None,
                    parse=lambda text: parse_date(text, "due"),
                    format=lambda day: format_date(day, lang),
                    width="17em",
                ),
                _visibility(visibility, width="14em"),
            ],
            status=status,
            lang=lang,
        )
        self.form["visibility"].input.observe(self._set_by_hand, names="value")
        self.remove_button = w.Button(
            icon="times", tooltip=t("widgets.remove"), layout=w.Layout(width="3em")
        )
        super().__init__([*self.form, self.remove_button])

    def follow(self, visibility: str) -> None:
        """The contact's visibility changed: a row nobody set follows it."""
        if self.follows:
            self._following = True
            try:
                self.form["visibility"].input.value = visibility
            finally:
                self._following = False

    def _set_by_hand(self, _change: dict[str, Any]) -> None:
        if not self._following:
            self.follows = False

    @property
    def blank(self) -> bool:
        """Nothing written in it: it is left out when saving."""
        return (
            not self.form["title"].input.value.strip()
            and not self.form["owner"].input.value.strip()
            and not self.form["due"].input.value.strip()
        )


class ContactLogger(ProjectWidget):
    """Log a contact with a project's stakeholders, and the follow-ups it brought.

    Save checks everything first, then writes the contact and its follow-ups in one
    transaction: all of them, or nothing; "undo" takes that save back. The latest contacts
    show below the form. In client mode (``self.client``) only client-visible contacts and
    stakeholders show, and what is logged is client-visible unless set otherwise.
    """

    def __init__(
        self, store: Any, project: Any, lang: str | None = None, audience: str | None = None
    ) -> None:
        super().__init__(store, project, lang, audience)
        with language(self.lang):
            self._build()
            self.refresh()
        on_change(store, {"stakeholders", "contacts"}, self._on_change)

    @property
    def _shared(self) -> str:
        """The visibility a new record starts with on this screen."""
        return "client" if self.client else "internal"

    def _build(self) -> None:
        self._ids: dict[str, int] = {}  # label -> stakeholder id
        self._names: dict[int, str] = {}
        self._latest: list[Contact] = []
        sentiments = [(t("widgets.sentiment.unknown"), "")] + [
            (f"{n:+d}" if n else "0", n) for n in (-2, -1, 0, 1, 2)
        ]
        tips = [
            t("widgets.sentiment.unknown_tip"),
            t("widgets.sentiment.very_negative"),
            t("widgets.sentiment.negative"),
            t("widgets.sentiment.neutral"),
            t("widgets.sentiment.positive"),
            t("widgets.sentiment.very_positive"),
        ]
        sentiment = toggles(sentiments, "", "4em")
        sentiment.tooltips = tips
        self.people = PeoplePicker(
            t("widgets.contact.who_placeholder"), t("widgets.contact.add_person")
        )
        self.people.add_button.on_click(self._add_person)
        lang = self.lang
        self.form = Form(
            [
                Field("stakeholder_ids", self.people, parse=self._stakeholder_ids, default=[]),
                Field(
                    "when",
                    moment_input(lang, _now()),
                    default=_now,
                    parse=lambda text: _to_utc(parse_moment(text, "when")),
                    format=lambda moment: format_moment(moment, lang),
                    required=True,
                ),
                Field("channel", w.Dropdown(options=enum_options("channel"), value="meeting")),
                Field("direction", toggles(enum_options("direction"), "outbound")),
                Field(
                    "subject",
                    w.Text(placeholder=t("widgets.contact.subject_placeholder")),
                    width="100%",
                ),
                Field("summary", w.Textarea(rows=4), width="100%"),
                Field("sentiment", sentiment, parse=_none_if_empty),
                _visibility(self._shared),
                Field("notes", w.Textarea(rows=2), width="100%"),
            ],
            status=self.status,
            lang=self.lang,
        )
        self.form["visibility"].input.observe(self._visibility_set, names="value")
        self.follow_up_rows: list[_FollowUpRow] = []
        self.follow_up_box = w.VBox([])
        self.add_follow_up_button = w.Button(
            description=t("widgets.contact.add_follow_up"), icon="plus"
        )
        self.add_follow_up_button.on_click(self._add_row)
        self.save_button = w.Button(
            description=t("widgets.save"), icon="check", button_style="primary"
        )
        self.save_button.on_click(self.save)
        self.undo = Undo(self.form)
        self.latest = w.HTML()
        self.children = [
            w.HBox([heading(t("widgets.contact.title")), self.badge]),
            *self.form,
            _internal_hint(),
            w.HTML(f"<b>{escape(label('follow_ups'))}</b>"),
            self.follow_up_box,
            self.add_follow_up_button,
            w.HBox([self.save_button, self.undo, self.status]),
            heading(t("widgets.contact.latest")),
            self.latest,
        ]

    def _stakeholder_ids(self, tags: list[str]) -> list[int]:
        problems = []
        if self.people.pending:
            message = t("widgets.contact.not_added", name=self.people.pending)
            problems.append(Problem("stakeholder_ids", self.people.pending, message))
        unknown = [tag for tag in tags if tag not in self._ids]
        if unknown:
            message = t("widgets.contact.unknown_stakeholder", name=", ".join(unknown))
            problems.append(Problem("stakeholder_ids", unknown, message))
        if problems:
            raise InvalidRecord(problems)
        return [self._ids[tag] for tag in tags]

    def _add_person(self, _button: w.Button | None = None) -> bool:
        """What "+" does: add the typed name, or say it is nobody in the register."""

        def add() -> None:
            if not self.people.add():
                name = self.people.pending
                message = t("widgets.contact.unknown_stakeholder", name=name)
                raise InvalidRecord([Problem("stakeholder_ids", name, message)])

        return self.form.run(add)

    def _visibility_set(self, change: dict[str, Any]) -> None:
        for row in self.follow_up_rows:
            row.follow(change["new"])

    # --- reading ---

    def refresh(self) -> None:
        """Re-read the project's stakeholders and latest contacts (on open and on change)."""
        with language(self.lang):
            people = _seen(self.store.records("stakeholders", self.project_id), self.client)
            labels = stakeholder_labels(people)
            self._names = {p.id: p.name for p in people}
            self._ids = {text: i for i, text in labels.items()}
            self.people.options = labels.values()
            self.people.value = [tag for tag in self.people.value if tag in self._ids]
            contacts = _seen(self.store.records("contacts", self.project_id), self.client)
            self._latest = _newest(contacts)
            self._show_latest()

    def audience_changed(self) -> None:
        """Client mode: new contacts (and untouched follow-ups) start client-visible."""
        visibility = self.form["visibility"]
        visibility.default = self._shared
        visibility.input.value = self._shared
        self.form.run(self.refresh, keep=True)

    def _show_latest(self) -> None:
        rows = [
            [
                local_time(c.when),
                enum_label("channel", c.channel),
                enum_label("direction", c.direction),
                ", ".join(self._names[i] for i in c.stakeholder_ids if i in self._names),
                c.subject,
                "" if c.sentiment is None else f"{c.sentiment:+d}" if c.sentiment else "0",
                enum_label("visibility", c.visibility),
            ]
            for c in self._latest
        ]
        headers = [
            label(f)
            for f in (
                "when",
                "channel",
                "direction",
                "stakeholder_ids",
                "subject",
                "sentiment",
                "visibility",
            )
        ]
        self.latest.value = _table(headers, rows, t("widgets.contact.none_yet"))

    # --- follow-up rows ---

    def add_follow_up(self) -> _FollowUpRow:
        """Add an empty follow-up row (what the "+ follow-up" button does); returns it."""
        with language(self.lang):
            row = _FollowUpRow(self.status, self.lang, self.form["visibility"].input.value)
        row.remove_button.on_click(lambda _b, row=row: self.remove_follow_up(row))
        self.follow_up_rows.append(row)
        self.follow_up_box.children = [*self.follow_up_box.children, row]
        return row

    def _add_row(self, _button: w.Button | None = None) -> None:
        self.add_follow_up()

    def remove_follow_up(self, row: _FollowUpRow) -> None:
        self.follow_up_rows.remove(row)
        self.follow_up_box.children = [c for c in self.follow_up_box.children if c is not row]
        _close(row)

    # --- saving ---

    def save(self, _button: w.Button | None = None) -> bool:
        """Check, then write the contact and its follow-ups in one transaction."""
        return self.form.run(self._save, clear=[row.form for row in self.follow_up_rows])

    def _save(self) -> None:
        check = Checker()
        contact = check.build(self.form, self._contact)
        pending = []
        for row in self.follow_up_rows:
            if row.blank:
                continue
            follow_up = check.build(row.form, lambda row=row: self._follow_up(row, contact))
            pending.append((row, follow_up))
        check.raise_if_any()
        with self.store.transaction():
            saved = self.store.add(contact)
            added = []
            for row, follow_up in pending:
                try:
                    added.append(
                        self.store.add(follow_up.model_copy(update={"contact_id": saved.id}))
                    )
                except InvalidRecord as err:
                    raise FormInvalid([(row.form, err.problems)]) from err
        self._saved(saved, added)

    def _contact(self) -> Contact:
        contact = Contact(project_id=self.project_id, **self.form.values())
        if not contact.stakeholder_ids and not contact.subject:
            message = t("widgets.contact.empty")
            raise InvalidRecord(
                [Problem("stakeholder_ids", [], message), Problem("subject", "", message)]
            )
        return contact

    def _follow_up(self, row: _FollowUpRow, contact: Contact | None) -> FollowUp:
        follow_up = FollowUp(project_id=self.project_id, **row.form.values())
        if contact is not None and follow_up.due is not None:
            day = contact.when.astimezone().date()
            if follow_up.due < day:
                message = t("widgets.contact.due_before_contact", date=format_date(day))
                raise InvalidRecord([Problem("due", follow_up.due, message)])
        return follow_up

    def _saved(self, contact: Contact, follow_ups: list[FollowUp]) -> None:
        if contact.visibility == "client" or not self.client:
            self._latest = _newest([contact, *self._latest])
        self.form.reset()
        self.people.box.value = ""
        for row in list(self.follow_up_rows):
            self.remove_follow_up(row)
        self._show_latest()
        what = f"{local_time(contact.when)} · {contact.subject or '—'}"
        self.status.ok(
            t(
                "widgets.contact.saved",
                when=local_time(contact.when),
                subject=contact.subject or "—",
                count=len(follow_ups),
            )
        )
        self.undo.remember(what, lambda: self._take_back(contact, follow_ups))
        self._announce("contacts")
        if follow_ups:
            self._announce("follow_ups")

    def _take_back(self, contact: Contact, follow_ups: list[FollowUp]) -> None:
        """Undo a save: its follow-ups, then the contact (the history keeps them)."""
        with self.store.transaction():
            for follow_up in follow_ups:
                self.store.delete("follow_ups", follow_up.id)
            self.store.delete("contacts", contact.id)
        self.refresh()
        self._announce("contacts")
        self._announce("follow_ups")


# --- the stakeholder register -----------------------------------------------------------

#: the team's own analysis and what is internal by nature: never on a client's screen
TEAM_ONLY = ("email", "phone", "power", "interest", "engagement_current", "engagement_desired")


class StakeholderRegister(ProjectWidget):
    """The project's stakeholders as a table, and a form to add one or edit one.

    Edits go through ``store.update``, so changes of power, interest and engagement are
    kept in the history; "undo" takes the last save back. In client mode only
    client-visible stakeholders show, without ``TEAM_ONLY`` fields (an edit keeps their
    stored values, a new stakeholder gets the defaults) and without stored notes (notes
    typed then are added to them).
    """

    NEW = 0

    def __init__(
        self, store: Any, project: Any, lang: str | None = None, audience: str | None = None
    ) -> None:
        super().__init__(store, project, lang, audience)
        self._people: dict[int, Stakeholder] = {}
        self._loading = False
        with language(self.lang):
            self._build()
            self.refresh()
        on_change(store, {"stakeholders"}, self._on_change)

    def _build(self) -> None:
        scale = [(str(n), n) for n in range(1, 6)]
        languages = [(t("widgets.stakeholder.project_language"), ""), *enum_options("language")]
        self.table = w.HTML()
        self.chooser = w.Dropdown(description=t("widgets.stakeholder.edit"))
        self.chooser.style.description_width = "initial"
        self.chooser.observe(self._chosen, names="value")
        self.form = Form(
            [
                Field("name", w.Text()),
                Field("organisation", w.Text()),
                Field("role", w.Text()),
                Field("email", w.Text(placeholder="name@example.com")),
                Field("phone", w.Text()),
                Field(
                    "preferred_channel", w.Dropdown(options=enum_options("channel"), value="email")
                ),
                Field(
                    "timezone",
                    w.Combobox(
                        options=COMMON_TIMEZONES,
                        ensure_option=False,
                        placeholder=t("widgets.stakeholder.timezone_placeholder"),
                    ),
                ),
                Field("language", w.Dropdown(options=languages, value=""), parse=_none_if_empty),
                Field("power", toggles(scale, 3, "3em")),
                Field("interest", toggles(scale, 3, "3em")),
                Field(
                    "engagement_current",
                    w.Dropdown(options=enum_options("engagement"), value="neutral"),
                ),
                Field(
                    "engagement_desired",
                    w.Dropdown(options=enum_options("engagement"), value="supportive"),
                ),
                _visibility("client" if self.client else "internal"),
                Field("notes", w.Textarea(rows=2), width="100%"),
            ],
            status=self.status,
            lang=self.lang,
        )
        self.save_button = w.Button(
            description=t("widgets.save"), icon="check", button_style="primary"
        )
        self.save_button.on_click(self.save)
        self.undo = Undo(self.form)
        self._title = w.HBox([heading(label("stakeholders")), self.badge])
        self._hint = _internal_hint()
        self._lay_out()

    def _lay_out(self) -> None:
        """The form's fields this audience may see."""
        hidden = set(TEAM_ONLY) if self.client else set()
        self.children = [
            self._title,
            self.table,
            self.chooser,
            *(f for name, f in self.form.fields.items() if name not in hidden),
            self._hint,
            w.HBox([self.save_button, self.undo, self.status]),
        ]

    def audience_changed(self) -> None:
        visibility = self.form["visibility"]
        visibility.default = "client" if self.client else "internal"
        self._lay_out()

        def switch() -> None:
            self.refresh()
            self._load(self.chooser.value)  # what is shown follows the audience

        self.form.run(switch, keep=True)

    def refresh(self, select: int | None = None) -> None:
        """Re-read the stakeholders; ``select`` one to edit (default: keep the choice).

        The form is reloaded only when the choice changes, so edits in progress stay.
        """
        with language(self.lang):
            people = _seen(self.store.records("stakeholders", self.project_id), self.client)
            self._people = {p.id: p for p in people}
            self._show_table()
            labels = stakeholder_labels(people)
            current = self.chooser.value if select is None else select
            self._loading = True
            try:
                self.chooser.options = [(t("widgets.stakeholder.new"), self.NEW)] + [
                    (text, i) for i, text in labels.items()
                ]
                self.chooser.value = current if current in self._people else self.NEW
            finally:
                self._loading = False
            if select is not None or self.chooser.value != current:
                self._load(self.chooser.value)

    def _show_table(self) -> None:
        columns = ["name", "organisation", "role", "preferred_channel"]
        if not self.client:
            columns += [*TEAM_ONLY[2:], "quadrant"]
        values = {
            "preferred_channel": lambda p: enum_label("channel", p.preferred_channel),
            "engagement_current": lambda p: enum_label("engagement", p.engagement_current),
            "engagement_desired": lambda p: enum_label("engagement", p.engagement_desired),
            "quadrant": lambda p: enum_label("quadrant", quadrant_of(p.power, p.interest)),
        }
        rows = [
            [values[c](p) if c in values else getattr(p, c) for c in columns]
            for p in self._people.values()
        ]
        headers = [label(c) for c in columns]
        self.table.value = _table(headers, rows, t("widgets.stakeholder.none_yet"))

    def edit(self, stakeholder_id: int | None) -> None:
        """Choose a stakeholder to edit (``None``: a new one), as the dropdown does."""
        self.chooser.value = stakeholder_id or self.NEW

    def _chosen(self, change: dict[str, Any]) -> None:
        if not self._loading:
            self.form.run(lambda: self._load(change["new"]))

    def _load(self, stakeholder_id: int) -> None:
        person = self._people.get(stakeholder_id)
        if person is None:
            self.form.reset()
            return
        self.form.clear_errors()
        values = {name: getattr(person, name) for name in self.form.fields}
        values["language"] = values["language"] or ""
        if self.client:  # the team's fields and notes stay off the screen
            for name in (*TEAM_ONLY, "notes"):
                values[name] = self.form[name].default
        self.form.set_values(values)

    def _values(self, person: Stakeholder | None) -> dict[str, Any]:
        """The form's values to store; in client mode without what it does not show."""
        values = self.form.values()
        if self.client:
            for name in TEAM_ONLY:
                del values[name]
            if person is not None:
                typed = values["notes"].strip()
                values["notes"] = "\n".join(n for n in (person.notes, typed) if n)
        return values

    def save(self, _button: w.Button | None = None) -> bool:
        """Add the new stakeholder, or update the chosen one."""
        return self.form.run(self._save)

    def _save(self) -> None:
        chosen = self.chooser.value
        before = self._people.get(chosen) if chosen != self.NEW else None
        values = self._values(before)
        if before is None:
            saved = self.store.add(Stakeholder(project_id=self.project_id, **values))
            message = t("widgets.stakeholder.added", name=saved.name)
            self.refresh(select=self.NEW)
            self.undo.remember(saved.name, lambda: self._take_back(saved.id, None))
        else:
            saved = self.store.update("stakeholders", chosen, **values)
            message = t("widgets.stakeholder.updated", name=saved.name)
            self.refresh(select=chosen)
            self.undo.remember(saved.name, lambda: self._take_back(chosen, before))
        self.status.ok(message)
        self._announce("stakeholders")

    def _take_back(self, stakeholder_id: int, before: Stakeholder | None) -> None:
        """Undo an add (delete it) or an edit (write the old values back)."""
        if before is None:
            self.store.delete("stakeholders", stakeholder_id)
        else:
            old = before.model_dump(exclude={"id", "project_id", "created_at", "updated_at"})
            self.store.update("stakeholders", stakeholder_id, **old)
        self.refresh(select=self.chooser.value)
        self._announce("stakeholders")


# --- the communication plan -------------------------------------------------------------


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
                _visibility(visibility, width=_PLAN_WIDTHS[5]),
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
        self, store: Any, project: Any, lang: str | None = None, audience: str | None = None
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
            items = _seen(self.store.records("communication_plan", self.project_id), self.client)
            self._items = items
            for row in self.rows:
                _close(row)
            self.rows = []
            self.rows_box.children = []
            for item in items:
                self._append(item)

    def _stakeholders_changed(self, _kind: str, project_id: int) -> None:
        if project_id == self.project_id:
            self.form.run(self._update_audiences, keep=True)

    def _stakeholders(self) -> list[Stakeholder]:
        return _seen(self.store.records("stakeholders", self.project_id), self.client)

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
            _close(row)
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


# --- the follow-ups board ---------------------------------------------------------------

_BOARD_WIDTHS = ("11em", "10em", "8em", "30%", "25%", "9em")


class _BoardRow(w.HBox):
    def __init__(self, follow_up: FollowUp, subject: str, today: date) -> None:
        self.follow_up = follow_up
        due = follow_up.due
        self.overdue_days = (today - due).days if due is not None and due < today else 0
        if self.overdue_days:
            mark = t("widgets.board.overdue", days=self.overdue_days)
            marker = f"<b style='color:#c62828'>⚠ {escape(mark)}</b>"
        elif due == today:
            marker = "<b>" + escape(t("widgets.board.due_today")) + "</b>"
        else:
            marker = ""
        cells = [marker] + [
            escape(v) for v in (follow_up.owner, format_date(due), follow_up.title, subject)
        ]
        self.done_button = w.Button(
            description=t("widgets.board.done"), icon="check", layout=w.Layout(width="9em")
        )
        super().__init__(
            [
                w.HTML(c, layout=w.Layout(width=wd))
                for c, wd in zip(cells, _BOARD_WIDTHS, strict=False)
            ]
            + [self.done_button]
        )
        if self.overdue_days:
            self.add_class("commlib-overdue")


class FollowUpBoard(ProjectWidget):
    """Open follow-ups, overdue ones first (marked with how many days), with "mark done".

    ``today`` fixes the day (for tests and reports); by default it is the day it is.
    """

    def __init__(
        self,
        store: Any,
        project: Any,
        lang: str | None = None,
        today: date | None = None,
        audience: str | None = None,
    ) -> None:
        super().__init__(store, project, lang, audience)
        self._today = today
        self.rows: list[_BoardRow] = []
        with language(self.lang):
            self.form = Form([], status=self.status, lang=self.lang)
            self.undo = Undo(self.form)
            self.refresh_button = w.Button(description=t("widgets.refresh"), icon="refresh")
            self.refresh_button.on_click(lambda _b: self.form.run(self.refresh))
            self.rows_box = w.VBox([])
            heads = ["", label("owner"), label("due"), label("title"), label("contact_id")]
            self.children = [
                w.HBox([heading(t("widgets.board.title")), self.badge]),
                w.HBox(
                    [
                        w.HTML(f"<b>{escape(h)}</b>", layout=w.Layout(width=wd))
                        for h, wd in zip(heads, _BOARD_WIDTHS, strict=False)
                    ]
                ),
                self.rows_box,
                w.HBox([self.refresh_button, self.undo, self.status]),
            ]
            self.refresh()
        on_change(store, {"follow_ups"}, self._on_change)

    @property
    def today(self) -> date:
        return self._today or date.today()

    def refresh(self) -> None:
        """Re-read the open follow-ups."""
        with language(self.lang):
            today = self.today
            items = [
                f
                for f in _seen(self.store.records("follow_ups", self.project_id), self.client)
                if f.status == "open"
            ]
            items.sort(key=lambda f: (f.due is None, f.due or today, f.id))
            subjects = {}
            for contact_id in {f.contact_id for f in items if f.contact_id is not None}:
                contact = self.store.get("contacts", contact_id)
                if contact.visibility == "client" or not self.client:
                    subjects[contact_id] = contact.subject
            for row in self.rows:
                _close(row)
            self.rows = []
            for f in items:
                row = _BoardRow(f, subjects.get(f.contact_id, ""), today)
                row.done_button.on_click(lambda _b, row=row: self.mark_done(row))
                self.rows.append(row)
            self._show_rows()

    def _show_rows(self) -> None:
        empty = w.HTML("<i>" + escape(t("widgets.board.empty")) + "</i>")
        self.rows_box.children = self.rows or [empty]

    def mark_done(self, row: _BoardRow) -> bool:
        """Mark a follow-up done today (what its button does)."""

        def done() -> None:
            follow_up = row.follow_up
            self.store.update("follow_ups", follow_up.id, status="done", done_on=self.today)
            self.rows.remove(row)
            self._show_rows()
            _close(row)
            self.status.ok(t("widgets.board.marked_done", title=follow_up.title))
            self.undo.remember(follow_up.title, lambda: self._reopen(follow_up))
            self._announce("follow_ups")

        return self.form.run(done)

    def _reopen(self, follow_up: FollowUp) -> None:
        """Undo "mark done": open again, as it was (the history keeps both)."""
        self.store.update(
            "follow_ups", follow_up.id, status=follow_up.status, done_on=follow_up.done_on
        )
        self.refresh()
        self._announce("follow_ups")
