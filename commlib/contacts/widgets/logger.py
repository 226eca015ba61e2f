"""The contact logger: log a contact with a project's stakeholders, and the follow-ups it
brought, in one save (``log_contact`` does the writing).

    ContactLogger(store, "华辰 ERP 升级")
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ...errors import FormInvalid, InvalidRecord, Problem
from ...forms import (
    Checker,
    Field,
    Form,
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
from ...i18n import enum_label, label, language, t
from ...models import Contact, FollowUp
from ..log import contact_problems, follow_up_problems, follow_up_where, log_contact
from ._common import (
    FollowingRow,
    close_all,
    html_table,
    internal_hint,
    local_time,
    none_if_empty,
    visibility_field,
    visible,
)
from .people import PeoplePicker

if TYPE_CHECKING:
    from ...store import ProjectRef, Store

#: how many of the latest contacts show under the form
LATEST = 10


def _now() -> datetime:
    """Now, in the machine's local time zone, naive (as the picker shows it), to the minute."""
    return datetime.now().replace(second=0, microsecond=0)


def _to_utc(value: datetime | None) -> datetime | None:
    """The picker's naive local time as a UTC moment."""
    return None if value is None else value.astimezone(UTC)


def _newest(contacts: Iterable[Contact]) -> list[Contact]:
    return sorted(contacts, key=lambda c: (c.when, c.id or 0), reverse=True)[:LATEST]


class _FollowUpRow(FollowingRow):
    """One follow-up being written: title, owner, due, who may see it, and a remove button.

    Its visibility follows the contact's until someone sets it (``follows``).
    """

    def __init__(self, status: StatusLine, lang: str, visibility: str) -> None:
        form = Form(
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
                visibility_field(visibility, width="14em"),
            ],
            status=status,
            lang=lang,
        )
        super().__init__(form)

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
        self,
        store: Store,
        project: ProjectRef,
        lang: str | None = None,
        audience: str | None = None,
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
                Field(
                    "stakeholder_ids", self.people, parse=self.people.stakeholder_ids, default=[]
                ),
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
                Field("sentiment", sentiment, parse=none_if_empty),
                visibility_field(self._shared),
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
            internal_hint(),
            w.HTML(f"<b>{escape(label('follow_ups'))}</b>"),
            self.follow_up_box,
            self.add_follow_up_button,
            w.HBox([self.save_button, self.undo, self.status]),
            heading(t("widgets.contact.latest")),
            self.latest,
        ]

    def _add_person(self, _button: w.Button | None = None) -> bool:
        """What "+" does: add the typed name, or say it is nobody in the register."""
        return self.form.run(self.people.add_or_refuse)

    def _visibility_set(self, change: dict[str, Any]) -> None:
        for row in self.follow_up_rows:
            row.follow(change["new"])

    # --- reading ---

    def refresh(self) -> None:
        """Re-read the project's stakeholders and latest contacts (on open and on change)."""
        with language(self.lang):
            people = visible(self.store.records("stakeholders", self.project_id), self.client)
            self._names = {p.id: p.name for p in people}
            self.people.set_people(people)
            contacts = visible(self.store.records("contacts", self.project_id), self.client)
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
        self.latest.value = html_table(headers, rows, t("widgets.contact.none_yet"))

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
        close_all(row)

    # --- saving ---

    def save(self, _button: w.Button | None = None) -> bool:
        """Check every form, then write the contact and its follow-ups (``log_contact``)."""
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
        try:
            saved, added = log_contact(self.store, contact, [f for _row, f in pending])
        except InvalidRecord as err:
            raise self._placed(err.problems, [row.form for row, _f in pending]) from err
        self._saved(saved, added)

    def _contact(self) -> Contact:
        contact = Contact(project_id=self.project_id, **self.form.values())
        if problems := contact_problems(contact):
            raise InvalidRecord(problems)
        return contact

    def _follow_up(self, row: _FollowUpRow, contact: Contact | None) -> FollowUp:
        follow_up = FollowUp(project_id=self.project_id, **row.form.values())
        if contact is not None and (problems := follow_up_problems(follow_up, contact)):
            raise InvalidRecord(problems)
        return follow_up

    def _placed(self, problems: list[Problem], rows: list[Form]) -> FormInvalid:
        """``log_contact``'s problems, each under the form it concerns (a follow-up's row)."""
        forms = {follow_up_where(number): form for number, form in enumerate(rows, 1)}
        found: dict[Form, list[Problem]] = {}
        for problem in problems:
            found.setdefault(forms.get(problem.where, self.form), []).append(problem)
        return FormInvalid(list(found.items()))

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
