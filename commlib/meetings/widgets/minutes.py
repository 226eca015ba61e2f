"""The minutes of a meeting, written while it happens: who attended, what was decided, who
does what by when, the problems raised, the summary for the client and the team's notes;
one save (``save_minutes``), then the e-mail that asks the attendees to confirm.

    MeetingMinutes(store, "华辰 ERP 升级")                 # offers the planned meetings
    MeetingMinutes(store, "华辰 ERP 升级", meeting=12)      # the minutes of meeting #12

Fast to use live: each "+" adds a row with one click, and Enter moves on to the next box
(from a row's last box, to a new row). Problems show in red under the field or in the row
they concern, never as a traceback; "undo" takes the last save back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ...contacts.widgets._common import (
    FollowingRow,
    close_all,
    internal_hint,
    visibility_field,
    visible,
)
from ...contacts.widgets.people import PeoplePicker
from ...errors import CommlibError, Conflict, FormInvalid, InvalidRecord, Problem
from ...forms import (
    Checker,
    Field,
    Form,
    ProjectWidget,
    StatusLine,
    Undo,
    date_input,
    escape,
    format_date,
    format_moment,
    heading,
    moment_input,
    on_change,
    parse_date,
    parse_moment,
)
from ...i18n import label, language, t
from ...models import Contact, Meeting
from ..minutes import (
    DecisionItem,
    FollowUpItem,
    IssueItem,
    Minutes,
    item_where,
    planned_meeting,
    read_minutes,
    save_minutes,
    team_names,
    write_minutes_email,
)

if TYPE_CHECKING:
    from ...store import ProjectRef, Store

__all__ = ["KINDS", "MeetingMinutes"]

#: the rows the minutes hold, in the order they show
KINDS = ("decisions", "follow_ups", "issues")
_ITEMS = {"decisions": DecisionItem, "follow_ups": FollowUpItem, "issues": IssueItem}
#: the chooser's value for a meeting that was not planned
NEW = 0


def _now() -> datetime:
    return datetime.now().replace(second=0, microsecond=0)


def _local(moment: datetime) -> datetime:
    """A stored (UTC) moment as the picker shows it: naive, in the machine's time zone."""
    return moment.astimezone().replace(tzinfo=None)


def on_enter(widget: w.Widget, action: Callable[[], Any]) -> None:
    """Run ``action`` when Enter is pressed in the text box ``widget`` (its ``submit``)."""

    def handle(_widget: w.Widget, content: dict[str, Any], _buffers: list[bytes]) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            action()

    widget.on_msg(handle)


class _Row(FollowingRow):
    """One decision, follow-up or issue being written, with a remove button. Its visibility
    follows the minutes' until someone sets it; ``boxes`` are its text boxes, in Enter order."""

    def __init__(
        self, kind: str, fields: list[Field], boxes: list[w.Widget], status: StatusLine, lang: str
    ) -> None:
        self.kind = kind
        self.boxes = boxes
        super().__init__(Form(fields, status=status, lang=lang))
        self.add_class(f"commlib-minutes-{kind}")

    @property
    def blank(self) -> bool:
        """Nothing typed in it: it is left out when saving."""
        return not any(str(box.value).strip() for box in self.boxes)

    def item(self) -> DecisionItem | FollowUpItem | IssueItem:
        return _ITEMS[self.kind](**self.form.values())


class MeetingMinutes(ProjectWidget):
    """The minutes of a meeting with the client (see the module).

    ``meeting`` (an id or a ``Meeting``) prefills the form from a planned meeting: its title,
    start and invitees; the chooser at the top offers the project's other planned meetings,
    or none (a meeting that was not planned). The e-mail is written into ``folder``
    (``minutes-<id>.eml``). In client mode only client-visible stakeholders and meetings
    show, and the notes are hidden. What is saved is client-visible unless set otherwise.
    """

    model = Contact

    def __init__(
        self,
        store: Store,
        project: ProjectRef,
        meeting: int | Meeting | None = None,
        lang: str | None = None,
        audience: str | None = None,
        *,
        folder: str | Path = ".",
    ) -> None:
        super().__init__(store, project, lang, audience)
        self.folder = Path(folder)
        #: the meeting saved last here: the one the e-mail button writes
        self.saved: Meeting | None = None
        self.rows: dict[str, list[_Row]] = {kind: [] for kind in KINDS}
        with language(self.lang):
            self._build()
            self.refresh()
            if meeting is not None:
                self.choose(meeting)
        on_change(store, {"stakeholders", "meetings"}, self._on_change)

    # --- building ---

    def _build(self) -> None:
        self._names: dict[int, str] = {}
        self._planned: dict[int, Meeting] = {}
        lang = self.lang
        self.people = PeoplePicker(
            t("widgets.contact.who_placeholder"), t("widgets.contact.add_person")
        )
        self.people.add_button.on_click(self._add_person)
        self.chooser = w.Dropdown(options=[(t("meetings.minutes.widget.unplanned"), NEW)])
        self.chooser.observe(self._chosen, names="value")
        self.form = Form(
            [
                Field(
                    "meeting_id",
                    self.chooser,
                    label=label("meetings"),
                    parse=lambda value: value or None,
                    default=NEW,
                ),
                Field("title", w.Text(placeholder=t("meetings.minutes.widget.title_placeholder"))),
                Field(
                    "start",
                    moment_input(lang, _now()),
                    label=t("meetings.minutes.widget.start"),
                    default=_now,
                    parse=lambda text: self._utc(parse_moment(text, "start")),
                    format=lambda moment: format_moment(moment, lang),
                    required=True,
                ),
                Field(
                    "stakeholder_ids",
                    self.people,
                    label=t("meetings.minutes.widget.attendees"),
                    parse=self.people.stakeholder_ids,
                    default=[],
                ),
                Field(
                    "team",
                    w.Text(placeholder=t("meetings.minutes.widget.team_placeholder")),
                    label=t("meetings.minutes.widget.team"),
                    parse=team_names,
                    default="",
                ),
                Field(
                    "summary",
                    w.Textarea(
                        rows=4, placeholder=t("meetings.minutes.widget.summary_placeholder")
                    ),
                    label=t("meetings.minutes.widget.summary"),
                    width="100%",
                ),
                visibility_field("client"),
                Field("notes", w.Textarea(rows=2), width="100%"),
            ],
            status=self.status,
            lang=lang,
            aliases={"when": "start", "subject": "title"},
        )
        self.form["visibility"].input.observe(self._visibility_set, names="value")
        self.team_box = self.form["team"].input
        self.team_box.continuous_update = False
        self.team_box.observe(lambda _c: self._names_changed(), names="value")
        self.people.chosen.observe(lambda _c: self._names_changed(), names="children")
        on_enter(self.form["title"].input, lambda: self.form["start"].input.focus())
        on_enter(self.form["start"].input, lambda: self.people.box.focus())
        on_enter(self.team_box, lambda: self.form["summary"].input.focus())
        self.internal_line = internal_hint()
        self.boxes: dict[str, w.VBox] = {}
        self.add_buttons: dict[str, w.Button] = {}
        sections: list[w.Widget] = []
        for kind in KINDS:
            self.boxes[kind] = w.VBox([])
            button = w.Button(description=t(f"meetings.minutes.widget.add_{kind}"), icon="plus")
            button.on_click(lambda _b, kind=kind: self.add_row(kind, focus=True))
            self.add_buttons[kind] = button
            sections += [w.HTML(f"<b>{escape(label(kind))}</b>"), self.boxes[kind], button]
        self.save_button = w.Button(
            description=t("widgets.save"), icon="check", button_style="primary"
        )
        self.save_button.on_click(self.save)
        self.email_button = w.Button(
            description=t("meetings.minutes.widget.email"),
            icon="envelope",
            tooltip=t("meetings.minutes.widget.email_tip"),
            disabled=True,
        )
        self.email_button.on_click(self.write_email)
        self.undo = Undo(self.form, on_undone=self._undone)
        self.children = [
            w.HBox([heading(t("meetings.minutes.widget.heading")), self.badge]),
            *self.form,
            self.internal_line,
            *sections,
            w.HBox([self.save_button, self.email_button, self.undo, self.status]),
        ]
        self.add_class("commlib-minutes")
        self._show_internal()

    def _utc(self, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def _add_person(self, _button: w.Button | None = None) -> bool:
        """What "+" does: add the typed name, or say it is nobody in the register."""
        return self.form.run(self.people.add_or_refuse)

    # --- reading ---

    def refresh(self) -> None:
        """Re-read the stakeholders and the planned meetings (on open and on change)."""
        with language(self.lang):
            people = visible(self.store.records("stakeholders", self.project_id), self.client)
            self._names = {p.id: p.name for p in people}
            self.people.set_people(people)
            meetings = visible(self.store.records("meetings", self.project_id), self.client)
            planned = [m for m in meetings if m.status == "planned" and m.contact_id is None]
            planned.sort(key=lambda m: (m.start, m.id))
            self._planned = {m.id: m for m in planned}
            chosen = self.chooser.value
            options = [(t("meetings.minutes.widget.unplanned"), NEW)] + [
                (f"{format_moment(_local(m.start), self.lang)} · {m.title}", m.id) for m in planned
            ]
            self.chooser.unobserve(self._chosen, names="value")
            try:
                self.chooser.options = options
                self.chooser.value = chosen if chosen in self._planned else NEW
            finally:
                self.chooser.observe(self._chosen, names="value")
            self._names_changed()

    def audience_changed(self) -> None:
        self._show_internal()
        self.form.run(self.refresh, keep=True)

    def _show_internal(self) -> None:
        self._show_internal_fields()
        self.internal_line.layout.display = "none" if self.client else None

    def choose(self, meeting: int | Meeting | None) -> None:
        """Take the minutes of ``meeting`` (a planned one; ``None``: one not planned)."""
        meeting_id = meeting.id if isinstance(meeting, Meeting) else meeting
        if meeting_id and meeting_id not in self._planned:
            self.form.run(lambda: self._refuse_meeting(meeting_id))  # says why, under the chooser
            return
        self.chooser.value = meeting_id or NEW

    def _refuse_meeting(self, meeting_id: int) -> None:
        """Why ``meeting_id`` is not offered, under the chooser."""
        try:
            planned_meeting(self.store, self.project_id, meeting_id)  # unknown, held...
        except CommlibError as err:
            raise InvalidRecord([Problem("meeting_id", meeting_id, str(err))]) from None
        raise InvalidRecord(  # planned, but not on this screen (internal, in client mode)
            [Problem("meeting_id", meeting_id, t("meetings.minutes.widget.not_shown"))]
        )

    def _chosen(self, change: dict[str, Any]) -> None:
        meeting = self._planned.get(change["new"])
        if meeting is None:
            return
        with language(self.lang):
            self.form["title"].set(meeting.title)
            self.form["start"].set(_local(meeting.start))
            self.people.value = [
                tag for tag, i in self.people.ids.items() if i in set(meeting.stakeholder_ids)
            ]

    def _visibility_set(self, change: dict[str, Any]) -> None:
        for rows in self.rows.values():
            for row in rows:
                row.follow(change["new"])

    def _attendee_names(self) -> list[str]:
        chosen = [
            self._names[self.people.ids[tag]] for tag in self.people.value if tag in self.people.ids
        ]
        return list(dict.fromkeys([*chosen, *team_names(self.team_box.value)]))

    def _names_changed(self) -> None:
        """Who attended changed: the owner and decided-by boxes offer their names."""
        names = self._attendee_names()
        for rows in self.rows.values():
            for row in rows:
                row.boxes[1].options = names  # who decided, or who owns it

    # --- rows ---

    def add_row(self, kind: str, *, focus: bool = False) -> _Row:
        """Add an empty decision, follow-up or issue row (what each "+" does); returns it.
        With ``focus``, the cursor goes to its first box."""
        with language(self.lang):
            row = self._row(kind)
        row.remove_button.on_click(lambda _b, row=row: self.remove_row(row))
        for box, after in zip(row.boxes, row.boxes[1:], strict=False):
            on_enter(box, after.focus)  # (the box's own method, bound when it is made)
        on_enter(row.boxes[-1], lambda: self.add_row(kind, focus=True))
        self.rows[kind].append(row)
        self.boxes[kind].children = [*self.boxes[kind].children, row]
        if focus:
            row.boxes[0].focus()
        return row

    def _row(self, kind: str) -> _Row:
        lang = self.lang
        names = self._attendee_names()
        visibility = visibility_field(self.form["visibility"].input.value, width="14em")
        title = Field(
            "title",
            w.Text(placeholder=t(f"meetings.minutes.widget.{kind}_placeholder")),
            label="",
            width="36%",
        )
        fields = [title]
        if kind == "issues":
            severity = w.Dropdown(
                options=[(t(f"issues.severity.{n}"), n) for n in range(1, 6)],
                value=3,
                layout=w.Layout(width="9em"),
            )
            fields.append(Field("severity", severity, label=""))
        who = "decided_by" if kind == "decisions" else "owner"
        owner = w.Combobox(options=names, ensure_option=False, placeholder=label(who))
        fields.append(Field(who, owner, label="", width="18%"))
        boxes = [title.input, owner]
        if kind == "follow_ups":
            due = date_input(lang, description=label("due"), style={"description_width": "auto"})
            fields.append(
                Field(
                    "due",
                    due,
                    label="",
                    default=None,
                    parse=lambda text: parse_date(text, "due"),
                    format=lambda day: format_date(day, lang),
                    width="17em",
                )
            )
            boxes.append(due)
        fields.append(visibility)
        return _Row(kind, fields, boxes, self.status, lang)

    def remove_row(self, row: _Row) -> None:
        self.rows[row.kind].remove(row)
        box = self.boxes[row.kind]
        box.children = [c for c in box.children if c is not row]
        close_all(row)

    # --- saving ---

    def save(self, _button: w.Button | None = None) -> bool:
        """Check every box, then save the minutes in one transaction (``save_minutes``)."""
        forms = [row.form for rows in self.rows.values() for row in rows]
        return self.form.run(self._save, clear=forms)

    def _save(self) -> None:
        check = Checker()
        values = check.build(self.form, self.form.values) or {}
        items: dict[str, list[tuple[_Row, Any]]] = {kind: [] for kind in KINDS}
        for kind, rows in self.rows.items():
            for row in rows:
                if not row.blank:
                    items[kind].append((row, check.build(row.form, row.item)))
        check.raise_if_any()
        planned = self._planned.get(values["meeting_id"] or NEW)
        minutes = Minutes(
            title=values["title"],
            start=values["start"],
            stakeholder_ids=values["stakeholder_ids"],
            team=values["team"],
            summary=values["summary"],
            notes=values["notes"],
            meeting_id=values["meeting_id"],
            visibility=values["visibility"],
            **{kind: [item for _row, item in found] for kind, found in items.items()},
        )
        try:
            meeting = save_minutes(self.store, self.project_id, minutes)
        except InvalidRecord as err:
            raise self._placed(err.problems, items) from err
        self._saved(meeting, planned, minutes)

    def _placed(
        self, problems: list[Problem], items: dict[str, list[tuple[_Row, Any]]]
    ) -> FormInvalid:
        """``save_minutes``' problems, each under the form it concerns (an item's row)."""
        forms = {
            item_where(kind, number): row.form
            for kind, found in items.items()
            for number, (row, _item) in enumerate(found, 1)
        }
        placed: dict[Form, list[Problem]] = {}
        for problem in problems:
            placed.setdefault(forms.get(problem.where, self.form), []).append(problem)
        return FormInvalid(list(placed.items()))

    def _saved(self, meeting: Meeting, planned: Meeting | None, minutes: Minutes) -> None:
        self.saved = meeting
        self.email_button.disabled = False
        self.form.reset()
        self.people.box.value = ""
        for rows in self.rows.values():
            for row in list(rows):
                self.remove_row(row)
        self.status.ok(
            t(
                "meetings.minutes.widget.saved",
                title=meeting.title,
                decisions=len(minutes.decisions),
                follow_ups=len(minutes.follow_ups),
                issues=len(minutes.issues),
            )
        )
        what = f"{format_moment(_local(meeting.start), self.lang)} · {meeting.title}"
        self._remember(
            what,
            lambda: self._take_back(meeting, planned),
            public=meeting.visibility == "client",
        )
        self.refresh()
        self._announce_all()

    def _announce_all(self) -> None:
        for kind in ("contacts", "meetings", *KINDS):
            self._announce(kind)

    def _take_back(self, meeting: Meeting, planned: Meeting | None) -> None:
        """Undo a save: the minutes' records go, a planned meeting is planned again (the
        history keeps both)."""
        records = read_minutes(self.store, meeting.id)
        with self.store.transaction():
            for kind in KINDS:
                for record in getattr(records, kind):
                    self.store.delete(kind, record.id)
            if planned is None:
                self.store.delete("meetings", meeting.id)
            else:
                keep = ("status", "contact_id", "title", "start", "visibility", "minutes_sent_on")
                self.store.update("meetings", meeting.id, **{f: getattr(planned, f) for f in keep})
            self.store.delete("contacts", records.contact.id)
        if self.saved is not None and self.saved.id == meeting.id:
            self.saved = None
            self.email_button.disabled = True

    def _undone(self) -> None:
        self.refresh()
        self._announce_all()

    # --- the e-mail ---

    def write_email(self, _button: w.Button | None = None) -> bool:
        """Write the e-mail draft of the minutes saved last, to confirm or correct them."""

        def write() -> None:
            if self.saved is None:
                raise Conflict(t("meetings.minutes.widget.save_first"))
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"minutes-{self.saved.id}.eml"
            path = write_minutes_email(self.store, self.saved.id, target, lang=self.lang)
            self.status.ok(t("meetings.minutes.widget.email_written", path=str(path)))
            self._announce("meetings")

        return self.form.run(write)
