"""What the contact widgets share: stakeholder labels, times shown locally, what a screen may
show, a plain HTML table, the visibility toggles, the "stays with the team" hint, and the row
of a form whose visibility follows its parent's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

import ipywidgets as w

from ...forms import LABEL_WIDTH, Field, Form, enum_options, escape, toggles
from ...i18n import t
from ...models import Record, Stakeholder

R = TypeVar("R", bound=Record)

_TABLE = 'style="border-collapse:collapse;font-size:0.9em"'
_CELL = 'style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left"'


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


def visible(records: Iterable[R], client: bool) -> list[R]:
    """The records a screen may show: in client mode, only client-visible ones."""
    return [r for r in records if not client or r.visibility == "client"]


def none_if_empty(value: Any) -> Any:
    return None if value == "" else value


def html_table(headers: list[str], rows: list[list[object]], empty: str) -> str:
    if not rows:
        return f"<i>{escape(empty)}</i>"
    head = "".join(f"<th {_CELL}>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td {_CELL}>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table {_TABLE}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def close_all(widget: w.Widget) -> None:
    """Close a widget and everything in it (a removed row leaves nothing behind)."""
    for child in getattr(widget, "children", ()):
        close_all(child)
    widget.close()


def internal_hint() -> w.HTML:
    """The line under a notes box: what is typed there stays with the team."""
    return w.HTML(
        "<span style='color:#666;font-size:0.85em'>🔒 "
        f"{escape(t('widgets.internal_stays'))}</span>",
        layout=w.Layout(margin=f"0 0 0 {LABEL_WIDTH}"),
    )


def visibility_field(value: str, *, width: str | None = None) -> Field:
    """Who may see a record (toggles), starting at ``value``; with ``width``, unlabelled
    (a field of a row)."""
    return Field(
        "visibility",
        toggles(enum_options("visibility"), value),
        label="" if width else None,
        default=value,
        width=width,
    )


class FollowingRow(w.HBox):
    """A row of a form (a follow-up of a contact, a decision of the minutes...) with a remove
    button; its visibility follows its parent's (``follow``) until someone sets it by hand
    (then ``follows`` is False)."""

    def __init__(self, form: Form) -> None:
        self.follows = True
        self._following = False
        self.form = form
        form["visibility"].input.observe(self._set_by_hand, names="value")
        self.remove_button = w.Button(
            icon="times", tooltip=t("widgets.remove"), layout=w.Layout(width="3em")
        )
        super().__init__([*form, self.remove_button])

    def follow(self, visibility: str) -> None:
        """The parent's visibility changed: a row nobody set follows it."""
        if self.follows:
            self._following = True
            try:
                self.form["visibility"].input.value = visibility
            finally:
                self._following = False

    def _set_by_hand(self, _change: dict[str, Any]) -> None:
        if not self._following:
            self.follows = False
