"""Scope: goals, what is in and out, the client's confirmation, and change requests.

    >>> confirm_scope(store, "ERP", by="张伟", on=date(2026, 3, 9), channel="meeting")
    >>> scope_summary(store.project("ERP"), lang="zh").status
    >>> open_changes(store.frame("change_requests", "ERP"), today=today)
    >>> decide_change(store, 5, "approved", decided_by="张伟", decided_on=date(2026, 4, 2))

An approved change moves the current due date of the milestones it names by its
``schedule_impact_days``; the baseline (what was promised first) never moves, and the history
keeps every move with the day of the decision.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from .. import frames
from ..errors import Conflict, InvalidRecord, Problem
from ..i18n import enum_label, label, language, t
from ..models import ChangeRequest, Milestone, Project, Record
from .milestones import CLOSED, moment_of, record_id

if TYPE_CHECKING:
    from ..store import Store

#: the parts of a project's scope, in display order
SECTIONS = ("goals", "in_scope", "out_of_scope")
#: the decisions ``decide_change`` takes (pending is where every change starts)
DECISIONS = ("approved", "rejected", "deferred")


# --- goals and scope --------------------------------------------------------------------


def confirm_scope(
    store: Store,
    project: str | int | Project,
    by: str,
    on: date,
    channel: str,
    *,
    at: datetime | None = None,
) -> Project:
    """Record that the client confirmed the project's goals and scope: who (a name), when, how.

    A new confirmation (after the scope changed) replaces the previous one. ``at`` (the
    record's ``updated_at``) defaults to noon UTC on ``on``. Returns the updated project.
    """
    found = store.project(project)
    return store.update(
        "projects",
        found.id,
        at=moment_of(on, at),
        scope_confirmed_by=by,
        scope_confirmed_on=on,
        scope_confirmed_channel=channel,
    )


@dataclass(frozen=True)
class ScopeLists:
    """Goals, in scope and out of scope as three bullet lists (``sections``: ``(heading,
    items)``), then the sentence of the client's confirmation. Shows itself as HTML, every
    item escaped; a section without items says so."""

    sections: tuple[tuple[str, tuple[str, ...]], ...]
    status: str
    empty: str = ""

    def _repr_html_(self) -> str:
        parts = ['<div class="commlib-list">']
        for heading, items in self.sections:
            parts.append(f"<h3>{_html.escape(heading)}</h3>")
            if items:
                rows = "".join(f"<li>{_html.escape(item)}</li>" for item in items)
                parts.append(f"<ul>{rows}</ul>")
            else:
                parts.append(f'<p class="commlib-empty">{_html.escape(self.empty)}</p>')
        parts.append(f"<p>{_html.escape(self.status)}</p></div>")
        return "\n".join(parts)

    def __repr__(self) -> str:
        lines = []
        for heading, items in self.sections:
            lines += [heading, *(f"- {item}" for item in items or (self.empty,))]
        return "\n".join([*lines, self.status])


@dataclass(frozen=True)
class ScopeSummary:
    """A project's goals and scope with the client's confirmation, ready to show.

    ``items`` has a row per item (``section``: goals, in_scope or out_of_scope;
    ``section_label`` in the language asked for; ``position`` from 1 within its section;
    ``item``); ``lists`` shows the three as bullet lists with the confirmation sentence (for a
    reader); ``confirmed`` says whether the client confirmed, ``by``/``on``/``channel`` as
    recorded; ``status`` is one sentence saying who confirmed when and how, or that nobody has
    yet.
    """

    items: pd.DataFrame
    lists: ScopeLists
    confirmed: bool
    by: str | None
    on: date | None
    channel: str | None
    status: str


def scope_summary(project: Project, *, lang: str | None = None) -> ScopeSummary:
    """Goals and scope items with the client's confirmation, labelled in ``lang`` (see
    :class:`ScopeSummary`)."""
    with language(lang):
        rows = [
            {"section": section, "section_label": label(section), "position": n, "item": item}
            for section in SECTIONS
            for n, item in enumerate(getattr(project, section), start=1)
        ]
        items = pd.DataFrame(rows, columns=["section", "section_label", "position", "item"])
        labels = [label(section) for section in SECTIONS]
        empty = t("table.empty")
        confirmed = bool(project.scope_confirmed_by) and project.scope_confirmed_on is not None
        channel = project.scope_confirmed_channel
        if not confirmed:
            status = t("schedule.scope.not_confirmed")
        elif channel:
            status = t(
                "schedule.scope.confirmed_via",
                by=project.scope_confirmed_by,
                on=project.scope_confirmed_on,
                channel=enum_label("channel", channel),
            )
        else:
            status = t(
                "schedule.scope.confirmed",
                by=project.scope_confirmed_by,
                on=project.scope_confirmed_on,
            )
    lists = ScopeLists(
        sections=tuple(
            (label_of, tuple(getattr(project, section)))
            for section, label_of in zip(SECTIONS, labels, strict=True)
        ),
        status=status,
        empty=empty,
    )
    return ScopeSummary(
        items=items.astype({"position": "int64"}),
        lists=lists,
        confirmed=confirmed,
        by=project.scope_confirmed_by or None,
        on=project.scope_confirmed_on,
        channel=channel,
        status=status,
    )


# --- change requests --------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeDecision:
    """What ``decide_change`` did: the decided change, the milestones it moved (as they are
    now) and the linked ones it left alone because they are done or cancelled."""

    change: ChangeRequest
    moved: tuple[Milestone, ...] = ()
    skipped: tuple[Milestone, ...] = ()


def open_changes(
    changes: pd.DataFrame, *, today: date | None = None, include_deferred: bool = False
) -> pd.DataFrame:
    """The change requests still waiting for the client's decision, oldest request first.

    ``changes`` is the store's ``change_requests`` frame; open means ``pending`` (and also
    ``deferred`` with ``include_deferred=True``: a deferred change is decided — parked —
    and ``decide_change`` no longer takes it). With ``today``, a ``waiting_days`` column
    says how long each has waited since it was requested.
    """
    states = ("pending", "deferred") if include_deferred else ("pending",)
    found = changes[changes["decision"].astype(str).isin(states)].copy()
    requested = pd.to_datetime(found["requested_on"].map(frames.day))
    found = found.assign(_requested=requested.to_numpy())
    found = found.sort_values(["_requested", "id"], kind="stable").drop(columns="_requested")
    if today is not None:
        waiting = (
            pd.Timestamp(today) - pd.to_datetime(found["requested_on"].map(frames.day))
        ).dt.days
        found["waiting_days"] = waiting.astype("Int64").to_numpy()
    return found.reset_index(drop=True)


def decide_change(
    store: Store,
    change: int | ChangeRequest,
    decision: str,
    decided_by: str,
    decided_on: date,
    *,
    cascade: bool = False,
    at: datetime | None = None,
) -> ChangeDecision:
    """Decide a pending change request; an approved one moves the milestones it names.

    ``decision`` is ``approved``, ``rejected`` or ``deferred``; ``decided_by`` a name (the
    client's decision maker). Everything happens in one transaction: the decision, and, when
    approved with a non-zero ``schedule_impact_days``, the ``current_due`` of each milestone
    in ``milestone_ids`` moved by that many days (earlier when negative). Baselines never move.
    Each write goes through ``Store.update`` with ``at`` = noon UTC on ``decided_on`` (unless
    ``at`` is given), so the history shows the moves on the day of the decision.

    Choices:

    - Only the named milestones move by default (``cascade=False``): the change request says
      which commitments it changes, and the client approves exactly those. What that does to
      later milestones shows in :func:`~commlib.schedule.forecast.forecast`, which pushes
      successors along ``depends_on``. With ``cascade=True`` every milestone that depends on a
      moved one (directly or further down the chain) moves by the same days, once each.
    - Done and cancelled milestones never move (their dates are history); they are returned
      in ``skipped``, and a cascade stops at a done milestone.

    Refused, with nothing written: a decision other than the three above (``InvalidRecord``);
    a change that is not pending, e.g. decided before (``Conflict``, naming the decision);
    ``decided_on`` before ``requested_on`` (``InvalidRecord``, from the model).
    """
    if decision not in DECISIONS:
        raise InvalidRecord(
            [Problem("decision", decision, t("schedule.error.bad_decision"))],
            t("schedule.error.decisions_are", decisions=", ".join(DECISIONS)),
        )
    change_id = record_id(change)
    moment = moment_of(decided_on, at)
    with store.transaction():
        current = store.get("change_requests", change_id)
        if current.decision != "pending":
            raise Conflict(
                t(
                    "schedule.error.already_decided",
                    title=current.title,
                    id=change_id,
                    decision=enum_label("decision", current.decision),
                    by=current.decided_by or "—",
                    on=current.decided_on or "—",
                )
            )
        decided = store.update(
            "change_requests",
            change_id,
            at=moment,
            decision=decision,
            decided_by=decided_by,
            decided_on=decided_on,
        )
        moved: list[Milestone] = []
        skipped: list[Milestone] = []
        days = current.schedule_impact_days
        if decision == "approved" and days and current.milestone_ids:
            targets, skipped = _to_move(store, current, cascade)
            for target in targets:
                moved.append(
                    store.update(
                        "milestones",
                        target.id,
                        at=moment,
                        current_due=target.current_due + timedelta(days=days),
                    )
                )
    return ChangeDecision(decided, tuple(moved), tuple(skipped))


def _to_move(
    store: Store, change: ChangeRequest, cascade: bool
) -> tuple[list[Milestone], list[Milestone]]:
    """The milestones an approved change moves, in order, and the linked ones it leaves."""
    linked = [store.get("milestones", i) for i in dict.fromkeys(change.milestone_ids)]
    move = [m for m in linked if m.status not in CLOSED]
    skipped = [m for m in linked if m.status in CLOSED]
    if not cascade:
        return move, skipped
    every: list[Record] = store.records("milestones", change.project_id)
    children: dict[int, list[Milestone]] = {}
    for m in every:
        if isinstance(m, Milestone) and m.depends_on is not None:
            children.setdefault(m.depends_on, []).append(m)
    seen = {m.id for m in linked}
    queue = [m for m in linked if m.status != "done"]
    while queue:
        parent = queue.pop(0)
        for child in children.get(parent.id, []):  # type: ignore[arg-type]
            if child.id in seen:
                continue
            seen.add(child.id)
            if child.status not in CLOSED:
                move.append(child)
            if child.status != "done":
                queue.append(child)
    return move, skipped
